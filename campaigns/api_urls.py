from django.urls import path

from history.api import ObjectHistoryApi

from . import api
from .selectors import campaign_list, insertion_order_list

urlpatterns = [
    path(
        "audiences/add-to-campaigns/",
        api.AudienceAddToCampaignsApi.as_view(),
        name="api-audiences-add-to-campaigns",
    ),
    path("insertion-orders/", api.InsertionOrderListApi.as_view(), name="api-insertion-orders"),
    path("insertion-orders/<int:pk>/", api.InsertionOrderDetailApi.as_view(), name="api-insertion-order"),
    path(
        "insertion-orders/<int:pk>/history/",
        ObjectHistoryApi.as_view(
            subject="insertion_order", objects=insertion_order_list, schema_tags=["Insertion orders"]
        ),
        name="api-insertion-order-history",
    ),
    path("campaigns/", api.CampaignListApi.as_view(), name="api-campaigns"),
    path("campaigns/targeting/", api.CampaignTargetingBulkApi.as_view(), name="api-campaigns-targeting"),
    path("campaigns/<int:pk>/", api.CampaignDetailApi.as_view(), name="api-campaign"),
    path("campaigns/<int:pk>/targeting/", api.CampaignTargetingApi.as_view(), name="api-campaign-targeting"),
    # The history app's view of one object's history, of the campaigns and insertion orders (docs/history.md).
    path(
        "campaigns/<int:pk>/history/",
        ObjectHistoryApi.as_view(subject="campaign", objects=campaign_list, schema_tags=["Campaigns"]),
        name="api-campaign-history",
    ),
]
