"""The lock that keeps two loads of one segment apart — and tells whether a load's worker is alive.

A load holds a PostgreSQL session advisory lock on its audience from before it claims its transmission
until it ends. PostgreSQL releases the lock the moment the worker's connection dies, on whatever machine
it ran, so a transmission that is ``processing`` while its audience's lock is free has a dead claimant:
the sweeper and any worker may take it over at once, without waiting for its heartbeat to go stale.
"""

from contextlib import contextmanager

from django.db import connection

LOCK_NAMESPACE = 7401  # advisory-lock class of "an audience being loaded"


def _key(audience_id: int) -> tuple[int, int]:
    return LOCK_NAMESPACE, audience_id % 2**31


def locks_available() -> bool:
    """The embedded default (SQLite) has no advisory locks; it runs one worker, so loads never overlap."""
    return connection.vendor == "postgresql"


@contextmanager
def audience_load_lock(audience_id: int):
    """Held for the whole load; released when the block ends, or by PostgreSQL if the worker dies."""
    if not locks_available():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(audience_id))
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(audience_id))


def audiences_being_loaded() -> set[int] | None:
    """The audiences some live session holds the load lock of (lock keys); None without advisory locks."""
    if not locks_available():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2 "
            "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_NAMESPACE],
        )
        return {row[0] for row in cursor.fetchall()}


def is_being_loaded(audience_id: int, held: set[int]) -> bool:
    return _key(audience_id)[1] in held
