"""Reading an L2 members file as a stream, in either shape L2 produces.

Gzip is recognised by its magic bytes; text is UTF-8 with any byte that is not valid UTF-8 read as Latin-1
(L2's own files are Latin-1, so both decode exactly); a BOM, CRLF line ends and a missing final newline are
normal. The file is either one LALVOTERID per line (with or without a ``LALVOTERID`` header) or a tab- or
comma-separated export with a header row that has a LALVOTERID column.

Rows become integer voter keys (``audiences.voter_keys``), handed to a sink in chunks, while the figures
users see (counts, households, breakdowns) are computed on the way. Nothing of a row's content ever leaves
this module in an error: rejected rows are reported by line number and reason only.
"""

import codecs
import csv
import datetime as dt
import gc
import gzip
import io
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from operator import itemgetter, or_

from audiences.voter_keys import DIGIT_BITS, MAX_DIGITS, STATE_PREFIX, VOTER_ID, normalize_voter_id

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 1 << 16
# Small batches stay in the CPU cache while they are parsed and counted (measured: 500 rows is about
# twice as fast as 10 000); keys are still written in large chunks.
BATCH_ROWS = 500
SINK_ROWS = 50_000
MAX_REPORTED_ERRORS = 20
TOP_COUNTIES = 10

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
AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200)]


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("l2_latin1_fallback", _latin1_fallback)


