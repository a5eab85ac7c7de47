"""What the Campaigns API reads and answers: input serializers, output serializers and documents."""

from decimal import Decimal

from django.conf import settings
from django.db.models import TextChoices
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iqm_portal.api import IdField
from iqm_portal.query import parse_id

from ..models import (
    DEFAULT_TIME_ZONE,
    IO_TIME_ZONES,
    BudgetType,
    Campaign,
    CampaignStatus,
    CampaignType,
    InsertionOrder,
    InsertionOrderStatus,
    TargetingList,
)
from ..selectors import campaign_targeting, insertion_order_list
from ..services import (
    CAMPAIGN_STATUS_MOVES,
    NEW_CAMPAIGN_STATUSES,
    CampaignTargetingResult,
    ReachTarget,
    campaign_reach_is_current,
)

TIME_ZONE_HELP = f"One of: {', '.join(zone for zone, _ in IO_TIME_ZONES)}."


class InsertionOrderOutput(serializers.ModelSerializer):
    campaign_count = serializers.IntegerField(read_only=True, help_text="Campaigns in the IO.")

    class Meta:
        model = InsertionOrder
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "budget_type",
            "budget_total",
            "time_zone",
            "status",
            "campaign_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InsertionOrderCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    budget_type = serializers.ChoiceField(choices=BudgetType.choices, default=BudgetType.BUDGET)
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    time_zone = serializers.CharField(max_length=64, default=DEFAULT_TIME_ZONE, help_text=TIME_ZONE_HELP)


class InsertionOrderUpdateInput(InsertionOrderCreateInput):
    budget_type = serializers.ChoiceField(
        choices=BudgetType.choices,
        required=False,
        help_text="Fixed at creation: only its current value is accepted.",
    )
    time_zone = serializers.CharField(
        max_length=64, help_text=f"{TIME_ZONE_HELP} An IO keeps a zone it has that the list no longer offers."
    )
    status = serializers.ChoiceField(choices=InsertionOrderStatus.choices)


def _reach_targets(campaign: Campaign) -> list[ReachTarget]:
    return [
        ReachTarget(t.audience_id, t.list_type, t.audience.current_version_id)
        for t in campaign.audience_targets.all()
    ]


class ReachStatus(TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable (PG)"
    ALL_VOTERS = "all_voters", "All voters"
    COUNTED = "counted", "Counted"
    UPDATING = "updating", "Updating"


class ReachOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ReachStatus.choices,
        help_text="not_applicable: a PG campaign; all_voters: nothing allowlisted (see excluded); counted: "
        "voters is the exact count; updating: the targeting changed and the count is being redone.",
    )
    voters = serializers.IntegerField(allow_null=True, help_text="Targetable voters, when counted.")
    excluded = serializers.IntegerField(allow_null=True, help_text="Voters the Blocklist keeps out.")
    computed_at = serializers.DateTimeField(allow_null=True)


def reach_document(campaign: Campaign, targets: list[ReachTarget]) -> dict:
    if not campaign.takes_audiences:
        state = "not_applicable"
    elif not targets:
        state = "all_voters"
    elif not campaign_reach_is_current(campaign, targets):
        state = "updating"
    elif campaign.reach is None:
        state = "all_voters"
    else:
        state = "counted"
    counted = state in ("counted", "all_voters") and bool(targets)
    return {
        "status": state,
        "voters": campaign.reach if state == "counted" else None,
        "excluded": campaign.reach_excluded if counted else None,
        "computed_at": campaign.reach_computed_at if counted else None,
    }


class CampaignOutput(serializers.ModelSerializer):
    insertion_order_name = serializers.CharField(source="insertion_order.name", read_only=True)
    allowlist_count = serializers.IntegerField(read_only=True)
    blocklist_count = serializers.IntegerField(read_only=True)
    reach = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "insertion_order",
            "insertion_order_name",
            "campaign_type",
            "status",
            "start_date",
            "end_date",
            "daily_budget",
            "total_budget",
            "max_bid",
            "allowlist_count",
            "blocklist_count",
            "reach",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReachOutput)
    def get_reach(self, campaign: Campaign) -> dict:
        return reach_document(campaign, _reach_targets(campaign))


