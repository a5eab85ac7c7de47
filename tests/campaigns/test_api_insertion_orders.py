"""The Campaigns REST API (/api/v1/insertion-orders/): list, create, read, change and delete an IO."""

import pytest

from campaigns.models import Campaign, InsertionOrder
from tests.campaigns.conftest import PROBLEM
from tests.factories import CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


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
