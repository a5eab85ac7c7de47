"""Building L2 pushes for the tests: signed multipart bodies, exactly as the sender module sends them."""

import gzip
import json
import time
import uuid

from l2_ingest.signing import sign

BOUNDARY = "l2testboundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def metadata(name="IQM_123456_CustomSegment", **fields) -> dict:
    return {"universe_name": name, "universe_id": "0000100010482", "username": "jdoe@campaign.org", **fields}


def multipart(meta: dict | str | None, members: bytes | None, *, members_as_field: bool = False) -> bytes:
    parts = []
    if meta is not None:
        text = meta if isinstance(meta, str) else json.dumps(meta)
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n'
            f"Content-Type: application/json\r\n\r\n{text}\r\n".encode()
        )
    if members is not None:
        disposition = 'name="members"' if members_as_field else 'name="members"; filename="universe.txt"'
        parts.append(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + members
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def ids_file(n: int, *, start: int = 1000, state: str = "OH", header: bool = True) -> bytes:
    lines = (["LALVOTERID"] if header else []) + [f"LAL{state}{start + i}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def signed(secret: str, body: bytes, *, webhook_id: str | None = None, timestamp: int | None = None) -> dict:
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_WEBHOOK_ID": webhook_id,
        "HTTP_WEBHOOK_TIMESTAMP": ts,
        "HTTP_WEBHOOK_SIGNATURE": sign(secret, webhook_id, ts, [body]),
    }


def push(
    client,
    secret: str,
    body: bytes,
    *,
    content_type: str = CONTENT_TYPE,
    headers: dict | None = None,
    **sign_kw,
):
    headers = headers if headers is not None else signed(secret, body, **sign_kw)
    return client.generic("POST", "/api/l2/v1/transmissions", body, content_type=content_type, **headers)


def stored_transmission(
    organization, members: bytes, *, segment="CustomSegment", date_created=None, **fields
):
    """A transmission as the endpoint leaves it: file stored, row queued (for tests of the worker's side)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from l2_ingest.models import Transmission

    transmission_id = uuid.uuid4()
    name = default_storage.save(f"l2/test/{transmission_id}.members", ContentFile(members))
    fields = {"username": "jdoe@campaign.org", "app_id": "VM_OH", **fields}
    return Transmission.objects.create(
        id=transmission_id,
        webhook_id=f"msg_{transmission_id.hex}",
        body_sha256="0" * 64,
        body_bytes=len(members),
        universe_name=f"IQM_{organization.account_id}_{segment}",
        universe_id="0000100010482",
        account_id=str(organization.account_id),
        segment_name=segment,
        organization=organization,
        members_file=name,
        members_bytes=len(members),
        date_created=date_created,
        queued_at=timezone.now(),
        **fields,
    )


def held_push(audience, customer_id="L2CUST-EVE", username="eve@elsewhere.org", members: bytes | None = None):
    """A push from another L2 customer, held on ``audience`` as the worker leaves it (docs/l2-endpoint.md)."""
    from l2_ingest.models import TransmissionStatus

    return stored_transmission(
        audience.organization,
        members if members is not None else ids_file(3),
        segment=audience.l2_segment_name,
        audience=audience,
        status=TransmissionStatus.HELD,
        customer_id=customer_id,
        username=username,
    )
