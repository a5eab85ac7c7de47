"""L2 ingest: our load of a 1 000 000-row, 20-column L2 export against PostgreSQL's raw COPY of it."""

import csv
import io
import time

from .support import (
    bench_database_url,
    child_env,
    children,
    l2_export,
    l2_sender_setup,
    peak_rss_mb,
    recreate_database,
    row,
    rss_mb,
    setup_django,
    start_gunicorn,
    start_worker,
    timed,
)


def raw_copy_seconds(path, header: list[str]) -> float:
    """(a) the floor: COPY of the same bytes into a plain, unindexed table of text columns."""
    from django.db import connection

    columns = ", ".join(f'"{name}" text' for name in header)

    def copy():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw_l2")
            cursor.execute(f"CREATE TABLE bench_raw_l2 ({columns})")
            with path.open("rb") as f:
                cursor.copy_expert(
                    "COPY bench_raw_l2 FROM STDIN WITH (FORMAT csv, DELIMITER E'\\t', HEADER true, ENCODING 'LATIN1')",
                    f,
                )
            cursor.execute("DROP TABLE bench_raw_l2")

    median, _ = timed(copy, repeat=3)
    return median


def csv_only_seconds(path) -> float:
    def read():
        with path.open("rb") as f:
            for _ in csv.reader(io.TextIOWrapper(f, encoding="latin-1", newline=""), delimiter="\t"):
                pass

    return timed(read, repeat=1)[0]


def run(rows: int = 1_000_000) -> dict:
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)

    from iqm_portal.celery import app
    from l2_ingest.generator import HEADER
    from l2_ingest.models import Transmission
    from l2_ingest.sender import send_universe

    path = l2_export(rows)
    size_mb = path.stat().st_size / 1e6

    a = raw_copy_seconds(path, HEADER)
    csv_seconds = csv_only_seconds(path)

    secret = l2_sender_setup()
    app.control.purge()
    env = child_env(DATABASE_URL=database_url)

    web, url = start_gunicorn(env)
    try:
        [web_worker] = children(web.pid)
        web_before = rss_mb(web_worker)
        posted = time.perf_counter()
        response = send_universe(
            f"{url}/api/l2/v1/transmissions", secret, path, universe_name="IQM_123456_Bench"
        )
        to_202 = time.perf_counter() - posted
        web_growth = peak_rss_mb(web_worker) - web_before
    finally:
        web.terminate()
        web.wait()
    if response.status != 202:
        raise SystemExit(f"The post was refused: {response.status} {response.body}")

    worker = start_worker(env)
    try:
        deadline = time.monotonic() + 600
        while True:
            transmission = Transmission.objects.get(pk=response.body["id"])
            if transmission.is_final or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        worker_peak = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait()
    if transmission.status != "succeeded":
        raise SystemExit(f"The ingest did not succeed: {transmission.status} {transmission.failure_reason}")
    b = (transmission.finished_at - transmission.started_at).total_seconds()

    print(f"\nL2 ingest — {rows:,} rows × {len(HEADER)} columns, {size_mb:.0f} MB, Latin-1, tab-separated")
    print(row("(a) raw COPY into an unindexed text table", f"{a:.2f} s", "median of 3: the floor"))
    print(row("    Python's csv module reading the file alone", f"{csv_seconds:.2f} s"))
    print(row("(b) our ingest, task start → audience Ready", f"{b:.2f} s", f"{rows / b:,.0f} rows/s"))
    print(row("    ratio b/a", f"{b / a:.2f}", "target ≤ 3"))
    print(row("    worker peak RSS", f"{worker_peak:.0f} MB", "target ≤ 200 MB"))
    print(row("POST of the file → 202", f"{to_202:.2f} s", f"{size_mb / to_202:,.0f} MB/s"))
    print(row("    web RSS growth, first push (imports included)", f"{web_growth:.1f} MB", "target ≤ 100 MB"))
    print(row("    voters loaded", f"{transmission.voters_accepted:,}"))
    return {
        "a": a,
        "b": b,
        "ratio": b / a,
        "worker_mb": worker_peak,
        "to_202": to_202,
        "web_growth_mb": web_growth,
    }
