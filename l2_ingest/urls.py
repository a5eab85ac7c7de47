from django.urls import path

from . import api

app_name = "l2"

urlpatterns = [
    path("transmissions", api.TransmissionCreateView.as_view(), name="transmissions"),
    path(
        "transmissions/<uuid:transmission_id>",
        api.TransmissionStatusView.as_view(),
        name="transmission-status",
    ),
]
