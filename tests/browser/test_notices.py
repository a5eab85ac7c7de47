"""The bell in a real browser: a notice sent after the page loaded shows in the count without a reload, the
panel lists the latest ones, Mark read and Mark all read lower the count, and the Notices page pages older
ones; at 1440 px and on a phone (390 px, touch), with nothing wider than the window."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from notices.models import NoticeKind
from notices.services import notice_send
from tests.browser.advertiser import Held, press
from tests.browser.layout import assert_fits_the_window, assert_no_horizontal_overflow, assert_tappable
from tests.factories import MembershipFactory, OrganizationFactory

WINDOWS = [(1440, 900, False), (390, 844, True)]
WINDOW_IDS = ["1440", "390-touch"]
LONG_TITLE = (
    "Franklin County early and absentee voters who requested a ballot for the November general election is "
    "Ready"
)
LONG_BODY = (
    "1 254 301 voters and 870 112 households are ready to target. Add the audience to a campaign's Allowlist "
    "or Blocklist from the Audiences app; https://portal.example/audiences/?audience=123456789012345678 "
    "shows it."
)
OTHER_ORG = "Committee to Re-elect the Honourable Alexandra Montgomery-Richardson"


def bell_of(page):
    return page.get_by_role("banner").get_by_role("button", name=re.compile("^Notices"))


@pytest.fixture
def person(org_a):
    """An admin of Alpha, and a viewer of a second organization with a long name."""
    membership = MembershipFactory(organization=org_a, role=Role.ADMIN)
    other = OrganizationFactory(account_id=424242, name=OTHER_ORG)
    MembershipFactory(user=membership.user, organization=other, role=Role.VIEWER)
    return membership.user, other


@pytest.mark.parametrize(("width", "height", "touch"), WINDOWS, ids=WINDOW_IDS)
def test_the_bell_follows_new_notices_and_marks_them_read(
    page_at, sign_in, settings, screenshot, person, org_a, org_b, width, height, touch
):
    settings.TABLE_POLL_SECONDS = 1  # the live check, as often as the tables'
    user, other = person
    MembershipFactory(organization=org_b)  # someone else's organization, with its own notices
    page = page_at(width, height, touch=touch)
    sign_in(page, user)
    page.goto("/campaigns/")
    bell = bell_of(page)
    expect(bell).to_have_accessible_name("Notices")
    expect(page.locator(".bell-badge")).to_have_count(0)
    assert_tappable(bell)
    page.evaluate("document.body.dataset.loaded = 'once'")  # a reload would lose it

    # Sent after the page loaded: the bell's check picks them up, the page stays the page it was.
    notice_send(
        organization=org_a, kind=NoticeKind.PUSH_FAILED, title="A push of Delaware County movers failed",
        body="L2 sent no voter IDs. Send the universe again.", link="/audiences/",
    )  # fmt: skip
    notice_send(organization=other, kind=NoticeKind.REACH_MOVED, title="Reach moved", link="/campaigns/")
    notice_send(
        organization=org_a,
        kind=NoticeKind.AUDIENCE_READY,
        title=LONG_TITLE,
        body=LONG_BODY,
        link="/audiences/",
    )
    notice_send(organization=org_b, kind=NoticeKind.AUDIENCE_READY, title="Bravo's own", link="/audiences/")
    expect(bell).to_have_accessible_name("Notices, 3 unread")
    expect(page.locator(".bell-badge")).to_have_text("3")
    assert page.evaluate("document.body.dataset.loaded") == "once"
    assert_no_horizontal_overflow(page)
    assert_tappable(bell)

    # The panel: the latest, newest first, unread marked, each with its time and where to act.
    press(bell)
    panel = page.get_by_role("dialog", name="Notices")
    expect(panel).to_be_visible()
    items = panel.get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text(LONG_TITLE)
    expect(items.nth(0)).to_contain_text("1 254 301 voters")
    expect(items.nth(0).locator("time")).to_be_visible()
    expect(items.nth(0).get_by_role("link", name=LONG_TITLE)).to_have_attribute("href", "/audiences/")
    expect(items.nth(1)).to_contain_text(f"Reach moved{''}")
    assert_tappable(items.nth(1).get_by_role("button", name=f"Open in {OTHER_ORG}"))
    expect(items.nth(2)).to_contain_text("A push of Delaware County movers failed")
    expect(panel).not_to_contain_text("Bravo's own")
    expect(panel.get_by_text("Unread:")).to_have_count(3)
    assert_fits_the_window(panel)
    assert_no_horizontal_overflow(page)
    if width < 640:  # the window's width, under the top bar
        box = panel.bounding_box()
        assert box["x"] == 0 and box["width"] == width, box
    screenshot(page, f"notices-panel-{width}")

    # Mark read: its button waits for the answer, then the notice is read and the count lower.
    held = Held(page, re.compile(r"/notices/\d+/read/$"))
    mark = items.nth(2).get_by_role("button", name=re.compile("^Mark read"))
    assert_tappable(mark)
    press(mark)
    expect(mark).to_be_disabled()
    held.release()
    expect(bell).to_have_accessible_name("Notices, 2 unread")
    expect(items.nth(2).get_by_role("button", name=re.compile("^Mark read"))).to_have_count(0)
    expect(items.nth(2)).not_to_contain_text("Unread:")
    expect(panel).to_be_visible()
    assert held.count == 1

    # Mark all read.
    mark_all = panel.get_by_role("button", name="Mark all read")
    assert_tappable(mark_all)
    press(mark_all)
    expect(bell).to_have_accessible_name("Notices")
    expect(panel.get_by_text("Unread:")).to_have_count(0)
    expect(panel.get_by_role("button", name="Mark all read")).to_have_count(0)
    expect(page.locator(".bell-badge")).to_have_count(0)

    # Escape closes the panel; the next one sent shows again.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    notice_send(organization=org_a, kind=NoticeKind.AUDIENCE_READY, title="Likely Dems is Ready")
    expect(bell).to_have_accessible_name("Notices, 1 unread")
    assert page.evaluate("document.body.dataset.loaded") == "once"


@pytest.mark.parametrize(("width", "height", "touch"), WINDOWS, ids=WINDOW_IDS)
def test_the_notices_page_pages_older_ones_and_back_shows_the_page_again(
    page_at, sign_in, screenshot, person, org_a, width, height, touch
):
    user, _ = person
    for n in range(30):
        notice_send(
            organization=org_a, kind=NoticeKind.AUDIENCE_READY, title=f"Audience {n:02} is Ready",
            body=LONG_BODY if n % 7 == 0 else "", link="/campaigns/",
        )  # fmt: skip
    page = page_at(width, height, touch=touch)
    sign_in(page, user)
    press(bell_of(page))
    press(page.get_by_role("dialog", name="Notices").get_by_role("link", name="See all notices"))
    expect(page).to_have_url(re.compile(r"/notices/$"))
    expect(page.get_by_role("heading", name="Notices", exact=True)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_count(25)
    assert_no_horizontal_overflow(page)
    screenshot(page, f"notices-page-{width}", full_page=True)

    older = page.get_by_role("link", name="Older ›")
    older.scroll_into_view_if_needed()
    press(older)
    expect(page).to_have_url(re.compile(r"/notices/\?page=2$"))
    expect(page.get_by_role("main")).to_contain_text("Audience 00 is Ready")
    page.get_by_role("main").get_by_role("link", name="Audience 04 is Ready").click()
    expect(page).to_have_url(re.compile(r"/campaigns/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/notices/\?page=2$"))
    expect(page.get_by_role("main")).to_contain_text("Audience 00 is Ready")
    expect(page.get_by_role("main")).not_to_contain_text("Audience 29 is Ready")

    # Mark read on the page lowers the bell's count too; Unread shows the rest.
    main = page.get_by_role("main")
    press(main.get_by_role("button", name="Mark read: Audience 00 is Ready"))
    expect(bell_of(page)).to_have_accessible_name("Notices, 29 unread")
    press(main.get_by_role("link", name=re.compile("^Unread")))
    expect(page).to_have_url(re.compile(r"/notices/\?unread=1$"))
    expect(main).not_to_contain_text("Audience 00 is Ready")
    press(main.get_by_role("button", name="Mark all read"))
    expect(main).to_contain_text("Nothing unread")
    expect(bell_of(page)).to_have_accessible_name("Notices")
    assert_no_horizontal_overflow(page)


@pytest.mark.parametrize(("width", "height", "touch"), WINDOWS, ids=WINDOW_IDS)
def test_notice_emails_are_chosen_on_my_profile(page_at, sign_in, screenshot, org_a, width, height, touch):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    page = page_at(width, height, touch=touch)
    sign_in(page, viewer)
    page.goto("/profile/")
    press(page.get_by_role("link", name="Notice emails"))
    section = page.get_by_role("region", name="Notice emails")
    box = section.get_by_role("checkbox", name="Email me: A push failed")
    expect(box).not_to_be_checked()  # off for viewers until they choose
    assert_no_horizontal_overflow(page)
    screenshot(page, f"profile-notice-emails-{width}")
    press(box)
    press(section.get_by_role("button", name="Save notice emails"))
    expect(page.locator(".messages")).to_contain_text("Your notice emails are saved.")
    expect(
        page.get_by_role("region", name="Notice emails").get_by_role(
            "checkbox", name="Email me: A push failed"
        )
    ).to_be_checked()
    expect(page.get_by_role("checkbox", name="Email me: An L2 audience is Ready")).not_to_be_checked()
