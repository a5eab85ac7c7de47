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

import contextlib
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


# Reach reads every version's keys once, in key order (see _merged_count). Above this many rows the key space
# is cut into ranges whose merges PostgreSQL's parallel workers run side by side. Each process takes the next
# range when it is done with one, so a process held up by other work on the machine is not left with a large
# share; 6 shares out evenly over the 2 or 3 processes of a 2-core server, and every range costs a little
# (each row is checked against its bounds).
REACH_SPLIT_ABOVE_ROWS = 200_000
REACH_KEY_RANGES = 6
REACH_SAMPLE_ROWS = 20_000  # keys sampled, from every version alike, to place the cuts between ranges

# The plan _merged_count is written for, which the planner's estimates would not always pick: keys are
# grouped and anti-joined by merging index-ordered runs, never hashed, sorted or probed one by one. JIT stays
# off: compiling a plan of this size takes seconds at millions of voters and saves a few per cent of the work
# (docs/scaling.md, Reach).
MERGE_PLAN_SETTINGS = {
    "enable_hashagg": "off",
    "enable_sort": "off",
    "enable_hashjoin": "off",
    "enable_nestloop": "off",
    "jit": "off",
}


# Overlap (overlap_counts) compares at most this many versions: 2**n - 1 regions, each a count.
OVERLAP_MAX_VERSIONS = 3
# Its joins are planned as reach's merges, each key range's joins a whole subplan for one process. A join
# may otherwise be split across processes by a parallel scan of one version, and then every process reads
# all of the range of the versions it is joined with.
OVERLAP_PLAN_SETTINGS = {**MERGE_PLAN_SETTINGS, "min_parallel_index_scan_size": "4TB"}


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
    return _merged_count(allow, block)


def distinct_voter_count(version_ids: Sequence[int]) -> int:
    """Distinct voters in the union of these versions."""
    versions = sorted({int(v) for v in version_ids})
    if not versions:
        return 0
    if not is_postgres():
        return _sqlite_reach(versions, [])
    return _merged_count(versions, [])


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


def _merged_count(allow: list[int], block: list[int]) -> int:
    """|∪allow \\ ∪block| in one query that reads each version's rows once, in key order.

    Each version is its own table with an index on voter_key whose pages COPY FREEZE left all-visible, so the
    union of versions in key order is a Merge Append of index-only scans. GROUP BY over it counts each voter
    once, and a merge anti-join against the Blocklist's union, read the same way, leaves out the blocklisted:
    no hash table, no sort, no lookup per key, and every row read once. docs/scaling.md (Reach) has the
    figures against a plain count(*) of the same rows, and what was measured and left aside.
    """
    versions = sorted(set(allow) | set(block))
    with transaction.atomic(), connection.cursor() as cursor:
        ranges = _key_ranges(cursor, versions, _attached_rows(cursor, versions))
        return int(_merged_fetch(cursor, *_merged_count_query(allow, block, ranges))[0])


def _merged_fetch(
    cursor, sql: str, params: list[int], settings: dict[str, str] = MERGE_PLAN_SETTINGS
) -> tuple:
    """The one row of a merged count, run under these plan settings."""
    with _merge_plan(cursor, settings):
        try:
            cursor.execute(sql, params)
        except ProgrammingError as error:
            if getattr(error.__cause__, "pgcode", None) == UNDEFINED_TABLE:  # pruned since the check
                raise VersionMissing(str(error)) from error
            raise
        return cursor.fetchone()


def _merged_count_query(
    allow: list[int], block: list[int], ranges: list[tuple[int | None, int | None]]
) -> tuple[str, list[int]]:
    """The sum of one count per key range: each range's merges are a subplan a parallel worker can take."""
    parts: list[str] = []
    params: list[int] = []
    for low, high in ranges:
        sql, bounds = _range_count(allow, block, low, high)
        parts.append(sql)
        params.extend(bounds)
    counts = " UNION ALL ".join(f"({part})" for part in parts)
    return f"SELECT coalesce(sum(n), 0) FROM ({counts}) AS r", params


def _range_count(
    allow: list[int], block: list[int], low: int | None, high: int | None
) -> tuple[str, list[int]]:
    """The count of allowlisted voters with keys in [low, high) that no blocklisted version holds."""
    allow_range, allow_bounds = _key_range_condition("a", low, high)
    allowed = (
        f"SELECT a.voter_key FROM ({_union(allow)}) AS a"
        f"{' WHERE ' + allow_range if allow_range else ''} GROUP BY a.voter_key"
    )
    if not block:
        return f"SELECT count(*) AS n FROM ({allowed}) AS d", allow_bounds
    # The range is repeated on the Blocklist's side so that its scans start and stop with the range's.
    block_range, block_bounds = _key_range_condition("b", low, high)
    blocked = f"SELECT FROM ({_union(block)}) AS b WHERE b.voter_key = d.voter_key"
    if block_range:
        blocked += f" AND {block_range}"
    return (
        f"SELECT count(*) AS n FROM ({allowed}) AS d WHERE NOT EXISTS ({blocked})",
        allow_bounds + block_bounds,
    )


