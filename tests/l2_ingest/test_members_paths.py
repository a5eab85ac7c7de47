"""The two ways a block is read — by columns when it is regular, row by row otherwise — give the same result.

The reference is the row path reading the whole file as one block (the reader as it always was). Any file,
cut into blocks of any size, read by whichever path each block takes, must give exactly its counts, line
numbers, breakdowns, households and voters.
"""

from contextlib import ExitStack
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.l2_ingest.members_store import read_into_memory

VOTER_IDS = [
    *(f"LALOH{i}" for i in range(12)),
    "laloh3",  # the same voter as LALOH3
    " LALNJ7 ",
    "LALOH" + "9" * 20,  # too long for an inline key
    "LALOH" + "9" * 20,
    "LALO5",  # no state
    "",
    "Zelda Quintero",  # a name where the ID should be
    "LALOH\u0663",  # an Arabic-Indic digit
]
VALUES = [
    "Franklin",
    "Doña Ana",
    "Münster",
    " franklin ",
    "",
    "Democratic",
    "12 Main St",
    "12 MAIN ST ",
    "04321",
]
HEADER = [
    "LALVOTERID",
    "County",
    "Residence_Addresses_AddressLine",
    "Residence_Addresses_Zip",
    "Parties_Description",
]

rows = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(VOTER_IDS), st.lists(st.sampled_from(VALUES), min_size=4, max_size=4)).map(
            lambda r: [r[0], *r[1]]
        ),
        st.sampled_from(VOTER_IDS).map(lambda voter_id: [voter_id, "Franklin"]),  # a short row
        st.sampled_from(VOTER_IDS).map(lambda voter_id: [voter_id, *VALUES[:5]]),  # one field too many
        st.just([]),  # a blank line
        st.just(["LALOH5", '"Quoted, with the delimiter\t"', "1 Elm", "01234", "Green"]),
        st.just(["LALOH6", "Nul\x00byte", "", "", ""]),
    ),
    min_size=1,
    max_size=40,
)


def export(body: list[list[str]], delimiter: str, newline: str, encoding: str) -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in body]
    return (newline.join(lines) + newline).encode(encoding, errors="replace")


def read(data: bytes, *, block_bytes: int, by_columns: bool):
    with ExitStack() as patches:
        patches.enter_context(mock.patch("l2_ingest.members_file.blocks.BLOCK_BYTES", block_bytes))
        if not by_columns:
            patches.enter_context(mock.patch("l2_ingest.members_file.reader.read_columns", return_value=None))
        result, keys = read_into_memory(data)
    return {
        "counts": (
            result.rows_read,
            result.rows_accepted,
            result.voters,
            result.duplicates,
            result.rows_rejected,
        ),
        "errors": result.errors,
        "households": result.households,
        "stats": result.stats,
        "keys": keys,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=rows,
    delimiter=st.sampled_from(["\t", ","]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["latin-1", "utf-8"]),
    block_bytes=st.sampled_from([1, 40, 200, 1 << 20]),
)
def test_any_file_reads_the_same_whichever_path_each_block_takes(
    body, delimiter, newline, encoding, block_bytes
):
    data = export(body, delimiter, newline, encoding)
    reference = read(data, block_bytes=1 << 30, by_columns=False)
    assert read(data, block_bytes=block_bytes, by_columns=True) == reference
    assert read(data, block_bytes=block_bytes, by_columns=False) == reference


def test_a_regular_export_is_read_by_columns_and_a_rejected_row_row_by_row():
    """Not only equal: the fast path is the one taken for clean blocks."""
    good = "".join(f"LALOH{i}\tFranklin\n" for i in range(2_000)).encode()
    data = b"LALVOTERID\tCounty\n" + good + b"LALO5\tFranklin\n" + good.replace(b"LALOH", b"LALNJ")
    calls = []
    with mock.patch("l2_ingest.members_file.blocks.BLOCK_BYTES", 8 * 1024):
        from l2_ingest.members_file import reader

        original = reader.read_columns

        def spy(*args):
            columns = original(*args)
            calls.append(columns is not None)
            return columns

        with mock.patch("l2_ingest.members_file.reader.read_columns", side_effect=spy):
            result, _keys = read_into_memory(data)
    assert (result.voters, result.rows_rejected) == (4_000, 1)
    assert result.errors == [{"line": 2_002, "reason": "LALVOTERID is not LAL + 2-letter state + digits"}]
    assert calls.count(False) == 1 and calls.count(True) >= 8
