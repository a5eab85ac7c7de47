"""Writing one version's members where no reader can see them, until the switch attaches them.

A load's rows go, in PostgreSQL's binary COPY format, into the version's own table (see ``voter_store``)
and, with their line numbers and households, into a temporary table beside it. COPY runs in a thread of
its own, so the reader parses the next block while PostgreSQL stores the last one; the queue between them
holds a few blocks, so memory stays bounded. When the load finishes, one unique index is built (reach
needs it, and it tells whether the file listed a voter twice) and households are counted, in the database.
"""

import contextlib
import io
import queue
import tempfile
import threading
import time
from dataclasses import dataclass

import numpy as np
import psycopg2
import psycopg2.errors
from django.db import DatabaseError, connection, transaction

from .voter_store import PARENT, discard_version_rows, is_postgres, partition_name

# The binary COPY format's signature, flags and header extension; and its trailer.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
# Memory PostgreSQL may use to sort one load's keys for its index and its households, per load (more measured
# no faster: past it, PostgreSQL sorts in runs, which is as quick).
LOAD_WORK_MEM = "256MB"
REPEATED_READ_BYTES = 1 << 20
# Blocks waiting for COPY: enough to keep PostgreSQL busy while the reader parses, few enough to bound memory.
COPY_QUEUE_BLOCKS = 2
# Each voter's first line, and the lines that list a voter again (file order decides which is first).
FIRST_LINE_ROWS = (
    "SELECT household FROM (SELECT household, row_number() OVER (PARTITION BY voter_key ORDER BY line) AS n"
    " FROM {scratch}) AS numbered WHERE n = 1"
)
REPEATED_LINES = (
    "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY voter_key ORDER BY line) AS n"
    " FROM {scratch}) AS numbered WHERE n > 1 ORDER BY line"
)


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
        self._file = None  # made on the first write: most files repeat no voter
        self.count = 0
        self._pending = np.empty(0, dtype=np.int64)

    def write(self, lines: np.ndarray) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._file.write(lines.astype("<i8").tobytes())
        self.count += len(lines)

    def rewind(self) -> None:
        if self._file is not None:
            self._file.seek(0)
        self._pending = np.empty(0, dtype=np.int64)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def below(self, limit: int) -> np.ndarray:
        """The next lines smaller than ``limit``."""
        while self._file is not None and (not len(self._pending) or self._pending[-1] < limit):
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


class _Copier:
    """Runs COPY statements on the load's connection in a thread of its own, a few blocks behind the reader.

    psycopg2 lets go of the interpreter while PostgreSQL takes the data, so parsing and storing overlap.
    A failure in the thread is raised in the reader's thread at its next call.
    """

    def __init__(self, conn):
        self.conn = conn
        self.pending: queue.Queue = queue.Queue(maxsize=COPY_QUEUE_BLOCKS)
        self.error: BaseException | None = None
        self.waited = 0.0  # how long the reader waited for PostgreSQL, beyond its own work
        self.thread = threading.Thread(target=self._run, name="copy", daemon=True)
        self.thread.start()

    def put(self, statement: str, payload: io.BytesIO) -> None:
        self._raise()
        started = time.perf_counter()
        self.pending.put((statement, payload))
        self.waited += time.perf_counter() - started

    def close(self) -> None:
        """Wait for every COPY to end; raise what failed."""
        started = time.perf_counter()
        self.pending.put(None)
        self.thread.join()
        self.waited += time.perf_counter() - started
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (item := self.pending.get()) is not None:
            if self.error is not None:
                continue  # drain: the reader learns of the failure at its next call
            statement, payload = item
            try:
                with self.conn.cursor() as cursor:
                    cursor.copy_expert(statement, payload)
            except BaseException as error:
                self.error = error


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
        self._pg = is_postgres()
        self._conn = None
        self._rows = 0
        self._tracked = False  # lines (and households) were given: the scratch table holds them
        self._copier: _Copier | None = None
        self.seconds = {"loading": 0.0, "indexing": 0.0, "counting": 0.0}  # where the time went

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
        self._copier = _Copier(self._conn)

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
        self._append(keys, lines, households)

    @contextlib.contextmanager
    def _timed(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started

    def _append(self, keys: np.ndarray, lines, households) -> None:
        self._rows += len(keys)
        tracked = lines is not None
        if tracked:
            self._tracked = True
            lines = np.asarray(lines, dtype=np.int64)
            households = (
                np.zeros(len(keys), np.int64) if households is None else np.asarray(households, np.int64)
            )
        if self._pg:
            copier = self._copier
            copier.put(
                f"COPY {self.table} (voter_key) FROM STDIN WITH (FORMAT binary, FREEZE)", _binary_copy(keys)
            )
            if tracked:
                copier.put(
                    f"COPY {self.scratch} FROM STDIN WITH (FORMAT binary)",
                    _binary_copy(lines, keys, households),
                )
            self.seconds["loading"] = copier.waited
            return
        with self._timed("loading"), transaction.atomic(), connection.cursor() as cursor:
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
        self._copier.close()
        self.seconds["loading"] = self._copier.waited
        repeated = RepeatedLines()
        with self._conn.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{LOAD_WORK_MEM}'")
            cursor.execute(f"SET LOCAL work_mem = '{LOAD_WORK_MEM}'")
            with self._timed("indexing"):
                cursor.execute("SAVEPOINT unique_keys")
                try:
                    cursor.execute(f"CREATE UNIQUE INDEX {self.table}_voter_key ON {self.table} (voter_key)")
                    voters = self._rows
                    cursor.execute("RELEASE SAVEPOINT unique_keys")
                except psycopg2.errors.UniqueViolation:
                    cursor.execute("ROLLBACK TO SAVEPOINT unique_keys")
                    voters = self._keep_each_voter_once(cursor)
            with self._timed("counting"):
                households = self._households(cursor, repeats=voters < self._rows)
                if voters < self._rows and self._tracked:
                    self._list_repeated_lines(repeated)
        with self._timed("indexing"):
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
        """Distinct households of the voters, each voter's from the first line that lists them (0 marks a
        row without one); None when no line numbers were given. Whether the file has households at all is
        the reader's to say."""
        if not self._tracked:
            return None
        rows = self.scratch
        if repeats:
            rows = f"({FIRST_LINE_ROWS.format(scratch=self.scratch)}) AS firsts"
        cursor.execute(f"SELECT count(DISTINCT household) FROM {rows} WHERE household <> 0")
        return cursor.fetchone()[0]

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
        if self._copier is not None:
            with contextlib.suppress(BaseException):  # the load is failing already: that error is the one
                self._copier.close()
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
