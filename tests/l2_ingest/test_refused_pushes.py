"""Pushes refused for their name (docs/l2-endpoint.md › Refused pushes): recorded without their file and
without a transmission, told to the admins of the organization they evidently name, at most once per name
an hour, and kept for a bounded time."""

import datetime as dt
import itertools
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audiences.voter_store import member_count
from l2_ingest.models import PartnerSecret, RefusalCode, RefusedPush, Transmission, TransmissionStatus
from l2_ingest.pipeline import transmission_process
from l2_ingest.refused_pushes import NOTICE_LOCK_NAMESPACE, refused_push_record, refused_pushes_delete_old
from l2_ingest.signing import generate_secret
from l2_ingest.tasks import delete_old_refused_pushes
from notices.models import Notice, NoticeKind
from tests.factories import MembershipFactory
from tests.l2_ingest.helpers import ids_file, metadata, multipart, push, signed

pytestmark = pytest.mark.django_db

FULL_METADATA = {
    "universe_id": "0000100010482",
    "customer_id": "L2CUST-889",
    "username": "jdoe@campaign.org",
    "app_id": "VM_OH",
    "cardinality": 3,
    "date_created": "2026-10-02 09:14:55-0400",
    "description": "Likely voters, Franklin County",
}


def refused(client, secret, name, members=None, **fields):
    """Push a universe under ``name``; return the (422) response."""
    webhook_id = fields.pop("webhook_id", None)
    body = multipart(metadata(name=name, **{**FULL_METADATA, **fields}), members or ids_file(3))
    response = push(client, secret, body, webhook_id=webhook_id)
    assert response.status_code == 422, response.content
    return response


MEMBER_NUMBERS = itertools.count(1)


def member(organization, role):
    """A member who never signs in here: no password to hash (which is slow on purpose)."""
    number = next(MEMBER_NUMBERS)
    user = get_user_model().objects.create(username=f"member{number}", email=f"member{number}@example.org")
    return MembershipFactory(organization=organization, role=role, user=user).user


def team(organization):
    """Two admins, a manager and a viewer of the organization."""
    return {
        "admins": {member(organization, Role.ADMIN) for _ in range(2)},
        "manager": member(organization, Role.MANAGER),
        "viewer": member(organization, Role.VIEWER),
    }


def told(organization) -> list[Notice]:
    return list(Notice.objects.filter(organization=organization, kind=NoticeKind.PUSH_REFUSED))


# --- The record ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "account_id", "names_org_a"),
    [
        ("IQM_123456_", RefusalCode.INVALID_UNIVERSE_NAME, "123456", True),
        ("L2_123456_CustomSegment", RefusalCode.INVALID_UNIVERSE_NAME, "", False),
        ("IQM_999999_CustomSegment", RefusalCode.UNKNOWN_ACCOUNT, "999999", False),
        ("IQM_123456_CustomSegment", RefusalCode.ACCOUNT_NOT_ACCEPTING, "123456", True),
    ],
)
def test_each_refusal_is_recorded_with_its_metadata_and_no_file_nor_transmission(
    client, org_a, l2_secret, media_files, name, code, account_id, names_org_a
):
    team(org_a)
    if code == RefusalCode.ACCOUNT_NOT_ACCEPTING:
        org_a.accepts_transmissions = False
        org_a.save()
    members = ids_file(5)
    body = multipart(metadata(name=name, **FULL_METADATA), members)

    response = push(client, l2_secret, body, webhook_id="msg_refused_1")

    assert response.status_code == 422 and response.json()["code"] == code
    record = RefusedPush.objects.get()
    assert (record.universe_name, record.code, record.reason) == (name, code, response.json()["detail"])
    assert (record.webhook_id, record.signed_with, record.sender_ip) == (
        "msg_refused_1",
        PartnerSecret.objects.get(),
        "127.0.0.1",
    )
    assert (record.universe_id, record.customer_id, record.username, record.app_id) == (
        "0000100010482",
        "L2CUST-889",
        "jdoe@campaign.org",
        "VM_OH",
    )
    assert record.cardinality == 3
    assert record.date_created == dt.datetime(2026, 10, 2, 13, 14, 55, tzinfo=dt.UTC)
    assert (record.body_bytes, record.members_bytes) == (len(body), len(members))
    assert record.account_id == account_id
    assert record.organization == (org_a if names_org_a else None)
    assert record.notified is names_org_a
    assert Notice.objects.exists() is names_org_a
    assert Transmission.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda h: h.update(HTTP_WEBHOOK_SIGNATURE="v1,Zm9v"), id="bad signature"),
        pytest.param(lambda h: h.pop("HTTP_WEBHOOK_SIGNATURE"), id="no signature"),
    ],
)
def test_a_push_without_a_good_signature_is_not_recorded(client, org_a, l2_secret, tamper):
    team(org_a)
    body = multipart(metadata(name="IQM_123456_"), ids_file(3))
    headers = signed(l2_secret, body)
    tamper(headers)
    assert push(client, l2_secret, body, headers=headers).status_code == 401
    assert push(client, generate_secret(), body).status_code == 401  # a stranger's secret
    assert RefusedPush.objects.count() == 0 and Notice.objects.count() == 0


