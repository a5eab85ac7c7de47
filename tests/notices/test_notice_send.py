"""Who hears of what, in the portal and by email (docs/notices.md)."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Role
from notices.models import EmailState, Notice, NoticeKind
from notices.selectors import email_preferences, notice_list, unread_notice_count
from notices.services import email_preferences_set, notice_emails_send, notice_send, notices_mark_read
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    organization = OrganizationFactory()
    return {
        role: MembershipFactory(organization=organization, role=role).user
        for role in (Role.ADMIN, Role.MANAGER, Role.VIEWER)
    } | {"organization": organization}


def _send(organization, kind=NoticeKind.AUDIENCE_READY):
    return notice_send(organization=organization, kind=kind, title="“Likely Dems” is Ready", link="/a/1/")


def test_every_member_hears_of_a_ready_audience_and_nobody_of_another_organization(team):
    outsider = MembershipFactory(role=Role.ADMIN).user
    _send(team["organization"])
    assert {n.user_id for n in Notice.objects.all()} == {
        team[r].pk for r in (Role.ADMIN, Role.MANAGER, Role.VIEWER)
    }
    assert unread_notice_count(user=outsider) == 0


def test_a_held_push_goes_to_admins_and_managers_and_a_refused_one_to_admins(team):
    _send(team["organization"], NoticeKind.REFRESH_HELD)
    assert {n.user_id for n in Notice.objects.all()} == {team[Role.ADMIN].pk, team[Role.MANAGER].pk}
    Notice.objects.all().delete()
    _send(team["organization"], NoticeKind.PUSH_REFUSED)
    assert [n.user_id for n in Notice.objects.all()] == [team[Role.ADMIN].pk]


def test_email_is_on_for_admins_and_managers_off_for_viewers_and_sent_once(team):
    with transaction.atomic():
        notices = _send(team["organization"])
    states = {n.user_id: n.email_state for n in notices}
    assert states[team[Role.VIEWER].pk] == EmailState.NONE
    assert notice_emails_send(notice_ids=[n.pk for n in notices]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([team[Role.ADMIN].email, team[Role.MANAGER].email])
    assert "“Likely Dems” is Ready" in mail.outbox[0].subject
    assert "/a/1/" in mail.outbox[0].body
    assert notice_emails_send(notice_ids=[n.pk for n in notices]) == 0  # never twice
    assert len(mail.outbox) == 2


def test_each_user_chooses_email_per_kind(team):
    email_preferences_set(user=team[Role.ADMIN], choices={NoticeKind.AUDIENCE_READY: False})
    email_preferences_set(user=team[Role.VIEWER], choices={NoticeKind.AUDIENCE_READY: True})
    notices = _send(team["organization"])
    notice_emails_send(notice_ids=[n.pk for n in notices])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([team[Role.MANAGER].email, team[Role.VIEWER].email])
    assert email_preferences(user=team[Role.ADMIN])[NoticeKind.AUDIENCE_READY] is False
    assert email_preferences(user=team[Role.ADMIN])[NoticeKind.PUSH_FAILED] is True
    assert email_preferences(user=team[Role.VIEWER])[NoticeKind.PUSH_FAILED] is False


def test_marking_read_touches_only_the_users_own_notices(team):
    _send(team["organization"])
    admin, viewer = team[Role.ADMIN], team[Role.VIEWER]
    theirs = notice_list(user=viewer).get()
    assert notices_mark_read(user=admin, notice_ids=[theirs.pk]) == 0
    assert unread_notice_count(user=viewer) == 1
    assert notices_mark_read(user=admin) == 1
    assert unread_notice_count(user=admin) == 0 and unread_notice_count(user=viewer) == 1
