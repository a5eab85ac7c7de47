"""The members file in blocks of whole lines, each knowing the number of its first line.

A block is a few megabytes: large enough that parsing it costs far more than handing it over, small enough
that the worker's memory does not depend on the size of the file. Lines end with LF, CRLF or a lone CR;
a block never ends inside a line (no line is longer than the contract's bound, so every block holds a
line break). Line numbers count lines as a spreadsheet shows them, the header included.
"""

from collections.abc import Iterator
from dataclasses import dataclass

BLOCK_BYTES = 8 << 20


@dataclass
class Block:
    first_line: int
    data: bytes

    def physical_lines(self) -> int | None:
        """How many lines the block holds, when every line ends with LF or CRLF; None when some end with a
        lone CR (then only the csv module's reading of the block tells)."""
        data = self.data
        breaks = data.count(b"\n")
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            return None
        return breaks + (not data.endswith(b"\n"))


def line_blocks(stream, first_line: int, *, head: bytes = b"") -> Iterator[Block]:
    """Blocks of whole lines read from ``stream``; ``head`` (the first line, when it is data) comes first."""
    rest = head
    line = first_line
    while True:
        chunk = stream.read(BLOCK_BYTES)
        data = rest + chunk if rest else chunk
        if not chunk:
            if data:
                yield Block(line, data)
            return
        cut = data.rfind(b"\n") + 1
        if not cut:  # lines ending with a lone CR; never cut between the CR and LF of a CRLF
            cut = data.rfind(b"\r", 0, len(data) - 1) + 1
        if not cut:
            rest = data
            continue
        block, rest = data[:cut], data[cut:]
        yield Block(line, block)
        line += count_lines(block)


def count_lines(data: bytes) -> int:
    """Line breaks in ``data``: LF, CRLF and lone CR each end one line."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
