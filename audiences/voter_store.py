"""Where audience members live: one narrow row (version, voter key) per voter of each loaded version.

PostgreSQL (production, tests): ``audiences_member`` is partitioned by version. A version is loaded into a
table of its own, in one transaction on a connection of its own, with binary ``COPY … FREEZE`` (rows are
written already frozen, so no later vacuum rewrites them) and no index to maintain while loading; one
unique index on the voter key is built when the load finishes, for reach (see :func:`reach_count`), and
building it is also how a load learns whether its file listed a voter twice. Line numbers and households
go to a temporary table beside it, so that the database, not the worker, keeps each voter once and counts
distinct households (docs/scaling.md). Nobody can see that table until
:meth:`VersionWriter.attach` makes it a partition, inside the short transaction that switches the audience
to the new version. Pruning detaches a partition ``CONCURRENTLY`` and drops it: readers are never blocked,
and there is nothing to vacuum afterwards. A worker that dies mid-load takes its transaction with it.

SQLite (the embedded default) keeps one plain indexed table and writes it in short transactions: slower,
and fine for trying the portal on one machine.

Voters are identified by their LALVOTERID's integer key (``voter_keys``), so a voter who is in many
audiences is one key, not one copy of their data per audience; only aggregate figures are kept, never
names or addresses.
"""

import contextlib
import io
import itertools
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import psycopg2
import psycopg2.errors
from django.db import DatabaseError, ProgrammingError, connection, transaction

from .models import LongVoterId

PARENT = "audiences_member"
UNDEFINED_TABLE = "42P01"
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(
    8
)  # the binary format's signature, flags and header extension
COPY_TRAILER = b"\xff\xff"
# Memory PostgreSQL may use to sort one load's keys for its index (per load, not per connection).
LOAD_WORK_MEM = "256MB"
REPEATED_READ_BYTES = 1 << 20
# Each voter's first line, and the lines that list a voter again (file order decides which is first).
FIRST_LINE_ROWS = (
    "SELECT household FROM (SELECT household, row_number() OVER (PARTITION BY voter_key ORDER BY line) AS n"
    " FROM {scratch}) AS numbered WHERE n = 1"
)
REPEATED_LINES = (
    "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY voter_key ORDER BY line) AS n"
    " FROM {scratch}) AS numbered WHERE n > 1 ORDER BY line"
)


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


@dataclass
class LoadedKeys:
    """What a finished load holds: distinct voters, distinct households (None when none were given), and
    the lines whose voter an earlier line already gave (empty unless the file repeats voters)."""

    voters: int
    households: int | None
    repeated_lines: "RepeatedLines"


class RepeatedLines:
    """Line numbers in ascending order, kept in a temporary file so a file repeating millions of voters
    costs disk, not memory. :meth:`below` hands them out a block of lines at a time."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed when read to the end or dropped
        self.count = 0
        self._pending = np.empty(0, dtype=np.int64)

    def write(self, lines: np.ndarray) -> None:
        self._file.write(lines.astype("<i8").tobytes())
        self.count += len(lines)

    def rewind(self) -> None:
        self._file.seek(0)
        self._pending = np.empty(0, dtype=np.int64)

    def below(self, limit: int) -> np.ndarray:
        """The next lines smaller than ``limit``."""
        while not len(self._pending) or self._pending[-1] < limit:
            more = self._file.read(REPEATED_READ_BYTES)
            if not more:
                break
            self._pending = np.concatenate([self._pending, np.frombuffer(more, dtype="<i8")])
        cut = int(np.searchsorted(self._pending, limit))
        taken, self._pending = self._pending[:cut], self._pending[cut:]
        return taken

    def __bool__(self) -> bool:
        return self.count > 0


def _binary_copy(*columns: np.ndarray) -> io.BytesIO:
    """Rows of bigint columns in PostgreSQL's binary COPY format: no number is ever turned into text."""
    fields = [("n", ">i2")]
    for i in range(len(columns)):
        fields += [(f"size{i}", ">i4"), (f"value{i}", ">i8")]
    rows = np.empty(len(columns[0]), dtype=fields)
    rows["n"] = len(columns)
    for i, column in enumerate(columns):
        rows[f"size{i}"] = 8
        rows[f"value{i}"] = column
    return io.BytesIO(COPY_SIGNATURE + rows.tobytes() + COPY_TRAILER)


