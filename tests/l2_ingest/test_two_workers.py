"""Two worker processes, as on two machines, share one queue and one database (docs/scaling.md): ten
pushes arrive at once through the signed endpoint — five new segments, and five refreshes of one segment
built in the reverse of the order they are sent — and every one ends as the contract says
(docs/l2-endpoint.md › What processing does)."""

import datetime as dt
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from audiences.models import Audience, AudienceStatus, AudienceVersion, VersionState
from audiences.voter_store import member_count
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.sender import send_universe
from tests.l2_ingest.helpers import ids_file

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A push whose segment is loading tries again this many seconds later (10 in production): the refreshes take
# turns within seconds, so the test is short.
BUSY_RETRY_SECONDS = 1
# Far beyond what the loads need, short enough that a deadlock or a lost task fails the test instead of
# hanging it.
ALL_FINAL_WITHIN_SECONDS = 90
CUSTOMER = "L2CUST-889"  # one L2 customer sends everything: nothing is held for approval


@dataclass
class Push:
    label: str  # how the test names it in a failure; never voter data
    account_id: int
    segment: str
    voters: int
    first_voter: int
    date_created: dt.datetime | None = None
    transmission_id: uuid.UUID | None = None

    def members(self, folder: Path) -> Path:
        path = folder / f"{self.label}.txt"
        path.write_bytes(ids_file(self.voters, start=self.first_voter))
        return path


def _new_segments(org_a, org_b) -> list[Push]:
    """Five segments of two organizations, each with a voter count of its own."""
    return [
        Push(
            label=f"segment-{i}",
            account_id=(org_a if i % 2 else org_b).account_id,
            segment=f"Precinct {i}",
            voters=200 + 37 * i,
            first_voter=100_000 * (i + 1),
        )
        for i in range(5)
    ]


def _refreshes(org_a) -> list[Push]:
    """Five pushes of one segment in sending order, each built an hour before the one sent ahead of it."""
    built = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    return [
        Push(
            label=f"refresh-{i}",
            account_id=org_a.account_id,
            segment="Statewide GOTV",
            voters=300 + 11 * i,
            first_voter=1_000_000 + 10_000 * i,
            date_created=built - dt.timedelta(hours=i),
        )
        for i in range(5)
    ]


def _send(url: str, secret: str, push: Push, folder: Path) -> None:
    response = send_universe(
        url,
        secret,
        push.members(folder),
        universe_name=f"IQM_{push.account_id}_{push.segment}",
        universe_id="0000100010482",
        customer_id=CUSTOMER,
        date_created=push.date_created.isoformat() if push.date_created else None,
    )
    assert response.status == 202, (push.label, response.status, response.body.get("code"))
    push.transmission_id = uuid.UUID(response.body["id"])


def _send_all_at_once(url: str, secret: str, segments: list[Push], refreshes: list[Push], folder: Path):
    """One sender per new segment, and one that sends the refreshes one after another, all let go at once:
    the refreshes' order of receipt is their sending order, while everything else arrives among them."""
    senders = [[push] for push in segments] + [refreshes]
    start = threading.Barrier(len(senders))
    errors: list[BaseException] = []

    def run(pushes: list[Push]) -> None:
        start.wait()
        try:
            for push in pushes:
                _send(url, secret, push, folder)
        except BaseException as error:  # surfaced in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(pushes,)) for pushes in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _states(pushes: list[Push]) -> str:
    """What each transmission is doing: the message when they do not all end in time."""
    rows = Transmission.objects.in_bulk([p.transmission_id for p in pushes])
    return "\n".join(
        f"{p.label}: {rows[p.transmission_id].status} (attempts {rows[p.transmission_id].attempts}, "
        f"{rows[p.transmission_id].failure_code or 'no failure code'})"
        for p in pushes
    )


