"""Hostile members files (the contract's Bounds): how soon each ends, and what the worker's memory does.

Each file is sent to a real gunicorn, signed, and loaded by a real worker (solo pool, so its peak RSS is
the load's). Times run from the transmission's receipt to its end, as the sender sees them.
"""

import gzip
import time

from .support import (
    VAR,
    bench_database_url,
    child_env,
    l2_sender_setup,
    peak_rss_mb,
    recreate_database,
    row,
    setup_django,
    start_gunicorn,
    start_worker,
)

GiB = 1024**3


def _repeated(chunk: bytes, expanded: int) -> bytes:
    """``chunk`` repeated to ``expanded`` bytes, gzipped as repeated gzip members (what a bomb looks like)."""
    member = gzip.compress(chunk * max(1, (16 << 20) // len(chunk)), compresslevel=9)
    return member * max(1, expanded // (16 << 20))


CASES = [
    # label, members bytes, worker settings, expected outcome
    ("6 GiB of zeros, gzipped", lambda: _repeated(bytes(1 << 20), 6 * GiB), {}, "not_text"),
    ("1 GiB of one voter repeated, gzipped", lambda: _repeated(b"LALOH1000\n", GiB), {}, "succeeded"),
    (
        "21 GiB of one voter, gzipped: past the 20 GiB limit",
        lambda: _repeated(b"LALOH1000\n", 21 * GiB),
        {},
        "file_too_large",
    ),
    (
        "1 GiB on one line, gzipped",
        lambda: gzip.compress(b"LALVOTERID\n") + _repeated(b"9" * (1 << 20), GiB),
        {},
        "line_too_long",
    ),
]


def _watch(transmission_id, timeout: float = 900) -> tuple[object, float]:
    """Wait for the end; return the transmission and the longest gap between heartbeats seen meanwhile."""
    from l2_ingest.models import Transmission

    deadline = time.monotonic() + timeout
    beats, last_beat, longest_gap = set(), None, 0.0
    while time.monotonic() < deadline:
        transmission = Transmission.objects.get(pk=transmission_id)
        if transmission.heartbeat_at and transmission.heartbeat_at not in beats:
            beats.add(transmission.heartbeat_at)
            if last_beat is not None:
                longest_gap = max(longest_gap, (transmission.heartbeat_at - last_beat).total_seconds())
            last_beat = transmission.heartbeat_at
        if transmission.is_final:
            return transmission, longest_gap
        time.sleep(0.1)
    raise SystemExit(f"transmission {transmission_id} did not end within {timeout:.0f} s")


def run() -> dict:
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)

    from iqm_portal.celery import app
    from l2_ingest.sender import send_universe

    secret = l2_sender_setup()
    app.control.purge()
    VAR.mkdir(parents=True, exist_ok=True)
    env = child_env(DATABASE_URL=database_url)
    web, url = start_gunicorn(env)
    figures = {}
    print("\nHostile members files — receipt → end, worker peak RSS (solo pool), longest heartbeat gap")
    try:
        for number, (label, make, worker_settings, expected) in enumerate(CASES):
            path = VAR / f"hostile-{number}.gz"
            path.write_bytes(make())
            worker = start_worker(child_env(DATABASE_URL=database_url, **worker_settings))
            try:
                response = send_universe(
                    f"{url}/api/l2/v1/transmissions",
                    secret,
                    path,
                    universe_name=f"IQM_123456_Hostile{number}",
                )
                if response.status != 202:
                    raise SystemExit(f"{label}: refused {response.status} {response.body}")
                transmission, gap = _watch(response.body["id"])
                peak = peak_rss_mb(worker.pid)
            finally:
                worker.terminate()
                worker.wait()
            outcome = transmission.failure_code or transmission.status
            seconds = (transmission.finished_at - transmission.received_at).total_seconds()
            if outcome != expected:
                raise SystemExit(
                    f"{label}: expected {expected}, got {outcome} ({transmission.failure_reason})"
                )
            print(row(f"{label} ({path.stat().st_size / 1e6:.1f} MB sent)", f"{seconds:.1f} s", ""))
            print(
                row(
                    f"    → {outcome}, attempt {transmission.attempts}",
                    f"{peak:.0f} MB",
                    f"heartbeat gap ≤ {gap:.1f} s",
                )
            )
            figures[label] = {"seconds": seconds, "peak_mb": peak, "outcome": outcome, "gap": gap}
            path.unlink()
    finally:
        web.terminate()
        web.wait()
    return figures
