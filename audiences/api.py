"""The audiences API: the same table, details and operations as the Audiences app, for scripts."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_scope import ORGANIZATION_PARAMETER, OrganizationScopedMixin
from iqm_portal.query import parse_id

from .extensions import audience_feeds, audience_load_progress, audience_uses
from .models import Audience, AudienceStatus, AudienceType
from .selectors import SIZES, AudienceQuery, audience_list, audience_table
from .serializers import (
    AudienceBulkDeleteOutput,
    AudienceBulkDeleteSerializer,
    AudienceDetailSerializer,
    AudienceDuplicateSerializer,
    AudienceListSerializer,
    AudienceUpdateSerializer,
)
from .services import audience_delete, audience_delete_many, audience_duplicate, audience_update

ORGANIZATION = ORGANIZATION_PARAMETER
LIST_PARAMETERS = [
    OpenApiParameter("search", str, description="Search by name (any part) or exact ID."),
    OpenApiParameter("status", str, enum=AudienceStatus.values),
    OpenApiParameter(
        "size",
        str,
        enum=list(SIZES),
        description="Voters: under 10 000, 10 000 to 100 000, 100 000 to 1 000 000, 1 000 000 and over.",
    ),
    OpenApiParameter("type", str, enum=[*AudienceType.values, "all"], description="Default: segmented."),
    OpenApiParameter(
        "ordering",
        str,
        description="name, created, voters, households, cpm, refreshed, allowlisted, blocklisted, id; "
        "prefix - for descending. Default: -created.",
    ),
]


@extend_schema(tags=["audiences"], parameters=[ORGANIZATION])
class AudienceViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AudienceListSerializer
    queryset = Audience.objects.none()  # for the schema; requests get their organization's, below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return audience_list(organization=self.request.organization)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "loads": getattr(self, "loads", {})}

    @extend_schema(parameters=LIST_PARAMETERS)
    def list(self, request):
        audiences = audience_table(
            organization=request.organization,
            query=AudienceQuery.from_params(request.query_params, search="search", sort="ordering"),
        )
        page = self.paginate_queryset(audiences)
        self.loads = audience_load_progress(audience_ids=[a.pk for a in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=AudienceDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(self._audience(pk)))

    @extend_schema(request=AudienceUpdateSerializer, responses=AudienceDetailSerializer)
    def partial_update(self, request, pk=None):
        audience = self._audience(pk)
        serializer = AudienceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audience_update(audience=audience, **serializer.validated_data)
        return Response(self._detail(self._audience(pk)))

    @extend_schema(request=AudienceUpdateSerializer, responses=AudienceDetailSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @extend_schema(
        responses={204: None, 409: None}, description="Refused (409) while a campaign uses the audience."
    )
    def destroy(self, request, pk=None):
        audience_delete(audience=self._audience(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=AudienceDuplicateSerializer,
        responses={201: AudienceDetailSerializer, 409: None},
        description="Refused (409) while the audience has no loaded voters.",
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        serializer = AudienceDuplicateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = audience_duplicate(audience=self._audience(pk), name=serializer.validated_data.get("name"))
        return Response(self._detail(self._audience(copy.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AudienceBulkDeleteSerializer,
        responses=AudienceBulkDeleteOutput,
        description="Delete each audience no campaign uses; the others are listed with the campaigns that "
        "hold them. IDs of another organization are ignored.",
    )
    @action(detail=False, methods=["post"], url_path="bulk-delete")
    def bulk_delete(self, request):
        serializer = AudienceBulkDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = audience_delete_many(
            organization=request.organization, audience_ids=serializer.validated_data["audience_ids"]
        )
        return Response(
            {
                "deleted": [{"id": pk, "name": name} for pk, name in result.deleted],
                "refused": [
                    {
                        "id": audience.pk,
                        "name": audience.name,
                        "reason": "In use: take it off these campaigns' lists first.",
                        "campaigns": [{"id": u.id, "name": u.name, "list": u.list} for u in uses],
                    }
                    for audience, uses in result.refused
                ],
            }
        )

    def _audience(self, pk):
        audience_id = parse_id(pk)  # "abc", "１２" or a number past any ID: none of ours
        if audience_id is None:
            raise Http404
        return get_object_or_404(
            self.get_queryset().select_related("current_version", "duplicated_from"), pk=audience_id
        )

    def _detail(self, audience) -> dict:
        context = {
            **self.get_serializer_context(),
            "loads": audience_load_progress(audience_ids=[audience.pk]),
            "feeds": audience_feeds(audience=audience),
            "uses": audience_uses(audience_ids=[audience.pk])[audience.pk],
        }
        return AudienceDetailSerializer(audience, context=context).data
