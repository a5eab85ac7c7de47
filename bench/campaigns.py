"""Campaigns: the reach of a campaign with millions of voters against the floor of reading them, the
overlap of 3 of its audiences (Compare) against their reach, one request that adds an audience to every
campaign of an insertion order (10 campaigns against 1 000, in the same run), and the table pages
(bench/tables.py)."""

import datetime as dt
import gc
import json
import random
import statistics
import time
import warnings

from history.actors import SYSTEM

from .support import bench_database_url, percentile, recreate_database, row, setup_django, timed
from .tables import table_pages

POPULATION = 2_500_000  # the voters of a state the lists are drawn from, so that they overlap
ALLOW = [1_000_000] * 5
BLOCK = [500_000] * 2
# Bulk targeting: the sizes of IO compared, and requests at each (a campaign takes at most 20 audiences).
SIZES = (10, 1_000)
REQUESTS = 20
ROUNDS = 3
TARGETING = "/api/v1/campaigns/targeting/"
ENDPOINTS = ((TARGETING, "targeting"), ("/api/v1/audiences/add-to-campaigns/", "add-to-campaigns"))


def _load(organization, name: str, indexes: list[int]) -> tuple[object, float]:
    """An audience whose current version holds these voters, loaded and switched in as an ingest does.

    The index-th voter is LALOH followed by 100000000 + 7 × index (sparse, as L2's serials are); with IDs
    of one state and one length, its key is a fixed base plus 7 × index.
    """
    from audiences.models import Audience, AudienceStatus
    from audiences.services import audience_version_activate, audience_version_start
    from audiences.version_writer import VersionWriter
    from audiences.voter_keys import voter_key

    base = voter_key("LALOH100000000")
    audience = Audience.objects.create(
        organization=organization, name=name, l2_segment_name=name, status=AudienceStatus.PROCESSING
    )
    version = audience_version_start(audience=audience)
    writer = VersionWriter(version.pk)
    writer.begin()
    for start in range(0, len(indexes), 100_000):
        writer.append([base + 7 * i for i in indexes[start : start + 100_000]])
    started = time.perf_counter()
    writer.finish()  # commits the rows and builds the index on voter_key
    finish_seconds = time.perf_counter() - started
    audience_version_activate(
        actor=SYSTEM,
        version=version,
        writer=writer,
        figures={"voter_count": len(indexes), "household_count": None},
        origin={},
    )
    audience.refresh_from_db()
    return audience, finish_seconds


def _expected_reach(allow: list[list[int]], block: list[list[int]]) -> int:
    """The brute-force count, over indexes of the population."""
    flags = bytearray(POPULATION)
    for indexes in allow:
        for i in indexes:
            flags[i] = 1
    for indexes in block:
        for i in indexes:
            flags[i] = 0
    return sum(flags)


