from django.contrib import admin

from . import sentences
from .models import HistoryEntry

# The admin pages that delete organizations: the delete page, and the list's delete action.
ORGANIZATION_DELETIONS = {"accounts_organization_delete", "accounts_organization_changelist"}


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    """Read-only: an entry is what happened (docs/history.md), so ops look it up and never add, change or
    delete one; PostgreSQL refuses the last two anyway."""

    list_display = ["occurred_at", "organization", "actor_display", "sentence"]
    list_filter = ["organization", "actor_kind", "action", "occurred_at"]
    list_select_related = ["organization"]
    date_hierarchy = "occurred_at"
    search_fields = [
        "actor_name",
        "audience_name",
        "campaign_name",
        "insertion_order_name",
        "=audience_id",
        "=campaign_id",
        "=insertion_order_id",
    ]
    fieldsets = [
        (None, {"fields": ["occurred_at", "organization", "action", "sentence"]}),
        ("Who", {"fields": ["actor_kind", "actor_name", "actor_user_id", "actor_l2_customer_id", "actor_l2_username"]}),
        ("What", {"fields": [
            "audience_id", "audience_name", "campaign_id", "campaign_name", "insertion_order_id",
            "insertion_order_name", "changes", "details",
        ]}),
    ]  # fmt: skip
    readonly_fields = [f for _, options in fieldsets for f in options["fields"]]

    @admin.display(description="actor", ordering="actor_name")
    def actor_display(self, obj: HistoryEntry) -> str:
        return f"{obj.actor_name} ({obj.get_actor_kind_display()})"

    @admin.display(description="what happened")
    def sentence(self, obj: HistoryEntry) -> str:
        return sentences.html(obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Never an entry on its own (so no delete action either). An organization's history goes with the
        # organization (docs/history.md): deleting one from the admin lists its entries among what goes,
        # and must not be refused for want of a permission to delete them.
        match = getattr(request, "resolver_match", None)
        deleting_organization = match is not None and match.url_name in ORGANIZATION_DELETIONS
        return obj is not None and deleting_organization and super().has_delete_permission(request, obj)
