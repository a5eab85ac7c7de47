import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory
from tests.proxy import nginx_factory  # noqa: F401  (fixture)
from tests.servers import gunicorn_factory  # noqa: F401  (fixture)
from tests.workers import worker_factory  # noqa: F401  (fixture)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=3
        ):
            return True
    except OSError:
        return False


def pytest_configure(config):
    # Static files come from the app folders in tests (no collectstatic, no hashed manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_sessionstart(session):
    """The suite runs against real PostgreSQL and Redis: say clearly which one is missing."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The tests need PostgreSQL: set DATABASE_URL=postgres://… (make test does).", returncode=2
        )
    missing = []
    if not _reachable(f"//{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}", 5432):
        missing.append(f"PostgreSQL at {database['HOST']}:{database['PORT'] or 5432} (DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        missing.append("Redis: REDIS_URL is not set")
    elif not _reachable(redis_url, 6379):
        missing.append(f"Redis at {redis_url} (REDIS_URL)")
    if missing:
        pytest.exit(
            "Cannot reach " + "; ".join(missing) + ". Start it, or point the URL elsewhere.", returncode=2
        )


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path):
    """Each test stores transmitted files, and spools bodies, in folders of its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.L2_SPOOL_DIR = tmp_path / "spool"
    settings.FILE_UPLOAD_TEMP_DIR = str(settings.L2_SPOOL_DIR)
    settings.L2_SPOOL_DIR.mkdir()


@pytest.fixture
def org_a(db):
    return OrganizationFactory(account_id=123456, name="Alpha for Ohio")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(account_id=777777, name="Bravo PAC")


@pytest.fixture
def member_a(org_a):
    return MembershipFactory(organization=org_a).user


@pytest.fixture
def member_b(org_b):
    return MembershipFactory(organization=org_b).user


@pytest.fixture
def client_a(client, member_a):
    assert client.login(username=member_a.username, password=PASSWORD)
    return client


@pytest.fixture
def api(member_a):
    """The REST API as a member of org_a, signed in with a session as the browser is."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(member_a)
    return client


@pytest.fixture
def api_b(member_b):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(member_b)
    return client


@pytest.fixture
def password():
    return PASSWORD
