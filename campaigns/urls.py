from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("insertion-orders/new/", views.insertion_order_create_view, name="insertion_order_create"),
    path("insertion-orders/<int:pk>/", views.insertion_order_detail, name="insertion_order"),
    path("insertion-orders/<int:pk>/edit/", views.insertion_order_edit, name="insertion_order_edit"),
    path(
        "insertion-orders/<int:pk>/delete/", views.insertion_order_delete_view, name="insertion_order_delete"
    ),
    path("insertion-orders/<int:pk>/campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("name-check/", views.campaign_name_check, name="name_check"),
    path("<int:pk>/", views.campaign_edit, name="campaign"),
    path("<int:pk>/reach/", views.campaign_reach, name="campaign_reach"),
    path("<int:pk>/audience-options/", views.campaign_audience_options, name="audience_options"),
    path("<int:pk>/delete/", views.campaign_delete_view, name="campaign_delete"),
]
