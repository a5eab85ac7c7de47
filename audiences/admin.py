from django.contrib import admin

from .models import Audience, AudienceVersion


class ReadOnlyAdminMixin:
    """Rows written only by the portal's own services; ops look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AudienceVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AudienceVersion
    extra = 0
    can_delete = False
    fields = [
        "number",
        "state",
        "voter_count",
        "household_count",
        "rows_read",
        "duplicates",
        "rows_rejected",
        "activated_at",
    ]
    readonly_fields = fields
    show_change_link = True


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "id",
        "organization",
        "audience_type",
        "status",
        "voter_count",
        "source",
        "created_at",
        "refreshed_at",
    ]
    list_filter = ["status", "audience_type", "source", "organization"]
    search_fields = [
        "name",
        "=id",
        "l2_segment_name",
        "l2_universe_id",
        "organization__name",
        "=organization__account_id",
    ]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    # What L2 and the loader maintain: editing these by hand would detach the audience from its members.
    readonly_fields = [
        "organization",
        "audience_type",
        "status",
        "status_reason",
        "source",
        "l2_segment_name",
        "l2_universe_id",
        "l2_customer_id",
        "l2_sender",
        "l2_app_id",
        "l2_owner_customer_id",
        "l2_owner_username",
        "current_version",
        "voter_count",
        "household_count",
        "duplicated_from",
        "created_at",
        "refreshed_at",
        "updated_at",
    ]
    inlines = [AudienceVersionInline]

    def has_add_permission(self, request):
        return False


@admin.register(AudienceVersion)
class AudienceVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "audience",
        "number",
        "state",
        "voter_count",
        "household_count",
        "rows_rejected",
        "activated_at",
    ]
    list_filter = ["state", "audience__organization"]
    search_fields = ["audience__name", "=audience__id"]
    list_select_related = ["audience"]

    def has_delete_permission(self, request, obj=None):
        return False
