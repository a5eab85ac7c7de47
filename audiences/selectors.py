from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from accounts.models import Organization
from iqm_portal.query import parse_id, search_text

from .models import Audience, AudienceSource, AudienceStatus, AudienceType


def audience_list(*, organization: Organization) -> QuerySet[Audience]:
    """Every audience the organization owns: the one gate through which pages, API and tasks reach them."""
    return Audience.objects.filter(organization=organization)


def _usage_count(list_type: str) -> Coalesce:
    from campaigns.models import CampaignAudience

    counted = (
        CampaignAudience.objects.filter(audience=OuterRef("pk"), list_type=list_type)
        .order_by()
        .values("audience")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def audience_list_with_usage(*, organization: Organization) -> QuerySet[Audience]:
    """Audiences with how many campaigns allowlist and blocklist each.

    Correlated subqueries rather than a join and GROUP BY: PostgreSQL evaluates them for the rows of the
    page only, so a page of 50 costs the same among ten thousand audiences.
    """
    return audience_list(organization=organization).annotate(
        allowlist_campaigns=_usage_count("allowlist"), blocklist_campaigns=_usage_count("blocklist")
    )


def audience_type_counts(*, organization: Organization) -> dict[str, int]:
    rows = (
        audience_list(organization=organization)
        .order_by()
        .values_list("audience_type")
        .annotate(n=Count("id"))
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


@dataclass(frozen=True)
class AudienceQuery:
    """What the Audiences table shows: the state a bookmark or the back button brings back."""

    audience_type: str = AudienceType.SEGMENTED  # "" means all types
    search: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params, *, search: str = "q", sort: str = "sort") -> "AudienceQuery":
        """From the page's URL (?q=&sort=) or, naming the keys, the API's (?search=&ordering=)."""
        audience_type = params.get("type", AudienceType.SEGMENTED)
        if audience_type not in AudienceType.values and audience_type != "all":
            audience_type = AudienceType.SEGMENTED
        status = params.get("status", "")
        sort_value = params.get(sort, DEFAULT_SORT)
        return cls(
            audience_type="" if audience_type == "all" else audience_type,
            search=search_text(params.get(search)),
            status=status if status in AudienceStatus.values else "",
            sort=sort_value if sort_value.lstrip("-") in SORTS else DEFAULT_SORT,
        )


def audience_search(queryset: QuerySet[Audience], term: str) -> QuerySet[Audience]:
    """By name (any part, any case) or by exact ID."""
    term = search_text(term)
    if not term:
        return queryset
    condition = Q(name__icontains=term)
    audience_id = parse_id(term)
    if audience_id is not None:
        condition |= Q(pk=audience_id)
    return queryset.filter(condition)


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
    audiences = audience_list_with_usage(organization=organization)
    if query.audience_type:
        audiences = audiences.filter(audience_type=query.audience_type)
    if query.status:
        audiences = audiences.filter(status=query.status)
    audiences = audience_search(audiences, query.search)
    return audience_order(audiences, query.sort)


def audience_active_loads(*, audience_ids) -> dict[int, float]:
    """Progress (0–1) of the transmission each audience is loading now, for the progress bars."""
    from l2_ingest.models import Transmission, TransmissionStatus

    active = (
        Transmission.objects.filter(
            audience_id__in=audience_ids,
            status__in=[TransmissionStatus.QUEUED, TransmissionStatus.PROCESSING],
        )
        .order_by("audience_id", "-received_at")
        .values_list("audience_id", "progress")
    )
    loads: dict[int, float] = {}
    for audience_id, progress in active:
        loads.setdefault(audience_id, progress)
    return loads


def audience_campaigns(*, audience: Audience):
    """The campaigns that use the audience, with the list each has it on."""
    return audience.campaign_targets.select_related("campaign", "campaign__insertion_order").order_by(
        "list_type", "campaign__name"
    )


def audience_history(*, audience: Audience):
    """Every transmission that fed the audience (a duplicate: its original's), newest first."""
    source = audience.duplicated_from if audience.source == AudienceSource.DUPLICATE else audience
    if source is None:
        return audience.transmissions.none()
    return source.transmissions.select_related("version").order_by("-received_at")


def campaign_options(*, organization: Organization, search: str = "", limit: int = 20):
    """Campaigns offered by the Add To Campaign picker: those that can receive audiences, by name."""
    from campaigns.models import TARGETABLE_CAMPAIGN_STATUSES, CampaignType
    from campaigns.selectors import campaign_list

    campaigns = (
        campaign_list(organization=organization)
        .filter(status__in=TARGETABLE_CAMPAIGN_STATUSES)
        .exclude(campaign_type=CampaignType.PG)
        .select_related("insertion_order")
        .order_by("name")
    )
    if search:
        campaigns = campaigns.filter(name__icontains=search)
    return campaigns[:limit]
