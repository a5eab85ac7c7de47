"""Sending a universe exactly as L2 does: a signed multipart POST, streamed from disk.

Used by ``manage.py l2_send``, the tests and the benchmark.
"""

import http.client
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .signing import sign

CHUNK = 1 << 20


@dataclass
class SendResult:
    status: int
    body: dict
    seconds: float
    headers: dict = field(default_factory=dict)  # e.g. Retry-After on a 429 or a 503


class MultipartBody:
    """A multipart/form-data body of a JSON ``metadata`` part and a ``members`` file part, read in chunks."""

    def __init__(self, metadata: dict, members: Path, filename: str | None = None):
        self.boundary = f"l2-{uuid.uuid4().hex}"
        self.members = Path(members)
        head = (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="metadata"\r\n'
            "Content-Type: application/json\r\n\r\n"
            f"{json.dumps(metadata)}\r\n"
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="members"; filename="{filename or self.members.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        self.head = head.encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self.head) + self.members.stat().st_size + len(self.tail)

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        with self.members.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        yield self.tail


def signed_headers(
    secret: str, body_chunks, webhook_id: str | None = None, timestamp: int | None = None
) -> dict:
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": sign(secret, webhook_id, timestamp, body_chunks),
    }


def post(
    url: str, headers: dict, body: MultipartBody | bytes, *, chunked: bool = False, timeout: float = 600
) -> SendResult:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    headers = dict(headers)
    if isinstance(body, MultipartBody):
        headers["Content-Type"] = body.content_type
        payload = body.chunks()
        if not chunked:
            headers["Content-Length"] = str(len(body))
    else:
        payload = body
    started = time.perf_counter()
    conn.request("POST", parts.path or "/", body=payload, headers=headers, encode_chunked=chunked)
    response = conn.getresponse()
    raw = response.read()
    seconds = time.perf_counter() - started
    conn.close()
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {"raw": raw[:500].decode(errors="replace")}
    return SendResult(response.status, parsed, seconds, dict(response.getheaders()))


def send_universe(
    url: str,
    secret: str,
    members: Path,
    *,
    universe_name: str,
    universe_id: str | None = None,
    webhook_id: str | None = None,
    chunked: bool = False,
    **metadata,
) -> SendResult:
    metadata = {
        "universe_name": universe_name,
        "universe_id": universe_id or str(uuid.uuid4().int)[:13],
        **metadata,
    }
    body = MultipartBody({k: v for k, v in metadata.items() if v is not None}, members)
    headers = signed_headers(secret, body.chunks(), webhook_id=webhook_id)
    return post(url, headers, body, chunked=chunked)


def default_secret() -> str | None:
    return os.environ.get("L2_SECRET")
