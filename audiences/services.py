from django.db import transaction
from django.db.models import ProtectedError

from iqm_portal.exceptions import ApplicationError

from .models import Audience, AudienceSource


def audience_update(*, audience: Audience, name: str | None = None, notes: str | None = None) -> Audience:
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
    if fields:
        audience.save(update_fields=[*fields, "updated_at"])
    return audience


def _usage_message(audience: Audience) -> str | None:
    names = list(
        audience.campaign_targets.select_related("campaign")
        .order_by("campaign__name")
        .values_list("campaign__name", flat=True)[:4]
    )
    if not names:
        return None
    total = audience.campaign_targets.count()
    shown = ", ".join(f"“{n}”" for n in names[:3])
    more = f" and {total - 3} more" if total > 3 else ""
    return (
        f"“{audience.name}” is used by {total} campaign{'s' if total != 1 else ''} ({shown}{more}); "
        "remove it from their Allowlists and Blocklists first."
    )


@transaction.atomic
def audience_delete(*, audience: Audience) -> None:
    """Delete an audience that no campaign uses; refuse, naming the campaigns, otherwise."""
    reason = _usage_message(audience)
    if reason:
        raise ApplicationError(reason, code="audience_in_use", status=409)
    try:
        audience.delete()
    except ProtectedError as error:  # a campaign took it up between the check and the delete
        raise ApplicationError(
            _usage_message(audience) or "The audience is in use.", code="audience_in_use", status=409
        ) from error


def audience_duplicate(*, audience: Audience, name: str | None = None) -> Audience:
    """A new audience on the same members (no copy of the data) that later transmissions do not refresh."""
    if audience.current_version_id is None:
        raise ApplicationError(
            f"“{audience.name}” has no loaded voters yet; duplicate it once it is Ready.",
            code="audience_not_loaded",
            status=409,
        )
    return Audience.objects.create(
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
