"""Writes of the Campaigns app, and the rules they hold: insertion orders, campaigns, statuses, targeting."""

from .campaigns import (
    campaign_create,
    campaign_delete,
    campaign_name_available,
    campaign_name_check,
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
from .status import (
    CAMPAIGN_STATUS_MOVES,
    NEW_CAMPAIGN_STATUSES,
    campaign_status_check,
    campaign_status_choices,
    campaign_status_moves,
)
from .targeting import (
    CampaignTargetingResult,
    TargetingChange,
    TargetingRefusal,
    campaign_targeting_set,
    campaign_targeting_update,
)

__all__ = [
    "CAMPAIGN_STATUS_MOVES",
    "NEW_CAMPAIGN_STATUSES",
    "CampaignTargetingResult",
    "ReachCounter",
    "ReachFigures",
    "ReachTarget",
    "TargetingChange",
    "TargetingRefusal",
    "campaign_create",
    "campaign_delete",
    "campaign_name_available",
    "campaign_name_check",
    "campaign_reach_is_current",
    "campaign_reach_refresh",
    "campaign_reach_refresh_on_commit",
    "campaign_reach_targets",
    "campaign_status_check",
    "campaign_status_choices",
    "campaign_status_moves",
    "campaign_targeting_set",
    "campaign_targeting_update",
    "campaign_update",
    "insertion_order_create",
    "insertion_order_delete",
    "insertion_order_update",
    "reach_basis",
    "reach_figures",
]
