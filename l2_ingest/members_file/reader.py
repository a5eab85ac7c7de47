"""Rows of a members file become voter keys, in either shape L2 produces (docs/l2-endpoint.md › Members file).

The file is either one LALVOTERID per line (with or without a ``LALVOTERID`` header) or a tab- or
comma-separated export with a header row that has a LALVOTERID column. It is read in blocks of whole lines
(``blocks``): a regular block, as every block of an L2 export is, by columns (``columns``), any other row by
row (``rows``), which is where rows are rejected. Either way its accepted rows go to a *store* as voter
keys with their line numbers and households, and are counted into the breakdowns (``figures``).

The store keeps each voter once and counts households (the database does both, so the worker's memory
does not grow with the file). When it finds voters listed more than once, :func:`recount_breakdowns` reads
the file again and counts each voter's first line only, so the breakdowns add up to the voters.
"""

import datetime as dt
import gc
from collections.abc import Callable
from typing import Protocol

import numpy as np
import pyarrow as pa

from .blocks import line_blocks
from .columns import Columns, read_columns
from .figures import Figures
from .households import household_hashes
from .layout import Layout, read_layout
from .result import MembersFileError, ReadResult
from .rows import RowBatch, read_rows
from .stream import TEXT_ERRORS, UNREADABLE, open_members

# Voters whose IDs are too long for an inline key get theirs from the database, this many at a time.
LONG_ID_ROWS = 1_000
FIRST_READ_BYTES = 1 << 20  # holds the first line: no line is longer than the contract's bound


class MembersStore(Protocol):
    """Where accepted rows go (``audiences.voter_store.VersionWriter`` in production)."""

    def append(self, keys: np.ndarray, lines: np.ndarray, households: np.ndarray | None) -> None: ...


class RepeatedLinesReader(Protocol):
    """Line numbers in ascending order (``audiences.voter_store.RepeatedLines``)."""

    def below(self, limit: int) -> np.ndarray: ...


def read_members(
    binary,
    *,
    store: MembersStore,
    resolve_long_ids: Callable[[list[str]], dict[str, int]],
    max_expanded_bytes: int,
    on_progress: Callable[[float], None] = lambda fraction: None,
    total_bytes: int = 0,
    reference_date: dt.date | None = None,
) -> ReadResult:
    """Stream the file's accepted rows into ``store``; return the counts and the breakdowns so far.

    ``binary`` is a seekable binary file. Raises :class:`MembersFileError` for a file that can never load.
    ``on_progress`` is called after every block with the share of the stored file read so far (it decides
    itself how often to write it), so a file of endless duplicates still shows progress and a heartbeat.
    The voters, duplicates and households are the store's to count: see :func:`complete_counts`.
    """
    reading = _Reading(binary, store, resolve_long_ids, None, max_expanded_bytes, on_progress, total_bytes)
    reading.run()
    result = reading.result
    result.stats = reading.figures.result(reference_date or dt.date.today())
    return result


def complete_counts(result: ReadResult, *, voters: int, households: int | None) -> None:
    """Fill in what the store counted once every row was in."""
    result.voters = voters
    result.duplicates = result.rows_accepted - voters
    result.households = households if result.counts_households else None


def recount_breakdowns(
    binary,
    repeated_lines: RepeatedLinesReader,
    *,
    max_expanded_bytes: int,
    on_progress: Callable[[float], None] = lambda fraction: None,
    total_bytes: int = 0,
    reference_date: dt.date | None = None,
) -> dict:
    """The breakdowns again, leaving out ``repeated_lines`` (lines listing a voter an earlier line listed).

    The file was read to its end once already: the heartbeat goes on, and progress stays where it was.
    """
    binary.seek(0)
    read_to_end = lambda fraction: on_progress(1.0)  # noqa: E731
    reading = _Reading(binary, None, None, repeated_lines, max_expanded_bytes, read_to_end, total_bytes)
    reading.run()
    return reading.figures.result(reference_date or dt.date.today())


