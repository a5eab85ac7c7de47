"""Sign-in cool-off (django-axes): per username and client address together, with a message that says when."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def sign_in(client, username: str, password: str, address: str = "203.0.113.7", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail_until_locked(client, username: str, settings, address: str = "203.0.113.7", **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, username, WRONG, address, **headers)
        assert response.status_code == 200
        assert b"enter a correct username and password" in response.content
    return sign_in(client, username, WRONG, address, **headers)


def test_repeated_failures_lock_that_username_from_that_address(client, member_a, password, settings):
    assert settings.AXES_FAILURE_LIMIT == 5 and dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME

    locked = fail_until_locked(client, member_a.username, settings)

    assert locked.status_code == 429
    assert b"Sign-in is paused" in locked.content
    # Even the right password is refused during the cool-off, with the same page.
    response = sign_in(client, member_a.username, password)
    assert response.status_code == 429
    assert b"Sign-in is paused" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get("/audiences/").status_code == 302


def test_the_page_says_what_happened_and_when_to_try_again(client, member_a, settings):
    locked = fail_until_locked(client, member_a.username, settings)

    last = AccessAttempt.objects.get(username=member_a.username).attempt_time
    until = timezone.localtime(last + dt.timedelta(minutes=15)).strftime("%H:%M")
    content = locked.content.decode()
    assert 'role="alert"' in content
    assert "after 5 failed attempts" in content
    assert f"Try again after {until} UTC" in content
    assert "in about 15 minutes" in content
    # The sign-in form is still there, with the username kept.
    assert f'value="{member_a.username}"' in content and 'name="password"' in content
    assert "enter a correct username and password" not in content


def test_another_address_still_signs_in_as_that_user(client, member_a, password, settings):
    fail_until_locked(client, member_a.username, settings, address="203.0.113.7")

    response = sign_in(client, member_a.username, password, address="198.51.100.20")

    assert response.status_code == 302 and response.url == reverse("home")


def test_the_same_address_still_signs_in_as_another_user(client, member_a, member_b, password, settings):
    fail_until_locked(client, member_a.username, settings)

    assert sign_in(client, member_b.username, password).status_code == 302


def test_a_success_resets_the_count(client, member_a, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, member_a.username, WRONG)
    assert sign_in(client, member_a.username, password).status_code == 302
    client.post(reverse("logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, member_a.username, WRONG).status_code == 200
    assert sign_in(client, member_a.username, password).status_code == 302


def test_sign_in_opens_again_after_the_cool_off(client, member_a, password, settings):
    fail_until_locked(client, member_a.username, settings)
    locked_at = AccessAttempt.objects.get().attempt_time
    # Attempts during the cool-off neither count nor extend it: it runs from the failure that locked.
    assert sign_in(client, member_a.username, WRONG).status_code == 429
    assert sign_in(client, member_a.username, password).status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == locked_at and attempt.failures_since_start == settings.AXES_FAILURE_LIMIT

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1))

    assert sign_in(client, member_a.username, password).status_code == 302


def test_ops_unlock_with_the_reset_command(client, member_a, password, settings):
    fail_until_locked(client, member_a.username, settings)

    call_command("axes_reset_username", member_a.username)

    assert sign_in(client, member_a.username, password).status_code == 302


@pytest.mark.parametrize("num_proxies", [0, 1])
def test_the_address_follows_the_num_proxies_rule(client, member_a, password, settings, num_proxies):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    proxy = "10.0.0.2"
    # The client forges X-Forwarded-For; a trusted proxy appends the address it saw.
    fail_until_locked(client, member_a.username, settings, proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")

    attempt = AccessAttempt.objects.get(username=member_a.username)
    if num_proxies == 0:
        # No proxy trusted: the header is ignored, whatever it says.
        assert attempt.ip_address == proxy
        other = sign_in(client, member_a.username, password, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
        assert other.status_code == 429
    else:
        # One proxy: the entry it wrote, never the one the client forged before it.
        assert attempt.ip_address == "203.0.113.7"
        other = sign_in(client, member_a.username, password, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
        assert other.status_code == 302


def test_the_admin_sign_in_is_locked_the_same_way(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"),
            {"username": staff_user.username, "password": WRONG, "otp_token": "123456"},
            REMOTE_ADDR="203.0.113.7",
        )
    assert response.status_code == 429
    assert b"Sign-in is paused" in response.content and b"errornote" in response.content


def test_the_test_clients_login_counts_too(client, member_a, password, settings):
    # client.login() goes through authenticate() with a request, as django-axes needs: failures count.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert not client.login(username=member_a.username, password=WRONG)
    assert not client.login(username=member_a.username, password=password)
    call_command("axes_reset")
    assert client.login(username=member_a.username, password=password)
