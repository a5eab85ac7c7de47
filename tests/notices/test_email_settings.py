"""My Profile › Notice emails: an "Email me" per kind, defaulting by role, saved by the notices app."""

import re

import pytest

from accounts.models import Role
from notices.models import EmailPreference, NoticeKind
from notices.selectors import email_preferences
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/notices/settings/"


def ticked(content: str) -> dict[str, bool]:
    """Each kind's checkbox on My Profile, and whether it is ticked."""
    boxes = re.findall(r'<input type="checkbox" name="email-(\w+)"([^>]*)>', content)
    return {kind: "checked" in attributes for kind, attributes in boxes}


@pytest.mark.parametrize(
    ("role", "default"), [(Role.ADMIN, True), (Role.MANAGER, True), (Role.VIEWER, False)]
)
def test_my_profile_shows_an_email_me_per_kind_with_the_roles_default(client, org_a, role, default):
    user = MembershipFactory(organization=org_a, role=role).user
    client.force_login(user)
    content = client.get("/profile/").content.decode()
    assert 'href="#notice-emails">Notice emails</a>' in content
    assert 'action="/notices/settings/"' in content
    assert ticked(content) == dict.fromkeys(NoticeKind.values, default)
    for kind in NoticeKind:
        assert f'aria-label="Email me: {kind.label}"' in content.replace("&#x27;", "'")
    assert user.email in content


def test_kinds_only_some_roles_hear_of_say_so(client, org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client.force_login(viewer)
    content = client.get("/profile/").content.decode()
    assert "(sent to admins and managers only: not to you)" in content
    assert "(sent to admins only: not to you)" in content


def test_saving_stores_only_what_differs_from_the_default(client, org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client.force_login(viewer)
    response = client.post(URL, {"email-audience_ready": "on", "email-push_failed": "on"}, follow=True)
    assert response.redirect_chain == [("/profile/#notice-emails", 302)]
    assert "Your notice emails are saved." in response.content.decode()
    assert dict(EmailPreference.objects.filter(user=viewer).values_list("kind", "email")) == {
        "audience_ready": True,
        "push_failed": True,
    }
    content = response.content.decode()
    assert ticked(content)["audience_ready"] and ticked(content)["push_failed"]
    assert not ticked(content)["reach_moved"]

    # Unticking one that was chosen stores the change; the rest keep following the role.
    client.post(URL, {"email-push_failed": "on"})
    assert email_preferences(user=viewer) == {**dict.fromkeys(NoticeKind.values, False), "push_failed": True}
    assert EmailPreference.objects.get(user=viewer, kind="audience_ready").email is False
    assert not EmailPreference.objects.filter(user=viewer, kind="reach_moved").exists()


def test_an_admin_turns_email_off(client, org_a):
    admin = MembershipFactory(organization=org_a, role=Role.ADMIN).user
    client.force_login(admin)
    everything_but_reach = {f"email-{kind}": "on" for kind in NoticeKind.values if kind != "reach_moved"}
    client.post(URL, everything_but_reach)
    assert list(EmailPreference.objects.filter(user=admin).values_list("kind", "email")) == [
        ("reach_moved", False)
    ]
    assert ticked(client.get("/profile/").content.decode())["reach_moved"] is False


def test_each_user_saves_only_their_own(client, org_a, org_b):
    mine = MembershipFactory(organization=org_a, role=Role.ADMIN).user
    theirs = MembershipFactory(organization=org_b, role=Role.ADMIN).user
    client.force_login(mine)
    client.post(URL, {})
    assert EmailPreference.objects.filter(user=mine).count() == len(NoticeKind.values)
    assert not EmailPreference.objects.filter(user=theirs).exists()
    assert all(email_preferences(user=theirs).values())


def test_the_settings_address_needs_sign_in_and_shows_my_profile(client, org_a):
    assert client.get(URL).status_code == 302 and client.get(URL).url.startswith("/login/")
    assert client.post(URL, {}).url.startswith("/login/")
    client.force_login(MembershipFactory(organization=org_a).user)
    response = client.get(URL)
    assert response.status_code == 302 and response.url == "/profile/#notice-emails"


def test_a_user_without_an_email_address_is_told(client, org_a):
    user = UserFactory(email="")
    MembershipFactory(user=user, organization=org_a, role=Role.ADMIN)
    client.force_login(user)
    assert "no notice is emailed to you" in client.get("/profile/").content.decode()


def test_my_profile_costs_a_bounded_number_of_queries(client, org_a, django_assert_max_num_queries):
    user = MembershipFactory(organization=org_a, role=Role.MANAGER).user
    client.force_login(user)
    with django_assert_max_num_queries(14):
        client.get("/profile/")
