"""LALVOTERIDs as compact integer keys.

A LALVOTERID is ``LAL`` + a two-letter state + digits. Members are stored as one bigint per voter rather than
as text: half the bytes, and integer hashing in the reach query. The key is exact and reversible: the state
pair takes the top bits and the digits, with a leading 1 so that leading zeros survive, the low 51 bits. IDs
with more than 15 digits do not fit; they get keys below zero from the long-ID table (see ``voter_store``).
"""

import re
import string

import numpy as np

VOTER_ID = re.compile(r"LAL[A-Z]{2}[0-9]+")
# As a file may spell it: any letter case, but ASCII only, so no other script's digits or letters (which
# str.upper() and int() would quietly turn into ASCII ones) pass for a voter ID.
VOTER_ID_ANY_CASE = re.compile(r"LAL[A-Z]{2}[0-9]+", re.IGNORECASE | re.ASCII)
MAX_VOTER_ID_LENGTH = 64  # the long-ID table's column
MAX_DIGITS = 15
DIGIT_BITS = 51  # "1" + 15 digits < 2·10^15 < 2^51

# "OH" -> its prefix already shifted into place; and back.
STATE_PREFIX: dict[str, int] = {}
PREFIX_STATE: dict[int, str] = {}
for _i, (_a, _b) in enumerate((a, b) for a in string.ascii_uppercase for b in string.ascii_uppercase):
    STATE_PREFIX[_a + _b] = _i << DIGIT_BITS
    PREFIX_STATE[_i] = _a + _b


def normalize_voter_id(raw: str) -> str | None:
    """The voter ID as stored (trimmed, upper-cased), or None when it is not a LALVOTERID."""
    voter_id = raw.strip()
    if len(voter_id) > MAX_VOTER_ID_LENGTH or not VOTER_ID_ANY_CASE.fullmatch(voter_id):
        return None
    return voter_id.upper()


def voter_key(voter_id: str) -> int | None:
    """The key of a normalized LALVOTERID, or None when its digits are too long to encode."""
    digits = voter_id[5:]
    if len(digits) > MAX_DIGITS:
        return None
    return STATE_PREFIX[voter_id[3:5]] | int("1" + digits)


def voter_id_from_key(key: int) -> str:
    if key < 0:
        raise ValueError("long voter IDs are looked up in the long-ID table")
    return "LAL" + PREFIX_STATE[key >> DIGIT_BITS] + str(key & ((1 << DIGIT_BITS) - 1))[1:]


def state_of_key(key: int) -> str:
    return PREFIX_STATE[key >> DIGIT_BITS]


def voter_keys_of(states: np.ndarray, digits: np.ndarray, digit_counts: np.ndarray) -> np.ndarray:
    """Keys of many IDs at once (as :func:`voter_key`, vectorised): ``states`` holds each ID's two state
    letters as bytes (any case), ``digits`` its digits as a number and ``digit_counts`` how many there are
    (at most ``MAX_DIGITS``)."""
    letters = (states.reshape(-1, 2) | 0x20).astype(np.int64) - ord("a")  # | 0x20: lower case, for ASCII
    prefix = (letters[:, 0] * 26 + letters[:, 1]) << DIGIT_BITS
    return prefix | (_POWERS_OF_TEN[digit_counts] + digits)


_POWERS_OF_TEN = 10 ** np.arange(MAX_DIGITS + 1, dtype=np.int64)
