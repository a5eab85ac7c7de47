"""The whole path with real parts: HTTP server, Redis, a Celery worker process, PostgreSQL."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from audiences.models import Audience, AudienceStatus
from audiences.voter_store import member_count
from l2_ingest.generator import write_export
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.sender import MultipartBody, post, send_universe, signed_headers
from l2_ingest.services import transmissions_requeue_stalled
from l2_ingest.tasks import ingest_transmission
from tests.l2_ingest.helpers import ids_file, stored_transmission

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 60, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {condition.__doc__ or condition}")


def finished(transmission_id):
    def check():
        """the transmission to finish"""
        t = Transmission.objects.get(pk=transmission_id)
        return t if t.is_final else None

    return check


def test_a_push_becomes_a_ready_audience_with_the_exact_count(
    live_server, worker_factory, org_a, l2_secret, tmp_path
):
    worker = worker_factory()
    members = tmp_path / "universe.tsv.gz"
    write_export(members, 5_000, seed=7, compress=True)

    response = send_universe(
        f"{live_server.url}/api/l2/v1/transmissions",
        l2_secret,
        members,
        universe_name="IQM_123456_Franklin GOTV",
    )

    assert response.status == 202, response.body
    transmission = wait_for(finished(response.body["id"]))
    assert transmission.status == TransmissionStatus.SUCCEEDED, transmission.failure_reason
    audience = Audience.objects.get(l2_segment_name="Franklin GOTV", organization=org_a)
    assert audience.status == AudienceStatus.READY
    assert audience.voter_count == 5_000 == member_count(audience.current_version_id)
    assert "LALOH" not in worker.log()  # no voter data in the worker's logs


def test_a_strangers_push_to_an_existing_segment_is_held_until_approved(
    live_server, worker_factory, org_a, l2_secret, tmp_path
):
    """The account ID in a universe name is no secret: another L2 customer's push changes nothing users
    see until the organization approves it (docs/l2-endpoint.md › Who may refresh a segment)."""
    from l2_ingest.approvals import pending_refresh_approve
    from tests.factories import MembershipFactory

    worker_factory()
    url = f"{live_server.url}/api/l2/v1/transmissions"
    owners, strangers = tmp_path / "owner.txt", tmp_path / "stranger.txt"
    owners.write_bytes(ids_file(2_000))
    strangers.write_bytes(ids_file(3, start=90_000))

    first = send_universe(url, l2_secret, owners, universe_name="IQM_123456_GOTV", customer_id="L2CUST-ANN")
    assert wait_for(finished(first.body["id"])).status == TransmissionStatus.SUCCEEDED
    second = send_universe(
        url, l2_secret, strangers, universe_name="IQM_123456_GOTV", customer_id="L2CUST-EVE"
    )
    assert second.status == 202

    def held():
        """the stranger's push to be held"""
        return Transmission.objects.filter(pk=second.body["id"], status=TransmissionStatus.HELD).first()

    transmission = wait_for(held)
    audience = Audience.objects.get(l2_segment_name="GOTV", organization=org_a)
    assert (audience.voter_count, member_count(audience.current_version_id)) == (2_000, 2_000)

    pending_refresh_approve(audience=audience, user=MembershipFactory(organization=org_a).user)
    assert wait_for(finished(transmission.pk)).status == TransmissionStatus.SUCCEEDED
    audience.refresh_from_db()
    assert (audience.voter_count, audience.l2_owner_customer_id) == (3, "L2CUST-EVE")


def test_twenty_concurrent_identical_posts_make_one_transmission_and_one_task(
    live_server, org_a, l2_secret, tmp_path
):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.delete("ingest")
    members = tmp_path / "ids.txt"
    members.write_bytes(ids_file(100))
    body = MultipartBody({"universe_name": "IQM_123456_Race", "universe_id": "42"}, members)
    headers = signed_headers(l2_secret, body.chunks(), webhook_id="msg_race")
    url = f"{live_server.url}/api/l2/v1/transmissions"
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def send():
        barrier.wait()
        statuses.append(post(url, headers, body).status)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 19 + [202]
    assert Transmission.objects.count() == 1
    assert queue.llen("ingest") == 1
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 1  # the 19 repeats left no file behind
    queue.delete("ingest")


