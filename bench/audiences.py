"""The Segmented Audience page and the audiences list endpoint, at 100 and at 10 000 audiences in the same run.

Two organizations share the database: one with 100 audiences (and 20 campaigns), one with 10 000 (and 2 000
campaigns), beside a third whose audiences neither may see. Each URL is asked of both in turn, request by
request, so that whatever else the machine does weighs on both alike: what is compared is how a page's cost
grows with the organization's audiences (p95 at 10 000 ÷ p95 at 100, target ≤ 1.5), not this machine's
speed. Every page shown is a full one of 50 rows at either size.
"""

import statistics
import time

from .support import bench_database_url, percentile, recreate_database, row, setup_django

SIZES = (100, 10_000)
CAMPAIGNS_PER_AUDIENCE = 0.2  # 20 campaigns at 100 audiences, 2 000 at 10 000
OTHERS = 1_000  # audiences of an organization neither bench user belongs to
REQUESTS = 60
WARM = 10  # the first requests of each URL warm caches and are left out
SEARCH = "ohio"  # in every other name: a full page of 50 matches at either size
PLACES = ["Franklin", "Cuyahoga", "Hamilton", "Summit", "Lucas"]
URLS = [
    ("page, as it opens (GET /audiences/)", "/audiences/"),
    ("page, a search", f"/audiences/?sort=-created&q={SEARCH}"),
    ("page, sorted by name, Ready only", "/audiences/?sort=name&status=ready"),
    ("API, as it opens (GET /api/v1/audiences/)", "/api/v1/audiences/?page_size=50"),
    ("API, a search", f"/api/v1/audiences/?ordering=-created&search={SEARCH}&page_size=50"),
    ("API, sorted by name, Ready only", "/api/v1/audiences/?ordering=name&status=ready&page_size=50"),
]


def _organization(account_id: int, name: str, audiences: int, rng, *, member: bool = True):
    """An organization with this many audiences, its campaigns targeting five each; and its user."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization, Role
    from audiences.models import Audience, AudienceStatus
    from campaigns.models import Campaign, CampaignAudience, InsertionOrder
    from campaigns.services.usage import audience_usage_recount

    organization = Organization.objects.create(account_id=account_id, name=name)
    Audience.objects.bulk_create(
        (
            Audience(
                organization=organization,
                name=f"{'Ohio' if i % 2 else rng.choice(PLACES)} "
                f"{rng.choice(['GOTV', 'Persuasion', 'Voted early', 'Renters'])} {i:05d}",
                l2_segment_name=f"segment-{i}",
                status=rng.choice(
                    [AudienceStatus.READY] * 8 + [AudienceStatus.PROCESSING, AudienceStatus.FAILED]
                ),
                voter_count=rng.randrange(1_000, 2_000_000),
                household_count=rng.randrange(500, 1_000_000),
                data_cpm=Decimal("1.25"),
            )
            for i in range(audiences)
        ),
        batch_size=2000,
    )
    if not member:
        return None
    user = get_user_model().objects.create_user(f"bench-{account_id}", password="bench-password-123")
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
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
        for i in range(int(audiences * CAMPAIGNS_PER_AUDIENCE))
    )  # fmt: skip
    own = list(Audience.objects.filter(organization=organization).values_list("pk", flat=True))
    CampaignAudience.objects.bulk_create(
        (
            CampaignAudience(
                campaign=campaign,
                audience_id=audience_id,
                list_type="blocklist" if index == 4 else "allowlist",
            )
            for campaign in campaigns
            for index, audience_id in enumerate(rng.sample(own, 5))
        ),
        batch_size=5000,
    )
    audience_usage_recount(audience_ids=own)  # what the targeting services keep, done once in bulk
    return user


def _populate() -> dict:
    import random

    from django.db import connection

    rng = random.Random(7)
    users = {size: _organization(100_000 + size, f"Bench {size:,}", size, rng) for size in SIZES}
    _organization(654321, "Other", OTHERS, rng, member=False)
    with connection.cursor() as cursor:
        # What autovacuum has done to any table by the time people look at it: statistics for the planner,
        # and the visibility map that lets counts be read off an index.
        cursor.execute("VACUUM ANALYZE")
    return users


def _get(client, url: str) -> tuple[float, int, int]:
    """Seconds, queries and rows of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    is_json = response["Content-Type"].startswith("application/json")
    rows = len(response.json()["results"]) if is_json else response.content.count(b'<tr id="audience-')
    return seconds, len(queries), rows


def run() -> dict:
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # pages render as in production
    users = _populate()
    clients = {}
    for size, user in users.items():
        clients[size] = Client()
        clients[size].force_login(user)
    small, big = SIZES
    print(
        f"\nAudiences — the page and the list endpoint at {small:,} and at {big:,} audiences (campaigns: "
        f"{CAMPAIGNS_PER_AUDIENCE:.0%} of them), page of 50; p95 of {REQUESTS - WARM} requests each, the sizes "
        "taking turns"
    )
    figures: dict = {}
    for label, url in URLS:
        seconds: dict = {size: [] for size in SIZES}
        queries: dict = {size: set() for size in SIZES}
        rows: dict = {size: set() for size in SIZES}
        for n in range(REQUESTS):
            for size in SIZES:
                took, count, shown = _get(clients[size], url)
                if n >= WARM:
                    seconds[size].append(took)
                queries[size].add(count)
                rows[size].add(shown)
        p95 = {size: percentile(seconds[size], 95) * 1000 for size in SIZES}
        median = {size: statistics.median(seconds[size]) * 1000 for size in SIZES}
        ratio = p95[big] / p95[small]
        constant = len(queries[small] | queries[big]) == 1
        print(
            row(
                label,
                f"{p95[small]:.1f} → {p95[big]:.1f} ms",
                f"p95 at {small:,} → at {big:,} (medians {median[small]:.1f} → {median[big]:.1f} ms)",
            )
        )
        print(row("    ratio of the p95s", f"{ratio:.2f}", "target ≤ 1.5"))
        print(
            row(
                "    queries per request",
                "constant" if constant else "NOT constant",
                f"{sorted(queries[small])} at {small:,}, {sorted(queries[big])} at {big:,}; "
                f"rows shown {sorted(rows[small])} and {sorted(rows[big])}",
            )
        )
        figures[label] = {
            "p95_ms": p95,
            "median_ms": median,
            "ratio": ratio,
            "queries": {size: sorted(queries[size]) for size in SIZES},
            "constant": constant,
        }
    return figures
