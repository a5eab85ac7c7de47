"""What a person sees when django-axes pauses sign-in for a username from an address."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.utils import timezone

from .selectors import sign_in_last_failure

LOCKED_OUT = "locked_out"


def lockout_message(request, username: str | None) -> str:
    """Why sign-in is refused and when it opens again (the cool-off runs from the failure that locked)."""
    limit = get_failure_limit(request, None)
    cool_off = get_cool_off(request)
    last = sign_in_last_failure(username=username or "", ip_address=getattr(request, "axes_ip_address", None))
    if last is None or cool_off is None:
        return (
            f"Sign-in is paused for this username from your network address after {limit} failed attempts. "
            "Try again later, or ask IQM support to unlock it."
        )
    until = last + cool_off
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    at = timezone.localtime(until).strftime("%H:%M")
    return (
        f"Sign-in is paused for this username from your network address after {limit} failed attempts. "
        f"Try again after {at} {settings.TIME_ZONE} (in about {minutes} minute{'s' if minutes != 1 else ''}), "
        "or ask IQM support to unlock it."
    )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the sign-in page that already says what happened
    (our sign-in forms put the message in place of "wrong password"), as a 429; anything else gets the
    message as plain text."""
    form = (getattr(original_response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, LOCKED_OUT):
        original_response.status_code = 429
        return original_response
    username = (credentials or {}).get("username")
    return HttpResponse(lockout_message(request, username), status=429, content_type="text/plain")
