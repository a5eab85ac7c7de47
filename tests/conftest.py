import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from tests.proxy import nginx_factory  # noqa: F401  (fixture)
from tests.servers import collected_static, gunicorn_factory  # noqa: F401  (fixtures)
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


class _SignInWithRequest:
    """login() hands authenticate() a request, as django-axes needs of every sign-in (it counts failures
    per username and client address). ``force_login`` needs nothing."""

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post(reverse("login")))
        return super().login(**credentials)


class SignInClient(_SignInWithRequest, Client):
    """Django's test client, signing in as a browser does."""


class SignInAPIClient(_SignInWithRequest, APIClient):
    """DRF's test client, signing in as a browser does."""


@pytest.fixture
def client():
    return SignInClient()


def totp_code(device, steps_ahead: int = 0) -> str:
    """The code a staff member's authenticator app shows now for their TOTP device (or some steps on)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def staff_user(db):
    """An ops staff member (superuser) of the admin site."""
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_device(staff_user):
    from accounts.services import staff_otp_device_enrol

    return staff_otp_device_enrol(user=staff_user)


def admin_sign_in(client, user, device, password: str = PASSWORD, code: str | None = None):
    """Sign in through the admin site's form: username, password and the authenticator's current code."""
    return client.post(
        reverse("admin:login"),
        {
            "username": user.username,
            "password": password,
            "otp_token": code or totp_code(device),
            "next": reverse("admin:index"),
        },
    )


@pytest.fixture
def ops_client(staff_user, staff_device):
    """A client signed in to the admin site as ops staff, second factor verified."""
    client = SignInClient()
    response = admin_sign_in(client, staff_user, staff_device)
    assert response.status_code == 302 and response.url == reverse("admin:index"), response.content[:2000]
    return client


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
    client = APIClient()
    client.force_login(member_a)
    return client


@pytest.fixture
def api_b(member_b):
    client = APIClient()
    client.force_login(member_b)
    return client


@pytest.fixture
def password():
    return PASSWORD
