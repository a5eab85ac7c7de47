"""Web and workers on separate machines share nothing but the database, the broker and an S3 bucket
(docs/scaling.md): configured as README › "Storage shared by web and worker on several machines" says, a
real gunicorn stores each accepted members file in the bucket and two workers, each with a media folder of
its own, read it back from there."""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from moto.server import ThreadedMotoServer

from audiences.models import Audience, AudienceStatus
from audiences.voter_store import member_count
from l2_ingest.models import Transmission, TransmissionStatus
from l2_ingest.sender import send_universe
from tests.l2_ingest.helpers import ids_file
from tests.servers import free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BUCKET = "iqm-transmissions"
PREFIX = "transmissions"
ALL_FINAL_WITHIN_SECONDS = 60  # far beyond what four small loads need; a lost file fails instead of hanging


@pytest.fixture
def s3_bucket(monkeypatch):
    """An S3 API on this machine (moto's server) with one bucket; the environment that points the portal at it.

    The bucket keeps versions, so what was stored in it and deleted since can still be listed.
    """
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "test-only", "AWS_SECRET_ACCESS_KEY": "test-only"}
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    env = {
        "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_PREFIX": PREFIX,
        **credentials,
    }
    yield client, env
    server.stop()


def _stored_files(client) -> tuple[list[str], list[str]]:
    """The members files the bucket ever held, and those it holds now."""
    versions = client.list_object_versions(Bucket=BUCKET).get("Versions", [])
    current = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return sorted(v["Key"] for v in versions), sorted(o["Key"] for o in current)


def test_two_workers_load_pushes_from_the_bucket_the_web_process_stored_them_in(
    gunicorn_factory, worker_factory, s3_bucket, org_a, l2_secret, tmp_path
):
    client, env = s3_bucket
    media_folders = [tmp_path / "media-a", tmp_path / "media-b", Path(settings.MEDIA_ROOT)]  # the web's last
    workers = [worker_factory(MEDIA_ROOT=folder, **env) for folder in media_folders[:2]]
    url = gunicorn_factory(**env) + "/api/l2/v1/transmissions"
    voters = {f"County {i}": 150 + 25 * i for i in range(4)}
    sent: dict[str, uuid.UUID] = {}

    def send(segment: str, count: int) -> None:
        members = tmp_path / f"{segment}.txt"
        members.write_bytes(ids_file(count, start=10_000 * (len(segment) + count)))
        response = send_universe(url, l2_secret, members, universe_name=f"IQM_{org_a.account_id}_{segment}")
        assert response.status == 202, (segment, response.status, response.body.get("code"))
        sent[segment] = uuid.UUID(response.body["id"])

    threads = [threading.Thread(target=send, args=item) for item in voters.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(sent) == set(voters)

    deadline = time.monotonic() + ALL_FINAL_WITHIN_SECONDS
    while not all(t.is_final for t in Transmission.objects.filter(pk__in=sent.values())):
        if time.monotonic() > deadline:
            states = Transmission.objects.filter(pk__in=sent.values()).values_list("segment_name", "status")
            pytest.fail(f"not all final after {ALL_FINAL_WITHIN_SECONDS}s: {sorted(states)}")
        time.sleep(0.2)

    for segment, count in voters.items():
        transmission = Transmission.objects.get(pk=sent[segment])
        assert transmission.status == TransmissionStatus.SUCCEEDED, (segment, transmission.failure_code)
        audience = Audience.objects.get(organization=org_a, l2_segment_name=segment)
        assert audience.status == AudienceStatus.READY
        assert (audience.voter_count, member_count(audience.current_version_id)) == (count, count)

    # Each file went through the bucket, under the configured prefix, and was deleted once loaded.
    ever, now = _stored_files(client)
    assert len(ever) == len(voters) and all(key.startswith(f"{PREFIX}/l2/") for key in ever), ever
    assert now == []
    # No media folder held one: the bucket was the only way from the web process to the workers.
    assert [p for folder in media_folders for p in folder.rglob("*") if p.is_file()] == []
    for worker in workers:
        assert "l2_ingest.ingest_transmission" in worker.log(), worker.log_path


def test_a_members_file_read_from_the_bucket_goes_to_disk_not_into_memory(s3_bucket, tmp_path):
    """A worker's copy of a members file larger than a few MiB is a temporary file on disk: the memory a
    load takes does not grow with the file (the S3 storage as the settings configure it, in a process of its
    own as a worker is)."""
    _, env = s3_bucket
    probe = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "name = default_storage.save('l2/probe.members', ContentFile(b'LALOH1\\n' * 1_000_000))\n"
        "with default_storage.open(name, 'rb') as stored:\n"
        "    print('on disk' if stored.file._rolled else 'in memory')\n"  # a SpooledTemporaryFile
        "default_storage.delete(name)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env, "FILE_UPLOAD_TEMP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == "on disk"
