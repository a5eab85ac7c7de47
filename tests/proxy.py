"""Debian's nginx running deploy/nginx/portal.conf.template, the proxy of docker-compose.yml, in the tests.

The template is rendered as the official nginx image renders it (envsubst, limited to the variables given)
and included in a small main config of its own, with every path under one folder, so it touches nothing else on the
machine. Also used by .ci/check_proxy_config.py.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "portal.conf.template"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

# The tests' values: short timeouts, a small size cap, and limits out of the way unless a test sets them.
TEST_VALUES = {
    "PROXY_L2_MAX_BODY_SIZE": str(1 << 20),
    "PROXY_HEADER_TIMEOUT": "5s",
    "PROXY_BODY_TIMEOUT": "5s",
    "PROXY_UPSTREAM_TIMEOUT": "30s",
    "PROXY_RATE": "1000r/s",
    "PROXY_BURST": "1000",
    "PROXY_CONN_PER_ADDRESS": "100",
    "PROXY_TRUSTED_FORWARDER": "0.0.0.0/32",
}


def program(name: str) -> str:
    """A Debian program's path (nginx lives in /usr/sbin, often outside a user's PATH)."""
    path = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if path is None:
        package = "nginx" if name == "nginx" else "gettext-base"
        raise RuntimeError(
            f"{name} is missing: `make test` installs it as root, or apt-get install {package}"
        )
    return path


def render_template(values: dict[str, str]) -> str:
    """The template as the nginx image renders it: envsubst replaces the variables given, and nothing else."""
    rendered = subprocess.run(
        [program("envsubst"), " ".join(f"${{{name}}}" for name in values)],
        input=TEMPLATE.read_text(),
        env=values,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if unset := sorted(set(re.findall(r"\$\{(PROXY_\w+)\}", rendered))):
        raise ValueError(f"The proxy template needs a value for {', '.join(unset)}")
    return rendered


def write_standalone_config(root: Path, values: dict[str, str]) -> Path:
    """root/nginx.conf: the rendered template inside an http block, with logs and temp files under root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "portal.conf").write_text(render_template(values))
    temp_paths = "\n".join(f"    {name}_temp_path {root / name};" for name in TEMP_DIRS)
    # As root, nginx's workers would otherwise run as nobody, who cannot write in a private test folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = root / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'} info;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {root / 'access.log'};\n{temp_paths}\n    include {root / 'portal.conf'};\n}}\n"
    )
    return config


def nginx_command(config: Path, *options: str) -> list[str]:
    root = config.parent
    return [program("nginx"), "-p", str(root), "-e", str(root / "error.log"), "-c", str(config), *options]


def nginx_test(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(nginx_command(config, "-t"), capture_output=True, text=True)


@dataclass
class Nginx:
    host: str
    port: int
    root: Path

    @property
    def body_temp_dir(self) -> Path:
        return self.root / "client_body"

    def access_log(self) -> str:
        return (self.root / "access.log").read_text()

    def error_log(self) -> str:
        return (self.root / "error.log").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx_factory(tmp_path):
    """start(upstream_url, **values): nginx in front of a server, with TEST_VALUES unless told otherwise."""
    started: list[subprocess.Popen] = []

    def start(upstream_url: str, **values: str) -> Nginx:
        port = _free_port()
        upstream = urlsplit(upstream_url)
        values = {
            **TEST_VALUES,
            "PROXY_LISTEN": f"127.0.0.1:{port}",
            "PROXY_UPSTREAM": f"{upstream.hostname}:{upstream.port}",
            **{name: str(value) for name, value in values.items()},
        }
        root = tmp_path / f"nginx-{port}"
        config = write_standalone_config(root, values)
        process = subprocess.Popen(
            nginx_command(config, "-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return Nginx("127.0.0.1", port, root)
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start:\n{(root / 'error.log').read_text()}")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)
