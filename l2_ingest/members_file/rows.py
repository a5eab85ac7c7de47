"""The row-by-row path: a block that is not regular (see ``columns``) is read with the csv module, and every
row's fate is decided by the contract's rules, one row at a time.

A row that breaks a rule is rejected and counted, by line number and rule only: nothing of a row's content
ever leaves this module, nor anything the csv module says about it.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter, or_

import numpy as np

from audiences.voter_keys import MAX_DIGITS, MAX_VOTER_ID_LENGTH, STATE_PREFIX, VOTER_ID_ANY_CASE

from .layout import Layout
from .result import ReadResult
from .stream import MAX_LINE_BYTES

BATCH_ROWS = 500
_MAX_INLINE = 5 + MAX_DIGITS
_STATE = itemgetter(slice(3, 5))
_DIGITS = itemgetter(slice(5, None))

# A line holds at most MAX_LINE_BYTES, so no field can be longer (the csv module's own limit is 128 KiB).
csv.field_size_limit(MAX_LINE_BYTES)


@dataclass
class RowBatch:
    """The accepted rows of a batch: those with inline keys, and those whose IDs are too long for one."""

    voter_ids: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    long_ids: list[tuple[str, int, list[str]]] = field(default_factory=list)  # (voter ID, line, row)

    def keys(self) -> np.ndarray:
        """Inline keys of the accepted IDs (``voter_keys.voter_key``, over the whole batch)."""
        ids = self.voter_ids
        keys = map(
            or_,
            map(STATE_PREFIX.__getitem__, map(_STATE, ids)),
            map(int, map("1".__add__, map(_DIGITS, ids))),
        )
        return np.fromiter(keys, dtype=np.int64, count=len(ids))


class _Unreadable(list):
    """Stands in the batch for a line the csv module could not parse."""

    reason = "the line is not valid tab- or comma-separated text"


def _batches(reader) -> Iterator[list]:
    """Rows in lists of ``BATCH_ROWS``; an unparseable line becomes an :class:`_Unreadable` in its place."""
    batch: list = []
    while True:
        try:
            batch.extend(islice(reader, BATCH_ROWS - len(batch)))
        except csv.Error:
            # The csv module resumes on the next line. Its message is not passed on: a rule, not content.
            batch.append(_Unreadable())
            continue
        if len(batch) < BATCH_ROWS:
            if batch:
                yield batch
            return
        yield batch
        batch = []


def read_rows(
    text: str, first_line: int, layout: Layout, result: ReadResult
) -> Iterator[tuple[RowBatch, int]]:
    """Each batch's accepted rows, with the number of records the batch held (blank ones included)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    width = max([layout.id_index, *layout.stat_indices.values()]) + 1
    line = first_line
    for batch in _batches(reader):
        yield _accept(batch, line, layout.id_index, width, result), len(batch)
        line += len(batch)


def _rule_broken(row, id_index: int) -> str | None:
    """The rule a row breaks, or None; the voter ID is checked by the caller."""
    if isinstance(row, _Unreadable):
        return row.reason
    if any("\0" in cell for cell in row):
        return "the row contains a NUL byte"
    if len(row) <= id_index:
        return "the row has no LALVOTERID field"
    return None


def _accept(batch: list, first_line: int, id_index: int, width: int, result: ReadResult) -> RowBatch:
    accepted = RowBatch()
    for offset, row in enumerate(batch):
        line = first_line + offset
        if not isinstance(row, _Unreadable) and not any(cell.strip() for cell in row):
            continue  # a blank line is not a row
        result.rows_read += 1
        broken = _rule_broken(row, id_index)
        if broken:
            result.reject(line, broken)
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        voter_id = row[id_index].strip()
        if not voter_id:
            result.reject(line, "empty LALVOTERID")
            continue
        if len(voter_id) > MAX_VOTER_ID_LENGTH:
            result.reject(line, f"LALVOTERID is longer than {MAX_VOTER_ID_LENGTH} characters")
            continue
        if VOTER_ID_ANY_CASE.fullmatch(voter_id) is None:
            result.reject(line, "LALVOTERID is not LAL + 2-letter state + digits")
            continue
        voter_id = voter_id.upper()
        if len(voter_id) > _MAX_INLINE:
            accepted.long_ids.append((voter_id, line, row))
            continue
        accepted.voter_ids.append(voter_id)
        accepted.lines.append(line)
        accepted.rows.append(row)
    return accepted
