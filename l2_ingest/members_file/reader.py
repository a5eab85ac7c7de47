"""Rows of a members file become voter keys, in either shape L2 produces.

The file is either one LALVOTERID per line (with or without a ``LALVOTERID`` header) or a tab- or
comma-separated export with a header row that has a LALVOTERID column. Rows become integer voter keys
(``audiences.voter_keys``), handed to a sink in chunks, while the figures are counted on the way. A row
that breaks a rule is rejected and counted, by line number and rule only: nothing of a row's content ever
leaves this module.
"""

import csv
import datetime as dt
import gc
import zlib
from collections.abc import Callable, Sequence
from itertools import chain, islice
from operator import itemgetter, or_

from audiences.voter_keys import (
    MAX_DIGITS,
    MAX_VOTER_ID_LENGTH,
    STATE_PREFIX,
    VOTER_ID_ANY_CASE,
    normalize_voter_id,
)

from .figures import Figures
from .result import MembersFileError, ReadResult
from .stream import MAX_LINE_BYTES, open_text

# Small batches stay in the CPU cache while they are parsed and counted (measured: 500 rows is about
# twice as fast as 10 000); keys are still written in large chunks.
BATCH_ROWS = 500
SINK_ROWS = 50_000
# Voters whose IDs are too long for an inline key get theirs from the database, this many at a time.
LONG_ID_ROWS = 1_000

# The L2 columns the figures come from (header names compared without regard to case).
STAT_COLUMNS = {
    "party": "parties_description",
    "gender": "voters_gender",
    "age": "voters_age",
    "birth_date": "voters_birthdate",
    "county": "county",
    "district": "us_congressional_district",
    "address": "residence_addresses_addressline",
    "zip": "residence_addresses_zip",
}

# A line holds at most MAX_LINE_BYTES, so no field can be longer (the csv module's own limit is 128 KiB).
csv.field_size_limit(MAX_LINE_BYTES)


class _Layout:
    def __init__(self, first_line_is_data: bool, delimiter: str, id_index: int, stat_indices: dict[str, int]):
        self.first_line_is_data = first_line_is_data
        self.delimiter = delimiter
        self.id_index = id_index
        self.stat_indices = stat_indices


def _layout(first_line: str) -> _Layout:
    line = first_line.rstrip("\r\n")
    delimiter = "\t" if "\t" in line else "," if "," in line else ""
    cells = next(csv.reader([line], delimiter=delimiter or ","), [""])
    names = [cell.strip().lower() for cell in cells]
    if not delimiter:
        has_header = names[0] == "lalvoterid"
        return _Layout(not has_header, ",", 0, {})
    if "lalvoterid" not in names:
        # The first line may be a voter's row (a file without its header): say nothing of what it holds.
        if normalize_voter_id(cells[0]):
            raise MembersFileError(
                "missing_header",
                "The file is delimited but has no header row (its first line starts with a voter ID). Send "
                "L2's export with its header row, or one LALVOTERID per line.",
            )
        kind = "tab" if delimiter == "\t" else "comma"
        raise MembersFileError(
            "missing_lalvoterid_column",
            f"The header row has no LALVOTERID column (it has {len(cells)} {kind}-separated columns). "
            "Export the universe with the LALVOTERID column included.",
        )
    stat_indices = {key: names.index(column) for key, column in STAT_COLUMNS.items() if column in names}
    return _Layout(False, delimiter, names.index("lalvoterid"), stat_indices)


