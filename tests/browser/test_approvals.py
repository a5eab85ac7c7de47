"""Pushes waiting for approval, and the organization's L2 customers, in a real browser at 1440 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import L2Customer
from l2_ingest.models import TransmissionStatus
from tests.factories import AudienceFactory
from tests.l2_ingest.helpers import held_push

WIDTHS = [1440, 390]


WIDER_THAN_THE_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".table-wrap") && !element.matches(".table-wrap")) continue;  // scrolls inside
    const right = Math.round(element.getBoundingClientRect().right);
    if (right > width) wide.push(`${element.tagName.toLowerCase()}.${element.className} ends at ${right}px`);
  }
  return [document.documentElement.scrollWidth - width, wide.slice(0, 8)];
}"""


def no_horizontal_overflow(page) -> None:
    overflow, wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    assert overflow <= 0, f"the page is {overflow}px wider than the window: {wide}"


@pytest.fixture
def signed_in(page, sign_in, member_a):
    sign_in(page, member_a)
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_approves_and_trusts_a_held_push_from_the_table(signed_in, org_a, screenshot, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    held = held_push(
        AudienceFactory(organization=org_a, name="Franklin GOTV", l2_owner_customer_id="L2CUST-ANN")
    )
    page.goto("/audiences/")
    notice = page.locator("#audience-table [data-pending-refresh]")
    expect(notice).to_contain_text("A refresh waits for approval")
    expect(notice).to_contain_text("L2CUST-EVE")
    screenshot(page, f"held-push-row-{width}", full_page=True)
    no_horizontal_overflow(page)

    trust = notice.get_by_role("button", name="Approve and trust")
    trust.click()
    expect(page.locator("#toasts")).to_contain_text(
        "L2CUST-EVE is now one of your organization's L2 customers"
    )
    expect(page.locator("#audience-table [data-pending-refresh]")).to_have_count(0)
    held.refresh_from_db()
    assert held.status == TransmissionStatus.QUEUED
    assert L2Customer.objects.filter(organization=org_a, customer_id="L2CUST-EVE").exists()


def test_declining_asks_first_and_is_answered_in_the_details(signed_in, org_a, screenshot):
    page = signed_in
    held = held_push(AudienceFactory(organization=org_a, name="Franklin GOTV"))
    page.goto("/audiences/")
    page.get_by_role("link", name="Franklin GOTV", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("[data-pending-refresh]")).to_contain_text("L2CUST-EVE")
    screenshot(page, "held-push-details", dialog)

    page.once("dialog", lambda confirm: confirm.dismiss())  # the browser's "are you sure?"
    dialog.get_by_role("button", name="Decline").click()
    held.refresh_from_db()
    assert held.status == TransmissionStatus.HELD

    page.once("dialog", lambda confirm: confirm.accept())
    dialog.get_by_role("button", name="Decline").click()
    expect(page.locator("#toasts")).to_contain_text("Declined the refresh")
    expect(page.get_by_role("dialog")).to_have_count(0)
    held.refresh_from_db()
    assert held.status == TransmissionStatus.DECLINED


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_names_and_removes_l2_customers(signed_in, org_a, screenshot, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/profile/organizations/")
    page.get_by_label("L2 customer ID").fill("L2CUST-889")
    page.get_by_role("button", name="Add L2 customer").click()
    expect(page.locator(".messages")).to_contain_text("L2CUST-889 is now one of your L2 customers")
    expect(page.get_by_role("cell", name="L2CUST-889", exact=True)).to_be_visible()
    screenshot(page, f"l2-customers-{width}", full_page=True)
    no_horizontal_overflow(page)

    page.get_by_role("button", name="Remove L2CUST-889").click()
    expect(page.locator(".messages")).to_contain_text(re.compile("no longer one of your L2 customers"))
    assert not L2Customer.objects.exists()