def reach_figures(organization) -> dict:
    from django.db import connection, transaction

    from audiences.voter_store import partition_name, reach_count
    from campaigns.models import TargetingList
    from campaigns.services import ReachTarget, reach_figures

    rng = random.Random(2026)
    allow_sets = [rng.sample(range(POPULATION), n) for n in ALLOW]
    block_sets = [rng.sample(range(POPULATION), n) for n in BLOCK]
    print(f"Loading {len(ALLOW)} + {len(BLOCK)} audiences ({sum(ALLOW) + sum(BLOCK):,} voters) …", flush=True)
    allowed, blocked, index_seconds = [], [], []
    for n, indexes in enumerate(allow_sets, 1):
        audience, seconds = _load(organization, f"Allow {n}", indexes)
        allowed.append(audience)
        index_seconds.append(seconds)
    for n, indexes in enumerate(block_sets, 1):
        audience, seconds = _load(organization, f"Block {n}", indexes)
        blocked.append(audience)
    allow_versions = [a.current_version_id for a in allowed]
    block_versions = [a.current_version_id for a in blocked]
    versions = allow_versions + block_versions

    def floor():
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(versions))
            cursor.execute(
                f"SELECT count(*) FROM audiences_member WHERE version_id IN ({placeholders})", versions
            )
            assert cursor.fetchone()[0] == sum(ALLOW) + sum(BLOCK)

    counts: list[int] = []

    def reach():
        counts.append(reach_count(allow_versions, block_versions))

    def key_order():
        # The same rows read as reach reads them, in key order through each version's index, but counted
        # as they come, not merged: what reading in order costs before any merging.
        union = " UNION ALL ".join(f"SELECT voter_key FROM {partition_name(v)}" for v in versions)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off"
            )
            cursor.execute(f"SELECT count(*) FROM ({union}) AS u")
            assert cursor.fetchone()[0] == sum(ALLOW) + sum(BLOCK)

    floor(), reach(), key_order()  # warm the cache: all are measured reading from memory
    a, _ = timed(floor, repeat=5)
    b, runs = timed(reach, repeat=5)
    c, _ = timed(key_order, repeat=5)
    expected = _expected_reach(allow_sets, block_sets)
    if set(counts) != {expected}:
        raise SystemExit(f"Reach is wrong: {set(counts)} instead of {expected}")

    targets = [ReachTarget(x.pk, TargetingList.ALLOWLIST, x.current_version_id) for x in allowed] + [
        ReachTarget(x.pk, TargetingList.BLOCKLIST, x.current_version_id) for x in blocked
    ]
    started = time.perf_counter()
    figures = reach_figures(targets)
    breakdown_seconds = time.perf_counter() - started
    assert figures.reach == expected

    print(
        f"\nCampaigns — reach of {len(ALLOW)} × {ALLOW[0]:,} allowlisted and {len(BLOCK)} × {BLOCK[0]:,} "
        f"blocklisted voters drawn from {POPULATION:,} (they overlap)"
    )
    print(row("(a) count(*) of the seven versions' rows", f"{a:.3f} s", "median of 5: the floor"))
    print(
        row(
            "(b) reach: allowlist union minus blocklist union",
            f"{b:.3f} s",
            f"median of 5; {expected:,} voters, checked",
        )
    )
    print(row("    ratio b/a", f"{b / a:.2f}", "target ≤ 1.5"))
    print(row("    slowest of the 5", f"{max(runs):.3f} s"))
    print(row("(c) the same rows in key order, not merged", f"{c:.3f} s", f"median of 5; c/a {c / a:.2f}"))
    print(
        row(
            "    reach + each audience's own share (9 counts)",
            f"{breakdown_seconds:.2f} s",
            "what the worker stores",
        )
    )
    print(
        row(
            "    index on voter_key when a 1M version loads",
            f"{statistics.median(index_seconds):.2f} s",
            "median of 5, paid by the ingest",
        )
    )
    return {
        "floor": a,
        "reach": b,
        "ratio": b / a,
        "key_order": c,
        "voters": expected,
        "breakdown_seconds": breakdown_seconds,
        **overlap_figures(allowed[:3], allow_sets[:3]),
    }


def _expected_regions(sets: list[list[int]]) -> dict[int, int]:
    """The brute-force regions, over indexes of the population: voters by the mask of the sets they are in."""
    masks = bytearray(POPULATION)
    for bit, indexes in enumerate(sets):
        for i in indexes:
            masks[i] |= 1 << bit
    return {mask: masks.count(mask) for mask in range(1, 1 << len(sets))}


def _grouped_by_voter(versions: list[int]) -> dict[int, int]:
    """What was left aside for Compare: one pass over the versions, as reach reads them (in its key ranges,
    side by side), each row tagged with its version's bit and grouped by voter (bit_or of the tags), each
    mask then counted with a FILTER."""
    from django.db import connection, transaction

    from audiences.voter_store import (
        _attached_rows,
        _key_range_condition,
        _key_ranges,
        _merged_fetch,
        partition_name,
    )

    masks = range(1, 1 << len(versions))
    tagged = " UNION ALL ".join(
        f"SELECT voter_key, {1 << bit} AS m FROM {partition_name(v)}" for bit, v in enumerate(versions)
    )
    counts = ", ".join(f"count(*) FILTER (WHERE g.m = {mask}) AS n{mask}" for mask in masks)
    with transaction.atomic(), connection.cursor() as cursor:
        parts, params = [], []
        for low, high in _key_ranges(cursor, sorted(versions), _attached_rows(cursor, versions)):
            condition, bounds = _key_range_condition("u", low, high)
            where = f" WHERE {condition}" if condition else ""
            grouped = f"SELECT u.voter_key, bit_or(u.m) AS m FROM ({tagged}) AS u{where} GROUP BY u.voter_key"
            parts.append(f"SELECT {counts} FROM ({grouped}) AS g")
            params.extend(bounds)
        sums = ", ".join(f"sum(n{mask})" for mask in masks)
        union = " UNION ALL ".join(f"({part})" for part in parts)
        row = _merged_fetch(cursor, f"SELECT {sums} FROM ({union}) AS r", params)
    return dict(zip(masks, map(int, row), strict=True))


