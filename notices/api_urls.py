from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.NoticeListApi.as_view(), name="api-notifications"),
    path("notifications/read/", api.NoticeReadApi.as_view(), name="api-notifications-read"),
]
