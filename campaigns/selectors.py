from django.db.models import QuerySet

from accounts.models import Organization

from .models import Campaign, CampaignAudience, InsertionOrder


def insertion_order_list(*, organization: Organization) -> QuerySet[InsertionOrder]:
    return InsertionOrder.objects.filter(organization=organization)


def campaign_list(*, organization: Organization) -> QuerySet[Campaign]:
    """Every campaign the organization owns: the one gate through which pages, API and tasks reach them."""
    return Campaign.objects.filter(organization=organization)


def campaign_targeting(*, organization: Organization, campaign_id: int) -> QuerySet[CampaignAudience]:
    return CampaignAudience.objects.filter(
        campaign_id=campaign_id, campaign__organization=organization
    ).select_related("audience")
