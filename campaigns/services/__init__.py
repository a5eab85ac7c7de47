"""Writes of the Campaigns app: insertion orders, campaigns, and their audience targeting."""

from .campaigns import (
    campaign_create,
    campaign_delete,
    campaign_name_available,
    campaign_update,
    insertion_order_create,
    insertion_order_delete,
    insertion_order_update,
)
from .reach import (
    ReachCounter,
    ReachFigures,
    ReachTarget,
    campaign_reach_is_current,
    campaign_reach_refresh,
    campaign_reach_refresh_on_commit,
    campaign_reach_targets,
    reach_basis,
    reach_figures,
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
    "ReachCounter",
    "ReachFigures",
    "ReachTarget",
    "TargetingChange",
    "TargetingRefusal",
    "campaign_create",
    "campaign_delete",
    "campaign_name_available",
    "campaign_reach_is_current",
    "campaign_reach_refresh",
    "campaign_reach_refresh_on_commit",
    "campaign_reach_targets",
    "campaign_targeting_set",
    "campaign_targeting_update",
    "campaign_update",
    "insertion_order_create",
    "insertion_order_delete",
    "insertion_order_update",
    "reach_basis",
    "reach_figures",
]