def test_a_malformed_push_is_not_a_refused_push(client, org_a, l2_secret):
    response = push(
        client, l2_secret, multipart(metadata(name="IQM_123456_", cardinality="many"), ids_file(1))
    )
    assert response.status_code == 400
    assert RefusedPush.objects.count() == 0


def test_the_record_and_the_notice_hold_no_voter_data(client, org_a, l2_secret, caplog):
    team(org_a)
    members = (
        b"LALVOTERID\tVoters_FirstName\tVoters_LastName\tResidence_Addresses_AddressLine\n"
        b"LALOH7310042\tZebulon\tQuixotefield\t742 Evergreen Terrace\n"
    )

    refused(client, l2_secret, "IQM_123456_", members=members)

    record = RefusedPush.objects.get()
    notices = told(org_a)
    assert notices
    texts = [str(model_to_dict(record))] + [f"{n.title} {n.body} {n.link}" for n in notices]
    texts.append(caplog.text)
    for voter_value in ["LALOH7310042", "Zebulon", "Quixotefield", "Evergreen", "Voters_FirstName"]:
        assert not any(voter_value in text for text in texts), voter_value
    assert "Franklin County" not in str(model_to_dict(record))  # the free-text description is not kept


def test_a_record_that_cannot_be_written_leaves_the_answer_as_it_was(client, org_a, l2_secret):
    team(org_a)
    answered = refused(client, l2_secret, "IQM_123456_").json()
    RefusedPush.objects.all().delete()
    Notice.objects.all().delete()
    with connection.cursor() as cursor:  # every insert now fails in the database itself
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: the table may change
        cursor.execute("ALTER TABLE l2_ingest_refusedpush ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")

    response = refused(client, l2_secret, "IQM_123456_")

    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == answered
    assert RefusedPush.objects.count() == 0
    assert Notice.objects.count() == 0  # the notice went with the record it belongs to


# --- The webhook-id stays free ------------------------------------------------------------------------------


def test_the_corrected_push_may_reuse_the_refused_ones_webhook_id_and_loads(client, org_a, l2_secret):
    refused(client, l2_secret, "IQM_123456_", webhook_id="msg_fix_me")

    corrected = multipart(metadata(name="IQM_123456_CustomSegment", **FULL_METADATA), ids_file(4))
    response = push(client, l2_secret, corrected, webhook_id="msg_fix_me")

    assert response.status_code == 202, response.content
    transmission = Transmission.objects.get()
    assert transmission.webhook_id == "msg_fix_me"
    assert transmission_process(transmission.pk) == "succeeded"
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.SUCCEEDED
    assert member_count(transmission.version_id) == 4
    assert RefusedPush.objects.get().webhook_id == "msg_fix_me"  # the refusal stays on record


# --- Who is told --------------------------------------------------------------------------------------------


def test_only_the_named_organizations_admins_are_told(client, org_a, org_b, l2_secret):
    a, b = team(org_a), team(org_b)

    refused(client, l2_secret, "IQM_123456_")

    notices = told(org_a)
    assert {n.user for n in notices} == a["admins"]
    assert Notice.objects.exclude(pk__in=[n.pk for n in notices]).count() == 0
    assert not Notice.objects.filter(
        user__in=[a["manager"], a["viewer"], *b["admins"], b["manager"]]
    ).exists()
    notice = notices[0]
    assert notice.title == "A universe sent from L2 was refused: “IQM_123456_”"
    assert notice.body == (
        "L2 user jdoe@campaign.org sent “IQM_123456_” — the segment name is missing; send it again as "
        "IQM_123456_<segment name>. Nothing was loaded, and its file was not kept."
    )
    assert notice.link == reverse("accounts:organizations")


