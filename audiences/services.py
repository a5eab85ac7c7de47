from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from history.actors import Actor
from history.models import HistoryAction
from history.services import field_changes, history_record
from iqm_portal.exceptions import ApplicationError
from notices.models import NoticeKind
from notices.services import notice_send

from .extensions import AudienceUse, audience_uses
from .models import Audience, AudienceSource, AudienceStatus, AudienceType, AudienceVersion, VersionState
from .signals import audience_versions_switched_on_commit
from .version_writer import VersionWriter
from .voter_store import analyze_version, discard_version_rows


@transaction.atomic
def audience_update(
    *, audience: Audience, actor: Actor, name: str | None = None, notes: str | None = None
) -> Audience:
    before = {"name": audience.name, "notes": audience.notes}
    fields = []
    if name is not None:
        name = name.strip()
        if not name:
            raise ApplicationError("Give the audience a name.", field="name")
        if len(name) > 255:
            raise ApplicationError("Keep the name to 255 characters or fewer.", field="name")
        audience.name = name
        fields.append("name")
    if notes is not None:
        audience.notes = notes.strip()
        fields.append("notes")
    changes = field_changes(before, {field: getattr(audience, field) for field in fields})
    if changes:
        audience.save(update_fields=[*fields, "updated_at"])
        history_record(
            organization_id=audience.organization_id,
            actor=actor,
            action=HistoryAction.AUDIENCE_CHANGED,
            audience=audience,
            changes=changes,
        )
    return audience


def _usage_message(audience: Audience) -> str | None:
    """Why the audience cannot be deleted: what holds it, by name (the first three), or None."""
    uses = audience_uses(audience_ids=[audience.pk])[audience.pk]
    if not uses:
        return None
    names = sorted(use.name for use in uses)
    shown = ", ".join(f"“{n}”" for n in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return (
        f"“{audience.name}” is used by {len(names)} campaign{'s' if len(names) != 1 else ''} ({shown}{more}); "
        "remove it from their Allowlists and Blocklists first."
    )


@transaction.atomic
def audience_delete(*, audience: Audience, actor: Actor) -> None:
    """Delete an audience that no campaign uses; refuse, naming the campaigns, otherwise.

    Its versions go with it, and their voters once the deletion is committed — except a version that a
    duplicate still has as its current one (duplicates share voters, never copy them): that version moves
    to the duplicate, which keeps its voters.
    """
    reason = _usage_message(audience)
    if reason:
        raise ApplicationError(reason, code="audience_in_use", status=409)
    version_ids = set(audience.versions.values_list("pk", flat=True))
    kept = {}
    holders = (
        Audience.objects.filter(current_version_id__in=version_ids)
        .exclude(pk=audience.pk)
        .order_by("pk")
        .values_list("current_version_id", "pk")
    )
    for version_id, holder_id in holders:
        kept.setdefault(version_id, holder_id)
    for version_id, holder_id in kept.items():
        AudienceVersion.objects.filter(pk=version_id).update(audience_id=holder_id)
    history_record(
        organization_id=audience.organization_id,
        actor=actor,
        action=HistoryAction.AUDIENCE_DELETED,
        audience=audience,
        details={"voter_count": audience.voter_count},
    )
    # The audience's own reference to its current version would otherwise protect that version.
    Audience.objects.filter(pk=audience.pk).update(current_version=None)
    try:
        audience.delete()
    except ProtectedError as error:  # a campaign took it up between the check and the delete
        raise ApplicationError(
            _usage_message(audience) or "The audience is in use.", code="audience_in_use", status=409
        ) from error
    gone = sorted(version_ids - set(kept))
    # Dropping a version's voters must not run inside the transaction (it waits for readers to finish).
    transaction.on_commit(lambda: [discard_version_rows(version_id) for version_id in gone])


@dataclass
class AudienceDeleteResult:
    """What a bulk delete did: the audiences deleted, and those refused with what holds each."""

    deleted: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[Audience, list[AudienceUse]]] = field(default_factory=list)


