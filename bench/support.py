"""What every benchmark needs: its own database, real processes, and peak-memory readings."""

import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"


def bench_database_url() -> str:
    """The DATABASE_URL of the test suite, with a database of the benchmark's own."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iqm_portal")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iqm_portal.settings")
    os.environ["MEDIA_ROOT"] = str(VAR / "media")
    os.environ["FILE_UPLOAD_TEMP_DIR"] = str(VAR / "spool")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def child_env(**extra) -> dict:
    # Notices' emails stay in the process: a benchmark reaches no SMTP server.
    email = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    return {**os.environ, "DB_CONN_MAX_AGE": "0", **email, **{k: str(v) for k, v in extra.items()}}


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def reset_peak_rss(pid: int) -> None:
    """Start the process's peak (VmHWM) again from its present size (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "iqm_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "600"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def start_worker(env: dict, pool: str = "solo", hostname: str | None = None) -> subprocess.Popen:
    """A worker in a process group of its own (so it can be killed whole, as a crashed machine dies)."""
    name = ["--hostname", hostname] if hostname else []
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "iqm_portal", "worker", "--pool", pool, "--queues", "ingest,default",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", *name],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def start_beat(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "iqm_portal", "beat", "--loglevel", "WARNING",
         "--schedule", str(VAR / "celerybeat-schedule")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def timed(fn, repeat: int = 1) -> tuple[float, list[float]]:
    """Median seconds of ``repeat`` runs, and all of them."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def row(label: str, value: str, note: str = "") -> str:
    return f"  {label:<52} {value:>14}   {note}"


PART_ROWS = 1_000_000
# One state per part of a large file, so the parts' voter IDs never collide.
PART_STATES = ["OH", "PA", "MI", "GA", "NC", "VA", "WI", "MN", "CO", "AZ", "TX", "FL", "NY", "CA", "IL"]


def _write_part(args) -> None:
    from l2_ingest.generator import write_export

    path, rows, state = args
    write_export(path, rows, seed=2026, states=(state,))


def l2_export(rows: int) -> Path:
    """A synthetic L2 export of ``rows`` rows (20 columns, Latin-1), generated once and kept under var/bench;
    past a million rows, in parts of a million on every core."""
    path = VAR / f"l2_export_{rows}.tsv"
    if path.exists():
        return path
    VAR.mkdir(parents=True, exist_ok=True)
    print(f"Generating {path} …", flush=True)
    if rows <= PART_ROWS:
        _write_part((path, rows, "OH"))
        return path
    sizes = [PART_ROWS] * (rows // PART_ROWS) + ([rows % PART_ROWS] if rows % PART_ROWS else [])
    if len(sizes) > len(PART_STATES):
        raise SystemExit(f"At most {len(PART_STATES) * PART_ROWS:,} rows")
    parts = [(VAR / f"part_{i}.tsv", n, PART_STATES[i]) for i, n in enumerate(sizes)]
    with multiprocessing.Pool() as pool:
        pool.map(_write_part, parts)
    with path.with_suffix(".tmp").open("wb") as out:
        for i, (part, _, _) in enumerate(parts):
            with part.open("rb") as f:
                if i:
                    f.readline()  # one header for the whole file
                shutil.copyfileobj(f, out, 16 << 20)
            part.unlink()
    path.with_suffix(".tmp").rename(path)
    return path


def l2_sender_setup() -> str:
    """The organization pushes go to (ID 123456) and a partner secret to sign them; returns the secret."""
    from accounts.models import Organization
    from l2_ingest.services import partner_secret_create

    Organization.objects.create(account_id=123456, name="Bench")
    return partner_secret_create(label="bench")[1]
