"""Run the web server and a Celery worker (with beat) together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the portal for local use: the web server and a real Celery worker with beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("PORTAL_ADDR", "127.0.0.1:8000"))

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
        self.stdout.write(
            self.style.SUCCESS(f"\nIQM audiences portal: http://{addr}/  (Ctrl-C stops web and worker)\n")
        )
        exit_code = 0
        try:
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
