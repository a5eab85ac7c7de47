"""The breakdowns users see (party, gender, age, state, county, district), counted while the file streams,
a block of accepted rows at a time: a block read by columns is counted with pyarrow's ``value_counts``, one
read row by row with a Counter; both end in the same tallies.

Real L2 columns hold at most a few thousand distinct values; a hostile file could hold millions, or values
of 60 KB. So each counter has a budget (distinct values and their characters): once over it, it takes no
new values (they count as "Other") and its memory stays put. Each breakdown keeps its top 50 values and
folds the rest into "Other". States come from the voter keys (see ``audiences.voter_keys``).
"""

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from audiences.voter_keys import DIGIT_BITS, PREFIX_STATE

from .stream import TEXT_ERRORS

TOP_VALUES = 50
MAX_DISTINCT = 50_000
MAX_KEY_CHARACTERS = 4_000_000
FIRST_BUDGET_CHECK = 256
STATE_PAIRS = 26 * 26

AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200)]
_STATE = itemgetter(slice(3, 5))


class _Tally:
    """One counter with a budget. Checked as it grows by a quarter, so the checks cost O(n) in all."""

    def __init__(self, index: int):
        self.getter = itemgetter(index)
        self.counts: Counter = Counter()
        self.overflow = 0  # values not counted by name, once over budget
        self.capped = False
        self.next_check = FIRST_BUDGET_CHECK

    def add_rows(self, rows: Sequence) -> None:
        self._add(Counter(map(self.getter, rows)))

    def add_column(self, column: pa.Array, encoding: str) -> None:
        """Count a column of bytes; only its distinct values are decoded."""
        counted = pc.value_counts(column)
        decoded: Counter = Counter()
        for value, n in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        ):
            decoded[value.decode(encoding, TEXT_ERRORS)] += n
        self._add(decoded)

    def _add(self, counted: dict) -> None:
        if not self.capped:
            self.counts.update(counted)
            self.capped = self._over_budget()
            return
        counts = self.counts
        for value, n in counted.items():
            if value in counts:
                counts[value] += n
            else:
                self.overflow += n

    def _over_budget(self) -> bool:
        """True when the counter holds more than it may; checked only as it grows, so cheap."""
        if len(self.counts) < self.next_check:
            return False
        self.next_check = len(self.counts) * 5 // 4 + 1
        return len(self.counts) > MAX_DISTINCT or sum(map(len, self.counts)) > MAX_KEY_CHARACTERS


class Figures:
    """The breakdowns, fed a block of accepted rows at a time (by column or by row)."""

    NAMES = ("party", "gender", "age", "district", "county", "birth_date")

    def __init__(self, stat_indices: dict[str, int]):
        names = [name for name in self.NAMES if name in stat_indices]
        if "age" in names and "birth_date" in names:
            names.remove("birth_date")  # the age column says it already
        self.tallies = {name: _Tally(stat_indices[name]) for name in names}
        self.states = np.zeros(STATE_PAIRS, dtype=np.int64)
        self.long_id_states: Counter = Counter()

    def add_keys(self, keys: np.ndarray) -> None:
        """Count the states of inline voter keys (every key at or above zero)."""
        self.states += np.bincount(keys >> DIGIT_BITS, minlength=STATE_PAIRS)

    def add_long_ids(self, voter_ids: Sequence[str]) -> None:
        self.long_id_states.update(map(_STATE, voter_ids))

    def add_rows(self, rows: Sequence[Sequence[str]]) -> None:
        for tally in self.tallies.values():
            tally.add_rows(rows)

    def add_columns(self, columns: dict[str, pa.Array], encoding: str) -> None:
        for name, tally in self.tallies.items():
            tally.add_column(columns[name], encoding)

    def result(self, reference: dt.date) -> dict:
        counters = {name: (tally.counts, tally.overflow) for name, tally in self.tallies.items()}
        states = Counter(
            {PREFIX_STATE[i]: int(n) for i in np.flatnonzero(self.states) for n in [self.states[i]]}
        )
        states.update(self.long_id_states)
        stats: dict = {"state": _top(states)}
        if "party" in counters:
            stats["party"] = _top(*_labelled(*counters["party"]))
        if "gender" in counters:
            stats["gender"] = _gender(*counters["gender"])
        if "age" in counters:
            stats["age_band"] = _age_bands(*counters["age"], lambda value: int(float(value)))
        elif "birth_date" in counters:
            stats["age_band"] = _age_bands(
                *counters["birth_date"], lambda value: _age_from_birth_date(value, reference)
            )
        if "county" in counters:
            stats["county"] = _top(*_labelled(*counters["county"], title=True))
        if "district" in counters:
            stats["congressional_district"] = _districts(*counters["district"])
        return stats


def _top_and_rest(counter: Counter, overflow: int = 0) -> tuple[list, list | None]:
    """The most common values, at most 50, and an "Other" entry for the rest (None when nothing is left).

    Values counted alike are in alphabetical order, whatever order the file's blocks were read in.
    """
    top = [
        list(pair)
        for pair in heapq.nsmallest(TOP_VALUES, counter.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    rest = sum(counter.values()) - sum(n for _, n in top) + overflow
    if not rest:
        return top, None
    more = len(counter) - len(top)
    return top, [f"Other ({more:,} more)" if more and not overflow else "Other", rest]


def _top(counter: Counter, overflow: int = 0) -> list:
    top, rest = _top_and_rest(counter, overflow)
    return top + ([rest] if rest else [])


def _labelled(counter: Counter, overflow: int = 0, title: bool = False) -> tuple[Counter, int]:
    out: Counter = Counter()
    for value, n in counter.items():
        label = value.strip()
        label = (label.title() if title else label) or "Unknown"
        out[label] += n
    return out, overflow


def _gender(counter: Counter, overflow: int = 0) -> list:
    out = Counter({"Unknown": overflow})
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


def _age_bands(counter: Counter, overflow: int, age_of: Callable[[str], int]) -> list:
    bands = Counter({"Unknown": overflow})
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


def _districts(counter: Counter, overflow: int = 0) -> list:
    """The top 50 districts by voters, listed in district order, with "Other" last."""
    out = Counter()
    for value, n in counter.items():
        value = value.strip()
        out[str(int(value)) if _is_number(value) else (value or "Unknown")] += n
    top, rest = _top_and_rest(out, overflow)

    def order(item):
        label = item[0]
        return (not _is_number(label), int(label) if _is_number(label) else 0, label)

    return sorted(top, key=order) + ([rest] if rest else [])


def _is_number(text: str) -> bool:
    # ASCII digits only: "²".isdigit() is true, but int() refuses it.
    return text.isascii() and text.isdigit()
