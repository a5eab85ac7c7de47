import logging
import traceback

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from .approvals import held_transmissions_expire
from .models import Transmission, TransmissionStatus
from .pipeline import ClaimLost, SegmentBusy, transmission_process
from .services import transmission_files_expire, transmissions_requeue_stalled

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
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
    """Hand the transmission back to the queue so the retry (or the sweeper) can claim it at once."""
    try:
        Transmission.objects.filter(pk=transmission_id, status=TransmissionStatus.PROCESSING).update(
            status=TransmissionStatus.QUEUED, queued_at=timezone.now(), claim=None
        )
    except DatabaseError:
        logger.warning("transmission %s: could not requeue; the sweeper will find it", transmission_id)


@shared_task(bind=True, name="l2_ingest.ingest_transmission", queue="ingest", max_retries=None)
def ingest_transmission(self, transmission_id: str) -> str:
    """Load one transmission. Idempotent: a finished or already-claimed transmission is left alone.

    A segment already loading makes it wait its turn; a database hiccup retries with backoff; a file that
    can never load fails once, with its reason, inside ``transmission_process``; anything else is retried
    until the attempt limit, where the pipeline fails it for good.
    """
    try:
        return transmission_process(transmission_id)
    except SegmentBusy as busy:
        logger.info("transmission %s: its segment is loading another transmission; waiting", transmission_id)
        raise self.retry(countdown=10, exc=busy) from busy
    except ClaimLost:
        logger.warning("transmission %s: another attempt took it over; this one stops", transmission_id)
        return "claim lost"
    except TRANSIENT as error:
        _requeue(transmission_id)
        interrupted = LoadInterrupted.of(error)
        countdown = min(300, 5 * 2**self.request.retries)
        retry = {"countdown": countdown, "exc": interrupted, "max_retries": MAX_TRANSIENT_RETRIES}
        logger.warning("transmission %s: transient %s; retry in %ss", transmission_id, interrupted, countdown)
    except SoftTimeLimitExceeded:
        Transmission.objects.filter(pk=transmission_id, status=TransmissionStatus.PROCESSING).update(
            status=TransmissionStatus.FAILED,
            finished_at=timezone.now(),
            failure_code="time_limit",
            failure_reason="The load ran past the worker's time limit; nothing was changed.",
        )
        raise
    except Exception as error:
        # A bug, not the file: log where, never the message (it could quote a row), and try again until the
        # attempt limit makes the pipeline fail the transmission.
        interrupted = LoadInterrupted.of(error)
        logger.error("transmission %s: unexpected %s", transmission_id, interrupted)
        _requeue(transmission_id)
        retry = {"countdown": 30, "exc": interrupted, "max_retries": settings.L2_MAX_ATTEMPTS}
    # Out of the except blocks on purpose: Celery chains the exception being handled to the one a retry
    # raises, and the original's message must not reach its logs.
    raise self.retry(**retry)


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
