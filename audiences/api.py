"""The audiences API: the same table, details and operations as the Audiences app, for scripts.

One view per resource, as every API of the portal: each queryset from the selectors, each write through
the services.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_scope import ORGANIZATION_PARAMETER, IsOrganizationMember, OrganizationScopedMixin
from history.actors import Actor
from iqm_portal.api import validated
from iqm_portal.query import parse_id

from .extensions import audience_feeds, audience_load_progress, audience_uses
from .models import Audience, AudienceStatus, AudienceType
from .overlap import AudienceOverlap, audience_overlap
from .selectors import SIZES, AudienceQuery, audience_list, audience_table
from .serializers import (
    AudienceBulkDeleteOutput,
    AudienceBulkDeleteSerializer,
    AudienceDetailSerializer,
    AudienceDuplicateSerializer,
    AudienceListSerializer,
    AudienceOverlapOutput,
    AudienceOverlapSerializer,
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


TAGS = ["audiences"]
AUDIENCE_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="A unique integer value identifying this audience."
)


def _audience(request, pk) -> Audience:
    audience_id = parse_id(str(pk))  # a number past any ID is none of ours
    if audience_id is None:
        raise Http404
    return get_object_or_404(
        audience_list(organization=request.organization).select_related("current_version", "duplicated_from"),
        pk=audience_id,
    )


def _detail(request, audience: Audience) -> dict:
    context = {
        "request": request,
        "loads": audience_load_progress(audience_ids=[audience.pk]),
        "feeds": audience_feeds(audience=audience),
        "uses": audience_uses(audience_ids=[audience.pk])[audience.pk],
    }
    return AudienceDetailSerializer(audience, context=context).data


class AudienceListApi(OrganizationScopedMixin, ListAPIView):
    """The organization's audiences: filter by type, status and size, search by name or ID, sort, page."""

    serializer_class = AudienceListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a request
            return Audience.objects.none()
        return audience_table(
            organization=self.request.organization,
            query=AudienceQuery.from_params(self.request.query_params, search="search", sort="ordering"),
        )

    @extend_schema(tags=TAGS, parameters=[ORGANIZATION, *LIST_PARAMETERS], summary="List audiences")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        loads = audience_load_progress(audience_ids=[a.pk for a in page])
        serializer = AudienceListSerializer(page, many=True, context={"request": request, "loads": loads})
        return self.get_paginated_response(serializer.data)


# PUT and PATCH take the same fields, all optional: a rename, or notes.
UPDATE_SCHEMA = extend_schema(
    tags=TAGS,
    parameters=[ORGANIZATION, AUDIENCE_ID],
    summary="Rename an audience or change its notes",
    request=AudienceUpdateSerializer,
    responses=AudienceDetailSerializer,
)


class AudienceDetailApi(OrganizationScopedMixin, APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[ORGANIZATION, AUDIENCE_ID],
        summary="Retrieve an audience",
        responses=AudienceDetailSerializer,
    )
    def get(self, request, pk: int):
        return Response(_detail(request, _audience(request, pk)))

    def _update(self, request, pk: int):
        audience = _audience(request, pk)
        audience_update(
            audience=audience,
            actor=Actor.of_user(request.user),
            **validated(AudienceUpdateSerializer, request.data),
        )
        return Response(_detail(request, _audience(request, pk)))

    @UPDATE_SCHEMA
    def put(self, request, pk: int):
        return self._update(request, pk)

    @UPDATE_SCHEMA
    def patch(self, request, pk: int):
        return self._update(request, pk)

    @extend_schema(
        tags=TAGS,
        parameters=[ORGANIZATION, AUDIENCE_ID],
        summary="Delete an audience",
        responses={204: None, 409: None},
        description="Refused (409) while a campaign uses the audience.",
    )
    def delete(self, request, pk: int):
        audience_delete(audience=_audience(request, pk), actor=Actor.of_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AudienceDuplicateApi(OrganizationScopedMixin, APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[ORGANIZATION, AUDIENCE_ID],
        summary="Duplicate an audience",
        request=AudienceDuplicateSerializer,
        responses={201: AudienceDetailSerializer, 409: None},
        description="Refused (409) while the audience has no loaded voters.",
    )
    def post(self, request, pk: int):
        data = validated(AudienceDuplicateSerializer, request.data)
        copy = audience_duplicate(
            audience=_audience(request, pk), name=data.get("name"), actor=Actor.of_user(request.user)
        )
        return Response(_detail(request, _audience(request, copy.pk)), status=status.HTTP_201_CREATED)


class AudienceBulkDeleteApi(OrganizationScopedMixin, APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[ORGANIZATION],
        summary="Delete several audiences",
        request=AudienceBulkDeleteSerializer,
        responses=AudienceBulkDeleteOutput,
        description="Delete each audience no campaign uses; the others are listed with the campaigns that "
        "hold them. IDs of another organization are ignored.",
    )
    def post(self, request):
        data = validated(AudienceBulkDeleteSerializer, request.data)
        result = audience_delete_many(
            organization=request.organization,
            audience_ids=data["audience_ids"],
            actor=Actor.of_user(request.user),
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


def overlap_document(overlap: AudienceOverlap) -> dict:
    return {
        "audiences": [
            {"id": a.id, "name": a.name, "letter": a.letter, "voters": a.voters} for a in overlap.audiences
        ],
        "regions": [
            {"letters": r.letters, "audience_ids": list(r.audience_ids), "label": r.label, "voters": r.voters}
            for r in overlap.regions
        ],
        "union": overlap.union,
    }


class AudienceOverlapApi(OrganizationScopedMixin, APIView):
    # A comparison changes nothing: every member may ask for one, viewers too, although it is a POST.
    permission_classes = [permissions.IsAuthenticated, IsOrganizationMember]

    @extend_schema(
        tags=TAGS,
        parameters=[ORGANIZATION],
        summary="Compare 2 or 3 audiences",
        request=AudienceOverlapSerializer,
        responses={200: AudienceOverlapOutput, 409: None},
        description="The exact number of voters in each region of the audiences' Venn diagram (only in A, "
        "in A and B but not C, in all three…) and in their union, counted over their current versions. "
        "Refused (400) unless 2 or 3 audiences of the organization are listed, each once: another "
        "organization's ID is answered as one that does not exist (audience_not_found). Refused (409) "
        "while an audience has no loaded voters (audience_not_loaded). Any member may compare, viewers too.",
    )
    def post(self, request):
        data = validated(AudienceOverlapSerializer, request.data)
        overlap = audience_overlap(organization=request.organization, audience_ids=data["audience_ids"])
        return Response(overlap_document(overlap))