def test_an_organization_without_admins_is_not_counted_as_told(client, org_a, l2_secret):
    member(org_a, Role.MANAGER)
    refused(client, l2_secret, "IQM_123456_")
    assert RefusedPush.objects.get().notified is False and Notice.objects.count() == 0


def test_an_unknown_account_tells_nobody(client, org_a, org_b, l2_secret):
    team(org_a), team(org_b)
    refused(client, l2_secret, "IQM_999999_CustomSegment")
    assert Notice.objects.count() == 0
    assert RefusedPush.objects.get().notified is False


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("IQM_123456", "the segment name is missing; send it again as IQM_123456_<segment name>."),
        (
            "IQM_[123456]_[Likely Dems]",
            "the name is not written IQM_123456_<segment name>; send it again as IQM_123456_Likely Dems.",
        ),
        ("iqm-123456-Likely Dems", "send it again as IQM_123456_Likely Dems."),
        ("IQM_123456_" + "x" * 201, "the segment name is longer than 200 characters"),
        ("IQM_123456_Likely\u200bDems", "holds a character that cannot be shown"),
        ("IQM_[123456]_Likely Dems", "the name does not follow IQM_123456_<segment name>"),
    ],
)
def test_the_notice_says_what_is_wrong_with_the_name_and_how_to_send_it(client, org_a, l2_secret, name, says):
    team(org_a)
    refused(client, l2_secret, name)
    assert says in told(org_a)[0].body


def test_an_organization_not_accepting_is_told_how_to_receive_it(client, org_a, l2_secret):
    team(org_a)
    org_a.accepts_transmissions = False
    org_a.save()
    refused(client, l2_secret, "IQM_123456_Likely Dems", username="", customer_id="L2CUST-889")
    assert told(org_a)[0].body == (
        "L2 customer L2CUST-889 sent “IQM_123456_Likely Dems”, but Alpha for Ohio does not accept universes "
        "from L2 at the moment. If you want it, ask IQM support to turn L2 universes on for Alpha for Ohio, "
        "then have it sent again. Nothing was loaded, and its file was not kept."
    )


# --- At most one notice per organization and name an hour -----------------------------------------------------


def test_one_notice_per_organization_and_name_an_hour(client, org_a, org_b, l2_secret):
    a, b = team(org_a), team(org_b)

    refused(client, l2_secret, "IQM_123456_")
    refused(client, l2_secret, "IQM_123456_")
    assert len(told(org_a)) == len(a["admins"])  # one notice (to each admin), not two
    assert list(RefusedPush.objects.order_by("pk").values_list("notified", flat=True)) == [True, False]

    refused(client, l2_secret, "IQM-123456-Seg")  # another name: another notice
    assert len(told(org_a)) == 2 * len(a["admins"])

    refused(client, l2_secret, "IQM_777777_")  # another organization: its own limit
    assert {n.user for n in told(org_b)} == b["admins"]

    RefusedPush.objects.update(received_at=timezone.now() - dt.timedelta(minutes=61))
    refused(client, l2_secret, "IQM_123456_")  # an hour on, the same name is told again
    assert len(told(org_a)) == 3 * len(a["admins"])
    assert RefusedPush.objects.count() == 5 and RefusedPush.objects.filter(notified=True).count() == 4


def test_many_names_cannot_flood_an_organizations_admins(client, org_a, org_b, l2_secret, settings):
    settings.L2_REFUSED_PUSH_NOTICES_PER_HOUR = 3
    team(org_a), team(org_b)
    for i in range(5):
        refused(client, l2_secret, f"IQM-123456-Seg {i}")
    refused(client, l2_secret, "IQM_777777_")
    assert RefusedPush.objects.filter(organization=org_a).count() == 5  # every refusal is still recorded
    assert RefusedPush.objects.filter(organization=org_a, notified=True).count() == 3
    assert RefusedPush.objects.get(organization=org_b).notified is True


