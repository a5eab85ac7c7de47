"""Writes of the L2 ingest: partner secrets, accepting a transmission, retries and the sweeper."""

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iqm_portal.exceptions import ApplicationError

from .load_lock import audiences_being_loaded, is_being_loaded
from .models import PartnerSecret, Transmission, TransmissionStatus
from .signing import generate_secret

logger = logging.getLogger(__name__)

MEMBERS_FOLDER = "l2"  # where accepted members files are stored (see receiving)


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
    except Exception as error:
        # The broker is down: the transmission stays queued, marked as never sent (no queued_at), and the
        # sweeper sends it on its first round once the broker is back.
        Transmission.objects.filter(pk=transmission_id, status=TransmissionStatus.QUEUED).update(
            queued_at=None
        )
        logger.warning(
            "transmission %s: could not reach the broker (%s); the sweeper will queue it",
            transmission_id,
            type(error).__name__,
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
    """Queue again what nothing is working on: transmissions the broker never took (its outage), queued
    ones left waiting, and processing ones whose worker is dead.

    A worker is known dead at once when its audience's load lock is free (PostgreSQL released it with the
    worker's connection; see ``load_lock``), else once its heartbeat is stale. Sending twice is harmless:
    a task claims its transmission before working on it.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.L2_STALE_AFTER_SECONDS)
    waiting = Transmission.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale), status=TransmissionStatus.QUEUED
    )
    requeued = list(waiting)
    # Processing ones first, locks second: a live claimant took its lock before its claim and holds it
    # past its end, so none listed here can look dead for a lock taken after the snapshot.
    processing = list(Transmission.objects.filter(status=TransmissionStatus.PROCESSING))
    held_locks = audiences_being_loaded()
    for transmission in processing:
        dead = transmission.heartbeat_at is None or transmission.heartbeat_at < stale
        if held_locks is not None and transmission.audience_id is not None:
            dead = dead or not is_being_loaded(transmission.audience_id, held_locks)
        if dead:
            requeued.append(transmission)
    from .tasks import ingest_transmission

    for transmission in requeued:
        Transmission.objects.filter(pk=transmission.pk, status=transmission.status).update(queued_at=now)
        logger.warning(
            "transmission %s: %s with nothing working on it, queued again",
            transmission.pk,
            transmission.status,
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


def _stored_files(storage, folder: str):
    """Every file under ``folder`` of a storage back-end (file system or S3 alike), as storage names."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_files(storage, f"{folder}/{sub}")


def orphan_files_delete(*, now: dt.datetime | None = None) -> int:
    """The net under every path that stores a members file: delete those no transmission points to.

    Only files older than ``L2_ORPHAN_FILE_AGE_SECONDS`` go: a file is stored a moment before its row is
    committed, so a younger one may belong to a request still running. Spooled bodies a crashed web process
    left behind (in ``FILE_UPLOAD_TEMP_DIR``, when this machine shares it) go by the same rule.
    """
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.L2_ORPHAN_FILE_AGE_SECONDS)
    deleted = 0
    if default_storage.exists(MEMBERS_FOLDER):
        referenced = set(Transmission.objects.exclude(members_file="").values_list("members_file", flat=True))
        for name in _stored_files(default_storage, MEMBERS_FOLDER):
            if name not in referenced and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                deleted += 1
                logger.warning("deleted %s: no transmission points to it", name)
    spool = Path(settings.L2_SPOOL_DIR)
    for path in spool.glob("*") if spool.is_dir() else ():
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
            logger.warning("deleted %s: a spooled body no request is reading", path.name)
    return deleted
