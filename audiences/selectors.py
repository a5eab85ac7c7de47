from django.db.models import Count, Q, QuerySet

from accounts.models import Organization

from .models import Audience


def audience_list(*, organization: Organization) -> QuerySet[Audience]:
    """Every audience the organization owns: the one gate through which pages, API and tasks reach them."""
    return Audience.objects.filter(organization=organization)


def audience_list_with_usage(*, organization: Organization) -> QuerySet[Audience]:
    """Audiences annotated with how many campaigns allowlist and blocklist each."""
    return audience_list(organization=organization).annotate(
        allowlist_campaigns=Count("campaign_targets", filter=Q(campaign_targets__list_type="allowlist")),
        blocklist_campaigns=Count("campaign_targets", filter=Q(campaign_targets__list_type="blocklist")),
    )


def audience_type_counts(*, organization: Organization) -> dict[str, int]:
    rows = audience_list(organization=organization).values_list("audience_type").annotate(n=Count("id"))
    return dict(rows)
