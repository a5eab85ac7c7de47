"""The statements of a targeting change, each one set-based: a bulk change to every campaign of a
1 000-campaign insertion order costs about what a change to ten does, bar the rows themselves
(docs/campaigns.md › Bulk targeting).

Rows are read as tuples, never as models: building a model per campaign and per target was most of what
a large change cost.
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from campaigns.models import Campaign, CampaignAudience, TargetingList
from campaigns.selectors import campaign_list


def campaigns_named(
    *, organization: Organization, campaign_ids: Sequence[int], insertion_order_ids: Sequence[int]
) -> QuerySet[Campaign]:
    """The named campaigns and every campaign of the named IOs, of this organization only."""
    return campaign_list(organization=organization).filter(
        Q(pk__in=campaign_ids) | Q(insertion_order_id__in=insertion_order_ids)
    )


def campaigns_lock(campaigns: QuerySet[Campaign]) -> dict[int, tuple]:
    """These campaigns, locked in id order: {id: (id, name, campaign_type, status)}, as named tuples.

    Every caller locks in the same order, so two changes cannot deadlock, and cannot together push a
    campaign past the audience limit: what the campaign holds is read after this, in later statements.
    """
    rows = (
        campaigns.select_for_update()
        .order_by("pk")
        .values_list("pk", "name", "campaign_type", "status", named=True)
    )
    return {row.pk: row for row in rows}


def targets_held(
    *, campaigns: QuerySet[Campaign], audience_ids: Sequence[int]
) -> tuple[dict[int, int], dict[int, dict[int, str]]]:
    """How many audiences each of these campaigns holds, and which of these audiences it holds on which list.

    Two statements whatever the number of campaigns, each joined to the campaigns by the request's own
    terms (an IO, a few IDs) rather than by a list of every campaign's ID; the second reads at most one row
    per campaign and audience named, not every target of every campaign.
    """
    of_campaigns = CampaignAudience.objects.filter(campaign__in=campaigns.values("pk")).order_by()
    counts = dict(of_campaigns.values_list("campaign_id").annotate(n=Count("*")))
    held: dict[int, dict[int, str]] = defaultdict(dict)
    for campaign_id, audience_id, list_type in of_campaigns.filter(audience_id__in=audience_ids).values_list(
        "campaign_id", "audience_id", "list_type"
    ):
        held[campaign_id][audience_id] = list_type
    return counts, held


def targets_delete(*, campaign_ids: Sequence[int], audience_ids: Sequence[int]) -> None:
    """Take these audiences off these campaigns' lists, in one statement."""
    if campaign_ids and audience_ids:
        CampaignAudience.objects.filter(campaign_id__in=campaign_ids, audience_id__in=audience_ids).delete()


def targets_insert(*, rows: Sequence[tuple[int, int, str]]) -> None:
    """Put (campaign ID, audience ID, list type) rows on the lists, in one statement.

    On PostgreSQL the rows go as three array literals, unnested by the server: the statement and its
    parameters are three strings whatever the number of rows, no model is built per row, and the server
    parses no expression per row (as it would for ``ARRAY[…]`` or ``VALUES (…), …``). Elsewhere (SQLite, the
    embedded default) bulk_create.
    """
    if not rows:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        CampaignAudience.objects.bulk_create(
            CampaignAudience(campaign_id=c, audience_id=a, list_type=t, created_at=now) for c, a, t in rows
        )
        return
    campaign_ids, audience_ids, list_types = zip(*rows, strict=True)
    if not set(list_types) <= set(TargetingList.values):  # words only: they go into the literal as they are
        raise ValueError("unknown list type")
    meta = CampaignAudience._meta
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(name).column)
        for name in ("campaign", "audience", "list_type", "created_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
            "SELECT c, a, t, %s FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS r(c, a, t)",
            [now, *(_array_literal(column) for column in (campaign_ids, audience_ids, list_types))],
        )


def _array_literal(values: Sequence[int | str]) -> str:
    """A PostgreSQL array literal (``{1,2,3}``) of integers or plain words."""
    return "{" + ",".join(map(str, values)) + "}"
