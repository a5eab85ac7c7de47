"""The Campaigns API's views: every queryset from the selectors, every write through the services."""

from django.db.models import F
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_scope import ORGANIZATION_PARAMETER, OrganizationScopedMixin
from history.actors import Actor
from iqm_portal.api import IdFilter, validated
from iqm_portal.query import name_or_id_filter

from ..models import (
    BudgetType,
    Campaign,
    CampaignStatus,
    CampaignType,
    InsertionOrder,
    InsertionOrderStatus,
    TargetingList,
)
from ..selectors import (
    campaign_list,
    campaign_list_with_targeting,
    insertion_order_list_with_counts,
)
from ..services import (
    campaign_create,
    campaign_delete,
    campaign_targeting_set,
    campaign_targeting_update,
    campaign_update,
    insertion_order_create,
    insertion_order_delete,
    insertion_order_update,
)
from .serializers import (
    AddToCampaignsSerializer,
    BulkTargetingInput,
    CampaignCreatedOutput,
    CampaignCreateInput,
    CampaignOutput,
    CampaignTargetingOutput,
    CampaignTargetingSetInput,
    CampaignUpdateInput,
    InsertionOrderCreateInput,
    InsertionOrderOutput,
    InsertionOrderUpdateInput,
    TargetingResultOutput,
    result_document,
    targeting_document,
)

ORGANIZATION = ORGANIZATION_PARAMETER
TAGS_IO = ["Insertion orders"]
TAGS_CAMPAIGNS = ["Campaigns"]
TAGS_TARGETING = ["Campaign targeting"]


class NullsLastOrderingFilter(OrderingFilter):
    """?ordering= as usual, with empty values (a reach not counted yet, no budget) last either way."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        fields = [
            F(o[1:]).desc(nulls_last=True) if o.startswith("-") else F(o).asc(nulls_last=True)
            for o in ordering
        ]
        return queryset.order_by(*fields, "-pk")


class NameOrIdSearch(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="Search by name (contains) or ID (exact)")

    def filter_search(self, queryset, name, value):
        return name_or_id_filter(queryset, value)


class InsertionOrderFilter(NameOrIdSearch):
    status = filters.ChoiceFilter(choices=InsertionOrderStatus.choices)
    budget_type = filters.ChoiceFilter(choices=BudgetType.choices)

    class Meta:
        model = InsertionOrder
        fields = ["status", "budget_type", "search"]


class CampaignFilter(NameOrIdSearch):
    status = filters.ChoiceFilter(choices=CampaignStatus.choices)
    campaign_type = filters.ChoiceFilter(choices=CampaignType.choices)
    insertion_order = IdFilter(field_name="insertion_order_id")

    class Meta:
        model = Campaign
        fields = ["status", "campaign_type", "insertion_order", "search"]


class InsertionOrderListApi(OrganizationScopedMixin, ListAPIView):
    """The organization's insertion orders: filter by status, search by name or ID, sort, page."""

    serializer_class = InsertionOrderOutput
    filter_backends = [filters.DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = InsertionOrderFilter
    ordering_fields = [
        "name",
        "start_date",
        "end_date",
        "budget_total",
        "status",
        "campaign_count",
        "created_at",
    ]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a request
            return InsertionOrder.objects.none()
        return insertion_order_list_with_counts(organization=self.request.organization)

    @extend_schema(tags=TAGS_IO, parameters=[ORGANIZATION], summary="List insertion orders")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS_IO,
        parameters=[ORGANIZATION],
        summary="Create an insertion order",
        request=InsertionOrderCreateInput,
        responses={201: InsertionOrderOutput},
    )
    def post(self, request):
        data = validated(InsertionOrderCreateInput, request.data)
        io = insertion_order_create(
            organization=request.organization, actor=Actor.of_user(request.user), **data
        )
        return Response(
            InsertionOrderOutput(self.get_queryset().get(pk=io.pk)).data, status=status.HTTP_201_CREATED
        )