def overlap_figures(audiences: list, sets: list[list[int]]) -> dict:
    """Compare's count over 3 (and 2) audiences of 1 M voters against the reach of the same audiences: the
    count of their union, and the figures the worker stores for a campaign that allowlists them (reach and
    each audience's own share, which the overlap's regions also give).

    They take turns, run by run, so that whatever else the machine does weighs on all alike. Beside them,
    what was left aside (_grouped_by_voter).
    """
    from audiences.voter_store import overlap_counts, reach_count
    from campaigns.models import TargetingList
    from campaigns.services import ReachTarget, reach_figures

    expected = _expected_regions(sets)
    print(f"\nCampaigns — Compare: the overlap of audiences of {len(sets[0]):,} voters against their reach")
    figures: dict = {}
    for count in (3, 2):
        chosen = [a.current_version_id for a in audiences[:count]]
        targets = [
            ReachTarget(a.pk, TargetingList.ALLOWLIST, a.current_version_id) for a in audiences[:count]
        ]
        if count == len(sets):
            for name, regions in (
                ("Overlap", overlap_counts(chosen)),
                ("The grouped pass", _grouped_by_voter(chosen)),
            ):
                if regions != expected:
                    raise SystemExit(f"{name} is wrong: {regions} instead of {expected}")
        runs: dict = {"reach": [], "overlap": [], "stored": [], "grouped": []}
        for _ in range(5):
            for name, fn in (
                ("reach", lambda chosen=chosen: reach_count(chosen, [])),
                ("overlap", lambda chosen=chosen: overlap_counts(chosen)),
                ("stored", lambda targets=targets: reach_figures(targets)),
                ("grouped", lambda chosen=chosen: _grouped_by_voter(chosen)),
            ):
                started = time.perf_counter()
                fn()
                runs[name].append(time.perf_counter() - started)
        reach, overlap, stored, grouped = (
            statistics.median(runs[n]) for n in ("reach", "overlap", "stored", "grouped")
        )
        checked = "; every region checked" if count == len(sets) else ""
        print(row(f"(d) reach of {count} audiences: their union", f"{reach:.3f} s", "median of 5"))
        print(
            row(f"(e) overlap of the same {count}: every region", f"{overlap:.3f} s", f"median of 5{checked}")
        )
        print(row("    ratio e/d", f"{overlap / reach:.2f}", "target ≤ 1"))
        print(
            row(
                f"(f) reach + each one's own share ({1 + count} counts)",
                f"{stored:.3f} s",
                f"median of 5; ratio e/f {overlap / stored:.2f}",
            )
        )
        print(
            row("    left aside: one pass grouped by voter", f"{grouped:.3f} s", f"{grouped / reach:.2f} × d")
        )
        figures[f"overlap_{count}"] = {
            "reach": reach,
            "overlap": overlap,
            "ratio": overlap / reach,
            "reach_and_shares": stored,
            "grouped": grouped,
        }
    return figures


