"""Reads of the L2 ingest: what loads now, and what fed an audience."""

from collections.abc import Sequence

from django.db.models import QuerySet

from audiences.models import Audience, AudienceSource

from .models import Transmission, TransmissionStatus


def audience_active_loads(*, audience_ids: Sequence[int]) -> dict[int, float]:
    """Progress (0–1) of the transmission each audience is loading now, for the progress bars."""
    active = (
        Transmission.objects.filter(
            audience_id__in=list(audience_ids),
            status__in=[TransmissionStatus.QUEUED, TransmissionStatus.PROCESSING],
        )
        .order_by("audience_id", "-received_at")
        .values_list("audience_id", "progress")
    )
    loads: dict[int, float] = {}
    for audience_id, progress in active:
        loads.setdefault(audience_id, progress)
    return loads


def audience_transmissions(*, audience: Audience) -> QuerySet[Transmission]:
    """Every transmission that fed the audience (a duplicate: its original's), newest first."""
    source = audience.duplicated_from if audience.source == AudienceSource.DUPLICATE else audience
    if source is None:
        return Transmission.objects.none()
    return Transmission.objects.filter(audience=source).select_related("version").order_by("-received_at")
