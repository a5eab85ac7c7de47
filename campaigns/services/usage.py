"""How many campaigns hold each audience: the counts the Audiences app shows and sorts by.

The Audiences app cannot see campaigns (docs/architecture.md), so the counts are columns of the audience,
which every service that changes a campaign's lists recounts in the same transaction.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from audiences.models import Audience

from ..models import CampaignAudience, TargetingList


def _count(list_type: str) -> Coalesce:
    counted = (
        CampaignAudience.objects.filter(audience=OuterRef("pk"), list_type=list_type)
        .order_by()
        .values("audience")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def audience_usage_recount(*, audience_ids: Iterable[int]) -> None:
    """Recount the Allowlist and Blocklist campaigns of these audiences, inside the caller's transaction.

    The audience rows are locked first, in id order (as every caller locks them), and counted in a later
    statement: a concurrent change to the same audience waits for this transaction and then counts anew,
    so the last one to commit writes a count that includes both.
    """
    ids = sorted(set(audience_ids))
    if not ids:
        return
    with transaction.atomic(savepoint=False):  # the caller's transaction; its own when called alone
        locked = Audience.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True)
        list(locked.values_list("pk", flat=True))
        Audience.objects.filter(pk__in=ids).update(
            allowlist_campaigns=_count(TargetingList.ALLOWLIST),
            blocklist_campaigns=_count(TargetingList.BLOCKLIST),
        )


def audience_ids_on_campaigns(*, campaigns) -> list[int]:
    """The audiences the given campaigns (a queryset) hold, before they are deleted."""
    return list(
        CampaignAudience.objects.filter(campaign__in=campaigns)
        .order_by("audience_id")
        .values_list("audience_id", flat=True)
        .distinct()
    )
