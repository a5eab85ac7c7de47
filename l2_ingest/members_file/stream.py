"""The members file as bytes: decompression, the contract's bounds, what kind of file arrived, its text.

Every bound is enforced while streaming (docs/l2-endpoint.md › Bounds), so a hostile file costs the worker
one buffer, not its memory: the expanded size (``L2_MAX_EXPANDED_BYTES``), the length of a line, and the
kind of file (a ZIP, an image or UTF-16 fails at once with ``not_text``, recognised by its content).
"""

import codecs
import contextlib
import io
import zlib

from isal import igzip, isal_zlib

from .read_ahead import ReadAhead
from .result import MembersFileError

GZIP_MAGIC = b"\x1f\x8b"
# What reading a damaged or cut file raises. Gzip is read with ISA-L's inflate (isal), which reads what
# the gzip module reads, nearly three times as fast (1.5 GB: 2.3 s against 6.2 s on one core).
UNREADABLE = (OSError, EOFError, zlib.error, isal_zlib.error)
SNIFF_BYTES = 1 << 16
READ_BYTES = 1 << 20
MAX_LINE_BYTES = 64 * 1024
# Bytes that never occur in a text file: C0 controls other than tab, line feed, form feed and carriage
# return, and DEL. A text file with a few of them (a NUL in a row, say) is still text; its rows are judged
# one by one.
CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])
NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in CONTROL_BYTES)
MAX_CONTROL_SHARE = 0.05
# L2's text compresses about tenfold; a file that expands far more is measured ahead of the parser, by
# decompressing alone (about a gigabyte a second), so a bomb fails in seconds, not after parsing 20 GiB.
SUSPICIOUS_RATIO = 100
FIRST_RATIO_CHECK = 16 << 20

# What arrived, by its first bytes. Checked on the decompressed data.
SIGNATURES = [
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook or another Office document"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (GZIP_MAGIC, "a gzip archive inside a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (codecs.BOM_UTF32_LE, "UTF-32 text"),
    (codecs.BOM_UTF32_BE, "UTF-32 text"),
    (codecs.BOM_UTF16_LE, "UTF-16 text"),
    (codecs.BOM_UTF16_BE, "UTF-16 text"),
]


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("latin-1"), error.end


TEXT_ERRORS = "l2_latin1_fallback"  # decode as the encoding, any stray byte as Latin-1
codecs.register_error(TEXT_ERRORS, _latin1_fallback)


class BoundedBytes(io.RawIOBase):
    """The decompressed file, read through the bounds on its size and on the length of its lines.

    ``head`` is what was already read from the source to tell what kind of file it is; it is passed on
    first. The stream also notes whether a NUL byte has gone by: the loader then checks rows for one (and
    rejects them), so clean files pay nothing for that rule.
    """

    def __init__(
        self,
        source,
        *,
        max_bytes: int,
        max_line: int = MAX_LINE_BYTES,
        head: bytes = b"",
        compressed=None,
        keep_alive=lambda: None,
    ):
        self.source = source
        self.max_bytes, self.max_line = max_bytes, max_line
        self.head = head
        self.compressed = compressed  # the stored gzip file, when the source decompresses it
        self.keep_alive = keep_alive  # called while measuring ahead: the load is alive, if not advancing
        self.next_ratio_check = FIRST_RATIO_CHECK
        self.bytes_read = 0
        self.lines = 0  # line breaks seen, for the number of an over-long line
        self.run = 0  # bytes since the last line break
        self.nul_seen = False
        self.pending, self.served = b"", 0  # the chunk being handed out, and how much of it

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        # The text layer asks for 8 KiB at a time; the bounds are checked on whole chunks of READ_BYTES,
        # so their cost per byte stays small.
        if not self.pending:
            self.pending = memoryview(self._next_chunk())
            self.served = 0
        size = min(len(buffer), len(self.pending) - self.served)
        buffer[:size] = self.pending[self.served : self.served + size]
        self.served += size
        if self.served == len(self.pending):
            self.pending = b""
        return size

    def _next_chunk(self) -> bytes:
        if self.head:
            data, self.head = self.head, b""
        else:
            data = self.source.read(READ_BYTES)
        if not data:
            return b""
        self.bytes_read += len(data)
        if self.bytes_read > self.max_bytes:
            raise self._too_large()
        if self.compressed is not None and self.bytes_read >= self.next_ratio_check:
            self._check_ratio()
        self._check_lines(data)
        if not self.nul_seen and b"\0" in data:
            self.nul_seen = True
        return data

    def _too_large(self) -> MembersFileError:
        return MembersFileError(
            "file_too_large",
            f"The members file is over {self.max_bytes:,} bytes once decompressed, the most the portal "
            "accepts. Send the universe in smaller segments.",
        )

    def _check_ratio(self) -> None:
        """A file expanding suspiciously far is decompressed ahead, counting only, once: over the limit, it
        fails now; within it, it is read on as any other."""
        self.next_ratio_check *= 2
        position = self.compressed.tell()
        if self.bytes_read < SUSPICIOUS_RATIO * max(position, 1):
            return
        stored, self.compressed = self.compressed, None  # measured once is enough
        with self._source_paused():
            position = stored.tell()
            try:
                stored.seek(0)
                too_large = _expands_beyond(stored, self.max_bytes, self.keep_alive)
            finally:
                stored.seek(position)  # where the decompressor reading it left off
        if too_large:
            raise self._too_large()

    def _source_paused(self):
        paused = getattr(self.source, "paused", None)
        return paused() if paused else contextlib.nullcontext()

    def close(self) -> None:
        """Stop reading ahead (the stored file itself is the caller's to close)."""
        if isinstance(self.source, ReadAhead):
            self.source.close()
        super().close()

    def _check_lines(self, data: bytes) -> None:
        """Lines end with LF or CRLF (measured by splitting on LF alone, the common case), or with a lone
        CR, as the csv reader reads them; a piece too long by the first measure is measured again."""
        pieces = data.split(b"\n")
        lengths = [self.run + len(pieces[0]), *map(len, pieces[1:])]  # the first continues the last chunk's
        if max(lengths) > self.max_line and b"\r" in data:
            pieces = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
            lengths = [self.run + len(pieces[0]), *map(len, pieces[1:])]
        if max(lengths) > self.max_line:
            index = next(i for i, length in enumerate(lengths) if length > self.max_line)
            raise MembersFileError(
                "line_too_long",
                f"Line {self.lines + 1 + index:,} is longer than {self.max_line // 1024} KiB, the most a line "
                "may hold. Check that the file is L2's export of the universe.",
            )
        self.lines += len(pieces) - 1
        # Bytes since the last break of any kind, so a file of lone CRs carries no false run.
        last_break = max(data.rfind(b"\n"), data.rfind(b"\r"))
        self.run = self.run + len(data) if last_break < 0 else len(data) - last_break - 1


