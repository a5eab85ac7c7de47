"""Pushes refused for their name (docs/l2-endpoint.md › Refused pushes): no push is lost in silence.

A signed push whose name routes nowhere (``invalid_universe_name``, ``unknown_account``,
``account_not_accepting``) is answered 422 as before, and recorded here — what L2 sent and was told, never
its file, which is deleted as the request ends. It is not a transmission: its webhook-id stays free, so the
corrected push may reuse it. When the name evidently means a real organization, its admins get a notice
saying what to do (docs/notices.md), at most one per organization and universe name an hour.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.selectors import organization_get_by_account_id
from notices.models import NoticeKind
from notices.services import notice_send

from . import naming
from .models import RefusalCode, RefusedPush

logger = logging.getLogger(__name__)

# Advisory-lock class of "an organization's refused-push notices" (l2_ingest.load_lock uses 7401).
NOTICE_LOCK_NAMESPACE = 7402
NOTICE_WINDOW = dt.timedelta(hours=1)
TITLE_NAME_LENGTH = 80


def refused_push_record(
    *,
    code: str,
    reason: str,
    metadata: dict,
    webhook_id: str,
    signed_with_id: int | None,
    sender_ip: str | None,
    body_bytes: int,
    members_bytes: int,
) -> RefusedPush:
    """Record a signed push refused for its name, and tell the organization it evidently names.

    ``metadata`` is what the endpoint parsed (``receiving.parse_metadata``): bounded texts, no file.
    """
    universe_name = metadata["universe_name"]
    account_id = naming.account_id_in_name(universe_name) or ""
    organization = organization_get_by_account_id(account_id=int(account_id)) if account_id else None
    with transaction.atomic():
        notified = organization is not None and _notice_send_limited(
            organization=organization,
            code=code,
            universe_name=universe_name,
            account_id=account_id,
            metadata=metadata,
        )
        return RefusedPush.objects.create(
            webhook_id=webhook_id,
            signed_with_id=signed_with_id,
            sender_ip=sender_ip,
            universe_name=universe_name,
            universe_id=metadata["universe_id"],
            customer_id=metadata["customer_id"],
            username=metadata["username"],
            app_id=metadata["app_id"],
            cardinality=metadata["cardinality"],
            date_created=metadata["date_created"],
            body_bytes=body_bytes,
            members_bytes=members_bytes,
            code=RefusalCode(code),
            reason=reason,
            account_id=account_id,
            organization=organization,
            notified=notified,
        )


def _notice_send_limited(
    *, organization: Organization, code: str, universe_name: str, account_id: str, metadata: dict
) -> bool:
    """Send the notice unless the organization heard of this name within the hour, or of too many refused
    pushes; True when it was sent. Runs inside the transaction that records the push.

    The limit is kept in the record itself (its ``notified`` flag), checked and written under a lock per
    organization held to the end of the transaction, rather than in the cache: a cache ``add`` is atomic on
    Redis only (locmem counts per process), the endpoint must not depend on Redis (docs/l2-endpoint.md ›
    Responses), and this way a notice is counted exactly when its record commits. PostgreSQL's
    transaction-level advisory lock makes concurrent refusals for one organization take turns; the embedded
    SQLite takes its write lock as each transaction begins (settings: IMMEDIATE), which serializes them too.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [NOTICE_LOCK_NAMESPACE, organization.pk % 2**31]
            )
    recent = RefusedPush.objects.filter(
        organization=organization, notified=True, received_at__gte=timezone.now() - NOTICE_WINDOW
    )
    told = list(recent.values_list("universe_name", flat=True)[: settings.L2_REFUSED_PUSH_NOTICES_PER_HOUR])
    if universe_name in told or len(told) >= settings.L2_REFUSED_PUSH_NOTICES_PER_HOUR:
        return False
    title, body = refused_push_notice_text(
        code=code,
        universe_name=universe_name,
        account_id=account_id,
        organization=organization,
        username=metadata["username"],
        customer_id=metadata["customer_id"],
    )
    try:
        with transaction.atomic():  # a savepoint: a notice that fails leaves the record, unnotified
            sent = notice_send(
                organization=organization,
                kind=NoticeKind.PUSH_REFUSED,
                title=title,
                body=body,
                link=reverse("accounts:organizations"),
            )
    except Exception as error:
        logger.error(
            "refused push: the notice to %s failed (%s)", organization.account_id, type(error).__name__
        )
        return False
    return bool(sent)


def _sender(username: str, customer_id: str) -> str:
    if username:
        return f"L2 user {username}"
    if customer_id:
        return f"L2 customer {customer_id}"
    return "An L2 user"


def refused_push_notice_text(
    *,
    code: str,
    universe_name: str,
    account_id: str,
    organization: Organization,
    username: str = "",
    customer_id: str = "",
) -> tuple[str, str]:
    """(title, body) of the notice, in advertiser words: who sent what, why it was refused, what to do.

    Only what L2 typed (the universe name, the sender) is quoted; nothing of the file.
    """
    shown = universe_name
    if len(shown) > TITLE_NAME_LENGTH:
        shown = shown[: TITLE_NAME_LENGTH - 1] + "…"
    title = f"A universe sent from L2 was refused: “{shown}”"
    sent = f"{_sender(username, customer_id)} sent “{universe_name}”"
    pattern = f"IQM_{account_id}_<segment name>"
    if code == RefusalCode.ACCOUNT_NOT_ACCEPTING:
        why = (
            f"{sent}, but {organization.name} does not accept universes from L2 at the moment. If you want "
            f"it, ask IQM support to turn L2 universes on for {organization.name}, then have it sent again."
        )
    elif code == RefusalCode.INVALID_UNIVERSE_NAME:
        why = f"{sent} — {_name_advice(universe_name, pattern)}"
    else:  # an account ID no organization has: nobody to tell, so never reached; worded all the same
        why = f"{sent} — no organization has the ID {account_id}."
    return title, f"{why} Nothing was loaded, and its file was not kept."


def _name_advice(universe_name: str, pattern: str) -> str:
    """What is wrong with the name, and how to send it again, for the mistakes that still show an ID."""
    try:
        naming.parse_universe_name(universe_name)
    except naming.UniverseNameError as error:
        reason, corrected = error.reason, error.corrected
    else:  # valid after all: not refused for its name
        return f"send it again as {pattern}."
    if reason == naming.NO_SEGMENT:
        return f"the segment name is missing; send it again as {pattern}."
    if reason == naming.MISFORMATTED and corrected:
        return f"the name is not written {pattern}; send it again as {corrected}."
    if reason == naming.SEGMENT_TOO_LONG:
        return (
            f"the segment name is longer than {naming.MAX_SEGMENT_LENGTH} characters; send it again as "
            f"{pattern} with a shorter one."
        )
    if reason == naming.SEGMENT_NOT_PRINTABLE:
        return (
            "the segment name holds a character that cannot be shown (an invisible or formatting one); "
            f"retype it and send it again as {pattern}."
        )
    return f"the name does not follow {pattern}; send it again named so."


def refused_pushes_delete_old(*, now: dt.datetime | None = None) -> int:
    """Delete records of refused pushes past ``L2_REFUSED_PUSH_RETENTION_DAYS``: the table stays bounded
    whatever a signed sender sends. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.L2_REFUSED_PUSH_RETENTION_DAYS)
    deleted, _ = RefusedPush.objects.filter(received_at__lt=cutoff).delete()
    if deleted:
        logger.info("%s refused push record(s) older than the retention deleted", deleted)
    return deleted
