"""Writes of the L2 ingest: partner secrets, accepting a transmission, retries and the sweeper."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iqm_portal.exceptions import ApplicationError

from .models import PartnerSecret, Transmission, TransmissionStatus
from .signing import generate_secret

logger = logging.getLogger(__name__)


# --- Partner secrets ----------------------------------------------------------------------------------------


def partner_secret_create(*, label: str, created_by=None) -> tuple[PartnerSecret, str]:
    """A new active signing secret; the plain secret is returned once, here, and never shown again."""
    label = label.strip()
    if not label:
        raise ApplicationError("Give the secret a label, e.g. “L2 production 2026”.", field="label")
    secret = generate_secret()
    record = PartnerSecret.objects.create(label=label, secret=secret, hint=secret[:10], created_by=created_by)
    logger.info("partner secret %s created (%s)", record.pk, record.hint)
    return record, secret


def partner_secret_revoke(*, secret: PartnerSecret) -> PartnerSecret:
    if secret.revoked_at is None:
        secret.revoked_at = timezone.now()
        secret.save(update_fields=["revoked_at"])
        logger.info("partner secret %s revoked", secret.pk)
    return secret


def active_signing_keys() -> list[tuple[int, str]]:
    return list(PartnerSecret.objects.filter(revoked_at__isnull=True).values_list("pk", "secret"))


# --- Queueing -----------------------------------------------------------------------------------------------


def transmission_enqueue_on_commit(transmission: Transmission) -> None:
    """Queue the ingest once the row is committed: a worker must never look for a row not yet visible."""
    from .tasks import ingest_transmission

    transaction.on_commit(lambda: _send(ingest_transmission, transmission.pk))


def _send(task, transmission_id) -> None:
    try:
        task.delay(str(transmission_id))
    except Exception:
        # The broker is down: the transmission stays queued and the sweeper sends it when it is back.
        logger.exception(
            "transmission %s: could not reach the broker; the sweeper will queue it", transmission_id
        )


@transaction.atomic
def transmission_retry(*, transmission: Transmission) -> bool:
    """Put a failed transmission back in the queue (an ops action); False when it cannot be retried."""
    locked = Transmission.objects.select_for_update().get(pk=transmission.pk)
    if locked.status != TransmissionStatus.FAILED:
        return False
    if not locked.members_file:
        return False
    locked.status = TransmissionStatus.QUEUED
    locked.queued_at = timezone.now()
    locked.progress = 0.0
    locked.failure_code = ""
    locked.failure_reason = ""
    locked.finished_at = None
    locked.save()
    transmission_enqueue_on_commit(locked)
    logger.info("transmission %s: retry requested", locked.pk)
    return True


def transmissions_requeue_stalled(*, now: dt.datetime | None = None) -> list[str]:
    """Re-queue transmissions left queued, or processing with a stale heartbeat (a dead worker).

    Sending twice is harmless: a task claims its transmission before working on it.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.L2_STALE_AFTER_SECONDS)
    requeued = []
    for transmission in Transmission.objects.filter(status=TransmissionStatus.QUEUED, queued_at__lt=stale):
        requeued.append(transmission)
    for transmission in Transmission.objects.filter(
        status=TransmissionStatus.PROCESSING, heartbeat_at__lt=stale
    ):
        requeued.append(transmission)
    from .tasks import ingest_transmission

    for transmission in requeued:
        Transmission.objects.filter(pk=transmission.pk, status=transmission.status).update(queued_at=now)
        logger.warning(
            "transmission %s: %s since %s, queued again", transmission.pk, transmission.status, stale
        )
        _send(ingest_transmission, transmission.pk)
    return [str(t.pk) for t in requeued]


def transmission_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete members files of failed transmissions older than the retention: voter data is not hoarded."""
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.L2_FAILED_FILE_RETENTION_DAYS)
    expired = Transmission.objects.filter(status=TransmissionStatus.FAILED, finished_at__lt=cutoff).exclude(
        members_file=""
    )
    count = 0
    for transmission in expired:
        default_storage.delete(transmission.members_file)
        Transmission.objects.filter(pk=transmission.pk).update(members_file="")
        count += 1
    return count
