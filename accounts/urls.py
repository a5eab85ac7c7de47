from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    # The Organizations section of My Profile had a page of its own: its address still shows My Profile.
    path("organizations/", views.profile, name="organizations"),
    path("organizations/switch/", views.organization_switch, name="switch"),
    path("organizations/l2-customers/", views.l2_customer_create, name="l2-customer-create"),
    path(
        "organizations/l2-customers/<int:customer_id>/delete/",
        views.l2_customer_delete,
        name="l2-customer-delete",
    ),
]