class VersionWriter:
    """Writes one version's members where no reader can see them, until :meth:`attach`.

    The file's own order of voters goes into a scratch table beside them (line, voter key, household), so
    that the database, not the worker's memory, finds voters listed twice and counts households: the
    worker's memory stays the same for 10 000 voters and for 10 million.
    """

    def __init__(self, version_id: int):
        self.version_id = int(version_id)
        self.table = partition_name(self.version_id)
        self.scratch = f"audiences_load_v{self.version_id}"
        self._pg = _is_postgres()
        self._conn = None
        self._rows = 0
        self._tracked = False  # lines (and households) were given: the scratch table holds them

    # -- loading ---------------------------------------------------------------------------------------
    def begin(self) -> None:
        if not self._pg:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.scratch}")
                cursor.execute(
                    f"CREATE TEMP TABLE {self.scratch} (line bigint, voter_key bigint, household bigint)"
                )
            return
        self._conn = psycopg2.connect(**connection.get_connection_params())
        with self._conn.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._create_members_table(cursor, self.table)
            # Temporary: never written to the WAL, and gone with the transaction whatever happens.
            cursor.execute(
                f"CREATE TEMP TABLE {self.scratch} (line bigint, voter_key bigint, household bigint) ON COMMIT DROP"
            )

    def _create_members_table(self, cursor, name: str) -> None:
        cursor.execute(
            f"CREATE TABLE {name} ("
            f" version_id bigint NOT NULL DEFAULT {self.version_id} CHECK (version_id = {self.version_id}),"
            " voter_key bigint NOT NULL"
            ") WITH (autovacuum_enabled = false)"
        )

    def append(self, keys, lines=None, households=None) -> None:
        """Add voter keys; with ``lines`` (their line numbers) and ``households`` (a hash per row, 0 for
        none), the load can also tell voters listed twice and count households."""
        keys = np.asarray(keys, dtype=np.int64)
        if not len(keys):
            return
        self._rows += len(keys)
        tracked = lines is not None
        if tracked:
            self._tracked = True
            lines = np.asarray(lines, dtype=np.int64)
            households = (
                np.zeros(len(keys), np.int64) if households is None else np.asarray(households, np.int64)
            )
        if self._pg:
            with self._conn.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY {self.table} (voter_key) FROM STDIN WITH (FORMAT binary, FREEZE)",
                    _binary_copy(keys),
                )
                if tracked:
                    cursor.copy_expert(
                        f"COPY {self.scratch} FROM STDIN WITH (FORMAT binary)",
                        _binary_copy(lines, keys, households),
                    )
            return
        with transaction.atomic(), connection.cursor() as cursor:
            if tracked:
                rows = zip(lines.tolist(), keys.tolist(), households.tolist(), strict=True)
                cursor.executemany(f"INSERT INTO {self.scratch} VALUES (%s, %s, %s)", list(rows))
            else:
                rows = [(self.version_id, key) for key in keys.tolist()]
                cursor.executemany(f"INSERT INTO {PARENT} (version_id, voter_key) VALUES (%s, %s)", rows)

    def finish(self) -> LoadedKeys:
        """Keep each voter once, index the keys and make them durable (still invisible to readers).

        The unique index lets reach read each version in key order (an index-only scan: COPY FREEZE already
        marked every page all-visible) and merge versions instead of hashing them; see :func:`reach_count`.
        Building it is also the check that no voter is listed twice, at no extra cost; only when one is,
        the keys are made distinct and the repeated lines are listed for the caller.
        """
        if not self._pg:
            return self._finish_sqlite()
        repeated = RepeatedLines()
        with self._conn.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{LOAD_WORK_MEM}'")
            cursor.execute(f"SET LOCAL work_mem = '{LOAD_WORK_MEM}'")
            cursor.execute("SAVEPOINT unique_keys")
            try:
                cursor.execute(f"CREATE UNIQUE INDEX {self.table}_voter_key ON {self.table} (voter_key)")
                voters = self._rows
                cursor.execute("RELEASE SAVEPOINT unique_keys")
            except psycopg2.errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT unique_keys")
                voters = self._keep_each_voter_once(cursor)
            households = self._households(cursor, repeats=voters < self._rows)
            if voters < self._rows and self._tracked:
                self._list_repeated_lines(repeated)
        self._conn.commit()
        if voters < self._rows:
            # Rows inserted (not copied frozen) are all-visible only once vacuumed; reach wants them so.
            self._conn.autocommit = True
            with self._conn.cursor() as cursor:
                cursor.execute(f"VACUUM (FREEZE) {self.table}")
        self._conn.close()
        self._conn = None
        repeated.rewind()
        return LoadedKeys(voters, households, repeated)

    def _keep_each_voter_once(self, cursor) -> int:
        unique = f"{self.table}_unique"
        self._create_members_table(cursor, unique)
        cursor.execute(f"INSERT INTO {unique} (voter_key) SELECT DISTINCT voter_key FROM {self.table}")
        voters = cursor.rowcount
        cursor.execute(f"DROP TABLE {self.table}")
        cursor.execute(f"ALTER TABLE {unique} RENAME TO {self.table}")
        cursor.execute(f"CREATE UNIQUE INDEX {self.table}_voter_key ON {self.table} (voter_key)")
        return voters

    def _households(self, cursor, *, repeats: bool) -> int | None:
        """Distinct households of the voters, each voter's from the first line that lists them."""
        if not self._tracked:
            return None
        rows = self.scratch
        if repeats:
            rows = f"({FIRST_LINE_ROWS.format(scratch=self.scratch)}) AS firsts"
        cursor.execute(
            f"SELECT count(DISTINCT household), count(*) FILTER (WHERE household <> 0) FROM {rows} WHERE household <> 0"
        )
        households, with_address = cursor.fetchone()
        return households if with_address else None

    def _list_repeated_lines(self, repeated: RepeatedLines) -> None:
        with self._conn.cursor(name=f"repeated_{self.version_id}") as cursor:  # server-side: bounded memory
            cursor.itersize = 100_000
            cursor.execute(REPEATED_LINES.format(scratch=self.scratch))
            while chunk := cursor.fetchmany(100_000):
                repeated.write(np.fromiter((line for (line,) in chunk), dtype=np.int64, count=len(chunk)))

    def _finish_sqlite(self) -> LoadedKeys:
        repeated = RepeatedLines()
        with transaction.atomic(), connection.cursor() as cursor:
            if self._tracked:
                cursor.execute(
                    f"INSERT INTO {PARENT} (version_id, voter_key) SELECT DISTINCT %s, voter_key FROM {self.scratch}",
                    [self.version_id],
                )
            cursor.execute(
                f"SELECT count(DISTINCT voter_key) FROM {PARENT} WHERE version_id = %s", [self.version_id]
            )
            [voters] = cursor.fetchone()
            households = self._households(cursor, repeats=self._tracked and voters < self._rows)
            if self._tracked and voters < self._rows:
                cursor.execute(REPEATED_LINES.format(scratch=self.scratch))
                repeated.write(np.array([line for (line,) in cursor.fetchall()], dtype=np.int64))
            cursor.execute(f"DROP TABLE {self.scratch}")
        repeated.rewind()
        return LoadedKeys(voters, households, repeated)

    def abort(self) -> None:
        if self._pg and self._conn is not None:
            # The load may be ending because this very connection broke: nothing to roll back then.
            with contextlib.suppress(psycopg2.Error):
                self._conn.rollback()
            self._conn.close()
            self._conn = None
        if not self._pg:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.scratch}")
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