class _Unreadable(list):
    """Stands in the batch for a line the csv module could not parse."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason


def _batches(reader, size: int):
    """Rows in lists of ``size``; an unparseable line becomes an :class:`_Unreadable` in its place."""
    batch: list = []
    while True:
        try:
            batch.extend(islice(reader, size - len(batch)))
        except csv.Error:
            # The csv module resumes on the next line. Its message is not passed on: a rule, not content.
            batch.append(_Unreadable("the line is not valid tab- or comma-separated text"))
            continue
        if len(batch) < size:
            if batch:
                yield batch
            return
        yield batch
        batch = []


_MAX_INLINE = 5 + MAX_DIGITS
_STATE = itemgetter(slice(3, 5))
_DIGITS = itemgetter(slice(5, None))


def _keys(voter_ids: Sequence[str]) -> list[int]:
    """Inline keys of valid, short-enough IDs (``voter_keys.voter_key``, vectorised)."""
    return list(
        map(
            or_,
            map(STATE_PREFIX.__getitem__, map(_STATE, voter_ids)),
            map(int, map("1".__add__, map(_DIGITS, voter_ids))),
        )
    )


class _Loader:
    """Turns batches of rows into keys for the sink, counting as it goes.

    The fast path handles a batch whose rows are all well-formed, valid, inline-encodable and new, entirely
    with C-level iteration; any other batch goes row by row so each row's fate is exact.
    """

    def __init__(self, layout: _Layout, sink, resolve_long_ids, result: ReadResult):
        self.id_index = layout.id_index
        self.id_of = itemgetter(layout.id_index)
        self.width = max([layout.id_index, *layout.stat_indices.values()]) + 1
        self.sink = sink
        self.resolve_long_ids = resolve_long_ids
        self.result = result
        self.figures = Figures(layout.stat_indices)
        self.seen: set[int] = set()
        self.long_ids: dict[str, list[str]] = {}
        self.pending: list[int] = []
        self.check_nul = False  # set once a NUL byte has gone by: rows holding one are rejected

    def _emit(self, keys: list[int]) -> None:
        self.pending.extend(keys)
        if len(self.pending) >= SINK_ROWS:
            self.sink(self.pending)
            self.pending = []

    def load(self, batch: list, first_line: int) -> None:
        if not self.check_nul and min(map(len, batch)) >= self.width:
            stripped = list(map(str.strip, map(self.id_of, batch)))
            if (
                None not in map(VOTER_ID_ANY_CASE.fullmatch, stripped)
                and max(map(len, stripped)) <= _MAX_INLINE
            ):
                voter_ids = list(map(str.upper, stripped))
                keys = _keys(voter_ids)
                fresh = set(keys)
                if len(fresh) == len(keys) and self.seen.isdisjoint(fresh):
                    self.seen |= fresh
                    self.result.rows_read += len(batch)
                    self.figures.add(voter_ids, batch, keys)
                    self._emit(keys)
                    return
                if fresh <= self.seen:  # nothing new at all: a file repeating voters costs no row-by-row work
                    self.result.rows_read += len(batch)
                    self.result.duplicates += len(batch)
                    return
        self._load_row_by_row(batch, first_line)

    def _rule_broken(self, row) -> str | None:
        """The rule a row breaks, or None; the voter ID is checked by the caller."""
        if isinstance(row, _Unreadable):
            return row.reason
        if self.check_nul and any("\0" in cell for cell in row):
            return "the row contains a NUL byte"
        if len(row) <= self.id_index:
            return "the row has no LALVOTERID field"
        return None

    def _load_row_by_row(self, batch: list, first_line: int) -> None:
        result, seen, width = self.result, self.seen, self.width
        accepted_ids: list[str] = []
        accepted_rows: list = []
        for offset, row in enumerate(batch):
            line = first_line + offset
            if not isinstance(row, _Unreadable) and not any(cell.strip() for cell in row):
                continue  # a blank line is not a row
            result.rows_read += 1
            broken = self._rule_broken(row)
            if broken:
                result.reject(line, broken)
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            voter_id = self.id_of(row).strip()
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
                self._add_long_id(voter_id, row)
                continue
            key = STATE_PREFIX[voter_id[3:5]] | int("1" + voter_id[5:])
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            accepted_ids.append(voter_id)
            accepted_rows.append(row)
        self.figures.add(accepted_ids, accepted_rows)
        self._emit(_keys(accepted_ids))

    def _add_long_id(self, voter_id: str, row: list[str]) -> None:
        if voter_id in self.long_ids:
            self.result.duplicates += 1
            return
        self.long_ids[voter_id] = row
        if len(self.long_ids) >= LONG_ID_ROWS:
            self._resolve_long_ids()

    def _resolve_long_ids(self) -> None:
        """Voters whose IDs are too long for an inline key: a chunk at a time, once their keys are known."""
        if not self.long_ids:
            return
        keys = self.resolve_long_ids(list(self.long_ids))
        accepted_ids, accepted_rows, accepted_keys = [], [], []
        for voter_id, row in self.long_ids.items():
            key = keys[voter_id]
            if key in self.seen:  # seen in an earlier chunk
                self.result.duplicates += 1
                continue
            self.seen.add(key)
            accepted_ids.append(voter_id)
            accepted_rows.append(row)
            accepted_keys.append(key)
        self.long_ids = {}
        self.figures.add(accepted_ids, accepted_rows)
        self._emit(accepted_keys)

    def finish(self) -> None:
        self._resolve_long_ids()
        if self.pending:
            self.sink(self.pending)
            self.pending = []
        self.result.voters = len(self.seen)
        self.seen = set()  # done with it: free it before the households are counted


def read_members(
    binary,
    *,
    sink: Callable[[list[int]], None],
    resolve_long_ids: Callable[[list[str]], dict[str, int]],
    max_expanded_bytes: int,
    on_progress: Callable[[float], None] = lambda fraction: None,
    total_bytes: int = 0,
    reference_date: dt.date | None = None,
) -> ReadResult:
    """Stream the file's voters into ``sink`` in chunks of keys; return the counts and figures.

    ``binary`` is a seekable binary file. Raises :class:`MembersFileError` for a file that can never load.
    Line numbers count records, the header included, as a spreadsheet shows them. ``on_progress`` is
    called after every batch with the share of the stored file read so far (it decides itself how often
    to write it), so a file of endless duplicates still shows progress and a heartbeat.
    """
    result = ReadResult()
    read_so_far = [0.0]  # while a bomb is measured ahead, the heartbeat goes on at the same progress
    try:
        text, bounded = open_text(
            binary, max_expanded_bytes=max_expanded_bytes, keep_alive=lambda: on_progress(read_so_far[0])
        )
        first = text.readline()
    except (OSError, EOFError, zlib.error) as error:
        raise MembersFileError(
            "unreadable_file", f"The members file cannot be read: {type(error).__name__}."
        ) from error
    if not first.strip():
        raise MembersFileError("empty_file", "The members file is empty: send at least one LALVOTERID.")
    layout = _layout(first)
    reader = csv.reader(
        chain([first], text) if layout.first_line_is_data else text, delimiter=layout.delimiter
    )
    loader = _Loader(layout, sink, resolve_long_ids, result)
    line = 1 if layout.first_line_is_data else 2
    # Millions of short-lived row lists, none in a reference cycle: the cyclic collector would only spend
    # time walking them (measured at a tenth of the load).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for batch in _batches(reader, BATCH_ROWS):
            loader.check_nul = bounded.nul_seen
            loader.load(batch, line)
            line += len(batch)
            if total_bytes:
                read_so_far[0] = min(binary.tell() / total_bytes, 1.0)
                on_progress(read_so_far[0])
    except (OSError, EOFError, zlib.error) as error:
        raise MembersFileError(
            "unreadable_file", f"The members file is cut short or corrupt after line {line - 1}."
        ) from error
    finally:
        if collecting:
            gc.enable()
    loader.finish()
    result.stats, result.households = loader.figures.result(reference_date or dt.date.today())
    return result
