"""The contract's Bounds on the members file (docs/l2-endpoint.md › Bounds), at the reader.

Whatever a file holds, reading it ends in counts or in a MembersFileError with a code — never a crash,
never memory that grows with the hostile part, never a value of the file in a reason.
"""

import gzip
import io
import random
import struct
import zipfile
import zlib

import pytest

from l2_ingest.members_file import MembersFileError
from tests.l2_ingest.helpers import ids_file
from tests.l2_ingest.members_store import read_into_memory

SECRET = "Zelda Quintero-Vasquez"  # a voter's name: must never reach an error


def read(data: bytes, **kwargs):
    return read_into_memory(data, **kwargs)


def refused(data: bytes, **kwargs) -> MembersFileError:
    with pytest.raises(MembersFileError) as caught:
        read(data, **kwargs)
    return caught.value


def gzip_of_repeated(chunk: bytes, times: int) -> bytes:
    """``chunk`` repeated, gzipped: one gzip member repeated, as gzip allows (a bomb made in no time)."""
    return gzip.compress(chunk, compresslevel=9) * times


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", f"<sheetData><row><c>{SECRET}</c></row></sheetData>")
    return buffer.getvalue()


def zip_of_ids() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("universe.txt", ids_file(50))
    return buffer.getvalue()


def png() -> bytes:
    header = b"\x89PNG\r\n\x1a\n"
    chunk = struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return header + chunk + struct.pack(">I", zlib.crc32(chunk[4:])) + bytes(64)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        pytest.param(xlsx(), "a ZIP archive (an Excel .xlsx workbook is one)", id="xlsx"),
        pytest.param(gzip.compress(xlsx()), "a ZIP archive", id="gzipped-xlsx"),
        pytest.param(png(), "a PNG image", id="png"),
        pytest.param(b"%PDF-1.7\n" + bytes(100), "a PDF document", id="pdf"),
        pytest.param(ids_file(50).decode().encode("utf-16"), "UTF-16 text", id="utf16-with-bom"),
        pytest.param(ids_file(50).decode().encode("utf-16-le"), "UTF-16 text", id="utf16-without-bom"),
        pytest.param(random.Random(8).randbytes(200_000), "binary data", id="random-bytes"),
        pytest.param(bytes(100_000), "all NUL bytes", id="nul-bytes"),
    ],
)
def test_a_file_that_is_not_text_fails_at_once_saying_what_arrived(data, what):
    error = refused(data)
    assert error.code == "not_text"
    assert what in error.reason and "not a tab- or comma-separated text file" in error.reason
    assert SECRET not in error.reason


def test_a_gzip_of_a_billion_zeros_fails_as_not_text_after_reading_one_buffer():
    bomb = gzip_of_repeated(bytes(1 << 20), 1024)  # 1 GiB of NUL bytes in about 1 MB
    assert len(bomb) < 2 << 20
    error = refused(bomb)
    assert error.code == "not_text" and "all NUL bytes" in error.reason


def test_a_file_expanding_past_the_limit_fails_as_too_large_while_streaming():
    line = b"LALOH1000\n"
    bomb = gzip_of_repeated(line * 10_000, 1_000)  # 100 MB of one voter, repeated, in about 300 KB
    cap = 2 << 20
    error = refused(bomb, max_expanded_bytes=cap)
    assert error.code == "file_too_large"
    assert f"{cap:,} bytes" in error.reason
    # Below the limit, the same kind of file is only a very repetitive universe: one voter.
    result, keys = read(gzip_of_repeated(line * 10_000, 10), max_expanded_bytes=cap)
    assert (result.voters, result.duplicates, len(keys)) == (1, 99_999, 1)


