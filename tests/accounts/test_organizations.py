import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_pages_require_sign_in(client):
    for url in ["/audiences/", "/campaigns/", "/profile/organizations/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


def test_login_page_renders_and_signs_in(client, member_a, password):
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post("/login/", {"username": member_a.username, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_failure_says_so_and_keeps_the_username(client, member_a):
    response = client.post("/login/", {"username": member_a.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"enter a correct username and password" in response.content
    assert f'value="{member_a.username}"'.encode() in response.content


def test_organizations_page_lists_the_users_organizations_with_their_id(client_a, member_a, org_a, org_b):
    second = OrganizationFactory(account_id=424242, name="Second Org")
    MembershipFactory(user=member_a, organization=second, role=Role.VIEWER)

    response = client_a.get("/profile/organizations/")

    content = response.content.decode()
    assert "123456" in content and "Alpha for Ohio" in content
    assert "424242" in content and "Second Org" in content
    # Another organization the user does not belong to is never shown.
    assert "777777" not in content and "Bravo PAC" not in content


def test_switching_organization_changes_what_pages_show(client_a, member_a, org_a):
    second = OrganizationFactory(account_id=424242, name="Second Org")
    MembershipFactory(user=member_a, organization=second)
    response = client_a.post("/profile/organizations/switch/", {"organization": second.pk})
    assert response.status_code == 302
    assert client_a.get("/audiences/").context["current_organization"] == second


def test_switching_to_an_organization_of_which_one_is_not_a_member_is_refused(client_a, org_a, org_b):
    response = client_a.post("/profile/organizations/switch/", {"organization": org_b.pk}, follow=True)
    assert b"not a member" in response.content
    assert response.context["current_organization"] == org_a


def test_a_user_without_an_organization_gets_a_clear_page(client, password):
    from tests.factories import UserFactory

    user = UserFactory()
    client.login(username=user.username, password=password)
    response = client.get("/audiences/")
    assert response.status_code == 403
    assert b"not a member of any organization" in response.content


def test_logout_signs_out(client_a):
    response = client_a.post("/logout/")
    assert response.status_code == 302
    assert client_a.get("/audiences/").status_code == 302


def test_the_admin_site_is_for_ops_staff_only_not_organization_admins(client_a, member_a):
    # An organization's admin is a role in the portal, not access to every organization in the admin site.
    from accounts.models import Membership

    assert Membership.objects.get(user=member_a).role == Role.ADMIN
    response = client_a.get("/admin/l2_ingest/transmission/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert client_a.post("/admin/l2_ingest/transmission/", {"action": "retry"}).status_code == 302