def _record(name="IQM_123456_"):
    return refused_push_record(
        code=RefusalCode.INVALID_UNIVERSE_NAME,
        reason="The universe name has no segment name.",
        metadata={
            "universe_name": name,
            "universe_id": "1",
            "customer_id": "",
            "username": "jdoe@campaign.org",
            "app_id": "",
            "cardinality": None,
            "date_created": None,
        },
        webhook_id="msg_race",
        signed_with_id=None,
        sender_ip=None,
        body_bytes=10,
        members_bytes=5,
    )


@pytest.mark.django_db(transaction=True)
def test_two_refusals_at_once_tell_the_organization_once(org_a):
    """The second refusal waits for the first's transaction, then sees that it was told: without the lock it
    would see no committed notice yet, and tell the admins again."""
    team(org_a)
    first_recorded, release_first = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                _record()
                first_recorded.set()
                release_first.wait(60)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def second():
        try:
            _record()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    assert first_recorded.wait(60)
    two.start()
    try:
        # The second either waits on the organization's notice lock, or (were there no lock) is done.
        _wait_until(lambda: _notice_lock_awaited() or not two.is_alive())
    finally:
        release_first.set()
        one.join(60)
        two.join(60)
    assert not errors
    assert RefusedPush.objects.count() == 2
    assert RefusedPush.objects.filter(notified=True).count() == 1
    assert len(told(org_a)) == 2  # one notice to each of the two admins


def _notice_lock_awaited() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND NOT granted",
            [NOTICE_LOCK_NAMESPACE],
        )
        return cursor.fetchone()[0] > 0


def _wait_until(condition) -> None:
    """A wait, not a timed assertion: the deadline only keeps a hang from hanging the suite."""
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the second refusal neither waited nor finished")
        time.sleep(0.05)


# --- Bounded ------------------------------------------------------------------------------------------------


def test_records_past_the_retention_are_deleted_by_the_hourly_task(org_a, settings):
    settings.L2_REFUSED_PUSH_RETENTION_DAYS = 90
    old, recent = _record(), _record("IQM-123456-x")
    now = timezone.now()
    RefusedPush.objects.filter(pk=old.pk).update(received_at=now - dt.timedelta(days=90, minutes=1))
    RefusedPush.objects.filter(pk=recent.pk).update(received_at=now - dt.timedelta(days=89))

    assert delete_old_refused_pushes() == 1
    assert list(RefusedPush.objects.values_list("pk", flat=True)) == [recent.pk]
    assert refused_pushes_delete_old(now=now + dt.timedelta(days=2)) == 1
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["l2_ingest.delete_old_refused_pushes"] == 3600.0


def test_an_organization_deleted_keeps_its_refused_pushes_without_it(org_a):
    record = _record()
    org_a.delete()
    record.refresh_from_db()
    assert record.organization is None and record.account_id == "123456"


# --- The ops admin ------------------------------------------------------------------------------------------


def test_ops_find_refused_pushes_by_name_customer_and_user_read_only(
    client, ops_client, org_a, org_b, l2_secret
):
    refused(client, l2_secret, "IQM_123456_", customer_id="L2CUST-ALPHA", username="ann@alpha.org")
    refused(client, l2_secret, "IQM_999999_Seg", customer_id="L2CUST-OTHER", username="bob@other.org")
    changelist = reverse("admin:l2_ingest_refusedpush_changelist")

    def listed(query: str) -> str:
        response = ops_client.get(changelist + query)
        assert response.status_code == 200
        return response.content.decode()

    for query in ["?q=IQM_123456_", "?q=L2CUST-ALPHA", "?q=ann@alpha.org", "?code__exact=invalid_universe_name",
                  f"?organization__id__exact={org_a.pk}"]:  # fmt: skip
        page = listed(query)
        assert "ann@alpha.org" in page and "bob@other.org" not in page, query
    assert "bob@other.org" in listed("?code__exact=unknown_account")
    record = RefusedPush.objects.get(username="ann@alpha.org")
    page = ops_client.get(reverse("admin:l2_ingest_refusedpush_change", args=[record.pk])).content.decode()
    assert "has no segment name" in page and "L2CUST-ALPHA" in page
    assert ops_client.get(reverse("admin:l2_ingest_refusedpush_add")).status_code == 403
    assert ops_client.post(reverse("admin:l2_ingest_refusedpush_delete", args=[record.pk])).status_code == 403
    assert RefusedPush.objects.count() == 2
