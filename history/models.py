from django.db import models
from django.utils import timezone

from accounts.models import Organization

from .actors import ActorKind


class HistoryAction(models.TextChoices):
    # Audiences
    AUDIENCE_CREATED = "audience_created", "Audience created by a push"
    VERSION_SWITCHED = "version_switched", "New voters in force"
    REFRESH_HELD = "refresh_held", "Push held for approval"
    REFRESH_APPROVED = "refresh_approved", "Push approved"
    REFRESH_DECLINED = "refresh_declined", "Push declined"
    AUDIENCE_CHANGED = "audience_changed", "Audience renamed or edited"
    AUDIENCE_DUPLICATED = "audience_duplicated", "Audience duplicated"
    AUDIENCE_DELETED = "audience_deleted", "Audience deleted"
    # Campaigns and their lists
    CAMPAIGN_CREATED = "campaign_created", "Campaign created"
    CAMPAIGN_CHANGED = "campaign_changed", "Campaign settings changed"
    CAMPAIGN_DELETED = "campaign_deleted", "Campaign deleted"
    AUDIENCE_ADDED = "audience_added", "Audience added to a list"
    AUDIENCE_REMOVED = "audience_removed", "Audience removed from a list"
    REACH_RECOMPUTED = "reach_recomputed", "Reach recomputed"
    # Insertion orders
    IO_CREATED = "io_created", "Insertion order created"
    IO_CHANGED = "io_changed", "Insertion order changed"
    IO_DELETED = "io_deleted", "Insertion order deleted"


class HistoryEntry(models.Model):
    """One change, as it was made: append-only (docs/history.md), written by the service that made it.

    Objects are named by id and by the name they had then, never by foreign key: an entry reads the same
    after its audience or campaign is renamed or deleted. Only the organization is a foreign key, because
    its history goes with it and with nothing else.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.CHOICES)
    actor_name = models.CharField(max_length=300)
    # Not a foreign key: removing a user must not rewrite what they did.
    actor_user_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor_l2_customer_id = models.CharField("L2 customer", max_length=128, blank=True)
    actor_l2_username = models.CharField("L2 username", max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=HistoryAction.choices)
    audience_id = models.PositiveBigIntegerField(null=True, blank=True)
    audience_name = models.CharField(max_length=255, blank=True)
    campaign_id = models.PositiveBigIntegerField(null=True, blank=True)
    campaign_name = models.CharField(max_length=255, blank=True)
    insertion_order_id = models.PositiveBigIntegerField(null=True, blank=True)
    insertion_order_name = models.CharField(max_length=255, blank=True)
    # {field: [before, after]} for the fields that changed, as shown to people (dates and money as text).
    changes = models.JSONField(default=dict, blank=True)
    # What else the sentence needs: the list, counts, the transmission and L2's universe_id, a reason.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "history entry"
        verbose_name_plural = "history"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Each page reads a page of one of these, newest first, off the index (docs/history.md).
            models.Index(fields=["organization", "-occurred_at", "-id"], name="history_org_newest"),
            models.Index(fields=["audience_id", "-occurred_at", "-id"], name="history_audience_newest"),
            models.Index(fields=["campaign_id", "-occurred_at", "-id"], name="history_campaign_newest"),
            models.Index(fields=["insertion_order_id", "-occurred_at", "-id"], name="history_io_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_name}"
