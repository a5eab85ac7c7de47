from django.urls import path

from . import api

urlpatterns = [
    path("history/", api.HistoryListApi.as_view(), name="api-history"),
]
