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
    """Blocks of whole lines read from ``stream``, each at most ``BLOCK_BYTES`` unless one line is longer;
    ``head`` (what was read before) comes first."""
    pending, at_end = head, False
    while True:
        while not at_end and len(pending) <= BLOCK_BYTES:
            chunk = stream.read(BLOCK_BYTES)
            at_end = not chunk
            pending += chunk
        if at_end and len(pending) <= BLOCK_BYTES:
            if pending:
                yield pending
            return
        cut = _last_break(pending, BLOCK_BYTES) or _first_break(pending, at_end)
        if not cut:  # no line ends in what was read: read on (a line is bounded, so this ends)
            if at_end:
                yield pending
                return
            chunk = stream.read(BLOCK_BYTES)
            at_end = not chunk
            pending += chunk
            continue
        yield pending[:cut]
        pending = pending[cut:]


def _last_break(data: bytes, limit: int) -> int:
    """Where the last line ending within the first ``limit`` bytes ends (0 if none); never between the CR
    and the LF of a CRLF."""
    return data.rfind(b"\n", 0, limit) + 1 or data.rfind(b"\r", 0, limit - 1) + 1


def _first_break(data: bytes, at_end: bool) -> int:
    """Where the first line ends (0 if it cannot be told yet)."""
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    if not ends:
        return 0
    end = min(ends)
    if data[end : end + 1] == b"\r":
        if end + 1 == len(data) and not at_end:
            return 0  # an LF may follow
        if data[end + 1 : end + 2] == b"\n":
            end += 1
    return end + 1
