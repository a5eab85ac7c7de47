"""The Campaigns app's pages of insertion orders: Campaigns home, an IO's page, their pop-ups."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Campaign, CampaignType, InsertionOrder, InsertionOrderStatus
from campaigns.services import campaign_targeting_update
from campaigns.tasks import refresh_reach
from history.actors import SYSTEM
from tests.campaigns.conftest import HTMX, load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db


# --- Campaigns home: the insertion orders ------------------------------------------------------------------


def test_home_lists_the_organizations_insertion_orders_only(client_a, org_a, org_b):
    ours = InsertionOrderFactory(organization=org_a, name="2026 General – Ohio")
    CampaignFactory.create_batch(3, insertion_order=ours)
    InsertionOrderFactory(organization=org_b, name="Bravo secret IO")

    response = client_a.get("/campaigns/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "2026 General – Ohio" in content and "$10,000.00" in content
    assert "Bravo secret IO" not in content
    [row] = response.context["table"].records
    assert row.campaign_count == 3


def test_home_searches_filters_and_sorts(client_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha", budget_total=Decimal("300"))
    InsertionOrderFactory(organization=org_a, name="Bravo", budget_total=Decimal("100"))
    expired = InsertionOrderFactory(
        organization=org_a, name="Charlie", status=InsertionOrderStatus.EXPIRED, budget_total=Decimal("200")
    )

    def names(query):
        return [io.name for io in client_a.get(f"/campaigns/{query}").context["table"].records]

    assert names("?sort=name") == ["Alpha", "Bravo", "Charlie"]
    assert names("?sort=-budget") == ["Alpha", "Charlie", "Bravo"]
    assert names("?q=rav") == ["Bravo"]
    assert names(f"?q={expired.pk}") == ["Charlie"]
    assert names("?status=expired") == ["Charlie"]
    assert names("?sort=nonsense&status=nonsense") == ["Charlie", "Bravo", "Alpha"]  # newest first


def test_home_answers_htmx_with_the_table_alone(client_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha")
    response = client_a.get("/campaigns/?q=Al", HTTP_HX_TARGET="io-table", **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="io-table"') and "Alpha" in content


def test_home_runs_a_constant_number_of_queries(client_a, org_a, django_assert_max_num_queries):
    for _ in range(3):
        CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))
    with django_assert_max_num_queries(9) as few:
        client_a.get("/campaigns/")
    for _ in range(22):
        CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get("/campaigns/")
    assert len(response.context["table"].records) == 25


def test_an_io_is_created_in_a_pop_up_and_opens_its_page(client_a, org_a):
    form = client_a.get("/campaigns/insertion-orders/new/", **HTMX)
    assert form.content.decode().lstrip().startswith('<dialog class="modal"')

    response = client_a.post(
        "/campaigns/insertion-orders/new/",
        {
            "name": "2026 General",
            "start_date": "2026-09-01",
            "end_date": "2026-11-03",
            "budget_type": "impressions",
            "budget_total": "5000000",
            "time_zone": "America/Chicago",
        },
        **HTMX,
    )

    io = InsertionOrder.objects.get(organization=org_a)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("campaigns:insertion_order", args=[io.pk])
    assert (io.budget_type, io.budget_total, io.time_zone) == (
        "impressions",
        Decimal("5000000"),
        "America/Chicago",
    )


def test_an_io_form_with_dates_out_of_order_says_so_in_the_pop_up(client_a, org_a):
    response = client_a.post(
        "/campaigns/insertion-orders/new/",
        {
            "name": "Backwards",
            "start_date": "2026-11-03",
            "end_date": "2026-09-01",
            "budget_type": "budget",
            "budget_total": "100",
            "time_zone": "UTC",
        },
        **HTMX,
    )
    assert "HX-Redirect" not in response
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not InsertionOrder.objects.exists()


def test_editing_an_io_keeps_its_budget_type_and_its_campaigns_dates(client_a, org_a):
    io = InsertionOrderFactory(
        organization=org_a, start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 11, 3)
    )
    CampaignFactory(insertion_order=io, start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 11, 3))
    data = {
        "name": "Renamed",
        "start_date": "2026-09-01",
        "end_date": "2026-10-15",
        "budget_type": "impressions",  # a disabled field: what is posted is ignored
        "budget_total": "20000",
        "time_zone": "UTC",
        "status": "active",
    }
    refused = client_a.post(f"/campaigns/insertion-orders/{io.pk}/edit/", data, **HTMX)
    assert "1 campaign(s) of this insertion order run outside these dates" in refused.content.decode()

    data["end_date"] = "2026-11-30"
    done = client_a.post(f"/campaigns/insertion-orders/{io.pk}/edit/", data, **HTMX)
    assert done["HX-Redirect"] == "/campaigns/"
    io.refresh_from_db()
    assert (io.name, io.budget_type, io.end_date) == ("Renamed", "budget", dt.date(2026, 11, 30))


def test_deleting_an_io_says_how_many_campaigns_go_with_it_then_deletes_them(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a, name="Primary")
    CampaignFactory.create_batch(2, insertion_order=io)

    confirm = client_a.get(f"/campaigns/insertion-orders/{io.pk}/delete/", **HTMX)
    assert "its <strong>2 campaigns</strong>" in confirm.content.decode()
    assert InsertionOrder.objects.filter(pk=io.pk).exists()

    response = client_a.post(f"/campaigns/insertion-orders/{io.pk}/delete/", **HTMX)
    assert response["HX-Redirect"] == "/campaigns/"
    assert not InsertionOrder.objects.filter(pk=io.pk).exists() and not Campaign.objects.exists()
    page = client_a.get("/campaigns/")
    assert "Deleted the insertion order “Primary” and its 2 campaigns." in page.content.decode()


def test_pop_ups_open_on_a_page_of_their_own_without_htmx(client_a, org_a):
    response = client_a.get("/campaigns/insertion-orders/new/")
    content = response.content.decode()
    assert "<html" in content and "data-page-dialog" in content and "Create Insertion Order" in content


# --- An insertion order's page: its campaigns ----------------------------------------------------------------


def test_the_io_page_lists_its_campaigns_with_audiences_and_reach(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    campaign = CampaignFactory(insertion_order=io, name="GOTV Display", daily_budget=Decimal("500"))
    CampaignFactory(insertion_order=io, name="PG Deal", campaign_type=CampaignType.PG)
    CampaignFactory(insertion_order__organization=org_a, name="Another IO's campaign")
    allowed, blocked = AudienceFactory.create_batch(2, organization=org_a)
    load_members(allowed, range(1, 11))
    load_members(blocked, range(1, 4))
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[allowed.pk],
        blocklist=[blocked.pk],
    )

    before = client_a.get(f"/campaigns/insertion-orders/{io.pk}/").content.decode()
    refresh_reach([campaign.pk])
    after = client_a.get(f"/campaigns/insertion-orders/{io.pk}/")

    rows = {c.name: c for c in after.context["table"].records}
    assert set(rows) == {"GOTV Display", "PG Deal"}
    assert (rows["GOTV Display"].allowlist_count, rows["GOTV Display"].blocklist_count) == (1, 1)
    assert "Updating…" in before
    content = after.content.decode()
    assert "Updating…" not in content
    assert re.search(r'<td class="num">\s*7\s*</td>', content)  # 10 allowlisted voters less 3 blocklisted
    assert "$500.00" in content and "Deal inventory" in content


def test_the_io_page_runs_a_constant_number_of_queries(client_a, org_a, django_assert_max_num_queries):
    io = InsertionOrderFactory(organization=org_a)
    audiences = AudienceFactory.create_batch(2, organization=org_a)

    def add(n):
        campaigns = CampaignFactory.create_batch(n, insertion_order=io)
        campaign_targeting_update(
            actor=SYSTEM,
            organization=org_a,
            campaign_ids=[c.pk for c in campaigns],
            allowlist=[audiences[0].pk],
            blocklist=[audiences[1].pk],
        )

    add(2)
    with django_assert_max_num_queries(12) as few:
        client_a.get(f"/campaigns/insertion-orders/{io.pk}/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get(f"/campaigns/insertion-orders/{io.pk}/")
    assert len(response.context["table"].records) == 22


def test_create_campaign_pop_up_checks_the_name_and_opens_the_new_campaign(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    CampaignFactory(insertion_order__organization=org_a, name="GOTV Display")

    taken = client_a.get("/campaigns/name-check/", {"name": "gotv display "}, **HTMX).content.decode()
    free = client_a.get("/campaigns/name-check/", {"name": "Early Vote"}, **HTMX).content.decode()
    assert "already exists" in taken and "is available" in free

    refused = client_a.post(
        f"/campaigns/insertion-orders/{io.pk}/campaigns/new/",
        {"name": "GOTV display", "campaign_type": "advanced"},
        **HTMX,
    )
    assert "A campaign named “GOTV display” already exists" in refused.content.decode()

    created = client_a.post(
        f"/campaigns/insertion-orders/{io.pk}/campaigns/new/",
        {"name": "Early Vote", "campaign_type": "pg"},
        **HTMX,
    )
    campaign = Campaign.objects.get(name="Early Vote")
    assert created["HX-Redirect"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.insertion_order, campaign.campaign_type, campaign.status) == (io, "pg", "draft")


def test_a_campaign_goes_in_the_pages_io_whatever_the_form_says(client_a, org_a):
    io, other = InsertionOrderFactory.create_batch(2, organization=org_a)
    client_a.post(
        f"/campaigns/insertion-orders/{io.pk}/campaigns/new/",
        {"name": "Here", "campaign_type": "advanced", "insertion_order": other.pk},
        **HTMX,
    )
    assert Campaign.objects.get(name="Here").insertion_order == io


def test_no_campaign_is_added_to_an_expired_io(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a, status=InsertionOrderStatus.EXPIRED)
    response = client_a.post(
        f"/campaigns/insertion-orders/{io.pk}/campaigns/new/",
        {"name": "Late", "campaign_type": "advanced"},
        **HTMX,
    )
    assert "only be added to an active insertion order" in response.content.decode()
    assert not Campaign.objects.exists()
