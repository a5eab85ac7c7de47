"""Faults mid-load, with default settings: how soon a load runs again, and that it ends exact.

1. The worker killed (SIGKILL to its whole process group, as a crashed machine dies) at about a third of a
   1 000 000-row load; a new worker starts. The load is known dead by its free lock, at the new worker's
   start: timed from the kill, and from the new worker being ready, to the load running again and to Ready.
2. The same, with another worker already idle and beat running: recovery comes from beat's sweep.
3. PostgreSQL ends the worker's connections mid-load: the task's own retry takes it up again.
"""

import os
import signal
import time
import uuid

from .support import (
    bench_database_url,
    child_env,
    l2_export,
    l2_sender_setup,
    recreate_database,
    row,
    setup_django,
    start_beat,
    start_gunicorn,
    start_worker,
)

ROWS = 1_000_000


def _wait(condition, timeout: float = 600, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"timed out waiting for {condition.__doc__}")


def _ready(app, hostname: str) -> None:
    """Wait for the worker to answer a ping."""

    def answers():
        """the worker to answer"""
        return app.control.ping(destination=[hostname], timeout=0.5)

    _wait(answers, timeout=120, interval=0)


def _loading_worker(app, workers: dict, transmission_id: str):
    """The worker process running this transmission's load, as its workers report it."""
    active = app.control.inspect(destination=list(workers), timeout=2).active() or {}
    for hostname, tasks in active.items():
        if any(transmission_id in str(task.get("args")) for task in tasks):
            return workers[hostname]
    raise SystemExit("no worker reports the load as running")


def _stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _one_fault(label: str, fault: str, path, org, env, app, send) -> dict:
    from django.db import connection

    from audiences.models import Audience
    from audiences.voter_store import member_count
    from l2_ingest.models import Transmission

    segment = f"Fault{uuid.uuid4().hex[:6]}"
    processes = []
    try:
        first = f"first-{segment}@bench"
        workers = {first: start_worker(env, pool="prefork", hostname=first)}
        processes.append(workers[first])
        _ready(app, first)
        if fault == "idle worker and beat":
            spare = f"spare-{segment}@bench"
            workers[spare] = start_worker(env, pool="prefork", hostname=spare)
            processes.append(workers[spare])
            processes.append(start_beat(env))
            _ready(app, spare)
        transmission = Transmission.objects.get(pk=send(segment))  # the workers are up: the load starts

        def a_third():
            """a third of the load"""
            return Transmission.objects.filter(
                pk=transmission.pk, status="processing", progress__gte=0.3
            ).exists()

        _wait(a_third, interval=0.005)
        faulted = time.time()  # wall clock, to compare with the times the pipeline records
        if fault == "connections ended":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
        else:
            _stop(_loading_worker(app, workers, str(transmission.pk)))
        started = faulted
        if fault == "worker restarted":
            started = time.time()
            processes.append(start_worker(env, pool="prefork", hostname=f"second-{segment}@bench"))

        def done():
            """the load to end"""
            return Transmission.objects.filter(pk=transmission.pk, finished_at__isnull=False).first()

        finished = _wait(done)
    finally:
        for process in processes:
            _stop(process)
    resumed = finished.started_at.timestamp()  # the start of the attempt that finished it
    ended = finished.finished_at.timestamp()
    audience = Audience.objects.get(organization=org, l2_segment_name=segment)
    exact = finished.status == "succeeded" and audience.voter_count == ROWS == member_count(
        audience.current_version_id
    )
    print(row(label, f"{resumed - faulted:.1f} s", "fault → load running again"))
    if fault == "worker restarted":
        print(
            row("    new worker started → load running again", f"{resumed - started:.1f} s", "target ≤ 30 s")
        )
    print(
        row(
            "    fault → Ready",
            f"{ended - faulted:.1f} s",
            f"{finished.status}, attempt {finished.attempts}, {'exact' if exact else 'NOT EXACT'}",
        )
    )
    if not exact:
        raise SystemExit(f"{label}: the load did not end exact ({finished.status})")
    if finished.attempts < 2:
        raise SystemExit(f"{label}: the fault did not interrupt the load")
    return {"resumed": resumed - faulted, "worker_to_resumed": resumed - started, "ended": ended - faulted}


def run() -> dict:
    database_url = bench_database_url()
    recreate_database(database_url)
    setup_django(database_url)

    from accounts.models import Organization
    from iqm_portal.celery import app
    from l2_ingest.sender import send_universe

    path = l2_export(ROWS)
    secret = l2_sender_setup()
    org = Organization.objects.get(account_id=123456)
    app.control.purge()
    env = child_env(DATABASE_URL=database_url)  # default settings: L2_STALE_AFTER_SECONDS 120
    web, url = start_gunicorn(env)

    def send(segment: str) -> str:
        response = send_universe(
            f"{url}/api/l2/v1/transmissions", secret, path, universe_name=f"IQM_123456_{segment}"
        )
        if response.status != 202:
            raise SystemExit(f"The post was refused: {response.status} {response.body}")
        return response.body["id"]

    print(f"\nFaults mid-load — {ROWS:,} rows, default settings (a heartbeat goes stale after 120 s)")
    try:
        return {
            name: _one_fault(label, name, path, org, env, app, send)
            for name, label in [
                ("worker restarted", "worker killed, a new one started"),
                ("idle worker and beat", "worker killed, another idle, beat running"),
                ("connections ended", "PostgreSQL ends the worker's connections"),
            ]
        }
    finally:
        web.terminate()
        web.wait()
