from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iqm_portal.api import IdField

from .models import Audience, AudienceVersion


class AudienceListSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="audience_type", read_only=True)
    voters = serializers.IntegerField(source="voter_count", read_only=True, allow_null=True)
    households = serializers.IntegerField(source="household_count", read_only=True, allow_null=True)
    allowlist_campaigns = serializers.IntegerField(read_only=True)
    blocklist_campaigns = serializers.IntegerField(read_only=True)
    load_progress = serializers.SerializerMethodField(
        help_text="0–1 while a transmission is loading, else null."
    )

    class Meta:
        model = Audience
        fields = [
            "id", "name", "type", "status", "status_reason", "source", "voters", "households", "data_cpm",
            "created_at", "refreshed_at", "allowlist_campaigns", "blocklist_campaigns", "load_progress",
        ]  # fmt: skip
        read_only_fields = fields

    def get_load_progress(self, audience) -> float | None:
        return self.context.get("loads", {}).get(audience.pk)


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AudienceVersion
        fields = [
            "number", "voter_count", "household_count", "rows_read", "duplicates", "rows_rejected", "stats",
            "source_created_at", "activated_at",
        ]  # fmt: skip


# What the detail's documents hold, for the schema (the serializer methods below build them).
class L2OriginOutput(serializers.Serializer):
    segment_name = serializers.CharField(allow_null=True, help_text="Null for a duplicate.")
    universe_id = serializers.CharField(allow_blank=True)
    customer_id = serializers.CharField(allow_blank=True)
    sender = serializers.CharField(allow_blank=True)
    app_id = serializers.CharField(allow_blank=True)
    duplicated_from = serializers.IntegerField(
        allow_null=True, help_text="The audience this one duplicates, if it is a duplicate and still exists."
    )


class RejectedRowOutput(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class TransmissionOutput(serializers.Serializer):
    transmission_id = serializers.UUIDField()
    status = serializers.CharField(help_text="queued, processing, succeeded, failed or superseded.")
    received_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text="The version it loaded, if any.")
    rows_read = serializers.IntegerField()
    voters_accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    failure_reason = serializers.CharField(allow_null=True)
    errors = RejectedRowOutput(many=True, help_text="The first rejected rows: line number and reason.")


class CampaignUseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    list = serializers.ChoiceField(choices=[("allowlist", "Allowlist"), ("blocklist", "Blocklist")])


class AudienceDetailSerializer(AudienceListSerializer):
    l2_origin = serializers.SerializerMethodField()
    current_version = VersionSerializer(
        read_only=True, allow_null=True, help_text="Null until a load is done."
    )
    versions = serializers.SerializerMethodField(help_text="Every transmission that fed it, newest first.")
    campaigns = serializers.SerializerMethodField()

    class Meta(AudienceListSerializer.Meta):
        fields = [
            *AudienceListSerializer.Meta.fields,
            "notes",
            "l2_origin",
            "current_version",
            "versions",
            "campaigns",
        ]
        read_only_fields = fields

    @extend_schema_field(L2OriginOutput)
    def get_l2_origin(self, audience) -> dict:
        return {
            "segment_name": audience.l2_segment_name,
            "universe_id": audience.l2_universe_id,
            "customer_id": audience.l2_customer_id,
            "sender": audience.l2_sender,
            "app_id": audience.l2_app_id,
            "owner_customer_id": audience.l2_owner_customer_id,
            "owner_username": audience.l2_owner_username,
            "duplicated_from": audience.duplicated_from_id,
        }

    @extend_schema_field(TransmissionOutput(many=True))
    def get_versions(self, audience) -> list[dict]:
        return [
            {
                "transmission_id": feed.transmission_id,
                "status": feed.status,
                "received_at": feed.received_at,
                "finished_at": feed.finished_at,
                "version": feed.version,
                "rows_read": feed.rows_read,
                "voters_accepted": feed.voters_accepted,
                "duplicates": feed.duplicates,
                "rows_rejected": feed.rows_rejected,
                "failure_reason": feed.failure_reason,
                "errors": feed.errors,
            }
            for feed in self.context["feeds"]
        ]

    @extend_schema_field(CampaignUseOutput(many=True))
    def get_campaigns(self, audience) -> list[dict]:
        return [{"id": use.id, "name": use.name, "list": use.list} for use in self.context["uses"]]


class AudienceUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AudienceDuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)


class AudienceBulkDeleteSerializer(serializers.Serializer):
    audience_ids = serializers.ListField(child=IdField(), min_length=1, max_length=100)


class DeletedAudienceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RefusedAudienceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    reason = serializers.CharField()
    campaigns = CampaignUseOutput(many=True, help_text="What holds the audience: take it off these first.")


class AudienceBulkDeleteOutput(serializers.Serializer):
    deleted = DeletedAudienceOutput(many=True)
    refused = RefusedAudienceOutput(many=True)


class AudienceOverlapSerializer(serializers.Serializer):
    audience_ids = serializers.ListField(
        child=IdField(),
        max_length=100,
        help_text="2 or 3 audiences of the organization, each once: A, B (and C) in this order.",
    )


class OverlapAudienceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    letter = serializers.CharField(help_text="A, B or C: how the regions name it.")
    voters = serializers.IntegerField(help_text="The voters of its current version.")


class OverlapRegionOutput(serializers.Serializer):
    letters = serializers.CharField(help_text="The audiences its voters are in: A, AB, ABC…")
    audience_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The same audiences, by ID."
    )
    label = serializers.CharField(help_text="In words: “Only in A”, “A and B, not C”, “In all three”.")
    voters = serializers.IntegerField(help_text="Voters in exactly these audiences, in none of the others.")


class AudienceOverlapOutput(serializers.Serializer):
    audiences = OverlapAudienceOutput(many=True)
    regions = OverlapRegionOutput(
        many=True,
        help_text="Every region of the Venn diagram, each voter in exactly one: 3 for 2 audiences, 7 for 3.",
    )
    union = serializers.IntegerField(help_text="Voters in any of the audiences: the regions' sum.")
