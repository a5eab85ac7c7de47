"""Response hardening: the Content-Security-Policy, and no caching of what a signed-in user is shown."""

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import SignInClient
from tests.factories import AudienceFactory, CampaignFactory, InsertionOrderFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_pages_carry_a_strict_policy(client_a):
    for response in [SignInClient().get(reverse("login")), client_a.get(reverse("audiences:home"))]:
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        assert "unsafe" not in response["Content-Security-Policy"]


def test_the_api_docs_relax_only_images_and_redocs_styles(client_a):
    swagger = policy(client_a.get(reverse("api-docs")))
    assert swagger["script-src"] == ["'self'"] and swagger["style-src"] == ["'self'"]
    assert swagger["img-src"] == ["'self'", "data:"]
    redoc = policy(client_a.get(reverse("api-redoc")))
    assert redoc["script-src"] == ["'self'"]
    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    # The Swagger UI page loads its start-up script as a file (the split view), not inline.
    page = client_a.get(reverse("api-docs")).content.decode()
    assert not INLINE_SCRIPT.search(page) and not STYLE.search(page)
    script = client_a.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_pages_and_fragments_have_no_inline_script_or_style(client_a, org_a, ops_client):
    audience = AudienceFactory(organization=org_a)
    order = InsertionOrderFactory(organization=org_a)
    campaign = CampaignFactory(insertion_order=order)
    urls = [
        reverse("audiences:home"),
        reverse("audiences:details", args=[audience.pk]),
        reverse("audiences:edit", args=[audience.pk]),
        reverse("campaigns:home"),
        reverse("campaigns:insertion_order", args=[order.pk]),
        reverse("campaigns:campaign", args=[campaign.pk]),
        reverse("accounts:organizations"),
        reverse("accounts:profile"),
        reverse("home"),
        reverse("problems"),
    ]
    for url in urls:
        response = client_a.get(url, HTTP_HX_REQUEST="true") if "edit" in url else client_a.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert not INLINE_SCRIPT.search(content), url
        assert not STYLE.search(content), url
    login = SignInClient().get(reverse("login")).content.decode()
    assert not INLINE_SCRIPT.search(login) and not STYLE.search(login)
    for name in ["admin:index", "admin:login", "admin:accounts_organization_changelist"]:
        content = ops_client.get(reverse(name)).content.decode()
        assert not INLINE_SCRIPT.search(content), name


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_answers_to_signed_in_requests_are_not_stored(client_a, api, org_a, ops_client):
    audience = AudienceFactory(organization=org_a)
    assert private(client_a.get(reverse("audiences:home")))
    # The table alone, as htmx asks for it (a search, a live check), and a pop-up.
    table = client_a.get(reverse("audiences:home"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audience-table")
    assert table.status_code == 200 and private(table)
    assert private(client_a.get(reverse("audiences:details", args=[audience.pk]), HTTP_HX_REQUEST="true"))
    assert private(client_a.get(reverse("api-docs")))
    assert private(client_a.get(reverse("api-schema")))
    assert private(ops_client.get(reverse("admin:index")))
    # The REST API with the browser's session.
    response = api.get("/api/v1/audiences/")
    assert response.status_code == 200 and private(response)


def test_api_answers_to_a_token_are_not_stored(member_a, org_a):
    token = Token.objects.create(user=member_a)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/audiences/")
    assert response.status_code == 200 and private(response)


def test_public_pages_and_static_files_keep_their_caching(client_a, settings):
    # (The sign-in page is never cached anyway: Django's LoginView says so itself.)
    response = SignInClient().get(reverse("problems"))
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
    # Static files are served by WhiteNoise before the header is added, signed in or not.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    static = SignInClient()
    static.cookies = client_a.cookies
    response = static.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
