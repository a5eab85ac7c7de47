import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_a_member_signs_in_reaches_audiences_and_finds_the_organization_id(page, sign_in, member_a, org_a):
    sign_in(page, member_a)
    page.get_by_role("main").get_by_role("link", name=re.compile("^Audiences")).click()
    expect(page.get_by_role("heading", name="Segmented Audience")).to_be_visible()
    expect(page.get_by_text("No audiences of this type yet")).to_be_visible()

    page.get_by_text(member_a.username).click()
    page.get_by_role("link", name="My Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    organizations = page.get_by_role("region", name="Organizations")
    row = organizations.get_by_role("row", name=re.compile("Alpha for Ohio"))
    expect(row).to_contain_text("123456")


def test_a_wrong_password_is_refused_with_a_message(page, member_a):
    page.goto("/login/")
    page.get_by_label("Username").fill(member_a.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value(member_a.username)


def test_repeated_failures_pause_sign_in_with_a_message_saying_until_when(page, member_a, settings):
    page.goto("/login/")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        page.get_by_label("Username").fill(member_a.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        if attempt < settings.AXES_FAILURE_LIMIT:
            expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sign-in is paused for this username from your network address")
    expect(alert).to_contain_text(re.compile(r"Try again after \d\d:\d\d UTC \(in about 15 minutes\)"))
    # The right password is refused too until then, on the same page.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in is paused")
    expect(page).to_have_url(re.compile(r"/login/$"))
