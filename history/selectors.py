from django.db.models import QuerySet

from .models import HistoryEntry


def history_list(
    *,
    organization,
    audience_id: int | None = None,
    campaign_id: int | None = None,
    insertion_order_id: int | None = None,
) -> QuerySet[HistoryEntry]:
    """The organization's entries, newest first; of one object when an id is given.

    An object's history is found by the id it had, so it stays readable after the object is deleted.
    """
    entries = HistoryEntry.objects.filter(organization=organization)
    if audience_id is not None:
        entries = entries.filter(audience_id=audience_id)
    if campaign_id is not None:
        entries = entries.filter(campaign_id=campaign_id)
    if insertion_order_id is not None:
        entries = entries.filter(insertion_order_id=insertion_order_id)
    return entries.order_by("-occurred_at", "-id")
