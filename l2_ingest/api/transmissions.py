"""The L2 endpoint: ``POST /api/l2/v1/transmissions`` and its signed status resource."""

import logging

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, throttling
from rest_framework.response import Response
from rest_framework.views import APIView

from iqm_portal.client_address import client_address
from iqm_portal.outages import REDIS_ERRORS
from iqm_portal.problems import PROBLEM_CONTENT_TYPE, problem_body

from ..models import Transmission
from ..receiving import Refusal, authenticate_headers, matching_secret, signing_verifier, transmission_receive

logger = logging.getLogger(__name__)


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"
    default_detail = "Too many transmissions; wait and send again."


class L2Throttle(throttling.ScopedRateThrottle):
    """Counts in the cache (Redis), and lets requests through when the cache is out: a 202 never depends
    on Redis (docs/l2-endpoint.md › Responses); the proxy's per-address limit is the backstop meanwhile."""

    scope_attr = "throttle_scope"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except REDIS_ERRORS as error:
            logger.warning("L2 rate limit not counted: the cache is unavailable (%s)", type(error).__name__)
            return True


def _problem(refusal: Refusal) -> Response:
    response = Response(
        problem_body(status=refusal.status, code=refusal.code, detail=refusal.detail),
        status=refusal.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in refusal.headers.items():
        response[name] = value
    return response


def transmission_body(request, transmission: Transmission) -> dict:
    return {
        "id": str(transmission.pk),
        "status": transmission.status,
        "status_url": request.build_absolute_uri(reverse("l2:transmission-status", args=[transmission.pk])),
        "universe_name": transmission.universe_name,
        "account_id": transmission.account_id,
        "segment_name": transmission.segment_name,
    }


class L2View(APIView):
    """Authenticated by signature, not by session or token; never parses the body through DRF."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    parser_classes: list = []
    throttle_classes = [L2Throttle]
    throttle_scope = "l2_transmissions"

    def throttled(self, request, wait):
        raise RateLimited(wait)


class TransmissionCreateView(L2View):
    @extend_schema(exclude=True)
    def post(self, request):
        django_request = request._request
        environ = django_request.META
        content_length = environ.get("CONTENT_LENGTH")
        if content_length:
            content_length, read = int(content_length), django_request.read
        elif environ.get("wsgi.input_terminated"):
            # Chunked upload: the server de-chunks and marks the end, so read the input itself, up to its end.
            content_length, read = None, environ["wsgi.input"].read
        else:
            content_length, read = 0, django_request.read
        try:
            transmission, created = transmission_receive(
                headers=request.headers,
                read=read,
                content_length=content_length,
                content_type=environ.get("CONTENT_TYPE", ""),
                sender_ip=client_address(request),
            )
        except Refusal as refusal:
            logger.info("L2 push refused: %s %s", refusal.status, refusal.code)
            return _problem(refusal)
        return Response(transmission_body(request, transmission), status=202 if created else 200)


class TransmissionStatusView(L2View):
    # L2 polls a transmission about once a second while it loads: a budget of its own, apart from the pushes'.
    throttle_scope = "l2_status"

    @extend_schema(exclude=True)
    def get(self, request, transmission_id):
        try:
            signed = authenticate_headers(request.headers)
            verifier = signing_verifier(signed)  # over an empty body
            matching_secret(verifier, signed)
        except Refusal as refusal:
            return _problem(refusal)
        transmission = Transmission.objects.filter(pk=transmission_id, webhook_id=signed.webhook_id).first()
        if transmission is None:
            return _problem(
                Refusal(404, "not_found", "No transmission with this id was sent with this webhook-id.")
            )
        return Response(
            {
                **transmission_body(request, transmission),
                "progress": round(transmission.progress, 4),
                "rows_read": transmission.rows_read,
                "voters_accepted": transmission.voters_accepted,
                "duplicates": transmission.duplicates,
                "rows_rejected": transmission.rows_rejected,
                "errors": transmission.errors[:20],
                "failure_code": transmission.failure_code or None,
                "failure_reason": transmission.failure_reason or None,
                "received_at": transmission.received_at,
                "started_at": transmission.started_at,
                "finished_at": transmission.finished_at,
            }
        )