def audience_delete_many(*, organization, audience_ids, actor: Actor) -> AudienceDeleteResult:
    """Delete each of these audiences that nothing uses; list the others with the campaigns that hold them.

    One transaction per audience, so one refusal (or a campaign taking an audience up meanwhile) never
    undoes the others. IDs of another organization are ignored, as if they did not exist.
    """
    result = AudienceDeleteResult()
    audiences = list(
        Audience.objects.filter(organization=organization, pk__in=list(audience_ids)).order_by("name")
    )
    uses = audience_uses(audience_ids=[a.pk for a in audiences])
    for audience in audiences:
        if uses.get(audience.pk):
            result.refused.append((audience, uses[audience.pk]))
            continue
        audience_id = audience.pk  # Django clears it once the row is gone
        try:
            audience_delete(audience=audience, actor=actor)
        except ApplicationError:
            result.refused.append((audience, audience_uses(audience_ids=[audience_id])[audience_id]))
        else:
            result.deleted.append((audience_id, audience.name))
    return result


@transaction.atomic
def audience_duplicate(*, audience: Audience, actor: Actor, name: str | None = None) -> Audience:
    """A new audience on the same members (no copy of the data) that later transmissions do not refresh."""
    if audience.status == AudienceStatus.AWAITING_APPROVAL:
        raise ApplicationError(
            f"“{audience.name}” is awaiting approval; approve it before duplicating it.",
            code="audience_awaiting_approval",
            status=409,
        )
    if audience.current_version_id is None:
        raise ApplicationError(
            f"“{audience.name}” has no loaded voters yet; duplicate it once it is Ready.",
            code="audience_not_loaded",
            status=409,
        )
    copy = Audience.objects.create(
        organization=audience.organization,
        name=(name or f"{audience.name} (copy)")[:255],
        notes=audience.notes,
        audience_type=audience.audience_type,
        status=audience.status,
        status_reason=audience.status_reason,
        source=AudienceSource.DUPLICATE,
        l2_segment_name=None,
        l2_universe_id=audience.l2_universe_id,
        l2_customer_id=audience.l2_customer_id,
        l2_sender=audience.l2_sender,
        l2_app_id=audience.l2_app_id,
        current_version=audience.current_version,
        voter_count=audience.voter_count,
        household_count=audience.household_count,
        data_cpm=audience.data_cpm,
        duplicated_from=audience,
        refreshed_at=audience.refreshed_at,
    )
    # An entry in each audience's history: the original's says where its copy went, the copy's where it came from.
    for subject, details in (
        (audience, {"copy": {"id": copy.pk, "name": copy.name}}),
        (copy, {"original": {"id": audience.pk, "name": audience.name}}),
    ):
        history_record(
            organization_id=audience.organization_id,
            actor=actor,
            action=HistoryAction.AUDIENCE_DUPLICATED,
            audience=subject,
            details=details,
        )
    return copy


# --- Versions: how loaded member sets become, and stop being, an audience's members -----------------------


