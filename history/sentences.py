"""An entry as a plain sentence: "Maria Lopez added “Ohio GOTV – Likely Dems” to the Allowlist".

Entries keep names as they were, so a sentence reads right after its objects are renamed or deleted.
``html`` gives the same sentence with the names in italics, escaped; a page that lists the changed settings
under the sentence (``changes``) asks it to stop at the object (``changes_apart``).
"""

from django.utils.html import format_html

from .models import HistoryAction, HistoryEntry

FIELD_LABELS = {
    "name": "name",
    "notes": "notes",
    "status": "status",
    "start_date": "start date",
    "end_date": "end date",
    "daily_budget": "daily budget",
    "total_budget": "total budget",
    "budget_total": "budget",
    "max_bid": "max bid",
    "time_zone": "time zone",
}


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def _changes(entry: HistoryEntry) -> list[tuple[str, str, str]]:
    return [
        (FIELD_LABELS.get(field, field.replace("_", " ")), _text(before), _text(after))
        for field, (before, after) in entry.changes.items()
    ]


def _text(value) -> str:
    return "none" if value in (None, "") else str(value)


def _parts(entry: HistoryEntry, *, listed: bool = True) -> tuple[str, list]:
    """A format string with {} for each argument, and the arguments: names are marked ("name", text).

    ``listed=False``: a sentence that would list the changed settings stops at its object."""
    a = ("name", entry.audience_name)
    c = ("name", entry.campaign_name)
    io = ("name", entry.insertion_order_name)
    d = entry.details
    who = entry.actor_name
    match entry.action:
        case HistoryAction.AUDIENCE_CREATED:
            return "{} created {} by sending universe {}", [who, a, d.get("universe_name", "")]
        case HistoryAction.VERSION_SWITCHED:
            before = d.get("previous_voter_count")
            was = f" (was {_number(before)})" if before is not None else ""
            return "{} put {} voters in force in {}, version {}{}", [
                who,
                _number(d.get("voter_count")),
                a,
                d.get("version", "?"),
                was,
            ]
        case HistoryAction.REFRESH_HELD:
            return "{}'s push to {} is held for approval", [who, a]
        case HistoryAction.REFRESH_APPROVED:
            trusted = " and trusted its L2 customer" if d.get("trusted") else ""
            return "{} approved the push of {} to {}{}", [who, d.get("sender", "an L2 user"), a, trusted]
        case HistoryAction.REFRESH_DECLINED:
            return "{} declined the push of {} to {}", [who, d.get("sender", "an L2 user"), a]
        case HistoryAction.AUDIENCE_CHANGED:
            if set(entry.changes) == {"name"}:
                old, new = entry.changes["name"]
                return "{} renamed {} to {}", [who, ("name", old), ("name", new)]
            if not listed:
                return "{} changed {}", [who, a]
            return "{} changed {}: {}", [who, a, _listed(_changes(entry))]
        case HistoryAction.AUDIENCE_DUPLICATED:
            if "copy" in d:
                return "{} duplicated {} as {}", [who, a, ("name", d["copy"].get("name", ""))]
            return "{} made {} as a duplicate of {}", [
                who,
                a,
                ("name", d.get("original", {}).get("name", "")),
            ]
        case HistoryAction.AUDIENCE_DELETED:
            return "{} deleted {}", [who, a]
        case HistoryAction.CAMPAIGN_CREATED:
            return "{} created the campaign {} in {}", [who, c, io]
        case HistoryAction.CAMPAIGN_CHANGED:
            if not listed:
                return "{} changed {}", [who, c]
            return "{} changed {}: {}", [who, c, _listed(_changes(entry))]
        case HistoryAction.CAMPAIGN_DELETED:
            return "{} deleted the campaign {}", [who, c]
        case HistoryAction.AUDIENCE_ADDED:
            return "{} added {} to the {} of {}", [who, a, d.get("list", "list"), c]
        case HistoryAction.AUDIENCE_REMOVED:
            return "{} removed {} from the {} of {}", [who, a, d.get("list", "list"), c]
        case HistoryAction.REACH_RECOMPUTED:
            return "Reach of {} recomputed: {} → {} voters", [
                c,
                _number(d.get("before")),
                _number(d.get("after")),
            ]
        case HistoryAction.IO_CREATED:
            return "{} created the insertion order {}", [who, io]
        case HistoryAction.IO_CHANGED:
            if not listed:
                return "{} changed the insertion order {}", [who, io]
            return "{} changed the insertion order {}: {}", [who, io, _listed(_changes(entry))]
        case HistoryAction.IO_DELETED:
            return "{} deleted the insertion order {}", [who, io]
    return "{}: {}", [who, entry.get_action_display()]


def _listed(changes: list[tuple[str, str, str]]) -> str:
    return "; ".join(f"{label} {before} → {after}" for label, before, after in changes) or "no visible change"


def text(entry: HistoryEntry) -> str:
    template, args = _parts(entry)
    return template.format(*[f"“{arg[1]}”" if isinstance(arg, tuple) else arg for arg in args])


def lists_changes(entry: HistoryEntry) -> bool:
    """Whether the sentence lists changed settings, before → after (a rename says its names itself)."""
    listing = {HistoryAction.AUDIENCE_CHANGED, HistoryAction.CAMPAIGN_CHANGED, HistoryAction.IO_CHANGED}
    renamed = entry.action == HistoryAction.AUDIENCE_CHANGED and set(entry.changes) == {"name"}
    return entry.action in listing and bool(entry.changes) and not renamed


def changes(entry: HistoryEntry) -> list[tuple[str, str, str]]:
    """Each changed setting as (label, before, after), as the sentence words them."""
    return _changes(entry)


def html(entry: HistoryEntry, *, changes_apart: bool = False) -> str:
    """The sentence with names in italics; ``changes_apart``: without the changes it would list (a page
    shows ``changes`` under it), when ``lists_changes``."""
    template, args = _parts(entry, listed=not (changes_apart and lists_changes(entry)))
    shown = [format_html("<em>{}</em>", arg[1]) if isinstance(arg, tuple) else arg for arg in args]
    return format_html(template, *shown)
