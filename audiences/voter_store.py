"""Where audience members live: one narrow row (version, voter key) per voter of each loaded version.

PostgreSQL (production, tests): ``audiences_member`` is partitioned by version. A version is loaded into a
table of its own, in one transaction on a connection of its own, with ``COPY … FREEZE`` (rows are written
already frozen, so no later vacuum rewrites them) and no index to maintain. Nobody can see that table until
:meth:`VersionWriter.attach` makes it a partition, inside the short transaction that switches the audience
to the new version. Pruning detaches a partition ``CONCURRENTLY`` and drops it: readers are never blocked,
and there is nothing to vacuum afterwards. A worker that dies mid-load takes its transaction with it.

SQLite (the embedded default) keeps one plain indexed table and writes it in short transactions: slower,
and fine for trying the portal on one machine.

Voters are identified by their LALVOTERID's integer key (``voter_keys``), so a voter who is in many
audiences is one key, not one copy of their data per audience; only aggregate figures are kept, never
names or addresses.
"""

import io
from collections.abc import Iterable, Sequence

import psycopg2
from django.db import connection, transaction

from .models import LongVoterId

PARENT = "audiences_member"


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def partition_name(version_id: int) -> str:
    return f"{PARENT}_v{int(version_id)}"


def long_voter_keys(voter_ids: Iterable[str]) -> dict[str, int]:
    """Keys (below zero) for LALVOTERIDs too long to encode inline, creating them as needed."""
    voter_ids = sorted(set(voter_ids))
    if not voter_ids:
        return {}
    LongVoterId.objects.bulk_create([LongVoterId(voter_id=v) for v in voter_ids], ignore_conflicts=True)
    return {
        v: -pk for v, pk in LongVoterId.objects.filter(voter_id__in=voter_ids).values_list("voter_id", "pk")
    }


class VersionWriter:
    """Writes one version's members where no reader can see them, until :meth:`attach`."""

    def __init__(self, version_id: int):
        self.version_id = int(version_id)
        self.table = partition_name(self.version_id)
        self._pg = _is_postgres()
        self._conn = None
        self.rows_written = 0

    # -- loading ---------------------------------------------------------------------------------------
    def begin(self) -> None:
        if not self._pg:
            return
        self._conn = psycopg2.connect(**connection.get_connection_params())
        with self._conn.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(
                f"CREATE TABLE {self.table} ("
                f" version_id bigint NOT NULL DEFAULT {self.version_id} CHECK (version_id = {self.version_id}),"
                " voter_key bigint NOT NULL"
                ") WITH (autovacuum_enabled = false)"
            )

    def append(self, keys: Sequence[int]) -> None:
        if not keys:
            return
        if self._pg:
            buffer = io.StringIO("\n".join(map(str, keys)) + "\n")
            with self._conn.cursor() as cursor:
                cursor.copy_expert(f"COPY {self.table} (voter_key) FROM STDIN WITH (FREEZE)", buffer)
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {PARENT} (version_id, voter_key) VALUES (%s, %s)",
                    [(self.version_id, key) for key in keys],
                )
        self.rows_written += len(keys)

    def finish(self) -> None:
        """Make the loaded rows durable (still invisible to readers)."""
        if self._pg:
            self._conn.commit()
            self._conn.close()
            self._conn = None

    def abort(self) -> None:
        if self._pg and self._conn is not None:
            try:
                self._conn.rollback()
            finally:
                self._conn.close()
                self._conn = None
        discard_version_rows(self.version_id)

    # -- switching -------------------------------------------------------------------------------------
    def attach(self) -> None:
        """Make the version readable. Call inside the transaction that switches the audience to it.

        The CHECK constraint on the table lets PostgreSQL attach it without scanning its rows, and ATTACH
        takes only a SHARE UPDATE EXCLUSIVE lock on the parent: readers carry on.
        """
        if self._pg:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE {PARENT} ATTACH PARTITION {self.table} FOR VALUES IN ({self.version_id})"
                )


def analyze_version(version_id: int) -> None:
    """Give the planner row counts for a freshly attached version (outside any transaction)."""
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {partition_name(version_id)}")


def discard_version_rows(version_id: int) -> None:
    """Remove a version's rows, wherever a load or an attach left them. Never blocks readers."""
    table = partition_name(version_id)
    with connection.cursor() as cursor:
        if not _is_postgres():
            cursor.execute(f"DELETE FROM {PARENT} WHERE version_id = %s", [int(version_id)])
            return
        cursor.execute(
            "SELECT i.inhdetachpending FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = %s",
            [table],
        )
        row = cursor.fetchone()
        if row is not None:
            # Attached: detach without blocking readers (waits for those still reading it), then drop.
            mode = "FINALIZE" if row[0] else "CONCURRENTLY"
            cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {table} {mode}")
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def member_count(version_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {PARENT} WHERE version_id = %s", [int(version_id)])
        return cursor.fetchone()[0]


def member_keys(version_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT voter_key FROM {PARENT} WHERE version_id = %s ORDER BY voter_key", [int(version_id)]
        )
        return [row[0] for row in cursor.fetchall()]


def reach_count(allow_version_ids: Sequence[int], block_version_ids: Sequence[int]) -> int:
    """Distinct voters in the union of the allowlisted versions, minus those in any blocklisted one."""
    allow = sorted({int(v) for v in allow_version_ids})
    block = sorted({int(v) for v in block_version_ids})
    if not allow:
        return 0
    allow_sql = ", ".join(["%s"] * len(allow))
    sql = f"SELECT voter_key FROM {PARENT} WHERE version_id IN ({allow_sql})"
    if block:
        block_sql = ", ".join(["%s"] * len(block))
        sql += f" EXCEPT SELECT voter_key FROM {PARENT} WHERE version_id IN ({block_sql})"
    else:
        sql = f"SELECT DISTINCT voter_key FROM ({sql}) AS allowed"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS reach", [*allow, *block])
        return cursor.fetchone()[0]