def test_a_bomb_is_measured_ahead_of_the_parser_and_fails_long_before_it_is_parsed():
    """Past 16 MiB, a file expanding 100-fold or more is decompressed ahead, counting only: over the limit,
    it fails there, not once its gigabytes have been parsed."""
    line = b"LALOH1\t" + b"x" * 1000 + b"\n"
    header = gzip.compress(b"LALVOTERID\tNotes\n")
    # 10 GiB of one voter, in about 20 MB: large enough that one read of the compressed file (512 KiB)
    # is a small share of it, so the share read says where the reading stopped.
    bomb = header + gzip_of_repeated(line * 16_000, 640)
    fractions: list[float] = []
    with pytest.raises(MembersFileError) as caught:
        read(bomb, max_expanded_bytes=256 << 20, on_progress=fractions.append, total_bytes=len(bomb))
    assert caught.value.code == "file_too_large"
    assert max(fractions, default=0) < 0.05  # stopped near 16 MiB of the 10 GiB: the limit was 256 MiB
    # While it measured 256 MiB ahead, 4 MiB at a time, the heartbeat went on at the same progress.
    assert fractions.count(fractions[-1]) >= 64

    # Within the limit, the same kind of file is measured, then read to its end as any other.
    result, keys = read(header + gzip_of_repeated(line * 16_000, 4), max_expanded_bytes=256 << 20)
    assert (result.voters, result.duplicates, len(keys)) == (1, 63_999, 1)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"LALVOTERID\nLALOH1\n" + b"x" * (65 * 1024) + b"\nLALOH2\n", 3, id="middle"),
        pytest.param(b"LALVOTERID\nLALOH1\n" + b"y" * (200 * 1024), 3, id="last-without-newline"),
        pytest.param(b"z" * (3 << 20), 1, id="no-newline-at-all"),
        pytest.param(b"LALVOTERID\r\n" + b"LALOH1\r\n" * 200_000 + b"w" * (70 * 1024), 200_002, id="crlf"),
    ],
)
def test_a_line_over_64_kib_fails_the_file_naming_the_line(data, line):
    error = refused(data)
    assert error.code == "line_too_long"
    assert f"Line {line:,} is longer than 64 KiB" in error.reason


def test_a_line_of_64_kib_is_still_a_line():
    wide = "LALVOTERID\tNotes\nLALOH1\t" + "n" * (64 * 1024 - 8) + "\nLALOH2\tshort\n"
    result, _ = read(wide.encode())
    assert (result.voters, result.rows_rejected) == (2, 0)


def test_rows_breaking_a_rule_are_rejected_and_counted_never_a_crash():
    rows = [
        "LALVOTERID\tVoters_FirstName\tCounty",
        "LALOH1\tAnn\tFranklin",
        f"LALOH2\t{SECRET}\x00\tFranklin",  # a NUL byte anywhere in the row
        "LALOH\u0661\u0662\u0663\t" + SECRET + "\tFranklin",  # Arabic-Indic digits
        "\uff2c\uff21\uff2cOH4\tAnn\tFranklin",  # fullwidth letters
        "lal\u017fc5\tAnn\tFranklin",  # a long s, which upper() turns into S
        "LALOH" + "7" * 60 + "\tAnn\tFranklin",  # 65 characters: longer than any voter ID
        "LALOH" + "8" * 25 + "\tAnn\tFranklin",  # long, but valid: resolved through the long-ID table
        "laloh9\tAnn\tFranklin",
    ]
    data = "\n".join(rows).encode("utf-8") + b"\nLALOH\xff10\tAnn\tFranklin\nLALOH11\tM\xfcller\tFranklin\n"
    result, keys = read(data)
    assert result.voters == len(keys) == 4  # LALOH1, the long one, LALOH9 and LALOH11 (a Latin-1 name)
    reasons = {error["line"]: error["reason"] for error in result.errors}
    assert reasons == {
        3: "the row contains a NUL byte",
        4: "LALVOTERID is not LAL + 2-letter state + digits",
        5: "LALVOTERID is not LAL + 2-letter state + digits",
        6: "LALVOTERID is not LAL + 2-letter state + digits",
        7: "LALVOTERID is longer than 64 characters",
        10: "LALVOTERID is not LAL + 2-letter state + digits",
    }
    assert result.rows_rejected == 6
    assert SECRET not in repr(result.errors)


def test_a_file_with_nul_bytes_only_in_later_rows_still_reads_its_clean_rows():
    clean = [f"LALOH{i}" for i in range(30_000)]
    data = ("LALVOTERID\n" + "\n".join(clean) + "\nLALOH\x0099\n").encode()
    result, _ = read(data)
    assert (result.voters, result.rows_rejected) == (30_000, 1)
    assert result.errors == [{"line": 30_002, "reason": "the row contains a NUL byte"}]


