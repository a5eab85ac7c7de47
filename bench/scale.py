"""The cost curve: what an L2 universe of 100 000, 1 000 000 and 10 000 000 voters costs in time, memory and disk.

For each size: a synthetic L2 export (20 columns, Latin-1) is sent as L2 sends it (gzip-compressed from
10 M up, since the uncompressed file would pass the body limit) to a real web process, and loaded by a real
worker that was already waiting, three times (three versions of one audience). Printed: (a) a plain COPY of
the uncompressed file, the floor; (b) our ingest from the transmission's receipt to its end, and how it
splits as the pipeline records it; memory of the worker and of the web process; disk per voter; the reach
of a campaign with 5 + 2 audiences of that size against a count(*) of the same rows.
"""

import gzip
import itertools
import shutil
import statistics
import time
from pathlib import Path

import numpy as np

from history.actors import SYSTEM

from .ingest import raw_copy_seconds
from .support import (
    VAR,
    bench_database_url,
    child_env,
    children,
    l2_export,
    l2_sender_setup,
    peak_rss_mb,
    recreate_database,
    reset_peak_rss,
    row,
    rss_mb,
    setup_django,
    start_gunicorn,
    start_worker,
    timed,
)

SIZES = [100_000, 1_000_000, 10_000_000]
RUNS = 3
COMPRESS_FROM = 5_000_000  # rows; L2 compresses what would pass the 1 GiB body limit
# What one voter costs on disk while the bench runs: the file (and its gzip), the raw COPY table, three
# retained versions and the scratch table, and seven audiences for reach; measured, with room to spare.
DISK_BYTES_PER_ROW = 1_600
PHASES = ["waiting", "reading", "loading", "indexing", "counting", "switching"]


# -- files -------------------------------------------------------------------------------------------------
def gzip_file(path: Path) -> Path:
    compressed = path.with_suffix(".tsv.gz")
    if not compressed.exists():
        print(f"Compressing {path} …", flush=True)
        with path.open("rb") as f, gzip.open(compressed.with_suffix(".tmp"), "wb", compresslevel=1) as out:
            shutil.copyfileobj(f, out, 16 << 20)
        compressed.with_suffix(".tmp").rename(compressed)
    return compressed


def check_disk(sizes: list[int]) -> None:
    needed = max(sizes) * DISK_BYTES_PER_ROW
    free = shutil.disk_usage(VAR.parent if VAR.parent.exists() else Path.cwd()).free
    print(f"Disk: about {needed / 1e9:.1f} GB needed for {max(sizes):,} rows, {free / 1e9:.1f} GB free.")
    if free < needed:
        raise SystemExit("Not enough free disk: choose smaller sizes with --sizes.")


# -- one size ------------------------------------------------------------------------------------------------
def _wait(transmission_id, deadline_seconds: float):
    from l2_ingest.models import Transmission

    deadline = time.monotonic() + deadline_seconds
    while True:
        transmission = Transmission.objects.get(pk=transmission_id)
        if transmission.is_final:
            return transmission
        if time.monotonic() > deadline:
            raise SystemExit(f"The ingest did not end in time: {transmission.status}")
        time.sleep(0.05)


def warm_up(url: str, secret: str) -> None:
    """One small push first: what the web process loads on its first push is not growth with the body."""
    from l2_ingest.sender import send_universe

    small = l2_export(1_000)
    response = send_universe(
        f"{url}/api/l2/v1/transmissions", secret, small, universe_name="IQM_123456_Warmup"
    )
    if response.status != 202:
        raise SystemExit(f"The warm-up push was refused: {response.status} {response.body}")


