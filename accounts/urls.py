from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/switch/", views.organization_switch, name="switch"),
]
