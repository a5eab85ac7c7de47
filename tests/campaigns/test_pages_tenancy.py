"""The Campaigns app's pages with two organizations: nothing of another is visible or attachable."""

import pytest

from campaigns.models import Campaign, InsertionOrder
from tests.campaigns.conftest import settings_data, targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


# --- Tenancy: nothing of another organization is visible, changeable or attachable ---------------------------


def test_another_organizations_io_and_campaign_pages_are_not_found(client_a, org_b):
    io = InsertionOrderFactory(organization=org_b)
    campaign = CampaignFactory(insertion_order=io)
    pages = [f"/campaigns/insertion-orders/{io.pk}/", f"/campaigns/{campaign.pk}/reach/"]
    pages.append(f"/campaigns/{campaign.pk}/audience-options/")
    forms = [
        f"/campaigns/insertion-orders/{io.pk}/edit/",
        f"/campaigns/insertion-orders/{io.pk}/delete/",
        f"/campaigns/insertion-orders/{io.pk}/campaigns/new/",
        f"/campaigns/{campaign.pk}/",
        f"/campaigns/{campaign.pk}/delete/",
    ]
    for url in pages + forms:
        assert client_a.get(url).status_code == 404, url
    for url in forms:
        assert client_a.post(url, {"name": "x"}).status_code == 404, url
    assert (
        InsertionOrder.objects.filter(pk=io.pk).exists() and Campaign.objects.filter(pk=campaign.pk).exists()
    )


def test_another_organizations_audience_cannot_be_attached_from_the_page(client_a, org_a, org_b):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    foreign = AudienceFactory(organization=org_b, name="Bravo's list")
    response = client_a.post(
        f"/campaigns/{campaign.pk}/",
        {**settings_data(campaign), "audiences_shown": "1", "allowlist": [foreign.pk]},
        follow=True,
    )
    assert f"No audience with ID {foreign.pk} in this organization." in response.content.decode()
    assert "Bravo's list" not in response.content.decode()
    assert targets(campaign) == {}


def test_name_check_looks_only_in_the_own_organization(client_a, org_b):
    CampaignFactory(insertion_order__organization=org_b, name="Shared name")
    assert "is available" in client_a.get("/campaigns/name-check/", {"name": "Shared name"}).content.decode()


def test_each_organization_sees_its_own_home(client_a, client_b, org_a, org_b):
    InsertionOrderFactory(organization=org_a, name="Alpha IO")
    InsertionOrderFactory(organization=org_b, name="Bravo IO")
    a = client_a.get("/campaigns/").content.decode()
    b = client_b.get("/campaigns/").content.decode()
    assert "Alpha IO" in a and "Bravo IO" not in a
    assert "Bravo IO" in b and "Alpha IO" not in b
