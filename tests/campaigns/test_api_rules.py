"""The Campaigns REST API refuses what the pages refuse: the services' rules, answered as problem documents."""

import pytest

from campaigns.models import Campaign, CampaignStatus, InsertionOrder, InsertionOrderStatus
from tests.campaigns.conftest import PROBLEM, targets
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

S = CampaignStatus


def assert_refused(response, code: str, field: str) -> dict:
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM, response.content
    body = response.json()
    assert body["code"] == code and list(body["errors"]) == [field], body
    assert body["errors"][field] == [body["detail"]]
    assert body["type"] == f"/problems/{code}"
    return body


# --- Campaign statuses ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("new", S.values)
def test_a_running_campaign_is_only_paused_through_the_api(api, org_a, new):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=S.RUNNING)
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"status": new}, format="json")
    if new in (S.RUNNING, S.PAUSED):
        assert response.status_code == 200 and response.json()["status"] == new
        return
    body = assert_refused(response, "status_change_not_allowed", "status")
    assert body["detail"].startswith("A Running campaign can be moved only to Paused")
    assert Campaign.objects.get(pk=campaign.pk).status == S.RUNNING


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.DRAFT, S.RUNNING),
        (S.DRAFT, S.DELETED),
        (S.PENDING, S.RUNNING),
        (S.PAUSED, S.DELETED),
        (S.EXPIRED, S.RUNNING),
        (S.REJECTED, S.PENDING),
        (S.DELETED, S.DRAFT),
    ],
)
def test_put_and_patch_refuse_a_status_the_table_forbids(api, org_a, current, new):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=current, name="Kept")
    full = {
        "name": "Replaced",
        "status": new,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "daily_budget": None,
        "total_budget": None,
        "max_bid": None,
    }
    assert_refused(
        api.put(f"/api/v1/campaigns/{campaign.pk}/", full, format="json"),
        "status_change_not_allowed",
        "status",
    )
    assert_refused(
        api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"status": new}, format="json"),
        "status_change_not_allowed",
        "status",
    )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.name) == (current, "Kept")


def test_deleted_is_reached_only_through_delete(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=S.PAUSED)
    body = assert_refused(
        api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"status": "deleted"}, format="json"),
        "status_change_not_allowed",
        "status",
    )
    assert "To delete the campaign, use Delete." in body["detail"]
    assert api.delete(f"/api/v1/campaigns/{campaign.pk}/").status_code == 204
    assert not Campaign.objects.filter(pk=campaign.pk).exists()


def test_the_advertisers_moves_go_through_the_api(api, org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a, status=S.DRAFT)
    url = f"/api/v1/campaigns/{campaign.pk}/"
    assert [api.patch(url, {"status": s}, format="json").json()["status"] for s in ("pending", "draft")] == [
        "pending",
        "draft",
    ]
    campaign.status = S.PAUSED
    campaign.save()
    assert api.patch(url, {"status": "running"}, format="json").json()["status"] == "running"


@pytest.mark.parametrize("status", ["deleted", "running", "paused", "expired", "rejected"])
def test_a_campaign_is_not_created_in_a_status_the_system_sets(api, org_a, status):
    io = InsertionOrderFactory(organization=org_a)
    response = api.post(
        "/api/v1/campaigns/", {"insertion_order": io.pk, "name": "New", "status": status}, format="json"
    )
    assert_refused(response, "status_change_not_allowed", "status")
    assert not Campaign.objects.exists()


def test_a_campaign_is_created_as_a_draft_or_pending(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    draft = api.post("/api/v1/campaigns/", {"insertion_order": io.pk, "name": "One"}, format="json")
    pending = api.post(
        "/api/v1/campaigns/", {"insertion_order": io.pk, "name": "Two", "status": "pending"}, format="json"
    )
    assert (draft.status_code, draft.json()["status"]) == (201, "draft")
    assert (pending.status_code, pending.json()["status"]) == (201, "pending")


# --- Creating a campaign: an active IO; a PG campaign takes no audiences ----------------------------------------


@pytest.mark.parametrize("status", [InsertionOrderStatus.EXPIRED, InsertionOrderStatus.DELETED])
def test_no_campaign_is_created_in_an_insertion_order_that_is_not_active(api, org_a, status):
    io = InsertionOrderFactory(organization=org_a, status=status)
    response = api.post("/api/v1/campaigns/", {"insertion_order": io.pk, "name": "Late"}, format="json")
    body = assert_refused(response, "insertion_order_not_active", "insertion_order")
    assert body["detail"] == "Campaigns can only be added to an active insertion order."
    assert not Campaign.objects.exists()


def test_a_pg_campaign_is_not_created_with_audiences(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    audience = AudienceFactory(organization=org_a)
    response = api.post(
        "/api/v1/campaigns/",
        {"insertion_order": io.pk, "name": "Deal", "campaign_type": "pg", "allowlist": [audience.pk]},
        format="json",
    )
    body = assert_refused(response, "pg_campaign", "campaign_type")
    assert body["detail"].startswith("PG campaigns take no audience targeting")
    assert not Campaign.objects.exists()


def test_a_campaign_is_created_with_its_allowlist_and_says_what_was_refused(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    ready = AudienceFactory(organization=org_a, name="Ready one")
    failed = AudienceFactory(organization=org_a, name="Failed one", status="failed")
    response = api.post(
        "/api/v1/campaigns/",
        {"insertion_order": io.pk, "name": "GOTV", "allowlist": [ready.pk, failed.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["allowlist_count"] == 1
    assert [(c["audience_id"], c["action"]) for c in body["targeting"]["applied"]] == [(ready.pk, "added")]
    assert [(r["audience_id"], r["code"]) for r in body["targeting"]["refused"]] == [
        (failed.pk, "audience_not_targetable")
    ]
    assert targets(Campaign.objects.get(pk=body["id"])) == {ready.pk: "allowlist"}
    plain = api.post("/api/v1/campaigns/", {"insertion_order": io.pk, "name": "Plain"}, format="json")
    assert plain.json()["targeting"] is None


# --- Insertion order time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Paris", "Not/A_Zone", ""])
def test_an_insertion_order_is_refused_a_time_zone_the_pages_do_not_offer(api, org_a, zone):
    response = api.post(
        "/api/v1/insertion-orders/",
        {
            "name": "General",
            "start_date": "2026-09-01",
            "end_date": "2026-11-03",
            "budget_total": "100",
            "time_zone": zone,
        },
        format="json",
    )
    assert response.status_code == 400 and "time_zone" in response.json()["errors"]
    assert not InsertionOrder.objects.exists()


def test_an_insertion_orders_time_zone_is_changed_only_to_one_of_the_list(api, org_a):
    io = InsertionOrderFactory(organization=org_a)
    url = f"/api/v1/insertion-orders/{io.pk}/"
    body = assert_refused(
        api.patch(url, {"time_zone": "Europe/Paris"}, format="json"), "unknown_time_zone", "time_zone"
    )
    assert "America/New_York" in body["detail"] and "Pacific/Honolulu" in body["detail"]
    assert api.patch(url, {"time_zone": "Pacific/Honolulu"}, format="json").json()["time_zone"] == (
        "Pacific/Honolulu"
    )


@pytest.mark.parametrize(
    "code", ["status_change_not_allowed", "insertion_order_not_active", "pg_campaign", "unknown_time_zone"]
)
def test_each_rules_problem_type_leads_to_what_it_means(api, code):
    response = api.get(f"/problems/{code}")
    assert response.status_code == 200 and f'id="{code}"' in response.content.decode()
