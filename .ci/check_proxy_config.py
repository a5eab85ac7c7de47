"""The proxy's config, rendered from docker-compose.yml's values as the nginx image renders it, passes nginx -t.

Reads `docker-compose config` on standard input. gunicorn's address becomes 127.0.0.1:8000: nginx -t resolves
upstream names, and the compose service name resolves only inside compose.
"""

import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.proxy import nginx_test, write_standalone_config


def main() -> int:
    environment = yaml.safe_load(sys.stdin)["services"]["proxy"]["environment"]
    values = {name: str(value) for name, value in environment.items() if name.startswith("PROXY_")}
    values["PROXY_UPSTREAM"] = "127.0.0.1:8000"
    with tempfile.TemporaryDirectory() as root:
        result = nginx_test(write_standalone_config(Path(root), values))
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
