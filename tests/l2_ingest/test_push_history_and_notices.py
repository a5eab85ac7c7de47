"""What a push writes in the audience's history and tells the organization (docs/history.md, docs/notices.md)."""

import pytest

from accounts.models import Role
from history.models import HistoryAction, HistoryEntry
from l2_ingest.approvals import pending_refresh_approve, pending_refresh_decline
from l2_ingest.pipeline import transmission_process
from notices.models import Notice, NoticeKind
from tests.factories import MembershipFactory
from tests.l2_ingest.helpers import stored_transmission
from tests.l2_ingest.test_ownership import ANN, STRANGER, audience_of, push

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(org_a, org_b):
    members = {role: MembershipFactory(organization=org_a, role=role).user for role in Role}
    MembershipFactory(organization=org_b, role=Role.ADMIN)  # hears of nothing of org_a's
    return members


def entries(audience, action=None):
    found = HistoryEntry.objects.filter(organization=audience.organization, audience_id=audience.pk)
    return list(found.filter(action=action) if action else found.order_by("id"))


def notices(kind):
    return Notice.objects.filter(kind=kind).order_by("id")


def test_a_new_segment_is_created_and_loaded_by_its_l2_user_and_everyone_hears_it_is_ready(org_a, team):
    transmission = push(org_a, 1200)
    audience = audience_of(org_a)
    created, switched = entries(audience)
    assert created.action == HistoryAction.AUDIENCE_CREATED
    assert (created.actor_kind, created.actor_l2_customer_id, created.actor_l2_username) == ("l2", *ANN)
    assert created.details["universe_name"] == "IQM_123456_GOTV"
    assert switched.action == HistoryAction.VERSION_SWITCHED
    assert {
        k: switched.details[k]
        for k in ("voter_count", "version", "transmission_id", "customer_id", "username")
    } == {
        "voter_count": 1200,
        "version": 1,
        "transmission_id": str(transmission.pk),
        "customer_id": ANN[0],
        "username": ANN[1],
    }
    assert switched.details["universe_id"] == transmission.universe_id
    assert switched.details["previous_voter_count"] is None
    ready = notices(NoticeKind.AUDIENCE_READY)
    assert {n.user_id for n in ready} == {user.pk for user in team.values()}
    assert ready[0].title == "“GOTV” is Ready: 1,200 voters"


def test_a_refresh_records_before_and_after_and_tells_everyone(org_a, team):
    push(org_a, 1200)
    push(org_a, 1500, start=5000)
    audience = audience_of(org_a)
    latest = entries(audience, HistoryAction.VERSION_SWITCHED)[0]
    assert (latest.details["previous_voter_count"], latest.details["voter_count"]) == (1200, 1500)
    [refreshed] = {n.title for n in notices(NoticeKind.REFRESH_IN_FORCE)}
    assert refreshed == "“GOTV” refreshed: 1,200 → 1,500 voters"
    assert notices(NoticeKind.REFRESH_IN_FORCE).count() == len(team)


def test_a_failed_push_tells_everyone_why_and_that_the_voters_stay(org_a, team):
    push(org_a, 1200)
    bad = stored_transmission(
        org_a, b"LALVOTERID\nnot-an-id\n", segment="GOTV", customer_id=ANN[0], username=ANN[1]
    )
    assert transmission_process(bad.pk) == "failed"
    [failed] = {(n.title, n.body) for n in notices(NoticeKind.PUSH_FAILED)}
    assert failed[0] == "A push of “GOTV” failed"
    assert "keeps its current 1,200 voters" in failed[1]
    assert "send it again as IQM_123456_GOTV" in failed[1]
    assert "not-an-id" not in failed[1]  # never a voter's row


def test_a_held_push_is_recorded_and_told_to_admins_and_managers_and_its_answer_too(org_a, team):
    push(org_a, 1200)
    push(org_a, 900, sender=STRANGER)
    audience = audience_of(org_a)
    [held] = entries(audience, HistoryAction.REFRESH_HELD)
    assert held.actor_l2_customer_id == STRANGER[0]
    assert {n.user_id for n in notices(NoticeKind.REFRESH_HELD)} == {
        team[Role.ADMIN].pk,
        team[Role.MANAGER].pk,
    }

    admin = team[Role.ADMIN]
    admin.first_name, admin.last_name = "Maria", "Lopez"
    admin.save()
    pending_refresh_decline(audience=audience, user=admin)
    [declined] = entries(audience, HistoryAction.REFRESH_DECLINED)
    assert (declined.actor_kind, declined.actor_name) == ("user", "Maria Lopez")
    assert declined.details["customer_id"] == STRANGER[0]

    push(org_a, 800, sender=STRANGER, start=9000)
    pending_refresh_approve(audience=audience, user=admin, trust=True)
    [approved] = entries(audience, HistoryAction.REFRESH_APPROVED)
    assert approved.details["trusted"] is True
