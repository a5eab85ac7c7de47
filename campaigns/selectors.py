from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Organization
from audiences.models import TARGETABLE_STATUSES, Audience
from audiences.selectors import audience_list
from iqm_portal.query import name_or_id_filter, search_text

from .models import (
    TARGETABLE_CAMPAIGN_STATUSES,
    Campaign,
    CampaignAudience,
    CampaignType,
    InsertionOrder,
    TargetingList,
)


def insertion_order_list(*, organization: Organization) -> QuerySet[InsertionOrder]:
    return InsertionOrder.objects.filter(organization=organization)


def insertion_order_list_with_counts(*, organization: Organization) -> QuerySet[InsertionOrder]:
    """The organization's IOs, each with how many campaigns it holds."""
    return insertion_order_list(organization=organization).annotate(campaign_count=Count("campaigns"))


def campaign_list(*, organization: Organization) -> QuerySet[Campaign]:
    """Every campaign the organization owns: the one gate through which pages, API and tasks reach them."""
    return Campaign.objects.filter(organization=organization)


def campaign_list_with_targeting(*, organization: Organization) -> QuerySet[Campaign]:
    """Campaigns with their IO, Allowlist / Blocklist counts, and their targets (for the reach's state).

    Three queries whatever the number of campaigns: the campaigns, their targets, the targets' audiences.
    """
    return (
        campaign_list(organization=organization)
        .select_related("insertion_order")
        .annotate(
            allowlist_count=Count(
                "audience_targets", filter=Q(audience_targets__list_type=TargetingList.ALLOWLIST)
            ),
            blocklist_count=Count(
                "audience_targets", filter=Q(audience_targets__list_type=TargetingList.BLOCKLIST)
            ),
        )
        .prefetch_related(
            Prefetch(
                "audience_targets",
                queryset=CampaignAudience.objects.select_related("audience").order_by("list_type", "id"),
            )
        )
    )


def campaign_targeting(*, organization: Organization, campaign_id: int) -> QuerySet[CampaignAudience]:
    return CampaignAudience.objects.filter(
        campaign_id=campaign_id, campaign__organization=organization
    ).select_related("audience")


def campaign_ids_targeting(*, audience_ids: Iterable[int]) -> list[int]:
    """Campaigns that allowlist or blocklist any of these audiences (for the reach refresh of a new version)."""
    return list(
        CampaignAudience.objects.filter(audience_id__in=list(audience_ids))
        .order_by("campaign_id")
        .values_list("campaign_id", flat=True)
        .distinct()
    )


def audience_eligible_list(
    *, organization: Organization, audience_type: str | None = None, search: str = ""
) -> QuerySet[Audience]:
    """Audiences that can be put on a campaign (Ready or Processing), searched by name or ID."""
    audiences = audience_list(organization=organization).filter(status__in=TARGETABLE_STATUSES)
    if audience_type:
        audiences = audiences.filter(audience_type=audience_type)
    return name_or_id_filter(audiences, search).order_by("name", "pk")


def audience_campaign_uses(*, audience_ids: Iterable[int]) -> dict[int, list[CampaignAudience]]:
    """The campaigns that have each audience on a list, by campaign name (one query for all audiences)."""
    uses: dict[int, list[CampaignAudience]] = {}
    targets = (
        CampaignAudience.objects.filter(audience_id__in=list(audience_ids))
        .select_related("campaign")
        .order_by("list_type", "campaign__name", "campaign_id")
    )
    for target in targets:
        uses.setdefault(target.audience_id, []).append(target)
    return uses


def campaign_options(*, organization: Organization, search: str = "", limit: int = 20) -> QuerySet[Campaign]:
    """Campaigns offered by the Add To Campaign picker: those that can receive audiences, by name."""
    campaigns = (
        campaign_list(organization=organization)
        .filter(status__in=TARGETABLE_CAMPAIGN_STATUSES)
        .exclude(campaign_type=CampaignType.PG)
        .select_related("insertion_order")
        .order_by("name")
    )
    search = search_text(search)
    if search:
        campaigns = campaigns.filter(name__icontains=search)
    return campaigns[:limit]