def overlap_counts(version_ids: Sequence[int]) -> dict[int, int]:
    """How many voters are in exactly each combination of these versions: the regions of their Venn diagram.

    A combination is a mask, bit i standing for the i-th version as given; every mask from 1 to
    2**n - 1 is a key (0 where no voter is in exactly that combination). The versions must be distinct,
    from 1 to OVERLAP_MAX_VERSIONS of them: two audiences on one version (a duplicate and its original)
    are the caller's to map onto the same bit.
    """
    versions = [int(v) for v in version_ids]
    if not 1 <= len(versions) <= OVERLAP_MAX_VERSIONS or len(set(versions)) != len(versions):
        raise ValueError(f"Give 1 to {OVERLAP_MAX_VERSIONS} distinct versions, not {versions}.")
    if not is_postgres():
        return _sqlite_overlap(versions)
    with transaction.atomic(), connection.cursor() as cursor:
        ranges = _key_ranges(cursor, sorted(versions), _attached_rows(cursor, versions))
        row = _merged_fetch(cursor, *_overlap_query(versions, ranges), OVERLAP_PLAN_SETTINGS)
    shared = dict(zip(range(1, 1 << len(versions)), map(int, row), strict=True))
    return _exactly_in(shared)


def _exactly_in(shared: dict[int, int]) -> dict[int, int]:
    """From the voters each combination shares (in all of its versions, and maybe others) to those in exactly
    that combination: inclusion–exclusion over the combinations that contain it."""
    return {
        mask: sum(
            (-1) ** (bin(wider).count("1") - bin(mask).count("1")) * n
            for wider, n in shared.items()
            if wider & mask == mask
        )
        for mask in shared
    }


def _overlap_query(versions: list[int], ranges: list[tuple[int | None, int | None]]) -> tuple[str, list[int]]:
    """The voters each combination of versions shares, by mask, summed over the key ranges.

    Merge joins of the versions' index-only scans, in key order, as reach's anti-join: no hash, no sort.
    Three versions A, B, C take two joins per range: A ⟕ B ⟕ C (A's voters, and which are in B and in C)
    and B ⟗ C; two take B ⟗ C alone. That reads B and C twice, and still costs less than one pass over
    the three grouped by voter (docs/scaling.md, Overlap). Sizes come from the joins too, never from the
    figures stored with a version.
    """
    masks = range(1, 1 << len(versions))
    parts: list[str] = []
    params: list[int] = []
    for low, high in ranges:
        scans, bounds = zip(*(_range_scan(v, low, high) for v in versions), strict=True)
        for sql, counts, used in _overlap_joins(scans):
            parts.append(f"SELECT {', '.join(counts.get(mask, '0::bigint') for mask in masks)} FROM {sql}")
            params.extend(b for index in used for b in bounds[index])
    sums = ", ".join(f"coalesce(sum(n{mask}), 0)" for mask in masks)
    columns = ", ".join(f"n{mask}" for mask in masks)
    union = " UNION ALL ".join(f"({part})" for part in parts)
    return f"SELECT {sums} FROM ({union}) AS r ({columns})", params


def _overlap_joins(scans: tuple[str, ...]) -> list[tuple[str, dict[int, str], list[int]]]:
    """What one key range counts: for each join, its FROM clause, {mask: the count of voters that mask's
    versions share}, and the scans it reads, in the order they appear."""
    if len(scans) == 1:
        return [(f"{scans[0]} AS a", {0b1: "count(*)"}, [0])]
    # The last two versions, fully joined: each one's voters, and those they share.
    b, c = len(scans) - 2, len(scans) - 1
    pair = (
        f"{scans[b]} AS b FULL JOIN {scans[c]} AS c ON c.voter_key = b.voter_key",
        {
            1 << b: "count(b.voter_key)",
            1 << c: "count(c.voter_key)",
            1 << b | 1 << c: "count(b.voter_key) + count(c.voter_key) - count(*)",
        },
        [b, c],
    )
    if len(scans) == 2:
        return [pair]
    # The first version's voters, and which of them the two others hold.
    chain = (
        f"{scans[0]} AS a LEFT JOIN {scans[1]} AS b ON b.voter_key = a.voter_key"
        f" LEFT JOIN {scans[2]} AS c ON c.voter_key = a.voter_key",
        {
            0b001: "count(*)",
            0b011: "count(b.voter_key)",
            0b101: "count(c.voter_key)",
            0b111: "count(b.voter_key) FILTER (WHERE c.voter_key IS NOT NULL)",
        },
        [0, 1, 2],
    )
    return [chain, pair]


