"""The client's network address, under the one rule the portal trusts proxies by."""

import ipaddress

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str | None:
    """The address a request came from: REMOTE_ADDR, or with NUM_PROXIES proxies in front, the entry of
    X-Forwarded-For that the outermost of them wrote.

    This is the rule the API's rate limits count by (DRF's NUM_PROXIES), so sign-in lockouts and rate limits
    agree on who a client is. An entry that is not an address (a misconfigured proxy) falls back to
    REMOTE_ADDR: a stricter key, never a way around a lockout.
    """
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