def _wait_until_all_final(pushes: list[Push]) -> dict[str, Transmission]:
    ids = [p.transmission_id for p in pushes]
    deadline = time.monotonic() + ALL_FINAL_WITHIN_SECONDS
    while time.monotonic() < deadline:
        rows = Transmission.objects.in_bulk(ids)
        if all(row.is_final for row in rows.values()):
            return {p.label: rows[p.transmission_id] for p in pushes}
        time.sleep(0.2)
    pytest.fail(
        f"not all final after {ALL_FINAL_WITHIN_SECONDS}s (a deadlock or a lost task?):\n{_states(pushes)}"
    )


def _assert_in_force(audience: Audience, voters: int) -> None:
    assert audience.status == AudienceStatus.READY, (audience.l2_segment_name, audience.status_reason)
    assert (audience.voter_count, member_count(audience.current_version_id)) == (voters, voters), (
        audience.l2_segment_name
    )


def test_two_workers_load_ten_concurrent_pushes_and_the_newest_universe_is_in_force(
    live_server, worker_factory, org_a, org_b, l2_secret, tmp_path
):
    # One worker serves the ingest queue alone, as a machine set aside for loads would; the other both queues.
    workers = [
        worker_factory(concurrency=2, queues=queues, L2_SEGMENT_BUSY_RETRY_SECONDS=BUSY_RETRY_SECONDS)
        for queues in ("ingest", "ingest,default")
    ]
    segments, refreshes = _new_segments(org_a, org_b), _refreshes(org_a)
    folder = tmp_path / "sent"
    folder.mkdir()

    _send_all_at_once(f"{live_server.url}/api/l2/v1/transmissions", l2_secret, segments, refreshes, folder)
    outcome = _wait_until_all_final(segments + refreshes)

    # The refreshes arrived in their sending order, so receipt order and date_created disagree throughout.
    received = [outcome[p.label].received_at for p in refreshes]
    assert received == sorted(received)

    # No load was interrupted (a deadlock, a lost connection) and run again: one attempt each.
    assert {label: t.attempts for label, t in outcome.items()} == {label: 1 for label in outcome}

    for push in segments:
        transmission = outcome[push.label]
        assert transmission.status == TransmissionStatus.SUCCEEDED, (push.label, transmission.failure_code)
        assert transmission.voters_accepted == push.voters
        audience = Audience.objects.get(
            organization__account_id=push.account_id, l2_segment_name=push.segment
        )
        assert audience.current_version_id == transmission.version_id
        _assert_in_force(audience, push.voters)

    # Of the refreshes, the one built last (sent first) is in force, whatever order the workers took them in.
    newest = refreshes[0]
    audience = Audience.objects.get(organization=org_a, l2_segment_name=newest.segment)
    winner = outcome[newest.label]
    assert winner.status == TransmissionStatus.SUCCEEDED, winner.failure_code
    assert audience.current_version_id == winner.version_id
    assert audience.current_version.source_created_at == newest.date_created
    _assert_in_force(audience, newest.voters)
    for push in refreshes[1:]:
        transmission = outcome[push.label]
        if transmission.status == TransmissionStatus.SUPERSEDED:
            assert transmission.version_id is None  # nothing of it was loaded
        else:
            # Loaded while an older universe was in force, then replaced by a newer one.
            assert transmission.status == TransmissionStatus.SUCCEEDED, (push.label, transmission.status)
            assert transmission.version.number < audience.current_version.number
            assert transmission.version.source_created_at == push.date_created
            assert member_count(transmission.version_id) == push.voters

    # Nothing half-done is left: no version loading, no transmission waiting, no members file stored.
    assert not AudienceVersion.objects.filter(state=VersionState.LOADING).exists()
    assert not Transmission.objects.exclude(
        status__in=[TransmissionStatus.SUCCEEDED, TransmissionStatus.SUPERSEDED]
    ).exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []

    # Both workers took part, both are still running, and neither logged a voter.
    for worker in workers:
        assert worker.process.poll() is None
        assert "l2_ingest.ingest_transmission" in worker.log(), worker.log_path
        assert "LALOH" not in worker.log()
