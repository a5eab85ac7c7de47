from django.urls import path

from . import api

urlpatterns = [
    path(
        "audiences/add-to-campaigns/",
        api.AudienceAddToCampaignsApi.as_view(),
        name="api-audiences-add-to-campaigns",
    ),
    path("insertion-orders/", api.InsertionOrderListApi.as_view(), name="api-insertion-orders"),
    path("insertion-orders/<int:pk>/", api.InsertionOrderDetailApi.as_view(), name="api-insertion-order"),
    path("campaigns/", api.CampaignListApi.as_view(), name="api-campaigns"),
    path("campaigns/targeting/", api.CampaignTargetingBulkApi.as_view(), name="api-campaigns-targeting"),
    path("campaigns/<int:pk>/", api.CampaignDetailApi.as_view(), name="api-campaign"),
    path("campaigns/<int:pk>/targeting/", api.CampaignTargetingApi.as_view(), name="api-campaign-targeting"),
]