class VersionMissing(Exception):
    """A version asked for is not (or no longer) readable: pruned, or replaced since the caller looked."""


# Reach merges each version's keys in key order. Above this many rows the key space is cut into ranges that
# PostgreSQL's parallel workers merge side by side (one Parallel Append of independent merges).
REACH_SPLIT_ABOVE_ROWS = 200_000
REACH_KEY_RANGES = 6


def reach_count(allow_version_ids: Sequence[int], block_version_ids: Sequence[int]) -> int:
    """Distinct voters in the union of the allowlisted versions, minus those in any blocklisted one.

    0 when nothing is allowlisted: "every voter" is not a count this store can give.
    """
    allow = sorted({int(v) for v in allow_version_ids})
    block = sorted({int(v) for v in block_version_ids})
    if not allow:
        return 0
    if not _is_postgres():
        return _sqlite_reach(allow, block)
    # |∪allow \ ∪block| = |∪(allow ∪ block)| − |∪block|: two distinct counts, each a merge of sorted runs.
    return _distinct_sum([(1, sorted(set(allow) | set(block))), (-1, block)])


def distinct_voter_count(version_ids: Sequence[int]) -> int:
    """Distinct voters in the union of these versions."""
    versions = sorted({int(v) for v in version_ids})
    if not versions:
        return 0
    if not _is_postgres():
        return _sqlite_reach(versions, [])
    return _distinct_sum([(1, versions)])


