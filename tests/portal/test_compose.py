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
