import logging
import traceback

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from .models import Transmission, TransmissionStatus
from .pipeline import ClaimLost, SegmentBusy, transmission_process
from .services import transmission_files_expire, transmissions_requeue_stalled

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
MAX_TRANSIENT_RETRIES = 6


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
        if self.request.retries >= MAX_TRANSIENT_RETRIES:
            raise
        countdown = min(300, 5 * 2**self.request.retries)
        logger.warning(
            "transmission %s: transient %s; retry in %ss", transmission_id, type(error).__name__, countdown
        )
        raise self.retry(countdown=countdown, exc=error) from error
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
        frame = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(
            "transmission %s: unexpected %s at %s:%s",
            transmission_id,
            type(error).__name__,
            frame.filename,
            frame.lineno,
        )
        _requeue(transmission_id)
        raise self.retry(countdown=30, exc=error, max_retries=settings.L2_MAX_ATTEMPTS) from error


@shared_task(name="l2_ingest.requeue_stalled", queue="default")
def requeue_stalled() -> int:
    """Beat: queue again what a crash or a broker outage left waiting."""
    return len(transmissions_requeue_stalled())


@shared_task(name="l2_ingest.delete_old_files", queue="default")
def delete_old_files() -> int:
    """Beat: delete the members files of failed transmissions past their retention."""
    return transmission_files_expire()
