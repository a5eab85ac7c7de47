"""The members-file reader on its own: the stream shapes storage back-ends hand it."""

import io
import tempfile

import pytest

from tests.l2_ingest.helpers import gzipped, ids_file
from tests.l2_ingest.members_store import read_into_memory as read


@pytest.mark.parametrize("compress", [False, True])
def test_any_seekable_stream_is_read_whatever_its_buffering(compress):
    data = ids_file(1000)
    data = gzipped(data) if compress else data
    with tempfile.SpooledTemporaryFile(max_size=0) as spooled:  # what S3 storage hands back
        spooled.write(data)
        spooled.seek(0)
        for stream in (io.BytesIO(data), spooled, io.BufferedReader(io.BytesIO(data))):
            result, keys = read(stream)
            assert result.voters == len(set(keys)) == 1000


def test_latin1_and_utf8_decode_to_the_same_county_names():
    text = "LALVOTERID\tCounty\nLALNM1\tDoña Ana\nLALNM2\tDoña Ana\n"
    for encoding in ("latin-1", "utf-8"):
        result, _ = read(io.BytesIO(text.encode(encoding)))
        assert result.stats["county"] == [["Doña Ana", 2]]


def test_a_utf8_file_with_a_stray_latin1_byte_still_reads():
    data = (
        "LALVOTERID\tCounty\n" + "".join(f"LALOH{i}\tFranklin\n" for i in range(5000))
    ).encode() + b"LALOH99999\tM\xfcnster\n"
    result, _ = read(io.BytesIO(data))
    assert result.voters == 5001 and ["Münster", 1] in result.stats["county"]