def test_a_headerless_export_is_refused_without_quoting_its_first_line():
    data = f"Main St 12,{SECRET},OH\nElm St 9,Ann Lee,OH\n".encode()
    error = refused(data)
    assert error.code == "missing_lalvoterid_column"
    assert "3 comma-separated columns" in error.reason
    assert SECRET not in error.reason and "Main St" not in error.reason


def test_unparseable_lines_are_reported_by_rule_not_by_content():
    data = f'LALVOTERID,Name\nLALOH1,"{SECRET}"x\nLALOH2,Bob\n'.encode()
    result, _ = read(data)
    assert SECRET not in repr(result.errors)
    assert all(set(error) == {"line", "reason"} for error in result.errors)


def test_breakdowns_keep_their_top_50_values_and_fold_the_rest_into_other():
    rows = ["LALVOTERID\tCounty\tParties_Description"]
    voter = 0
    for county in range(120):
        for _ in range(120 - county):  # county 0 is the largest
            rows.append(f"LALOH{voter}\tCounty {county:03d}\tParty {county % 3}")
            voter += 1
    result, _ = read("\n".join(rows).encode())
    counties = result.stats["county"]
    assert len(counties) == 51
    assert counties[0] == ["County 000", 120]
    assert counties[-1] == ["Other (70 more)", sum(120 - c for c in range(50, 120))]
    assert len(result.stats["party"]) == 3  # few values: nothing folded


def test_a_column_of_endless_distinct_values_stops_growing_and_counts_the_rest_as_other():
    # 3 000 distinct parties of 2 KB each: past the breakdown's budget of characters.
    rows = ["LALVOTERID\tParties_Description"]
    rows += [f"LALOH{i}\t{i:06d}" + "p" * 2_000 for i in range(3_000)]
    result, _ = read("\n".join(rows).encode())
    parties = result.stats["party"]
    assert len(parties) == 51 and parties[-1][0] == "Other"
    assert sum(n for _, n in parties) == 3_000


def test_progress_advances_with_bytes_read_even_when_no_voter_is_new(monkeypatch):
    monkeypatch.setattr("l2_ingest.members_file.blocks.BLOCK_BYTES", 16 * 1024)
    fractions: list[float] = []
    data = b"LALVOTERID\n" + b"LALOH1\n" * 300_000  # one voter, 300 000 times: nothing new to write
    result, keys = read(data, on_progress=fractions.append, total_bytes=len(data))
    assert (result.voters, len(keys)) == (1, 1)
    assert len(fractions) > 100  # once per block read (2 MB in blocks of 16 KiB), not once per keys written
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("members", "code"),
    [
        pytest.param(xlsx(), "not_text", id="xlsx"),
        pytest.param(zip_of_ids(), "not_text", id="zip"),
        pytest.param(png(), "not_text", id="png"),
        pytest.param(ids_file(50).decode().encode("utf-16"), "not_text", id="utf-16"),
        pytest.param(random.Random(9).randbytes(100_000), "not_text", id="random-bytes"),
        pytest.param(gzip_of_repeated(bytes(1 << 20), 256), "not_text", id="gzip-of-zeros"),
        pytest.param(gzip_of_repeated(b"LALOH1\n" * 10_000, 200), "file_too_large", id="gzip-bomb"),
        pytest.param(b"LALVOTERID\n" + b"9" * (200 << 10), "line_too_long", id="endless-line"),
    ],
)
def test_the_worker_fails_a_hostile_file_at_its_first_attempt(org_a, settings, members, code):
    """Never a retry: nothing about the file gets better by trying again."""
    from l2_ingest.models import TransmissionStatus
    from l2_ingest.pipeline import transmission_process
    from tests.l2_ingest.helpers import stored_transmission

    settings.L2_MAX_EXPANDED_BYTES = 1 << 20
    transmission = stored_transmission(org_a, members)
    assert transmission_process(transmission.pk) == "failed"
    transmission.refresh_from_db()
    assert (transmission.status, transmission.failure_code, transmission.attempts) == (
        TransmissionStatus.FAILED,
        code,
        1,
    )


def test_lines_ending_with_a_lone_cr_are_lines_too():
    data = b"LALVOTERID\r" + b"".join(b"LALOH%d\r" % i for i in range(30_000))  # about 300 KB, no LF at all
    result, keys = read(data)
    assert (result.voters, result.rows_rejected, len(keys)) == (30_000, 0, 30_000)
