"""The contract's Bounds at the endpoint (docs/l2-endpoint.md › Bounds): a 4xx problem, never a 500."""

import datetime as dt
import importlib
import json
import os
import stat

import pytest
from django.db import connection
from django.utils import timezone

from l2_ingest.models import Transmission
from l2_ingest.services import transmissions_requeue_stalled
from l2_ingest.signing import sign
from tests.l2_ingest.helpers import ids_file, metadata, multipart, push, signed, stored_transmission
from tests.l2_ingest.test_endpoint import assert_problem

pytestmark = pytest.mark.django_db


def future(hours: float) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        pytest.param({"date_created": "9999-12-31T23:00:00-05:00"}, "date_created", id="year-10000-in-utc"),
        pytest.param({"date_created": "1999-12-31T23:59:59+00:00"}, "date_created", id="before-2000"),
        pytest.param({"date_created": future(25)}, "date_created", id="more-than-a-day-ahead"),
        pytest.param({"date_created": 1700000000}, "date_created", id="a-number"),
        pytest.param({"cardinality": 2**53}, "cardinality", id="cardinality-2-to-the-53"),
        pytest.param({"cardinality": -1}, "cardinality", id="negative-cardinality"),
        pytest.param({"cardinality": 1.5}, "cardinality", id="fractional-cardinality"),
        pytest.param({"cardinality": True}, "cardinality", id="boolean-cardinality"),
        pytest.param({"cardinality": "\u0661\u0662"}, "cardinality", id="arabic-digit-cardinality"),
        pytest.param({"customer_id": "L2CUST\x00889"}, "customer_id", id="nul-in-a-text"),
        pytest.param({"username": "a\nb@x.org"}, "username", id="line-break-in-a-name"),
        pytest.param({"universe_id": "1" * 65}, "universe_id", id="universe-id-too-long"),
        pytest.param({"app_id": ["VM_OH"]}, "app_id", id="a-list-for-text"),
    ],
)
def test_metadata_out_of_bounds_is_400(client, org_a, l2_secret, media_files, fields, detail):
    response = push(client, l2_secret, multipart(metadata(**fields), ids_file(1)))
    assert detail in assert_problem(response, 400, "malformed_request")["detail"]
    assert Transmission.objects.count() == 0 and media_files() == []


def test_a_lone_surrogate_in_metadata_is_400(client, org_a, l2_secret):
    text = json.dumps(metadata()).replace('"jdoe@campaign.org"', '"jdoe\\ud800@campaign.org"')
    response = push(client, l2_secret, multipart(text, ids_file(1)))
    assert "username" in assert_problem(response, 400, "malformed_request")["detail"]


def test_metadata_over_64_kib_is_400(client, org_a, l2_secret):
    meta = metadata(extra="x" * (64 * 1024))
    response = push(client, l2_secret, multipart(meta, ids_file(1)))
    assert "64 KiB" in assert_problem(response, 400, "malformed_request")["detail"]


def test_deeply_nested_metadata_is_400_not_a_crash(client, org_a, l2_secret):
    response = push(client, l2_secret, multipart("[" * 50_000 + "]" * 50_000, ids_file(1)))
    assert_problem(response, 400, "malformed_request")


@pytest.mark.parametrize(
    "fields",
    [
        {"date_created": future(23)},
        {"date_created": "2000-01-01T00:00:00+00:00"},
        {"cardinality": 2**53 - 1},
        {"cardinality": "1457"},
        {"description": "Likely voters\n\tin Franklin County"},
    ],
)
def test_metadata_at_its_bounds_is_accepted(client, org_a, l2_secret, fields):
    assert push(client, l2_secret, multipart(metadata(**fields), ids_file(1))).status_code == 202


@pytest.mark.parametrize(
    "timestamp",
    ["1" * 13, "\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660", "+1700000000", "1e9", "17 00"],
)
def test_a_timestamp_that_is_not_1_to_12_digits_is_401(client, org_a, l2_secret, timestamp):
    body = multipart(metadata(), ids_file(1))
    headers = {
        "HTTP_WEBHOOK_ID": "msg_ts",
        "HTTP_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_WEBHOOK_SIGNATURE": sign(l2_secret, "msg_ts", timestamp, [body]),
    }
    assert_problem(push(client, l2_secret, body, headers=headers), 401, "timestamp_out_of_tolerance")


def test_a_stored_members_file_is_readable_by_the_service_user_only(client, org_a, l2_secret, settings):
    assert push(client, l2_secret, multipart(metadata(), ids_file(3))).status_code == 202
    stored = os.path.join(settings.MEDIA_ROOT, Transmission.objects.get().members_file)
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(stored)).st_mode) == 0o700


def test_the_repair_migration_forgets_dates_python_cannot_read(org_a):
    """A date stored before the bounds, 10000-01-01 in UTC, broke every read of its row (the sweeper, the
    admin's list); the data migration forgets it, and the rows read again."""
    from django.apps import apps

    transmission = stored_transmission(org_a, ids_file(3))
    Transmission.objects.filter(pk=transmission.pk).update(queued_at=timezone.now() - dt.timedelta(hours=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE l2_ingest_transmission SET date_created = '10000-01-01 04:00:00+00' WHERE id = %s",
            [transmission.pk],
        )
    with pytest.raises((ValueError, OverflowError)):
        list(Transmission.objects.all())

    migration = importlib.import_module("l2_ingest.migrations.0002_held_pushes")
    migration.forget_out_of_range_dates(apps, None)

    assert Transmission.objects.get().date_created is None
    assert transmissions_requeue_stalled() == [str(transmission.pk)]


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "10.0.0.2"), (1, "203.0.113.9")])
def test_the_sender_address_is_read_through_the_trusted_proxies_only(
    client, org_a, l2_secret, settings, proxies, recorded
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    body = multipart(metadata(), ids_file(1))
    headers = {**signed(l2_secret, body), "REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert push(client, l2_secret, body, headers=headers).status_code == 202
    assert Transmission.objects.get().sender_ip == recorded
