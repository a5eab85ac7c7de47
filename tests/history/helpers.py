"""Entries written as the services write them (history.services), for the tests of where history is read."""

import datetime as dt

from history.actors import SYSTEM, Actor
from history.models import HistoryAction, HistoryEntry
from history.services import Named, history_entry, history_record, history_record_many

MARIA = Actor(kind="user", name="Maria Lopez", user_id=41)
L2_JDOE = Actor.of_l2(customer_id="C-778", username="jdoe")
PORTAL = SYSTEM


def record(organization, action: str, *, actor: Actor = MARIA, at: dt.datetime | None = None, **fields):
    """One entry of ``organization``; ``audience``, ``campaign`` and ``insertion_order`` are objects (with
    ``pk`` and ``name``) or ``Named``. ``at`` dates it (written as the services do: an entry is never
    changed once written)."""
    if at is None:
        return history_record(organization_id=organization.pk, actor=actor, action=action, **fields)
    named = {
        key: value if value is None or isinstance(value, Named) else Named.of(value)
        for key, value in fields.items()
        if key in {"audience", "campaign", "insertion_order"}
    }
    others = {key: value for key, value in fields.items() if key not in named}
    entry = history_entry(organization_id=organization.pk, actor=actor, action=action, **named, **others)
    entry.occurred_at = at
    history_record_many([entry])
    return HistoryEntry.objects.get(pk=entry.pk)


def added(organization, audience, campaign, *, list_name: str = "Allowlist", **kwargs):
    return record(
        organization,
        HistoryAction.AUDIENCE_ADDED,
        audience=audience,
        campaign=campaign,
        details={"list": list_name},
        **kwargs,
    )