@extend_schema_field(OpenApiTypes.INT)
class InsertionOrderField(serializers.PrimaryKeyRelatedField):
    """An insertion order of the organization in scope: any other ID is not found."""

    def get_queryset(self):
        return insertion_order_list(organization=self.context["request"].organization)

    def to_internal_value(self, data):
        # Only an ID in ASCII digits: the ORM would read "１２" as 12, and 12.5 as 12.
        if isinstance(data, bool) or parse_id(data) is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class CampaignCreateInput(serializers.Serializer):
    insertion_order = InsertionOrderField()
    name = serializers.CharField(max_length=255)
    campaign_type = serializers.ChoiceField(choices=CampaignType.choices, default=CampaignType.ADVANCED)
    start_date = serializers.DateField(required=False, help_text="Defaults to the IO's start (or today).")
    end_date = serializers.DateField(required=False, help_text="Defaults to the IO's end.")
    daily_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    total_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    max_bid = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    status = serializers.ChoiceField(
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        help_text=f"A new campaign starts as one of: {', '.join(NEW_CAMPAIGN_STATUSES)}; any other is refused "
        "(status_change_not_allowed).",
    )
    allowlist = serializers.ListField(
        child=IdField(),
        default=list,
        max_length=100,
        help_text="Audiences to put on the new campaign's Allowlist (not for a PG campaign: refused whole, "
        "pg_campaign). What a targeting rule refuses is reported in targeting.refused.",
    )


def _status_moves_help() -> str:
    moves = "; ".join(
        f"{status} → {', '.join(moves)}" for status, moves in CAMPAIGN_STATUS_MOVES.items() if moves
    )
    return (
        f"Keep the current status, or move it as an advertiser may: {moves}. Running (on approval), expired "
        "and rejected are set by the system, and deleted only by DELETE; any other move is refused "
        "(status_change_not_allowed)."
    )


class CampaignUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    status = serializers.ChoiceField(choices=CampaignStatus.choices, help_text=_status_moves_help())
    campaign_type = serializers.ChoiceField(
        choices=CampaignType.choices,
        required=False,
        help_text="Fixed at creation: only its current value is accepted.",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    daily_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), allow_null=True
    )
    total_budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), allow_null=True
    )
    max_bid = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), allow_null=True
    )


class TargetingChangeOutput(serializers.Serializer):
    audience_id = serializers.IntegerField()
    audience_name = serializers.CharField()
    list = serializers.ChoiceField(choices=TargetingList.choices)
    action = serializers.ChoiceField(choices=["added", "removed", "already_present"])


class TargetingRefusalOutput(serializers.Serializer):
    audience_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(
        help_text="campaign_not_found, audience_not_found, conflicting_lists, on_other_list, "
        "audience_not_targetable, campaign_not_editable, pg_campaign, audience_limit"
    )
    reason = serializers.CharField()
    list = serializers.ChoiceField(choices=TargetingList.choices, allow_null=True)


class TargetingResultOutput(serializers.Serializer):
    campaign_id = serializers.IntegerField()
    campaign_name = serializers.CharField(allow_null=True)
    applied = TargetingChangeOutput(many=True)
    unchanged = TargetingChangeOutput(many=True)
    refused = TargetingRefusalOutput(many=True)


def _change_document(c) -> dict:
    return {
        "audience_id": c.audience_id,
        "audience_name": c.audience_name,
        "list": c.list_type,
        "action": c.action,
    }


def result_document(result: CampaignTargetingResult, campaign_name: str | None = None) -> dict:
    return {
        "campaign_id": result.campaign_id,
        "campaign_name": result.campaign_name or campaign_name,
        "applied": [_change_document(c) for c in result.applied],
        "unchanged": [_change_document(c) for c in result.unchanged],
        "refused": [
            {"audience_id": r.audience_id, "code": r.code, "reason": r.reason, "list": r.list_type}
            for r in result.refused
        ],
    }


