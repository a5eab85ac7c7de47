"""Real Celery worker processes for the tests, started against the test database and Redis."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from iqm_portal.celery import app


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(
        self, log_dir: Path, extra_env: dict[str, str], concurrency: int, queues: str = "ingest,default"
    ):
        self.nodename = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.log_path = log_dir / f"{self.nodename.split('@')[0]}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DB_CONN_MAX_AGE": "0",
            # Notices' emails stay in the worker: no test reaches an SMTP server.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **extra_env,
        }
        self.concurrency = concurrency
        self.queues = queues
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "WorkerProcess":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iqm_portal",
                "worker",
                "--queues",
                self.queues,
                "--hostname",
                self.nodename,
                "--concurrency",
                str(self.concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited at start; see {self.log_path}:\n{self.log()[-3000:]}")
            if app.control.ping(destination=[self.nodename], timeout=0.5):
                return self
        raise RuntimeError(f"The worker did not answer within {timeout}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole worker, parent and children, as a crashed machine would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def worker_factory(transactional_db, tmp_path):
    """Start real workers: ``worker_factory(**env)``; every one is stopped when the test ends.

    ``queues`` are those the worker consumes: both, as docker-compose.yml runs it, unless a test says.
    """
    app.control.purge()
    started: list[WorkerProcess] = []

    def start(concurrency: int = 1, queues: str = "ingest,default", **extra_env: str) -> WorkerProcess:
        env = {k: str(v) for k, v in extra_env.items()}
        worker = WorkerProcess(tmp_path, env, concurrency, queues).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
