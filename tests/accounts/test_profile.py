"""My Profile: who the user is, and the organizations they belong to with their role in each."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_a):
    user = UserFactory(first_name="Ada", last_name="Okafor", email="ada@example.org")
    MembershipFactory(user=user, organization=org_a, role=Role.MANAGER)
    MembershipFactory(
        user=user, organization=OrganizationFactory(account_id=424242, name="Second Org"), role=Role.VIEWER
    )
    return user


def test_my_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_my_profile_shows_the_person_and_each_organization_with_their_role(client, person, org_b):
    MembershipFactory(organization=org_b)  # someone else's organization
    client.force_login(person)
    response = client.get("/profile/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ["Ada Okafor", person.username, "ada@example.org"]:
        assert text in content
    organizations = content[content.index('id="organizations"') :]
    assert "Alpha for Ohio" in organizations and "123456" in organizations and "Manager" in organizations
    assert "Second Org" in organizations and "424242" in organizations and "Viewer" in organizations
    assert "Bravo PAC" not in content and "777777" not in content


def test_the_organizations_pages_old_address_shows_my_profile(client, person):
    client.force_login(person)
    response = client.get("/profile/organizations/")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/profile.html"
    assert b"Ada Okafor" in response.content and b"424242" in response.content


def test_the_user_menu_leads_to_my_profile(client_a):
    assert 'href="/profile/">My Profile</a>' in client_a.get("/campaigns/").content.decode()


def test_switching_organization_from_my_profile_stays_on_it(client, person):
    client.force_login(person)
    second = OrganizationFactory._meta.model.objects.get(account_id=424242)
    response = client.post(reverse("accounts:switch"), {"organization": second.pk, "next": "/profile/"})
    assert response.status_code == 302 and response.url == "/profile/"
    assert client.get("/profile/").context["current_organization"] == second
