"""The admin site and the API docs work in a real browser under the Content-Security-Policy: the page
fixture fails a test on any policy violation."""

import re

from playwright.sync_api import expect

from accounts.models import Organization
from l2_ingest.models import PartnerSecret
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


def test_ops_sign_in_with_a_code_and_work_in_the_admin(
    page, admin_sign_in, staff_user, staff_device, org_a, screenshot
):
    MembershipFactory(organization=org_a)
    newcomer = UserFactory(username="newcomer")
    admin_sign_in(page, staff_user, staff_device)
    expect(
        page.get_by_role("heading", name=re.compile("Organizations, users, L2 partner secrets"))
    ).to_be_visible()

    # A change list with its filters and search, then a change form with inlines and autocompletes.
    page.get_by_role("link", name="Organizations", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Alpha for Ohio")
    page.get_by_role("link", name="Alpha for Ohio").click()
    expect(page.get_by_role("heading", name=re.compile("Change organization"))).to_be_visible()
    rows = page.locator("#memberships-group tr.form-row:not(.empty-form)")
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="Add another Membership").click()
    expect(rows).to_have_count(2)
    # The user autocomplete (select2, fed by the admin's autocomplete view) in the new row.
    rows.nth(1).locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(newcomer.username)
    page.locator(".select2-results__option", has_text=newcomer.username).click()
    page.get_by_label("Name:").fill("Alpha for Ohio 2026")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Organization.objects.get(pk=org_a.pk).name == "Alpha for Ohio 2026"
    assert org_a.memberships.filter(user=newcomer).exists()

    # A new L2 partner secret, shown once on its own page.
    page.goto("/admin/l2_ingest/partnersecret/add/")
    page.get_by_label("Label:").fill("Rotation 2026")
    page.get_by_role("button", name="Save", exact=True).click()
    record = PartnerSecret.objects.get(label="Rotation 2026")
    expect(page.locator("code.partner-secret")).to_have_text(record.secret)
    screenshot(page, "admin-partner-secret-created")

    # An action on the change list: select all, pick the action, run it.
    page.get_by_role("link", name="Back to the secrets").click()
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.locator("select[name=action]").select_option("revoke")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 secret(s) revoked")
    record.refresh_from_db()
    assert not record.is_active


def test_a_staff_member_signed_in_to_the_portal_is_asked_for_the_code(
    page, sign_in, staff_user, staff_device, org_a
):
    MembershipFactory(organization=org_a, user=staff_user)
    sign_in(page, staff_user)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/"))
    expect(page.locator(".errornote")).to_contain_text("needs the code of your authenticator app")
    expect(page.get_by_label("Authenticator code")).to_be_visible()


def test_the_api_docs_render_their_operations(page, sign_in, member_a, screenshot):
    sign_in(page, member_a)
    page.goto("/api/v1/docs/")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/audiences/$")).first
    ).to_be_visible()
    assert operations.count() > 5
    # An operation opens, with its parameters and a "Try it out" that needs no inline script.
    page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/audiences/$")).first.click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    screenshot(page, "api-docs-swagger")

    page.goto("/api/v1/redoc/")
    expect(page.get_by_role("heading", name=re.compile("IQM audiences portal API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/audiences/").first).to_be_attached()
    screenshot(page, "api-docs-redoc")


def test_two_organizations_are_both_listed_to_ops(
    page, admin_sign_in, staff_user, staff_device, org_a, org_b
):
    OrganizationFactory(account_id=424242, name="Second Org")
    admin_sign_in(page, staff_user, staff_device)
    page.goto("/admin/accounts/organization/?q=Org")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.goto("/admin/accounts/organization/")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