def _range_scan(version: int, low: int | None, high: int | None) -> tuple[str, list[int]]:
    # A subquery the planner pulls up: its bounds become the index scan's, on the nullable side of a join too.
    condition, bounds = _key_range_condition("k", low, high)
    where = f" WHERE {condition}" if condition else ""
    return f"(SELECT k.voter_key FROM {partition_name(version)} AS k{where})", bounds


def _sqlite_overlap(versions: list[int]) -> dict[int, int]:
    tags = " + ".join(f"max(version_id = %s) * {1 << bit}" for bit in range(len(versions)))
    listed = ", ".join(["%s"] * len(versions))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m, count(*) FROM (SELECT {tags} AS m FROM {PARENT} WHERE version_id IN ({listed})"
            " GROUP BY voter_key) AS g GROUP BY m",
            [*versions, *versions],
        )
        counts = {int(mask): int(n) for mask, n in cursor.fetchall()}
    return {mask: counts.get(mask, 0) for mask in range(1, 1 << len(versions))}


def _union(versions: list[int]) -> str:
    # Conditions go outside the UNION ALL: the planner flattens it into one append of index scans and pushes
    # them down into each (a condition written inside each branch stops that).
    return " UNION ALL ".join(f"SELECT voter_key FROM {partition_name(v)}" for v in versions)


def _key_range_condition(alias: str, low: int | None, high: int | None) -> tuple[str, list[int]]:
    conditions, bounds = [], []
    if low is not None:
        conditions.append(f"{alias}.voter_key >= %s")
        bounds.append(low)
    if high is not None:
        conditions.append(f"{alias}.voter_key < %s")
        bounds.append(high)
    return " AND ".join(conditions), bounds


@contextlib.contextmanager
def _merge_plan(cursor, settings: dict[str, str] = MERGE_PLAN_SETTINGS):
    """MERGE_PLAN_SETTINGS (or ``settings``) for the statements inside, then the settings as they were.

    SET LOCAL would otherwise last until the outermost transaction ends; on an error, rolling back the
    caller's savepoint (its transaction.atomic) restores them.
    """
    names = list(settings)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = dict(zip(names, cursor.fetchone(), strict=True))
    _set_local(cursor, settings)
    yield
    _set_local(cursor, before)


def _set_local(cursor, settings: dict[str, str]) -> None:
    pairs = [value for item in settings.items() for value in item]
    cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)), pairs)


def _attached_rows(cursor, versions: list[int]) -> int:
    """The versions' rows as the catalog counts them, after checking that every version is attached.

    A version that is not was pruned after the caller read which versions are current: the caller should
    look again.
    """
    names = [partition_name(v) for v in versions]
    cursor.execute(
        "SELECT c.relname, c.reltuples"
        " FROM pg_class c"
        " JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = %s::regclass AND NOT i.inhdetachpending"
        " WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace",
        [PARENT, names],
    )
    rows = cursor.fetchall()
    missing = set(names) - {name for name, _ in rows}
    if missing:
        raise VersionMissing(f"Not readable (pruned or never attached): {', '.join(sorted(missing))}")
    # Building the index sets reltuples, so a version counts even before it is analyzed (-1: never counted).
    return int(sum(max(tuples, 0) for _, tuples in rows))


def _key_ranges(cursor, versions: list[int], rows: int) -> list[tuple[int | None, int | None]]:
    """Ranges of voter keys holding about equal shares of the versions' rows.

    The cuts are quantiles of a sample of pages taken from every version alike (so a version weighs by its
    rows), which needs no statistics: a version that was never analyzed is cut as well as one that was.
    """
    if rows < REACH_SPLIT_ABOVE_ROWS or REACH_KEY_RANGES < 2:
        return [(None, None)]
    percent = min(100.0, 100.0 * REACH_SAMPLE_ROWS / max(rows, 1))
    sample = " UNION ALL ".join(
        f"SELECT voter_key FROM {partition_name(v)} TABLESAMPLE SYSTEM (%s) REPEATABLE (0)" for v in versions
    )
    fractions = [n / REACH_KEY_RANGES for n in range(1, REACH_KEY_RANGES)]
    cursor.execute(
        f"SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY voter_key) FROM ({sample}) AS s",
        [fractions, *[percent] * len(versions)],
    )
    cuts = sorted({key for key in cursor.fetchone()[0] or [] if key is not None})
    return list(itertools.pairwise([None, *cuts, None]))
