"""Middleware of the platform itself."""

from django.http import JsonResponse


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
