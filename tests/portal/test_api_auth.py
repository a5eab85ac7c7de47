"""Who reaches the REST API and its documentation: a token, or the browser's session with its CSRF token."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import SignInAPIClient
from tests.factories import AudienceFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
METHODS = {"get", "post", "put", "patch", "delete"}


def operations(api) -> list[tuple[str, str]]:
    """Every operation the schema lists, so an endpoint added later is covered here too."""
    paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    return [(method, path) for path, item in paths.items() for method in item if method in METHODS]


def test_every_operation_answers_401_with_www_authenticate_without_valid_credentials(api, org_a):
    listed = operations(api)
    assert len(listed) >= 20
    wrong_token = APIClient()
    wrong_token.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    for method, path in listed:
        url = re.sub(r"\{[^}]+\}", "1", path)
        for client, code in [(APIClient(), "not_authenticated"), (wrong_token, "authentication_failed")]:
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == 401, (method, path, response.status_code)
            assert response["WWW-Authenticate"] == "Token", (method, path)
            assert response["Content-Type"] == PROBLEM
            assert response.json()["code"] == code


def test_a_token_works_without_csrf(member_a, org_a):
    audience = AudienceFactory(organization=org_a, name="Mine")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_a).key}")
    assert client.get("/api/v1/audiences/").json()["results"][0]["name"] == "Mine"
    renamed = client.patch(f"/api/v1/audiences/{audience.pk}/", {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"


def test_the_browsers_session_works_and_its_writes_need_the_csrf_token(member_a, org_a, password):
    audience = AudienceFactory(organization=org_a, name="Mine")
    browser = SignInAPIClient(enforce_csrf_checks=True)
    assert browser.login(username=member_a.username, password=password)
    assert browser.get("/api/v1/audiences/").json()["results"][0]["name"] == "Mine"

    forged = browser.patch(f"/api/v1/audiences/{audience.pk}/", {"name": "Forged"}, format="json")
    assert forged.status_code == 403 and forged["Content-Type"] == PROBLEM
    assert "CSRF" in forged.json()["detail"]

    browser.get("/audiences/")  # a page with forms sets the CSRF cookie, as in the browser
    token = browser.cookies["csrftoken"].value
    renamed = browser.patch(
        f"/api/v1/audiences/{audience.pk}/", {"name": "Renamed"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"


def test_the_schema_is_for_signed_in_clients(member_a, org_a, client_a):
    anonymous = APIClient().get("/api/v1/schema/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert anonymous["Content-Type"] == PROBLEM

    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_a).key}")
    assert with_token.get("/api/v1/schema/?format=json").json()["info"]["title"]
    assert client_a.get("/api/v1/schema/").status_code == 200  # the browser's session


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_pages_send_a_signed_out_browser_to_sign_in(client, url, member_a, password):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={url}"
    assert client.login(username=member_a.username, password=password)
    assert client.get(url).status_code == 200
