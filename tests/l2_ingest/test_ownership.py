"""Who may refresh a segment (docs/l2-endpoint.md): held pushes, approval, named L2 customers."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import L2Customer
from accounts.services import l2_customer_add
from audiences.models import Audience, AudienceStatus
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from iqm_portal.exceptions import ApplicationError
from l2_ingest.approvals import (
    held_transmissions_expire,
    pending_refresh_approve,
    pending_refresh_decline,
    pending_refresh_get,
)
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.pipeline import transmission_process
from tests.factories import CampaignFactory, InsertionOrderFactory, MembershipFactory
from tests.l2_ingest.helpers import ids_file, stored_transmission

pytestmark = pytest.mark.django_db(transaction=True)

ANN = ("L2CUST-ANN", "ann@ohio-dems.org")
STRANGER = ("L2CUST-EVE", "eve@elsewhere.org")


def push(org, n: int, sender=ANN, *, segment="GOTV", start=1000, **fields) -> Transmission:
    """A push as the endpoint stores it, then processed by the worker."""
    transmission = stored_transmission(
        org, ids_file(n, start=start), segment=segment, customer_id=sender[0], username=sender[1], **fields
    )
    transmission_process(transmission.pk)
    transmission.refresh_from_db()
    return transmission


def audience_of(org, segment="GOTV") -> Audience:
    return Audience.objects.get(organization=org, l2_segment_name=segment)


@pytest.fixture
def editor(org_a):
    return MembershipFactory(organization=org_a).user


def test_the_push_that_creates_a_segment_owns_it(org_a):
    push(org_a, 2000)
    audience = audience_of(org_a)
    assert (audience.l2_owner_customer_id, audience.l2_owner_username) == ANN
    assert audience.status == AudienceStatus.READY and audience.voter_count == 2000


def test_a_strangers_push_is_held_and_changes_nothing_users_see(org_a):
    push(org_a, 2000)
    before = audience_of(org_a)
    held = push(org_a, 3, STRANGER, start=9000)

    assert held.status == TransmissionStatus.HELD
    assert default_storage.exists(held.members_file)  # kept for an approval
    after = audience_of(org_a)
    assert (after.current_version_id, after.voter_count, after.status) == (
        before.current_version_id,
        2000,
        AudienceStatus.READY,
    )
    assert (after.l2_owner_customer_id, after.l2_customer_id) == (ANN[0], ANN[0])
    pending = pending_refresh_get(audience=after)
    assert (pending.kind, pending.customer_id, pending.username, pending.transmission) == (
        "held_push",
        *STRANGER,
        held,
    )


@pytest.mark.parametrize(
    ("owner", "sender"),
    [(ANN, ("", "")), (("", ""), ANN)],
    ids=["none-where-there-was-one", "one-where-there-was-none"],
)
def test_a_push_without_a_customer_id_is_another_customer(org_a, owner, sender):
    push(org_a, 5, owner)
    assert push(org_a, 3, sender, start=9000).status == TransmissionStatus.HELD


def test_the_owners_next_push_refreshes_as_before(org_a):
    push(org_a, 5)
    assert push(org_a, 7, start=5000).status == TransmissionStatus.SUCCEEDED
    assert audience_of(org_a).voter_count == 7


def test_a_newer_held_push_replaces_the_older(org_a):
    push(org_a, 5)
    older = push(org_a, 3, STRANGER, start=9000)
    newer = push(org_a, 4, ("L2CUST-MAL", "mal@x.org"), start=9100)
    older.refresh_from_db()
    assert (older.status, older.failure_code) == (TransmissionStatus.DECLINED, "replaced")
    assert "newer push" in older.failure_reason and not default_storage.exists(older.members_file or "gone")
    assert newer.status == TransmissionStatus.HELD
    assert pending_refresh_get(audience=audience_of(org_a)).transmission == newer


def test_approve_loads_the_held_push_and_moves_ownership(org_a, editor):
    push(org_a, 5)
    held = push(org_a, 3, STRANGER, start=9000)

    pending_refresh_approve(audience=audience_of(org_a), user=editor)
    held.refresh_from_db()
    assert held.status == TransmissionStatus.QUEUED and held.reviewed_by == editor
    assert transmission_process(held.pk) == "succeeded"

    audience = audience_of(org_a)
    assert audience.voter_count == 3 and audience.l2_owner_customer_id == STRANGER[0]
    assert not L2Customer.objects.exists()  # approved, not trusted
    assert pending_refresh_get(audience=audience) is None
    # The segment is the stranger's now: the former owner's next push waits in turn.
    assert push(org_a, 5, start=1000).status == TransmissionStatus.HELD


def test_approve_and_trust_names_the_customer(org_a, editor):
    push(org_a, 5)
    push(org_a, 3, STRANGER, start=9000)
    pending_refresh_approve(audience=audience_of(org_a), user=editor, trust=True)
    customer = L2Customer.objects.get()
    assert (customer.organization, customer.customer_id, customer.added_by) == (org_a, STRANGER[0], editor)


def test_decline_ends_the_push_and_deletes_its_file(org_a, editor):
    push(org_a, 5)
    held = push(org_a, 3, STRANGER, start=9000)
    pending_refresh_decline(audience=audience_of(org_a), user=editor)
    held.refresh_from_db()
    assert (held.status, held.failure_code, held.reviewed_by) == (
        TransmissionStatus.DECLINED,
        "declined",
        editor,
    )
    assert held.members_file == "" and default_storage.listdir("l2/test")[1] == []
    assert audience_of(org_a).voter_count == 5
    with pytest.raises(ApplicationError) as nothing:
        pending_refresh_decline(audience=audience_of(org_a), user=editor)
    assert (nothing.value.code, nothing.value.status) == ("no_pending_refresh", 404)


def test_held_pushes_expire_declined_after_14_days(org_a):
    push(org_a, 5)
    held = push(org_a, 3, STRANGER, start=9000)
    fresh = push(org_a, 3, STRANGER, segment="Other", start=9000)  # creates its own segment: not held
    assert fresh.status == TransmissionStatus.SUCCEEDED
    Transmission.objects.filter(pk=held.pk).update(
        received_at=timezone.now() - dt.timedelta(days=14, hours=1)
    )

    assert held_transmissions_expire() == 1
    held.refresh_from_db()
    assert (held.status, held.failure_code) == (TransmissionStatus.DECLINED, "expired")
    assert not default_storage.exists(held.members_file or "gone")


def test_a_named_customers_push_is_never_held(org_a):
    push(org_a, 5)
    l2_customer_add(organization=org_a, customer_id=STRANGER[0])
    assert push(org_a, 3, STRANGER, start=9000).status == TransmissionStatus.SUCCEEDED
    assert audience_of(org_a).voter_count == 3


def test_a_new_segment_from_an_unnamed_customer_awaits_approval_and_is_never_targetable(org_a, editor):
    l2_customer_add(organization=org_a, customer_id=ANN[0])
    assert push(org_a, 4, STRANGER, segment="Surprise").status == TransmissionStatus.SUCCEEDED
    audience = audience_of(org_a, "Surprise")
    assert audience.status == AudienceStatus.AWAITING_APPROVAL and audience.voter_count == 4
    assert not audience.is_targetable

    campaign = CampaignFactory(insertion_order=InsertionOrderFactory(organization=org_a))
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert [(r.code, "approve it" in r.reason) for r in result.refused] == [
        ("audience_awaiting_approval", True)
    ]

    # The same unnamed customer refreshes its own segment: it loads, and still awaits approval.
    assert push(org_a, 6, STRANGER, segment="Surprise", start=5000).status == TransmissionStatus.SUCCEEDED
    assert audience_of(org_a, "Surprise").status == AudienceStatus.AWAITING_APPROVAL

    pending = pending_refresh_approve(audience=audience_of(org_a, "Surprise"), user=editor)
    assert pending.kind == "new_segment"
    audience = audience_of(org_a, "Surprise")
    assert (audience.status, audience.voter_count) == (AudienceStatus.READY, 6)
    [result] = campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    assert result.ok and [c.audience_id for c in result.applied] == [audience.pk]


def test_with_nobody_named_new_segments_load_as_before(org_a):
    push(org_a, 4, STRANGER, segment="Anyone")
    assert audience_of(org_a, "Anyone").status == AudienceStatus.READY


def test_a_named_customers_new_segment_is_ready_at_once(org_a):
    l2_customer_add(organization=org_a, customer_id=ANN[0])
    push(org_a, 4, segment="Known")
    assert audience_of(org_a, "Known").status == AudienceStatus.READY


def test_declining_a_new_segment_deletes_the_unapproved_audience(org_a, editor):
    l2_customer_add(organization=org_a, customer_id=ANN[0])
    push(org_a, 4, STRANGER, segment="Unwanted")
    pending_refresh_decline(audience=audience_of(org_a, "Unwanted"), user=editor)
    assert not Audience.objects.filter(l2_segment_name="Unwanted").exists()


def test_a_failed_load_awaiting_approval_becomes_failed_once_approved(org_a, editor):
    l2_customer_add(organization=org_a, customer_id=ANN[0])
    transmission = stored_transmission(
        org_a, b"LALVOTERID\nnope\n", segment="Broken", customer_id=STRANGER[0], username=STRANGER[1]
    )
    transmission_process(transmission.pk)
    audience = audience_of(org_a, "Broken")
    assert (
        audience.status == AudienceStatus.AWAITING_APPROVAL
        and "No valid LALVOTERID" in audience.status_reason
    )
    pending_refresh_approve(audience=audience, user=editor)
    assert audience_of(org_a, "Broken").status == AudienceStatus.FAILED


def test_an_awaiting_audience_cannot_be_duplicated(org_a):
    from audiences.services import audience_duplicate

    l2_customer_add(organization=org_a, customer_id=ANN[0])
    push(org_a, 4, STRANGER, segment="Copy me")
    with pytest.raises(ApplicationError) as refused:
        audience_duplicate(actor=SYSTEM, audience=audience_of(org_a, "Copy me"))
    assert refused.value.code == "audience_awaiting_approval"


def test_one_organizations_named_customers_do_not_count_for_another(org_a, org_b):
    l2_customer_add(organization=org_b, customer_id=STRANGER[0])
    push(org_a, 5)
    assert push(org_a, 3, STRANGER, start=9000).status == TransmissionStatus.HELD
