"""Standard Webhooks 1.0 signatures: ``v1,base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))``.

The verifier is fed the body as it streams in, with one running HMAC per active secret, so no body is
ever held in memory and secrets rotate without downtime (any listed signature may match any secret).
"""

import base64
import hashlib
import hmac
import re
import secrets as random_secrets
from collections.abc import Iterable
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
WEBHOOK_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def generate_secret() -> str:
    """A new signing secret: 32 random bytes, written whsec_<base64> (at least 24 bytes are required)."""
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_…`` secret stands for."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded, validate=True)


def signed_prefix(webhook_id: str, timestamp: str) -> bytes:
    return f"{webhook_id}.{timestamp}.".encode()


def sign(secret: str, webhook_id: str, timestamp: str, body_chunks: Iterable[bytes]) -> str:
    mac = hmac.new(secret_key(secret), signed_prefix(webhook_id, timestamp), hashlib.sha256)
    for chunk in body_chunks:
        mac.update(chunk)
    return "v1," + base64.b64encode(mac.digest()).decode()


def parse_signature_header(header: str) -> list[bytes]:
    """The v1 signatures of a ``webhook-signature`` header; other versions and malformed entries are skipped."""
    found = []
    for entry in header.split():
        version, _, value = entry.partition(",")
        if version != "v1" or not value:
            continue
        try:
            found.append(base64.b64decode(value, validate=True))
        except ValueError:
            continue
    return found


@dataclass
class _RunningMac:
    secret_id: int
    mac: "hmac.HMAC"


class StreamingVerifier:
    """Feed it the body chunk by chunk; then ask which secret, if any, signed it."""

    def __init__(self, keys: Iterable[tuple[int, bytes]], webhook_id: str, timestamp: str):
        prefix = signed_prefix(webhook_id, timestamp)
        self._macs = [
            _RunningMac(secret_id, hmac.new(key, prefix, hashlib.sha256)) for secret_id, key in keys
        ]

    def update(self, chunk: bytes) -> None:
        for running in self._macs:
            running.mac.update(chunk)

    def matching_secret(self, signature_header: str) -> int | None:
        offered = parse_signature_header(signature_header)
        match = None
        for running in self._macs:
            digest = running.mac.digest()
            for signature in offered:
                # Compare every pair, in constant time each, so timing says nothing about which one matched.
                if hmac.compare_digest(digest, signature) and match is None:
                    match = running.secret_id
        return match
