"""A push waiting for approval, as the Audiences app shows it: on the row and in the details."""

import json

import pytest

from accounts.models import Role
from audiences.models import AudienceStatus
from l2_ingest.models import TransmissionStatus
from tests.factories import AudienceFactory, MembershipFactory
from tests.l2_ingest.helpers import held_push

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(client, org, role):
    client.force_login(MembershipFactory(organization=org, role=role).user)
    return client


def test_editors_see_who_sent_it_and_the_three_answers_on_the_row_and_in_the_details(client, org_a):
    audience = AudienceFactory(organization=org_a, name="Franklin GOTV")
    held_push(audience)
    signed_in(client, org_a, Role.MANAGER)
    for page in (client.get("/audiences/"), client.get(f"/audiences/{audience.pk}/", **HTMX)):
        html = page.content.decode()
        assert "A refresh waits for approval" in html and "L2CUST-EVE" in html and "eve@elsewhere.org" in html
        assert ">Approve<" in html and ">Approve and trust<" in html and ">Decline<" in html


def test_viewers_see_that_a_refresh_waits_without_the_answers(client, org_a):
    audience = AudienceFactory(organization=org_a)
    held_push(audience)
    html = signed_in(client, org_a, Role.VIEWER).get("/audiences/").content.decode()
    assert "A refresh waits for approval" in html and "An admin or manager" in html
    assert ">Approve<" not in html and ">Decline<" not in html
    assert client.post(f"/audiences/{audience.pk}/pending-refresh/approve/", **HTMX).status_code == 403


def test_an_audience_awaiting_approval_says_so_and_a_push_without_customer_cannot_be_trusted(client, org_a):
    AudienceFactory(organization=org_a, status=AudienceStatus.AWAITING_APPROVAL, l2_owner_customer_id="")
    html = signed_in(client, org_a, Role.ADMIN).get("/audiences/").content.decode()
    assert "Awaiting approval" in html and "New segment from an L2 customer you have not named" in html
    assert ">Approve<" in html and ">Approve and trust<" not in html


def test_approving_from_the_page_answers_htmx_with_events(client, org_a):
    audience = AudienceFactory(organization=org_a, name="Franklin GOTV")
    transmission = held_push(audience)
    response = signed_in(client, org_a, Role.ADMIN).post(
        f"/audiences/{audience.pk}/pending-refresh/approve/", {"trust": "true"}, **HTMX
    )
    assert response.status_code == 204
    events = json.loads(response["HX-Trigger"])
    assert events["audiencesChanged"] and events["closeModal"]
    assert "L2CUST-EVE" in events["showMessage"]["text"] and "L2 customers" in events["showMessage"]["text"]
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.QUEUED


def test_declining_without_javascript_returns_to_the_table_with_a_message(client, org_a):
    audience = AudienceFactory(organization=org_a, name="Franklin GOTV")
    transmission = held_push(audience)
    response = signed_in(client, org_a, Role.ADMIN).post(
        f"/audiences/{audience.pk}/pending-refresh/decline/", follow=True
    )
    assert response.redirect_chain[-1][0] == "/audiences/"
    assert "Declined the refresh from L2 customer L2CUST-EVE" in response.content.decode()
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.DECLINED


def test_another_organizations_member_cannot_answer(client, org_a, org_b):
    audience = AudienceFactory(organization=org_a)
    transmission = held_push(audience)
    signed_in(client, org_b, Role.ADMIN)
    for action in ("approve", "decline"):
        assert client.post(f"/audiences/{audience.pk}/pending-refresh/{action}/", **HTMX).status_code == 404
    assert "L2CUST-EVE" not in client.get("/audiences/").content.decode()
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.HELD


def test_the_table_stays_at_a_constant_number_of_queries_with_pushes_waiting(
    client, org_a, django_assert_max_num_queries
):
    signed_in(client, org_a, Role.ADMIN)
    for audience in AudienceFactory.create_batch(3, organization=org_a):
        held_push(audience)
    with django_assert_max_num_queries(20) as few:
        client.get("/audiences/")
    for audience in AudienceFactory.create_batch(30, organization=org_a):
        held_push(audience)
    AudienceFactory.create_batch(10, organization=org_a, status=AudienceStatus.AWAITING_APPROVAL)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/audiences/")
    assert response.content.decode().count("data-pending-refresh") == 43
