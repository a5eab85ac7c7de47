"""Reach: exact targetable voters, against a brute-force count in Python, and how it is kept up to date."""

import itertools
import re

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiences import voter_store
from audiences.models import AudienceStatus
from campaigns.models import TargetingList
from campaigns.services import (
    ReachTarget,
    campaign_reach_refresh,
    campaign_targeting_update,
    reach_basis,
    reach_figures,
)
from campaigns.services.reach import campaign_ids_needing_reach
from campaigns.tasks import REACH_BATCH, refresh_reach, refresh_reach_in_batches, refresh_stale_reach
from history.actors import SYSTEM
from tests.campaigns.conftest import load_members
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# Small voter keys from one state: lists overlap a lot, as real ones do.
member_sets = st.sets(st.integers(min_value=1, max_value=80), max_size=50)


def brute_force(allow: list[set[int]], block: list[set[int]]) -> dict:
    union = set().union(*allow) if allow else set()
    blocked = set().union(*block) if block else set()
    reach = len(union - blocked)
    return {"reach": reach, "excluded": len(union & blocked), "blocked": len(blocked)}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    allow=st.lists(member_sets, max_size=4),
    block=st.lists(member_sets, max_size=3),
    split=st.booleans(),
)
def test_reach_is_exactly_the_allowlist_union_minus_the_blocklist_union(db, monkeypatch, allow, block, split):
    # Cut the key space into ranges even for these few rows, as for millions, half of the time.
    monkeypatch.setattr(voter_store, "REACH_SPLIT_ABOVE_ROWS", 0 if split else 10**12)
    organization = OrganizationFactory()
    targets = []
    for list_type, sets in ((TargetingList.ALLOWLIST, allow), (TargetingList.BLOCKLIST, block)):
        for keys in sets:
            audience = AudienceFactory(organization=organization)
            load_members(audience, keys)
            targets.append(ReachTarget(audience.pk, list_type, audience.current_version_id))

    figures = reach_figures(targets)
    expected = brute_force(allow, block)

    if allow:
        assert figures.reach == expected["reach"]
        assert figures.excluded == expected["excluded"]
        assert (
            voter_store.reach_count(
                [t.version_id for t in targets if t.list_type == TargetingList.ALLOWLIST],
                [t.version_id for t in targets if t.list_type == TargetingList.BLOCKLIST],
            )
            == expected["reach"]
        )
    else:
        # Nothing allowlisted: every voter but the blocklisted ones, which is not a count we invent.
        assert figures.reach is None
        assert figures.excluded == expected["blocked"]
    # Each audience's own share is what leaving it out would change.
    for index, target in enumerate(targets):
        rest_allow = [s for i, s in enumerate(allow) if i != index]
        rest_block = [s for i, s in enumerate(block) if i + len(allow) != index]
        if not allow:
            share = expected["blocked"] - brute_force([], rest_block)["blocked"]
        elif target.list_type == TargetingList.ALLOWLIST:
            share = expected["reach"] - brute_force(rest_allow, block)["reach"]
        else:
            share = brute_force(allow, rest_block)["reach"] - expected["reach"]
        assert figures.breakdown[str(target.audience_id)] == share


def test_a_large_count_is_cut_into_key_ranges_holding_about_equal_rows(org_a, monkeypatch):
    # Rows bunched at both ends of the key space and sparse between: cuts spaced by key value would leave
    # nearly every row in the first and last ranges.
    monkeypatch.setattr(voter_store, "REACH_SPLIT_ABOVE_ROWS", 0)
    low_keys = list(range(1, 1201))
    high_keys = [*range(10**9, 10**9 + 2400), *range(5_000, 10**9, 10**7)]
    low, high = AudienceFactory.create_batch(2, organization=org_a)
    load_members(low, low_keys)
    load_members(high, high_keys)
    versions = [low.current_version_id, high.current_version_id]

    with connection.cursor() as cursor:
        ranges = voter_store._key_ranges(cursor, versions, voter_store._attached_rows(cursor, versions))

    assert len(ranges) == voter_store.REACH_KEY_RANGES
    assert ranges[0][0] is None and ranges[-1][1] is None
    assert all(before[1] == after[0] for before, after in itertools.pairwise(ranges))
    keys = low_keys + high_keys
    share = len(keys) / len(ranges)
    for start, end in ranges:
        held = sum(1 for k in keys if (start is None or k >= start) and (end is None or k < end))
        assert 0.8 * share <= held <= 1.2 * share


