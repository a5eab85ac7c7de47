"""Kinds of entries, as people filter an object's history: the actions grouped by what they are about.

Pages offer the kinds that concern the object shown (docs/history.md, "Where to read it"); the API takes a
kind or any single action.
"""

from dataclasses import dataclass

from .models import HistoryAction as A


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    actions: tuple[str, ...]


L2_ACTIONS = (A.AUDIENCE_CREATED, A.VERSION_SWITCHED, A.REFRESH_HELD, A.REFRESH_APPROVED, A.REFRESH_DECLINED)
SETTINGS_ACTIONS = (
    *(A.AUDIENCE_CHANGED, A.AUDIENCE_DUPLICATED, A.AUDIENCE_DELETED),
    *(A.CAMPAIGN_CREATED, A.CAMPAIGN_CHANGED, A.CAMPAIGN_DELETED),
    *(A.IO_CREATED, A.IO_CHANGED, A.IO_DELETED),
)
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind("l2", "Data from L2", L2_ACTIONS),
        Kind("targeting", "Targeting", (A.AUDIENCE_ADDED, A.AUDIENCE_REMOVED)),
        Kind("settings", "Settings", SETTINGS_ACTIONS),
        Kind("reach", "Reach", (A.REACH_RECOMPUTED,)),
    ]
}


@dataclass(frozen=True)
class Subject:
    """What an object's history is read by: the entry's id field, and the kinds its pages offer."""

    field: str
    kinds: tuple[str, ...]


SUBJECTS: dict[str, Subject] = {
    "audience": Subject("audience_id", ("l2", "targeting", "settings")),
    "campaign": Subject("campaign_id", ("settings", "targeting", "reach")),
    # Entries name an insertion order when they are about it or about its campaigns' settings; targeting
    # and reach entries name the campaign alone.
    "insertion_order": Subject("insertion_order_id", ("settings",)),
}


def actions_of(names) -> set[str] | None:
    """The actions that kinds and actions named together stand for; None if a name is neither."""
    actions: set[str] = set()
    for name in names:
        if name in KINDS:
            actions.update(KINDS[name].actions)
        elif name in A.values:
            actions.add(name)
        else:
            return None
    return actions
