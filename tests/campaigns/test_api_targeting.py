"""The Campaigns REST API's targeting: a campaign's lists, the bulk call, and each targeting rule."""

import pytest

from audiences.models import AudienceStatus
from campaigns.models import CampaignAudience, CampaignStatus, CampaignType
from campaigns.services import campaign_targeting_update
from campaigns.tasks import refresh_reach
from history.actors import SYSTEM
from tests.campaigns.conftest import load_members, targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


def test_a_campaigns_targeting_is_read_with_reach_and_each_audiences_share(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    a = AudienceFactory(organization=org_a, name="A")
    b = AudienceFactory(organization=org_a, name="B")
    blocked = AudienceFactory(organization=org_a, name="Voted")
    load_members(a, range(1, 11))
    load_members(b, range(6, 21))
    load_members(blocked, range(18, 31))
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[a.pk, b.pk],
        blocklist=[blocked.pk],
    )
    refresh_reach([campaign.pk])

    body = api.get(f"/api/v1/campaigns/{campaign.pk}/targeting/").json()

    assert body["takes_audiences"] is True and body["max_audiences"] == 20
    assert [(x["name"], x["voters"], x["contribution"]) for x in body["allowlist"]] == [
        ("A", 10, 5),
        ("B", 15, 7),
    ]
    assert [(x["name"], x["contribution"]) for x in body["blocklist"]] == [("Voted", 3)]
    assert (
        body["reach"]["status"] == "counted"
        and body["reach"]["voters"] == 17
        and body["reach"]["excluded"] == 3
    )


def test_put_makes_a_campaigns_lists_exactly_these_and_reports_refusals(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    keep, drop, new, failed = AudienceFactory.create_batch(4, organization=org_a)
    failed.status = AudienceStatus.FAILED
    failed.save()
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[keep.pk, drop.pk]
    )

    response = api.put(
        f"/api/v1/campaigns/{campaign.pk}/targeting/",
        {"allowlist": [keep.pk], "blocklist": [new.pk, failed.pk]},
        format="json",
    )

    assert response.status_code == 200
    result = response.json()["result"]
    assert {(c["audience_id"], c["action"]) for c in result["applied"]} == {
        (drop.pk, "removed"),
        (new.pk, "added"),
    }
    assert [(r["audience_id"], r["code"], r["list"]) for r in result["refused"]] == [
        (failed.pk, "audience_not_targetable", "blocklist")
    ]
    assert targets(campaign) == {keep.pk: "allowlist", new.pk: "blocklist"}
    assert [x["audience_id"] for x in response.json()["targeting"]["blocklist"]] == [new.pk]
    assert response.json()["targeting"]["reach"]["status"] == "updating"


def test_the_bulk_call_includes_excludes_and_removes_for_many_campaigns(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    first, second = CampaignFactory.create_batch(2, insertion_order=io)
    elsewhere = CampaignFactory(insertion_order__organization=org_a)
    likely, voted, old = AudienceFactory.create_batch(3, organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[first.pk, elsewhere.pk], allowlist=[old.pk]
    )

    response = api.post(
        "/api/v1/campaigns/targeting/",
        {
            "insertion_order_ids": [io.pk],
            "campaign_ids": [elsewhere.pk],
            "allowlist": [likely.pk],
            "blocklist": [voted.pk],
            "remove": [old.pk],
        },
        format="json",
    )

    assert response.status_code == 200
    results = {r["campaign_id"]: r for r in response.json()["results"]}
    assert set(results) == {first.pk, second.pk, elsewhere.pk}
    assert {(c["audience_id"], c["list"], c["action"]) for c in results[first.pk]["applied"]} == {
        (old.pk, "allowlist", "removed"),
        (likely.pk, "allowlist", "added"),
        (voted.pk, "blocklist", "added"),
    }
    assert results[second.pk]["campaign_name"] == second.name and results[second.pk]["refused"] == []
    for campaign in (first, second, elsewhere):
        assert targets(campaign) == {likely.pk: "allowlist", voted.pk: "blocklist"}

    again = api.post(
        "/api/v1/campaigns/targeting/", {"campaign_ids": [first.pk], "allowlist": [likely.pk]}, format="json"
    ).json()["results"][0]
    assert again["applied"] == [] and [c["action"] for c in again["unchanged"]] == ["already_present"]


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("pg", "pg_campaign"),
        ("expired", "campaign_not_editable"),
        ("failed_audience", "audience_not_targetable"),
        ("on_other_list", "on_other_list"),
        ("both_lists", "conflicting_lists"),
        ("limit", "audience_limit"),
    ],
)
def test_each_targeting_rule_is_refused_with_its_code_and_reason(api, org_a, settings, setup, code):
    settings.MAX_AUDIENCES_PER_CAMPAIGN = 2
    campaign = CampaignFactory(
        insertion_order__organization=org_a,
        campaign_type=CampaignType.PG if setup == "pg" else CampaignType.ADVANCED,
        status=CampaignStatus.EXPIRED if setup == "expired" else CampaignStatus.RUNNING,
    )
    audience = AudienceFactory(
        organization=org_a,
        status=AudienceStatus.FAILED if setup == "failed_audience" else AudienceStatus.READY,
    )
    payload = {"campaign_ids": [campaign.pk], "allowlist": [audience.pk]}
    if setup == "on_other_list":
        campaign_targeting_update(
            actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk]
        )
    if setup == "both_lists":
        payload["blocklist"] = [audience.pk]
    if setup == "limit":
        others = AudienceFactory.create_batch(2, organization=org_a)
        campaign_targeting_update(
            actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], blocklist=[a.pk for a in others]
        )

    [result] = api.post("/api/v1/campaigns/targeting/", payload, format="json").json()["results"]

    assert code in {r["code"] for r in result["refused"]}
    assert all(r["reason"] for r in result["refused"])
    assert all(c["audience_id"] != audience.pk or c["action"] != "added" for c in result["applied"])


def test_the_bulk_call_needs_a_campaign_and_an_audience(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    no_audience = api.post("/api/v1/campaigns/targeting/", {"campaign_ids": [campaign.pk]}, format="json")
    assert no_audience.status_code == 400 and no_audience.json()["code"] == "no_audiences"
    no_campaign = api.post("/api/v1/campaigns/targeting/", {"allowlist": [1]}, format="json")
    assert no_campaign.status_code == 400 and no_campaign.json()["code"] == "no_campaigns"
    wrong = api.post("/api/v1/campaigns/targeting/", {"campaign_ids": ["x"], "allowlist": [1]}, format="json")
    assert wrong.status_code == 400 and "campaign_ids.0" in wrong.json()["errors"]


def test_adding_one_audience_to_every_campaign_of_an_io_is_a_constant_number_of_queries(
    api, org_a, django_assert_max_num_queries
):
    io = InsertionOrderFactory(organization=org_a)
    audiences = AudienceFactory.create_batch(2, organization=org_a)
    CampaignFactory.create_batch(3, insertion_order=io)
    with django_assert_max_num_queries(14) as few:
        api.post(
            "/api/v1/campaigns/targeting/",
            {"insertion_order_ids": [io.pk], "blocklist": [audiences[0].pk]},
            format="json",
        )
    CampaignFactory.create_batch(60, insertion_order=io)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.post(
            "/api/v1/campaigns/targeting/",
            {"insertion_order_ids": [io.pk], "blocklist": [audiences[1].pk]},
            format="json",
        )
    assert len(response.json()["results"]) == 63
    assert CampaignAudience.objects.filter(audience=audiences[1]).count() == 63
