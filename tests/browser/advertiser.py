"""What the browser tests of advertisers' pages share: the window sizes, an organization's audiences and
campaigns, and checks that a page or pop-up fits its window. Selectors are roles and words, not table markup,
so the tests hold however the tables are drawn."""

import re

from playwright.sync_api import expect

from audiences.models import Audience, AudienceStatus
from campaigns.models import CampaignType
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from tests.browser.layout import assert_fits_the_window, assert_no_horizontal_overflow, assert_tappable
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory
from tests.l2_ingest.helpers import stored_transmission

SIZES = [(1366, 768, False), (1440, 900, False), (390, 844, True)]
SIZE_IDS = ["1366", "1440", "390-touch"]
DESKTOPS, DESKTOP_IDS = SIZES[:2], SIZE_IDS[:2]
LONG_NAME = (
    "Franklin County early and absentee voters who requested a ballot for the November general election "
    "and live in the precincts the 2024 canvass marked as persuadable, renters and owners, all ages, 18 up"
)
FAILED_NAME = "Hamilton County new registrants"
REASON = (
    "L2 sent a file whose header has no LALVOTERID column, so no voter could be read; the previous version "
    "stays current. Send the universe again from L2 DataMapping with the standard export columns."
)
PROCESSING_NAME = "Delaware County movers"


def advertiser_world(organization) -> dict:
    """An organization's audiences (Failed with a long reason, Ready with a 200-character name, Processing,
    two loaded ones on a campaign) and an insertion order with an Advanced and a PG campaign."""
    assert len(LONG_NAME) == 200
    likely = AudienceFactory(organization=organization, name="Likely Dem voters", voter_count=None)
    voted = AudienceFactory(organization=organization, name="Already voted", voter_count=None)
    load_members(likely, range(1, 901))
    load_members(voted, range(801, 1001))
    failed = AudienceFactory(
        organization=organization,
        name=FAILED_NAME,
        status=AudienceStatus.FAILED,
        status_reason=REASON,
        voter_count=None,
        household_count=None,
    )
    long = AudienceFactory(
        organization=organization, name=LONG_NAME, voter_count=1_254_301, household_count=870_112
    )
    loading = AudienceFactory(
        organization=organization,
        name=PROCESSING_NAME,
        status=AudienceStatus.PROCESSING,
        voter_count=None,
        household_count=None,
    )
    stored_transmission(
        organization, b"", segment=PROCESSING_NAME, audience=loading, progress=0.4
    )  # 40% loaded
    io = InsertionOrderFactory(organization=organization, name="2026 General – Ohio")
    advanced = CampaignFactory(insertion_order=io, name="GOTV Display – Franklin")
    pg = CampaignFactory(insertion_order=io, name="PG Deal – Local News", campaign_type=CampaignType.PG)
    campaign_targeting_update(
        actor=SYSTEM,
        organization=organization,
        campaign_ids=[advanced.pk],
        allowlist=[likely.pk],
        blocklist=[voted.pk],
    )
    return {"likely": likely, "voted": voted, "failed": failed, "long": long, "io": io,
            "advanced": advanced, "pg": pg}  # fmt: skip


def press(locator) -> None:
    """A tap on a touch screen, a click elsewhere."""
    if locator.page.evaluate("navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def in_reach(*controls) -> None:
    """Each control, brought into view as a person would scroll to it, can be tapped."""
    for control in controls:
        control.evaluate("(element) => element.scrollIntoView({block: 'center', inline: 'nearest'})")
        assert_tappable(control)


def page_fits(page, screenshot, name: str, *controls) -> None:
    """No page-level sideways scroll (a table may scroll in its own frame); the main controls in reach."""
    page.wait_for_load_state("load")  # measured once its stylesheet applies
    assert_no_horizontal_overflow(page)
    in_reach(*controls)
    screenshot(page, f"{name}-{page.viewport_size['width']}", full_page=True)


def pop_up_fits(page, screenshot, name: str, dialog, *controls) -> None:
    expect(dialog).to_be_visible()
    assert_fits_the_window(dialog)
    assert_no_horizontal_overflow(page)
    in_reach(*controls)
    screenshot(page, f"{name}-{page.viewport_size['width']}")


def close(page, dialog) -> None:
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def tick(page, *names) -> None:
    for name in names:
        checkbox = page.get_by_role("checkbox", name=f"Select {name}", exact=True)
        if not checkbox.is_checked():
            press(checkbox)
        expect(checkbox).to_be_checked()


def top_bar(page):
    bar = page.get_by_role("banner")
    return [bar.get_by_role("link", name="IQM home"), bar.get_by_role("link", name="Audiences"),
            bar.get_by_role("link", name="Campaigns"), bar.get_by_role("button", name=re.compile("^Notices")),
            bar.locator("summary")]  # fmt: skip


class Held:
    """Requests (of one method, to matching URLs) held until released, and counted: what the page shows while
    its request runs, and how many requests a double click sent."""

    def __init__(self, page, url, method: str = "POST"):
        self.page, self.method = page, method
        self.waiting, self.count, self.released = [], 0, False
        page.route(url, self._handle)

    def _handle(self, route) -> None:
        if route.request.method != self.method:
            route.fallback()
            return
        self.count += 1
        if self.released:
            route.continue_()
        else:
            self.waiting.append(route)

    def release(self) -> None:
        for _ in range(200):  # the route reaches this process a moment after the browser sends the request
            if self.waiting:
                break
            self.page.wait_for_timeout(25)
        assert self.waiting, "no request was sent"
        self.released = True
        for route in self.waiting:
            route.continue_()


def cell_in(page, row: str, column: str):
    """The cell of a row (found by what it says) in a column (found by its header, whatever its case, soft
    hyphens or sort arrow)."""
    words = [re.sub(r"\W", "", text).lower() for text in page.get_by_role("columnheader").all_text_contents()]
    index = words.index(re.sub(r"\W", "", column).lower())
    return page.get_by_role("row", name=re.compile(re.escape(row))).get_by_role("cell").nth(index)


def copies(name: str) -> int:
    return Audience.objects.filter(name=f"{name} (copy)").count()


def inside_the_window(locator, *, above=None) -> None:
    """Wholly inside the window's height (and above ``above``, a bar stuck to the window's bottom)."""
    box, height = locator.bounding_box(), locator.page.viewport_size["height"]
    bottom = above.bounding_box()["y"] if above is not None else height
    assert box["y"] >= 0 and box["y"] + box["height"] <= min(bottom, height) + 0.5, (
        f"{locator} is at {box['y']:.0f}–{box['y'] + box['height']:.0f}px, the window's room ends at {bottom:.0f}px"
    )
