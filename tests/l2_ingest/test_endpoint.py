"""The L2 push endpoint against L2_TRANSMISSION.md: every status code and signature case."""

import datetime as dt
import random
import time

import pytest
from django.core.files.storage import default_storage

from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.services import partner_secret_create, partner_secret_revoke
from l2_ingest.signing import generate_secret, sign
from tests.l2_ingest.helpers import CONTENT_TYPE, ids_file, metadata, multipart, push, signed

pytestmark = pytest.mark.django_db

URL = "/api/l2/v1/transmissions"


@pytest.fixture
def body():
    return multipart(metadata(cardinality=3, date_created="2026-10-02 09:14:55-0400"), ids_file(3))


def assert_problem(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    document = response.json()
    assert document["status"] == status
    assert document["code"] == code
    assert document["title"] and document["detail"] and document["type"].endswith(code)
    return document


def test_a_valid_push_is_accepted_stored_and_queued_once(
    client, org_a, l2_secret, body, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = push(client, l2_secret, body)

    assert response.status_code == 202
    data = response.json()
    transmission = Transmission.objects.get()
    assert data == {
        "id": str(transmission.pk),
        "status": "queued",
        "status_url": f"http://testserver/api/l2/v1/transmissions/{transmission.pk}",
        "universe_name": "IQM_123456_CustomSegment",
        "account_id": "123456",
        "segment_name": "CustomSegment",
    }
    assert transmission.organization == org_a
    assert transmission.status == TransmissionStatus.QUEUED
    assert (transmission.cardinality, transmission.universe_id) == (3, "0000100010482")
    assert transmission.date_created == dt.datetime(2026, 10, 2, 13, 14, 55, tzinfo=dt.UTC)
    with default_storage.open(transmission.members_file, "rb") as stored:
        assert stored.read() == ids_file(3)
    assert len(callbacks) == 1  # exactly one task, sent after the commit


def test_the_same_webhook_id_and_body_returns_the_original(client, org_a, l2_secret, body):
    first = push(client, l2_secret, body, webhook_id="msg_same")
    again = push(client, l2_secret, body, webhook_id="msg_same")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Transmission.objects.count() == 1


def test_the_same_webhook_id_with_another_body_is_a_conflict(client, org_a, l2_secret, body):
    push(client, l2_secret, body, webhook_id="msg_same")
    other = multipart(metadata(), ids_file(4))
    assert_problem(push(client, l2_secret, other, webhook_id="msg_same"), 409, "webhook_id_reused")
    assert Transmission.objects.count() == 1


@pytest.mark.parametrize(
    ("meta", "members", "detail"),
    [
        (None, ids_file(1), "metadata"),
        (metadata(), None, "members"),
        ("[1, 2]", ids_file(1), "JSON object"),
        ("{not json", ids_file(1), "not valid JSON"),
        ({"universe_id": "1"}, ids_file(1), "universe_name"),
        ({"universe_name": "IQM_123456_X"}, ids_file(1), "universe_id"),
        (metadata(cardinality="many"), ids_file(1), "cardinality"),
        (metadata(date_created="yesterday"), ids_file(1), "date_created"),
    ],
)
def test_malformed_requests_are_400_and_say_what_is_wrong(
    client, org_a, l2_secret, media_files, meta, members, detail
):
    response = push(client, l2_secret, multipart(meta, members))
    assert detail in assert_problem(response, 400, "malformed_request")["detail"]
    assert Transmission.objects.count() == 0 and media_files() == []


def test_members_sent_as_a_plain_field_is_refused_with_a_hint(client, org_a, l2_secret):
    response = push(client, l2_secret, multipart(metadata(), ids_file(1), members_as_field=True))
    assert "file part" in assert_problem(response, 400, "malformed_request")["detail"]


@pytest.mark.parametrize("missing", ["HTTP_WEBHOOK_ID", "HTTP_WEBHOOK_TIMESTAMP", "HTTP_WEBHOOK_SIGNATURE"])
def test_missing_signature_headers_are_401(client, org_a, l2_secret, body, media_files, missing):
    headers = signed(l2_secret, body)
    del headers[missing]
    assert_problem(push(client, l2_secret, body, headers=headers), 401, "signature_missing")
    assert Transmission.objects.count() == 0 and media_files() == []


def test_a_tampered_body_is_401_and_leaves_no_trace(client, org_a, l2_secret, body, media_files):
    headers = signed(l2_secret, body)
    tampered = body.replace(b"LALOH1000", b"LALOH9999")
    assert_problem(push(client, l2_secret, tampered, headers=headers), 401, "signature_invalid")
    assert Transmission.objects.count() == 0 and media_files() == []


def test_a_wrong_secret_is_401(client, org_a, l2_secret, body):
    assert_problem(push(client, generate_secret(), body), 401, "signature_invalid")


def test_a_revoked_secret_no_longer_signs(client, org_a, body):
    record, secret = partner_secret_create(label="old")
    partner_secret_revoke(secret=record)
    assert_problem(push(client, secret, body), 401, "signature_invalid")


def test_one_valid_signature_among_several_is_enough(client, org_a, l2_secret, body):
    headers = signed(l2_secret, body)
    wrong = sign(generate_secret(), headers["HTTP_WEBHOOK_ID"], headers["HTTP_WEBHOOK_TIMESTAMP"], [body])
    headers["HTTP_WEBHOOK_SIGNATURE"] = f"v2,abc {wrong} {headers['HTTP_WEBHOOK_SIGNATURE']}"
    assert push(client, l2_secret, body, headers=headers).status_code == 202


def test_secrets_rotate_without_downtime(client, org_a, l2_secret, body):
    _, new_secret = partner_secret_create(label="new")
    assert push(client, l2_secret, body).status_code == 202
    assert push(client, new_secret, multipart(metadata(), ids_file(5))).status_code == 202


@pytest.mark.parametrize("skew", [301, -301])
def test_timestamps_beyond_300_seconds_are_401(client, org_a, l2_secret, body, skew):
    response = push(client, l2_secret, body, timestamp=int(time.time()) + skew)
    assert_problem(response, 401, "timestamp_out_of_tolerance")


@pytest.mark.parametrize("skew", [295, -295])
def test_timestamps_within_300_seconds_are_accepted(client, org_a, l2_secret, body, skew):
    assert push(client, l2_secret, body, timestamp=int(time.time()) + skew).status_code == 202


def test_invalid_json_with_a_bad_signature_is_401_not_400(client, org_a, l2_secret):
    body = multipart("{not json", ids_file(1))
    assert_problem(push(client, generate_secret(), body), 401, "signature_invalid")


def test_an_oversized_body_with_content_length_is_413_and_nothing_is_stored(
    client, org_a, l2_secret, settings, media_files
):
    settings.L2_MAX_BODY_BYTES = 1000
    body = multipart(metadata(), ids_file(200))
    assert len(body) > 1000
    assert_problem(push(client, l2_secret, body), 413, "payload_too_large")
    assert Transmission.objects.count() == 0 and media_files() == []


def test_a_non_multipart_body_is_415(client, org_a, l2_secret):
    body = b'{"universe_name": "IQM_123456_X"}'
    response = push(client, l2_secret, body, content_type="application/json")
    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("name", "code", "detail"),
    [
        (
            "IQM_[123456]_[CustomSegment]",
            "invalid_universe_name",
            "remove the brackets: IQM_123456_CustomSegment",
        ),
        ("IQM-123456-CustomSegment", "invalid_universe_name", "use underscores"),
        ("IQM_999999_Seg", "unknown_account", "999999"),
    ],
)
def test_routing_failures_are_422_with_a_fix(client, org_a, l2_secret, media_files, name, code, detail):
    response = push(client, l2_secret, multipart(metadata(name=name), ids_file(1)))
    assert detail in assert_problem(response, 422, code)["detail"]
    assert Transmission.objects.count() == 0 and media_files() == []


def test_an_organization_not_accepting_universes_is_422(client, org_a, l2_secret, body):
    org_a.accepts_transmissions = False
    org_a.save()
    assert_problem(push(client, l2_secret, body), 422, "account_not_accepting")


def test_leading_zeros_in_the_account_id_still_route(client, org_a, l2_secret):
    response = push(client, l2_secret, multipart(metadata(name="IQM_000123456_Seg"), ids_file(1)))
    assert response.status_code == 202
    assert Transmission.objects.get().organization == org_a


def test_too_many_requests_are_429_with_retry_after(client, org_a, l2_secret, body, monkeypatch):
    from l2_ingest.api import L2Throttle

    monkeypatch.setattr(
        L2Throttle, "THROTTLE_RATES", {"l2_transmissions": "2/minute", "l2_status": "60/minute"}
    )

    sender = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # a fresh count

    def from_one_sender():
        return push(client, l2_secret, body, headers={**signed(l2_secret, body), "REMOTE_ADDR": sender})

    accepted = [from_one_sender() for _ in range(2)]
    assert [response.status_code for response in accepted] == [202, 202]
    response = from_one_sender()
    assert_problem(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0

    # L2 polling its transmission every second has a budget of its own: never refused for the pushes'.
    first = accepted[0]
    status_url = f"{URL}/{first.json()['id']}"
    webhook_id = Transmission.objects.get(pk=first.json()["id"]).webhook_id
    polls = [
        client.get(
            status_url, REMOTE_ADDR=sender, **signed(l2_secret, b"", webhook_id=webhook_id)
        ).status_code
        for _ in range(30)
    ]
    assert polls == [200] * 30


def test_the_status_resource_is_signed_with_the_transmissions_own_webhook_id(client, org_a, l2_secret, body):
    accepted = push(client, l2_secret, body, webhook_id="msg_status").json()
    url = f"{URL}/{accepted['id']}"

    response = client.get(url, **signed(l2_secret, b"", webhook_id="msg_status"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "queued" and data["progress"] == 0
    assert {"rows_read", "voters_accepted", "duplicates", "rows_rejected", "errors", "received_at"} <= set(
        data
    )

    assert_problem(client.get(url), 401, "signature_missing")
    assert_problem(
        client.get(url, **signed(generate_secret(), b"", webhook_id="msg_status")), 401, "signature_invalid"
    )
    assert client.get(url, **signed(l2_secret, b"", webhook_id="msg_other")).status_code == 404


def test_the_endpoint_never_needs_a_session_or_csrf_token(org_a, l2_secret, body):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert push(strict, l2_secret, body).status_code == 202


def test_a_push_without_content_type_boundary_is_400(client, org_a, l2_secret, body):
    response = push(client, l2_secret, body, content_type="multipart/form-data")
    assert_problem(response, 400, "malformed_request")


def test_content_type_header_default_is_multipart_in_helpers():
    assert CONTENT_TYPE.startswith("multipart/form-data; boundary=")
