"""The Campaigns REST API (/api/v1/campaigns/): list, create, read, change and delete; roles; the schema."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from campaigns.models import Campaign, CampaignStatus, CampaignType
from campaigns.services import campaign_targeting_update
from campaigns.tasks import refresh_reach
from history.actors import SYSTEM
from tests.campaigns.conftest import PROBLEM, load_members, targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_campaigns_are_listed_with_their_targeting_counts_and_reach(api, org_a, org_b):
    io = InsertionOrderFactory(organization=org_a)
    running = CampaignFactory(insertion_order=io, name="Running one")
    CampaignFactory(
        insertion_order=io, name="PG one", campaign_type=CampaignType.PG, status=CampaignStatus.PAUSED
    )
    CampaignFactory(insertion_order__organization=org_b, name="Bravo's")
    allowed, blocked = AudienceFactory.create_batch(2, organization=org_a)
    load_members(allowed, range(1, 21))
    load_members(blocked, range(1, 6))
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[running.pk],
        allowlist=[allowed.pk],
        blocklist=[blocked.pk],
    )

    updating = api.get("/api/v1/campaigns/", {"search": "Running"}).json()["results"][0]
    assert updating["reach"]["status"] == "updating"
    refresh_reach([running.pk])
    body = api.get("/api/v1/campaigns/", {"ordering": "name"}).json()

    assert [r["name"] for r in body["results"]] == ["PG one", "Running one"]
    pg, counted = body["results"]
    assert (counted["allowlist_count"], counted["blocklist_count"]) == (1, 1)
    assert counted["reach"]["status"] == "counted" and counted["reach"]["voters"] == 15
    assert counted["reach"]["excluded"] == 5
    assert pg["reach"] == {"status": "not_applicable", "voters": None, "excluded": None, "computed_at": None}
    assert api.get("/api/v1/campaigns/", {"status": "paused"}).json()["count"] == 1
    assert api.get("/api/v1/campaigns/", {"campaign_type": "pg"}).json()["results"][0]["name"] == "PG one"
    assert api.get("/api/v1/campaigns/", {"insertion_order": io.pk}).json()["count"] == 2
    assert api.get("/api/v1/campaigns/", {"ordering": "-reach"}).json()["results"][0]["name"] == "Running one"


def test_the_campaign_list_runs_a_constant_number_of_queries(api, org_a, django_assert_max_num_queries):
    io = InsertionOrderFactory(organization=org_a)
    audiences = AudienceFactory.create_batch(3, organization=org_a)

    def add(n):
        ids = [c.pk for c in CampaignFactory.create_batch(n, insertion_order=io)]
        campaign_targeting_update(
            actor=SYSTEM,
            organization=org_a,
            campaign_ids=ids,
            allowlist=[audiences[0].pk, audiences[1].pk],
            blocklist=[audiences[2].pk],
        )

    add(2)
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/campaigns/")
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/campaigns/").json()["results"]) == 42


def test_a_campaign_is_created_in_an_io_read_changed_and_deleted(api, org_a):
    io = InsertionOrderFactory(
        organization=org_a, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 11, 3)
    )
    created = api.post(
        "/api/v1/campaigns/",
        {
            "insertion_order": io.pk,
            "name": "GOTV Display",
            "campaign_type": "advanced",
            "start_date": "2026-09-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["end_date"], body["insertion_order_name"]) == (
        "draft",
        "2026-11-03",
        io.name,
    )
    assert body["reach"]["status"] == "all_voters"

    campaign_id = body["id"]
    changed = api.patch(
        f"/api/v1/campaigns/{campaign_id}/", {"status": "pending", "daily_budget": "50.00"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["status"] == "pending"
    assert api.get(f"/api/v1/campaigns/{campaign_id}/").json()["daily_budget"] == "50.00"
    assert api.delete(f"/api/v1/campaigns/{campaign_id}/").status_code == 204
    assert not Campaign.objects.exists()


def test_campaign_rules_answer_with_problem_documents(api, org_a):
    io = InsertionOrderFactory(
        organization=org_a, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 11, 3)
    )
    CampaignFactory(insertion_order=io, name="Taken")

    duplicate = api.post("/api/v1/campaigns/", {"insertion_order": io.pk, "name": "TAKEN"}, format="json")
    assert duplicate.status_code == 400 and duplicate["Content-Type"] == PROBLEM
    assert duplicate.json()["code"] == "duplicate_campaign_name"

    outside = api.post(
        "/api/v1/campaigns/",
        {"insertion_order": io.pk, "name": "Late", "start_date": "2026-09-01", "end_date": "2026-12-01"},
        format="json",
    )
    assert "within its insertion order's dates" in outside.json()["detail"]

    campaign = CampaignFactory(insertion_order=io, name="Fixed type")
    retyped = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"campaign_type": "pg"}, format="json")
    assert retyped.json()["errors"] == {"campaign_type": ["A campaign's type is fixed when it is created."]}
    over = api.patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"daily_budget": "100", "total_budget": "50"}, format="json"
    )
    assert over.status_code == 400 and "cannot exceed the total budget" in over.json()["detail"]


def test_a_viewer_reads_but_cannot_write(org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client = APIClient()
    client.force_login(viewer)
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)

    assert client.get("/api/v1/campaigns/").status_code == 200
    denied = client.post(
        "/api/v1/campaigns/targeting/",
        {"campaign_ids": [campaign.pk], "allowlist": [audience.pk]},
        format="json",
    )
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM
    assert client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "No"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/insertion-orders/{campaign.insertion_order_id}/").status_code == 403
    assert targets(campaign) == {}


def test_signed_out_requests_are_refused(client, org_a):
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_the_schema_describes_the_campaigns_api(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/insertion-orders/",
        "/api/v1/insertion-orders/{id}/",
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/",
        "/api/v1/campaigns/{id}/targeting/",
        "/api/v1/campaigns/targeting/",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/campaigns/{id}/targeting/"]) >= {"get", "put"}
