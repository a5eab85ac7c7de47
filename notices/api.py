"""``/api/v1/notifications/``: the signed-in user's notices, and marking them read (docs/notices.md).

Notices are per user: the API lists and marks only the caller's own, of all their organizations; the
X-IAA-OW-ID header, if sent, narrows both to one of them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_scope import ORGANIZATION_HEADER, IsOrganizationMember
from iqm_portal.api import IdField, validated

from .models import Notice
from .selectors import notice_list, unread_notice_count
from .services import notices_mark_read

TAGS = ["notifications"]
# The most IDs one request may mark: a page of the list is at most 200.
MAX_IDS = 1000

NOTICE_ORGANIZATION_PARAMETER = OpenApiParameter(
    ORGANIZATION_HEADER,
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="The account ID of one of your organizations: only its notices. "
    "Default: the notices of all your organizations.",
    examples=[OpenApiExample("An account ID", value=123456)],
)


class InNamedOrganization(IsOrganizationMember):
    """Without the X-IAA-OW-ID header, every notice of the caller; with it, only that organization's, and
    naming one the caller is not a member of is a 403, as everywhere in the API."""

    def has_permission(self, request, view) -> bool:
        request.notice_organization = None
        if not request.headers.get(ORGANIZATION_HEADER):
            return bool(request.user and request.user.is_authenticated)
        if not super().has_permission(request, view):
            return False
        request.notice_organization = request.organization
        return True


class NoticeOrganizationOutput(serializers.Serializer):
    account_id = serializers.IntegerField(
        help_text="The organization's ID, as under My Profile › Organizations."
    )
    name = serializers.CharField()


class NoticeOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", help_text="The kind, in words.")
    link = serializers.CharField(
        source="portal_path", help_text="Where to act on it: a path in the portal (empty when none)."
    )
    read = serializers.BooleanField(source="is_read")
    organization = NoticeOrganizationOutput(help_text="The organization the notice is about.")

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "link",
            "created_at",
            "read",
            "read_at",
            "organization",
        ]


class NoticeReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=MAX_IDS,
        help_text="The notices to mark read. IDs of notices that are not yours are ignored.",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notice read.")

    def validate(self, data):
        if data["all"] and "ids" in data:
            raise serializers.ValidationError('Give "ids" or "all": true, not both.')
        if not data["all"] and "ids" not in data:
            raise serializers.ValidationError(
                {"ids": ['Give the IDs of the notices to mark read, or "all": true.']}
            )
        return data


class NoticeReadOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notices this request marked read.")
    unread = serializers.IntegerField(help_text="How many of your notices are still unread.")


class _NoticesApi:
    permission_classes = [permissions.IsAuthenticated, InNamedOrganization]
    scope_parameters = [NOTICE_ORGANIZATION_PARAMETER]


class NoticeListApi(_NoticesApi, ListAPIView):
    serializer_class = NoticeOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a request
            return Notice.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in {"true", "1"}
        return notice_list(
            user=self.request.user, unread=unread, organization=self.request.notice_organization
        )

    @extend_schema(
        tags=TAGS,
        summary="List your notices",
        description="Your notices, newest first, each with the organization it is about.",
        parameters=[OpenApiParameter("unread", bool, description="true: only the unread ones.")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NoticeReadApi(_NoticesApi, APIView):
    @extend_schema(
        tags=TAGS,
        summary="Mark notices read",
        request=NoticeReadInput,
        responses=NoticeReadOutput,
        examples=[
            OpenApiExample("Some", value={"ids": [101, 102]}, request_only=True),
            OpenApiExample("All", value={"all": True}, request_only=True),
        ],
    )
    def post(self, request):
        data = validated(NoticeReadInput, request.data)
        organization = request.notice_organization
        marked = notices_mark_read(
            user=request.user, notice_ids=None if data["all"] else data["ids"], organization=organization
        )
        return Response(
            {"marked": marked, "unread": unread_notice_count(user=request.user, organization=organization)}
        )
