"""Outages of the portal's own services, for real (a closed port stands for a server that is down): a
503 with Retry-After for the APIs and a page for people when PostgreSQL is out; everything but the queue
keeps working when Redis is out."""

import json
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

from tests.factories import AudienceFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/nothing_listens_here"
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def get(url: str, **headers):
    """(status, headers, body) of a GET, whatever its status."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def session_cookie(user) -> str:
    """A signed-in browser's cookie, made as the sign-in would make it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"sessionid={session.session_key}"


def test_postgresql_down_is_a_503_problem_for_the_api_and_a_page_for_people(gunicorn_factory, member_a):
    token = Token.objects.create(user=member_a).key
    cookie = session_cookie(member_a)
    url = gunicorn_factory(DATABASE_URL=CLOSED_DATABASE)

    status, headers, body = get(f"{url}/api/v1/audiences/", Authorization=f"Token {token}")
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["code"] == "temporarily_unavailable"

    status, headers, body = get(f"{url}/audiences/", Cookie=cookie)
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert headers["Content-Type"].startswith("text/html")
    assert b"Back in a moment" in body and b"nothing was changed" in body

    status, _, body = get(f"{url}/readyz")
    assert status == 503 and json.loads(body)["failing"] == ["database"]


def test_redis_down_leaves_pages_and_the_api_working(gunicorn_factory, member_a, org_a):
    AudienceFactory(organization=org_a, name="Franklin GOTV")
    token = Token.objects.create(user=member_a).key
    cookie = session_cookie(member_a)
    url = gunicorn_factory(REDIS_URL=CLOSED_REDIS, CELERY_BROKER_URL=CLOSED_REDIS)

    status, _, body = get(f"{url}/api/v1/audiences/", Authorization=f"Token {token}")
    assert status == 200 and json.loads(body)["results"][0]["name"] == "Franklin GOTV"
    status, _, body = get(f"{url}/audiences/", Cookie=cookie)
    assert status == 200 and b"Franklin GOTV" in body