def _plan_nodes(sql: str, params: list[int]) -> set[str]:
    with transaction.atomic(), connection.cursor() as cursor, voter_store._merge_plan(cursor):
        cursor.execute("EXPLAIN (COSTS OFF) " + sql, params)
        lines = [row[0].strip() for row in cursor.fetchall()]
    nodes = [lines[0], *(line.removeprefix("->").strip() for line in lines if line.startswith("->"))]
    return {re.split(r" using | on ", node)[0] for node in nodes}


def test_reach_is_planned_as_merges_of_index_ordered_reads(org_a):
    allowed = AudienceFactory.create_batch(2, organization=org_a)
    blocked = AudienceFactory.create_batch(2, organization=org_a)
    for audience, keys in zip(
        allowed + blocked, (range(1, 80), range(40, 120), range(60, 70), range(100, 130)), strict=True
    ):
        load_members(audience, keys)
    allow = [a.current_version_id for a in allowed]
    block = [a.current_version_id for a in blocked]

    for ranges in ([(None, None)], [(None, 50), (50, 90), (90, None)]):
        nodes = _plan_nodes(*voter_store._merged_count_query(allow, block, ranges))
        assert {"Merge Append", "Group", "Merge Anti Join", "Index Only Scan"} <= nodes, nodes
        assert not nodes & {"Sort", "HashAggregate", "Hash Anti Join", "Nested Loop Anti Join", "Seq Scan"}, (
            nodes
        )


def test_the_settings_that_shape_the_plan_end_with_the_count(org_a):
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 4))
    names = list(voter_store.MERGE_PLAN_SETTINGS)

    def settings() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            return cursor.fetchone()

    before = settings()
    assert before != tuple(voter_store.MERGE_PLAN_SETTINGS.values())
    assert voter_store.reach_count([audience.current_version_id], []) == 3
    assert settings() == before


def test_a_duplicate_shares_its_originals_members_and_neither_counts_twice(org_a):
    from audiences.services import audience_duplicate

    original = AudienceFactory(organization=org_a)
    load_members(original, range(1, 11))
    copy = audience_duplicate(actor=SYSTEM, audience=original)
    targets = [
        ReachTarget(original.pk, TargetingList.ALLOWLIST, original.current_version_id),
        ReachTarget(copy.pk, TargetingList.ALLOWLIST, copy.current_version_id),
    ]
    figures = reach_figures(targets)
    assert figures.reach == 10
    assert figures.breakdown == {str(original.pk): 0, str(copy.pk): 0}


def test_an_audience_still_loading_counts_for_nothing_yet(org_a):
    loaded = AudienceFactory(organization=org_a)
    load_members(loaded, range(1, 6))
    loading = AudienceFactory(organization=org_a, status=AudienceStatus.PROCESSING)
    targets = [
        ReachTarget(loaded.pk, TargetingList.ALLOWLIST, loaded.current_version_id),
        ReachTarget(loading.pk, TargetingList.ALLOWLIST, None),
    ]
    figures = reach_figures(targets)
    assert figures.reach == 5 and figures.breakdown[str(loading.pk)] == 0


def test_the_basis_names_each_audience_and_its_version_and_ignores_order():
    a = ReachTarget(1, TargetingList.ALLOWLIST, 10)
    b = ReachTarget(2, TargetingList.BLOCKLIST, None)
    assert reach_basis([b, a]) == reach_basis([a, b]) == "a=1:10;b=2:-"
    assert reach_basis([]) == ""


def test_a_refresh_stores_the_figures_and_a_second_one_does_nothing(org_a, django_assert_max_num_queries):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    allowed, blocked = AudienceFactory.create_batch(2, organization=org_a)
    load_members(allowed, range(1, 101))
    load_members(blocked, range(51, 61))
    campaign_targeting_update(
        actor=SYSTEM,
        organization=org_a,
        campaign_ids=[campaign.pk],
        allowlist=[allowed.pk],
        blocklist=[blocked.pk],
    )

    assert campaign_reach_refresh(campaign_id=campaign.pk) is True

    campaign.refresh_from_db()
    assert (campaign.reach, campaign.reach_excluded) == (90, 10)
    assert campaign.reach_breakdown == {str(allowed.pk): 90, str(blocked.pk): 10}
    assert campaign.reach_computed_at is not None
    with django_assert_max_num_queries(2):
        assert campaign_reach_refresh(campaign_id=campaign.pk) is False


def test_a_new_version_of_an_audience_makes_the_stored_reach_stale_until_refreshed(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 11))
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    refresh_reach([campaign.pk])
    assert campaign_ids_needing_reach() == []

    load_members(audience, range(1, 31))

    assert campaign_ids_needing_reach() == [campaign.pk]
    refresh_reach([campaign.pk])
    campaign.refresh_from_db()
    assert campaign.reach == 30


