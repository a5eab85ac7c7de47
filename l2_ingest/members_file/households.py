"""Households as 64-bit hashes of the address line and ZIP code (case and surrounding spaces aside).

Counting distinct households needs every voter's household at once, which is the database's work (see
``audiences.voter_store``); the worker hands it one hash per row, computed over a whole block at a time.
The same function serves rows read by the columnar path and by the row-by-row path, so a file counts the
same whichever path each of its blocks took. The addresses themselves are never kept.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .stream import MAX_LINE_BYTES

NO_HOUSEHOLD = 0  # a row without an address line
_MULTIPLIER = np.uint64(0x100000001B3)  # odd: every power is distinct modulo 2**64
SHORT_BYTES = 64
_POWERS = np.concatenate(  # P^0, P^1, … modulo 2**64, for strings up to a line long
    [[np.uint64(1)], np.cumprod(np.full(MAX_LINE_BYTES + 1, _MULTIPLIER, dtype=np.uint64), dtype=np.uint64)]
)


def household_hashes(addresses: pa.Array, zips: pa.Array | None) -> np.ndarray:
    """One hash per row (int64), ``NO_HOUSEHOLD`` where the address line is empty."""
    address = pc.utf8_upper(pc.utf8_trim_whitespace(addresses))
    zip_code = pc.utf8_trim_whitespace(zips) if zips is not None else pa.scalar("")
    joined = pc.binary_join_element_wise(address, zip_code, "\x1f")
    hashes = _string_hashes(joined.cast(pa.large_string())).view(np.int64) | 1  # never NO_HOUSEHOLD
    hashes[pc.equal(pc.utf8_length(address), 0).to_numpy(zero_copy_only=False)] = NO_HOUSEHOLD
    return hashes


def _string_hashes(strings: pa.LargeStringArray) -> np.ndarray:
    """A polynomial hash of each string's bytes, mixed (splitmix64's finalizer). Every string holds at
    least one byte here (the separator)."""
    count = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)[strings.offset : strings.offset + count + 1]
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    starts, lengths = offsets[:-1], np.diff(offsets)
    sums = np.empty(count, dtype=np.uint64)
    short = lengths <= SHORT_BYTES
    with np.errstate(over="ignore"):
        sums[short] = _short_sums(data, starts[short], lengths[short])
        sums[~short] = _long_sums(data, starts[~short], lengths[~short])
        mixed = sums ^ lengths.astype(np.uint64)
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return mixed


def _short_sums(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Σ byte_i × P^(n-1-i) by Horner's rule, a byte position at a time over all the strings (an address is
    a few dozen bytes)."""
    sums = np.zeros(len(starts), dtype=np.uint64)
    last = len(data) - 1
    for position in range(int(lengths.max(initial=0))):
        inside = position < lengths
        byte = data[np.minimum(starts + position, last)].astype(np.uint64)
        sums = np.where(inside, sums * _MULTIPLIER + byte, sums)
    return sums


def _long_sums(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The same sums for the rare long strings, one string at a time."""
    sums = [
        (data[start : start + n].astype(np.uint64) * _POWERS[n - 1 :: -1]).sum(dtype=np.uint64)
        for start, n in zip(starts.tolist(), lengths.tolist(), strict=True)
    ]
    return np.array(sums, dtype=np.uint64)
