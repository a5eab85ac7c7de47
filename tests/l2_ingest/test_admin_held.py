"""Ops answer held pushes in the admin site with the same actions (and services) as the organization."""

import pytest
from django.urls import reverse

from accounts.models import L2Customer
from l2_ingest.models import Transmission, TransmissionStatus
from tests.factories import AudienceFactory
from tests.l2_ingest.helpers import held_push, ids_file, stored_transmission

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:l2_ingest_transmission_changelist"


def held(org, customer: str) -> Transmission:
    return held_push(AudienceFactory(organization=org, l2_owner_customer_id="L2CUST-ANN"), customer)


def test_ops_list_held_and_declined_transmissions(ops_client, org_a):
    waiting = held(org_a, "L2CUST-EVE")
    declined = held(org_a, "L2CUST-MAL")
    Transmission.objects.filter(pk=declined.pk).update(status=TransmissionStatus.DECLINED)
    for status, shown in [("held", waiting), ("declined", declined)]:
        page = ops_client.get(reverse(CHANGELIST), {"status__exact": status})
        assert page.status_code == 200 and list(page.context["cl"].result_list) == [shown]


def test_ops_approve_and_trust_and_decline(ops_client, org_a, staff_user, django_capture_on_commit_callbacks):
    trusted, declined = held(org_a, "L2CUST-EVE"), held(org_a, "L2CUST-MAL")
    finished = stored_transmission(org_a, ids_file(2), segment="Done", status=TransmissionStatus.SUCCEEDED)

    with django_capture_on_commit_callbacks() as queued:
        response = ops_client.post(
            reverse(CHANGELIST),
            {"action": "approve_and_trust", "_selected_action": [trusted.pk, finished.pk]},
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 held transmission(s) approved" in m for m in messages)
    assert any("1 skipped" in m for m in messages)
    trusted.refresh_from_db()
    assert (trusted.status, trusted.reviewed_by) == (TransmissionStatus.QUEUED, staff_user)
    assert L2Customer.objects.get().customer_id == "L2CUST-EVE"
    assert len(queued) == 1

    ops_client.post(reverse(CHANGELIST), {"action": "decline", "_selected_action": [declined.pk]})
    declined.refresh_from_db()
    assert (declined.status, declined.failure_code) == (TransmissionStatus.DECLINED, "declined")
    finished.refresh_from_db()
    assert finished.status == TransmissionStatus.SUCCEEDED
