"""The admin site asks staff for a TOTP code (django-otp); staff enrol with manage.py staff_otp_enrol."""

import logging
from base64 import b32encode
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from tests.conftest import SignInClient, admin_sign_in, totp_code
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def enrol(*args) -> str:
    out = StringIO()
    call_command("staff_otp_enrol", *args, stdout=out)
    return out.getvalue()


def test_enrol_prints_the_provisioning_uri_of_a_confirmed_device_and_logs_no_secret(staff_user, caplog):
    with caplog.at_level(logging.DEBUG):
        out = enrol(staff_user.username)

    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed
    uri = out.strip().splitlines()[-1]
    parsed = urlparse(uri)
    query = parse_qs(parsed.query)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == f"/IQM%20audiences%20portal%3A{staff_user.username}"
    assert query["issuer"] == ["IQM audiences portal"] and query["digits"] == ["6"]
    secret = b32encode(device.bin_key).decode()
    assert query["secret"] == [secret]
    assert all(
        secret not in record.getMessage() and device.key not in record.getMessage()
        for record in caplog.records
    )


def test_enrol_refuses_to_replace_a_device_unless_told(staff_user, staff_device):
    with pytest.raises(CommandError, match=r"already has an authenticator.*--replace"):
        enrol(staff_user.username)
    assert list(TOTPDevice.objects.filter(user=staff_user)) == [staff_device]

    enrol(staff_user.username, "--replace")

    [device] = TOTPDevice.objects.filter(user=staff_user)
    assert device.pk != staff_device.pk and device.key != staff_device.key


def test_enrol_refuses_users_who_are_not_staff_and_unknown_names(member_a):
    with pytest.raises(CommandError, match="not staff"):
        enrol(member_a.username)
    with pytest.raises(CommandError, match="No user"):
        enrol("nobody-by-that-name")
    assert not TOTPDevice.objects.exists()


def test_staff_sign_in_with_password_and_current_code(staff_user, staff_device):
    client = SignInClient()
    response = admin_sign_in(client, staff_user, staff_device)

    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:l2_ingest_transmission_changelist")).status_code == 200


def test_a_wrong_or_missing_code_is_refused(staff_user, staff_device):
    client = SignInClient()
    # A code no step near now has (the device accepts one step of drift either way; the clock may move on).
    near = {totp_code(staff_device, steps) for steps in range(-2, 4)}
    wrong = next(code for code in (f"{n:06d}" for n in range(0, 10**6, 111111)) if code not in near)
    for token, message in [("", b"Enter the 6-digit code"), (wrong, b"That code is not right")]:
        response = client.post(
            reverse("admin:login"),
            {"username": staff_user.username, "password": PASSWORD, "otp_token": token},
        )
        assert response.status_code == 200 and message in response.content
        assert client.get(reverse("admin:index")).status_code == 302


def test_a_code_is_good_once(staff_user, staff_device):
    code = totp_code(staff_device)
    assert admin_sign_in(SignInClient(), staff_user, staff_device, code=code).status_code == 302

    response = admin_sign_in(SignInClient(), staff_user, staff_device, code=code)
    assert response.status_code == 200 and b"already used" in response.content


def test_staff_without_a_device_cannot_reach_the_admin(staff_user):
    client = SignInClient()
    response = client.post(
        reverse("admin:login"), {"username": staff_user.username, "password": PASSWORD, "otp_token": "123456"}
    )
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302
    # Signed in to the portal by password alone (a verified session is what the admin asks for).
    assert client.login(username=staff_user.username, password=PASSWORD)
    response = client.get(reverse("admin:l2_ingest_partnersecret_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert client.post(reverse("admin:l2_ingest_partnersecret_add"), {"label": "x"}).status_code == 302


def test_staff_signed_in_by_password_only_is_asked_for_the_code(staff_user, staff_device):
    client = SignInClient()
    assert client.login(username=staff_user.username, password=PASSWORD)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert b"needs the code of your authenticator app" in response.content
    assert b'name="otp_token"' in response.content


def test_an_organization_admin_is_not_let_in_even_with_a_code(member_a, org_a):
    assert member_a.memberships.get(organization=org_a).role == Role.ADMIN
    device = TOTPDevice.objects.create(user=member_a, name="phone", confirmed=True)
    client = SignInClient()

    response = admin_sign_in(client, member_a, device)

    assert response.status_code == 200 and b"staff account" in response.content
    assert client.get(reverse("admin:index")).status_code == 302


def test_replacing_the_device_ends_admin_sessions_it_verified(ops_client, staff_user):
    assert ops_client.get(reverse("admin:index")).status_code == 200

    enrol(staff_user.username, "--replace")

    response = ops_client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_ops_of_two_organizations_see_both_in_the_admin(ops_client, org_a, org_b):
    MembershipFactory(organization=org_b, user=UserFactory(username="bravo-member"))
    listing = ops_client.get(reverse("admin:accounts_organization_changelist")).content.decode()
    assert "Alpha for Ohio" in listing and "Bravo PAC" in listing
