"""What counts as an outage of the infrastructure, as opposed to a bug — the database, the disk, the
storage back-end or Redis failing — and how every part of the portal answers it: ``503
temporarily_unavailable`` with ``Retry-After`` (an RFC 9457 problem for the APIs, a page for people),
never a 500 (docs/l2-endpoint.md › Responses, docs/operations.md › When something is out)."""

import errno
import logging

import psycopg2
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# The disk is full, over quota, read-only or failing: nothing the request did wrong.
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}
# Django's own, and psycopg2's from the connections the loader opens itself (its COPY of voters).
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)


def _storage_errors() -> tuple[type[BaseException], ...]:
    """The S3 back-end's own errors, when it is installed (the ``s3`` extra)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (BotoCoreError, ClientError)


STORAGE_ERRORS = _storage_errors()


def outage_kind(error: BaseException) -> str | None:
    """Which part is out (for logs and the answer's detail, never the error's message); None for a bug."""
    if isinstance(error, DATABASE_ERRORS):
        return "database"
    if isinstance(error, OSError) and error.errno in DISK_ERRNOS:
        return "disk"
    if isinstance(error, REDIS_ERRORS):
        return "cache"
    if STORAGE_ERRORS and isinstance(error, STORAGE_ERRORS):
        return "storage"
    return None


def is_outage(error: BaseException) -> bool:
    return outage_kind(error) is not None


def outage_response(request, error: BaseException) -> HttpResponse:
    """The 503 for a request the outage stopped: a problem document for the APIs (the L2 endpoint and the
    REST API alike), a page for people. The page needs nothing but its template: no database, no session,
    no context processor."""
    kind = outage_kind(error)
    logger.warning("answered 503: the %s is unavailable (%s)", kind, type(error).__name__)
    if request.path.startswith("/api/"):
        body = problem_body(
            status=503,
            code="temporarily_unavailable",
            detail=f"The portal's {kind} is unavailable for a moment; nothing was changed. Send the same "
            f"request again in {RETRY_AFTER_SECONDS} seconds.",
        )
        response = JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