def test_an_oversized_chunked_body_is_413_and_stores_nothing(gunicorn_factory, org_a, l2_secret, tmp_path):
    url = gunicorn_factory(L2_MAX_BODY_BYTES=20_000)
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_bytes(ids_file(100))
    large.write_bytes(ids_file(5_000))

    refused = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, large, universe_name="IQM_123456_X", chunked=True
    )
    assert refused.status == 413 and refused.body["code"] == "payload_too_large"
    assert Transmission.objects.count() == 0
    for root in (settings.MEDIA_ROOT, settings.L2_SPOOL_DIR):
        assert [p for p in Path(root).rglob("*") if p.is_file()] == []

    accepted = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, small, universe_name="IQM_123456_X", chunked=True
    )
    assert accepted.status == 202, accepted.body  # without Content-Length, a body within the limit is fine


def test_a_transmission_left_queued_by_a_broker_outage_is_swept_up(worker_factory, org_a, settings):
    # Committed, but its task never reached the broker (as when Redis is down at the 202).
    transmission = stored_transmission(org_a, ids_file(50))
    settings.L2_STALE_AFTER_SECONDS = 0
    worker_factory()

    assert transmissions_requeue_stalled() == [str(transmission.pk)]

    done = wait_for(finished(transmission.pk))
    assert done.status == TransmissionStatus.SUCCEEDED and done.voters_accepted == 50


def test_kill_9_mid_ingest_recovers_exactly_and_never_shows_half_a_load(
    worker_factory, org_a, settings, tmp_path
):
    """The dead worker is known by its free load lock, not by its heartbeat: with an hour before a
    heartbeat counts as stale, the next worker to start still takes the load over at once."""
    stale = 3600
    settings.L2_STALE_AFTER_SECONDS = stale
    env = {"L2_STALE_AFTER_SECONDS": stale, "L2_PROGRESS_SECONDS": 0}
    # Version 1 is in force: 1 000 voters.
    first = stored_transmission(org_a, ids_file(1_000), segment="Big")
    worker = worker_factory(**env)
    ingest_transmission.delay(str(first.pk))
    assert wait_for(finished(first.pk)).status == TransmissionStatus.SUCCEEDED
    audience = Audience.objects.get()
    old_version = audience.current_version_id

    members = tmp_path / "big.tsv"
    write_export(members, 200_000, seed=3)
    big = stored_transmission(org_a, members.read_bytes(), segment="Big")
    ingest_transmission.delay(str(big.pk))

    def mid_load():
        """the load to be under way"""
        t = Transmission.objects.filter(pk=big.pk).values("status", "progress").get()
        return t["status"] == "processing" and 0 < t["progress"] < 0.9

    wait_for(mid_load, timeout=60, interval=0.002)
    os.killpg(worker.process.pid, signal.SIGSTOP)  # frozen mid-load: look at what readers see
    audience.refresh_from_db()
    loading = Transmission.objects.get(pk=big.pk).version_id
    assert audience.current_version_id == old_version
    assert member_count(old_version) == 1_000
    assert loading is not None and member_count(loading) == 0  # the half-loaded version is invisible
    worker.kill()

    worker_factory(**env)  # it looks for dead loads as it starts: no sweep by hand, no waiting for staleness
    done = wait_for(finished(big.pk), timeout=120)

    assert done.status == TransmissionStatus.SUCCEEDED, done.failure_reason
    assert done.attempts == 2
    audience.refresh_from_db()
    assert audience.voter_count == 200_000 == member_count(audience.current_version_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT voter_key) FROM audiences_member WHERE version_id = %s",
            [audience.current_version_id],
        )
        assert cursor.fetchone() == (200_000, 200_000)
