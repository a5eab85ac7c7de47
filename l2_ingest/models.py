import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organization
from audiences.models import Audience, AudienceVersion


class PartnerSecret(models.Model):
    """A signing secret shared with L2; several may be active at once so secrets rotate without downtime."""

    label = models.CharField(max_length=100, help_text="What this secret is for, e.g. “L2 production 2026”.")
    # The HMAC needs the secret itself, so it is stored as given; it is shown only once, when created.
    secret = models.CharField(max_length=200, editable=False)
    hint = models.CharField(
        max_length=16, editable=False, help_text="The first characters, to tell secrets apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.label} ({self.hint}…, {state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TransmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded"
    # A push to a segment another L2 customer owns waits for the organization (docs/l2-endpoint.md).
    HELD = "held", "Held for approval"
    DECLINED = "declined", "Declined"


FINAL_STATUSES = (
    TransmissionStatus.SUCCEEDED,
    TransmissionStatus.FAILED,
    TransmissionStatus.SUPERSEDED,
    TransmissionStatus.DECLINED,
)


class Transmission(models.Model):
    """One universe pushed by L2: what was sent, where it was routed, and how its load went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook_id = models.CharField(max_length=128, unique=True)
    body_sha256 = models.CharField(max_length=64)
    body_bytes = models.PositiveBigIntegerField()
    signed_with = models.ForeignKey(
        PartnerSecret, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_ip = models.GenericIPAddressField(null=True, blank=True)

    # Metadata, as L2 sent it.
    universe_name = models.CharField(max_length=300)
    universe_id = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=128, blank=True)
    username = models.CharField(max_length=254, blank=True)
    app_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    cardinality = models.PositiveBigIntegerField(null=True, blank=True)
    date_created = models.DateTimeField(null=True, blank=True)

    # Routing.
    account_id = models.CharField(max_length=12)
    segment_name = models.CharField(max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="transmissions")
    audience = models.ForeignKey(
        Audience, null=True, blank=True, on_delete=models.SET_NULL, related_name="transmissions"
    )
    version = models.ForeignKey(
        AudienceVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="transmissions"
    )
    members_file = models.CharField(
        max_length=300, blank=True, help_text="Storage name; removed once loaded."
    )
    members_bytes = models.PositiveBigIntegerField(default=0)

    # Life.
    status = models.CharField(
        max_length=16, choices=TransmissionStatus.choices, default=TransmissionStatus.QUEUED
    )
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveIntegerField(default=0)
    claim = models.UUIDField(
        null=True, blank=True, editable=False, help_text="The attempt that holds it now."
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A held push that someone approved or declined: it is never held again.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Outcome.
    rows_read = models.PositiveBigIntegerField(default=0)
    voters_accepted = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    households = models.PositiveBigIntegerField(null=True, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="First rejected rows: line number and reason."
    )
    failure_code = models.CharField(max_length=64, blank=True)
    failure_reason = models.TextField(blank=True)
    phase_seconds = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where a successful load's time went, in seconds: waiting (received to started), reading, "
        "loading (COPY), indexing, counting and switching.",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["organization", "segment_name", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.universe_name} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RefusalCode(models.TextChoices):
    INVALID_UNIVERSE_NAME = "invalid_universe_name", "Invalid universe name"
    UNKNOWN_ACCOUNT = "unknown_account", "Unknown account"
    ACCOUNT_NOT_ACCEPTING = "account_not_accepting", "Account not accepting"


class RefusedPush(models.Model):
    """A signed push refused for its name: what L2 sent and was told, never its file (docs/l2-endpoint.md).

    Not a transmission: its webhook-id stays free for the corrected push. Kept
    ``L2_REFUSED_PUSH_RETENTION_DAYS``, then deleted by a beat task.
    """

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    webhook_id = models.CharField(max_length=128)
    signed_with = models.ForeignKey(
        PartnerSecret, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_ip = models.GenericIPAddressField(null=True, blank=True)

    # Metadata, as L2 sent it (as bounded by the endpoint). Not the description: free text of up to
    # 10,000 characters that nobody needs to fix a name.
    universe_name = models.CharField(max_length=300)
    universe_id = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=128, blank=True)
    username = models.CharField(max_length=254, blank=True)
    app_id = models.CharField(max_length=64, blank=True)
    cardinality = models.PositiveBigIntegerField(null=True, blank=True)
    date_created = models.DateTimeField(null=True, blank=True)
    body_bytes = models.PositiveBigIntegerField(default=0)
    members_bytes = models.PositiveBigIntegerField(
        default=0, help_text="The size of the members file, which was deleted at once."
    )

    # The refusal.
    code = models.CharField(max_length=32, choices=RefusalCode.choices)
    reason = models.TextField(help_text="The problem's detail, as sent to L2.")
    account_id = models.CharField(
        max_length=12, blank=True, help_text="The account ID the name evidently means, if any."
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refused_pushes",
        help_text="The organization that account ID names.",
    )
    notified = models.BooleanField(
        default=False,
        help_text="Whether the organization's admins were told (at most once per name an hour).",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # The notices' rate limit: what an organization was told of in the last hour.
            models.Index(
                fields=["organization", "received_at"],
                condition=models.Q(notified=True),
                name="refusedpush_notified_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.universe_name} ({self.code})"
