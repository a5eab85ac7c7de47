"""The portal's shared face in a real browser: the homepage launching the apps, My Profile, the 404 page,
the top bar and pop-ups on a phone (390 px, touch) and on desktops (1366 and 1440 px), and the focus
returning to what opened a pop-up."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.layout import assert_fits_the_window, assert_no_horizontal_overflow, assert_tappable
from tests.factories import (
    PASSWORD,
    AudienceFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

PHONE = (390, 844, True)
WINDOWS = [PHONE, (1366, 768, False), (1440, 900, False)]
WINDOW_IDS = ["390-touch", "1366", "1440"]
LONG_NAME = "Committee to Re-elect the Honourable Alexandra Montgomery-Richardson"


@pytest.fixture
def person(org_a):
    """A member with a long name in two organizations (one of them with a long name): the top bar's worst case."""
    user = UserFactory(first_name="Maximiliana", last_name="Featherstonehaugh-Abernathy")
    MembershipFactory(user=user, organization=org_a, role=Role.ADMIN)
    MembershipFactory(
        user=user, organization=OrganizationFactory(account_id=424242, name=LONG_NAME), role=Role.VIEWER
    )
    return user


def sign_in_at(page, user) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def test_the_homepage_launches_both_apps(page, sign_in, member_a, org_a):
    sign_in(page, member_a)
    main = page.get_by_role("main")
    expect(main).to_contain_text("You are working in Alpha for Ohio")

    main.get_by_role("link", name=re.compile("^Audiences")).click()
    expect(page).to_have_url(re.compile(r"/audiences/$"))
    expect(page.get_by_role("heading", name="Segmented Audience")).to_be_visible()

    page.get_by_role("link", name="IQM home").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    main.get_by_role("link", name=re.compile("^Campaigns")).click()
    expect(page).to_have_url(re.compile(r"/campaigns/$"))
    expect(page.get_by_role("heading", name="Insertion orders")).to_be_visible()


