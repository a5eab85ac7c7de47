"""History where people read it, in a real browser at 1440 px and on a 390 px touch screen: Audience
Details › History and the campaign page's History, filtered by kind and paged, long names wrapping inside
the window; the campaign page's history comes back as it was with Back and a reload."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from history.models import HistoryAction
from history.pages import PAGE_SIZE
from tests.browser.advertiser import LONG_NAME, in_reach, page_fits, pop_up_fits, press
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory
from tests.history.helpers import L2_JDOE, PORTAL, added, record

SIZES = [(1440, 900, False), (390, 844, True)]
SIZE_IDS = ["1440", "390-touch"]


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)


@pytest.fixture
def world(org_a):
    """An audience on a campaign whose name is 200 characters long, and their history: two pushes from L2,
    a rename, the audience put on and off the campaign's lists 24 times, settings changed, reach counted."""
    io = InsertionOrderFactory(organization=org_a, name="Fall IO")
    campaign = CampaignFactory(insertion_order=io, name=LONG_NAME)
    audience = AudienceFactory(organization=org_a, name="Likely Dems")
    for version, minute in [(1, 0), (2, 1)]:
        record(
            org_a,
            HistoryAction.VERSION_SWITCHED,
            actor=L2_JDOE,
            audience=audience,
            details={"voter_count": 1000 * version, "version": version},
            at=at(minute),
        )
    record(
        org_a,
        HistoryAction.AUDIENCE_CHANGED,
        audience=audience,
        changes={"name": ["Dems", "Likely Dems"]},
        at=at(2),
    )
    for n in range(24):
        action = HistoryAction.AUDIENCE_REMOVED if n % 2 else HistoryAction.AUDIENCE_ADDED
        record(
            org_a, action, audience=audience, campaign=campaign, details={"list": "Allowlist"}, at=at(10 + n)
        )
    record(
        org_a,
        HistoryAction.CAMPAIGN_CHANGED,
        campaign=campaign,
        changes={"status": ["Draft", "Running"], "total_budget": ["$1,000.00", "$2,500.00"]},
        at=at(40),
    )
    record(
        org_a,
        HistoryAction.REACH_RECOMPUTED,
        actor=PORTAL,
        campaign=campaign,
        details={"before": 0, "after": 1900},
        at=at(41),
    )
    added(org_a, AudienceFactory(organization=org_a, name="Already voted"), campaign, at=at(42))
    return {"io": io, "campaign": campaign, "audience": audience}


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_audience_details_history_tab_filters_and_pages(
    signed_in_at, world, screenshot, width, height, touch
):
    page = signed_in_at(width, height, touch)
    page.goto("/audiences/")
    press(page.get_by_role("link", name="Likely Dems", exact=True))
    details = page.get_by_role("dialog", name="Audience Details")
    expect(details.get_by_role("tab", name="Version history")).to_have_attribute("aria-selected", "true")
    history_tab = details.get_by_role("tab", name="History", exact=True)
    press(history_tab)
    expect(history_tab).to_have_attribute("aria-selected", "true")
    expect(details.get_by_role("tabpanel", name="Version history")).to_be_hidden()
    panel = details.get_by_role("tabpanel", name="History", exact=True)
    entries = panel.locator(".history-entry")
    expect(entries).to_have_count(PAGE_SIZE)
    # Newest first: the last of the 24 list changes, with its 200-character campaign name wrapping.
    expect(entries.first).to_contain_text(
        f"Maria Lopez removed Likely Dems from the Allowlist of {LONG_NAME}"
    )
    expect(entries.first.locator("em").last).to_have_text(LONG_NAME)
    expect(entries.first.locator("time")).to_have_text("Nov 2, 2026, 09:33")
    kind = panel.get_by_label("Show")
    pop_up_fits(page, screenshot, "audience-history", details, kind, history_tab)

    kind.select_option(label="Data from L2")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text(
        "L2 user jdoe (C-778) put 2,000 voters in force in Likely Dems, version 2"
    )
    expect(entries.first).to_contain_text("L2 customer")
    kind.select_option(label="Settings")
    expect(entries).to_have_count(1)
    expect(entries.first).to_have_text(re.compile(r"Maria Lopez renamed “?Dems”? to “?Likely Dems”?"))

    kind.select_option(label="All changes")
    expect(entries).to_have_count(PAGE_SIZE)
    older = panel.get_by_role("link", name="Older ›")
    in_reach(older)
    press(older)
    expect(panel.get_by_text("Page 2 of 2")).to_be_visible()
    expect(entries).to_have_count(27 - PAGE_SIZE)
    expect(entries.last).to_contain_text("version 1")
    expect(panel.locator("[data-history-entries]")).to_be_focused()  # the page link went; its entries came
    pop_up_fits(
        page, screenshot, "audience-history-page-2", details, panel.get_by_role("link", name="‹ Newer")
    )

    # The tabs answer the arrow keys, as tabs do.
    details.get_by_role("tab", name="Version history").focus()
    page.keyboard.press("ArrowRight")
    expect(history_tab).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(details.get_by_role("tabpanel", name="Version history")).to_be_visible()
    expect(details.locator("#audience-panel-history")).to_be_hidden()


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_the_campaign_pages_history_filters_pages_and_comes_back(
    signed_in_at, world, screenshot, width, height, touch
):
    page = signed_in_at(width, height, touch)
    campaign = world["campaign"]
    page.goto(f"/campaigns/{campaign.pk}/")
    history = page.get_by_role("region", name="History")
    entries = history.locator(".history-entry")
    expect(entries).to_have_count(PAGE_SIZE)
    expect(entries.first).to_contain_text(f"Maria Lopez added Already voted to the Allowlist of {LONG_NAME}")
    changed = entries.nth(2)
    expect(changed).to_contain_text(f"Maria Lopez changed {LONG_NAME}")
    expect(changed.locator(".history-changes li")).to_have_text(
        ["Status: Draft → Running", "Total budget: $1,000.00 → $2,500.00"]
    )
    kind = history.get_by_label("Show")
    page_fits(page, screenshot, "campaign-history", kind)

    kind.select_option(label="Reach")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(f"Reach of {LONG_NAME} recomputed: 0 → 1,900 voters")
    expect(entries.first).to_contain_text("System")
    expect(page).to_have_url(re.compile(r"\?history_kind=reach$"))

    kind.select_option(label="Targeting")
    expect(page).to_have_url(re.compile(r"\?history_kind=targeting$"))
    expect(entries).to_have_count(PAGE_SIZE)
    older = history.get_by_role("link", name="Older ›")
    in_reach(older)
    press(older)
    expect(page).to_have_url(re.compile(r"\?history_kind=targeting&history_page=2$"))
    expect(entries).to_have_count(25 - PAGE_SIZE)
    expect(entries.last).to_contain_text("Maria Lopez added Likely Dems to the Allowlist")
    page_fits(page, screenshot, "campaign-history-page-2", history.get_by_role("link", name="‹ Newer"))

    # Away to the insertion order and Back: the history shows what it showed; so does a reload.
    press(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Fall IO"))
    expect(page.get_by_role("heading", name=re.compile("Fall IO"))).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?history_kind=targeting&history_page=2$"))
    expect(kind).to_have_value("targeting")
    expect(entries).to_have_count(25 - PAGE_SIZE)
    page.reload()
    expect(history.get_by_text("Page 2 of 2")).to_be_visible()
    expect(entries).to_have_count(25 - PAGE_SIZE)
    # The campaign's form still works after the history moved: its Save button is there, enabled.
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
