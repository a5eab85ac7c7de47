from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from iqm_portal.exceptions import ApplicationError

from .approvals import held_transmission_approve, held_transmission_decline
from .models import PartnerSecret, RefusedPush, Transmission, TransmissionStatus
from .services import partner_secret_create, partner_secret_revoke, transmission_retry


@admin.register(PartnerSecret)
class PartnerSecretAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "hint_display",
        "is_active",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["label", "hint"]
    fields = ["label", "hint_display", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = ["hint_display", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="secret")
    def hint_display(self, obj):
        return f"{obj.hint}…" if obj.hint else "—"

    @admin.display(boolean=True, description="active")
    def is_active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["label"])
            return
        record, secret = partner_secret_create(label=obj.label, created_by=request.user)
        obj.pk, obj.secret, obj.hint = record.pk, record.secret, record.hint
        obj.plain_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # The one and only time the secret is shown: rendered into this response, stored nowhere else.
        return TemplateResponse(
            request,
            "admin/l2_ingest/partnersecret/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "record": obj,
                "secret": obj.plain_secret,
                "title": "Give this secret to L2 now",
            },
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row records which secret signed past transmissions

    @admin.action(description="Revoke the selected secrets")
    def revoke(self, request, queryset):
        for secret in queryset:
            partner_secret_revoke(secret=secret)
        self.message_user(request, f"{queryset.count()} secret(s) revoked.", messages.SUCCESS)


@admin.register(Transmission)
class TransmissionAdmin(admin.ModelAdmin):
    list_display = [
        "received_at", "universe_name", "organization", "status", "progress_display", "voters_accepted",
        "rows_rejected", "attempts",
    ]  # fmt: skip
    list_filter = ["status", "organization", "received_at"]
    search_fields = ["=id", "webhook_id", "universe_name", "universe_id", "segment_name"]
    list_select_related = ["organization"]
    date_hierarchy = "received_at"
    actions = ["retry", "approve", "approve_and_trust", "decline"]
    fieldsets = [
        ("Sender", {"fields": [
            "id", "webhook_id", "sender_ip", "signed_with", "universe_name", "universe_id", "customer_id",
            "username", "app_id", "description", "cardinality", "date_created", "body_bytes", "body_sha256",
        ]}),
        ("Routing", {"fields": ["account_id", "segment_name", "organization", "audience_link", "version"]}),
        ("Life", {"fields": [
            "status", "progress_display", "attempts", "received_at", "queued_at", "started_at", "heartbeat_at",
            "finished_at", "reviewed_at", "reviewed_by",
        ]}),
        ("Outcome", {"fields": [
            "rows_read", "voters_accepted", "duplicates", "rows_rejected", "households", "errors_display",
            "failure_code", "failure_reason", "phase_seconds",
        ]}),
        ("Stored file", {"fields": ["members_file", "members_bytes"]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # What L2 sent and what the worker recorded is evidence: nobody edits it.
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # shown read-only: what L2 sent and what the worker recorded is evidence

    @admin.display(description="progress")
    def progress_display(self, obj):
        return f"{obj.progress:.0%}"

    @admin.display(description="audience")
    def audience_link(self, obj):
        if obj.audience_id is None:
            return "—"
        url = reverse("admin:audiences_audience_change", args=[obj.audience_id])
        return format_html('<a href="{}">{}</a>', url, obj.audience)

    @admin.display(description="first errors")
    def errors_display(self, obj):
        if not obj.errors:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>line {}: {}</li>", ((e["line"], e["reason"]) for e in obj.errors)),
        )

    @admin.action(description="Retry the selected failed transmissions")
    def retry(self, request, queryset):
        retried = [
            t for t in queryset.filter(status=TransmissionStatus.FAILED) if transmission_retry(transmission=t)
        ]
        skipped = queryset.count() - len(retried)
        if retried:
            self.message_user(request, f"{len(retried)} transmission(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only failed transmissions whose file is still kept can be retried.",
                messages.WARNING,
            )

    def _answer_held(self, request, queryset, answer, done: str) -> None:
        """Answer held pushes as the organization would (the same services), one by one."""
        waiting = list(queryset.filter(status=TransmissionStatus.HELD))
        answered, skipped = 0, queryset.count() - len(waiting)
        for transmission in waiting:
            try:
                answer(transmission)
            except ApplicationError:  # answered meanwhile, by someone else
                skipped += 1
            else:
                answered += 1
        if answered:
            self.message_user(request, f"{answered} held transmission(s) {done}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only transmissions held for approval can be answered.",
                messages.WARNING,
            )

    @admin.action(description="Approve the selected held transmissions")
    def approve(self, request, queryset):
        self._answer_held(
            request,
            queryset,
            lambda t: held_transmission_approve(transmission=t, user=request.user),
            "approved",
        )

    @admin.action(description="Approve the selected held transmissions and trust their L2 customers")
    def approve_and_trust(self, request, queryset):
        self._answer_held(
            request,
            queryset,
            lambda t: held_transmission_approve(transmission=t, user=request.user, trust=True),
            "approved, their L2 customers trusted",
        )

    @admin.action(description="Decline the selected held transmissions")
    def decline(self, request, queryset):
        self._answer_held(
            request,
            queryset,
            lambda t: held_transmission_decline(transmission=t, user=request.user),
            "declined",
        )


@admin.register(RefusedPush)
class RefusedPushAdmin(admin.ModelAdmin):
    """Pushes refused for their name (docs/l2-endpoint.md › Refused pushes): what L2 sent and was told."""

    list_display = [
        "received_at", "universe_name", "code", "organization", "username", "customer_id", "notified",
    ]  # fmt: skip
    list_filter = ["code", "organization", "received_at", "notified"]
    search_fields = ["universe_name", "customer_id", "username", "webhook_id", "universe_id"]
    list_select_related = ["organization"]
    date_hierarchy = "received_at"
    fieldsets = [
        ("Sender", {"fields": [
            "received_at", "webhook_id", "sender_ip", "signed_with", "universe_name", "universe_id",
            "customer_id", "username", "app_id", "cardinality", "date_created", "body_bytes", "members_bytes",
        ]}),
        ("Refusal", {"fields": ["code", "reason", "account_id", "organization", "notified"]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # shown read-only: what L2 sent and was told is evidence

    def has_delete_permission(self, request, obj=None):
        return False  # kept L2_REFUSED_PUSH_RETENTION_DAYS, then deleted by the beat task
