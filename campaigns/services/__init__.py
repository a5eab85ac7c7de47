"""Writes of the Campaigns app: insertion orders, campaigns, and their audience targeting."""

from .campaigns import (
    campaign_create,
    campaign_delete,
    campaign_update,
    insertion_order_create,
    insertion_order_delete,
    insertion_order_update,
)
from .targeting import (
    CampaignTargetingResult,
    TargetingChange,
    TargetingRefusal,
    campaign_targeting_set,
    campaign_targeting_update,
)

__all__ = [
    "CampaignTargetingResult",
    "TargetingChange",
    "TargetingRefusal",
    "campaign_create",
    "campaign_delete",
    "campaign_targeting_set",
    "campaign_targeting_update",
    "campaign_update",
    "insertion_order_create",
    "insertion_order_delete",
    "insertion_order_update",
]
