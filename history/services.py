"""How every app writes history: in the transaction of the change it records (docs/history.md).

There is no update or delete here, nor anywhere: an entry, once written, is what happened.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .actors import Actor
from .models import HistoryEntry


@dataclass(frozen=True)
class Named:
    """An object as an entry names it: its id and the name it has now."""

    id: int
    name: str

    @classmethod
    def of(cls, obj) -> "Named | None":
        return None if obj is None else cls(id=obj.pk, name=str(obj.name))


def history_entry(
    *,
    organization_id: int,
    actor: Actor,
    action: str,
    audience: Named | None = None,
    campaign: Named | None = None,
    insertion_order: Named | None = None,
    changes: dict | None = None,
    details: dict | None = None,
) -> HistoryEntry:
    """An entry, not yet written: for :func:`history_record_many`."""
    return HistoryEntry(
        organization_id=organization_id,
        actor_kind=actor.kind,
        actor_name=actor.name[:300],
        actor_user_id=actor.user_id,
        actor_l2_customer_id=actor.l2_customer_id,
        actor_l2_username=actor.l2_username,
        action=action,
        audience_id=audience.id if audience else None,
        audience_name=audience.name[:255] if audience else "",
        campaign_id=campaign.id if campaign else None,
        campaign_name=campaign.name[:255] if campaign else "",
        insertion_order_id=insertion_order.id if insertion_order else None,
        insertion_order_name=insertion_order.name[:255] if insertion_order else "",
        changes=changes or {},
        details=details or {},
    )


def history_record(
    *,
    organization_id: int,
    actor: Actor,
    action: str,
    audience=None,
    campaign=None,
    insertion_order=None,
    changes: dict | None = None,
    details: dict | None = None,
) -> HistoryEntry:
    """Write one entry. ``audience``, ``campaign`` and ``insertion_order`` are the objects (anything with
    ``pk`` and ``name``) or :class:`Named`."""
    entry = history_entry(
        organization_id=organization_id,
        actor=actor,
        action=action,
        audience=_named(audience),
        campaign=_named(campaign),
        insertion_order=_named(insertion_order),
        changes=changes,
        details=details,
    )
    entry.save(force_insert=True)
    return entry


def history_record_many(entries: Iterable[HistoryEntry]) -> int:
    """Write entries made by :func:`history_entry` in one statement per batch; returns how many."""
    entries = list(entries)
    HistoryEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def field_changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value differs, as JSON-ready text or numbers."""
    return {
        name: [_shown(before.get(name)), _shown(value)]
        for name, value in after.items()
        if _shown(before.get(name)) != _shown(value)
    }


def _shown(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _named(obj) -> Named | None:
    if obj is None or isinstance(obj, Named):
        return obj
    return Named.of(obj)
