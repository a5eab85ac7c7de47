"""Accepting an L2 push (L2_TRANSMISSION.md): authenticate, store, route, record, queue — in that order.

The body is streamed to a spool file while its HMAC is computed, so the web process's memory does not grow
with it, and nothing in it is parsed before the signature is known to be good. A refused request leaves
no file and no task, only a log line (without any of the body) — and, for a signed push refused for its
name alone, a record of refused pushes (``refused_pushes``), never a transmission.
"""

import datetime as dt
import hashlib
import json
import logging
import re
import tempfile
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import IntegrityError, transaction
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils import timezone

from accounts.selectors import organization_get_by_account_id

from .models import PartnerSecret, Transmission, TransmissionStatus
from .naming import UniverseNameError, parse_universe_name
from .refused_pushes import refused_push_record
from .services import MEMBERS_FOLDER, active_signing_keys, transmission_enqueue_on_commit
from .signing import WEBHOOK_ID_PATTERN, StreamingVerifier, secret_key

logger = logging.getLogger(__name__)

READ_CHUNK = 1 << 20
REQUIRED_TEXT_FIELDS = {"universe_name": 300, "universe_id": 64}
OPTIONAL_TEXT_FIELDS = {"customer_id": 128, "username": 254, "app_id": 64, "description": 10_000}
# Control characters a stored text may not hold (PostgreSQL cannot store NUL at all); only the description
# may keep tabs and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The contract's Bounds (docs/l2-endpoint.md): what metadata may hold, and how far a timestamp may reach.
MAX_METADATA_BYTES = 64 * 1024
MAX_CARDINALITY = 2**53 - 1
TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,12}")
EARLIEST_DATE_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DATE_CREATED_LEEWAY = dt.timedelta(hours=24)


