"""The breakdowns users see (party, gender, age, state, county, district) and households, counted while the
file streams, a batch of accepted rows at a time, in C wherever possible.

Real L2 columns hold at most a few thousand distinct values; a hostile file could hold millions, or values
of 60 KB. So each counter has a budget (distinct values and their characters): once over it, it takes no
new values (they count as "Other") and its memory stays put. Each breakdown keeps its top 50 values and
folds the rest into "Other".
"""

import datetime as dt
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import itemgetter

from audiences.voter_keys import DIGIT_BITS

TOP_VALUES = 50
MAX_DISTINCT = 50_000
MAX_KEY_CHARACTERS = 4_000_000
FIRST_BUDGET_CHECK = 256

AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200)]
_STATE = itemgetter(slice(3, 5))


def _characters(key) -> int:
    return sum(map(len, key)) if isinstance(key, tuple) else len(key)


class _Tally:
    """One counter with a budget. Checked as it grows by a quarter, so the checks cost O(n) in all."""

    def __init__(self, getter: Callable, counts: Counter | None = None):
        self.getter = getter
        self.counts = counts if counts is not None else Counter()
        self.overflow = 0  # values not counted by name, once over budget
        self.capped = False
        self.next_check = max(FIRST_BUDGET_CHECK, len(self.counts) + 1)

    def add(self, rows: Sequence) -> None:
        if not self.capped:
            self.counts.update(map(self.getter, rows))
            return
        counts = self.counts
        for value in map(self.getter, rows):
            if value in counts:
                counts[value] += 1
            else:
                self.overflow += 1

    def over_budget(self) -> bool:
        """True when the counter holds more than it may; checked only as it grows, so cheap."""
        if self.capped or len(self.counts) < self.next_check:
            return False
        self.next_check = len(self.counts) * 5 // 4 + 1
        return len(self.counts) > MAX_DISTINCT or sum(map(_characters, self.counts)) > MAX_KEY_CHARACTERS


class Figures:
    """The breakdowns, fed a batch of accepted rows at a time.

    Party, gender, age and district have few values each, so they are counted together as one tuple per row
    (one pass instead of four) and split apart at the end — or as soon as the tuples outgrow their budget.
    """

    COMBINED = ("party", "gender", "age", "district")

    def __init__(self, stat_indices: dict[str, int]):
        self.indices = stat_indices
        self.combined = [name for name in self.COMBINED if name in stat_indices]
        self.combo: _Tally | None = None
        if self.combined:
            getter = itemgetter(*(stat_indices[name] for name in self.combined))
            if len(self.combined) == 1:
                single = getter
                getter = lambda row: (single(row),)  # noqa: E731 - itemgetter of one index returns a bare value
            self.combo = _Tally(getter)
        separate = [name for name in ("county", "birth_date") if name in stat_indices]
        if "age" in stat_indices and "birth_date" in separate:
            separate.remove("birth_date")
        self.tallies = {name: _Tally(itemgetter(stat_indices[name])) for name in separate}
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
        for tally in self.tallies.values():
            tally.add(rows)
            if tally.over_budget():
                tally.capped = True
        if self.combo is not None:  # after the separate ones: a split adds tallies that have this batch
            self.combo.add(rows)
            if self.combo.over_budget():
                self._split_combo()
        if self.address is not None:
            addresses = map(str.upper, map(str.strip, map(self.address, rows)))
            zips = map(str.strip, map(self.zip, rows)) if self.zip else repeat("")
            # A hash is enough to count distinct households; the addresses themselves are never kept.
            self.households.extend(map(hash, filter(itemgetter(0), zip(addresses, zips, strict=False))))

    def _split_combo(self) -> None:
        """Count the combined columns one by one from now on, starting from the exact split so far."""
        for name, counts in self._split(self.combo).items():
            tally = _Tally(itemgetter(self.indices[name]), counts)
            tally.capped = tally.over_budget()
            self.tallies[name] = tally
        self.combo = None

    def _split(self, combo: _Tally) -> dict[str, Counter]:
        split = {name: Counter() for name in self.combined}
        for values, n in combo.counts.items():
            for name, value in zip(self.combined, values, strict=True):
                split[name][value] += n
        return split

    def result(self, reference: dt.date) -> tuple[dict, int | None]:
        counters = {name: (tally.counts, tally.overflow) for name, tally in self.tallies.items()}
        if self.combo is not None:
            counters.update({name: (c, 0) for name, c in self._split(self.combo).items()})
        stats: dict = {"state": _top(self.states)}
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
        households = len(set(self.households)) if self.address is not None else None
        self.households = array("q")
        return stats, households


def _top_and_rest(counter: Counter, overflow: int = 0) -> tuple[list, list | None]:
    """The most common values, at most 50, and an "Other" entry for the rest (None when nothing is left)."""
    top = [list(pair) for pair in counter.most_common(TOP_VALUES)]
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
