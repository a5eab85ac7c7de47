"""What counts as an outage of the infrastructure, as opposed to a bug: the database, the disk or the
storage back-end failing. Such an error is answered ``503 temporarily_unavailable`` with ``Retry-After``
(docs/l2-endpoint.md › Responses), never a 500, and the request keeps nothing."""

import errno

from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30
# The disk is full, over quota, read-only or failing: nothing the request did wrong.
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def _storage_errors() -> tuple[type[BaseException], ...]:
    """The S3 back-end's own errors, when it is installed (the ``s3`` extra)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (BotoCoreError, ClientError)


STORAGE_ERRORS = _storage_errors()


def is_outage(error: BaseException) -> bool:
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, OSError) and error.errno in DISK_ERRNOS:
        return True
    return bool(STORAGE_ERRORS) and isinstance(error, STORAGE_ERRORS)


def outage_kind(error: BaseException) -> str:
    """Which part is out, for logs and the problem's detail (never the error's message)."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    if isinstance(error, OSError) and error.errno in DISK_ERRNOS:
        return "disk"
    return "storage"
