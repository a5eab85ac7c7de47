from django.urls import path

from history.views import ObjectHistoryView

from . import views
from .selectors import campaign_list, insertion_order_list

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
    # The History sections of the campaign and insertion order pages (docs/history.md): their filter and
    # pages, kept in the page's URL.
    path(
        "<int:pk>/history/",
        ObjectHistoryView.as_view(
            subject="campaign",
            objects=campaign_list,
            dom_id="campaign-history",
            page_url_name="campaigns:campaign",
        ),
        name="campaign_history",
    ),
    path(
        "insertion-orders/<int:pk>/history/",
        ObjectHistoryView.as_view(
            subject="insertion_order",
            objects=insertion_order_list,
            dom_id="insertion-order-history",
            page_url_name="campaigns:insertion_order",
        ),
        name="insertion_order_history",
    ),
]