def ingest_runs(rows: int, path: Path, secret: str, env: dict) -> dict:
    from django.db import connection

    from audiences.models import Audience
    from l2_ingest.sender import send_universe

    body = gzip_file(path) if rows >= COMPRESS_FROM else path
    web, url = start_gunicorn(env)
    worker = start_worker(env)
    runs, web_growth = [], []
    try:
        [web_process] = children(web.pid)
        warm_up(url, secret)
        time.sleep(3)  # the worker is waiting (the warm-up loaded) before the first push arrives
        for _ in range(RUNS):
            reset_peak_rss(web_process)
            before = rss_mb(web_process)
            response = send_universe(
                f"{url}/api/l2/v1/transmissions", secret, body, universe_name=f"IQM_123456_Scale{rows}"
            )
            web_growth.append(peak_rss_mb(web_process) - before)
            if response.status != 202:
                raise SystemExit(f"The push was refused: {response.status} {response.body}")
            transmission = _wait(response.body["id"], 60 + rows / 10_000)
            if transmission.status != "succeeded":
                raise SystemExit(
                    f"The ingest failed: {transmission.failure_code} {transmission.failure_reason}"
                )
            runs.append(transmission)
        worker_peak = peak_rss_mb(worker.pid)
    finally:
        for process in (worker, web):
            process.terminate()
            process.wait()
    audience = Audience.objects.get(l2_segment_name=f"Scale{rows}")
    version_ids = list(audience.versions.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_total_relation_size('audiences_member_v{audience.current_version_id}')")
        [current_bytes] = cursor.fetchone()
        cursor.execute(
            "SELECT sum(pg_total_relation_size(format('audiences_member_v%%s', v)::regclass)) FROM unnest(%s) v",
            [version_ids],
        )
        [history_bytes] = cursor.fetchone()
    packed = packed_bytes_per_voter(audience.current_version_id)
    b = [(t.finished_at - t.received_at).total_seconds() for t in runs]
    return {
        "b": statistics.median(b),
        "phases": {p: statistics.median(t.phase_seconds.get(p, 0.0) for t in runs) for p in PHASES},
        "worker_mb": worker_peak,
        "web_growth_mb": max(web_growth),
        "voters": runs[-1].voters_accepted,
        "bytes_per_voter": current_bytes / runs[-1].voters_accepted,
        "history_bytes_per_voter": history_bytes / runs[-1].voters_accepted,
        "versions": len(version_ids),
        "packed_bytes_per_voter": packed,
        "compressed": body != path,
    }


def packed_bytes_per_voter(version_id: int) -> float:
    """What the version's keys would take packed: sorted, as differences, each in a variable-length integer."""
    import io

    from django.db import connection

    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY (SELECT voter_key FROM audiences_member_v{int(version_id)} ORDER BY voter_key) TO STDOUT (FORMAT binary)",
            buffer,
        )
    data = buffer.getvalue()[19:-2]  # the signature and header; the trailer
    keys = np.frombuffer(data, dtype=[("n", ">i2"), ("size", ">i4"), ("key", ">i8")])["key"].astype(np.int64)
    gaps = np.diff(keys, prepend=0).astype(np.uint64)
    bits = np.floor(np.log2(np.maximum(gaps, 1).astype(np.float64))) + 1
    return float(np.ceil(bits / 7).sum() / len(keys))  # 7 bits of each byte carry the number


def reach_run(rows: int, organization) -> dict:
    """Reach of 5 allowlisted and 2 blocklisted audiences of ``rows`` voters each, overlapping, loaded
    through the production writer; against a count(*) of their rows once."""
    from django.db import connection

    from audiences.models import Audience, AudienceStatus
    from audiences.services import audience_version_activate, audience_version_start
    from audiences.version_writer import VersionWriter
    from audiences.voter_keys import voter_key
    from audiences.voter_store import reach_count

    base = voter_key("LALOH100000000")
    # Window i holds voters [start_i, start_i + rows): allowlisted windows step by a fifth of a window,
    # blocklisted ones sit inside their span.
    allow = [i * rows // 5 for i in range(5)]
    block = [rows // 2, rows + rows // 3]
    versions = {}
    for kind, starts in (("allow", allow), ("block", block)):
        for n, start in enumerate(starts):
            audience = Audience.objects.create(
                organization=organization,
                name=f"Reach {rows} {kind} {n}",
                l2_segment_name=f"Reach{rows}{kind}{n}",
                status=AudienceStatus.PROCESSING,
            )
            version = audience_version_start(audience=audience)
            writer = VersionWriter(version.pk)
            writer.begin()
            for chunk in range(start, start + rows, 1_000_000):
                indexes = np.arange(chunk, min(chunk + 1_000_000, start + rows), dtype=np.int64)
                writer.append(base + 7 * indexes)
            writer.finish()
            audience_version_activate(
                actor=SYSTEM, version=version, writer=writer, figures={"voter_count": rows}, origin={}
            )
            versions.setdefault(kind, []).append(version.pk)
    allowed = np.zeros(max(allow) + rows, dtype=bool)
    for start in allow:
        allowed[start : start + rows] = True
    for start in block:
        allowed[start : start + rows] = False
    expected = int(allowed.sum())
    everything = versions["allow"] + versions["block"]

    def floor():
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(everything))
            cursor.execute(
                f"SELECT count(*) FROM audiences_member WHERE version_id IN ({placeholders})", everything
            )
            assert cursor.fetchone()[0] == rows * len(everything)

    counts = []
    floor(), counts.append(reach_count(versions["allow"], versions["block"]))  # from memory, both
    a, _ = timed(floor, repeat=RUNS)
    b, _ = timed(lambda: counts.append(reach_count(versions["allow"], versions["block"])), repeat=RUNS)
    if set(counts) != {expected}:
        raise SystemExit(f"Reach is wrong: {set(counts)} instead of {expected}")
    return {"floor": a, "reach": b, "reach_voters": expected}


def raw_body_growth(path: Path, secret: str, env: dict) -> float:
    """Web RSS growth while receiving the uncompressed file, with the body limit raised for it."""
    from l2_ingest.sender import send_universe

    web, url = start_gunicorn({**env, "L2_MAX_BODY_BYTES": str(path.stat().st_size + (1 << 20))})
    try:
        [web_process] = children(web.pid)
        warm_up(url, secret)
        reset_peak_rss(web_process)
        before = rss_mb(web_process)
        response = send_universe(
            f"{url}/api/l2/v1/transmissions", secret, path, universe_name="IQM_123456_RawBody"
        )
        growth = peak_rss_mb(web_process) - before
    finally:
        web.terminate()
        web.wait()
    if response.status != 202:
        raise SystemExit(f"The uncompressed push was refused: {response.status} {response.body}")
    return growth


# -- the table -------------------------------------------------------------------------------------------------
def run(sizes: list[int] | None = None) -> dict:
    sizes = sorted(sizes or SIZES)
    check_disk(sizes)
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)

    from accounts.models import Organization
    from iqm_portal.celery import app

    secret = l2_sender_setup()
    organization = Organization.objects.get(account_id=123456)
    app.control.purge()
    env = child_env(DATABASE_URL=database_url)
    figures = {}
    for rows in sizes:
        path = l2_export(rows)
        print(f"\n{rows:,} rows ({path.stat().st_size / 1e6:,.0f} MB) …", flush=True)
        from l2_ingest.generator import HEADER

        a = raw_copy_seconds(path, HEADER)
        figures[rows] = {"a": a, "mb": path.stat().st_size / 1e6, **ingest_runs(rows, path, secret, env)}
        figures[rows].update(reach_run(rows, organization))
        print_size(rows, figures[rows])
    largest = max(sizes)
    raw_growth = raw_body_growth(l2_export(largest), secret, env)
    app.control.purge()  # the uncompressed push is not loaded: no worker was waiting
    print_curve(figures, raw_growth, largest)
    return figures