def bulk_targeting(organization, user) -> dict:
    """One audience onto every campaign of an IO, at 10 and at 1 000 campaigns in the same run.

    The two sizes take turns, request by request, so that whatever else the machine does weighs on both
    alike: what is compared is how the cost grows with the campaigns, not this machine's speed. A campaign
    takes at most 20 audiences, one per request: each endpoint and each round gets IOs of its own, so every
    series goes through campaigns holding 0 to 19 audiences, ROUNDS times.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from audiences.models import Audience, AudienceStatus
    from campaigns.models import Campaign, CampaignStatus, InsertionOrder

    today = dt.date.today()

    def insertion_order(name: str, campaigns: int) -> InsertionOrder:
        io = InsertionOrder.objects.create(
            organization=organization,
            name=name,
            start_date=today,
            end_date=today + dt.timedelta(days=90),
            budget_total=1_000_000,
        )
        Campaign.objects.bulk_create(
            Campaign(
                organization=organization,
                insertion_order=io,
                name=f"{name} – campaign {n:04d}",
                status=CampaignStatus.RUNNING,
                start_date=io.start_date,
                end_date=io.end_date,
            )
            for n in range(campaigns)
        )
        return io

    audiences = iter(
        Audience.objects.bulk_create(
            Audience(organization=organization, name=f"Daily list {n:03d}", status=AudienceStatus.READY)
            for n in range(ROUNDS * len(ENDPOINTS) * len(SIZES) * REQUESTS + 1)
        )
    )
    client = Client()
    client.force_login(user)

    def post(url: str, io, audience, campaigns: int) -> tuple[float, int]:
        payload = (
            {"insertion_order_ids": [io.pk], "blocklist": [audience.pk]}
            if url == TARGETING
            else {"insertion_order_ids": [io.pk], "audience_ids": [audience.pk], "list": "blocklist"}
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(url, json.dumps(payload), content_type="application/json")
            seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"The request was refused: {response.status_code} {response.content[:500]!r}")
        applied = sum(len(r["applied"]) for r in response.json()["results"])
        if applied != campaigns:
            raise SystemExit(f"Expected {campaigns} additions, got {applied}")
        return seconds, len(queries.captured_queries)

    post(TARGETING, insertion_order("Warm-up IO", SIZES[0]), next(audiences), SIZES[0])  # first-request costs
    series = [(url, size) for url, _ in ENDPOINTS for size in SIZES]
    seconds: dict = {key: [] for key in series}
    queries: dict = {key: set() for key in series}
    first_round_ios = {}
    for round_number in range(ROUNDS):
        ios = {
            (url, size): insertion_order(f"{url} round {round_number} IO of {size}", size)
            for url, size in series
        }
        first_round_ios = first_round_ios or ios
        # The bench made these campaigns in this process; a web process never holds them. Frozen as the web
        # process freezes what its start-up made (iqm_portal/wsgi.py), they stay out of full collections.
        gc.collect()
        gc.freeze()
        for _ in range(REQUESTS):
            for (url, size), io in ios.items():
                took, count = post(url, io, next(audiences), size)
                seconds[url, size].append(took)
                queries[url, size].add(count)

    small, big = SIZES
    print(
        f"\nCampaigns — one request adds one audience to every campaign of an IO: {small} and {big:,} campaigns,"
        f" {ROUNDS * REQUESTS} requests each, the sizes taking turns"
    )
    figures: dict = {}
    for url, label in ENDPOINTS:
        p95 = {size: percentile(seconds[url, size], 95) for size in SIZES}
        median = {size: statistics.median(seconds[url, size]) for size in SIZES}
        for size in SIZES:
            print(
                row(
                    f"POST {url}, {size:,} campaigns",
                    f"p95 {p95[size] * 1000:.0f} ms",
                    f"median {median[size] * 1000:.0f} ms",
                )
            )
        ratio = p95[big] / p95[small]
        print(
            row(
                f"    ratio p95 at {big:,} / p95 at {small}",
                f"{ratio:.2f}",
                f"target ≤ 3; medians' ratio {median[big] / median[small]:.2f}",
            )
        )
        constant = len(queries[url, small] | queries[url, big]) == 1
        print(
            row(
                "    queries per request",
                "constant" if constant else "NOT constant",
                f"{sorted(queries[url, small])} at {small}, {sorted(queries[url, big])} at {big:,}",
            )
        )
        figures[label] = {
            "p95_small": p95[small],
            "p95_big": p95[big],
            "ratio": ratio,
            "median_ratio": median[big] / median[small],
            "queries_small": sorted(queries[url, small]),
            "queries_big": sorted(queries[url, big]),
            "constant": constant,
        }
    # The table pages show this IO: each of its campaigns now holds 20 audiences.
    figures["big_io_id"] = first_round_ios[TARGETING, big].pk
    return figures


def run() -> dict:
    # Static files are served from the app folders here; nothing was collected into STATIC_ROOT.
    warnings.filterwarnings("ignore", "No directory at")
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)

    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization, Role
    from iqm_portal.celery import app

    app.control.purge()  # reach refreshes queued while loading: no worker runs here
    organization = Organization.objects.create(account_id=123456, name="Bench")
    user = get_user_model().objects.create_user("bench", password=None)
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    try:
        figures = reach_figures(organization)
        figures.update(bulk_targeting(organization, user))
        figures.update(table_pages(big_io=(user, figures["big_io_id"])))
    finally:
        app.control.purge()
    return figures
