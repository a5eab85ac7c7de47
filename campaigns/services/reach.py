"""A campaign's reach: its exact targetable voters, and what each of its audiences contributes.

Reach is the union of the allowlisted audiences' current versions minus the union of the blocklisted ones
(every voter, where nothing is allowlisted). Counting it reads millions of rows, so a worker computes it
after the targeting changes or an audience switches to a new version, and stores it on the campaign with
the (audience, version) pairs it was computed from; pages show the stored figures, and say they are being
updated while the campaign's targeting no longer matches them.

A version never changes once loaded, so a count over a set of versions can be reused: one task's
campaigns share their counts (every campaign of an IO blocklisting "already voted", say, is counted once).
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audiences.voter_store import distinct_voter_count, reach_count
from campaigns.models import Campaign, CampaignAudience, TargetingList
from history.actors import SYSTEM
from history.models import HistoryAction
from history.services import history_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReachTarget:
    audience_id: int
    list_type: str
    version_id: int | None  # None while the audience's first version is still loading


@dataclass
class ReachFigures:
    reach: int | None  # None: nothing is allowlisted, every voter is targetable
    excluded: int | None
    breakdown: dict[str, int] = field(default_factory=dict)


def reach_basis(targets: Iterable[ReachTarget]) -> str:
    """What a campaign's reach depends on, as a stable string: ``a=audience:version,…;b=…``."""
    allow, block = [], []
    for t in sorted(targets, key=lambda t: (t.list_type, t.audience_id)):
        entry = f"{t.audience_id}:{t.version_id if t.version_id is not None else '-'}"
        (allow if t.list_type == TargetingList.ALLOWLIST else block).append(entry)
    if not allow and not block:
        return ""
    return f"a={','.join(allow)};b={','.join(block)}"


def campaign_reach_targets(*, campaign_ids: Sequence[int]) -> dict[int, list[ReachTarget]]:
    """Each campaign's targets with their audiences' current versions, in one query."""
    targets: dict[int, list[ReachTarget]] = {int(cid): [] for cid in campaign_ids}
    rows = CampaignAudience.objects.filter(campaign_id__in=targets).values_list(
        "campaign_id", "audience_id", "list_type", "audience__current_version_id"
    )
    for campaign_id, audience_id, list_type, version_id in rows:
        targets[campaign_id].append(ReachTarget(audience_id, list_type, version_id))
    return targets


def campaign_reach_is_current(campaign: Campaign, targets: Iterable[ReachTarget]) -> bool:
    basis = reach_basis(targets)
    if basis == "":
        return True  # no audience: every voter, nothing to compute
    return campaign.reach_computed_at is not None and campaign.reach_basis == basis


class ReachCounter:
    """Counts over sets of versions, each computed once (a version never changes once loaded)."""

    def __init__(self) -> None:
        self._counts: dict[tuple, int] = {}

    def reach(self, allow: set[int], block: set[int]) -> int:
        key = ("reach", tuple(sorted(allow)), tuple(sorted(block)))
        if key not in self._counts:
            self._counts[key] = reach_count(key[1], key[2])
        return self._counts[key]

    def distinct(self, versions: set[int]) -> int:
        key = ("distinct", tuple(sorted(versions)))
        if key not in self._counts:
            self._counts[key] = distinct_voter_count(key[1])
        return self._counts[key]


def reach_figures(targets: Sequence[ReachTarget], counter: ReachCounter | None = None) -> ReachFigures:
    """Reach, what the Blocklist keeps out, and each audience's own share, exactly.

    An audience's share is what leaving it out would change: the voters only it brings (Allowlist) or only
    it keeps out (Blocklist). Two audiences on the same members (a duplicate and its original) share all
    theirs, so each shows none of its own.
    """

    def versions(list_type: str, without: int | None = None) -> set[int]:
        return {
            t.version_id
            for t in targets
            if t.list_type == list_type and t.version_id is not None and t.audience_id != without
        }

    counter = counter or ReachCounter()
    allow, block = versions(TargetingList.ALLOWLIST), versions(TargetingList.BLOCKLIST)
    allowlisted = [t for t in targets if t.list_type == TargetingList.ALLOWLIST]
    breakdown: dict[str, int] = {}
    if not allowlisted:
        excluded = counter.distinct(block) if block else 0
        for t in targets:
            without = versions(TargetingList.BLOCKLIST, without=t.audience_id)
            breakdown[str(t.audience_id)] = excluded - (counter.distinct(without) if without else 0)
        return ReachFigures(reach=None, excluded=excluded, breakdown=breakdown)

    reach = counter.reach(allow, block) if allow else 0
    excluded = (counter.reach(allow, set()) - reach) if allow and block else 0
    for t in targets:
        if t.version_id is None:
            breakdown[str(t.audience_id)] = 0
        elif t.list_type == TargetingList.ALLOWLIST:
            rest = versions(TargetingList.ALLOWLIST, without=t.audience_id)
            breakdown[str(t.audience_id)] = reach - (counter.reach(rest, block) if rest else 0)
        else:
            rest = versions(TargetingList.BLOCKLIST, without=t.audience_id)
            breakdown[str(t.audience_id)] = (counter.reach(allow, rest) if allow else 0) - reach
    return ReachFigures(reach=reach, excluded=excluded, breakdown=breakdown)


