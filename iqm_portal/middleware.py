"""Middleware of the platform itself."""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control


class HealthCheckMiddleware:
    """Answers ``GET /healthz`` before anything else runs, so a load balancer's or a container's probe,
    which asks by address rather than by the portal's host name, is not refused by ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok"})
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class PrivateResponseMiddleware:
    """Every answer to a signed-in request (a page, an htmx fragment, an API answer) carries one
    organization's data: no shared cache and no browser cache may keep it.

    Static files (served by WhiteNoise before this runs) and the public pages keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: DRF's token authentication sets request.user while the view runs.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, private=True, no_store=True)
        return response
