from django.contrib import admin

from .models import EmailPreference, Notice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the portal's services write: ops look (did the email go out?), never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "title",
        "kind",
        "user",
        "organization",
        "read_at",
        "email_state",
        "emailed_at",
    ]
    list_filter = ["kind", "email_state", "organization"]
    search_fields = ["title", "user__username", "user__email", "=organization__account_id"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "created_at"
    fields = [
        "user",
        "organization",
        "kind",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
        "email_state",
        "emailed_at",
    ]
    readonly_fields = fields


@admin.register(EmailPreference)
class EmailPreferenceAdmin(ReadOnlyAdmin):
    """What each user chose; a kind with no row follows the user's role (docs/notices.md)."""

    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "email"]
