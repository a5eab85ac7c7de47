from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from accounts.models import Organization
from audiences.models import Audience


class BudgetType(models.TextChoices):
    BUDGET = "budget", "Budget"
    IMPRESSIONS = "impressions", "Impressions"


# The time zones US political advertisers run in; an IO's dates are days in its time zone. The services accept
# only these, the pages offer them, and the API names them.
IO_TIME_ZONES = (
    ("America/New_York", "Eastern (America/New_York)"),
    ("America/Chicago", "Central (America/Chicago)"),
    ("America/Denver", "Mountain (America/Denver)"),
    ("America/Phoenix", "Arizona (America/Phoenix)"),
    ("America/Los_Angeles", "Pacific (America/Los_Angeles)"),
    ("America/Anchorage", "Alaska (America/Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Pacific/Honolulu)"),
    ("UTC", "UTC"),
)
DEFAULT_TIME_ZONE = "America/New_York"


class InsertionOrderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    DELETED = "deleted", "Deleted"


class InsertionOrder(models.Model):
    """A budget envelope that groups campaigns."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="insertion_orders")
    name = models.CharField(max_length=255)
    start_date = models.DateField()
    end_date = models.DateField()
    budget_type = models.CharField(max_length=16, choices=BudgetType.choices, default=BudgetType.BUDGET)
    # Dollars for a budget IO, impressions for an impressions IO.
    budget_total = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE)
    status = models.CharField(
        max_length=16, choices=InsertionOrderStatus.choices, default=InsertionOrderStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="io_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignType(models.TextChoices):
    ADVANCED = "advanced", "Advanced"
    PG = "pg", "PG"


class CampaignStatus(models.TextChoices):
    """Which of these an advertiser may set, and from which, is campaigns.services.status's table."""

    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"
    REJECTED = "rejected", "Rejected"
    DELETED = "deleted", "Deleted"


# Only campaigns in these statuses can receive audiences (DESIGN.md › Targeting rules).
TARGETABLE_CAMPAIGN_STATUSES = (
    CampaignStatus.DRAFT,
    CampaignStatus.PENDING,
    CampaignStatus.RUNNING,
    CampaignStatus.PAUSED,
)


class Campaign(models.Model):
    """An ad campaign inside an insertion order; its name is unique within the organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    insertion_order = models.ForeignKey(InsertionOrder, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=255)
    campaign_type = models.CharField(
        max_length=16, choices=CampaignType.choices, default=CampaignType.ADVANCED
    )
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    start_date = models.DateField()
    end_date = models.DateField()
    daily_budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_bid = models.DecimalField("max bid (CPM)", max_digits=8, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Reach, computed by a worker (campaigns.tasks.refresh_reach) whenever the targeting or an audience's
    # current version changes. ``reach_basis`` records the (audience, version) pairs it was computed from:
    # when the campaign's targeting no longer matches it, the figures shown are being updated.
    reach = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Targetable voters; empty when nothing is allowlisted (all voters)."
    )
    reach_excluded = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Voters the Blocklist keeps out (of the Allowlist, or of all voters).",
    )
    # {audience ID: voters only that audience brings (Allowlist) or keeps out (Blocklist)}.
    reach_breakdown = models.JSONField(default=dict, blank=True)
    reach_basis = models.TextField(blank=True)
    reach_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organization", name="campaign_unique_name_in_organization"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_audiences(self) -> bool:
        return self.campaign_type != CampaignType.PG


class TargetingList(models.TextChoices):
    ALLOWLIST = "allowlist", "Allowlist"
    BLOCKLIST = "blocklist", "Blocklist"


class CampaignAudience(models.Model):
    """One audience on a campaign's Allowlist or Blocklist; never both, as one row per pair enforces."""

    # No index of their own: the unique (campaign, audience) and the (audience, list_type) indexes lead with
    # them, and every index less is one less to write for each row a bulk change adds.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="audience_targets", db_index=False
    )
    # PROTECT: an audience that a campaign uses cannot be deleted.
    audience = models.ForeignKey(
        Audience, on_delete=models.PROTECT, related_name="campaign_targets", db_index=False
    )
    list_type = models.CharField(max_length=16, choices=TargetingList.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "list_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "audience"], name="campaign_audience_once_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["audience", "list_type"])]

    def __str__(self) -> str:
        return f"{self.audience} on {self.campaign} ({self.get_list_type_display()})"
