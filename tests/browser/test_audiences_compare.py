"""Compare audiences in a real Chromium: tick 2, then 3, audiences, press Compare, read the Venn diagram and
its table, at 1440 px and on a 390 px touch screen, with nothing wider than the window."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.advertiser import Held, close, pop_up_fits, press, tick
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory

SIZES = [(1440, 900, False), (390, 844, True)]
SIZE_IDS = ["1440", "390-touch"]
COMPARE = re.compile(r"/audiences/compare/\?")
MOVERS = (
    "Movers – Franklin County registrants who changed address since the 2024 general election and asked for "
    "a mail ballot, every precinct of the county, renters and owners alike"
)


def loaded(organization, name: str, keys) -> None:
    audience = AudienceFactory(organization=organization, name=name)
    load_members(audience, keys)


@pytest.fixture
def audiences(org_a):
    loaded(org_a, "Likely Dem voters", range(1, 9_001))
    loaded(org_a, "Already voted", range(8_001, 10_001))
    loaded(org_a, MOVERS, range(9_501, 11_001))
    loaded(org_a, "Early voters", range(1, 51))


def counts_inside_the_diagram(diagram) -> None:
    """Each region's number is drawn inside the diagram, none cut off at its edges."""
    box = diagram.bounding_box()
    for text in diagram.locator("text").all():
        inner = text.bounding_box()
        assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"], text
        assert box["y"] <= inner["y"] and inner["y"] + inner["height"] <= box["y"] + box["height"], text


@pytest.mark.parametrize(("width", "height", "touch"), SIZES, ids=SIZE_IDS)
def test_compare_two_then_three_audiences(signed_in_at, audiences, screenshot, width, height, touch):
    page = signed_in_at(width, height, touch)
    page.goto("/audiences/?sort=name")
    compare = page.get_by_role("button", name="Compare", exact=True)
    expect(compare).to_be_disabled()
    tick(page, "Likely Dem voters")
    expect(compare).to_be_disabled()  # one audience is no comparison
    tick(page, "Already voted")
    expect(compare).to_be_enabled()

    held = Held(page, COMPARE, method="GET")
    press(compare)
    expect(compare).to_be_disabled()  # while its request runs: a second press sends nothing
    held.release()
    dialog = page.get_by_role("dialog", name="Compare audiences")
    pop_up_fits(
        page, screenshot, "compare-2-audiences", dialog, dialog.get_by_role("button", name="Close").last
    )
    assert held.count == 1
    diagram = dialog.get_by_role("img", name=re.compile("^Venn diagram"))
    expect(diagram.locator("circle")).to_have_count(2)
    # Sorted by name, the ticked rows are A Already voted (8 001–10 000) and B Likely Dem voters (1–9 000).
    for region, voters in {"A": "1,000", "B": "8,000", "AB": "1,000"}.items():
        expect(diagram.locator(f'text[data-region="{region}"]')).to_have_text(voters)
    counts_inside_the_diagram(diagram)
    expect(dialog.get_by_role("row", name=re.compile("^Only in B"))).to_contain_text("8,000")
    expect(dialog.get_by_role("row", name=re.compile("^In both A and B"))).to_contain_text("1,000")
    expect(dialog.get_by_role("row", name=re.compile(r"^In A or B \(union\)"))).to_contain_text("10,000")
    named = dialog.get_by_role("list", name="Audiences compared").get_by_role("listitem")
    expect(named).to_have_text(
        [re.compile("A: Already voted 2,000 voters"), re.compile("B: Likely Dem voters 9,000")]
    )
    close(page, dialog)
    expect(compare).to_be_enabled()

    tick(page, MOVERS)
    press(compare)
    dialog = page.get_by_role("dialog", name="Compare audiences")
    pop_up_fits(
        page, screenshot, "compare-3-audiences", dialog, dialog.get_by_role("button", name="Close").last
    )
    diagram = dialog.get_by_role("img", name=re.compile("^Venn diagram"))
    expect(diagram.locator("circle")).to_have_count(3)
    # C is the movers (9 501–11 000), whose long name is cut to the pop-up's width.
    expect(dialog.get_by_role("list", name="Audiences compared")).to_contain_text(MOVERS)
    expected = {
        "A": "500", "B": "8,000", "C": "1,000", "AB": "1,000", "AC": "500", "BC": "0", "ABC": "0",
    }  # fmt: skip
    for region, voters in expected.items():
        expect(diagram.locator(f'text[data-region="{region}"]')).to_have_text(voters)
    counts_inside_the_diagram(diagram)
    expect(dialog.get_by_role("row", name=re.compile("^A and C, not B"))).to_contain_text("500")
    expect(dialog.get_by_role("row", name=re.compile("^In all three"))).to_contain_text("0")
    expect(dialog.get_by_role("row", name=re.compile(r"^In A, B or C \(union\)"))).to_contain_text("11,000")
    close(page, dialog)

    tick(page, "Early voters")
    expect(compare).to_be_disabled()  # four is one too many


def test_back_after_compare_shows_the_table_as_it_was_before(signed_in_at, audiences):
    page = signed_in_at(1440, 900)
    page.goto("/audiences/")
    page.get_by_role("link", name="Audience Name").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    tick(page, "Likely Dem voters", MOVERS)
    press(page.get_by_role("button", name="Compare", exact=True))
    dialog = page.get_by_role("dialog", name="Compare audiences")
    expect(dialog.get_by_role("img", name=re.compile("^Venn diagram")).locator("circle")).to_have_count(2)

    # A pop-up is no page of its own: Back goes where the table was before, with no pop-up over it.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=name"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("columnheader", name=re.compile("Audience Name"))).not_to_have_attribute(
        "aria-sort", "ascending"
    )
    page.go_forward()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.get_by_role("columnheader", name=re.compile("Audience Name"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_compare_opened_from_a_link_closes_back_to_the_table(signed_in_at, audiences, org_a):
    from audiences.models import Audience

    page = signed_in_at(390, 844, True)
    page.goto("/audiences/")
    ids = Audience.objects.filter(name__in=["Likely Dem voters", "Already voted"]).values_list(
        "pk", flat=True
    )
    page.goto("/audiences/compare/?" + "&".join(f"audience={pk}" for pk in ids))
    dialog = page.get_by_role("dialog", name="Compare audiences")
    expect(dialog.get_by_role("img", name=re.compile("^Venn diagram")).locator("circle")).to_have_count(2)
    close(page, dialog)
    expect(page).to_have_url(re.compile(r"/audiences/$"))
    expect(page.get_by_role("heading", name="Segmented Audience")).to_be_visible()
