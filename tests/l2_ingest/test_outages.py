"""The L2 endpoint when the database, the disk or the storage is out: 503 with Retry-After, nothing kept,
and the sender's retry succeeds (docs/l2-endpoint.md › Responses)."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from l2_ingest.models import Transmission
from l2_ingest.sender import send_universe, signed_headers
from tests.l2_ingest.helpers import ids_file, metadata, multipart, push

pytestmark = pytest.mark.django_db(transaction=True)


def files_under(*roots) -> list[Path]:
    return [p for root in roots for p in Path(root).rglob("*") if p.is_file()]


def assert_503(status: int, body: dict, headers) -> None:
    assert status == 503
    assert body["code"] == "temporarily_unavailable" and body["status"] == 503
    assert int(headers["Retry-After"]) > 0


def test_the_database_unreachable_is_a_503_for_the_push_and_the_status(
    gunicorn_factory, org_a, l2_secret, tmp_path
):
    import json
    import urllib.error
    import urllib.request

    url = gunicorn_factory(DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing_listens_here")
    members = tmp_path / "ids.txt"
    members.write_bytes(ids_file(3))
    response = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, members, universe_name="IQM_123456_X"
    )
    assert_503(response.status, response.body, response.headers)

    request = urllib.request.Request(
        f"{url}/api/l2/v1/transmissions/{uuid.uuid4()}", headers=signed_headers(l2_secret, [b""])
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert_503(refused.value.code, json.loads(refused.value.read()), refused.value.headers)
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    assert files_under(settings.MEDIA_ROOT, settings.L2_SPOOL_DIR) == []


def test_a_full_disk_is_a_503_that_leaves_no_partial_file(client, org_a, l2_secret, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.l2_ingest.failing_storages.FullDiskStorage"},
    }
    body = multipart(metadata(), ids_file(300))
    response = push(client, l2_secret, body, webhook_id="msg_full")
    assert_503(response.status_code, response.json(), response)
    assert files_under(settings.MEDIA_ROOT, settings.L2_SPOOL_DIR) == []
    assert Transmission.objects.count() == 0

    # Space again: L2's retry of the same push is accepted.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert push(client, l2_secret, body, webhook_id="msg_full").status_code == 202


def test_the_database_gone_after_the_file_is_stored_is_a_503_and_the_file_goes(
    gunicorn_factory, org_a, l2_secret, tmp_path
):
    url = gunicorn_factory(STORAGE_BACKEND="tests.l2_ingest.failing_storages.DatabaseGoneAfterSaveStorage")
    members = tmp_path / "ids.txt"
    members.write_bytes(ids_file(300))
    response = send_universe(
        f"{url}/api/l2/v1/transmissions",
        l2_secret,
        members,
        universe_name="IQM_123456_X",
        webhook_id="msg_db",
    )
    assert_503(response.status, response.body, response.headers)
    assert files_under(settings.MEDIA_ROOT, settings.L2_SPOOL_DIR) == []  # voters' data never stays behind
    assert Transmission.objects.count() == 0

    healthy = gunicorn_factory()
    again = send_universe(
        f"{healthy}/api/l2/v1/transmissions",
        l2_secret,
        members,
        universe_name="IQM_123456_X",
        webhook_id="msg_db",
    )
    assert again.status == 202


def test_redis_unreachable_still_stores_the_push_and_answers_202(
    gunicorn_factory, org_a, l2_secret, tmp_path
):
    """The rate limit (the cache) and the task queue are Redis: with Redis down the push is committed, answered
    202, and waits queued for the sweeper."""
    closed = "redis://127.0.0.1:1/0"
    url = gunicorn_factory(REDIS_URL=closed, CELERY_BROKER_URL=closed)
    members = tmp_path / "ids.txt"
    members.write_bytes(ids_file(3))
    response = send_universe(
        f"{url}/api/l2/v1/transmissions", l2_secret, members, universe_name="IQM_123456_X"
    )
    assert response.status == 202, response.body
    assert Transmission.objects.get(pk=response.body["id"]).status == "queued"