def _sqlite_reach(allow: list[int], block: list[int]) -> int:
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


def _distinct_sum(terms: list[tuple[int, list[int]]]) -> int:
    """Σ sign × |∪ versions| over the terms, in one query.

    Each version is its own table with an index on voter_key, so a union of versions read in key order is
    a Merge Append of index-only scans, and DISTINCT is a Unique over it: no hash table, no sort. Hashing
    millions of keys costs several times the reading of them; merging costs about as much as reading. The
    key space is cut into ranges whose merges run side by side in PostgreSQL's parallel workers.
    """
    versions = sorted({v for _, ids in terms for v in ids})
    with transaction.atomic(), connection.cursor() as cursor:
        ranges = _key_ranges(cursor, versions)
        parts: list[str] = []
        params: list[int] = []
        for low, high in ranges:
            where = []
            if low is not None:
                where.append("voter_key >= %s")
            if high is not None:
                where.append("voter_key < %s")
            condition = f" WHERE {' AND '.join(where)}" if where else ""
            bounds = [b for b in (low, high) if b is not None]
            for sign, ids in terms:
                if not ids:
                    continue
                union = " UNION ALL ".join(f"SELECT voter_key FROM {partition_name(v)}" for v in ids)
                # The range condition sits outside the UNION ALL so the planner flattens it into one
                # append of index scans it can merge (a condition inside each branch stops that).
                parts.append(
                    f"SELECT {int(sign)} * count(*) AS n FROM "
                    f"(SELECT DISTINCT voter_key FROM ({union}) AS u{condition}) AS d"
                )
                params.extend(bounds)
        sql = "SELECT coalesce(sum(n), 0) FROM (" + " UNION ALL ".join(f"({p})" for p in parts) + ") AS r"
        # Left to itself the planner would hash (its estimate of a Unique over a merge is pessimistic);
        # these settings last until this transaction (or, on an error, its savepoint) ends.
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            cursor.execute(sql, params)
        except ProgrammingError as error:
            if getattr(error.__cause__, "pgcode", None) == UNDEFINED_TABLE:  # pruned since the check above
                raise VersionMissing(str(error)) from error
            raise
        count = int(cursor.fetchone()[0])
        cursor.execute("SET LOCAL enable_hashagg TO DEFAULT")
        cursor.execute("SET LOCAL enable_sort TO DEFAULT")
    return count


def _key_ranges(cursor, versions: list[int]) -> list[tuple[int | None, int | None]]:
    """Ranges of voter keys holding about equal numbers of the versions' rows, from the planner's statistics.

    Also checks that every version is attached: a version that is not was pruned after the caller read
    which versions are current, and the caller should look again.
    """
    names = [partition_name(v) for v in versions]
    cursor.execute(
        "SELECT c.relname, c.reltuples, s.histogram_bounds::text"
        " FROM pg_class c"
        " JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = %s::regclass AND NOT i.inhdetachpending"
        " LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname"
        "  AND s.attname = 'voter_key'"
        " WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace",
        [PARENT, names],
    )
    rows = cursor.fetchall()
    missing = set(names) - {name for name, _, _ in rows}
    if missing:
        raise VersionMissing(f"Not readable (pruned or never attached): {', '.join(sorted(missing))}")
    total = sum(max(tuples, 0) for _, tuples, _ in rows)
    if total < REACH_SPLIT_ABOVE_ROWS or REACH_KEY_RANGES < 2:
        return [(None, None)]
    # Every histogram bound marks an equal share of its table's rows: weigh it by that share and take
    # the bounds where the running weight crosses each 1/Nth of the total.
    weighted: list[tuple[int, float]] = []
    for _, tuples, histogram in rows:
        if not histogram:
            continue
        bounds = [int(b) for b in histogram.strip("{}").split(",") if b]
        if len(bounds) > 1:
            share = max(tuples, 0) / (len(bounds) - 1)
            weighted.extend((b, share) for b in bounds[1:])
    if not weighted:
        return [(None, None)]
    weighted.sort()
    step = sum(w for _, w in weighted) / REACH_KEY_RANGES
    cuts: list[int] = []
    running = 0.0
    for bound, weight in weighted:
        running += weight
        crossed = running >= step * (len(cuts) + 1) and len(cuts) < REACH_KEY_RANGES - 1
        if crossed and (not cuts or bound > cuts[-1]):
            cuts.append(bound)
    edges: list[int | None] = [None, *cuts, None]
    return list(itertools.pairwise(edges))
