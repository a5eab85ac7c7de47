from collections.abc import Collection
from datetime import datetime

from django.db.models import QuerySet

from .models import HistoryEntry


def history_list(
    *,
    organization,
    audience_id: int | None = None,
    campaign_id: int | None = None,
    insertion_order_id: int | None = None,
    actions: Collection[str] | None = None,
    actor: str = "",
    actor_user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[HistoryEntry]:
    """The organization's entries, newest first; of one object when an id is given.

    An object's history is found by the id it had, so it stays readable after the object is deleted.
    ``actions`` keeps those actions only; ``actor`` those whose actor's name contains it (any case: an L2
    actor's name holds its customer ID and username); ``since`` and ``until`` bound ``occurred_at``, both
    included.
    """
    entries = HistoryEntry.objects.filter(organization=organization)
    if audience_id is not None:
        entries = entries.filter(audience_id=audience_id)
    if campaign_id is not None:
        entries = entries.filter(campaign_id=campaign_id)
    if insertion_order_id is not None:
        entries = entries.filter(insertion_order_id=insertion_order_id)
    if actions is not None:
        entries = entries.filter(action__in=sorted(actions))
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if actor_user_id is not None:
        entries = entries.filter(actor_user_id=actor_user_id)
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lte=until)
    return entries.order_by("-occurred_at", "-id")


def history_of_exists(*, organization, field: str, object_id: int) -> bool:
    """Whether the organization has entries of that object (by ``audience_id``, ``campaign_id`` or
    ``insertion_order_id``): its history is the organization's even after the object is deleted."""
    return history_list(organization=organization, **{field: object_id}).exists()
