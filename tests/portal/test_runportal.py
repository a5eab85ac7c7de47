"""`make run`'s process, runportal, stops everything it started: on Ctrl-C, and on the SIGTERM a process
manager or `docker stop` sends."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import free_port


def descendants(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            child = int(entry.name)
            found |= {child} | descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_runportal_stops_its_web_server_and_worker(tmp_path, stop):
    env = {
        **{
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        },
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),  # the embedded default: SQLite and the file-system broker, here
        "DEMO_PASSWORD": "a-demo-password-for-this-test",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)
    port = free_port()
    portal = subprocess.Popen(
        [*manage, "runportal", "--addr", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and portal.poll() is None, "runportal did not come up"
                time.sleep(0.3)
        children = descendants(portal.pid)
        assert len(children) >= 2  # the web server and the worker, at least

        portal.send_signal(stop)
        portal.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in children if alive(pid)] == []
    finally:
        if portal.poll() is None:
            portal.kill()
