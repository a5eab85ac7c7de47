"""The columnar path: a block of regular rows, parsed by pyarrow's multi-threaded CSV reader.

Only the columns the portal uses are kept (the voter ID, the breakdowns' and the address's), and the voter
IDs are checked and turned into keys a whole block at a time. A block is *regular* when every one of its
rows has the header's number of fields, no byte is NUL and every voter ID is a plain LALVOTERID short
enough for an inline key; that is every block of an L2 export. Any other block is
read row by row (``rows``), which knows every rule and numbers what it rejects: this path never has to.

Nothing pyarrow says about a block is passed on: its messages quote the file.
"""

import contextlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from audiences.voter_keys import MAX_DIGITS, voter_keys_of

from .layout import Layout
from .stream import TEXT_ERRORS

# Leading and trailing blanks as the row path strips them; anything more unusual is left to that path.
VOTER_ID_PARTS = rf"^[ \t]*[Ll][Aa][Ll](?P<state>[A-Za-z]{{2}})(?P<digits>[0-9]{{1,{MAX_DIGITS}}})[ \t]*$"
# pyarrow splits a block into pieces of this size for its threads (one per core).
PARSE_BYTES = 1 << 20

# jemalloc hands memory back to the system between blocks; the default pool keeps more of it (measured:
# 35 MB less at the worker's peak). Not every build of pyarrow has it.
with contextlib.suppress(NotImplementedError):
    pa.set_memory_pool(pa.jemalloc_memory_pool())


@dataclass
class Columns:
    lines: np.ndarray  # each row's line number
    keys: np.ndarray  # each row's voter key
    values: dict[str, pa.Array]  # the breakdowns' and households' columns, as bytes, by name
    encoding: str  # of those bytes

    def text(self, name: str) -> pa.Array:
        """A column as text, decoded as the row path decodes the whole block."""
        return decoded(self.values[name], self.encoding)

    def where(self, keep: np.ndarray) -> "Columns":
        mask = pa.array(keep)
        values = {name: column.filter(mask) for name, column in self.values.items()}
        return Columns(self.lines[keep], self.keys[keep], values, self.encoding)


def decoded(column: pa.Array, encoding: str) -> pa.Array:
    """Bytes as text: without a copy when they are ASCII (or valid UTF-8 in a UTF-8 file), else each value
    decoded in Python, any stray byte read as Latin-1."""
    data = column.buffers()[2]
    if encoding != "latin-1" or data is None or memoryview(data).tobytes().isascii():
        try:
            return column.cast(pa.string())
        except pa.ArrowInvalid:
            pass
    return pa.array([value.decode(encoding, TEXT_ERRORS) for value in column.to_pylist()], pa.string())


def read_columns(data: bytes, first_line: int, layout: Layout, encoding: str) -> Columns | None:
    """The block's rows by columns, or None when the block is not regular.

    Rows are numbered as the row path numbers them: one per record, a record being a line unless a quoted
    field holds a line break.
    """
    if b"\0" in data:
        return None
    table = _parse(data, layout)
    if table is None:
        return None
    parts = pc.extract_regex(table.column(_name(layout.id_index)).combine_chunks(), VOTER_ID_PARTS)
    if parts.null_count:
        return None
    states = parts.field("state").cast(pa.binary(2))
    state_bytes = np.frombuffer(states.buffers()[1], dtype=np.uint8)[
        states.offset * 2 : (states.offset + len(states)) * 2
    ]
    digits = parts.field("digits").cast(pa.string())  # ASCII digits: always valid text
    keys = voter_keys_of(
        state_bytes,
        pc.cast(digits, pa.int64()).to_numpy(),
        pc.utf8_length(digits).to_numpy(zero_copy_only=False),
    )
    values = {
        name: table.column(_name(index)).combine_chunks() for name, index in layout.stat_indices.items()
    }
    return Columns(first_line + np.arange(len(keys), dtype=np.int64), keys, values, encoding)


def _name(index: int) -> str:
    return f"c{index}"  # header names may repeat or be blank: columns go by position


def _parse(data: bytes, layout: Layout) -> pa.Table | None:
    """The used columns of a block, or None when a row has too few or too many fields (pyarrow refuses
    the block; its message, which quotes the row, goes no further)."""
    used = sorted({layout.id_index, *layout.stat_indices.values()})
    try:
        return pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(
                column_names=[_name(i) for i in range(layout.width)], block_size=PARSE_BYTES
            ),
            parse_options=pcsv.ParseOptions(delimiter=layout.delimiter, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                include_columns=[_name(i) for i in used],
                # Bytes, not text: nothing is decoded but the few values counted and the addresses.
                column_types={_name(i): pa.binary() for i in used},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # any of pyarrow's refusals: the row path will say which rule, by line number
        return None
