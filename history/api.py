"""The history API: the organization's entries, and one object's (docs/history.md, "Where to read it").

``GET /api/v1/history/`` is this app's. An object's history (``/audiences/{id}/history/``,
``/campaigns/{id}/history/``) is registered by the app that owns the object, in its URLconf, as
``ObjectHistoryApi`` with the object's kind (``subject``) and its selector (``objects``): the history app
knows no audience nor campaign.
"""

from datetime import UTC, datetime, time

from django.http import Http404
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from accounts.api_scope import OrganizationScopedMixin
from iqm_portal.api import IdField, validated
from iqm_portal.query import parse_id, search_text
from iqm_portal.schema import ProblemAutoSchema

from . import sentences
from .actors import ActorKind
from .kinds import KINDS, SUBJECTS, actions_of
from .models import HistoryAction, HistoryEntry
from .selectors import history_list, history_of_exists

TAGS = ["History"]
KIND_HELP = (
    "Entries of these kinds, comma-separated: "
    + ", ".join(f"{kind.key} ({kind.label}: {', '.join(kind.actions)})" for kind in KINDS.values())
    + "; or of single actions, by their name."
)
MOMENT_HELP = (
    "An ISO 8601 date (2026-11-30) or date and time (2026-11-30T14:05:00Z); without an offset, UTC "
    "(the portal's time zone)."
)


@extend_schema_field(OpenApiTypes.STR)
class MomentField(serializers.Field):
    """A query parameter naming a moment: a date stands for its first instant (``since``) or its last
    (``until``), in UTC, so that both bounds include the day they name."""

    default_error_messages = {
        "invalid": "Give an ISO 8601 date (2026-11-30) or date and time (2026-11-30T14:05:00Z)."
    }

    def __init__(self, *, end_of_day: bool, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime:
        text = str(data).strip()
        if not text.isascii() or len(text) > 40:
            self.fail("invalid")
        try:
            day = parse_date(text)  # only a whole date: a date and time is not one
            if day is not None:
                moment = datetime.combine(day, time.max if self.end_of_day else time.min, tzinfo=UTC)
            else:
                moment = parse_datetime(text)
                if moment is None:
                    self.fail("invalid")
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
            return moment.astimezone(UTC)  # an offset that takes it past year 1 or 9999 is no moment
        except (ValueError, OverflowError):
            self.fail("invalid")

    def to_representation(self, value):
        return value.isoformat()


class HistoryQuery(serializers.Serializer):
    """The filters of every history list: each names its own problem when it is wrong."""

    actor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Entries whose actor's name contains this, in any case (a user's full name, "
        "“L2 user <username> (<customer ID>)” for a push, “The portal” for its own tasks).",
    )
    actor_user_id = IdField(required=False, help_text="Entries made by the portal user with this ID.")
    kind = serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text=KIND_HELP)
    since = MomentField(
        end_of_day=False, required=False, help_text=f"Entries from this moment on. {MOMENT_HELP}"
    )
    until = MomentField(
        end_of_day=True, required=False, help_text=f"Entries up to this moment. {MOMENT_HELP}"
    )

    def validate_actor(self, value: str) -> str:
        return search_text(value, limit=300)

    def validate_kind(self, value: str) -> set[str] | None:
        names = [name.strip() for name in value.split(",") if name.strip()]
        if not names:
            return None
        actions = actions_of(names)
        if actions is None:
            unknown = next(name for name in names if actions_of([name]) is None)
            raise serializers.ValidationError(
                f"“{unknown[:50]}” is no kind: give {', '.join(KINDS)} or an action "
                f"({', '.join(HistoryAction.values)}), comma-separated."
            )
        return actions

    def validate(self, data: dict) -> dict:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise serializers.ValidationError({"until": ["until is before since: nothing could match."]})
        if "kind" in data:
            data["actions"] = data.pop("kind")
        return data


class NamedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The name it had when the entry was written.")


class ActorOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActorKind.CHOICES)
    name = serializers.CharField(help_text="As the sentence names the actor.")
    user_id = serializers.IntegerField(allow_null=True, help_text="The portal user, for a user.")
    l2_customer_id = serializers.CharField(allow_blank=True, help_text="For a push: L2's customer ID.")
    l2_username = serializers.CharField(allow_blank=True, help_text="For a push: the L2 user who sent it.")


def _named(object_id: int | None, name: str) -> dict | None:
    return None if object_id is None else {"id": object_id, "name": name}


class HistoryEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    action = serializers.ChoiceField(choices=HistoryAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    sentence = serializers.SerializerMethodField(help_text="The entry in words, as the pages show it.")
    audience = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    insertion_order = serializers.SerializerMethodField()
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        help_text="For each setting that changed: [before, after], as shown to people.",
    )
    details = serializers.DictField(
        help_text="What else the sentence says: the list, counts, the transmission and L2's universe_id…"
    )

    @extend_schema_field(ActorOutput)
    def get_actor(self, entry: HistoryEntry) -> dict:
        return {
            "kind": entry.actor_kind,
            "name": entry.actor_name,
            "user_id": entry.actor_user_id,
            "l2_customer_id": entry.actor_l2_customer_id,
            "l2_username": entry.actor_l2_username,
        }

    def get_sentence(self, entry: HistoryEntry) -> str:
        return sentences.text(entry)

    @extend_schema_field(NamedOutput(allow_null=True))
    def get_audience(self, entry: HistoryEntry) -> dict | None:
        return _named(entry.audience_id, entry.audience_name)

    @extend_schema_field(NamedOutput(allow_null=True))
    def get_campaign(self, entry: HistoryEntry) -> dict | None:
        return _named(entry.campaign_id, entry.campaign_name)

    @extend_schema_field(NamedOutput(allow_null=True))
    def get_insertion_order(self, entry: HistoryEntry) -> dict | None:
        return _named(entry.insertion_order_id, entry.insertion_order_name)


class HistorySchema(ProblemAutoSchema):
    """Tags and words of a history list, from what the view is the history of."""

    def get_tags(self) -> list[str]:
        return list(self.view.schema_tags)

    def get_summary(self) -> str:
        subject = self.view.subject.replace("_", " ")
        if not subject:
            return "List the organization's history"
        return f"List {'an' if subject[0] in 'aeiou' else 'a'} {subject}'s history"

    def get_description(self) -> str:
        if not self.view.subject:
            return "Every change recorded in the organization, newest first."
        subject = self.view.subject.replace("_", " ")
        return (
            f"The entries of one {subject}, newest first. They stay readable after the {subject} is "
            f"deleted; 404 when the organization has neither the {subject} nor any entry of that ID."
        )


class HistoryListApi(OrganizationScopedMixin, ListAPIView):
    """The organization's history, newest first: filter by actor, kind and time, page."""

    serializer_class = HistoryEntryOutput
    filter_backends = []  # the filters are HistoryQuery's, read by the selector
    schema = HistorySchema()
    subject = ""  # "" for the whole organization's; else an object's (SUBJECTS)
    objects = None  # for an object's: the owning app's selector, objects(organization=…)
    schema_tags = TAGS

    def object_filter(self) -> dict:
        return {}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a request
            return HistoryEntry.objects.none()
        scope = self.object_filter()
        query = validated(HistoryQuery, self.request.query_params)
        return history_list(organization=self.request.organization, **scope, **query)

    @extend_schema(parameters=[HistoryQuery], responses=HistoryEntryOutput(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ObjectHistoryApi(HistoryListApi):
    """One object's history: 404 unless the organization has the object, or entries of its ID (a deleted
    object's history stays the organization's)."""

    def object_filter(self) -> dict:
        object_id = parse_id(str(self.kwargs["pk"]))  # a number past any ID is none of ours
        if object_id is None:
            raise Http404
        field = SUBJECTS[self.subject].field
        organization = self.request.organization
        exists = self.objects(organization=organization).filter(pk=object_id).exists()
        if not exists and not history_of_exists(organization=organization, field=field, object_id=object_id):
            raise Http404
        return {field: object_id}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description="The object's ID, even if deleted."
            ),
            HistoryQuery,
        ],
        responses=HistoryEntryOutput(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
