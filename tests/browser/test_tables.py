"""The portal's tables (iqm_portal.tables) in a real Chromium: sorting, search and filters kept in the URL,
Back and Forward, the column chooser, live rows, and a table that fits a phone and a desktop."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import CampaignFactory, InsertionOrderFactory, MembershipFactory

LONG_NAME = "2026 General Election – Ohio statewide persuasion and get-out-the-vote, wave three (final)"
# Whatever sticks out past the right edge of the window, for the failure message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const right = element.getBoundingClientRect().right;
    if (right > width + 0.5 && !element.closest(".table-wrap")) wide.push(`${element.tagName.toLowerCase()}.${element.className} ends at ${right}px`);
  }
  return wide.slice(0, 8);
}"""


def at(tab, path: str, **query):
    """Wait until the page's URL is ``path`` with exactly this query (in any order)."""

    def matches(url: str) -> bool:
        parts = urlsplit(url)
        return parts.path == path and parse_qs(parts.query) == {k: [v] for k, v in query.items()}

    tab.wait_for_url(matches)


def names(page, table="#io-table"):
    return page.locator(f"{table} tbody td.name-cell").all_inner_texts()


def search_box(page):
    return page.get_by_role("searchbox", name="Search insertion orders by name or ID")


def test_sort_search_and_filter_in_place_then_back_and_forward_restore_table_and_toolbar(
    page, sign_in, screenshot, member_a, org_a
):
    InsertionOrderFactory(organization=org_a, name="Bravo general")
    InsertionOrderFactory(organization=org_a, name="Alpha runoff", status="expired")
    InsertionOrderFactory(organization=org_a, name="Alpha primary")
    sign_in(page, member_a)
    page.goto("/campaigns/")
    page.evaluate("window.__samePage = true")  # gone if anything below reloads the page
    status = page.get_by_role("search").get_by_label("Status")

    page.get_by_role("link", name="Name", exact=True).click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    at(page, "/campaigns/", sort="name")
    search_box(page).fill("alpha")
    at(page, "/campaigns/", q="alpha", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(2)
    status.select_option("active")
    at(page, "/campaigns/", q="alpha", status="active", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(1)
    assert names(page) == ["Alpha primary"]
    assert page.evaluate("window.__samePage") is True
    screenshot(page, "tables-sorted-searched-filtered")

    page.go_back()  # before the status filter
    at(page, "/campaigns/", q="alpha", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(2)
    assert names(page) == ["Alpha primary", "Alpha runoff"]
    expect(search_box(page)).to_have_value("alpha")
    expect(status).to_have_value("")

    page.go_back()  # before the search
    at(page, "/campaigns/", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(3)
    assert names(page) == ["Alpha primary", "Alpha runoff", "Bravo general"]
    expect(search_box(page)).to_have_value("")
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")

    page.go_forward()
    at(page, "/campaigns/", q="alpha", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(2)
    expect(search_box(page)).to_have_value("alpha")

    page.go_forward()
    at(page, "/campaigns/", q="alpha", status="active", sort="name")
    expect(page.locator("#io-table tbody tr")).to_have_count(1)
    expect(search_box(page)).to_have_value("alpha")
    expect(status).to_have_value("active")
    screenshot(page, "tables-forward-restored")

    # The same filters, still in the toolbar, now find nothing: the table says so and clears them.
    search_box(page).fill("zulu")
    expect(page.locator("#io-table .empty-state")).to_contain_text(
        "No insertion order matches these filters."
    )
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#io-table tbody tr")).to_have_count(3)
    expect(search_box(page)).to_have_value("")
    expect(status).to_have_value("")
    at(page, "/campaigns/", sort="name")


def test_page_size_and_pages_are_in_the_url(page, sign_in, member_a, org_a):
    for n in range(60):
        InsertionOrderFactory(organization=org_a, name=f"IO {n:02d}")
    sign_in(page, member_a)
    page.goto("/campaigns/?sort=name")
    expect(page.locator("#io-table tbody tr")).to_have_count(25)
    page.get_by_role("link", name="Next ›").click()
    at(page, "/campaigns/", sort="name", page="2")
    expect(page.locator("#io-table tbody tr").first).to_contain_text("IO 25")
    page.get_by_label("Rows per page").select_option("50")
    at(page, "/campaigns/", sort="name", page_size="50")  # a new page size starts at page 1
    expect(page.locator("#io-table tbody tr")).to_have_count(50)
    page.reload()
    expect(page.get_by_label("Rows per page")).to_have_value("50")
    expect(page.locator("#io-table tbody tr")).to_have_count(50)


def test_the_column_chooser_is_remembered_for_its_user_only(
    page, page_at, sign_in, screenshot, member_a, org_a
):
    InsertionOrderFactory(organization=org_a, name="Alpha primary")
    colleague = MembershipFactory(organization=org_a).user
    sign_in(page, member_a)
    page.goto("/campaigns/")
    header = page.locator("#io-table thead")
    expect(header).to_contain_text("Budget type")
    expect(header).not_to_contain_text("Created")

    page.get_by_text("Columns", exact=True).click()
    chooser = page.get_by_role("group", name="Columns shown")
    chooser.get_by_label("Budget type").uncheck()
    expect(header).not_to_contain_text("Budget type")
    chooser.get_by_label("Created").check()
    expect(header).to_contain_text("Created")
    screenshot(page, "tables-column-chooser")

    page.reload()
    expect(header).not_to_contain_text("Budget type")
    expect(header).to_contain_text("Created")
    page.get_by_text("Columns", exact=True).click()
    expect(page.get_by_role("group", name="Columns shown").get_by_label("Budget type")).not_to_be_checked()

    other = page_at(1400, 900)
    sign_in(other, colleague)
    other.goto("/campaigns/")
    expect(other.locator("#io-table thead")).to_contain_text("Budget type")
    expect(other.locator("#io-table thead")).not_to_contain_text("Created")


def test_rows_follow_the_data_without_a_reload(page, sign_in, settings, member_a, org_a):
    settings.TABLE_POLL_SECONDS = 1
    io = InsertionOrderFactory(organization=org_a, name="Alpha primary")
    sign_in(page, member_a)
    page.goto("/campaigns/")
    table = page.locator("#io-table")
    page.evaluate("document.getElementById('io-table').dataset.marker = 'first'")

    # Nothing changed: the check is answered 204 and the table stays the element it was.
    with page.expect_response(lambda r: "x-table-signature" in r.request.headers and r.status == 204):
        pass
    expect(table).to_have_attribute("data-marker", "first")

    CampaignFactory(insertion_order=io)
    InsertionOrderFactory(organization=org_a, name="Bravo general")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.get_by_role("row", name=re.compile("Alpha primary"))).to_contain_text("Active")
    assert page.locator("#io-table[data-marker]").count() == 0  # replaced by the new rows


@pytest.mark.urls("tests.portal.table_urls")
def test_ticked_rows_stay_ticked_when_the_table_refreshes(page, sign_in, member_a, org_a):
    InsertionOrderFactory(organization=org_a, name="Alpha primary")
    bravo = InsertionOrderFactory(organization=org_a, name="Bravo general")
    sign_in(page, member_a)
    page.goto("/test-pick/")
    page.get_by_label("Select Alpha primary").check()

    bravo.name = "Bravo renamed"
    bravo.save()
    expect(page.locator("#pick-table")).to_contain_text("Bravo renamed")
    expect(page.get_by_label("Select Alpha primary")).to_be_checked()
    expect(page.get_by_label("Select Bravo renamed")).not_to_be_checked()


@pytest.mark.parametrize(
    ("width", "height", "touch"), [(390, 844, True), (1366, 768, False), (1440, 900, False)]
)
def test_the_tables_fit_the_window(page_at, sign_in, screenshot, member_a, org_a, width, height, touch):
    io = InsertionOrderFactory(organization=org_a, name=LONG_NAME)
    for n in range(3):
        InsertionOrderFactory(organization=org_a, name=f"{LONG_NAME} – {n}")
        CampaignFactory(insertion_order=io, name=f"{LONG_NAME} – campaign {n}")
    page = page_at(width, height, touch=touch)
    sign_in(page, member_a)
    for url, table, shot in [
        ("/campaigns/", "#io-table", "insertion-orders"),
        (f"/campaigns/insertion-orders/{io.pk}/", "#campaign-table", "campaigns-of-an-io"),
    ]:
        page.goto(url)
        expect(page.locator(f"{table} tbody tr").first).to_be_visible()
        assert page.evaluate(OVERFLOW) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # A long name is cut with an ellipsis; its whole text is the cell's title.
        cell = page.locator(f"{table} tbody .name-cell .cell-text").first
        expect(cell).to_have_attribute("title", re.compile(re.escape(LONG_NAME)))
        assert cell.evaluate("element => element.scrollWidth > element.clientWidth")
        screenshot(page, f"tables-{shot}-{width}", full_page=True)
