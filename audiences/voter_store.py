"""Where audience members live: one narrow row (version, voter key) per voter of each loaded version.

PostgreSQL (production, tests): ``audiences_member`` is partitioned by version. A version is loaded into a
table of its own, in one transaction on a connection of its own, with binary ``COPY … FREEZE`` (rows are
written already frozen, so no later vacuum rewrites them) and no index to maintain while loading; one
unique index on the voter key is built when the load finishes, for reach (see :func:`reach_count`), and
building it is also how a load learns whether its file listed a voter twice. Line numbers and households
go to a temporary table beside it, so that the database, not the worker, keeps each voter once and counts
distinct households (docs/scaling.md). Nobody can see that table until
:meth:`version_writer.VersionWriter.attach` makes it a partition, inside the short transaction that switches the audience
to the new version. Pruning detaches a partition ``CONCURRENTLY`` and drops it: readers are never blocked,
and there is nothing to vacuum afterwards. A worker that dies mid-load takes its transaction with it.

SQLite (the embedded default) keeps one plain indexed table and writes it in short transactions: slower,
and fine for trying the portal on one machine.

Voters are identified by their LALVOTERID's integer key (``voter_keys``), so a voter who is in many
audiences is one key, not one copy of their data per audience; only aggregate figures are kept, never
names or addresses.
"""

import itertools
from collections.abc import Iterable, Sequence

from django.db import ProgrammingError, connection, transaction

from .models import LongVoterId

PARENT = "audiences_member"
UNDEFINED_TABLE = "42P01"


def is_postgres() -> bool:
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


def analyze_version(version_id: int) -> None:
    """Give the planner row counts for a freshly attached version (outside any transaction)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {partition_name(version_id)}")


def discard_version_rows(version_id: int) -> None:
    """Remove a version's rows, wherever a load or an attach left them. Never blocks readers."""
    table = partition_name(version_id)
    with connection.cursor() as cursor:
        if not is_postgres():
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
    if not is_postgres():
        return _sqlite_reach(allow, block)
    # |∪allow \ ∪block| = |∪(allow ∪ block)| − |∪block|: two distinct counts, each a merge of sorted runs.
    return _distinct_sum([(1, sorted(set(allow) | set(block))), (-1, block)])


def distinct_voter_count(version_ids: Sequence[int]) -> int:
    """Distinct voters in the union of these versions."""
    versions = sorted({int(v) for v in version_ids})
    if not versions:
        return 0
    if not is_postgres():
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
