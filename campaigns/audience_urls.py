"""The Campaigns app's screens opened from the Audiences app, under /audiences/ (see iqm_portal/urls.py)."""

from django.urls import path

from .views import audience_targeting, campaign_create

app_name = "audience_targeting"

urlpatterns = [
    path("add-to-campaign/", audience_targeting.add_to_campaign, name="add_to_campaign"),
    path("add-to-campaign/campaigns/", audience_targeting.campaign_choices, name="campaign_choices"),
    path("create-campaign/", campaign_create.campaign_create_view, name="create_campaign"),
]
