"""REST API of the Campaigns app: insertion orders, campaigns, and their Allowlist / Blocklist targeting.

Every queryset comes from the selectors with the organization in scope (the X-IAA-OW-ID header, or the
session's); writes go through the services, so the same rules hold as on the pages. The bulk targeting call
is modelled on IQM's ``POST /api/v3/cmp/target/audience``: one request includes, excludes and removes
audiences for many campaigns (or all of an IO's) and answers, per campaign, what was applied or refused.
"""

from .views import (
    AudienceAddToCampaignsApi,
    CampaignDetailApi,
    CampaignListApi,
    CampaignTargetingApi,
    CampaignTargetingBulkApi,
    InsertionOrderDetailApi,
    InsertionOrderListApi,
)

__all__ = [
    "AudienceAddToCampaignsApi",
    "CampaignDetailApi",
    "CampaignListApi",
    "CampaignTargetingApi",
    "CampaignTargetingBulkApi",
    "InsertionOrderDetailApi",
    "InsertionOrderListApi",
]