def campaign_reach_refresh(*, campaign_id: int, counter: ReachCounter | None = None) -> bool:
    """Compute and store one campaign's reach; False when there was nothing to do.

    Idempotent: a campaign whose stored figures match its targeting is left alone. The figures are saved
    only if the targeting still matches what they were computed from, under the campaign's row lock (the
    lock the targeting service takes): a change made meanwhile has queued a refresh of its own.
    """
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    targets = campaign_reach_targets(campaign_ids=[campaign_id])[campaign_id]
    basis = reach_basis(targets)
    if campaign.reach_computed_at is not None and campaign.reach_basis == basis:
        return False
    figures = reach_figures(targets, counter) if basis else ReachFigures(reach=None, excluded=None)
    with transaction.atomic():
        before = Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("reach").first()
        if before is None:  # deleted meanwhile
            return False
        if reach_basis(campaign_reach_targets(campaign_ids=[campaign_id])[campaign_id]) != basis:
            return False
        if before[0] != figures.reach:
            history_record(
                organization_id=campaign.organization_id,
                actor=SYSTEM,
                action=HistoryAction.REACH_RECOMPUTED,
                campaign=campaign,
                details={"before": before[0], "after": figures.reach},
            )
        Campaign.objects.filter(pk=campaign_id).update(
            reach=figures.reach,
            reach_excluded=figures.excluded,
            reach_breakdown=figures.breakdown,
            reach_basis=basis,
            reach_computed_at=timezone.now(),
        )
    return True


def campaign_ids_needing_reach(*, campaign_ids: Iterable[int] | None = None) -> list[int]:
    """Campaigns whose stored reach does not match their targeting (all campaigns, or among these)."""
    campaigns = Campaign.objects.all()
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=list(campaign_ids))
    stale: list[int] = []
    batch = 2000
    rows = list(campaigns.order_by("pk").values_list("pk", "reach_basis", "reach_computed_at"))
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        targets = campaign_reach_targets(campaign_ids=[pk for pk, _, _ in chunk])
        for pk, stored, computed_at in chunk:
            basis = reach_basis(targets[pk])
            if basis != stored or (basis and computed_at is None):
                stale.append(pk)
    return stale


def campaign_reach_refresh_on_commit(
    *, campaign_ids: Iterable[int] = (), audience_ids: Iterable[int] = ()
) -> None:
    """Once the current transaction commits, queue reach refreshes for these campaigns, or for every
    campaign that targets these audiences.

    Never fails the caller: if the broker cannot take the task, the periodic sweep
    (``campaigns.refresh_stale_reach``) finds the campaigns whose reach no longer matches their targeting.
    """
    campaign_ids = sorted({int(c) for c in campaign_ids})
    audience_ids = sorted({int(a) for a in audience_ids})
    if not campaign_ids and not audience_ids:
        return

    def enqueue() -> None:
        from campaigns import tasks  # tasks import the services: imported late to keep the graph acyclic

        try:
            # One message whatever the number of campaigns: a worker splits a larger change into batches.
            if len(campaign_ids) > tasks.REACH_BATCH:
                tasks.refresh_reach_in_batches.delay(campaign_ids)
            elif campaign_ids:
                tasks.refresh_reach.delay(campaign_ids)
            if audience_ids:
                tasks.refresh_reach_for_audiences.delay(audience_ids)
        except Exception:  # the broker is unreachable: the sweep will catch up
            logger.warning("could not queue reach refreshes; the periodic sweep will", exc_info=True)

    transaction.on_commit(enqueue)
