"""``/api/v1/audiences/{id}/pending-refresh/``: what waits on an audience for approval, and the answers.

Answers need an admin's or manager's role; any member may look. An audience of another organization is a
404, as if it did not exist.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_scope import OrganizationScopedMixin
from audiences.selectors import audience_list

from ..approvals import (
    PendingRefresh,
    pending_refresh_approve,
    pending_refresh_decline,
    pending_refresh_require,
)


class PendingRefreshOutput(serializers.Serializer):
    kind = serializers.ChoiceField(
        ["held_push", "new_segment"],
        help_text="held_push: a push to this segment from another L2 customer, held; new_segment: the audience "
        "itself came from an L2 customer the organization has not named, and is Awaiting approval.",
    )
    audience_id = serializers.IntegerField()
    transmission_id = serializers.UUIDField(allow_null=True)
    customer_id = serializers.CharField(
        help_text="The sender's L2 customer ID; empty when the push had none."
    )
    username = serializers.CharField(help_text="The L2 user who sent it; may be empty.")
    universe_id = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)


class ApproveInput(serializers.Serializer):
    trust = serializers.BooleanField(
        default=False, help_text="Also name the sender as one of the organization's L2 customers."
    )


class AnswerOutput(serializers.Serializer):
    result = serializers.ChoiceField(["approved", "declined"])
    trusted = serializers.BooleanField()
    pending_refresh = PendingRefreshOutput()


def _document(pending: PendingRefresh) -> dict:
    transmission = pending.transmission
    return {
        "kind": pending.kind,
        "audience_id": pending.audience.pk,
        "transmission_id": transmission.pk if transmission else None,
        "customer_id": pending.customer_id,
        "username": pending.username,
        "universe_id": transmission.universe_id if transmission else None,
        "received_at": pending.received_at,
    }


class _AudienceApi(OrganizationScopedMixin, APIView):
    def audience(self, request, pk):
        return get_object_or_404(audience_list(organization=request.organization), pk=pk)


@extend_schema(tags=["audiences"])
class PendingRefreshApi(_AudienceApi):
    @extend_schema(
        responses={200: PendingRefreshOutput},
        description="What waits on the audience for approval; 404 (no_pending_refresh) when nothing does.",
    )
    def get(self, request, pk: int):
        pending = pending_refresh_require(audience=self.audience(request, pk))
        return Response(PendingRefreshOutput(_document(pending)).data)


@extend_schema(tags=["audiences"])
class PendingRefreshApproveApi(_AudienceApi):
    @extend_schema(
        request=ApproveInput,
        responses={200: AnswerOutput, 409: None},
        description="Approve what waits: a held push loads and its L2 customer owns the segment from then on; "
        "an audience Awaiting approval becomes targetable. With trust, the sender is also named as one of "
        "the organization's L2 customers.",
    )
    def post(self, request, pk: int):
        serializer = ApproveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        trust = serializer.validated_data["trust"]
        pending = pending_refresh_approve(audience=self.audience(request, pk), user=request.user, trust=trust)
        trusted = bool(trust and pending.customer_id)
        return Response({"result": "approved", "trusted": trusted, "pending_refresh": _document(pending)})


@extend_schema(tags=["audiences"])
class PendingRefreshDeclineApi(_AudienceApi):
    @extend_schema(
        request=None,
        responses={200: AnswerOutput, 409: None},
        description="Decline what waits: a held push ends declined and its file is deleted; an audience "
        "Awaiting approval is deleted.",
    )
    def post(self, request, pk: int):
        pending = pending_refresh_decline(audience=self.audience(request, pk), user=request.user)
        return Response({"result": "declined", "trusted": False, "pending_refresh": _document(pending)})
