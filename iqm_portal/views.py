import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe
from kombu import Connection

from .outages import is_outage, outage_response
from .problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means not ready; say which kind
        return type(error).__name__
    return None


def _broker_ok() -> str | None:
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    )
    try:
        with broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:
        return type(error).__name__
    return None


@require_GET
@never_cache
def readyz(request):
    """Ready to serve: the database and the Celery broker answer. A 503 names what does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failing = {name: reason for name, reason in checks.items() if reason}
    if failing:
        logger.warning("readiness check failed: %s", failing)
        return JsonResponse(
            {"status": "unavailable", "failing": sorted(failing), "reasons": failing}, status=503
        )
    return JsonResponse({"status": "ok", "checks": {name: "ok" for name in checks}})


@login_required
@require_safe
def home(request):
    """The homepage, where people land after signing in: it launches the apps. It shows no figures of the
    apps, so the platform needs none of them (they stand above it)."""
    return render(request, "home.html")


@require_safe
@cache_control(max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links (the admin site, the API's JSON): point them at
    the icon WhiteNoise serves. A temporary redirect, as its target's hashed name changes with the icon."""
    return redirect(static("favicon.svg"))


@require_GET
def problem(request, code: str = ""):
    """What each problem code of the APIs means: where a problem document's "type" leads."""
    from .problems import CATALOGUE

    status = 404 if code and code not in CATALOGUE else 200
    return render(request, "problems.html", {"catalogue": CATALOGUE, "current": code}, status=status)


def page_not_found(request, exception):
    """404 for a URL no view matches: a problem document for the APIs, templates/404.html for people."""
    if request.path.startswith("/api/"):
        body = problem_body(status=404, code="not_found", detail="Nothing answers at this URL.")
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: an outage (the database, the disk, the storage, Redis) is answered 503 with Retry-After, as a
    problem document for the APIs and a page for people; anything else is a bug, answered 500 (for people,
    templates/500.html, rendered without the request: whatever failed may fail again while rendering)."""
    error = sys.exc_info()[1]
    if error is not None and is_outage(error):
        return outage_response(request, error)
    if request.path.startswith("/api/"):
        body = problem_body(status=500, code="internal_error", detail="Something went wrong on our side.")
        return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
    return defaults.server_error(request)
