"""Faults around a load, with real parts: connections killed, a worker killed right after the switch,
Redis gone and back, a disk that fills, and the sweeps that leave nothing behind (docs/operations.md)."""

import os
import subprocess
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from audiences.models import Audience, AudienceVersion
from audiences.voter_store import member_count
from l2_ingest import pipeline
from l2_ingest.generator import write_export
from l2_ingest.load_lock import LOCK_NAMESPACE
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.pipeline import transmission_process
from l2_ingest.sender import send_universe
from l2_ingest.services import orphan_files_delete, transmissions_requeue_stalled
from l2_ingest.tasks import ingest_transmission
from tests.l2_ingest.helpers import ids_file, stored_transmission
from tests.l2_ingest.test_end_to_end import finished, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_task_retries_by_itself_when_postgresql_ends_the_workers_connections(
    worker_factory, org_a, tmp_path
):
    """Every connection of the worker is ended mid-load (pg_terminate_backend, the server stays up): the
    task's own retry, on fresh connections, completes the load exactly; no sweeper is involved."""
    members = tmp_path / "big.tsv"
    write_export(members, 200_000, seed=5)
    transmission = stored_transmission(org_a, members.read_bytes(), segment="Cut")
    worker_factory(L2_STALE_AFTER_SECONDS=3600, L2_PROGRESS_SECONDS=0)
    ingest_transmission.delay(str(transmission.pk))

    def mid_load():
        """the load to be under way"""
        row = Transmission.objects.filter(pk=transmission.pk).values("status", "progress").get()
        return row["status"] == "processing" and 0.05 < row["progress"] < 0.8

    wait_for(mid_load, timeout=60, interval=0.002)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchall()  # the worker's connections were there to end

    done = wait_for(finished(transmission.pk), timeout=120)
    assert done.status == TransmissionStatus.SUCCEEDED, done.failure_reason
    assert done.attempts == 2
    audience = Audience.objects.get()
    assert audience.voter_count == 200_000 == member_count(audience.current_version_id)
    assert AudienceVersion.objects.count() == 1  # the interrupted version was thrown away


def test_a_kill_right_after_the_switch_ends_succeeded_without_loading_again(org_a, monkeypatch):
    """The state a kill leaves just after the switch (the version in force, the transmission still
    processing) is made by stopping the attempt right there; the next attempt sees its version in force."""
    transmission = stored_transmission(org_a, ids_file(300), segment="Switched")
    real_activate = pipeline.audience_version_activate

    def activate_then_die(**kwargs):
        real_activate(**kwargs)
        raise SystemExit("killed")

    monkeypatch.setattr(pipeline, "audience_version_activate", activate_then_die)
    with pytest.raises(SystemExit):
        transmission_process(transmission.pk)
    monkeypatch.undo()
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.PROCESSING

    assert transmission_process(transmission.pk) == "succeeded"
    transmission.refresh_from_db()
    assert (transmission.status, transmission.voters_accepted, transmission.rows_read) == (
        TransmissionStatus.SUCCEEDED,
        300,
        300,
    )
    assert AudienceVersion.objects.count() == 1 and Audience.objects.get().voter_count == 300
    assert transmission.members_file == ""  # the voters' file is gone, as after any load
    assert transmission_process(transmission.pk) == "nothing to do"  # a redelivered message: no work


def test_the_sweeper_knows_a_dead_claimant_by_its_free_lock(org_a, settings):
    settings.L2_STALE_AFTER_SECONDS = 3600
    transmission = stored_transmission(org_a, ids_file(3), segment="Locked")
    audience = Audience.objects.create(organization=org_a, name="Locked", l2_segment_name="Locked")
    Transmission.objects.filter(pk=transmission.pk).update(
        status=TransmissionStatus.PROCESSING, audience=audience, heartbeat_at=timezone.now()
    )
    loader = psycopg2.connect(**connection.get_connection_params())  # a live worker, holding the lock
    try:
        with loader.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, audience.pk])
        assert transmissions_requeue_stalled() == []  # alive: left alone
    finally:
        loader.close()  # the worker dies: PostgreSQL releases its lock
    assert transmissions_requeue_stalled() == [str(transmission.pk)]


def test_a_transmission_the_broker_never_took_is_sent_on_the_first_round(org_a, settings):
    settings.L2_STALE_AFTER_SECONDS = 3600
    transmission = stored_transmission(org_a, ids_file(3))
    Transmission.objects.filter(pk=transmission.pk).update(queued_at=None)  # what a failed send records
    fresh = stored_transmission(org_a, ids_file(3), segment="Fresh")  # queued a moment ago: in the queue
    assert transmissions_requeue_stalled() == [str(transmission.pk)]
    assert Transmission.objects.get(pk=fresh.pk).status == TransmissionStatus.QUEUED


def test_redis_down_then_back_the_push_becomes_ready(
    gunicorn_factory, worker_factory, org_a, l2_secret, tmp_path, settings
):
    closed = "redis://127.0.0.1:1/0"
    url = gunicorn_factory(REDIS_URL=closed, CELERY_BROKER_URL=closed)
    members = tmp_path / "ids.txt"
    members.write_bytes(ids_file(40))
    response = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, members, universe_name="IQM_123456_Back"
    )
    assert response.status == 202, response.body
    assert Transmission.objects.get().queued_at is None  # never reached the broker

    worker_factory()  # Redis is back: the next sweep (a worker starting does one) sends it
    done = wait_for(finished(response.body["id"]), timeout=60)
    assert done.status == TransmissionStatus.SUCCEEDED and done.voters_accepted == 40


def test_the_orphan_sweep_deletes_only_old_files_no_row_points_to(org_a, settings):
    settings.L2_ORPHAN_FILE_AGE_SECONDS = 3600
    kept = stored_transmission(org_a, ids_file(3))  # referenced by its row
    orphan = default_storage.save("l2/2026/11/01/orphan.members", ContentFile(b"LALOH1\n"))
    young = default_storage.save("l2/2026/11/30/young.members", ContentFile(b"LALOH1\n"))
    spooled = Path(settings.L2_SPOOL_DIR) / "l2-body-left.part"
    spooled.write_bytes(b"a body a crashed web process left")
    old = time.time() - 7200
    for path in (Path(default_storage.path(orphan)), Path(default_storage.path(kept.members_file)), spooled):
        os.utime(path, (old, old))

    assert orphan_files_delete() == 2
    assert not default_storage.exists(orphan) and not spooled.exists()
    assert default_storage.exists(kept.members_file) and default_storage.exists(young)


@pytest.fixture
def full_disk(tmp_path):
    """A real, small file system (tmpfs of 2 MB) to spool bodies on: it fills like a disk fills."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root, as on CI")
    mount = tmp_path / "full"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("size", [3_000_000, 1_400_000], ids=["the-spool-fills", "the-upload-part-fills"])
def test_a_disk_that_fills_while_receiving_is_a_503_and_leaves_nothing(
    gunicorn_factory, org_a, l2_secret, tmp_path, full_disk, size
):
    url = gunicorn_factory(FILE_UPLOAD_TEMP_DIR=str(full_disk))
    members = tmp_path / "ids.txt"
    members.write_bytes(b"LALVOTERID\n" + b"".join(b"LALOH%08d\n" % i for i in range(size // 15)))
    response = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, members, universe_name="IQM_123456_Full"
    )
    assert response.status == 503 and response.body["code"] == "temporarily_unavailable", response.body
    assert int(response.headers["Retry-After"]) > 0
    assert list(full_disk.iterdir()) == []  # neither the spooled body nor a partial upload stays
    assert Transmission.objects.count() == 0
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
