"""/api/v1/audiences/{id}/pending-refresh/: look, approve (and trust), decline — per role and organization."""

import pytest

from accounts.models import L2Customer, Role
from audiences.models import Audience, AudienceStatus
from l2_ingest.models import Transmission, TransmissionStatus
from tests.factories import AudienceFactory, MembershipFactory
from tests.l2_ingest.helpers import held_push

pytestmark = pytest.mark.django_db


def url(audience, action: str = "") -> str:
    return f"/api/v1/audiences/{audience.pk}/pending-refresh/" + (f"{action}/" if action else "")


@pytest.fixture
def held(org_a):
    """A Ready audience of org_a's, owned by L2CUST-ANN, and a push from L2CUST-EVE held on it."""
    audience = AudienceFactory(organization=org_a, name="Franklin GOTV", l2_owner_customer_id="L2CUST-ANN")
    return audience, held_push(audience)


def as_role(org, role):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(MembershipFactory(organization=org, role=role).user)
    return client


def test_any_member_sees_what_waits(api, org_a, held):
    audience, transmission = held
    for client in (api, as_role(org_a, Role.VIEWER)):
        response = client.get(url(audience))
        assert response.status_code == 200
        assert response.json() == {
            "kind": "held_push",
            "audience_id": audience.pk,
            "transmission_id": str(transmission.pk),
            "customer_id": "L2CUST-EVE",
            "username": "eve@elsewhere.org",
            "universe_id": "0000100010482",
            "received_at": response.json()["received_at"],
        }


def test_nothing_waiting_is_a_404_problem(api, org_a):
    audience = AudienceFactory(organization=org_a)
    response = api.get(url(audience))
    assert response.status_code == 404 and response.json()["code"] == "no_pending_refresh"
    assert api.post(url(audience, "approve"), {}).json()["code"] == "no_pending_refresh"


def test_approve_queues_the_push_and_moves_ownership(api, member_a, held, django_capture_on_commit_callbacks):
    audience, transmission = held
    with django_capture_on_commit_callbacks() as queued:
        response = api.post(url(audience, "approve"), {"trust": False}, format="json")
    assert response.status_code == 200
    assert response.json()["result"] == "approved" and response.json()["trusted"] is False
    transmission.refresh_from_db()
    assert (transmission.status, transmission.reviewed_by) == (TransmissionStatus.QUEUED, member_a)
    assert len(queued) == 1  # the ingest task, once committed
    assert Audience.objects.get(pk=audience.pk).l2_owner_customer_id == "L2CUST-EVE"
    assert not L2Customer.objects.exists()
    assert api.post(url(audience, "approve"), {}).status_code == 404  # nothing waits any more


def test_approve_and_trust_names_the_sender(api, org_a, held):
    audience, _ = held
    response = api.post(url(audience, "approve"), {"trust": True}, format="json")
    assert response.json()["trusted"] is True
    assert list(L2Customer.objects.values_list("organization", "customer_id")) == [(org_a.pk, "L2CUST-EVE")]


def test_decline_ends_the_push(api, held):
    audience, transmission = held
    response = api.post(url(audience, "decline"))
    assert response.status_code == 200 and response.json()["result"] == "declined"
    transmission.refresh_from_db()
    assert transmission.status == TransmissionStatus.DECLINED and transmission.members_file == ""


def test_approving_an_audience_awaiting_approval_makes_it_targetable(api, org_a):
    audience = AudienceFactory(
        organization=org_a, status=AudienceStatus.AWAITING_APPROVAL, l2_owner_customer_id="L2CUST-EVE"
    )
    assert api.get(url(audience)).json()["kind"] == "new_segment"
    api.post(url(audience, "approve"), {"trust": True}, format="json")
    audience.refresh_from_db()
    assert audience.status == AudienceStatus.PROCESSING  # factory audiences have no version yet
    assert L2Customer.objects.get().customer_id == "L2CUST-EVE"


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_viewers_cannot_answer(org_a, held, action):
    audience, transmission = held
    response = as_role(org_a, Role.VIEWER).post(url(audience, action), {}, format="json")
    assert response.status_code == 403
    assert Transmission.objects.get(pk=transmission.pk).status == TransmissionStatus.HELD


@pytest.mark.parametrize(("method", "action"), [("get", ""), ("post", "approve"), ("post", "decline")])
def test_another_organization_gets_a_404(api_b, held, method, action):
    audience, transmission = held
    response = getattr(api_b, method)(url(audience, action))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Transmission.objects.get(pk=transmission.pk).status == TransmissionStatus.HELD


def test_the_schema_describes_the_pending_refresh_operations(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/v1/audiences/{id}/pending-refresh/",
        "/api/v1/audiences/{id}/pending-refresh/approve/",
        "/api/v1/audiences/{id}/pending-refresh/decline/",
        "/api/v1/organization/l2-customers/",
        "/api/v1/organization/l2-customers/{id}/",
    } <= set(schema["paths"])