class InsertionOrderDetailApi(OrganizationScopedMixin, APIView):
    def get_object(self, pk: int) -> InsertionOrder:
        return get_object_or_404(
            insertion_order_list_with_counts(organization=self.request.organization), pk=pk
        )

    @extend_schema(
        tags=TAGS_IO,
        parameters=[ORGANIZATION],
        summary="Retrieve an insertion order",
        responses=InsertionOrderOutput,
    )
    def get(self, request, pk: int):
        return Response(InsertionOrderOutput(self.get_object(pk)).data)

    def _update(self, request, pk: int, *, partial: bool):
        io = self.get_object(pk)
        data = validated(InsertionOrderUpdateInput, request.data, partial=partial)
        insertion_order_update(insertion_order=io, actor=Actor.of_user(request.user), **data)
        return Response(InsertionOrderOutput(self.get_object(pk)).data)

    @extend_schema(
        tags=TAGS_IO,
        parameters=[ORGANIZATION],
        summary="Replace an insertion order",
        request=InsertionOrderUpdateInput,
        responses=InsertionOrderOutput,
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        tags=TAGS_IO,
        parameters=[ORGANIZATION],
        summary="Change an insertion order",
        request=InsertionOrderUpdateInput,
        responses=InsertionOrderOutput,
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    @extend_schema(
        tags=TAGS_IO,
        parameters=[ORGANIZATION],
        summary="Delete an insertion order and its campaigns",
        responses={204: None},
        description="Deletes the IO and every campaign in it (with their audience targeting).",
    )
    def delete(self, request, pk: int):
        insertion_order_delete(insertion_order=self.get_object(pk), actor=Actor.of_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignListApi(OrganizationScopedMixin, ListAPIView):
    """The organization's campaigns: filter by status, type or IO, search by name or ID, sort, page."""

    serializer_class = CampaignOutput
    filter_backends = [filters.DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = CampaignFilter
    ordering_fields = [
        "name",
        "status",
        "campaign_type",
        "start_date",
        "end_date",
        "total_budget",
        "reach",
        "created_at",
    ]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return campaign_list_with_targeting(organization=self.request.organization)

    @extend_schema(tags=TAGS_CAMPAIGNS, parameters=[ORGANIZATION], summary="List campaigns")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS_CAMPAIGNS,
        parameters=[ORGANIZATION],
        summary="Create a campaign in an insertion order",
        request=CampaignCreateInput,
        responses={201: CampaignCreatedOutput},
        description="A new campaign is a Draft (or Pending, if asked); its name must be unique within the "
        "organization (any case), and its insertion order active. Audiences named in allowlist go on its "
        "Allowlist under the targeting rules; a PG campaign takes none.",
    )
    def post(self, request):
        data = dict(validated(CampaignCreateInput, request.data, context={"request": request}))
        campaign, targeting = campaign_create(
            organization=request.organization, actor=Actor.of_user(request.user), **data
        )
        return Response(
            CampaignCreatedOutput(
                self.get_queryset().get(pk=campaign.pk), context={"targeting": targeting}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class CampaignDetailApi(OrganizationScopedMixin, APIView):
    def get_object(self, pk: int) -> Campaign:
        return get_object_or_404(campaign_list_with_targeting(organization=self.request.organization), pk=pk)

    @extend_schema(
        tags=TAGS_CAMPAIGNS,
        parameters=[ORGANIZATION],
        summary="Retrieve a campaign",
        responses=CampaignOutput,
    )
    def get(self, request, pk: int):
        return Response(CampaignOutput(self.get_object(pk)).data)

    def _update(self, request, pk: int, *, partial: bool):
        campaign = self.get_object(pk)
        data = validated(CampaignUpdateInput, request.data, partial=partial)
        campaign_update(campaign=campaign, actor=Actor.of_user(request.user), **data)
        return Response(CampaignOutput(self.get_object(pk)).data)

    @extend_schema(
        tags=TAGS_CAMPAIGNS,
        parameters=[ORGANIZATION],
        summary="Replace a campaign's settings",
        request=CampaignUpdateInput,
        responses=CampaignOutput,
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        tags=TAGS_CAMPAIGNS,
        parameters=[ORGANIZATION],
        summary="Change a campaign's settings",
        request=CampaignUpdateInput,
        responses=CampaignOutput,
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    @extend_schema(
        tags=TAGS_CAMPAIGNS, parameters=[ORGANIZATION], summary="Delete a campaign", responses={204: None}
    )
    def delete(self, request, pk: int):
        campaign_delete(campaign=self.get_object(pk), actor=Actor.of_user(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignTargetingApi(OrganizationScopedMixin, APIView):
    def get_object(self, pk: int) -> Campaign:
        return get_object_or_404(campaign_list(organization=self.request.organization), pk=pk)

    @extend_schema(
        tags=TAGS_TARGETING,
        parameters=[ORGANIZATION],
        summary="A campaign's Allowlist, Blocklist and reach",
        responses=CampaignTargetingOutput,
    )
    def get(self, request, pk: int):
        return Response(targeting_document(self.get_object(pk), request.organization))

    @extend_schema(
        tags=TAGS_TARGETING,
        parameters=[ORGANIZATION],
        summary="Make a campaign's Allowlist and Blocklist exactly these",
        request=CampaignTargetingSetInput,
        responses=inline_serializer(
            "CampaignTargetingSetOutput",
            {"result": TargetingResultOutput(), "targeting": CampaignTargetingOutput()},
        ),
        description="Audiences not named are removed, those named are added; what a rule refuses is reported in "
        "result.refused with its reason, and the rest is applied.",
    )
    def put(self, request, pk: int):
        campaign = self.get_object(pk)
        data = validated(CampaignTargetingSetInput, request.data)
        result = campaign_targeting_set(
            organization=request.organization,
            actor=Actor.of_user(request.user),
            campaign_id=campaign.pk,
            allowlist=data["allowlist"],
            blocklist=data["blocklist"],
        )
        campaign.refresh_from_db()
        return Response(
            {
                "result": result_document(result, campaign.name),
                "targeting": targeting_document(campaign, request.organization),
            }
        )


class CampaignTargetingBulkApi(OrganizationScopedMixin, APIView):
    @extend_schema(
        tags=TAGS_TARGETING,
        parameters=[ORGANIZATION],
        summary="Include, exclude and remove audiences on many campaigns at once",
        request=BulkTargetingInput,
        responses=inline_serializer("BulkTargetingOutput", {"results": TargetingResultOutput(many=True)}),
        description="For each named campaign, and each campaign of each named insertion order: remove the "
        "`remove` audiences, then put `allowlist` audiences on the Allowlist and `blocklist` ones on the "
        "Blocklist. One refusal never blocks the rest; each campaign's result says what was applied, what was "
        "already so, and what was refused with a code and a reason. A campaign ID of another organization is "
        "reported as campaign_not_found.",
    )
    def post(self, request):
        data = validated(BulkTargetingInput, request.data)
        return bulk_targeting_response(request, **data)


def bulk_targeting_response(request, **change) -> Response:
    """The one answer of both bulk-targeting endpoints: each campaign's result, in the same document."""
    results = campaign_targeting_update(
        organization=request.organization, actor=Actor.of_user(request.user), **change
    )
    return Response({"results": [result_document(r) for r in results]})


class AudienceAddToCampaignsApi(OrganizationScopedMixin, APIView):
    @extend_schema(
        tags=["audiences"],
        parameters=[ORGANIZATION],
        operation_id="v1_audiences_add_to_campaigns_create",
        request=AddToCampaignsSerializer,
        responses=inline_serializer("AddToCampaignsOutput", {"results": TargetingResultOutput(many=True)}),
        description="Put audiences on campaigns' Allowlists or Blocklists (an insertion order means all its "
        "campaigns). The same change, rules and answer as POST /api/v1/campaigns/targeting/.",
    )
    def post(self, request):
        data = validated(AddToCampaignsSerializer, request.data)
        on_allowlist = data["list"] == TargetingList.ALLOWLIST
        return bulk_targeting_response(
            request,
            campaign_ids=data["campaign_ids"],
            insertion_order_ids=data["insertion_order_ids"],
            allowlist=data["audience_ids"] if on_allowlist else [],
            blocklist=[] if on_allowlist else data["audience_ids"],
        )
