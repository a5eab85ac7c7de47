"""The worker's side: file shapes, counts and figures, thresholds, versions, superseding."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from audiences.models import Audience, AudienceStatus, AudienceVersion, VersionState
from audiences.voter_keys import voter_id_from_key, voter_key
from audiences.voter_store import member_count, member_keys
from history.actors import SYSTEM
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.pipeline import transmission_process
from tests.l2_ingest.helpers import gzipped, ids_file, stored_transmission

pytestmark = pytest.mark.django_db(transaction=True)

EXPORT_HEADER = (
    "LALVOTERID\tVoters_FirstName\tVoters_LastName\tResidence_Addresses_AddressLine\tResidence_Addresses_Zip\t"
    "Voters_Gender\tVoters_Age\tParties_Description\tCounty\tUS_Congressional_District"
)
EXPORT_ROWS = [
    "LALOH100\tJosé\tNúñez\t12 Main St\t04321\tM\t34\tDemocratic\tFRANKLIN\t3",
    "LALOH101\tZoë\tNúñez\t12 MAIN ST \t04321\tF\t31\tDemocratic\tFRANKLIN\t3",
    "LALOH102\tAnn\tLee\t9 Oak Ave\t43004\tF\t70\tRepublican\tDELAWARE\t12",
    "LALNJ555\tBob\tKim\t1 Elm St\t07001\tU\t19\t\tBERGEN\t9",
]


def export(
    rows=EXPORT_ROWS, header=EXPORT_HEADER, *, sep="\t", encoding="latin-1", newline="\r\n", final=True
) -> bytes:
    lines = [header.replace("\t", sep)] + [row.replace("\t", sep) for row in rows]
    return (newline.join(lines) + (newline if final else "")).encode(encoding)


def load(org, members: bytes, **kw) -> Transmission:
    transmission = stored_transmission(org, members, **kw)
    transmission_process(transmission.pk)
    transmission.refresh_from_db()
    return transmission


def current_members(audience: Audience) -> set[str]:
    return {voter_id_from_key(k) for k in member_keys(audience.current_version_id)}


@pytest.mark.parametrize(
    "members",
    [
        pytest.param(ids_file(3, header=True), id="ids-with-header"),
        pytest.param(ids_file(3, header=False), id="ids-without-header"),
        pytest.param(
            b"\xef\xbb\xbfLALVOTERID\r\nLALOH1000\r\nLALOH1001\r\nLALOH1002",
            id="utf8-bom-crlf-no-final-newline",
        ),
        pytest.param(b"lalvoterid\nlaloh1000\n  LALOH1001  \nLALOH1002\n", id="lower-case-and-spaces"),
        pytest.param(gzipped(ids_file(3)), id="gzip"),
        pytest.param(
            b'LALVoterID,Voters_FirstName\r\nLALOH1000,Ren\xe9e\r\nLALOH1001,Ana\r\n"LALOH1002","Li, Jr"\r\n',
            id="comma-latin1-quoted",
        ),
    ],
)
def test_every_file_shape_loads_the_same_voters(org_a, members):
    transmission = load(org_a, members)
    assert transmission.status == TransmissionStatus.SUCCEEDED, transmission.failure_reason
    audience = transmission.audience
    assert audience.status == AudienceStatus.READY
    assert current_members(audience) == {"LALOH1000", "LALOH1001", "LALOH1002"}
    assert (transmission.voters_accepted, transmission.rows_read, transmission.progress) == (3, 3, 1.0)
    assert not default_storage.exists(transmission.members_file or "gone")  # the voters' file is not kept


def test_a_full_export_gives_exact_counts_and_figures(org_a):
    transmission = load(org_a, export())
    assert transmission.status == TransmissionStatus.SUCCEEDED, transmission.failure_reason
    audience = Audience.objects.get()
    version = audience.current_version
    assert (audience.voter_count, version.voter_count) == (4, 4)
    # 12 Main St / 04321 twice (case and spaces aside): three households.
    assert (audience.household_count, transmission.households) == (3, 3)
    stats = version.stats
    assert stats["state"] == [["OH", 3], ["NJ", 1]]
    assert dict(stats["party"]) == {"Democratic": 2, "Republican": 1, "Unknown": 1}
    assert stats["gender"] == [["Female", 2], ["Male", 1], ["Unknown", 1]]
    assert stats["age_band"] == [["18–24", 1], ["25–34", 2], ["65+", 1]]
    assert dict(stats["county"]) == {"Franklin": 2, "Delaware": 1, "Bergen": 1}
    assert stats["congressional_district"] == [["3", 2], ["9", 1], ["12", 1]]
    assert audience.l2_universe_id == "0000100010482" and audience.l2_sender == "jdoe@campaign.org"


def test_zip_codes_keep_their_leading_zeros_when_counting_households(org_a):
    rows = [
        "LALOH1\tA\tB\t1 Elm St\t01234\tF\t40\tGreen\tX\t1",
        "LALOH2\tA\tB\t1 Elm St\t1234\tF\t40\tGreen\tX\t1",
    ]
    assert load(org_a, export(rows)).households == 2


def test_duplicates_count_once_and_are_reported(org_a):
    members = b"LALVOTERID\nLALOH1\nLALOH2\nLALOH1\nlaloh2\nLALOH3\n"
    transmission = load(org_a, members)
    assert (transmission.voters_accepted, transmission.duplicates, transmission.rows_read) == (3, 2, 5)
    assert member_count(transmission.audience.current_version_id) == 3


def test_households_are_zero_when_every_address_is_empty_and_unknown_without_the_column(org_a):
    no_address = [
        row.replace("12 Main St", "")
        .replace("12 MAIN ST ", "")
        .replace("9 Oak Ave", "")
        .replace("1 Elm St", "")
        for row in EXPORT_ROWS
    ]
    assert load(org_a, export(no_address)).households == 0
    assert load(org_a, ids_file(3), segment="IdsOnly").households is None


def test_a_voter_listed_twice_counts_once_in_every_figure_by_their_first_line(org_a):
    rows = [
        "LALOH100\tA\tB\t12 Main St\t04321\tM\t34\tDemocratic\tFRANKLIN\t3",
        "LALOH101\tA\tB\t12 MAIN ST\t04321\tF\t31\tDemocratic\tFRANKLIN\t3",
        "laloh100\tA\tB\t9 Elsewhere Rd\t99999\tF\t70\tRepublican\tDELAWARE\t12",  # LALOH100 again
        "LALOH102\tA\tB\t1 Oak Ave\t43004\tF\t70\tGreen\tDELAWARE\t12",
    ]
    transmission = load(org_a, export(rows))
    assert transmission.status == TransmissionStatus.SUCCEEDED, transmission.failure_reason
    assert (transmission.voters_accepted, transmission.duplicates, transmission.rows_read) == (3, 1, 4)
    assert member_count(transmission.audience.current_version_id) == 3
    assert transmission.households == 2  # 12 Main St (two voters) and 1 Oak Ave; not the repeat's address
    stats = transmission.audience.current_version.stats
    assert dict(stats["party"]) == {"Democratic": 2, "Green": 1}
    assert dict(stats["county"]) == {"Franklin": 2, "Delaware": 1}
    assert sum(n for _, n in stats["age_band"]) == 3
    assert set(transmission.phase_seconds) == {
        "waiting",
        "reading",
        "loading",
        "indexing",
        "counting",
        "switching",
    }


def test_rejected_rows_are_reported_by_line_and_reason_never_content(org_a):
    good = [f"LALOH{i}" for i in range(1, 40)]
    members = ("LALVOTERID\n" + "\n".join([*good[:10], "SECRETNAME123", *good[10:]])).encode()
    transmission = load(org_a, members)
    assert transmission.status == TransmissionStatus.SUCCEEDED
    assert transmission.rows_rejected == 1
    assert transmission.errors == [{"line": 12, "reason": "LALVOTERID is not LAL + 2-letter state + digits"}]
    assert "SECRETNAME" not in str(Transmission.objects.values().get())


def test_at_most_twenty_errors_are_kept(org_a):
    lines = ["LALVOTERID"] + [f"LALOH{i}" for i in range(1, 1001)] + ["bad"] * 30
    transmission = load(org_a, "\n".join(lines).encode())
    assert transmission.rows_rejected == 30 and len(transmission.errors) == 20


def test_exactly_five_percent_rejected_loads(org_a):
    lines = ["LALVOTERID"] + [f"LALOH{i}" for i in range(95)] + ["junk"] * 5
    transmission = load(org_a, "\n".join(lines).encode())
    assert transmission.status == TransmissionStatus.SUCCEEDED and transmission.voters_accepted == 95


def test_more_than_five_percent_rejected_fails_the_file(org_a):
    lines = ["LALVOTERID"] + [f"LALOH{i}" for i in range(94)] + ["junk"] * 6
    transmission = load(org_a, "\n".join(lines).encode())
    assert transmission.status == TransmissionStatus.FAILED
    assert transmission.failure_code == "too_many_rejected_rows"
    assert "6 of 100 rows" in transmission.failure_reason
    audience = Audience.objects.get()
    assert audience.status == AudienceStatus.FAILED and audience.current_version is None
    assert AudienceVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("members", "code", "words"),
    [
        (b"Voters_FirstName\tCounty\nAnn\tX\n", "missing_lalvoterid_column", "no LALVOTERID column"),
        (b"LALOH1,Ann\nLALOH2,Bob\n", "missing_header", "no header row"),
        (b"LALVOTERID\nnope\nnada\n", "no_valid_voters", "2 of 2 rows rejected"),
        (b"LALVOTERID\n", "no_valid_voters", "No valid LALVOTERID"),
        (b"", "empty_file", "empty"),
        (b"\x1f\x8b\x08\x00garbage", "unreadable_file", "cannot be read"),
    ],
)
def test_files_that_can_never_load_fail_once_with_a_reason(org_a, members, code, words):
    transmission = load(org_a, members)
    assert transmission.status == TransmissionStatus.FAILED
    assert transmission.failure_code == code
    assert words in transmission.failure_reason
    assert transmission.attempts == 1
    assert transmission_process(transmission.pk) == "nothing to do"  # never loops


def test_a_failed_refresh_leaves_the_previous_version_in_force(org_a):
    first = load(org_a, ids_file(5))
    audience = first.audience
    version = audience.current_version
    failed = load(org_a, b"Voters_FirstName\nAnn\n")
    audience.refresh_from_db()
    assert failed.status == TransmissionStatus.FAILED
    assert audience.status == AudienceStatus.READY and audience.current_version == version
    assert audience.voter_count == 5 and member_count(version.pk) == 5
    assert list(audience.transmissions.values_list("status", flat=True).order_by("received_at")) == [
        "succeeded",
        "failed",
    ]


def test_a_resend_is_a_new_version_switched_in(org_a):
    first = load(org_a, ids_file(3))
    second = load(org_a, ids_file(7, start=5000))
    audience = Audience.objects.get()
    assert first.audience == second.audience == audience
    assert audience.current_version.number == 2 and audience.voter_count == 7
    assert current_members(audience) == {f"LALOH{5000 + i}" for i in range(7)}
    assert member_count(first.version_id) == 3  # the previous version is still there, for a while


def test_an_older_universe_arriving_late_is_superseded_by_date_created(org_a):
    newer = load(org_a, ids_file(4), date_created=dt.datetime(2026, 10, 3, tzinfo=dt.UTC))
    older = load(org_a, ids_file(9), date_created=dt.datetime(2026, 10, 2, tzinfo=dt.UTC))
    audience = Audience.objects.get()
    assert older.status == TransmissionStatus.SUPERSEDED
    assert audience.current_version_id == newer.version_id and audience.voter_count == 4


def test_without_date_created_the_order_of_receipt_decides(org_a):
    early = stored_transmission(org_a, ids_file(9))
    late = load(org_a, ids_file(4))
    transmission_process(early.pk)
    early.refresh_from_db()
    assert early.status == TransmissionStatus.SUPERSEDED
    assert Audience.objects.get().current_version_id == late.version_id


def test_segments_are_per_organization(org_a, org_b):
    a = load(org_a, ids_file(2))
    b = load(org_b, ids_file(3))
    assert a.audience != b.audience
    assert a.audience.organization == org_a and b.audience.organization == org_b


def test_voter_ids_too_long_for_an_inline_key_still_load(org_a):
    long_id = "LALOH" + "7" * 18
    transmission = load(org_a, f"LALVOTERID\nLALOH1\n{long_id}\n{long_id}\n".encode())
    assert (transmission.voters_accepted, transmission.duplicates) == (2, 1)
    keys = member_keys(transmission.version_id)
    assert voter_key("LALOH1") in keys and any(k < 0 for k in keys)


def test_pruning_keeps_the_current_and_two_previous_versions(org_a):
    from audiences.services import audience_duplicate, audience_versions_prune

    versions = [load(org_a, ids_file(2, start=i * 10)).version_id for i in range(2)]
    copy = audience_duplicate(
        actor=SYSTEM, audience=Audience.objects.get()
    )  # stays on version 2, beyond the window
    versions += [load(org_a, ids_file(2, start=i * 10)).version_id for i in range(2, 5)]

    assert audience_versions_prune() == 1
    states = dict(AudienceVersion.objects.values_list("pk", "state"))
    assert states[versions[0]] == VersionState.DISCARDED and member_count(versions[0]) == 0
    assert all(states[v] == VersionState.READY for v in versions[1:])
    assert member_count(copy.current_version_id) == 2


def test_a_load_that_keeps_dying_fails_after_the_attempt_limit(org_a, settings):
    settings.L2_MAX_ATTEMPTS = 3
    transmission = stored_transmission(org_a, ids_file(5), attempts=3)
    transmission_process(transmission.pk)
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.FAILED
    assert transmission.failure_code == "too_many_attempts"
    assert transmission_process(transmission.pk) == "nothing to do"


def test_two_transmissions_of_one_segment_never_load_at_once(org_a):
    import psycopg2
    from django.db import connection

    from audiences.services import segment_audience_get_or_create
    from l2_ingest.load_lock import LOCK_NAMESPACE
    from l2_ingest.pipeline import SegmentBusy

    audience, _ = segment_audience_get_or_create(organization=org_a, segment_name="Busy", origin={})
    waiting = stored_transmission(org_a, ids_file(3), segment="Busy")
    other_loader = psycopg2.connect(**connection.get_connection_params())  # another worker, mid-load
    with other_loader.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, audience.pk])
    try:
        with pytest.raises(SegmentBusy):
            transmission_process(waiting.pk)
        waiting.refresh_from_db()
        assert waiting.status == TransmissionStatus.QUEUED and waiting.attempts == 0
    finally:
        other_loader.close()  # its load ends: the lock goes with its connection
    assert transmission_process(waiting.pk) == "succeeded"


def test_an_organization_that_stopped_accepting_fails_the_waiting_transmission(org_a):
    transmission = stored_transmission(org_a, ids_file(3))
    org_a.accepts_transmissions = False
    org_a.save()
    assert transmission_process(transmission.pk) == "failed"
    transmission.refresh_from_db()
    assert (transmission.status, transmission.failure_code) == (
        TransmissionStatus.FAILED,
        "account_not_accepting",
    )
    assert not Audience.objects.exists()
