from django.contrib import admin
from django.db.models import Count

from audiences.admin import ReadOnlyAdminMixin
from history.actors import Actor

from .models import Campaign, CampaignAudience, InsertionOrder
from .services import campaign_delete, insertion_order_delete


@admin.register(InsertionOrder)
class InsertionOrderAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "start_date",
        "end_date",
        "budget_type",
        "budget_total",
        "status",
        "campaign_total",
    ]
    list_filter = ["status", "budget_type", "organization"]
    search_fields = ["name", "=id", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(campaign_total=Count("campaigns"))

    @admin.display(description="campaigns", ordering="campaign_total")
    def campaign_total(self, obj):
        return obj.campaign_total

    def get_readonly_fields(self, request, obj=None):
        # An IO's organization and budget type are fixed at creation (its campaigns and spend depend on them).
        if obj is not None:
            return [*self.readonly_fields, "organization", "budget_type"]
        return self.readonly_fields

    # Deletes go through the service, which keeps the audiences' campaign counts right.
    def delete_model(self, request, obj):
        insertion_order_delete(insertion_order=obj, actor=Actor.of_user(request.user))

    def delete_queryset(self, request, queryset):
        for insertion_order in queryset:
            insertion_order_delete(insertion_order=insertion_order, actor=Actor.of_user(request.user))


class CampaignAudienceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CampaignAudience
    extra = 0
    can_delete = False
    fields = ["audience", "list_type", "created_at"]
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "insertion_order",
        "campaign_type",
        "status",
        "start_date",
        "end_date",
    ]
    list_filter = ["status", "campaign_type", "organization"]
    search_fields = ["name", "=id", "insertion_order__name", "organization__name"]
    list_select_related = ["organization", "insertion_order"]
    readonly_fields = [
        "organization",
        "insertion_order",
        "campaign_type",
        "created_at",
        "updated_at",
        # Computed by the reach task from the targeting; never typed in.
        "reach",
        "reach_excluded",
        "reach_breakdown",
        "reach_basis",
        "reach_computed_at",
    ]
    inlines = [CampaignAudienceInline]

    def has_add_permission(self, request):
        # Campaigns are created in the Campaigns app, where the IO's dates and the name rules are checked.
        return False

    def delete_model(self, request, obj):
        campaign_delete(campaign=obj, actor=Actor.of_user(request.user))

    def delete_queryset(self, request, queryset):
        for campaign in queryset:
            campaign_delete(campaign=campaign, actor=Actor.of_user(request.user))


@admin.register(CampaignAudience)
class CampaignAudienceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Targeting is changed only through the targeting service (the Audiences and Campaigns apps)."""

    list_display = ["campaign", "audience", "list_type", "created_at"]
    list_filter = ["list_type", "campaign__organization"]
    search_fields = ["campaign__name", "audience__name"]
    list_select_related = ["campaign", "audience"]
