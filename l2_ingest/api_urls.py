from django.urls import path

from . import api

urlpatterns = [
    path("audiences/<int:pk>/pending-refresh/", api.PendingRefreshApi.as_view(), name="api-pending-refresh"),
    path(
        "audiences/<int:pk>/pending-refresh/approve/",
        api.PendingRefreshApproveApi.as_view(),
        name="api-pending-refresh-approve",
    ),
    path(
        "audiences/<int:pk>/pending-refresh/decline/",
        api.PendingRefreshDeclineApi.as_view(),
        name="api-pending-refresh-decline",
    ),
]
