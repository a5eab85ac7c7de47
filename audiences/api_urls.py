from django.urls import path

from . import api

urlpatterns = [
    path("audiences/", api.AudienceListApi.as_view(), name="api-audiences"),
    path("audiences/bulk-delete/", api.AudienceBulkDeleteApi.as_view(), name="api-audiences-bulk-delete"),
    path("audiences/<int:pk>/", api.AudienceDetailApi.as_view(), name="api-audience"),
    path("audiences/<int:pk>/duplicate/", api.AudienceDuplicateApi.as_view(), name="api-audience-duplicate"),
]