def segment_audience_get_or_create(
    *,
    organization,
    segment_name: str,
    origin: dict,
    owner: tuple[str, str] = ("", ""),
    awaiting_approval: bool = False,
    universe_name: str = "",
) -> tuple[Audience, bool]:
    """The Segmented audience L2 feeds for this segment; the first transmission creates it.

    A new audience belongs to the push's L2 customer (``owner``: customer ID and username), and is
    Processing — or Awaiting approval when the organization does not know that customer (the caller
    decides; docs/l2-endpoint.md › Who may refresh a segment).
    """
    identity = {"organization": organization, "source": AudienceSource.L2, "l2_segment_name": segment_name}
    audience = Audience.objects.filter(**identity).first()
    if audience is not None:
        return audience, False
    try:
        with transaction.atomic():
            audience = Audience.objects.create(
                **identity,
                name=segment_name[:255],
                audience_type=AudienceType.SEGMENTED,
                status=AudienceStatus.AWAITING_APPROVAL if awaiting_approval else AudienceStatus.PROCESSING,
                l2_owner_customer_id=owner[0],
                l2_owner_username=owner[1],
                **origin,
            )
            history_record(
                organization_id=organization.pk,
                actor=Actor.of_l2(customer_id=owner[0], username=owner[1]),
                action=HistoryAction.AUDIENCE_CREATED,
                audience=audience,
                details={"universe_name": universe_name, "awaiting_approval": awaiting_approval},
            )
            return audience, True
    except IntegrityError:  # another transmission of the same new segment created it first
        return Audience.objects.get(**identity), False


def audience_owner_set(*, audience: Audience, customer_id: str, username: str) -> Audience:
    """The segment now belongs to this L2 customer: its pushes load, others' are held."""
    Audience.objects.filter(pk=audience.pk).update(
        l2_owner_customer_id=customer_id, l2_owner_username=username, updated_at=timezone.now()
    )
    audience.l2_owner_customer_id, audience.l2_owner_username = customer_id, username
    return audience


def audience_approve(*, audience: Audience, loading: bool) -> Audience:
    """An audience Awaiting approval becomes what its loads make it: Ready with members, else Processing
    while a load runs (``loading``), else Failed with the last load's reason."""
    with transaction.atomic():
        locked = Audience.objects.select_for_update().get(pk=audience.pk)
        if locked.status != AudienceStatus.AWAITING_APPROVAL:
            return locked
        if locked.current_version_id is not None:
            locked.status = AudienceStatus.READY
        elif loading or not locked.status_reason:
            locked.status = AudienceStatus.PROCESSING
        else:
            locked.status = AudienceStatus.FAILED
        locked.save(update_fields=["status", "updated_at"])
    return locked


def audience_version_start(
    *, audience: Audience, source_created_at=None, received_at=None
) -> AudienceVersion:
    """A new, still invisible version; the caller holds the audience's load lock, so numbers cannot collide."""
    last = audience.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return AudienceVersion.objects.create(
        audience=audience, number=last + 1, source_created_at=source_created_at, received_at=received_at
    )


def audience_version_activate(
    *,
    version: AudienceVersion,
    writer: VersionWriter,
    figures: dict,
    origin: dict,
    actor: Actor,
    transmission_id: str | None = None,
) -> Audience:
    """Switch the audience to this version: one short transaction, after which every reader sees it.

    Campaigns reference the audience, not a version, so they follow the switch with no change of their own.
    The history entry keeps the version's counts and L2's identifiers, which outlive its voters once pruned.
    """
    now = timezone.now()
    with transaction.atomic():
        audience = Audience.objects.select_for_update().get(pk=version.audience_id)
        previous_voters = audience.voter_count if audience.current_version_id is not None else None
        writer.attach()
        for name, value in figures.items():
            setattr(version, name, value)
        version.state = VersionState.READY
        version.activated_at = now
        version.save()
        audience.current_version = version
        audience.voter_count = version.voter_count
        audience.household_count = version.household_count
        if audience.status != AudienceStatus.AWAITING_APPROVAL:  # loaded, but not yet targetable
            audience.status = AudienceStatus.READY
        audience.status_reason = ""
        audience.refreshed_at = now
        for name, value in origin.items():
            setattr(audience, name, value)
        audience.save()
        _version_switched_record(audience, version, previous_voters, actor, origin, transmission_id)
        audience_versions_switched_on_commit(audience_ids=[audience.pk])
    analyze_version(version.pk)
    return audience


