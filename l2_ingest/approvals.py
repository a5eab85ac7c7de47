"""Who may refresh a segment (docs/l2-endpoint.md › Who may refresh a segment).

A universe name's account ID is no secret, so a push to a segment from an L2 customer other than its owner
is held until the organization answers: **Approve** (it loads, and that customer owns the segment from then
on), **Approve and trust** (the same, and the customer joins the organization's named L2 customers) or
**Decline**. A new segment from a customer the organization has not named loads, but stays Awaiting
approval (never targetable) until approved. Held pushes expire, declined, after
``L2_HELD_PUSH_EXPIRY_DAYS``.

These services own the transmissions' side and call ``audiences`` and ``accounts`` for theirs; the
Audiences app never imports this module, it shows what ``l2_ingest.panels`` registers with it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.selectors import l2_customer_is_named
from accounts.services import l2_customer_add
from audiences.models import Audience, AudienceStatus
from audiences.services import audience_approve, audience_delete, audience_owner_set
from history.actors import SYSTEM, Actor
from history.models import HistoryAction
from history.services import history_record
from iqm_portal.exceptions import ApplicationError

from .models import Transmission, TransmissionStatus
from .push_notices import push_held_notify
from .services import transmission_enqueue_on_commit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingRefresh:
    """What waits on an audience: a held push, or (``new_segment``) the push that created it unapproved."""

    kind: str  # "held_push" or "new_segment"
    audience: Audience
    transmission: Transmission | None
    customer_id: str
    username: str
    received_at: dt.datetime | None


def new_segment_needs_approval(*, organization, customer_id: str) -> bool:
    """A new segment waits for approval when the organization names L2 customers and this is not one."""
    named = organization.l2_customers.exists()
    return named and not l2_customer_is_named(organization=organization, customer_id=customer_id)


def push_must_be_held(*, transmission: Transmission, audience: Audience) -> bool:
    """A push to a segment another customer owns waits, unless someone approved it or its sender is named."""
    if transmission.reviewed_at is not None:
        return False
    if transmission.customer_id == audience.l2_owner_customer_id:
        return False
    return not l2_customer_is_named(organization=audience.organization, customer_id=transmission.customer_id)


def _answer_record(
    *, transmission: Transmission, audience: Audience, action: str, actor: Actor, **details
) -> None:
    """The history entry of a push held, approved or declined: who sent it, and who answered."""
    sender = Actor.of_l2(customer_id=transmission.customer_id, username=transmission.username)
    history_record(
        organization_id=audience.organization_id,
        actor=actor,
        action=action,
        audience=audience,
        details={
            "sender": sender.name,
            "customer_id": transmission.customer_id,
            "username": transmission.username,
            "universe_id": transmission.universe_id,
            "transmission_id": str(transmission.pk),
            **details,
        },
    )


def _decline(transmission: Transmission, *, code: str, reason: str, user=None) -> None:
    """End a held push, declined, and delete its file: voters' data is not kept for nothing."""
    Transmission.objects.filter(pk=transmission.pk).update(
        status=TransmissionStatus.DECLINED,
        failure_code=code,
        failure_reason=reason,
        finished_at=timezone.now(),
        reviewed_at=timezone.now() if user else None,
        reviewed_by=user,
        members_file="",
        claim=None,
    )
    if transmission.members_file:
        transaction.on_commit(lambda: default_storage.delete(transmission.members_file))
    logger.info("transmission %s: declined (%s)", transmission.pk, code)


@transaction.atomic
def transmission_hold(*, transmission: Transmission, audience: Audience, token) -> str:
    """Hold this push for approval; the newer of two held pushes of a segment replaces the older.

    Called under the audience's load lock, so two pushes of one segment never decide this at once.
    """
    held = list(
        Transmission.objects.select_for_update()
        .filter(audience=audience, status=TransmissionStatus.HELD)
        .exclude(pk=transmission.pk)
    )
    newer = [other for other in held if other.received_at > transmission.received_at]
    replaced = "Replaced by a newer push of the same segment, held for approval in its place."
    if newer:  # this one arrived first but was processed last
        _decline(transmission, code="replaced", reason=replaced)
        return "declined"
    for older in held:
        _decline(older, code="replaced", reason=replaced)
    Transmission.objects.filter(pk=transmission.pk, claim=token).update(
        status=TransmissionStatus.HELD, claim=None, progress=0.0, heartbeat_at=timezone.now()
    )
    sender = Actor.of_l2(customer_id=transmission.customer_id, username=transmission.username)
    _answer_record(
        transmission=transmission, audience=audience, action=HistoryAction.REFRESH_HELD, actor=sender
    )
    push_held_notify(transmission=transmission, audience=audience, new_segment=False)
    logger.info("transmission %s: held for approval by the organization", transmission.pk)
    return "held"


def pending_refresh_get(*, audience: Audience) -> PendingRefresh | None:
    """The push that waits on the audience, if any (a held one first: it is what an answer acts on)."""
    held = audience.transmissions.filter(status=TransmissionStatus.HELD).order_by("-received_at").first()
    if held is not None:
        return PendingRefresh("held_push", audience, held, held.customer_id, held.username, held.received_at)
    if audience.status == AudienceStatus.AWAITING_APPROVAL:
        first = audience.transmissions.order_by("received_at").first()
        return PendingRefresh(
            "new_segment",
            audience,
            first,
            audience.l2_owner_customer_id,
            audience.l2_owner_username,
            first.received_at if first else audience.created_at,
        )
    return None


def pending_refreshes_of(*, audience_ids) -> dict[int, dict]:
    """For a page of audiences, in one query: who sent the push that waits on each (held pushes only)."""
    rows = (
        Transmission.objects.filter(audience_id__in=audience_ids, status=TransmissionStatus.HELD)
        .order_by("audience_id", "-received_at")
        .values("audience_id", "customer_id", "username", "received_at")
    )
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row["audience_id"], row)
    return found


