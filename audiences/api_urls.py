from django.urls import path

from history.api import ObjectHistoryApi

from . import api
from .selectors import audience_list

urlpatterns = [
    path("audiences/", api.AudienceListApi.as_view(), name="api-audiences"),
    path("audiences/bulk-delete/", api.AudienceBulkDeleteApi.as_view(), name="api-audiences-bulk-delete"),
    path("audiences/overlap/", api.AudienceOverlapApi.as_view(), name="api-audiences-overlap"),
    path("audiences/<int:pk>/", api.AudienceDetailApi.as_view(), name="api-audience"),
    path("audiences/<int:pk>/duplicate/", api.AudienceDuplicateApi.as_view(), name="api-audience-duplicate"),
    # The history app's view of one object's history, of the audiences (docs/history.md).
    path(
        "audiences/<int:pk>/history/",
        ObjectHistoryApi.as_view(subject="audience", objects=audience_list, schema_tags=api.TAGS),
        name="api-audience-history",
    ),
]
