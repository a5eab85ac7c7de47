from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from accounts.models import Organization


class AudienceType(models.TextChoices):
    MATCHED = "matched", "Matched"
    SEGMENTED = "segmented", "Segmented"
    RETARGETED = "retargeted", "Retargeted"
    GEOFARMED = "geofarmed", "Geofarmed"
    CONTEXTUAL = "contextual", "Contextual"
    LOOKALIKE = "lookalike", "Lookalike"
    CAMPAIGN = "campaign", "Campaign"
    PRE_BID = "pre_bid", "Pre-bid"


class AudienceStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    # Loaded from an L2 customer the organization has not named (docs/l2-endpoint.md › Who may refresh a
    # segment): visible, never targetable, until an admin or manager approves it.
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"


class AudienceSource(models.TextChoices):
    L2 = "l2", "L2 DataMapping"
    DUPLICATE = "duplicate", "Duplicate"


# Only these can be put on a campaign (DESIGN.md › Targeting rules).
TARGETABLE_STATUSES = (AudienceStatus.READY, AudienceStatus.PROCESSING)


class Audience(models.Model):
    """A list of voters an organization can target; L2 transmissions feed Segmented ones."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(max_length=255)
    notes = models.TextField(blank=True)
    audience_type = models.CharField(
        max_length=16, choices=AudienceType.choices, default=AudienceType.SEGMENTED
    )
    status = models.CharField(
        max_length=20, choices=AudienceStatus.choices, default=AudienceStatus.PROCESSING
    )
    status_reason = models.TextField(
        blank=True, help_text="Why the audience failed, in words users can act on."
    )
    source = models.CharField(max_length=16, choices=AudienceSource.choices, default=AudienceSource.L2)
    # The identity of an L2-fed audience: (organization, source, segment name). Duplicates have none, so
    # later transmissions never refresh them.
    # NULL, not "", for audiences without a segment: the unique constraint below skips NULLs.
    l2_segment_name = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    l2_universe_id = models.CharField(max_length=64, blank=True)
    l2_customer_id = models.CharField(max_length=128, blank=True)
    l2_sender = models.CharField("L2 sender", max_length=254, blank=True)
    l2_app_id = models.CharField("L2 application", max_length=64, blank=True)
    # Who owns the segment: the L2 customer (and user) of the push that created it, until the organization
    # approves a push from another customer. A push from anyone else is held for approval.
    l2_owner_customer_id = models.CharField("L2 owner customer", max_length=128, blank=True)
    l2_owner_username = models.CharField("L2 owner user", max_length=254, blank=True)
    current_version = models.ForeignKey(
        "AudienceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the current version when it is switched in, so the table sorts on an indexed column.
    voter_count = models.PositiveBigIntegerField(null=True, blank=True)
    household_count = models.PositiveBigIntegerField(null=True, blank=True)
    # Set by ops per audience; empty until they do (shown as "—", never as a price of $0.00).
    data_cpm = models.DecimalField("data CPM", max_digits=8, decimal_places=2, null=True, blank=True)
    # How many campaigns have the audience on their Allowlist / Blocklist. Kept by the Campaigns app's
    # targeting services in the transaction that changes the lists (the Audiences app cannot see them).
    allowlist_campaigns = models.PositiveIntegerField(default=0, editable=False)
    blocklist_campaigns = models.PositiveIntegerField(default=0, editable=False)
    duplicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "l2_segment_name"],
                condition=Q(l2_segment_name__isnull=False),
                name="audience_unique_l2_segment",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "audience_type", "status"]),
            models.Index(fields=["organization", "name"]),
            # The table's two orders (newest first, the default; by name), each exactly as its queries ask
            # for it (docs/tables.md › Indexes), so that a page of 50 is read off the index, not sorted out
            # of every audience of the organization.
            models.Index(
                F("organization"),
                F("created_at").desc(nulls_last=True),
                F("id").desc(),
                name="audience_newest_first",
            ),
            models.Index(F("organization"), Lower("name"), F("id"), name="audience_by_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_targetable(self) -> bool:
        return self.status in TARGETABLE_STATUSES


class VersionState(models.TextChoices):
    LOADING = "loading", "Loading"
    READY = "ready", "Ready"
    DISCARDED = "discarded", "Discarded"


class AudienceVersion(models.Model):
    """One loaded member set of an audience, with the figures computed while loading it."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=VersionState.choices, default=VersionState.LOADING)
    voter_count = models.PositiveBigIntegerField(default=0)
    household_count = models.PositiveBigIntegerField(null=True, blank=True)
    rows_read = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    # Breakdowns by party, gender, age band, state, county (top 10) and congressional district.
    stats = models.JSONField(default=dict, blank=True)
    # When L2 built this member set, and when we received it: what decides which of two versions is newer.
    source_created_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "number"], name="audience_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.audience} v{self.number}"


class LongVoterId(models.Model):
    """A LALVOTERID too long for an inline integer key; its key is minus this row's id."""

    voter_id = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.voter_id
