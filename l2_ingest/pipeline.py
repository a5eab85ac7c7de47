"""The worker's side of a transmission: route it, load its members into a new version, switch it in.

Steps (L2_TRANSMISSION.md › What processing does): parse the name, resolve the organization, find or
create the Segmented audience; take the audience's load lock (two transmissions of a segment never load at
once); claim the transmission; end it ``superseded`` if a newer universe is already in force; stream the
members file into an invisible version; then either switch the audience to it in one short transaction or
fail without changing anything users see.
"""

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audiences.models import Audience, AudienceVersion, VersionState
from audiences.services import (
    audience_load_failed,
    audience_load_started,
    audience_version_activate,
    audience_version_discard,
    audience_version_start,
    segment_audience_get_or_create,
)
from audiences.version_writer import VersionWriter
from audiences.voter_store import long_voter_keys
from history.actors import Actor

from .approvals import new_segment_needs_approval, push_must_be_held, transmission_hold
from .load_lock import audience_load_lock
from .members_file import MembersFileError, complete_counts, read_members, recount_breakdowns
from .models import Transmission, TransmissionStatus
from .naming import UniverseNameError, parse_universe_name
from .push_notices import push_failed_notify, push_held_notify

logger = logging.getLogger(__name__)


class SegmentBusy(Exception):
    """Another transmission of the same segment is loading; try again shortly."""


class ClaimLost(Exception):
    """The sweeper gave this transmission to another attempt (this one looked dead)."""


@dataclass
class Failure(Exception):
    code: str
    reason: str