class _Reading:
    """One pass over the file: into a store (the load), or skipping repeated lines (the recount)."""

    def __init__(self, binary, store, resolve_long_ids, skip, max_expanded_bytes, on_progress, total_bytes):
        self.binary, self.store, self.resolve_long_ids, self.skip = binary, store, resolve_long_ids, skip
        self.max_expanded_bytes = max_expanded_bytes
        self.on_progress, self.total_bytes = on_progress, total_bytes
        self.result = ReadResult()
        self.figures: Figures | None = None
        self.layout: Layout | None = None
        self.encoding = "utf-8"
        self.long_ids: list[tuple[str, int, list[str]]] = []
        self.read_so_far = 0.0  # while a bomb is measured ahead, the heartbeat goes on at the same progress

    def run(self) -> None:
        try:
            stream, _, self.encoding = open_members(
                self.binary,
                max_expanded_bytes=self.max_expanded_bytes,
                keep_alive=lambda: self.on_progress(self.read_so_far),
            )
        except UNREADABLE as error:
            raise _unreadable(error) from error
        try:
            self._read_blocks(stream)
        finally:
            stream.close()  # stops reading ahead, if it did
        self._store_long_ids()

    def _read_blocks(self, stream) -> None:
        try:
            first, after_first = _first_line(stream)
        except UNREADABLE as error:
            raise _unreadable(error) from error
        first_text = first.decode(self.encoding, TEXT_ERRORS)
        if not first_text.strip():
            raise MembersFileError("empty_file", "The members file is empty: send at least one LALVOTERID.")
        self.layout = read_layout(first_text)
        self.figures = Figures(self.layout.breakdowns)
        self.result.counts_households = self.layout.has_households
        data_first = self.layout.first_line_is_data
        line = 1 if data_first else 2  # numbered as a spreadsheet shows them, the header included
        # Millions of short-lived row lists on the row path, none in a reference cycle: the cyclic
        # collector would only spend time walking them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for block in line_blocks(stream, head=first + after_first if data_first else after_first):
                columns = read_columns(block, line, self.layout, self.encoding)
                if columns is not None:
                    self._take_columns(columns)
                    line += len(columns.keys)
                else:
                    line = self._take_rows(block, line)
                self._progress()
        except UNREADABLE as error:
            raise MembersFileError(
                "unreadable_file", f"The members file is cut short or corrupt after line {line - 1}."
            ) from error
        finally:
            if collecting:
                gc.enable()

    def _progress(self) -> None:
        if self.total_bytes:
            self.read_so_far = min(self.binary.tell() / self.total_bytes, 1.0)
            self.on_progress(self.read_so_far)

    # -- the columnar path -------------------------------------------------------------------------------
    def _take_columns(self, columns: Columns) -> None:
        rows = len(columns.keys)
        self.result.rows_read += rows
        self.result.rows_accepted += rows
        if self.skip is not None:
            repeated = self.skip.below(int(columns.lines[-1]) + 1)
            if len(repeated):
                columns = columns.where(~np.isin(columns.lines, repeated))
        self.figures.add_keys(columns.keys)
        self.figures.add_columns(columns.values, columns.encoding)
        if self.store is not None:
            households = None
            if self.layout.has_households:
                zips = columns.text("zip") if "zip" in columns.values else None
                households = household_hashes(columns.text("address"), zips)
            self.store.append(columns.keys, columns.lines, households)

    # -- the row-by-row path ------------------------------------------------------------------------------
    def _take_rows(self, block: bytes, line: int) -> int:
        """Read the block row by row; returns the number of the line after it."""
        text = block.decode(self.encoding, TEXT_ERRORS)
        for batch, records in read_rows(text, line, self.layout, self.result):
            line += records
            self.result.rows_accepted += len(batch.voter_ids) + len(batch.long_ids)
            if self.skip is not None:
                batch = _without_lines(batch, self.skip.below(line))
            keys = batch.keys()
            self.figures.add_keys(keys)
            self.figures.add_rows(batch.rows)
            self.figures.add_long_ids([voter_id for voter_id, _, _ in batch.long_ids])
            self.figures.add_rows([row for _, _, row in batch.long_ids])
            if self.store is not None:
                self.store.append(keys, np.array(batch.lines, dtype=np.int64), self._households(batch.rows))
                self.long_ids.extend(batch.long_ids)
                if len(self.long_ids) >= LONG_ID_ROWS:
                    self._store_long_ids()
            self._progress()
        return line

    def _households(self, rows: list[list[str]]) -> np.ndarray | None:
        indices = self.layout.stat_indices
        if not self.layout.has_households or not rows:
            return None
        addresses = pa.array([row[indices["address"]] for row in rows], pa.string())
        zips = pa.array([row[indices["zip"]] for row in rows], pa.string()) if "zip" in indices else None
        return household_hashes(addresses, zips)

    def _store_long_ids(self) -> None:
        """Voters whose IDs are too long for an inline key, once their keys are known."""
        if not self.long_ids or self.store is None:
            return
        keys = self.resolve_long_ids(sorted({voter_id for voter_id, _, _ in self.long_ids}))
        self.store.append(
            np.array([keys[voter_id] for voter_id, _, _ in self.long_ids], dtype=np.int64),
            np.array([line for _, line, _ in self.long_ids], dtype=np.int64),
            self._households([row for _, _, row in self.long_ids]),
        )
        self.long_ids = []


def _unreadable(error: BaseException) -> MembersFileError:
    return MembersFileError("unreadable_file", f"The members file cannot be read: {type(error).__name__}.")


def _first_line(stream) -> tuple[bytes, bytes]:
    """The first line (ending with LF, CRLF or a lone CR) and what was read past it."""
    start = stream.read(FIRST_READ_BYTES)
    breaks = [i for i in (start.find(b"\n"), start.find(b"\r")) if i >= 0]
    if not breaks:
        return start, b""
    end = min(breaks) + 1
    if start[end - 1 : end + 1] == b"\r\n":
        end += 1
    return start[:end], start[end:]


def _without_lines(batch: RowBatch, repeated: np.ndarray) -> RowBatch:
    if not len(repeated):
        return batch
    skipped = set(repeated.tolist())
    kept = [i for i, line in enumerate(batch.lines) if line not in skipped]
    return RowBatch(
        [batch.voter_ids[i] for i in kept],
        [batch.lines[i] for i in kept],
        [batch.rows[i] for i in kept],
        [entry for entry in batch.long_ids if entry[1] not in skipped],
    )
