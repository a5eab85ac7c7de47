from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Lower

from accounts.models import Organization
from iqm_portal.query import name_or_id_filter, search_text

from .models import Audience, AudienceStatus, AudienceType


def audience_list(*, organization: Organization) -> QuerySet[Audience]:
    """Every audience the organization owns: the one gate through which pages, API and tasks reach them."""
    return Audience.objects.filter(organization=organization)


def audience_type_counts(*, organization: Organization) -> dict[str, int]:
    # count(*), not count(id): read off the (organization, type, status) index alone.
    rows = (
        audience_list(organization=organization)
        .order_by()
        .values_list("audience_type")
        .annotate(n=Count("*"))
    )
    return dict(rows)


# The table's sortable columns: URL value -> field. Ties are broken by ID in the same direction.
SORTS = {
    "name": "name",
    "created": "created_at",
    "voters": "voter_count",
    "households": "household_count",
    "cpm": "data_cpm",
    "refreshed": "refreshed_at",
    "allowlisted": "allowlist_campaigns",
    "blocklisted": "blocklist_campaigns",
    "id": "id",
}
DEFAULT_SORT = "-created"

# The reach-range filter (IQM's): URL value -> (label, voters from, voters below).
SIZES = {
    "lt10k": ("Under 10 K", None, 10_000),
    "10k-100k": ("10 K – 100 K", 10_000, 100_000),
    "100k-1m": ("100 K – 1 M", 100_000, 1_000_000),
    "1m+": ("1 M and over", 1_000_000, None),
}


def audience_type_shown(value: str | None) -> str:
    """The type a page or API request shows: Segmented when it names none (or none that exists), "" for
    "all" (every type)."""
    if value == "all":
        return ""
    return value if value in AudienceType.values else AudienceType.SEGMENTED


@dataclass(frozen=True)
class AudienceQuery:
    """What the Audiences table shows: the state a bookmark or the back button brings back."""

    audience_type: str = AudienceType.SEGMENTED  # "" means all types
    search: str = ""
    status: str = ""
    size: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params, *, search: str = "q", sort: str = "sort") -> "AudienceQuery":
        """From the page's URL (?q=&sort=) or, naming the keys, the API's (?search=&ordering=)."""
        status = params.get("status", "")
        size = params.get("size", "")
        sort_value = params.get(sort, DEFAULT_SORT)
        return cls(
            audience_type=audience_type_shown(params.get("type")),
            search=search_text(params.get(search)),
            status=status if status in AudienceStatus.values else "",
            size=size if size in SIZES else "",
            sort=sort_value if sort_value.lstrip("-") in SORTS else DEFAULT_SORT,
        )


def audience_size_filter(queryset: QuerySet[Audience], size: str) -> QuerySet[Audience]:
    """Audiences of one voters range of SIZES (those still without figures belong to none)."""
    if size not in SIZES:
        return queryset
    _, low, high = SIZES[size]
    queryset = queryset.filter(voter_count__isnull=False)
    if low is not None:
        queryset = queryset.filter(voter_count__gte=low)
    if high is not None:
        queryset = queryset.filter(voter_count__lt=high)
    return queryset


def audience_search(queryset: QuerySet[Audience], term: str) -> QuerySet[Audience]:
    """By name (any part, any case) or by exact ID."""
    return name_or_id_filter(queryset, search_text(term))


def audience_order(queryset: QuerySet[Audience], sort: str) -> QuerySet[Audience]:
    field = SORTS.get(sort.lstrip("-"), SORTS["created"])
    if field == "name":
        key = Lower("name")  # people expect "alpha" before "Bravo"
        return (
            queryset.order_by(key.desc(), "-id")
            if sort.startswith("-")
            else queryset.order_by(key.asc(), "id")
        )
    if sort.startswith("-"):
        # Audiences without figures yet (still processing) sort last either way.
        return queryset.order_by(F(field).desc(nulls_last=True), "-id")
    return queryset.order_by(F(field).asc(nulls_last=True), "id")


def audience_table(*, organization: Organization, query: AudienceQuery) -> QuerySet[Audience]:
    audiences = audience_list(organization=organization)
    if query.audience_type:
        audiences = audiences.filter(audience_type=query.audience_type)
    if query.status:
        audiences = audiences.filter(status=query.status)
    audiences = audience_size_filter(audiences, query.size)
    audiences = audience_search(audiences, query.search)
    return audience_order(audiences, query.sort)
