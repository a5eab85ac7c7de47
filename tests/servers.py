"""A real gunicorn serving the portal against the test database (for what only a real server does)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.workers import _database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_log(tmp_path: Path, url: str) -> Path:
    """The output of the gunicorn that gunicorn_factory started at url (access lines with --access-logfile -)."""
    return tmp_path / f"gunicorn-{urlsplit(url).port}.log"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected as for production (hashed names and their manifest), once per session."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


@pytest.fixture
def gunicorn_factory(transactional_db, tmp_path, collected_static):
    started: list[subprocess.Popen] = []

    def start(**extra_env) -> str:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FILE_UPLOAD_TEMP_DIR": str(settings.L2_SPOOL_DIR),
            "STATIC_ROOT": str(collected_static),
            **{k: str(v) for k, v in extra_env.items()},
        }
        log = gunicorn_log(tmp_path, url).open("ab")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "iqm_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                return url
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(Path(log.name).read_text()) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)