class MembersFileError(Exception):
    """The file can never load; ``reason`` tells the sender what to fix."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class ReadResult:
    rows_read: int = 0
    voters: int = 0
    duplicates: int = 0
    rows_rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    households: int | None = None
    stats: dict = field(default_factory=dict)

    def reject(self, line: int, reason: str) -> None:
        self.rows_rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"line": line, "reason": reason})


@dataclass
class _Layout:
    first_line_is_data: bool
    delimiter: str
    id_index: int
    stat_indices: dict[str, int]


class _Raw(io.RawIOBase):
    """Any object with read() as a raw stream, so io.BufferedReader can buffer (and peek into) it."""

    def __init__(self, source):
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_text(binary) -> io.TextIOWrapper:
    head = binary.read(2)
    binary.seek(0)
    if head == GZIP_MAGIC:
        binary = gzip.GzipFile(fileobj=binary, mode="rb")
    # Local files and gzip streams can peek already; storage back-ends' file objects may not.
    buffered = binary if hasattr(binary, "peek") else io.BufferedReader(_Raw(binary), 1 << 20)
    return io.TextIOWrapper(
        buffered, encoding=_sniff_encoding(buffered), errors="l2_latin1_fallback", newline=""
    )


def _sniff_encoding(buffered) -> str:
    """Latin-1 when the start of the file is not UTF-8 (L2's own files); else UTF-8, any stray byte as Latin-1.

    Deciding up front spares the fallback handler a call per accented character of a Latin-1 file.
    """
    sample = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if error.start < len(sample) - 3:
            return "latin-1"
    return "utf-8-sig"


def _layout(first_line: str) -> _Layout:
    line = first_line.rstrip("\r\n")
    delimiter = "\t" if "\t" in line else "," if "," in line else ""
    cells = next(csv.reader([line], delimiter=delimiter or ","), [""])
    names = [cell.strip().lower() for cell in cells]
    if not delimiter:
        has_header = names[0] == "lalvoterid"
        return _Layout(not has_header, ",", 0, {})
    if "lalvoterid" not in names:
        if normalize_voter_id(cells[0]):
            raise MembersFileError(
                "missing_header",
                "The file is delimited but has no header row (its first line starts with a voter ID). Send "
                "L2's export with its header row, or one LALVOTERID per line.",
            )
        shown = ", ".join(cell.strip() for cell in cells[:8]) + (", …" if len(cells) > 8 else "")
        raise MembersFileError(
            "missing_lalvoterid_column",
            f"The header row has no LALVOTERID column (found: {shown}). Export the universe with the "
            "LALVOTERID column included.",
        )
    stat_indices = {key: names.index(column) for key, column in STAT_COLUMNS.items() if column in names}
    return _Layout(False, delimiter, names.index("lalvoterid"), stat_indices)


class _Figures:
    """The breakdowns, fed a batch of accepted rows at a time and counted in C.

    Party, gender, age and district have few values each, so they are counted together as one tuple per
    row (one pass instead of four) and split apart at the end.
    """

    COMBINED = ("party", "gender", "age", "district")

    def __init__(self, stat_indices: dict[str, int]):
        self.combined = [name for name in self.COMBINED if name in stat_indices]
        getter = itemgetter(*(stat_indices[name] for name in self.combined)) if self.combined else None
        if len(self.combined) == 1:
            single = getter
            getter = lambda row: (single(row),)  # noqa: E731 - itemgetter of one index returns a bare value
        self.combined_of = getter
        self.combos: Counter = Counter()
        self.separate = {
            name: itemgetter(stat_indices[name]) for name in ("county", "birth_date") if name in stat_indices
        }
        if "age" in stat_indices:
            self.separate.pop("birth_date", None)
        self.counters = {name: Counter() for name in self.separate}
        self.states: Counter = Counter()
        self.address = itemgetter(stat_indices["address"]) if "address" in stat_indices else None
        self.zip = itemgetter(stat_indices["zip"]) if "zip" in stat_indices else None
        # Household hashes, 8 bytes each, counted once at the end: a set of them beside the set of voters
        # would double the loader's peak memory.
        self.households = array("q")

    def add(self, voter_ids: Sequence[str], rows: Sequence[Sequence[str]], keys: Sequence[int] = ()) -> None:
        if keys and min(keys) >> DIGIT_BITS == max(keys) >> DIGIT_BITS:
            self.states[voter_ids[0][3:5]] += len(voter_ids)  # one state for the whole batch, as is usual
        else:
            self.states.update(map(_STATE, voter_ids))
        if self.combined_of is not None:
            self.combos.update(map(self.combined_of, rows))
        for name, getter in self.separate.items():
            self.counters[name].update(map(getter, rows))
        if self.address is not None:
            addresses = map(str.upper, map(str.strip, map(self.address, rows)))
            zips = map(str.strip, map(self.zip, rows)) if self.zip else repeat("")
            # A hash is enough to count distinct households; the addresses themselves are never kept.
            self.households.extend(map(hash, filter(itemgetter(0), zip(addresses, zips, strict=False))))

    def _split_combos(self) -> dict[str, Counter]:
        split = {name: Counter() for name in self.combined}
        for combo, n in self.combos.items():
            for name, value in zip(self.combined, combo, strict=True):
                split[name][value] += n
        return split

    def result(self, reference: dt.date) -> tuple[dict, int | None]:
        stats: dict = {"state": self.states.most_common()}
        c = {**self._split_combos(), **self.counters}
        if "party" in c:
            stats["party"] = _labelled(c["party"]).most_common()
        if "gender" in c:
            stats["gender"] = _gender(c["gender"])
        if "age" in c:
            stats["age_band"] = _age_bands(c["age"], lambda value: int(float(value)))
        elif "birth_date" in c:
            stats["age_band"] = _age_bands(
                c["birth_date"], lambda value: _age_from_birth_date(value, reference)
            )
        if "county" in c:
            counties = _labelled(c["county"], title=True)
            top = counties.most_common(TOP_COUNTIES)
            rest = sum(counties.values()) - sum(n for _, n in top)
            stats["county"] = top + ([[f"Other counties ({len(counties) - len(top)})", rest]] if rest else [])
        if "district" in c:
            stats["congressional_district"] = _districts(c["district"])
        households = len(set(self.households)) if self.address is not None else None
        self.households = array("q")
        return stats, households


def _labelled(counter: Counter, title: bool = False) -> Counter:
    out: Counter = Counter()
    for value, n in counter.items():
        label = value.strip()
        label = (label.title() if title else label) or "Unknown"
        out[label] += n
    return out


def _gender(counter: Counter) -> list:
    out = Counter()
    for value, n in counter.items():
        out[
            {"F": "Female", "FEMALE": "Female", "M": "Male", "MALE": "Male"}.get(
                value.strip().upper(), "Unknown"
            )
        ] += n
    return [[label, out[label]] for label in ("Female", "Male", "Unknown") if out[label]]


def _age_from_birth_date(value: str, reference: dt.date) -> int:
    value = value.strip()
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            born = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    raise ValueError("unknown date format")


def _age_bands(counter: Counter, age_of: Callable[[str], int]) -> list:
    bands = Counter()
    for value, n in counter.items():
        try:
            age = age_of(value)
        except (ValueError, OverflowError):
            age = -1
        label = next(
            (f"{lo}–{hi}" if hi < 200 else f"{lo}+" for lo, hi in AGE_BANDS if lo <= age <= hi), "Unknown"
        )
        bands[label] += n
    order = [f"{lo}–{hi}" if hi < 200 else f"{lo}+" for lo, hi in AGE_BANDS] + ["Unknown"]
    return [[label, bands[label]] for label in order if bands[label]]


def _districts(counter: Counter) -> list:
    out = Counter()
    for value, n in counter.items():
        value = value.strip()
        out[str(int(value)) if value.isdigit() else (value or "Unknown")] += n
    return sorted(
        out.items(),
        key=lambda item: (not item[0].isdigit(), int(item[0]) if item[0].isdigit() else 0, item[0]),
    )


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
        except csv.Error as error:
            # The csv module names the problem, never the content, and resumes on the next line.
            batch.append(_Unreadable(f"unreadable line: {error}"))
            continue
        if len(batch) < size:
            if batch:
                yield batch
            return
        yield batch
        batch = []


class _Loader:
    """Turns batches of rows into keys for the sink, counting as it goes.

    The fast path handles a batch whose rows are all well-formed, valid, inline-encodable and new, entirely
    with C-level iteration; any other batch goes row by row so each row's fate is exact.
    """

    def __init__(self, layout: _Layout, sink, result: ReadResult):
        self.id_index = layout.id_index
        self.id_of = itemgetter(layout.id_index)
        self.width = max([layout.id_index, *layout.stat_indices.values()]) + 1
        self.sink = sink
        self.result = result
        self.figures = _Figures(layout.stat_indices)
        self.seen: set[int] = set()
        self.long_ids: dict[str, list[str]] = {}
        self.pending: list[int] = []

    def _emit(self, keys: list[int]) -> bool:
        """Queue keys for the sink; True when a chunk went out."""
        self.pending.extend(keys)
        if len(self.pending) < SINK_ROWS:
            return False
        self.sink(self.pending)
        self.pending = []
        return True

    def load(self, batch: list, first_line: int) -> bool:
        """Take one batch; True when a chunk of keys went to the sink."""
        if min(map(len, batch)) >= self.width:
            voter_ids = list(map(str.upper, map(str.strip, map(self.id_of, batch))))
            if None not in map(VOTER_ID.fullmatch, voter_ids) and max(map(len, voter_ids)) <= _MAX_INLINE:
                keys = _keys(voter_ids)
                fresh = set(keys)
                if len(fresh) == len(keys) and self.seen.isdisjoint(fresh):
                    self.seen |= fresh
                    self.result.rows_read += len(batch)
                    self.figures.add(voter_ids, batch, keys)
                    return self._emit(keys)
        return self._load_row_by_row(batch, first_line)

    def _load_row_by_row(self, batch: list, first_line: int) -> bool:
        result, seen, width = self.result, self.seen, self.width
        accepted_ids: list[str] = []
        accepted_rows: list = []
        for offset, row in enumerate(batch):
            line = first_line + offset
            if isinstance(row, _Unreadable):
                result.rows_read += 1
                result.reject(line, row.reason)
                continue
            if not any(cell.strip() for cell in row):
                continue  # a blank line is not a row
            result.rows_read += 1
            if len(row) < width:
                if len(row) <= self.id_index:
                    result.reject(line, "the row has no LALVOTERID field")
                    continue
                row = row + [""] * (width - len(row))
            voter_id = self.id_of(row).strip().upper()
            if not voter_id:
                result.reject(line, "empty LALVOTERID")
                continue
            if VOTER_ID.fullmatch(voter_id) is None:
                result.reject(line, "LALVOTERID is not LAL + 2-letter state + digits")
                continue
            if len(voter_id) > _MAX_INLINE:
                if voter_id in self.long_ids:
                    result.duplicates += 1
                else:
                    self.long_ids[voter_id] = row
                continue
            key = STATE_PREFIX[voter_id[3:5]] | int("1" + voter_id[5:])
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            accepted_ids.append(voter_id)
            accepted_rows.append(row)
        self.figures.add(accepted_ids, accepted_rows)
        return self._emit(_keys(accepted_ids))

    def finish(self, resolve_long_ids) -> None:
        """Voters whose IDs are too long for an inline key go last, once their keys are known."""
        if self.long_ids:
            keys = resolve_long_ids(list(self.long_ids))
            self.pending.extend(keys[voter_id] for voter_id in self.long_ids)
            self.figures.add(list(self.long_ids), list(self.long_ids.values()))
        if self.pending:
            self.sink(self.pending)
            self.pending = []
        self.result.voters = len(self.seen) + len(self.long_ids)
        self.seen = set()  # done with it: free it before the households are counted


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


def read_members(
    binary,
    *,
    sink: Callable[[list[int]], None],
    resolve_long_ids: Callable[[list[str]], dict[str, int]],
    on_progress: Callable[[float], None] = lambda fraction: None,
    total_bytes: int = 0,
    reference_date: dt.date | None = None,
) -> ReadResult:
    """Stream the file's voters into ``sink`` in chunks of keys; return the counts and figures.

    ``binary`` is a seekable binary file. Raises :class:`MembersFileError` for a file that can never load.
    Line numbers count records, the header included, as a spreadsheet shows them.
    """
    result = ReadResult()
    try:
        text = _open_text(binary)
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
    loader = _Loader(layout, sink, result)
    line = 1 if layout.first_line_is_data else 2
    # Millions of short-lived row lists, none in a reference cycle: the cyclic collector would only spend
    # time walking them (measured at a tenth of the load).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for batch in _batches(reader, BATCH_ROWS):
            flushed = loader.load(batch, line)
            line += len(batch)
            if flushed and total_bytes:
                on_progress(min(binary.tell() / total_bytes, 1.0))
    except (OSError, EOFError, zlib.error) as error:
        raise MembersFileError(
            "unreadable_file", f"The members file is cut short or corrupt after line {line - 1}."
        ) from error
    finally:
        if collecting:
            gc.enable()
    loader.finish(resolve_long_ids)
    result.stats, result.households = loader.figures.result(reference_date or dt.date.today())
    return result
