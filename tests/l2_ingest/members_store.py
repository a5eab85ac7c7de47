"""The reader's store, kept in memory: what a version writer keeps in the database, for reading files without one."""

import io

import numpy as np

from audiences.version_writer import LoadedKeys, RepeatedLines
from l2_ingest.members_file import complete_counts, read_members, recount_breakdowns

LOTS = 20 * 1024**3


class MemoryStore:
    """Each voter once (by their first line), distinct households, and the lines that repeat a voter."""

    def __init__(self):
        self.rows: list[tuple[int, int, int]] = []  # (line, key, household)

    def append(self, keys, lines, households=None):
        households = np.zeros(len(keys), np.int64) if households is None else households
        self.rows.extend(
            zip(
                np.asarray(lines).tolist(),
                np.asarray(keys).tolist(),
                np.asarray(households).tolist(),
                strict=True,
            )
        )

    def finish(self) -> LoadedKeys:
        first: dict[int, tuple[int, int]] = {}
        repeated = []
        for line, key, household in sorted(self.rows):
            if key in first:
                repeated.append(line)
            else:
                first[key] = (line, household)
        self.keys = sorted(first)
        lines = RepeatedLines()
        lines.write(np.array(repeated, dtype=np.int64))
        lines.rewind()
        households = len({household for _, household in first.values() if household})
        return LoadedKeys(len(first), households, lines)


def read_into_memory(data: bytes | io.IOBase, *, max_expanded_bytes: int = LOTS, **kwargs):
    """Read a file as a load does (its voters, counts and breakdowns); returns the result and the voter keys."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    store = MemoryStore()
    long_ids: dict[str, int] = {}

    def resolve(voter_ids):
        for voter_id in voter_ids:
            long_ids.setdefault(voter_id, -(len(long_ids) + 1))
        return {voter_id: long_ids[voter_id] for voter_id in voter_ids}

    options = {"max_expanded_bytes": max_expanded_bytes, **kwargs}
    result = read_members(binary, store=store, resolve_long_ids=resolve, **options)
    loaded = store.finish()
    complete_counts(result, voters=loaded.voters, households=loaded.households)
    if loaded.repeated_lines:
        result.stats = recount_breakdowns(binary, loaded.repeated_lines, **options)
    loaded.repeated_lines.close()
    return result, store.keys
