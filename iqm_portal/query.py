"""Reading what people type into URLs and headers: object IDs and search text, for pages and APIs alike."""

from django.db.models import Q, QuerySet

# Primary keys are PostgreSQL bigints: a number past this names nothing.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The ID that ``value`` spells, or None when it spells none.

    Only ASCII digits count: ``str.isdigit()`` also accepts "²", which ``int()`` refuses, and ``int()`` reads
    "١٢" or "１２" as 12, which would make another spelling of an ID.
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The IDs among ``values``, once each, in order; what spells no ID is skipped."""
    return list(dict.fromkeys(n for n in map(parse_id, values) if n is not None))


def search_text(value, *, limit: int = 200) -> str:
    """Search text as typed, trimmed; NUL characters dropped (PostgreSQL refuses them, and no name has one)."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def name_or_id_filter(queryset: QuerySet, text) -> QuerySet:
    """The rows whose name contains ``text`` (any case), or whose ID it spells; every row for empty text.

    The one search "by name or ID" of every table and list, pages and APIs alike.
    """
    text = search_text(text)
    if not text:
        return queryset
    condition = Q(name__icontains=text)
    object_id = parse_id(text)
    if object_id is not None:
        condition |= Q(pk=object_id)
    return queryset.filter(condition)
