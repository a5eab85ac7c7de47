"""Extension points of My Profile: the sections the apps above add to it (docs/architecture.md).

The accounts app never imports the apps above it. An app with something of the user's to show or set on My
Profile (the notices they are emailed about) registers a provider when it starts (its ``AppConfig.ready``);
My Profile calls each provider once per page, in the order they registered, and shows the sections they
return after its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class ProfileSection:
    """A section of My Profile: its anchor (``id``), its name in the page's section links, and what draws
    its HTML (called as the page is drawn, inside it)."""

    id: str
    title: str
    render: Callable[[], str]

    @property
    def html(self) -> SafeString:
        # A template's output (render_to_string), escaped as it was drawn.
        return mark_safe(self.render())


# provider(request=...) -> ProfileSection | None
_section_providers: list[Callable] = []


def profile_section_provider_register(provider: Callable) -> None:
    if provider not in _section_providers:
        _section_providers.append(provider)


def profile_sections(*, request) -> list[ProfileSection]:
    """The sections the apps above add to My Profile for this user (none when no app adds one)."""
    sections = (provider(request=request) for provider in _section_providers)
    return [section for section in sections if section is not None]
