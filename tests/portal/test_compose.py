"""docker-compose.yml, .env.example and the proxy's template stay in step."""

import re
from pathlib import Path

import yaml

from tests.proxy import TEMPLATE

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_describes_every_variable_compose_reads_and_no_other():
    read = set(re.findall(r"(?<!\$)\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    described = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read == described


def test_compose_gives_the_proxy_every_variable_its_template_uses_and_no_other():
    used = set(re.findall(r"\$\{(PROXY_\w+)\}", TEMPLATE.read_text()))
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["proxy"][
        "environment"
    ]
    assert used and used == {name for name in environment if name.startswith("PROXY_")}


def test_the_image_and_the_package_hold_every_app_of_the_project():
    from django.conf import settings

    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    copied = set(re.findall(r"^COPY (\w+) \./\1$", (ROOT / "Dockerfile").read_text(), re.M))
    packaged = set(re.findall(r'"(\w+)\*"', (ROOT / "pyproject.toml").read_text()))
    assert apps and apps <= copied and apps <= packaged
