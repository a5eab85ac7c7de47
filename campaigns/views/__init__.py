"""Pages of the Campaigns app."""

from .campaign_create import campaign_create_view
from .campaign_pages import (
    campaign_audience_options,
    campaign_delete_view,
    campaign_edit,
    campaign_name_check,
    campaign_reach,
)
from .insertion_orders import (
    home,
    insertion_order_create_view,
    insertion_order_delete_view,
    insertion_order_detail,
    insertion_order_edit,
)

__all__ = [
    "campaign_audience_options",
    "campaign_create_view",
    "campaign_delete_view",
    "campaign_edit",
    "campaign_name_check",
    "campaign_reach",
    "home",
    "insertion_order_create_view",
    "insertion_order_delete_view",
    "insertion_order_detail",
    "insertion_order_edit",
]
