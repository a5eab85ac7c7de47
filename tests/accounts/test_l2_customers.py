"""An organization's named L2 customers: My Profile › Organizations and /api/v1/organization/l2-customers/."""

import pytest
from rest_framework.test import APIClient

from accounts.models import L2Customer, Role
from accounts.services import l2_customer_add
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/organization/l2-customers/"


def member(org, role=Role.ADMIN):
    return MembershipFactory(organization=org, role=role).user


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_members_list_their_own_organizations_customers_only(org_a, org_b):
    l2_customer_add(organization=org_a, customer_id="L2CUST-ANN")
    l2_customer_add(organization=org_b, customer_id="L2CUST-BOB")
    response = api_as(member(org_a, Role.VIEWER)).get(API)
    assert response.status_code == 200
    assert [c["customer_id"] for c in response.json()] == ["L2CUST-ANN"]


def test_an_admin_adds_and_removes_a_customer(org_a):
    admin = member(org_a)
    client = api_as(admin)
    created = client.post(API, {"customer_id": " L2CUST-889 "}, format="json")
    assert created.status_code == 201
    assert created.json()["customer_id"] == "L2CUST-889" and created.json()["added_by"] == admin.username
    again = client.post(API, {"customer_id": "L2CUST-889"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "l2_customer_exists"
    assert client.delete(f"{API}{created.json()['id']}/").status_code == 204
    assert not L2Customer.objects.exists()


@pytest.mark.parametrize(
    "body", [{"customer_id": ""}, {"customer_id": "x" * 129}, {}, {"customer_id": "a\x00b"}]
)
def test_a_bad_customer_id_is_400(org_a, body):
    response = api_as(member(org_a)).post(API, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_only_admins_change_the_list(org_a, role):
    customer = l2_customer_add(organization=org_a, customer_id="L2CUST-ANN")
    client = api_as(member(org_a, role))
    assert client.post(API, {"customer_id": "L2CUST-NEW"}, format="json").status_code == 403
    assert client.delete(f"{API}{customer.pk}/").status_code == 403
    assert list(L2Customer.objects.values_list("customer_id", flat=True)) == ["L2CUST-ANN"]


def test_another_organizations_customer_cannot_be_removed(org_a, org_b):
    theirs = l2_customer_add(organization=org_b, customer_id="L2CUST-BOB")
    assert api_as(member(org_a)).delete(f"{API}{theirs.pk}/").status_code == 404
    assert L2Customer.objects.filter(pk=theirs.pk).exists()


def test_the_organizations_page_lists_them_and_lets_admins_change_them(client, org_a, org_b, password):
    l2_customer_add(organization=org_a, customer_id="L2CUST-ANN")
    l2_customer_add(organization=org_b, customer_id="L2CUST-BOB")
    admin = member(org_a)
    client.force_login(admin)
    page = client.get("/profile/organizations/")
    assert b"L2CUST-ANN" in page.content and b"L2CUST-BOB" not in page.content
    assert b"Add L2 customer" in page.content

    added = client.post("/profile/organizations/l2-customers/", {"customer_id": "L2CUST-NEW"}, follow=True)
    assert b"L2CUST-NEW is now one of your L2 customers" in added.content
    duplicate = client.post(
        "/profile/organizations/l2-customers/", {"customer_id": "L2CUST-NEW"}, follow=True
    )
    assert b"already one of" in duplicate.content

    new = L2Customer.objects.get(customer_id="L2CUST-NEW")
    client.post(f"/profile/organizations/l2-customers/{new.pk}/delete/")
    assert not L2Customer.objects.filter(pk=new.pk).exists()
    theirs = L2Customer.objects.get(customer_id="L2CUST-BOB")
    assert client.post(f"/profile/organizations/l2-customers/{theirs.pk}/delete/").status_code == 404


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_other_roles_see_the_list_without_the_controls(client, org_a, role):
    customer = l2_customer_add(organization=org_a, customer_id="L2CUST-ANN")
    client.force_login(member(org_a, role))
    page = client.get("/profile/organizations/")
    assert b"L2CUST-ANN" in page.content and b"Add L2 customer" not in page.content
    assert client.post("/profile/organizations/l2-customers/", {"customer_id": "X"}).status_code == 403
    assert client.post(f"/profile/organizations/l2-customers/{customer.pk}/delete/").status_code == 403
    assert L2Customer.objects.count() == 1
