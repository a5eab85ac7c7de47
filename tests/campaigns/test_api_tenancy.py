"""The Campaigns REST API with two organizations: nothing of another is visible, changeable or attachable."""

import pytest

from campaigns.models import Campaign
from tests.campaigns.conftest import PROBLEM, targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_another_organizations_objects_are_not_found(api, org_b):
    io = InsertionOrderFactory(organization=org_b)
    campaign = CampaignFactory(insertion_order=io)
    for url in [
        f"/api/v1/insertion-orders/{io.pk}/",
        f"/api/v1/campaigns/{campaign.pk}/",
        f"/api/v1/campaigns/{campaign.pk}/targeting/",
    ]:
        assert api.get(url).status_code == 404, url
        response = api.patch(url, {"name": "Taken over"}, format="json")
        assert response.status_code in (404, 405) and response["Content-Type"] == PROBLEM, url
    assert (
        api.put(
            f"/api/v1/campaigns/{campaign.pk}/targeting/", {"allowlist": [], "blocklist": []}, format="json"
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api.delete(f"/api/v1/insertion-orders/{io.pk}/").status_code == 404
    assert Campaign.objects.filter(pk=campaign.pk, name=campaign.name).exists()
    assert api.get("/api/v1/campaigns/").json()["count"] == 0
    assert api.get("/api/v1/insertion-orders/").json()["count"] == 0


def test_nothing_is_created_in_or_attached_from_another_organization(api, org_a, org_b):
    foreign_io = InsertionOrderFactory(organization=org_b)
    foreign_campaign = CampaignFactory(insertion_order=foreign_io)
    foreign_audience = AudienceFactory(organization=org_b)
    own = CampaignFactory(insertion_order__organization=org_a)

    created = api.post(
        "/api/v1/campaigns/", {"insertion_order": foreign_io.pk, "name": "Sneaky"}, format="json"
    )
    assert created.status_code == 400 and "insertion_order" in created.json()["errors"]
    bulk_io = api.post(
        "/api/v1/campaigns/targeting/",
        {"insertion_order_ids": [foreign_io.pk], "allowlist": [foreign_audience.pk]},
        format="json",
    )
    assert bulk_io.status_code == 400
    assert bulk_io.json()["errors"]["insertion_order_ids"] == [
        f"No insertion order with ID {foreign_io.pk} in this organization."
    ]
    results = api.post(
        "/api/v1/campaigns/targeting/",
        {"campaign_ids": [foreign_campaign.pk, own.pk], "allowlist": [foreign_audience.pk]},
        format="json",
    ).json()["results"]
    by_id = {r["campaign_id"]: r for r in results}
    assert by_id[foreign_campaign.pk]["campaign_name"] is None
    assert [r["code"] for r in by_id[foreign_campaign.pk]["refused"]] == ["campaign_not_found"]
    assert [r["code"] for r in by_id[own.pk]["refused"]] == ["audience_not_found"]
    put = api.put(
        f"/api/v1/campaigns/{own.pk}/targeting/",
        {"allowlist": [foreign_audience.pk], "blocklist": []},
        format="json",
    )
    assert [r["code"] for r in put.json()["result"]["refused"]] == ["audience_not_found"]
    assert targets(own) == {} and targets(foreign_campaign) == {}
    assert not Campaign.objects.filter(name="Sneaky").exists()


def test_the_organization_header_chooses_among_ones_organizations_and_refuses_others(
    api, member_a, org_a, org_b
):
    second = MembershipFactory(user=member_a, organization__account_id=424242).organization
    CampaignFactory(insertion_order__organization=second, name="In the second one")
    CampaignFactory(insertion_order__organization=org_a, name="In the first one")

    assert [
        r["name"] for r in api.get("/api/v1/campaigns/", HTTP_X_IAA_OW_ID="424242").json()["results"]
    ] == ["In the second one"]
    refused = api.get("/api/v1/campaigns/", HTTP_X_IAA_OW_ID=str(org_b.account_id))
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM


def test_each_organization_lists_only_its_own(api, api_b, org_a, org_b):
    CampaignFactory(insertion_order__organization=org_a, name="Alpha's")
    CampaignFactory(insertion_order__organization=org_b, name="Bravo's")
    assert [r["name"] for r in api.get("/api/v1/campaigns/").json()["results"]] == ["Alpha's"]
    assert [r["name"] for r in api_b.get("/api/v1/campaigns/").json()["results"]] == ["Bravo's"]


def test_a_new_campaigns_allowlist_takes_no_audience_of_another_organization(api, org_a, org_b):
    io = InsertionOrderFactory(organization=org_a)
    foreign_audience = AudienceFactory(organization=org_b)
    response = api.post(
        "/api/v1/campaigns/",
        {"insertion_order": io.pk, "name": "Sneaky list", "allowlist": [foreign_audience.pk]},
        format="json",
    )
    assert response.status_code == 201
    assert [r["code"] for r in response.json()["targeting"]["refused"]] == ["audience_not_found"]
    assert targets(Campaign.objects.get(name="Sneaky list")) == {}