def test_my_profile_is_reached_from_the_user_menu_and_from_the_homepage(page, sign_in, person, org_b):
    sign_in(page, person)
    page.get_by_role("main").get_by_role("link", name="My Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_role("heading", name="My Profile", exact=True)).to_be_visible()
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Maximiliana Featherstonehaugh-Abernathy")
    expect(details).to_contain_text(person.username)
    expect(details).to_contain_text(person.email)
    organizations = page.get_by_role("region", name="Organizations")
    expect(organizations.get_by_role("row", name=re.compile("Alpha for Ohio"))).to_contain_text("Admin")
    expect(organizations.get_by_role("row", name=re.compile("Re-elect"))).to_contain_text("Viewer")
    expect(organizations).not_to_contain_text("Bravo PAC")  # not a member of it

    page.goto("/campaigns/")
    page.get_by_text(person.get_full_name()).click()
    page.get_by_role("link", name="My Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))

    # The Organizations page's old address shows the same page.
    page.goto("/profile/organizations/")
    expect(page.get_by_role("region", name="Organizations")).to_contain_text("424242")


def test_an_address_that_leads_nowhere_shows_the_portals_404_page(page, sign_in, member_a, screenshot):
    sign_in(page, member_a)
    response = page.goto("/campaigns/999999999/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Apps")).to_be_visible()  # the portal's own top bar
    screenshot(page, "404-page-1400")
    page.get_by_role("link", name="Go to the homepage").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def test_the_favicon_is_linked_and_answers_at_favicon_ico(page, live_server):
    page.goto("/login/")
    icon = page.locator('link[rel="icon"]')
    assert page.request.get(icon.get_attribute("href")).headers["content-type"].startswith("image/svg+xml")
    answer = page.request.get("/favicon.ico")  # follows the redirect to the icon WhiteNoise serves
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.url.endswith(".svg")


def top_bar_controls(page):
    bar = page.get_by_role("banner")
    return [
        bar.get_by_role("link", name="IQM home"),
        bar.get_by_role("link", name="Audiences"),
        bar.get_by_role("link", name="Campaigns"),
        bar.get_by_role("button", name=re.compile("^Notices")),
        bar.locator("details.user-menu > summary"),
    ]


@pytest.mark.parametrize(("width", "height", "touch"), WINDOWS, ids=WINDOW_IDS)
def test_the_shared_pages_fit_the_window_and_the_top_bar_works(
    page_at, person, screenshot, width, height, touch
):
    page = page_at(width, height, touch=touch)
    page.goto("/login/")
    assert_no_horizontal_overflow(page)
    screenshot(page, f"sign-in-{width}")
    sign_in_at(page, person)

    for url, name in [("/", "home"), ("/profile/", "my-profile"), ("/campaigns/no-such-page/", "404")]:
        page.goto(url)
        assert_no_horizontal_overflow(page)
        for control in top_bar_controls(page):
            assert_tappable(control)
        screenshot(page, f"{name}-{width}", full_page=True)

    # The user menu opens with a tap (a click without touch), and everything in it is in reach.
    menu = page.locator("details.user-menu")
    summary = menu.locator("summary")
    summary.tap() if touch else summary.click()
    expect(menu).to_have_attribute("open", "")
    for name in ["My Profile", "API documentation"]:
        assert_tappable(menu.get_by_role("link", name=name))
    assert_tappable(menu.get_by_role("button", name="Sign out"))
    assert_no_horizontal_overflow(page)
    screenshot(page, f"user-menu-{width}")

    # The organization switcher: a select in the bar on a desktop, inside the user menu on a phone.
    if width < 640:
        expect(page.get_by_label("Organization")).to_be_hidden()
        switch = menu.get_by_role("button", name=re.compile("Switch to Committee"))
        assert_tappable(switch)
        switch.tap()
    else:
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
        select = page.get_by_label("Organization")
        assert_tappable(select)
        select.select_option(label=f"{LONG_NAME} · 424242")
    expect(page.locator(".messages")).to_contain_text(f"You are now working in {LONG_NAME}")
    assert_no_horizontal_overflow(page)


@pytest.mark.parametrize(("width", "height", "touch"), WINDOWS, ids=WINDOW_IDS)
def test_pop_ups_fit_the_window_and_their_errors_are_summed_up(
    page_at, member_a, org_a, screenshot, width, height, touch
):
    AudienceFactory(organization=org_a, name="Franklin County early voters, November general election")
    page = page_at(width, height, touch=touch)
    sign_in_at(page, member_a)

    page.goto("/audiences/")
    page.get_by_role("link", name=re.compile("Franklin County early voters")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert_fits_the_window(dialog)
    assert_no_horizontal_overflow(page)
    screenshot(page, f"audience-details-{width}")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    page.goto("/campaigns/")
    page.get_by_role("link", name="+ Create Insertion Order").click()
    dialog = page.get_by_role("dialog", name="Create Insertion Order")
    expect(dialog.get_by_label("Name")).to_be_focused()
    assert_fits_the_window(dialog)
    dialog.get_by_role("button", name="Create").click()

    # Refused: one summary, read out once, linking each problem to its field.
    summary = dialog.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("^Insertion order name: "))).to_be_visible()
    assert_fits_the_window(dialog)
    screenshot(page, f"io-dialog-errors-{width}")
    summary.get_by_role("link", name=re.compile("^Start date: ")).click()
    expect(dialog.get_by_label("Start date")).to_be_focused()


def test_focus_returns_to_what_opened_a_pop_up(page, sign_in, member_a, org_a):
    AudienceFactory(organization=org_a, name="Delaware County voters")
    sign_in(page, member_a)

    # Opened by htmx from the Campaigns app, closed with Escape, then with its Cancel button.
    page.goto("/campaigns/")
    opener = page.get_by_role("link", name="+ Create Insertion Order")
    opener.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()
    opener.click()
    page.get_by_role("dialog").get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()

    # A pop-up leading to another (details, then edit) returns to the first opener; after the save the
    # table is drawn again, and the focus goes to the same link in the new table.
    page.goto("/audiences/")
    page.get_by_role("link", name="Delaware County voters").click()
    page.get_by_role("dialog").get_by_role("button", name="Edit Audience").click()
    dialog = page.get_by_role("dialog", name="Edit Segmented Audience")
    dialog.get_by_label("Name").fill("Delaware County early voters")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("link", name="Delaware County early voters")).to_be_focused()


def test_a_refused_sign_in_sums_up_its_errors_and_links_each_to_its_field(page):
    page.goto("/login/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="Password: This field is required.").click()
    expect(page.get_by_label("Password")).to_be_focused()
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