def _claim(transmission: Transmission, *, holding_load_lock: bool) -> uuid.UUID | None:
    """Take the transmission for this attempt, atomically; None when it is done or another attempt is alive.

    Holding the audience's load lock proves any earlier claimant dead (it held the lock while it lived), so
    a ``processing`` transmission is taken over at once; without the lock, only once its heartbeat is stale.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.L2_STALE_AFTER_SECONDS)
    token = uuid.uuid4()
    taken_over = Q(status=TransmissionStatus.PROCESSING)
    if not holding_load_lock:
        taken_over &= Q(heartbeat_at__lt=stale)
    claimable = Q(status=TransmissionStatus.QUEUED) | taken_over
    updated = Transmission.objects.filter(claimable, pk=transmission.pk).update(
        status=TransmissionStatus.PROCESSING,
        claim=token,
        started_at=now,
        heartbeat_at=now,
        progress=0.0,
        attempts=F("attempts") + 1,
    )
    return token if updated else None


class _Progress:
    """Writes progress and the heartbeat; notices when the claim has passed to another attempt."""

    def __init__(self, transmission_id, token):
        self.transmission_id, self.token = transmission_id, token
        self.last = 0.0

    def __call__(self, fraction: float, force: bool = False) -> None:
        now = timezone.now().timestamp()
        if not force and now - self.last < settings.L2_PROGRESS_SECONDS:
            return
        self.last = now
        updated = Transmission.objects.filter(pk=self.transmission_id, claim=self.token).update(
            progress=round(min(fraction, 1.0) * 0.95, 4), heartbeat_at=timezone.now()
        )
        if not updated:
            raise ClaimLost()


def _superseded_by(transmission: Transmission, audience: Audience) -> AudienceVersion | None:
    current = audience.current_version
    if current is None:
        return None
    if transmission.date_created and current.source_created_at:
        older = transmission.date_created < current.source_created_at
    else:
        older = current.received_at is not None and transmission.received_at < current.received_at
    return current if older else None


def _finish(transmission: Transmission, token, status: str, **fields) -> bool:
    """Record the end of the attempt, if it still holds the claim."""
    return bool(
        Transmission.objects.filter(pk=transmission.pk, claim=token).update(
            status=status, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
        )
    )


def _origin(transmission: Transmission) -> dict:
    return {
        "l2_universe_id": transmission.universe_id,
        "l2_customer_id": transmission.customer_id,
        "l2_sender": transmission.username,
        "l2_app_id": transmission.app_id,
    }


def _fail_before_routing(transmission: Transmission, code: str, reason: str) -> str:
    token = _claim(transmission, holding_load_lock=False)
    if token:
        _finish(transmission, token, TransmissionStatus.FAILED, failure_code=code, failure_reason=reason)
    return "failed"


def transmission_process(transmission_id) -> str:
    """Process one transmission; returns what happened (for logs and tests). Safe to call again."""
    transmission = Transmission.objects.select_related("organization").filter(pk=transmission_id).first()
    if transmission is None or transmission.is_final:
        return "nothing to do"
    try:
        name = parse_universe_name(transmission.universe_name)
    except UniverseNameError as error:  # accepted under older rules: fail it, never loop on it
        return _fail_before_routing(transmission, error.code, str(error))
    organization = transmission.organization
    if not organization.accepts_transmissions:
        return _fail_before_routing(
            transmission,
            "account_not_accepting",
            "The organization stopped accepting L2 universes before this one was loaded.",
        )
    awaiting_approval = new_segment_needs_approval(
        organization=organization, customer_id=transmission.customer_id
    )
    with transaction.atomic():
        audience, created = segment_audience_get_or_create(
            organization=organization,
            segment_name=name.segment_name,
            origin=_origin(transmission),
            owner=(transmission.customer_id, transmission.username),
            awaiting_approval=awaiting_approval,
            universe_name=transmission.universe_name,
        )
        if created and awaiting_approval:
            push_held_notify(transmission=transmission, audience=audience, new_segment=True)
    Transmission.objects.filter(pk=transmission.pk).update(audience=audience)

    with audience_load_lock(audience.pk) as acquired:
        if not acquired:
            raise SegmentBusy()
        token = _claim(transmission, holding_load_lock=True)
        if token is None:
            return "claimed elsewhere"
        transmission.refresh_from_db()
        audience.refresh_from_db()
        switched_in = _switched_in_version(transmission)
        if switched_in is not None:
            return _succeed_without_reloading(transmission, token, switched_in)
        if transmission.attempts > settings.L2_MAX_ATTEMPTS:
            _discard_unfinished_versions(transmission)
            return _fail(
                transmission,
                audience,
                token,
                Failure(
                    "too_many_attempts",
                    f"The load was interrupted {settings.L2_MAX_ATTEMPTS} times; it is not tried again. "
                    "Ops can retry it from the admin site once the cause is fixed.",
                ),
                None,
            )
        if push_must_be_held(transmission=transmission, audience=audience):
            return transmission_hold(transmission=transmission, audience=audience, token=token)
        logger.info(
            "transmission %s: processing for audience %s (attempt %s)",
            transmission.pk,
            audience.pk,
            transmission.attempts,
        )
        newer = _superseded_by(transmission, audience)
        if newer is not None:
            _finish(
                transmission,
                token,
                TransmissionStatus.SUPERSEDED,
                progress=1.0,
                failure_reason=f"A newer universe (version {newer.number}) is already in force.",
            )
            _delete_file(transmission)
            logger.info("transmission %s: superseded by version %s", transmission.pk, newer.pk)
            return "superseded"
        _discard_unfinished_versions(transmission)
        return _load(transmission, audience, token)


def _switched_in_version(transmission: Transmission) -> AudienceVersion | None:
    """The version an earlier attempt switched in before dying, unrecorded (a kill at that moment)."""
    if transmission.version_id is None:
        return None
    return AudienceVersion.objects.filter(pk=transmission.version_id, state=VersionState.READY).first()


def _succeed_without_reloading(transmission: Transmission, token, version: AudienceVersion) -> str:
    """Record what the switched-in version holds; loading the file again would add an identical version."""
    _finish(
        transmission,
        token,
        TransmissionStatus.SUCCEEDED,
        progress=1.0,
        rows_read=version.rows_read,
        voters_accepted=version.voter_count,
        duplicates=version.duplicates,
        rows_rejected=version.rows_rejected,
        households=version.household_count,
    )
    _delete_file(transmission)
    logger.info("transmission %s: its version %s was already in force", transmission.pk, version.number)
    return "succeeded"


def _discard_unfinished_versions(transmission: Transmission) -> None:
    """A previous attempt that died mid-load left an invisible version behind: throw it away."""
    if transmission.version_id is not None:
        version = AudienceVersion.objects.filter(
            pk=transmission.version_id, state=VersionState.LOADING
        ).first()
        if version is not None:
            audience_version_discard(version=version)


def _load(transmission: Transmission, audience: Audience, token) -> str:
    version = audience_version_start(
        audience=audience, source_created_at=transmission.date_created, received_at=transmission.received_at
    )
    Transmission.objects.filter(pk=transmission.pk).update(version=version)
    audience_load_started(audience=audience)
    writer = VersionWriter(version.pk)
    progress = _Progress(transmission.pk, token)
    result = None
    reading = {
        "max_expanded_bytes": settings.L2_MAX_EXPANDED_BYTES,
        "on_progress": progress,
        "total_bytes": transmission.members_bytes,
        "reference_date": (transmission.date_created or transmission.received_at).date(),
    }
    started = time.perf_counter()
    try:
        writer.begin()
        with default_storage.open(transmission.members_file, "rb") as stored:
            members = getattr(stored, "file", stored)
            result = read_members(members, store=writer, resolve_long_ids=long_voter_keys, **reading)
            read_seconds = time.perf_counter() - started
            _check_thresholds(result)
            loaded = writer.finish()
            complete_counts(result, voters=loaded.voters, households=loaded.households)
            recounted = time.perf_counter()
            if loaded.repeated_lines:  # each voter counts once in the breakdowns: by their first line
                result.stats = recount_breakdowns(members, loaded.repeated_lines, **reading)
                loaded.repeated_lines.close()
            writer.seconds["counting"] += time.perf_counter() - recounted
    except (MembersFileError, Failure) as error:
        writer.abort()
        version.delete()
        return _fail(transmission, audience, token, error, result)
    except BaseException:
        writer.abort()
        version.delete()
        raise
    counts = {
        "rows_read": result.rows_read,
        "voters_accepted": result.voters,
        "duplicates": result.duplicates,
        "rows_rejected": result.rows_rejected,
        "households": result.households,
        "errors": result.errors,
    }
    switching = time.perf_counter()
    progress(1.0, force=True)  # the last check that this attempt still holds the claim
    audience_version_activate(
        version=version,
        writer=writer,
        figures={
            "voter_count": result.voters,
            "household_count": result.households,
            "rows_read": result.rows_read,
            "duplicates": result.duplicates,
            "rows_rejected": result.rows_rejected,
            "stats": result.stats,
        },
        origin=_origin(transmission),
        actor=Actor.of_l2(customer_id=transmission.customer_id, username=transmission.username),
        transmission_id=str(transmission.pk),
    )
    phases = {
        "waiting": (transmission.started_at - transmission.received_at).total_seconds(),
        "reading": read_seconds - writer.seconds["loading"],
        **writer.seconds,
        "switching": time.perf_counter() - switching,
    }
    phase_seconds = {name: round(seconds, 3) for name, seconds in phases.items()}
    _finish(
        transmission, token, TransmissionStatus.SUCCEEDED, progress=1.0, phase_seconds=phase_seconds, **counts
    )
    _delete_file(transmission)
    logger.info(
        "transmission %s: audience %s now at version %s with %s voters (%s duplicates, %s rows rejected)",
        transmission.pk,
        audience.pk,
        version.number,
        result.voters,
        result.duplicates,
        result.rows_rejected,
    )
    return "succeeded"


def _check_thresholds(result) -> None:
    if result.rows_accepted == 0:
        rejected = (
            f" ({result.rows_rejected:,} of {result.rows_read:,} rows rejected)"
            if result.rows_rejected
            else ""
        )
        raise Failure(
            "no_valid_voters", f"No valid LALVOTERID remains in the file{rejected}; nothing was loaded."
        )
    share = settings.L2_MAX_REJECTED_SHARE
    if result.rows_rejected > share * result.rows_read:
        raise Failure(
            "too_many_rejected_rows",
            f"{result.rows_rejected:,} of {result.rows_read:,} rows were rejected "
            f"({result.rows_rejected / result.rows_read:.1%}), over the {share:.0%} allowed; see the first errors "
            "for line numbers and reasons.",
        )


def _fail(transmission, audience, token, error, result) -> str:
    code = error.code
    reason = error.reason
    fields = {"failure_code": code, "failure_reason": reason}
    if result is not None:
        fields.update(
            rows_read=result.rows_read,
            voters_accepted=result.voters,
            duplicates=result.duplicates,
            rows_rejected=result.rows_rejected,
            errors=result.errors,
        )
    with transaction.atomic():
        finished = _finish(transmission, token, TransmissionStatus.FAILED, **fields)
        audience_load_failed(audience=audience, reason=reason)
        if finished:  # only the attempt that ends the transmission tells the organization
            audience.refresh_from_db(fields=["current_version", "voter_count", "name"])
            push_failed_notify(transmission=transmission, audience=audience, reason=reason)
    logger.warning("transmission %s: failed (%s)", transmission.pk, code)
    return "failed"


def _delete_file(transmission: Transmission) -> None:
    """Loaded or superseded: the voters' file is no longer needed, and is not kept."""
    if transmission.members_file:
        default_storage.delete(transmission.members_file)
        Transmission.objects.filter(pk=transmission.pk).update(members_file="")