def _expands_beyond(stored, limit: int, keep_alive) -> bool:
    """Whether a gzip file expands past ``limit`` bytes: decompressed and counted, nothing kept."""
    expanded = 0
    with igzip.GzipFile(fileobj=stored, mode="rb") as decompressed:
        while chunk := decompressed.read(READ_BYTES * 4):
            keep_alive()
            expanded += len(chunk)
            if expanded > limit:
                return True
    return False


def _what_arrived(sample: bytes) -> str | None:
    """What the file is, when it is not text; None for text."""
    for signature, what in SIGNATURES:
        if sample.startswith(signature):
            return what
    if not sample:
        return None
    controls = len(sample.translate(None, NOT_CONTROL_BYTES))  # what is left once all else is deleted
    if controls <= MAX_CONTROL_SHARE * len(sample):
        return None
    nuls = sample.count(b"\0")
    # Text in UTF-16 without a byte-order mark: every other byte of Latin text is a NUL.
    if nuls > 0.3 * len(sample) and max(sample[0::2].count(b"\0"), sample[1::2].count(b"\0")) > 0.9 * nuls:
        return "UTF-16 text"
    if nuls > 0.9 * len(sample):
        return "all NUL bytes"
    return "binary data"


def _sniff_encoding(sample: bytes) -> str:
    """Latin-1 when the start of the file is not UTF-8 (L2's own files); else UTF-8, any stray byte as Latin-1.

    Deciding up front spares the fallback handler a call per accented character of a Latin-1 file.
    """
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if error.start < len(sample) - 3:
            return "latin-1"
    return "utf-8"


def _read_up_to(source, size: int) -> bytes:
    """Up to ``size`` bytes: fewer only at the end (a storage back-end may hand back less per read)."""
    parts, wanted = [], size
    while wanted and (part := source.read(wanted)):
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def open_members(
    binary, *, max_expanded_bytes: int, keep_alive=lambda: None
) -> tuple[io.BufferedReader, BoundedBytes, str]:
    """The file's bytes, read through its bounds, and their encoding; raises MembersFileError for a file
    that is not text.

    ``binary`` is the stored file, seekable. Gzip is recognised by its magic bytes, whatever the name. A
    UTF-8 byte-order mark is dropped here, so the bytes handed on start with the first line.
    """
    head = binary.read(2)
    binary.seek(0)
    source = ReadAhead(igzip.GzipFile(fileobj=binary, mode="rb")) if head == GZIP_MAGIC else binary
    try:
        # What kind of file it is, before any other bound: a gzip of zeros is "not text", not "a long line".
        sample = _read_up_to(source, SNIFF_BYTES)
        what = _what_arrived(sample)
    except BaseException:
        if source is not binary:
            source.close()
        raise
    if what is not None:
        if source is not binary:
            source.close()
        raise MembersFileError(
            "not_text",
            f"The members file is {what}, not a tab- or comma-separated text file. Export the universe "
            "from L2 as text (CSV or tab-separated, optionally gzip-compressed) and send it again.",
        )
    bounded = BoundedBytes(
        source,
        max_bytes=max_expanded_bytes,
        head=sample.removeprefix(codecs.BOM_UTF8),
        compressed=binary if source is not binary else None,
        keep_alive=keep_alive,
    )
    return io.BufferedReader(bounded, READ_BYTES), bounded, _sniff_encoding(sample)