class CampaignCreatedOutput(CampaignOutput):
    """A new campaign, and what became of the audiences its allowlist named."""

    targeting = serializers.SerializerMethodField(
        help_text="The allowlist's audiences applied or refused (each with its reason); null without one."
    )

    class Meta(CampaignOutput.Meta):
        fields = [*CampaignOutput.Meta.fields, "targeting"]
        read_only_fields = fields

    @extend_schema_field(TargetingResultOutput(allow_null=True))
    def get_targeting(self, campaign: Campaign) -> dict | None:
        result = self.context.get("targeting")
        return result_document(result, campaign.name) if result is not None else None


class TargetedAudienceOutput(serializers.Serializer):
    audience_id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    voters = serializers.IntegerField(allow_null=True)
    contribution = serializers.IntegerField(
        allow_null=True,
        help_text="Voters only this audience brings (Allowlist) or keeps out (Blocklist); null while updating.",
    )


class CampaignTargetingOutput(serializers.Serializer):
    campaign_id = serializers.IntegerField()
    campaign_name = serializers.CharField()
    takes_audiences = serializers.BooleanField(help_text="False for PG campaigns.")
    max_audiences = serializers.IntegerField()
    allowlist = TargetedAudienceOutput(many=True)
    blocklist = TargetedAudienceOutput(many=True)
    reach = ReachOutput()


def targeting_document(campaign: Campaign, organization) -> dict:
    targets = list(campaign_targeting(organization=organization, campaign_id=campaign.pk).order_by("id"))
    reach_targets = [ReachTarget(t.audience_id, t.list_type, t.audience.current_version_id) for t in targets]
    reach = reach_document(campaign, reach_targets)
    breakdown = campaign.reach_breakdown if reach["status"] in ("counted", "all_voters") else {}

    def entry(t):
        a = t.audience
        return {
            "audience_id": a.pk,
            "name": a.name,
            "status": a.status,
            "voters": a.voter_count,
            "contribution": (breakdown or {}).get(str(a.pk)),
        }

    return {
        "campaign_id": campaign.pk,
        "campaign_name": campaign.name,
        "takes_audiences": campaign.takes_audiences,
        "max_audiences": settings.MAX_AUDIENCES_PER_CAMPAIGN,
        "allowlist": [entry(t) for t in targets if t.list_type == TargetingList.ALLOWLIST],
        "blocklist": [entry(t) for t in targets if t.list_type == TargetingList.BLOCKLIST],
        "reach": reach,
    }


class CampaignTargetingSetInput(serializers.Serializer):
    allowlist = serializers.ListField(child=IdField(), max_length=1000)
    blocklist = serializers.ListField(child=IdField(), max_length=1000)


class BulkTargetingInput(serializers.Serializer):
    campaign_ids = serializers.ListField(child=IdField(), default=list, max_length=5000)
    insertion_order_ids = serializers.ListField(
        child=IdField(),
        default=list,
        max_length=100,
        help_text="Every campaign of these insertion orders.",
    )
    allowlist = serializers.ListField(
        child=IdField(),
        default=list,
        max_length=100,
        help_text="Audiences to include.",
    )
    blocklist = serializers.ListField(
        child=IdField(),
        default=list,
        max_length=100,
        help_text="Audiences to exclude.",
    )
    remove = serializers.ListField(
        child=IdField(),
        default=list,
        max_length=100,
        help_text="Audiences to take off either list (applied first).",
    )


# The Audiences app's Add To Campaign: the change BulkTargetingInput makes, for one list, with its bounds.
class AddToCampaignsSerializer(serializers.Serializer):
    audience_ids = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    campaign_ids = serializers.ListField(child=IdField(), required=False, default=list, max_length=5000)
    insertion_order_ids = serializers.ListField(child=IdField(), required=False, default=list, max_length=100)
    list = serializers.ChoiceField(choices=TargetingList.choices)

    def validate(self, data):
        if not data["campaign_ids"] and not data["insertion_order_ids"]:
            raise serializers.ValidationError({"campaign_ids": ["Give campaign_ids or insertion_order_ids."]})
        return data
