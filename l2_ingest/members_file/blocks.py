"""The members file in blocks of whole lines.

A block is two megabytes: large enough that parsing it costs far more than handing it over, small enough
that the worker's memory does not depend on the size of the file (parsing a block briefly takes about ten
times its size; measured with ``make bench BENCH_ARGS=scale``: 8 MiB blocks cost 70 MB more at the peak).
Lines end with LF, CRLF or a lone CR; a block never ends inside a line (no line is longer than the
contract's bound, so every block holds a line break).
"""

from collections.abc import Iterator

BLOCK_BYTES = 2 << 20


def line_blocks(stream, *, head: bytes = b"") -> Iterator[bytes]:
    """Blocks of whole lines read from ``stream``; ``head`` (what was read before) comes first."""
    rest = head
    while True:
        chunk = stream.read(BLOCK_BYTES)
        data = rest + chunk if rest else chunk
        if not chunk:
            if data:
                yield data
            return
        cut = data.rfind(b"\n") + 1
        if not cut:  # lines ending with a lone CR; never cut between the CR and LF of a CRLF
            cut = data.rfind(b"\r", 0, len(data) - 1) + 1
        if not cut:
            rest = data
            continue
        yield data[:cut]
        rest = data[cut:]
