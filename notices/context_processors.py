from functools import cached_property

from django.conf import settings

from .selectors import unread_notice_count


class NoticeBell:
    """The bell in the top bar: the signed-in user's unread count, counted only when a page shows it (so
    an htmx fragment that never draws the top bar costs no query)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_notice_count(user=self.user)

    @property
    def poll_seconds(self) -> int:
        """How often the page checks the count: as often as its tables check their rows (docs/tables.md)."""
        return settings.TABLE_POLL_SECONDS


def notice_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_bell": NoticeBell(user)}
