"""History on the pages: Audience Details › History, and the History sections of a campaign's and an
insertion order's pages, through Django's test client (tests/browser/test_history.py clicks them)."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from history.models import HistoryAction
from history.pages import PAGE_SIZE
from history.services import Named
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory
from tests.history.helpers import L2_JDOE, PORTAL, added, record

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)


def sentences(response) -> list[str]:
    """The sentences shown, as text (tags stripped), newest first."""
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", s).strip() for s in re.findall(r'class="history-sentence">(.*?)</p>', html)
    ]


@pytest.fixture
def campaign_world(org_a):
    io = InsertionOrderFactory(organization=org_a, name="Fall IO")
    campaign = CampaignFactory(insertion_order=io, name="Fall push")
    audience = AudienceFactory(organization=org_a, name="Likely Dems")
    record(org_a, HistoryAction.CAMPAIGN_CREATED, campaign=campaign, insertion_order=io, at=at(0))
    added(org_a, audience, campaign, at=at(1))
    record(
        org_a,
        HistoryAction.CAMPAIGN_CHANGED,
        campaign=campaign,
        changes={"status": ["Draft", "Running"], "daily_budget": [None, "$20.00"]},
        at=at(2),
    )
    record(
        org_a,
        HistoryAction.REACH_RECOMPUTED,
        actor=PORTAL,
        campaign=campaign,
        details={"before": 0, "after": 900},
        at=at(3),
    )
    return {"io": io, "campaign": campaign, "audience": audience}


# --- Audience Details › History ---------------------------------------------------------------------------


def test_details_have_a_history_tab_beside_the_version_history(client_a, org_a):
    audience = AudienceFactory(organization=org_a)
    content = client_a.get(f"/audiences/{audience.pk}/", **HTMX).content.decode()
    assert 'role="tab" id="audience-tab-versions" aria-selected="true"' in content
    assert 'role="tab" id="audience-tab-history" aria-selected="false"' in content
    assert f'hx-get="/audiences/{audience.pk}/history/" hx-trigger="tabshown once"' in content
    assert "Version history" in content


def test_an_audiences_history_reads_as_sentences_newest_first(client_a, org_a):
    audience = AudienceFactory(organization=org_a, name="Ohio <GOTV>")
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Fall push")
    record(
        org_a,
        HistoryAction.VERSION_SWITCHED,
        actor=L2_JDOE,
        audience=audience,
        details={"voter_count": 1200, "version": 1},
        at=at(0),
    )
    added(org_a, audience, campaign, at=at(1))
    record(
        org_a,
        HistoryAction.AUDIENCE_CHANGED,
        audience=audience,
        changes={"notes": ["", "From the county file"]},
        at=at(2),
    )
    response = client_a.get(f"/audiences/{audience.pk}/history/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert sentences(response) == [
        "Maria Lopez changed Ohio &lt;GOTV&gt;",
        "Maria Lopez added Ohio &lt;GOTV&gt; to the Allowlist of Fall push",
        "L2 user jdoe (C-778) put 1,200 voters in force in Ohio &lt;GOTV&gt;, version 1",
    ]
    # Names in italics (escaped); the changed settings under the sentence, before → after; who is not a
    # user is named as such; when, as every page shows times.
    assert "<em>Ohio &lt;GOTV&gt;</em>" in html and "<em>Fall push</em>" in html
    assert '<span class="history-field">Notes:</span> none → From the county file' in html
    assert "· L2 customer" in html
    assert '<time datetime="2026-11-02T09:02:00+00:00"' in html and "Nov 2, 2026, 09:02" in html
    # The kinds an audience's history has, to filter by.
    options = re.findall(r'<option value="(\w*)"', html)
    assert options == ["", "l2", "targeting", "settings"]


def test_the_audience_history_filters_by_kind_and_pages_twenty_at_a_time(client_a, org_a):
    audience = AudienceFactory(organization=org_a, name="Likely Dems")
    campaign = CampaignFactory(insertion_order__organization=org_a, name="Fall push")
    for minute in range(PAGE_SIZE + 5):
        added(org_a, audience, campaign, at=at(minute), list_name=f"List {minute}")
    record(org_a, HistoryAction.AUDIENCE_DELETED, audience=audience, at=at(100))

    first = client_a.get(f"/audiences/{audience.pk}/history/", **HTMX)
    assert len(sentences(first)) == PAGE_SIZE
    assert sentences(first)[0] == "Maria Lopez deleted Likely Dems"
    assert "1–20 of 26" in first.content.decode()
    older = first.context["history"].older
    assert older["hx"] == f"/audiences/{audience.pk}/history/?history_page=2"
    assert first.context["history"].newer is None

    # Its filter and pages swap the entries alone.
    entries = {"HTTP_HX_TARGET": "audience-history-entries", **HTMX}
    second = client_a.get(older["hx"], **entries)
    html = second.content.decode()
    assert html.lstrip().startswith('<div class="history-entries" id="audience-history-entries"')
    assert "<select" not in html and len(sentences(second)) == 6
    assert sentences(second)[-1] == "Maria Lopez added Likely Dems to the List 0 of Fall push"
    assert "HX-Replace-Url" not in second  # a pop-up keeps no state in the page's URL

    targeting = client_a.get(f"/audiences/{audience.pk}/history/", {"history_kind": "targeting"}, **entries)
    assert len(sentences(targeting)) == PAGE_SIZE and "deleted" not in targeting.content.decode()
    assert targeting.context["history"].older["hx"].endswith("?history_kind=targeting&history_page=2")
    settings_kind = client_a.get(
        f"/audiences/{audience.pk}/history/", {"history_kind": "settings"}, **entries
    )
    assert sentences(settings_kind) == ["Maria Lopez deleted Likely Dems"]
    empty = client_a.get(f"/audiences/{audience.pk}/history/", {"history_kind": "l2"}, **entries)
    assert sentences(empty) == [] and "Nothing of this kind recorded yet." in empty.content.decode()
    # What a link cannot mean is read as the default: every kind, the last page.
    odd = client_a.get(
        f"/audiences/{audience.pk}/history/", {"history_kind": "reach", "history_page": "99"}, **HTMX
    )
    assert odd.status_code == 200 and len(sentences(odd)) == 6


# --- The campaign's and the insertion order's pages ---------------------------------------------------------


def test_the_campaign_page_shows_its_history_from_its_url(client_a, campaign_world):
    campaign = campaign_world["campaign"]
    response = client_a.get(f"/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    assert sentences(response) == [
        "Reach of Fall push recomputed: 0 → 900 voters",
        "Maria Lopez changed Fall push",
        "Maria Lopez added Likely Dems to the Allowlist of Fall push",
        "Maria Lopez created the campaign Fall push in Fall IO",
    ]
    html = response.content.decode()
    assert '<span class="history-field">Status:</span> Draft → Running' in html
    assert '<span class="history-field">Daily budget:</span> none → $20.00' in html
    assert re.findall(r'<option value="(\w*)"', html)[-4:] == ["", "settings", "targeting", "reach"]
    # Reloaded, bookmarked or come Back to, the page shows the kind and page its URL names.
    reach = client_a.get(f"/campaigns/{campaign.pk}/", {"history_kind": "reach"})
    assert sentences(reach) == ["Reach of Fall push recomputed: 0 → 900 voters"]
    assert 'value="reach" selected' in reach.content.decode()


def test_the_campaign_historys_filter_and_pages_keep_their_state_in_the_pages_url(
    client_a, org_a, campaign_world
):
    campaign, audience = campaign_world["campaign"], campaign_world["audience"]
    for minute in range(PAGE_SIZE):
        added(org_a, audience, campaign, at=at(10 + minute))
    html = client_a.get(f"/campaigns/{campaign.pk}/", {"saved": "audiences"}).content.decode()
    # Without JavaScript a page link is the campaign's page; with htmx, the history's own URL.
    assert (
        f'href="/campaigns/{campaign.pk}/?saved=audiences&amp;history_page=2" '
        f'hx-get="/campaigns/{campaign.pk}/history/?history_page=2"' in html
    )

    entries = {"HTTP_HX_TARGET": "campaign-history-entries", **HTMX}
    current = f"http://testserver/campaigns/{campaign.pk}/?saved=audiences"
    response = client_a.get(
        f"/campaigns/{campaign.pk}/history/",
        {"history_kind": "targeting", "history_page": "2"},
        HTTP_HX_CURRENT_URL=current,
        **entries,
    )
    assert len(sentences(response)) == 1
    replaced = urlsplit(response["HX-Replace-Url"])
    assert replaced.path == f"/campaigns/{campaign.pk}/"
    assert parse_qs(replaced.query) == {
        "saved": ["audiences"],
        "history_kind": ["targeting"],
        "history_page": ["2"],
    }
    newer = response.context["history"].newer
    assert newer == {
        "hx": f"/campaigns/{campaign.pk}/history/?history_kind=targeting",
        "href": f"/campaigns/{campaign.pk}/?saved=audiences&history_kind=targeting",
    }
    # Opened without htmx (a new tab), the history's URL is the campaign's page showing the same entries.
    plain = client_a.get(f"/campaigns/{campaign.pk}/history/", {"history_kind": "reach", "history_page": "1"})
    assert plain.status_code == 302 and plain.url == f"/campaigns/{campaign.pk}/?history_kind=reach"
    # The first page of every kind is the page's plain URL.
    first = client_a.get(f"/campaigns/{campaign.pk}/history/", HTTP_HX_CURRENT_URL=current, **entries)
    assert first["HX-Replace-Url"] == f"/campaigns/{campaign.pk}/?saved=audiences"


def test_the_insertion_order_page_shows_its_history(client_a, org_a, campaign_world):
    io = campaign_world["io"]
    record(
        org_a,
        HistoryAction.IO_CHANGED,
        insertion_order=io,
        changes={"budget_total": ["$10,000.00", "$12,000.00"]},
    )
    response = client_a.get(
        f"/campaigns/insertion-orders/{io.pk}/", {"q": "Fall", "history_kind": "settings"}
    )
    assert sentences(response) == [
        "Maria Lopez changed the insertion order Fall IO",
        "Maria Lopez created the campaign Fall push in Fall IO",
    ]
    assert '<span class="history-field">Budget:</span> $10,000.00 → $12,000.00' in response.content.decode()
    assert (
        "<select" not in response.content.decode().split('id="insertion-order-history"')[1]
    )  # one kind: no filter
    # The campaigns table's own requests do not draw the history.
    table = client_a.get(
        f"/campaigns/insertion-orders/{io.pk}/", {"q": "Fall"}, HTTP_HX_TARGET="campaign-table", **HTMX
    )
    assert table.status_code == 200 and sentences(table) == []
    swap = client_a.get(
        f"/campaigns/insertion-orders/{io.pk}/history/",
        {"history_kind": "settings"},
        HTTP_HX_CURRENT_URL=f"http://testserver/campaigns/insertion-orders/{io.pk}/?q=Fall&sort=name",
        HTTP_HX_TARGET="insertion-order-history-entries",
        **HTMX,
    )
    assert parse_qs(urlsplit(swap["HX-Replace-Url"]).query) == {
        "q": ["Fall"],
        "sort": ["name"],
        "history_kind": ["settings"],
    }


def test_history_pages_of_a_viewer_too(client, org_a, campaign_world):
    from accounts.models import Role
    from tests.factories import PASSWORD, MembershipFactory

    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    assert client.login(username=viewer.username, password=PASSWORD)
    campaign = campaign_world["campaign"]
    assert len(sentences(client.get(f"/campaigns/{campaign.pk}/"))) == 4
    assert len(sentences(client.get(f"/campaigns/{campaign.pk}/history/", **HTMX))) == 4


# --- Tenancy ---------------------------------------------------------------------------------------------------


def test_another_organizations_history_is_not_found_nor_shown(client_a, org_a, org_b, campaign_world):
    theirs_io = InsertionOrderFactory(organization=org_b)
    theirs_campaign = CampaignFactory(insertion_order=theirs_io, name="Their push")
    theirs_audience = AudienceFactory(organization=org_b, name="Their list")
    added(org_b, theirs_audience, theirs_campaign)
    for url in [
        f"/audiences/{theirs_audience.pk}/history/",
        f"/campaigns/{theirs_campaign.pk}/history/",
        f"/campaigns/insertion-orders/{theirs_io.pk}/history/",
    ]:
        assert client_a.get(url, **HTMX).status_code == 404, url
        assert client_a.get(url).status_code == 404, url
    # An entry of theirs that names our objects' IDs stays theirs: not on our pages.
    campaign, audience = campaign_world["campaign"], campaign_world["audience"]
    record(
        org_b,
        HistoryAction.AUDIENCE_ADDED,
        audience=Named(audience.pk, "Spoof"),
        campaign=Named(campaign.pk, "Spoof"),
    )
    for response in [
        client_a.get(f"/campaigns/{campaign.pk}/"),
        client_a.get(f"/campaigns/{campaign.pk}/history/", **HTMX),
        client_a.get(f"/audiences/{audience.pk}/history/", **HTMX),
        client_a.get(f"/campaigns/insertion-orders/{campaign_world['io'].pk}/"),
    ]:
        assert "Spoof" not in response.content.decode() and "Their" not in response.content.decode()


def test_history_pages_cost_the_same_queries_however_many_entries(
    client_a, org_a, campaign_world, django_assert_max_num_queries
):
    campaign, audience = campaign_world["campaign"], campaign_world["audience"]
    urls = [f"/campaigns/{campaign.pk}/history/", f"/audiences/{audience.pk}/history/"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(8) as few:
            assert client_a.get(url, **HTMX).status_code == 200
        counts[url] = len(few.captured_queries)
    for minute in range(45):
        added(org_a, audience, campaign, at=at(10 + minute))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert len(sentences(client_a.get(url, {"history_page": "2"}, **HTMX))) == PAGE_SIZE