def _version_switched_record(audience, version, previous_voters, actor, origin, transmission_id) -> None:
    history_record(
        organization_id=audience.organization_id,
        actor=actor,
        action=HistoryAction.VERSION_SWITCHED,
        audience=audience,
        details={
            "version": version.number,
            "version_id": version.pk,
            "voter_count": version.voter_count,
            "household_count": version.household_count,
            "rows_read": version.rows_read,
            "duplicates": version.duplicates,
            "rows_rejected": version.rows_rejected,
            "previous_voter_count": previous_voters,
            "transmission_id": transmission_id,
            "universe_id": origin.get("l2_universe_id", ""),
            "customer_id": actor.l2_customer_id,
            "username": actor.l2_username,
        },
    )
    if audience.status != AudienceStatus.READY:  # loaded while Awaiting approval: the held notice said so
        return
    link = reverse("audiences:details", args=[audience.pk])
    if previous_voters is None:
        notice_send(
            organization=audience.organization_id,
            kind=NoticeKind.AUDIENCE_READY,
            title=f"“{audience.name}” is Ready: {version.voter_count:,} voters",
            body="It can be put on campaigns' Allowlists and Blocklists now.",
            link=link,
        )
    else:
        notice_send(
            organization=audience.organization_id,
            kind=NoticeKind.REFRESH_IN_FORCE,
            title=f"“{audience.name}” refreshed: {previous_voters:,} → {version.voter_count:,} voters",
            body=f"Version {version.number} is in force; the campaigns that target it follow it.",
            link=link,
        )


def audience_version_discard(*, version: AudienceVersion) -> None:
    """Throw away a version that never became current (a failed or interrupted load)."""
    discard_version_rows(version.pk)
    version.delete()


def audience_load_started(*, audience: Audience) -> None:
    """A load begins. An audience without members (new, or whose loads failed) is Processing again while it
    runs; one Awaiting approval stays so. Either way an old failure reason no longer applies."""
    if audience.current_version_id is not None:
        return
    awaiting = audience.status == AudienceStatus.AWAITING_APPROVAL
    Audience.objects.filter(pk=audience.pk).update(
        status=AudienceStatus.AWAITING_APPROVAL if awaiting else AudienceStatus.PROCESSING,
        status_reason="",
        updated_at=timezone.now(),
    )


def audience_load_failed(*, audience: Audience, reason: str) -> None:
    """A load failed. An audience with members keeps them, and stays Ready; a new one becomes Failed (one
    Awaiting approval stays so, with the reason, until someone approves it)."""
    without_members = Audience.objects.filter(pk=audience.pk, current_version__isnull=True)
    updated = without_members.exclude(status=AudienceStatus.AWAITING_APPROVAL).update(
        status=AudienceStatus.FAILED, status_reason=reason, updated_at=timezone.now()
    )
    if updated:
        audience.status, audience.status_reason = AudienceStatus.FAILED, reason
    elif without_members.update(status_reason=reason, updated_at=timezone.now()):
        audience.status_reason = reason


def audience_versions_prune(*, keep: int | None = None) -> int:
    """Drop the members of versions older than the current one and the ``keep - 1`` before it.

    A version that any audience (a duplicate, say) still has as its current one is kept. The version row
    stays, with its figures, for the history; only its members go. Returns how many versions were pruned.
    """
    keep = keep or settings.AUDIENCE_VERSIONS_KEPT
    in_use = set(Audience.objects.exclude(current_version=None).values_list("current_version_id", flat=True))
    pruned = 0
    ready = AudienceVersion.objects.filter(state=VersionState.READY).order_by("audience_id", "-number")
    kept_per_audience: dict[int, int] = {}
    for version in ready.only("id", "audience_id", "number"):
        kept = kept_per_audience.get(version.audience_id, 0)
        if kept < keep or version.pk in in_use:
            kept_per_audience[version.audience_id] = kept + 1
            continue
        discard_version_rows(version.pk)
        AudienceVersion.objects.filter(pk=version.pk).update(state=VersionState.DISCARDED)
        pruned += 1
    return pruned
