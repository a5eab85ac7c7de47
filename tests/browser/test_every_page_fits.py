"""Every advertiser page and pop-up at 1366 px, 1440 px and 390 px (a phone, by touch): nothing wider than
the window, pop-ups inside it, the main controls in reach; then what the Audiences table and a campaign's
Audience section must get right at those sizes. Selectors are roles and words, not table markup, so the
tests hold however the tables are drawn."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.browser.advertiser import (
    DESKTOP_IDS,
    DESKTOPS,
    FAILED_NAME,
    LONG_NAME,
    PROCESSING_NAME,
    REASON,
    SIZE_IDS,
    SIZES,
    advertiser_world,
    close,
    copies,
    in_reach,
    inside_the_window,
    page_fits,
    pop_up_fits,
    press,
    tick,
    top_bar,
)
from tests.browser.layout import assert_fits_the_window, assert_no_horizontal_overflow, assert_tappable
from tests.factories import AudienceFactory, CampaignFactory


@pytest.fixture
def world(org_a, eager_tasks):
    return advertiser_world(org_a)


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_the_audiences_pages_and_pop_ups_fit(signed_in_at, world, screenshot, width, height, touch):
    page = signed_in_at(width, height, touch)
    page_fits(
        page, screenshot, "home", page.get_by_role("main").get_by_role("link", name=re.compile("^Audiences"))
    )
    page.goto("/profile/")
    expect(page.get_by_role("heading", name="My Profile", exact=True)).to_be_visible()
    page_fits(page, screenshot, "profile", page.get_by_role("banner").locator("summary"))

    page.goto("/audiences/")
    expect(page.get_by_role("heading", name="Segmented Audience")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Failed"))).to_be_attached()
    expect(page.get_by_role("progressbar", name=f"Loading {PROCESSING_NAME}")).to_have_attribute(
        "value", "40"
    )
    page_fits(page, screenshot, "audiences", page.get_by_role("searchbox", name=re.compile("by name or ID$")))

    press(page.get_by_role("link", name="Likely Dem voters", exact=True))
    details = page.get_by_role("dialog", name="Audience Details")
    pop_up_fits(
        page, screenshot, "audience-details", details, details.get_by_role("button", name="Edit Audience")
    )
    press(details.get_by_role("button", name="Edit Audience"))
    edit = page.get_by_role("dialog", name="Edit Segmented Audience")
    pop_up_fits(page, screenshot, "edit-audience", edit, edit.get_by_role("button", name="Save"))
    close(page, edit)

    tick(page, LONG_NAME, "Likely Dem voters")
    press(page.get_by_role("button", name="Add To Campaign"))
    add = page.get_by_role("dialog", name="Add To Campaign")
    pop_up_fits(page, screenshot, "add-to-campaign", add, add.get_by_role("button", name="Update"))
    close(page, add)
    press(page.get_by_role("button", name="Create Campaign"))
    create = page.get_by_role("dialog", name="Create Campaign")
    pop_up_fits(page, screenshot, "create-campaign", create, create.get_by_role("button", name="Create"))
    close(page, create)
    press(page.get_by_role("button", name="Delete", exact=True))
    delete = page.get_by_role("dialog", name="Delete audiences")
    pop_up_fits(
        page, screenshot, "bulk-delete", delete, delete.get_by_role("button", name="Delete 1 audience")
    )
    close(page, delete)

    assert page.goto("/audiences/no-such-page/").status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page_fits(page, screenshot, "404", page.get_by_role("link", name="Go to the homepage"))


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_the_campaigns_pages_and_pop_ups_fit(signed_in_at, world, screenshot, width, height, touch):
    page = signed_in_at(width, height, touch)
    page.goto("/campaigns/")
    create_io = page.get_by_role("link", name="+ Create Insertion Order")
    page_fits(page, screenshot, "insertion-orders", create_io)
    press(create_io)
    dialog = page.get_by_role("dialog", name="Create Insertion Order")
    pop_up_fits(
        page, screenshot, "create-insertion-order", dialog, dialog.get_by_role("button", name="Create")
    )
    close(page, dialog)

    press(page.get_by_role("link", name="2026 General – Ohio", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 General – Ohio")
    page_fits(page, screenshot, "insertion-order", page.get_by_role("link", name="+ Create Campaign"))

    press(page.get_by_role("link", name="GOTV Display – Franklin", exact=True))
    open_select_audiences(page)
    picker = page.get_by_role("tabpanel")
    expect(picker.get_by_role("checkbox", name=re.compile("Likely Dem voters"))).to_be_checked()
    page_fits(page, screenshot, "campaign", page.get_by_role("button", name="Save"))
    in_reach(page.get_by_role("tab", name=re.compile("Blocklist")), page.get_by_role("searchbox"))

    page.goto(f"/campaigns/{world['pg'].pk}/")
    expect(page.get_by_text("PG campaigns take no audience targeting")).to_be_visible()
    page_fits(page, screenshot, "pg-campaign", page.get_by_role("button", name="Save"))


def open_select_audiences(page) -> None:
    """The Audience section, its Segmented category, and Select Audiences open on the Allowlist tab."""
    page.get_by_text(re.compile(r"^Audience · \d+ allowlisted")).click()
    press(page.get_by_role("button", name=re.compile("^Segmented")))
    press(page.get_by_text("Select Audiences", exact=True))
    expect(page.get_by_role("tab", name=re.compile("Allowlist"))).to_have_attribute("aria-selected", "true")


# --- The Audiences table -------------------------------------------------------------------------------------

# The frame a table scrolls in (its nearest ancestor that scrolls sideways), how wide it is inside and out, and
# the column headers that end past its right edge.
TABLE_FRAME = """(table) => {
  let frame = table.parentElement;
  while (frame && !["auto", "scroll"].includes(getComputedStyle(frame).overflowX)) frame = frame.parentElement;
  frame = frame || table;
  const right = frame.getBoundingClientRect().right;
  const cut = Array.from(table.querySelectorAll("th"))
    .filter((th) => th.getBoundingClientRect().right > right + 0.5)
    .map((th) => th.textContent.trim());
  return {scrollWidth: frame.scrollWidth, clientWidth: frame.clientWidth, cut};
}"""


@pytest.mark.parametrize(("width", "height", "touch"), DESKTOPS, ids=DESKTOP_IDS)
def test_every_column_is_in_view_on_a_desktop_however_long_the_name(
    signed_in_at, world, width, height, touch
):
    page = signed_in_at(width, height)
    page.goto("/audiences/")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Audience Name")).to_be_visible()
    frame = table.evaluate(TABLE_FRAME)
    assert frame["scrollWidth"] <= frame["clientWidth"] and frame["cut"] == [], frame
    for actions in page.get_by_role("button", name=re.compile("^Actions for")).all():
        in_reach(actions)
    # The long name is cut short in the cell, and whole in its title (and in Audience Details).
    name = table.get_by_title(LONG_NAME, exact=True)
    expect(name).to_be_visible()
    assert name.evaluate("(e) => e.scrollWidth > e.clientWidth"), (
        "the name is shown whole, widening the column"
    )


@pytest.mark.parametrize(("width", "height", "touch"), [SIZES[1], SIZES[2]], ids=["1440-hover", "390-tap"])
def test_a_failed_chip_tells_why_on_hover_and_on_tap(signed_in_at, world, screenshot, width, height, touch):
    page = signed_in_at(width, height, touch)
    page.goto("/audiences/")
    row = page.get_by_role("row", name=re.compile(FAILED_NAME))
    chip = row.get_by_role("button", name=re.compile("^Failed"))
    tip = page.get_by_role("tooltip")
    expect(chip).to_be_visible()
    expect(tip).to_have_count(0)
    assert REASON not in row.inner_text(), "the reason is spelled out in the Status cell"

    chip.tap() if touch else chip.hover()
    expect(tip).to_have_text(REASON)
    assert_fits_the_window(tip)
    screenshot(page, f"failed-reason-{width}")
    if touch:
        page.get_by_role("heading", name="Segmented Audience").tap()  # a tap elsewhere puts it away
    else:
        page.mouse.move(0, 0)
    expect(tip).to_have_count(0)

    press(row.get_by_role("link", name=FAILED_NAME))
    details = page.get_by_role("dialog", name="Audience Details")
    expect(details.get_by_role("note")).to_contain_text(REASON)


def test_on_a_phone_the_audiences_page_works_by_touch(signed_in_at, world, screenshot):
    page = signed_in_at(390, 844, touch=True)
    page.goto("/audiences/")
    for control in top_bar(page):
        assert_tappable(control)
    # The audience types: one line, scrolled sideways inside itself.
    types = page.get_by_role("navigation", name="Audience types")
    tops = {round(link.bounding_box()["y"]) for link in types.get_by_role("link").all()}
    assert len(tops) == 1, f"the types take {len(tops)} lines"
    assert types.get_by_role("list").evaluate(
        "(e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'"
    )
    box = types.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

    def row_menu(name: str):
        button = page.get_by_role("button", name=f"Actions for {name}")
        # Within the window's width as the page shows it: the table need not be scrolled sideways to find it.
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"the ⋯ of {name} is off the screen: {box}"
        in_reach(button)
        button.tap()
        menu = page.get_by_role("menu", name=f"Actions for {name}")
        expect(menu).to_be_visible()
        assert_fits_the_window(menu)
        return menu

    menu = row_menu("Likely Dem voters")
    for item in menu.get_by_role("menuitem").all():
        assert_tappable(item)
    screenshot(page, "row-menu-390")
    menu.get_by_role("menuitem", name="Duplicate").tap()
    expect(page.get_by_text("Duplicated as “Likely Dem voters (copy)”")).to_be_visible()
    expect(page.get_by_role("link", name="Likely Dem voters (copy)")).to_be_visible()  # the table drawn again
    assert copies("Likely Dem voters") == 1

    row_menu("Already voted").get_by_role("menuitem", name="Edit").tap()
    edit = page.get_by_role("dialog", name="Edit Segmented Audience")
    pop_up_fits(page, screenshot, "edit-audience-by-touch", edit, edit.get_by_role("button", name="Save"))
    edit.get_by_role("button", name="Cancel").tap()
    expect(edit).to_have_count(0)

    row_menu("Already voted").get_by_role("menuitem", name="Audience Details").tap()
    details = page.get_by_role("dialog", name="Audience Details")
    expect(details).to_contain_text("Already voted")
    pop_up_fits(
        page,
        screenshot,
        "audience-details-by-touch",
        details,
        details.get_by_role("button", name="Close").last,
    )
    details.get_by_role("button", name="Close").last.tap()
    expect(details).to_have_count(0)
    assert_no_horizontal_overflow(page)


# --- A campaign's Audience section ---------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_the_audience_section_keeps_the_picker_and_its_messages_in_view(
    signed_in_at, org_a, eager_tasks, screenshot, width, height, touch
):
    full = CampaignFactory(insertion_order__organization=org_a, name="Full campaign")
    lists = [AudienceFactory(organization=org_a, name=f"List {n:02d}") for n in range(1, 22)]
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[full.pk],
        allowlist=[a.pk for a in lists[:19]],
        blocklist=[lists[19].pk],
    )
    page = signed_in_at(width, height, touch)
    page.goto(f"/campaigns/{full.pk}/")
    save_bar = page.locator(".save-bar")
    page.get_by_text(re.compile(r"^Audience · \d+ allowlisted")).click()
    press(page.get_by_role("button", name=re.compile("^Segmented")))
    select = page.get_by_text("Select Audiences", exact=True)
    expect(select).to_be_visible()
    inside_the_window(select, above=save_bar)
    press(select)
    search = page.get_by_role("searchbox", name="Search audiences by name or ID")
    expect(page.get_by_role("tabpanel").get_by_role("checkbox")).to_have_count(21)
    # The whole panel, its tabs to its last option, is in view and clear of the Save bar.
    inside_the_window(page.get_by_role("tablist", name="Audience lists"))
    inside_the_window(page.get_by_role("tabpanel"), above=save_bar)
    in_reach(search)

    search.fill("List 21")
    expect(page.get_by_role("tabpanel").get_by_role("checkbox")).to_have_count(1)
    press(page.get_by_role("checkbox", name=re.compile("List 21")))
    refusal = page.get_by_role("status").filter(has_text="at most 20 audiences")
    expect(refusal).to_have_text("A campaign takes at most 20 audiences: remove one before adding “List 21”.")
    inside_the_window(refusal, above=save_bar)
    screenshot(page, f"campaign-refusal-{width}")

    press(page.get_by_role("button", name="Remove List 20 from the Blocklist"))
    press(page.get_by_role("checkbox", name=re.compile("List 21")))
    expect(page.get_by_role("checkbox", name=re.compile("List 21"))).to_be_checked()
    press(page.get_by_role("button", name="Save"))
    expect(page).to_have_url(re.compile(r"\?saved=audiences"))
    saved = page.get_by_role("status").filter(has_text="Saved “Full campaign”.")
    expect(saved).to_be_visible()
    inside_the_window(saved, above=save_bar)  # said where the page opens, on the Audience section
    section = page.locator("details", has=page.get_by_text(re.compile(r"^Audience · 20 allowlisted")))
    expect(section).to_have_attribute("open", "")
    allowlist = page.get_by_role("list", name="Allowlist")
    expect(allowlist.get_by_text("List 21")).to_be_visible()
    expect(page.get_by_role("list", name="Blocklist")).not_to_contain_text("List 20")
    screenshot(page, f"campaign-saved-{width}")