def print_size(rows: int, f: dict) -> None:
    b, a = f["b"], f["a"]
    print(
        f"\nCost curve — {rows:,} voters, {f['mb']:,.0f} MB"
        + (" (sent gzip-compressed)" if f["compressed"] else "")
    )
    print(
        row("(a) plain COPY of the file, unindexed text table", f"{a:.2f} s", f"median of {RUNS}: the floor")
    )
    print(row("(b) our ingest, received → Ready", f"{b:.2f} s", f"median of {RUNS}; {rows / b:,.0f} rows/s"))
    print(row("    ratio b/a", f"{b / a:.2f}", "target ≤ 1.5"))
    split = ", ".join(f"{p} {f['phases'][p]:.2f}" for p in PHASES)
    print(f"    b splits (s): {split}")
    print(row("    worker peak RSS", f"{f['worker_mb']:.0f} MB", "target ≤ 200 MB"))
    print(row("    web RSS growth receiving the body", f"{f['web_growth_mb']:.1f} MB", "target ≤ 30 MB"))
    print(row("    disk per voter, current version", f"{f['bytes_per_voter']:.1f} B", "table + unique index"))
    print(
        row(
            f"    disk per voter, retained history ({f['versions']} versions)",
            f"{f['history_bytes_per_voter']:.1f} B",
        )
    )
    print(row("(c) count(*) of 7 audiences' rows", f"{f['floor']:.3f} s", "the floor"))
    print(
        row(
            "(d) reach, 5 allowlisted − 2 blocklisted", f"{f['reach']:.3f} s", f"{f['reach_voters']:,} voters"
        )
    )
    print(row("    ratio d/c", f"{f['reach'] / f['floor']:.2f}", "target ≤ 1.5"))


def print_curve(figures: dict, raw_growth: float, largest: int) -> None:
    sizes = sorted(figures)
    print("\nThe curve (medians)")
    print(f"  {'voters':>12} {'a (s)':>8} {'b (s)':>8} {'b/a':>6} {'rows/s':>10} {'worker MB':>10} {'web +MB':>8} "
          f"{'B/voter':>8} {'reach/c':>8}")  # fmt: skip
    for rows in sizes:
        f = figures[rows]
        print(
            f"  {rows:>12,} {f['a']:>8.2f} {f['b']:>8.2f} {f['b'] / f['a']:>6.2f} {rows / f['b']:>10,.0f} "
            f"{f['worker_mb']:>10.0f} {f['web_growth_mb']:>8.1f} {f['bytes_per_voter']:>8.1f} "
            f"{f['reach'] / f['floor']:>8.2f}"
        )
    for small, large in itertools.pairwise(sizes):
        factor = large / small
        s, g = figures[small], figures[large]
        print(
            f"  ×{factor:g} rows ({small:,} → {large:,}): time ×{g['b'] / s['b']:.2f} (target ≤ ×{factor * 1.05:g}), "
            f"worker memory {g['worker_mb'] - s['worker_mb']:+.0f} MB, reach ×{g['reach'] / s['reach']:.2f}"
        )
    print(row(f"web RSS growth, uncompressed {largest:,}-row body", f"{raw_growth:.1f} MB", "target ≤ 30 MB"))
    packed = figures[largest]["packed_bytes_per_voter"]
    print(
        row(
            "a packed layout: sorted keys, gaps as varints",
            f"{packed:.1f} B",
            f"per voter at {largest:,}; for later (row layout {figures[largest]['bytes_per_voter']:.1f} B)",
        )
    )
