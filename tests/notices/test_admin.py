"""Ops see notices in the admin site, read-only: who got what, and whether its email went out."""

import pytest
from django.urls import reverse

from accounts.models import Role
from notices.models import EmailState, Notice, NoticeKind
from notices.services import notice_emails_send, notice_send
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notices_notice_changelist"


@pytest.fixture
def notices(org_a, org_b):
    admin = MembershipFactory(organization=org_a, role=Role.ADMIN).user
    MembershipFactory(organization=org_a, role=Role.VIEWER)
    MembershipFactory(organization=org_b, role=Role.ADMIN)
    ready = notice_send(organization=org_a, kind=NoticeKind.AUDIENCE_READY, title="Likely Dems is Ready")
    failed = notice_send(organization=org_b, kind=NoticeKind.PUSH_FAILED, title="A push failed")
    notice_emails_send(notice_ids=[n.pk for n in ready])
    return {"admin": admin, "ready": ready, "failed": failed}


def shown(ops_client, **params) -> set[str]:
    page = ops_client.get(reverse(CHANGELIST), params)
    assert page.status_code == 200
    return {f"{n.user.username}: {n.title}" for n in page.context["cl"].result_list}


def test_ops_list_notices_by_kind_organization_and_email_state(ops_client, notices, org_b):
    assert len(shown(ops_client)) == 3
    assert shown(ops_client, kind__exact="push_failed") == {
        f"{n.user.username}: A push failed" for n in notices["failed"]
    }
    assert len(shown(ops_client, organization__id__exact=org_b.pk)) == 1
    assert len(shown(ops_client, email_state__exact=EmailState.SENT)) == 1  # the admin's; the viewer's: none
    assert len(shown(ops_client, email_state__exact=EmailState.NONE)) == 1
    assert len(shown(ops_client, email_state__exact=EmailState.PENDING)) == 1  # Bravo's, not sent yet
    assert shown(ops_client, q=notices["admin"].username) == {
        f"{notices['admin'].username}: Likely Dems is Ready"
    }
    assert len(shown(ops_client, q="push failed")) == 1


def test_a_notice_is_read_only(ops_client, notices):
    notice = Notice.objects.filter(email_state=EmailState.SENT).get()
    page = ops_client.get(reverse("admin:notices_notice_change", args=[notice.pk]))
    assert page.status_code == 200 and b"Emailed" in page.content
    assert (
        ops_client.post(reverse("admin:notices_notice_change", args=[notice.pk]), {"title": "x"}).status_code
        == 403
    )
    assert ops_client.get(reverse("admin:notices_notice_add")).status_code == 403
    assert ops_client.get(reverse("admin:notices_notice_delete", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.title == "Likely Dems is Ready"


def test_email_preferences_are_listed_read_only(ops_client):
    assert ops_client.get(reverse("admin:notices_emailpreference_changelist")).status_code == 200
    assert ops_client.get(reverse("admin:notices_emailpreference_add")).status_code == 403
