"""Extension points of the Audiences app: how the apps above it add to its pages, its API and its rules.

The Audiences app never imports the apps above it (docs/architecture.md). An app that has something to
add — the campaigns that use an audience, the L2 transmissions that fed it, a push held for approval —
registers a provider when it starts (its ``AppConfig.ready``). The Audiences app calls every provider once
per page or request, for all the audiences shown, so a provider costs a query per page, never per row.

Providers of one kind are called in the order they registered; with none registered, each point answers
as an audience nobody else knows about would (no notices, no campaigns, no transmissions, no actions).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from .models import Audience


@dataclass(frozen=True)
class AudienceUse:
    """Something above that holds on to an audience (a campaign's Allowlist or Blocklist)."""

    id: int
    name: str
    list: str  # "allowlist" or "blocklist"
    list_label: str
    url: str = ""


@dataclass(frozen=True)
class AudienceFeed:
    """One delivery that fed (or tried to feed) an audience, as its version history shows it."""

    transmission_id: str
    status: str
    status_label: str
    received_at: object
    finished_at: object
    version: int | None
    rows_read: int
    voters_accepted: int
    duplicates: int
    rows_rejected: int
    failure_reason: str | None
    errors: list = field(default_factory=list)


@dataclass(frozen=True)
class AudienceAction:
    """A button an app above adds to the Audiences page: on the ticked audiences, or on one row.

    ``url`` is opened as a pop-up with the ticked audiences (``audience=<id>`` parameters) appended.
    """

    label: str
    url: str
    primary: bool = False


class _Registry:
    def __init__(self):
        self.providers: list[Callable] = []

    def register(self, provider: Callable) -> None:
        if provider not in self.providers:
            self.providers.append(provider)


# provider(request=..., audiences=[...], place="row" | "details") -> {audience id: rendered HTML}
_notices = _Registry()
# provider(audience_ids=[...]) -> {audience id: progress 0–1 of the load running now}
_load_progress = _Registry()
# provider(audience_ids=[...]) -> {audience id: [AudienceUse, ...]}
_uses = _Registry()
# provider(audience=...) -> [AudienceFeed, ...] newest first
_feeds = _Registry()
# provider(request=...) -> [AudienceAction, ...] for the ticked audiences
_selection_actions = _Registry()

audience_notice_provider_register = _notices.register
audience_load_progress_provider_register = _load_progress.register
audience_use_provider_register = _uses.register
audience_feed_provider_register = _feeds.register
audience_selection_action_provider_register = _selection_actions.register


def audience_notices_attach(*, request, audiences: Sequence[Audience], place: str) -> None:
    """Set ``audience.notices`` (a list of HTML fragments) on each audience, from every provider."""
    for audience in audiences:
        audience.notices = []
    if not audiences:
        return
    by_id = {audience.pk: audience for audience in audiences}
    for provider in _notices.providers:
        for audience_id, html in provider(request=request, audiences=audiences, place=place).items():
            by_id[audience_id].notices.append(SafeString(html))


def audience_load_progress(*, audience_ids: Sequence[int]) -> dict[int, float]:
    """Progress (0–1) of the load each audience is going through now; absent when none runs."""
    progress: dict[int, float] = {}
    if not audience_ids:
        return progress
    for provider in _load_progress.providers:
        for audience_id, value in provider(audience_ids=audience_ids).items():
            progress.setdefault(audience_id, value)
    return progress


def audience_load_progress_attach(*, audiences: Sequence[Audience]) -> None:
    """Set ``audience.load_progress`` on each audience (None when nothing loads)."""
    progress = audience_load_progress(audience_ids=[a.pk for a in audiences])
    for audience in audiences:
        audience.load_progress = progress.get(audience.pk)


def audience_uses(*, audience_ids: Sequence[int]) -> dict[int, list[AudienceUse]]:
    """What holds on to each audience, by name (for Audience Details and the reason a delete is refused)."""
    uses: dict[int, list[AudienceUse]] = {audience_id: [] for audience_id in audience_ids}
    if not audience_ids:
        return uses
    for provider in _uses.providers:
        for audience_id, found in provider(audience_ids=audience_ids).items():
            uses.setdefault(audience_id, []).extend(found)
    return uses


def audience_feeds(*, audience: Audience) -> list[AudienceFeed]:
    """Every delivery that fed the audience, newest first."""
    feeds: list[AudienceFeed] = []
    for provider in _feeds.providers:
        feeds.extend(provider(audience=audience))
    return sorted(feeds, key=lambda feed: feed.received_at, reverse=True)


def audience_selection_actions(*, request) -> list[AudienceAction]:
    actions: list[AudienceAction] = []
    for provider in _selection_actions.providers:
        actions.extend(provider(request=request))
    return actions
