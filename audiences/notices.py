"""An extension point of the Audiences app: notices that apps above it show on an audience.

The Audiences app never imports the apps above it (DESIGN.md › Layout). An app that has something to say
about audiences — a push held for approval, say — registers a provider when it starts (its
``AppConfig.ready``); the Audiences pages call every provider once per page, for all the audiences shown.
"""

from collections.abc import Callable, Sequence

from django.utils.safestring import SafeString

from .models import Audience

# provider(request=..., audiences=[...], place="row" | "details") -> {audience id: rendered HTML}
NoticeProvider = Callable[..., dict[int, SafeString]]

_providers: list[NoticeProvider] = []


def audience_notice_provider_register(provider: NoticeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def audience_notices_attach(*, request, audiences: Sequence[Audience], place: str) -> None:
    """Set ``audience.notices`` (a list of HTML fragments) on each audience, from every provider."""
    for audience in audiences:
        audience.notices = []
    if not audiences:
        return
    by_id = {audience.pk: audience for audience in audiences}
    for provider in _providers:
        for audience_id, html in provider(request=request, audiences=audiences, place=place).items():
            by_id[audience_id].notices.append(html)
