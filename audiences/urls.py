from django.urls import path

from . import views

app_name = "audiences"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:audience_id>/", views.details, name="details"),
    path("<int:audience_id>/row/", views.row, name="row"),
    path("<int:audience_id>/edit/", views.edit, name="edit"),
    path("<int:audience_id>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:audience_id>/delete/", views.delete, name="delete"),
    path("add-to-campaign/", views.add_to_campaign, name="add_to_campaign"),
    path("add-to-campaign/campaigns/", views.campaign_choices, name="campaign_choices"),
    path("create-campaign/", views.create_campaign, name="create_campaign"),
]