def test_removing_every_audience_means_every_voter_again(org_a):
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 11))
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
    )
    refresh_reach([campaign.pk])
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], remove=[audience.pk]
    )

    refresh_reach([campaign.pk])

    campaign.refresh_from_db()
    assert campaign.reach is None and campaign.reach_basis == "" and campaign.reach_breakdown == {}


def test_targeting_changes_queue_a_refresh_of_the_changed_campaigns_once_committed(
    org_a, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(refresh_reach, "delay", lambda ids: queued.append(ids))
    changed, untouched = CampaignFactory.create_batch(2, insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[untouched.pk], allowlist=[audience.pk]
    )

    with django_capture_on_commit_callbacks(execute=True):
        campaign_targeting_update(
            actor=SYSTEM, organization=org_a, campaign_ids=[changed.pk, untouched.pk], allowlist=[audience.pk]
        )

    assert queued == [[changed.pk]]  # the other one already had it: nothing to recompute


def test_a_change_to_many_campaigns_sends_one_message_that_the_worker_splits_into_batches(
    org_a, django_capture_on_commit_callbacks, monkeypatch, eager_tasks
):
    batches, messages = [], []
    monkeypatch.setattr(refresh_reach, "delay", lambda ids: batches.append(ids))
    fan_out = refresh_reach_in_batches.delay
    monkeypatch.setattr(refresh_reach_in_batches, "delay", lambda ids: (messages.append(ids), fan_out(ids)))
    io = InsertionOrderFactory(organization=org_a)
    campaigns = CampaignFactory.create_batch(2 * REACH_BATCH + 1, insertion_order=io)
    audience = AudienceFactory(organization=org_a)

    with django_capture_on_commit_callbacks(execute=True):
        campaign_targeting_update(
            actor=SYSTEM, organization=org_a, insertion_order_ids=[io.pk], blocklist=[audience.pk]
        )

    ids = sorted(c.pk for c in campaigns)
    assert messages == [ids]  # the request sent one message…
    assert batches == [ids[:REACH_BATCH], ids[REACH_BATCH : 2 * REACH_BATCH], ids[2 * REACH_BATCH :]]


def test_a_new_audience_version_queues_a_refresh_of_the_campaigns_using_it(
    org_a, django_capture_on_commit_callbacks, monkeypatch, eager_tasks
):
    refreshed = []
    monkeypatch.setattr(refresh_reach, "delay", lambda ids: refreshed.append(ids))
    audience, other = AudienceFactory.create_batch(2, organization=org_a)
    using = CampaignFactory(insertion_order__organization=org_a)
    CampaignFactory(insertion_order__organization=org_a)  # targets nothing
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[using.pk], blocklist=[audience.pk]
    )

    with django_capture_on_commit_callbacks(execute=True):
        load_members(audience, range(1, 4))
        load_members(other, range(1, 4))

    assert refreshed == [[using.pk]]


def test_a_broker_that_is_down_never_fails_the_change(org_a, django_capture_on_commit_callbacks, monkeypatch):
    def down(ids):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(refresh_reach, "delay", down)
    campaign = CampaignFactory(insertion_order__organization=org_a)
    audience = AudienceFactory(organization=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        [result] = campaign_targeting_update(
            actor=SYSTEM, organization=org_a, campaign_ids=[campaign.pk], allowlist=[audience.pk]
        )
    assert result.ok


def test_the_sweep_queues_what_a_lost_task_left_stale(org_a, monkeypatch):
    queued = []
    monkeypatch.setattr(refresh_reach, "delay", lambda ids: queued.append(ids))
    stale = CampaignFactory(insertion_order__organization=org_a)
    CampaignFactory(insertion_order__organization=org_a)  # no audience: nothing to compute
    audience = AudienceFactory(organization=org_a)
    campaign_targeting_update(
        actor=SYSTEM, organization=org_a, campaign_ids=[stale.pk], allowlist=[audience.pk]
    )

    assert refresh_stale_reach() == 1
    assert queued == [[stale.pk]]


@pytest.mark.django_db(transaction=True)  # pruning detaches CONCURRENTLY: outside any transaction
def test_a_pruned_version_is_reported_so_the_task_retries_with_the_current_ones(org_a):
    audience = AudienceFactory(organization=org_a)
    load_members(audience, range(1, 4))
    kept = AudienceFactory(organization=org_a)
    load_members(kept, range(2, 6))
    gone = audience.current_version_id
    voter_store.discard_version_rows(gone)

    with pytest.raises(voter_store.VersionMissing):
        voter_store.reach_count([kept.current_version_id], [gone])
    assert voter_store.reach_count([kept.current_version_id], []) == 4
