"""The Audiences table page and list endpoint with 10 000 audiences and 2 000 campaigns in an organization."""

import random
import statistics
import time

from .support import bench_database_url, percentile, recreate_database, row, setup_django

AUDIENCES = 10_000
CAMPAIGNS = 2_000
REQUESTS = 60
SEARCH = "ohio"  # in about half of the names: a full page of 50 still matches


def _populate():
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization, Role
    from audiences.models import Audience, AudienceStatus
    from campaigns.models import Campaign, CampaignAudience, InsertionOrder
    from campaigns.services.usage import audience_usage_recount

    rng = random.Random(7)
    organization = Organization.objects.create(account_id=123456, name="Bench")
    other = Organization.objects.create(account_id=654321, name="Other")
    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    places = ["Ohio", "Franklin", "Cuyahoga", "Hamilton", "Summit", "Lucas"]
    audiences = [
        Audience(
            organization=organization if i % 10 else other,  # a tenth belongs to another organization
            name=f"{rng.choice(places)} {rng.choice(['GOTV', 'Persuasion', 'Voted early', 'Renters'])} {i:05d}",
            l2_segment_name=f"segment-{i}",
            status=rng.choice(
                [AudienceStatus.READY] * 8 + [AudienceStatus.PROCESSING, AudienceStatus.FAILED]
            ),
            voter_count=rng.randrange(1_000, 2_000_000),
            household_count=rng.randrange(500, 1_000_000),
            data_cpm=Decimal("1.25"),
        )
        for i in range(int(AUDIENCES / 0.9))
    ]
    Audience.objects.bulk_create(audiences, batch_size=2000)
    today = dt.date.today()
    ios = InsertionOrder.objects.bulk_create(
        InsertionOrder(
            organization=organization, name=f"IO {i}", start_date=today, end_date=today + dt.timedelta(days=90),
            budget_total=Decimal("10000"),
        )
        for i in range(20)
    )  # fmt: skip
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            organization=organization, insertion_order=ios[i % 20], name=f"Campaign {i:04d}",
            start_date=today, end_date=today + dt.timedelta(days=90),
        )
        for i in range(CAMPAIGNS)
    )  # fmt: skip
    own = list(Audience.objects.filter(organization=organization).values_list("pk", flat=True))
    targets = []
    for campaign in campaigns:
        for index, audience_id in enumerate(rng.sample(own, 5)):
            targets.append(
                CampaignAudience(
                    campaign=campaign,
                    audience_id=audience_id,
                    list_type="blocklist" if index == 4 else "allowlist",
                )
            )
    CampaignAudience.objects.bulk_create(targets, batch_size=5000)
    audience_usage_recount(audience_ids=own)  # what the targeting services keep, done once in bulk
    return user


def _measure(client, url: str) -> tuple[list[float], set[int], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, query_counts = [], set()
    rows = 0
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        query_counts.add(len(queries))
        is_json = response["Content-Type"].startswith("application/json")
        rows = len(response.json()["results"]) if is_json else response.content.count(b'<tr id="audience-')
    return times[5:], query_counts, rows  # the first requests warm caches


def run() -> dict:
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # pages render as in production
    user = _populate()
    client = Client()
    client.force_login(user)
    figures = {}
    print(
        f"\nAudiences — {AUDIENCES:,} audiences and {CAMPAIGNS:,} campaigns in the organization; page of 50, sorted by created, search “{SEARCH}”"
    )
    for label, url in [
        ("table page (GET /audiences/)", f"/audiences/?sort=-created&q={SEARCH}"),
        (
            "list endpoint (GET /api/v1/audiences/)",
            f"/api/v1/audiences/?ordering=-created&search={SEARCH}&page_size=50",
        ),
    ]:
        times, counts, rows = _measure(client, url)
        _, narrow_counts, narrow_rows = _measure(client, url.replace(SEARCH, "00042"))
        median, p95 = statistics.median(times) * 1000, percentile(times, 95) * 1000
        constant = counts == narrow_counts
        print(row(label, f"median {median:.1f} ms", f"p95 {p95:.1f} ms (target ≤ 100 ms)"))
        print(
            row(
                "    queries per request",
                f"{min(counts)}–{max(counts)}",
                f"{'constant' if constant else 'NOT constant'}: {rows} rows and {narrow_rows} rows both take {sorted(counts | narrow_counts)}",
            )
        )
        figures[label] = {"median_ms": median, "p95_ms": p95, "queries": sorted(counts), "constant": constant}
    return figures
