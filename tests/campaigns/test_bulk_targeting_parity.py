"""The two bulk-targeting endpoints run one implementation: the same input answers alike."""

import pytest

from campaigns.models import CampaignAudience
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

ADD_TO_CAMPAIGNS = "/api/v1/audiences/add-to-campaigns/"
TARGETING = "/api/v1/campaigns/targeting/"


def both(api, *, audience_ids, list_type="allowlist", **where):
    """The same change sent to each endpoint, in its own words."""
    add = api.post(
        ADD_TO_CAMPAIGNS, {"audience_ids": audience_ids, "list": list_type, **where}, format="json"
    )
    bulk = api.post(TARGETING, {list_type: audience_ids, **where}, format="json")
    return add, bulk


def test_another_organizations_insertion_order_is_refused_by_both(api, org_a, org_b):
    foreign_io = InsertionOrderFactory(organization=org_b)
    CampaignFactory(insertion_order=foreign_io)
    audience = AudienceFactory(organization=org_a)
    add, bulk = both(api, audience_ids=[audience.pk], insertion_order_ids=[foreign_io.pk])
    assert add.status_code == bulk.status_code == 400
    assert add.json() == bulk.json()
    assert add.json()["code"] == "insertion_order_not_found"
    assert add.json()["errors"] == {
        "insertion_order_ids": [f"No insertion order with ID {foreign_io.pk} in this organization."]
    }
    assert CampaignAudience.objects.count() == 0


def test_campaign_results_are_the_same_document(api, org_a, org_b):
    audience = AudienceFactory(organization=org_a)
    own = CampaignFactory(insertion_order__organization=org_a, name="Own")
    pg = CampaignFactory(insertion_order__organization=org_a, name="Deal", campaign_type="pg")
    theirs = CampaignFactory(insertion_order__organization=org_b)
    ids = [own.pk, pg.pk, theirs.pk]
    add = api.post(
        ADD_TO_CAMPAIGNS,
        {"audience_ids": [audience.pk], "list": "blocklist", "campaign_ids": ids},
        format="json",
    )
    assert add.status_code == 200
    CampaignAudience.objects.all().delete()
    bulk = api.post(TARGETING, {"blocklist": [audience.pk], "campaign_ids": ids}, format="json")
    assert bulk.status_code == 200
    assert add.json() == bulk.json()
    codes = {r["campaign_id"]: [x["code"] for x in r["refused"]] for r in add.json()["results"]}
    assert codes == {own.pk: [], pg.pk: ["pg_campaign"], theirs.pk: ["campaign_not_found"]}
