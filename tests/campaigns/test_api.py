"""The Campaigns REST API (/api/v1/): every endpoint and rule, with two organizations."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from audiences.models import AudienceStatus
from campaigns.models import Campaign, CampaignAudience, CampaignStatus, CampaignType, InsertionOrder
from campaigns.services import campaign_targeting_update
from campaigns.tasks import refresh_reach
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def targets(campaign) -> dict[int, str]:
    return dict(CampaignAudience.objects.filter(campaign=campaign).values_list("audience_id", "list_type"))


# --- Insertion orders ----------------------------------------------------------------------------------------


def test_insertion_orders_are_listed_filtered_searched_sorted_and_paged(api, org_a, org_b):
    first = InsertionOrderFactory(organization=org_a, name="Alpha primary")
    CampaignFactory.create_batch(2, insertion_order=first)
    InsertionOrderFactory(organization=org_a, name="Bravo general", status="expired")
    InsertionOrderFactory(organization=org_b, name="Other organization's")

    body = api.get("/api/v1/insertion-orders/", {"ordering": "name"}).json()
    assert body["count"] == 2 and [r["name"] for r in body["results"]] == ["Alpha primary", "Bravo general"]
    assert body["results"][0]["campaign_count"] == 2
    assert [
        r["name"] for r in api.get("/api/v1/insertion-orders/", {"status": "expired"}).json()["results"]
    ] == ["Bravo general"]
    assert api.get("/api/v1/insertion-orders/", {"search": "primary"}).json()["count"] == 1
    assert (
        api.get("/api/v1/insertion-orders/", {"search": str(first.pk)}).json()["results"][0]["id"] == first.pk
    )
    busiest = api.get("/api/v1/insertion-orders/", {"ordering": "-campaign_count"}).json()["results"][0]
    assert busiest["name"] == "Alpha primary"
    paged = api.get("/api/v1/insertion-orders/", {"page_size": 1, "ordering": "name"}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]


def test_the_insertion_order_list_runs_a_constant_number_of_queries(
    api, org_a, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))

    add(2)
    with django_assert_max_num_queries(8) as few:
        api.get("/api/v1/insertion-orders/")
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/insertion-orders/").json()["count"] == 32


def test_an_insertion_order_is_created_read_changed_and_deleted_with_its_campaigns(api, org_a):
    created = api.post(
        "/api/v1/insertion-orders/",
        {
            "name": "2026 General",
            "start_date": "2026-09-01",
            "end_date": "2026-11-03",
            "budget_type": "impressions",
            "budget_total": "1000000",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    io_id = created.json()["id"]
    assert created.json()["status"] == "active" and created.json()["campaign_count"] == 0

    changed = api.patch(f"/api/v1/insertion-orders/{io_id}/", {"name": "2026 General – OH"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "2026 General – OH"
    fixed = api.patch(f"/api/v1/insertion-orders/{io_id}/", {"budget_type": "budget"}, format="json")
    assert fixed.status_code == 400 and fixed["Content-Type"] == PROBLEM
    assert fixed.json()["errors"] == {
        "budget_type": ["The budget type of an insertion order is fixed when it is created."]
    }

    CampaignFactory.create_batch(2, insertion_order=InsertionOrder.objects.get(pk=io_id))
    assert api.get(f"/api/v1/insertion-orders/{io_id}/").json()["campaign_count"] == 2
    assert api.delete(f"/api/v1/insertion-orders/{io_id}/").status_code == 204
    assert not InsertionOrder.objects.exists() and not Campaign.objects.exists()


def test_insertion_order_input_is_validated_with_problem_documents(api, org_a):
    response = api.post(
        "/api/v1/insertion-orders/",
        {"name": "Backwards", "start_date": "2026-11-03", "end_date": "2026-09-01", "budget_total": "0"},
        format="json",
    )
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert "budget_total" in response.json()["errors"]
    backwards = api.post(
        "/api/v1/insertion-orders/",
        {"name": "Backwards", "start_date": "2026-11-03", "end_date": "2026-09-01", "budget_total": "10"},
        format="json",
    )
    assert backwards.json()["errors"] == {"end_date": ["The end date must be on or after the start date."]}


def test_put_replaces_an_insertion_order_and_needs_every_field(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    partial = api.put(f"/api/v1/insertion-orders/{io.pk}/", {"name": "Only a name"}, format="json")
    assert partial.status_code == 400
    full = api.put(
        f"/api/v1/insertion-orders/{io.pk}/",
        {
            "name": "Replaced",
            "start_date": io.start_date.isoformat(),
            "end_date": io.end_date.isoformat(),
            "budget_total": "5.00",
            "time_zone": "America/Denver",
            "status": "expired",
        },
        format="json",
    )
    assert (
        full.status_code == 200
        and full.json()["status"] == "expired"
        and full.json()["time_zone"] == "America/Denver"
    )


# --- Campaigns ------------------------------------------------------------------------------------------------


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
        organization=org_a, campaign_ids=[running.pk], allowlist=[allowed.pk], blocklist=[blocked.pk]
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
        f"/api/v1/campaigns/{campaign_id}/", {"status": "running", "daily_budget": "50.00"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["status"] == "running"
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


# --- Targeting ------------------------------------------------------------------------------------------------


def test_a_campaigns_targeting_is_read_with_reach_and_each_audiences_share(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    a = AudienceFactory(organization=org_a, name="A")
    b = AudienceFactory(organization=org_a, name="B")
    blocked = AudienceFactory(organization=org_a, name="Voted")
    load_members(a, range(1, 11))
    load_members(b, range(6, 21))
    load_members(blocked, range(18, 31))
    campaign_targeting_update(
        organization=org_a, campaign_ids=[campaign.pk], allowlist=[a.pk, b.pk], blocklist=[blocked.pk]
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
    campaign_targeting_update(organization=org_a, campaign_ids=[campaign.pk], allowlist=[keep.pk, drop.pk])

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
    campaign_targeting_update(organization=org_a, campaign_ids=[first.pk, elsewhere.pk], allowlist=[old.pk])

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
        campaign_targeting_update(organization=org_a, campaign_ids=[campaign.pk], blocklist=[audience.pk])
    if setup == "both_lists":
        payload["blocklist"] = [audience.pk]
    if setup == "limit":
        others = AudienceFactory.create_batch(2, organization=org_a)
        campaign_targeting_update(
            organization=org_a, campaign_ids=[campaign.pk], blocklist=[a.pk for a in others]
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


# --- Tenancy: nothing of another organization is visible, changeable or attachable -----------------------------


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