def pending_refresh_require(*, audience: Audience) -> PendingRefresh:
    """What waits on the audience; a 404 ``no_pending_refresh`` when nothing does."""
    pending = pending_refresh_get(audience=audience)
    if pending is None:
        raise ApplicationError(
            f"No refresh of “{audience.name}” is waiting for approval.", code="no_pending_refresh", status=404
        )
    return pending


@transaction.atomic
def held_transmission_approve(*, transmission: Transmission, user, trust: bool = False) -> Transmission:
    """Load a held push: its customer owns the segment from now on (and, trusted, is named)."""
    locked = (
        Transmission.objects.select_for_update(of=("self",))
        .select_related("audience")
        .get(pk=transmission.pk)
    )
    if locked.status != TransmissionStatus.HELD or locked.audience is None:
        raise ApplicationError(
            "This push is no longer waiting for approval.", code="no_pending_refresh", status=409
        )
    now = timezone.now()
    locked.status = TransmissionStatus.QUEUED
    locked.queued_at = now
    locked.reviewed_at = now
    locked.reviewed_by = user
    locked.save(update_fields=["status", "queued_at", "reviewed_at", "reviewed_by"])
    audience = audience_owner_set(
        audience=locked.audience, customer_id=locked.customer_id, username=locked.username
    )
    # Whoever approves the push that replaces its members has looked at the segment: approve it too.
    audience_approve(audience=audience, loading=True)
    if trust and locked.customer_id:
        _trust(audience.organization, locked.customer_id, user)
    _answer_record(
        transmission=locked,
        audience=audience,
        action=HistoryAction.REFRESH_APPROVED,
        actor=Actor.of_user(user),
        trusted=trust,
    )
    transmission_enqueue_on_commit(locked)
    logger.info("transmission %s: approved (trusted: %s)", locked.pk, trust)
    return locked


@transaction.atomic
def held_transmission_decline(*, transmission: Transmission, user) -> None:
    locked = (
        Transmission.objects.select_for_update(of=("self",))
        .select_related("audience")
        .get(pk=transmission.pk)
    )
    if locked.status != TransmissionStatus.HELD:
        raise ApplicationError(
            "This push is no longer waiting for approval.", code="no_pending_refresh", status=409
        )
    _decline(locked, code="declined", reason="Declined by the organization.", user=user)
    if locked.audience is not None:
        _answer_record(
            transmission=locked,
            audience=locked.audience,
            action=HistoryAction.REFRESH_DECLINED,
            actor=Actor.of_user(user),
        )


def _trust(organization, customer_id: str, user) -> None:
    try:
        l2_customer_add(organization=organization, customer_id=customer_id, added_by=user)
    except ApplicationError as error:
        if error.code != "l2_customer_exists":
            raise


def pending_refresh_approve(*, audience: Audience, user, trust: bool = False) -> PendingRefresh:
    """Approve what waits on the audience: its held push, or the audience itself (a new segment)."""
    pending = pending_refresh_require(audience=audience)
    if pending.kind == "held_push":
        held_transmission_approve(transmission=pending.transmission, user=user, trust=trust)
        return pending
    with transaction.atomic():
        loading = audience.transmissions.filter(
            status__in=[TransmissionStatus.QUEUED, TransmissionStatus.PROCESSING]
        ).exists()
        audience_approve(audience=audience, loading=loading)
        if trust and pending.customer_id:
            _trust(audience.organization, pending.customer_id, user)
        if pending.transmission is not None:
            _answer_record(
                transmission=pending.transmission,
                audience=audience,
                action=HistoryAction.REFRESH_APPROVED,
                actor=Actor.of_user(user),
                trusted=trust,
                new_segment=True,
            )
    logger.info("audience %s: approved (trusted: %s)", audience.pk, trust)
    return pending


def pending_refresh_decline(*, audience: Audience, user) -> PendingRefresh:
    """Decline what waits: a held push ends declined; a new segment nobody approved is deleted."""
    pending = pending_refresh_require(audience=audience)
    if pending.kind == "held_push":
        held_transmission_decline(transmission=pending.transmission, user=user)
    else:
        with transaction.atomic():
            if pending.transmission is not None:
                _answer_record(
                    transmission=pending.transmission,
                    audience=audience,
                    action=HistoryAction.REFRESH_DECLINED,
                    actor=Actor.of_user(user),
                    new_segment=True,
                )
            # Never targetable, so no campaign can hold it.
            audience_delete(audience=audience, actor=Actor.of_user(user))
        logger.info("audience %s: new segment declined and deleted", audience.pk)
    return pending


def held_transmissions_expire(*, now: dt.datetime | None = None) -> int:
    """Decline held pushes nobody answered within ``L2_HELD_PUSH_EXPIRY_DAYS``."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.L2_HELD_PUSH_EXPIRY_DAYS)
    expired = 0
    for transmission in Transmission.objects.filter(status=TransmissionStatus.HELD, received_at__lt=cutoff):
        with transaction.atomic():
            locked = Transmission.objects.select_for_update().get(pk=transmission.pk)
            if locked.status != TransmissionStatus.HELD:
                continue
            reason = f"Nobody approved it within {settings.L2_HELD_PUSH_EXPIRY_DAYS} days."
            _decline(locked, code="expired", reason=reason)
            if locked.audience_id is not None:
                _answer_record(
                    transmission=locked,
                    audience=Audience.objects.get(pk=locked.audience_id),
                    action=HistoryAction.REFRESH_DECLINED,
                    actor=SYSTEM,
                    reason=reason,
                )
            expired += 1
    return expired
