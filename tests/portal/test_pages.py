"""The pages every app shares: the homepage, the favicon, the error pages for people (404, 403, 500)."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from iqm_portal.views import server_error
from tests.conftest import SignInClient
from tests.factories import CampaignFactory, InsertionOrderFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def templates_of(response) -> list[str]:
    return [template.name for template in response.templates]


def test_the_homepage_is_for_signed_in_people(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_homepage_launches_both_apps_and_links_my_profile(client_a, org_a):
    response = client_a.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    for url in ["/audiences/", "/campaigns/", "/profile/"]:
        assert f'href="{url}"' in content
    assert "You are working in <strong>Alpha for Ohio</strong>" in content


def test_signing_in_lands_on_the_homepage(client, member_a, password):
    response = client.post(reverse("login"), {"username": member_a.username, "password": password})
    assert response.status_code == 302 and response.url == "/"


def test_the_favicon_is_linked_from_every_page_and_answers_at_favicon_ico(client):
    login = client.get(reverse("login")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg" type="image/svg\+xml">', login)
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == "/static/favicon.svg"


def test_an_unknown_address_shows_the_portals_404_page_with_its_top_bar(client_a):
    response = client_a.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in templates_of(response) and "base.html" in templates_of(response)
    content = response.content.decode()
    assert "Page not found" in content and 'aria-label="Apps"' in content
    assert 'href="/">Go to the homepage' in content


def test_signed_out_the_404_page_has_no_top_bar(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and b"Page not found" in response.content
    assert b'aria-label="Apps"' not in response.content


def test_under_the_api_a_404_is_still_a_problem_document(client_a):
    response = client_a.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_another_organizations_campaign_is_a_404_page_that_names_nothing_of_it(client, org_a, org_b):
    theirs = CampaignFactory(
        insertion_order=InsertionOrderFactory(organization=org_b), name="Bravo secret push"
    )
    client.force_login(MembershipFactory(organization=org_a).user)
    response = client.get(reverse("campaigns:campaign", args=[theirs.pk]))
    assert response.status_code == 404 and "404.html" in templates_of(response)
    assert b"Bravo secret push" not in response.content and b"Bravo PAC" not in response.content


def test_a_refused_action_shows_a_403_page_saying_why(client, org_a):
    client.force_login(MembershipFactory(organization=org_a, role=Role.VIEWER).user)
    response = client.post(reverse("accounts:l2-customer-create"), {"customer_id": "L2CUST-1"})
    assert response.status_code == 403 and "403.html" in templates_of(response)
    assert b"Only an admin of this organization can change its settings." in response.content


@pytest.mark.urls("tests.portal.error_urls")
def test_a_bug_shows_the_500_page_for_people_and_a_problem_under_the_api(member_a):
    client = SignInClient(raise_request_exception=False)
    client.force_login(member_a)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert templates_of(response) == ["500.html", "base_minimal.html"]
    content = response.content.decode()
    assert "Something went wrong on our side" in content and 'href="/">Go to the homepage' in content
    assert "a bug in a view" not in content  # the error's own words are for the logs

    api = client.get("/api/v1/broken/")
    assert api.status_code == 500 and api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "internal_error"


def test_the_500_page_needs_no_database_and_no_session(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no user, no session: only the template
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500 and b"Something went wrong on our side" in response.content
