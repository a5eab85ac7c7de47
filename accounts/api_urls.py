from django.urls import path

from . import api

urlpatterns = [
    path("organization/l2-customers/", api.L2CustomerListApi.as_view(), name="api-l2-customers"),
    path("organization/l2-customers/<int:pk>/", api.L2CustomerDetailApi.as_view(), name="api-l2-customer"),
]
