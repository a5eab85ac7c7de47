"""Run the web server and a Celery worker (with beat) together; Ctrl-C or SIGTERM stops both."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Start the portal for local use: the web server and a real Celery worker with beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("PORTAL_ADDR", "127.0.0.1:8000"))

    def _wait_until_up(self, addr: str, processes: dict) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes.values()):
                return  # the loop below reports which one stopped
            try:
                urllib.request.urlopen(f"http://{addr}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.3)

    def _banner(self, addr: str) -> None:
        var = settings.VAR_DIR
        password = (var / "demo-password").read_text().strip() if (var / "demo-password").exists() else None
        password = os.environ.get("DEMO_PASSWORD") or password or "(set DEMO_PASSWORD)"
        lines = [
            "",
            f"IQM audiences portal: http://{addr}/",
            f"Demo login: demo / {password}   (organization 123456, Demo Campaigns)",
            "Send the demo organization a universe, as L2 would (in another terminal):",
            f"  L2_SECRET=$(cat {var / 'demo-l2-secret'}) {sys.executable} manage.py l2_send "
            f"{var / 'demo-universe.tsv'} --name IQM_123456_DemoSegment --url http://{addr}/api/l2/v1/transmissions",
            "Ctrl-C stops the web server and the worker.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        embedded = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        worker_cmd = [
            python,
            "-m",
            "celery",
            "-A",
            "iqm_portal",
            "worker",
            "--beat",
            "--queues",
            "ingest,default",
            "--loglevel",
            "INFO",
            # SQLite takes one writer at a time: one worker process keeps the embedded default calm.
            "--concurrency",
            "1" if embedded else str(settings.CELERY_WORKER_CONCURRENCY),
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
        ]
        web_cmd = [python, manage, "runserver", addr, "--noreload"]
        processes = {
            "worker": subprocess.Popen(worker_cmd, start_new_session=True),
            "web": subprocess.Popen(web_cmd, start_new_session=True),
        }
        exit_code = 0
        # A process manager or `docker stop` sends SIGTERM: stop the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._wait_until_up(addr, processes)
            self._banner(addr)
            while True:
                for name, process in processes.items():
                    code = process.poll()
                    if code is not None:
                        self.stderr.write(f"The {name} process stopped (exit {code}); stopping the rest.")
                        exit_code = code or 1
                        raise KeyboardInterrupt
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if exit_code:
            sys.exit(exit_code)