class Refusal(Exception):
    """The request is refused with this problem document."""

    def __init__(self, status: int, code: str, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


@dataclass
class SignedHeaders:
    webhook_id: str
    timestamp: str
    signature: str


def authenticate_headers(headers) -> SignedHeaders:
    """Check what can be checked before reading the body: presence, form and freshness of the headers."""
    values = {
        name: headers.get(name, "").strip()
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise Refusal(401, "signature_missing", f"Missing header(s): {', '.join(missing)}. Sign the request.")
    if not WEBHOOK_ID_PATTERN.fullmatch(values["webhook-id"]):
        raise Refusal(400, "malformed_request", "webhook-id must be 1–128 characters of A-Z a-z 0-9 . _ : -.")
    # ASCII digits only, and few enough of them: int() would also take "١٢" or a thousand digits.
    if not TIMESTAMP_PATTERN.fullmatch(values["webhook-timestamp"]):
        raise Refusal(
            401, "timestamp_out_of_tolerance", "webhook-timestamp must be Unix seconds: 1 to 12 digits."
        )
    timestamp = int(values["webhook-timestamp"])
    skew = abs(time.time() - timestamp)
    tolerance = settings.L2_TIMESTAMP_TOLERANCE_SECONDS
    if skew > tolerance:
        raise Refusal(
            401,
            "timestamp_out_of_tolerance",
            f"webhook-timestamp is {skew:.0f} s away from server time; at most {tolerance} s is accepted. "
            "Check the sender's clock and sign the request just before sending it.",
        )
    return SignedHeaders(values["webhook-id"], values["webhook-timestamp"], values["webhook-signature"])


def signing_verifier(signed: SignedHeaders) -> StreamingVerifier:
    keys = active_signing_keys()
    if not keys:
        logger.error("L2 push refused: no active partner secret (create one with manage.py l2_secret create)")
    return StreamingVerifier(
        ((pk, secret_key(secret)) for pk, secret in keys), signed.webhook_id, signed.timestamp
    )


def matching_secret(verifier: StreamingVerifier, signed: SignedHeaders) -> int:
    secret_id = verifier.matching_secret(signed.signature)
    if secret_id is None:
        logger.warning("L2 request with webhook-id %s refused: signature_invalid", signed.webhook_id)
        raise Refusal(401, "signature_invalid", "No signature matches an active signing secret.")
    return secret_id


def _spool(read, content_length: int | None, verifier: StreamingVerifier):
    """Copy the body to a spool file, feeding the HMAC and a SHA-256; refuse it past the size limit."""
    limit = settings.L2_MAX_BODY_BYTES
    if content_length is not None and content_length > limit:
        raise Refusal(
            413, "payload_too_large", f"The body is {content_length:,} bytes; the limit is {limit:,}."
        )
    settings.L2_SPOOL_DIR.mkdir(parents=True, exist_ok=True)
    # Handed to the caller, who closes (and so deletes) it.
    spool = tempfile.NamedTemporaryFile(dir=settings.L2_SPOOL_DIR, prefix="l2-body-", suffix=".part")  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := read(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise Refusal(413, "payload_too_large", f"The body is over the limit of {limit:,} bytes.")
            verifier.update(chunk)
            digest.update(chunk)
            spool.write(chunk)
        spool.flush()
        spool.seek(0)
    except BaseException:
        spool.close()  # deletes it
        raise
    return spool, size, digest.hexdigest()


def _parse_parts(spool, size: int, content_type: str):
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(size)}
    handler = TemporaryFileUploadHandler()
    try:
        fields, files = MultiPartParser(meta, spool, [handler], "utf-8").parse()
    except BaseException as error:
        # A part being written when the parse failed (a full disk, say) is not among the files the parser
        # closes: close (and so delete) it now rather than at garbage collection.
        partial = getattr(handler, "file", None)
        if partial is not None:
            partial.close()
        if isinstance(error, (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent)):
            raise Refusal(400, "malformed_request", f"The multipart body cannot be read: {error}") from error
        raise
    if "metadata" in files:
        raw_metadata = files["metadata"].read(MAX_METADATA_BYTES + 1)
    elif "metadata" in fields:
        raw_metadata = fields["metadata"].encode()
    else:
        raise Refusal(400, "malformed_request", "The “metadata” part is missing.")
    if len(raw_metadata) > MAX_METADATA_BYTES:
        raise Refusal(
            400, "malformed_request", f"The “metadata” part is over {MAX_METADATA_BYTES // 1024} KiB."
        )
    if "members" not in files:
        hint = " (send it as a file part, with a filename)" if "members" in fields else ""
        raise Refusal(400, "malformed_request", f"The “members” file part is missing{hint}.")
    return raw_metadata.decode("utf-8", errors="replace"), files["members"]


def _parse_date(value) -> dt.datetime:
    """A time between 2000-01-01 and a day after now, in UTC; ValueError otherwise.

    Bounded because PostgreSQL stores years Python cannot read back (9999-12-31T23:00-05:00 is year 10000
    in UTC), and a date far in the future would make every later refresh of the segment look older.
    """
    if not isinstance(value, str):
        raise ValueError("not text")
    parsed = dt.datetime.fromisoformat(value.strip())
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)  # a date without an offset is taken as UTC
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None
    if not EARLIEST_DATE_CREATED <= parsed <= timezone.now() + DATE_CREATED_LEEWAY:
        raise ValueError("out of range")
    return parsed


def _parse_cardinality(value) -> int:
    """A non-negative whole number below 2^53 (JSON's exact integers), given as a number or digits."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,16}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_CARDINALITY:
        raise ValueError("out of range")
    return value


def _clean_text(name: str, value, limit: int) -> str:
    """A metadata text, trimmed; refused when it is not text, too long, or holds what cannot be stored."""
    if not isinstance(value, str) or len(value) > limit:
        raise Refusal(
            400, "malformed_request", f"metadata.{name} must be text of at most {limit} characters."
        )
    text = value.strip()
    forbidden = CONTROL_CHARACTERS_BUT_LAYOUT if name == "description" else CONTROL_CHARACTERS
    if forbidden.search(text):
        raise Refusal(400, "malformed_request", f"metadata.{name} must not contain control characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escapes can produce
        raise Refusal(400, "malformed_request", f"metadata.{name} is not valid Unicode text.") from None
    return text


def parse_metadata(raw: str) -> dict:
    try:
        metadata = json.loads(raw)
    except (ValueError, RecursionError):
        raise Refusal(400, "malformed_request", "“metadata” is not valid JSON.") from None
    if not isinstance(metadata, dict):
        raise Refusal(400, "malformed_request", "“metadata” must be a JSON object.")
    clean: dict = {}
    for name, limit in REQUIRED_TEXT_FIELDS.items():
        value = metadata.get(name)
        if name == "universe_id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise Refusal(400, "malformed_request", f"metadata.{name} is required (a non-empty string).")
        clean[name] = _clean_text(name, value, limit)
    for name, limit in OPTIONAL_TEXT_FIELDS.items():
        value = metadata.get(name)
        clean[name] = "" if value is None else _clean_text(name, value, limit)
    cardinality = metadata.get("cardinality")
    if cardinality is not None:
        try:
            cardinality = _parse_cardinality(cardinality)
        except ValueError:
            raise Refusal(
                400,
                "malformed_request",
                f"metadata.cardinality must be a whole number from 0 to {MAX_CARDINALITY:,}.",
            ) from None
    clean["cardinality"] = cardinality
    date_created = metadata.get("date_created")
    if date_created not in (None, ""):
        try:
            date_created = _parse_date(date_created)
        except ValueError:
            raise Refusal(
                400,
                "malformed_request",
                "metadata.date_created must be a date and time such as 2026-10-02 09:14:55-0400, "
                "from 2000-01-01 to no more than 24 hours ahead of now.",
            ) from None
    clean["date_created"] = date_created or None
    return clean


def route(universe_name: str):
    """(parsed name, organization) for an acceptable universe name; a 422 Refusal otherwise."""
    try:
        name = parse_universe_name(universe_name)
    except UniverseNameError as error:
        raise Refusal(422, error.code, str(error)) from None
    organization = organization_get_by_account_id(account_id=name.account_number)
    if organization is None:
        raise Refusal(
            422,
            "unknown_account",
            f"No IQM organization has the ID {name.account_id}. Use the ID shown under "
            "My Profile › Organizations in IQM.",
        )
    if not organization.accepts_transmissions:
        raise Refusal(
            422,
            "account_not_accepting",
            f"The IQM organization {name.account_id} is not accepting L2 universes; ask its admin to turn "
            "them on.",
        )
    return name, organization


def _existing(webhook_id: str, digest: str) -> Transmission | None:
    existing = Transmission.objects.filter(webhook_id=webhook_id).first()
    if existing is not None and existing.body_sha256 != digest:
        raise Refusal(
            409,
            "webhook_id_reused",
            f"webhook-id {webhook_id} was accepted before with a different body; give each transmission its own id.",
        )
    return existing


def _store(name: str, members) -> str:
    """Store the members file under a name of our own (unique: a new UUID each time); a failure part-way
    (a full disk, the storage back-end going down) leaves no partial file."""
    try:
        return default_storage.save(name, members)
    except BaseException:
        _delete_quietly(name)
        raise


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception as error:  # the storage itself may be what failed
        logger.error("could not delete %s after a failed push (%s)", name, type(error).__name__)


def transmission_receive(
    *, headers, read, content_length: int | None, content_type: str, sender_ip: str | None
) -> tuple[Transmission, bool]:
    """Accept a signed push. Returns (transmission, created); created is False for a repeat of one accepted before."""
    signed = authenticate_headers(headers)
    if not content_type.lower().startswith("multipart/form-data"):
        raise Refusal(415, "unsupported_media_type", "Send the transmission as multipart/form-data.")
    verifier = signing_verifier(signed)
    spool, size, digest = _spool(read, content_length, verifier)
    with spool:
        secret_id = matching_secret(verifier, signed)
        existing = _existing(signed.webhook_id, digest)
        if existing is not None:
            return existing, False
        raw_metadata, members = _parse_parts(spool, size, content_type)
        with members:
            metadata = parse_metadata(raw_metadata)
            try:
                name, organization = route(metadata["universe_name"])
            except Refusal as refusal:
                # Kept, never its file and never as a transmission (its webhook-id stays free); L2's answer
                # does not depend on it (docs/l2-endpoint.md › Refused pushes).
                try:
                    refused_push_record(
                        code=refusal.code,
                        reason=refusal.detail,
                        metadata=metadata,
                        webhook_id=signed.webhook_id,
                        signed_with_id=secret_id,
                        sender_ip=sender_ip,
                        body_bytes=size,
                        members_bytes=members.size,
                    )
                except Exception as error:
                    logger.error("refused push %s not recorded: %s", signed.webhook_id, type(error).__name__)
                raise
            transmission_id = uuid.uuid4()
            stored = _store(f"{MEMBERS_FOLDER}/{timezone.now():%Y/%m/%d}/{transmission_id}.members", members)
    try:
        with transaction.atomic():
            transmission = Transmission.objects.create(
                id=transmission_id,
                webhook_id=signed.webhook_id,
                body_sha256=digest,
                body_bytes=size,
                signed_with_id=secret_id,
                sender_ip=sender_ip,
                **metadata,
                account_id=name.account_id,
                segment_name=name.segment_name,
                organization=organization,
                members_file=stored,
                members_bytes=default_storage.size(stored),
                status=TransmissionStatus.QUEUED,
                queued_at=timezone.now(),
            )
            PartnerSecret.objects.filter(pk=secret_id).update(last_used_at=timezone.now())
            transmission_enqueue_on_commit(transmission)
    except IntegrityError:
        # The same webhook-id won a race a moment ago: this copy is the repeat, and leaves nothing behind.
        default_storage.delete(stored)
        existing = _existing(signed.webhook_id, digest)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        # No row will ever point at the file (the database failed, say): it holds voters' names and
        # addresses, so it goes now.
        _delete_quietly(stored)
        raise
    logger.info(
        "transmission %s accepted: webhook-id %s, organization %s, %s bytes",
        transmission.pk,
        signed.webhook_id,
        organization.account_id,
        size,
    )
    return transmission, True
