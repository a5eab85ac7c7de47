import logging
import traceback

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from iqm_portal.outages import is_outage

from .approvals import held_transmissions_expire
from .models import Transmission, TransmissionStatus
from .pipeline import ClaimLost, SegmentBusy, transmission_process
from .refused_pushes import refused_pushes_delete_old
from .services import orphan_files_delete, transmission_files_expire, transmissions_requeue_stalled

logger = logging.getLogger(__name__)

MAX_TRANSIENT_RETRIES = 6


class LoadInterrupted(Exception):
    """What a retry or a final failure records instead of the original error, whose message could quote a
    row of the file (a database error repeating a value, say): the error's type and where it arose only."""

    @classmethod
    def of(cls, error: BaseException) -> "LoadInterrupted":
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        where = f" at {frame.filename}:{frame.lineno}" if frame else ""
        return cls(f"{type(error).__name__}{where}")


def _requeue(transmission_id) -> None:
    """Hand the transmission back to the queue so the retry (or the sweeper) can claim it at once.

    The connection is closed first: after a connection-level error it is broken (InterfaceError
    'connection already closed'), and a fresh one is opened for the update.
    """
    connection.close()
    try:
        Transmission.objects.filter(pk=transmission_id, status=TransmissionStatus.PROCESSING).update(
            status=TransmissionStatus.QUEUED, queued_at=timezone.now(), claim=None
        )
    except DatabaseError:  # Django's base of every database error, connection-level ones included
        logger.warning("transmission %s: could not requeue; the sweeper will find it", transmission_id)


@shared_task(bind=True, name="l2_ingest.ingest_transmission", queue="ingest", max_retries=None)
def ingest_transmission(self, transmission_id: str) -> str:
    """Load one transmission. Idempotent: a finished or already-claimed transmission is left alone.

    A segment already loading makes it wait its turn; an outage (any broken connection to the database,
    the storage or Redis) retries with backoff on a fresh connection; a file that can never load fails
    once, with its reason, inside ``transmission_process``; anything else is retried until the attempt
    limit, where the pipeline fails it for good.
    """
    try:
        return transmission_process(transmission_id)
    except SegmentBusy as busy:
        logger.info("transmission %s: its segment is loading another transmission; waiting", transmission_id)
        raise self.retry(countdown=settings.L2_SEGMENT_BUSY_RETRY_SECONDS, exc=busy) from busy
    except ClaimLost:
        logger.warning("transmission %s: another attempt took it over; this one stops", transmission_id)
        return "claim lost"
    except SoftTimeLimitExceeded:
        Transmission.objects.filter(pk=transmission_id, status=TransmissionStatus.PROCESSING).update(
            status=TransmissionStatus.FAILED,
            finished_at=timezone.now(),
            failure_code="time_limit",
            failure_reason="The load ran past the worker's time limit; nothing was changed.",
        )
        raise
    except Exception as error:
        interrupted = LoadInterrupted.of(error)
        _requeue(transmission_id)
        if is_outage(error):
            # The database, the storage or Redis out for a moment (whichever connection it broke): one
            # policy for all, a retry with backoff, on a fresh connection.
            countdown = min(300, 5 * 2**self.request.retries)
            retry = {"countdown": countdown, "exc": interrupted, "max_retries": MAX_TRANSIENT_RETRIES}
            logger.warning("transmission %s: %s; retry in %ss", transmission_id, interrupted, countdown)
        else:
            # A bug, not the file: log where, never the message (it could quote a row), and try again
            # until the attempt limit makes the pipeline fail the transmission.
            logger.error("transmission %s: unexpected %s", transmission_id, interrupted)
            retry = {"countdown": 30, "exc": interrupted, "max_retries": settings.L2_MAX_ATTEMPTS}
    # Out of the except blocks on purpose: Celery chains the exception being handled to the one a retry
    # raises, and the original's message must not reach its logs.
    raise self.retry(**retry)


@worker_ready.connect
def requeue_on_start(**kwargs) -> None:
    """A worker that starts looks at once for loads whose worker died (a restart after a crash, say)."""
    try:
        requeued = transmissions_requeue_stalled()
    except Exception as error:  # the database may still be coming up; beat's round will do it
        logger.warning("could not look for stalled transmissions at start (%s)", type(error).__name__)
    else:
        if requeued:
            logger.warning("%s stalled transmission(s) queued again at start", len(requeued))


@shared_task(name="l2_ingest.requeue_stalled", queue="default")
def requeue_stalled() -> int:
    """Beat: queue again what a crash or a broker outage left waiting."""
    return len(transmissions_requeue_stalled())


@shared_task(name="l2_ingest.delete_old_files", queue="default")
def delete_old_files() -> int:
    """Beat: delete the members files of failed transmissions past their retention."""
    return transmission_files_expire()


@shared_task(name="l2_ingest.expire_held_pushes", queue="default")
def expire_held_pushes() -> int:
    """Beat: decline pushes held for approval that nobody answered in time."""
    return held_transmissions_expire()


@shared_task(name="l2_ingest.delete_orphan_files", queue="default")
def delete_orphan_files() -> int:
    """Beat: delete stored members files and spooled bodies that no transmission or request holds."""
    return orphan_files_delete()


@shared_task(name="l2_ingest.delete_old_refused_pushes", queue="default")
def delete_old_refused_pushes() -> int:
    """Beat: delete records of refused pushes past their retention."""
    return refused_pushes_delete_old()
