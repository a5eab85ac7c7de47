from celery import shared_task
from django.db import OperationalError

from audiences.models import Audience
from audiences.voter_store import VersionMissing

from .selectors import campaign_ids_targeting
from .services.reach import ReachCounter, campaign_ids_needing_reach, campaign_reach_refresh
from .services.reach_moved import reach_moved_notify, reach_moved_pending, running_reach_snapshot

# Campaigns per refresh task: a popular audience's refresh fans out over several workers.
REACH_BATCH = 100


@shared_task(
    name="campaigns.refresh_reach",
    queue="default",
    autoretry_for=(VersionMissing, OperationalError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def refresh_reach(campaign_ids: list[int]) -> int:
    """Recompute the reach of these campaigns; those already up to date are skipped, so repeats are free.

    VersionMissing: an audience switched versions (and the old one was pruned) while we read; the retry
    reads the current versions again.
    """
    counter = ReachCounter()  # campaigns with the same audiences are counted once
    return sum(campaign_reach_refresh(campaign_id=cid, counter=counter) for cid in campaign_ids)


@shared_task(name="campaigns.refresh_reach_in_batches", queue="default")
def refresh_reach_in_batches(campaign_ids: list[int]) -> int:
    """A change to more campaigns than one batch (every campaign of a large IO): queue their refreshes in
    batches from here, so that the request that made the change sends one message, not one per batch."""
    for start in range(0, len(campaign_ids), REACH_BATCH):
        refresh_reach.delay(campaign_ids[start : start + REACH_BATCH])
    return len(campaign_ids)


@shared_task(name="campaigns.refresh_reach_for_audiences", queue="default")
def refresh_reach_for_audiences(audience_ids: list[int]) -> int:
    """An audience switched to a new version: refresh every campaign that targets it, in batches, then tell
    the organization which running campaigns' reach moved (one notice for the refresh)."""
    campaign_ids = campaign_ids_targeting(audience_ids=audience_ids)
    before = running_reach_snapshot(campaign_ids=campaign_ids)
    for start in range(0, len(campaign_ids), REACH_BATCH):
        refresh_reach.delay(campaign_ids[start : start + REACH_BATCH])
    if before:
        names = sorted(Audience.objects.filter(pk__in=audience_ids).values_list("name", flat=True))
        notify_reach_moved.apply_async(args=[names, before], countdown=REACH_MOVED_FIRST_LOOK_SECONDS)
    return len(campaign_ids)


REACH_MOVED_FIRST_LOOK_SECONDS = 5
REACH_MOVED_LOOK_EVERY_SECONDS = 10


@shared_task(name="campaigns.notify_reach_moved", queue="default", bind=True, max_retries=90)
def notify_reach_moved(self, audience_names: list[str], before: dict[str, int]) -> int:
    """Once the refresh's campaigns all have their new reach (or after 15 minutes of waiting, with what
    there is), send the notice of those whose reach moved."""
    if reach_moved_pending(before=before) and self.request.retries < self.max_retries:
        raise self.retry(countdown=REACH_MOVED_LOOK_EVERY_SECONDS)
    return reach_moved_notify(audience_names=audience_names, before=before)


@shared_task(name="campaigns.refresh_stale_reach", queue="default")
def refresh_stale_reach() -> int:
    """Beat: queue refreshes for campaigns whose reach no longer matches their targeting (a lost task)."""
    stale = campaign_ids_needing_reach()
    for start in range(0, len(stale), REACH_BATCH):
        refresh_reach.delay(stale[start : start + REACH_BATCH])
    return len(stale)
