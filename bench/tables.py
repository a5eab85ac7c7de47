"""The Campaigns app's table pages as the organization grows: the insertion orders list at 100 and at
1 000 insertion orders, and an insertion order's page at 1 000 campaigns. The queries a page runs must not
grow with the rows; its time is what rendering a page of rows costs (sorting and counting in PostgreSQL)."""

import datetime as dt
import statistics
import time

from .support import percentile, row

REQUESTS = 60  # the first 10 warm caches and are left out
WARM = 10
CAMPAIGNS_PER_IO = 2


def _measure(client, url: str) -> tuple[list[float], list[float], set[int]]:
    """Wall-clock seconds, this process's CPU seconds (Python: the view and its rendering, not PostgreSQL's
    work, and not other processes' turns on a busy machine), and the query counts, per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, counts = [], [], set()
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        counts.add(len(queries))
    return times[WARM:], cpu[WARM:], counts


def _add_insertion_orders(organization, start: int, count: int) -> None:
    from campaigns.models import Campaign, CampaignStatus, InsertionOrder

    today = dt.date.today()
    ios = InsertionOrder.objects.bulk_create(
        InsertionOrder(
            organization=organization,
            name=f"Insertion order {n:04d} – statewide persuasion",
            start_date=today,
            end_date=today + dt.timedelta(days=60),
            budget_total=10_000 + n,
        )
        for n in range(start, start + count)
    )
    Campaign.objects.bulk_create(
        Campaign(
            organization=organization,
            insertion_order=io,
            name=f"{io.name} – campaign {k}",
            status=CampaignStatus.RUNNING,
            start_date=io.start_date,
            end_date=io.end_date,
        )
        for io in ios
        for k in range(CAMPAIGNS_PER_IO)
    )


def _add_campaigns_with_targets(organization, count: int) -> int:
    """An insertion order of ``count`` campaigns, each allowlisting one audience and blocklisting another."""
    from audiences.models import Audience, AudienceStatus
    from campaigns.models import CampaignAudience

    _add_insertion_orders(organization, 10_000, 1)
    io = organization.insertion_orders.get(name__startswith="Insertion order 10000")
    allow, block = Audience.objects.bulk_create(
        Audience(organization=organization, name=name, status=AudienceStatus.READY)
        for name in ("Allow", "Block")
    )
    campaigns = [
        io.campaigns.model(
            organization=organization,
            insertion_order=io,
            name=f"Campaign {n:04d}",
            start_date=io.start_date,
            end_date=io.end_date,
        )
        for n in range(count)
    ]
    campaigns = io.campaigns.model.objects.bulk_create(campaigns)
    CampaignAudience.objects.bulk_create(
        CampaignAudience(campaign=campaign, audience=audience, list_type=kind)
        for campaign in campaigns
        for audience, kind in ((allow, "allowlist"), (block, "blocklist"))
    )
    return io.pk


def table_pages(big_io=None) -> dict:
    """p95 of the table pages, in an organization of their own; ``big_io``: (a user, an insertion order of
    theirs with many campaigns), the campaigns suite's 1 000-campaign IO whose campaigns target audiences."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Membership, Organization, Role

    call_command("collectstatic", interactive=False, verbosity=0)  # pages render as in production

    organization = Organization.objects.create(account_id=654321, name="Tables bench")
    user = get_user_model().objects.create_user("tables-bench", password=None)
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    figures: dict = {}
    print(f"\nCampaigns — table pages (page of 25, sorted by name, {REQUESTS - WARM} requests each)")

    def measure(label: str, url: str, as_client=client) -> None:
        times, cpu, counts = _measure(as_client, url)
        p95, median = percentile(times, 95) * 1000, statistics.median(times) * 1000
        python = statistics.median(cpu) * 1000
        figures[label] = {"p95_ms": p95, "median_ms": median, "python_ms": python, "queries": sorted(counts)}
        print(
            row(
                label,
                f"p95 {p95:.1f} ms",
                f"median {median:.1f} ms, of which Python {python:.1f} ms; queries {sorted(counts)}",
            )
        )

    _add_insertion_orders(organization, 0, 100)
    measure("IO list, 100 IOs", "/campaigns/?sort=name")
    measure("IO list, 100 IOs, a search", "/campaigns/?sort=name&q=statewide")
    _add_insertion_orders(organization, 100, 900)
    measure("IO list, 1 000 IOs", "/campaigns/?sort=name")
    measure("IO list, 1 000 IOs, a search", "/campaigns/?sort=name&q=statewide")
    measure("IO list, 1 000 IOs, 100 a page", "/campaigns/?sort=name&page_size=100")
    io_id = _add_campaigns_with_targets(organization, 1_000)
    measure("an IO's page, 1 000 campaigns of 2 audiences", f"/campaigns/insertion-orders/{io_id}/?sort=name")
    if big_io is not None:
        big_user, io_id = big_io
        big_client = Client()
        big_client.force_login(big_user)
        measure(
            "an IO's page, 1 000 campaigns of 20 audiences",
            f"/campaigns/insertion-orders/{io_id}/?sort=name",
            big_client,
        )
    small, big = figures["IO list, 100 IOs"], figures["IO list, 1 000 IOs"]
    # The IO list's queries are the same at either size (the IO page's own figure says its queries).
    constant = small["queries"] == big["queries"] and len(big["queries"]) == 1
    print(
        row(
            "    queries at 100 and at 1 000 IOs",
            "constant" if constant else "NOT constant",
            f"{small['queries']} and {big['queries']}",
        )
    )
    figures["constant_queries"] = constant
    return figures


def run() -> dict:
    """The table pages alone (``python -m bench tables``); the campaigns suite runs them too."""
    import warnings

    from .support import bench_database_url, recreate_database, setup_django

    warnings.filterwarnings("ignore", "No directory at")
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)
    return table_pages()
