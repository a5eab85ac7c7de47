"""After an audience's refresh, tell the organization which running campaigns' reach moved by more than
10 % (docs/notices.md): one notice per refresh, listing them, never one per campaign.

The refresh's reach recomputations run in batches on several workers, so the notice is sent by a task of its
own once none of those campaigns waits for its reach any more, comparing each campaign's reach then with the
reach it had when the refresh began.
"""

from django.urls import reverse

from campaigns.models import Campaign, CampaignStatus
from notices.models import NoticeKind
from notices.services import notice_send

from .reach import campaign_ids_needing_reach

REACH_MOVED_SHARE = 0.10
LISTED = 10  # campaigns named in the notice; the rest are counted


def running_reach_snapshot(*, campaign_ids) -> dict[str, int]:
    """The stored reach of the running campaigns among these (JSON keys: a task argument)."""
    rows = Campaign.objects.filter(
        pk__in=list(campaign_ids), status=CampaignStatus.RUNNING, reach__isnull=False
    ).values_list("pk", "reach")
    return {str(pk): reach for pk, reach in rows}


def reach_moved_pending(*, before: dict[str, int]) -> bool:
    """Whether some of these campaigns still wait for their reach to be recomputed."""
    return bool(campaign_ids_needing_reach(campaign_ids=[int(pk) for pk in before]))


def _moved(before: int, after: int | None) -> bool:
    if after is None:
        return False
    if before == 0:
        return after != 0
    return abs(after - before) / before > REACH_MOVED_SHARE


def reach_moved_notify(*, audience_names: list[str], before: dict[str, int]) -> int:
    """Send each organization one notice listing its running campaigns whose reach moved; returns how many
    campaigns were listed."""
    campaigns = Campaign.objects.filter(pk__in=[int(pk) for pk in before], status=CampaignStatus.RUNNING)
    moved: dict[int, list[tuple[Campaign, int]]] = {}
    for campaign in campaigns.order_by("name"):
        old = before[str(campaign.pk)]
        if _moved(old, campaign.reach):
            moved.setdefault(campaign.organization_id, []).append((campaign, old))
    refreshed = ", ".join(f"“{name}”" for name in audience_names) or "an audience"
    for organization_id, changed in moved.items():
        lines = [
            f"“{c.name}”: {old:,} → {c.reach:,} voters ({(c.reach - old) / old:+.0%})"
            if old
            else f"“{c.name}”: {old:,} → {c.reach:,} voters"
            for c, old in changed[:LISTED]
        ]
        if len(changed) > LISTED:
            lines.append(f"and {len(changed) - LISTED} more running campaigns")
        count = len(changed)
        notice_send(
            organization=organization_id,
            kind=NoticeKind.REACH_MOVED,
            title=f"The refresh of {refreshed} moved the reach of {count} running campaign{'s' if count != 1 else ''}",
            body="\n".join(lines),
            link=reverse("campaigns:campaign", args=[changed[0][0].pk])
            if count == 1
            else reverse("campaigns:home"),
        )
    return sum(len(changed) for changed in moved.values())
