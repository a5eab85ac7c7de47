from django.db.models import QuerySet

from accounts.models import Membership, Organization

from .models import EMAIL_BY_DEFAULT, KIND_ROLES, EmailPreference, Notice, NoticeKind


def notice_list(*, user, unread: bool = False, organization: Organization | None = None) -> QuerySet[Notice]:
    """The user's notices, newest first: only their own, of all their organizations (or of one)."""
    notices = Notice.objects.filter(user=user)
    if organization is not None:
        notices = notices.filter(organization=organization)
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return notices.select_related("organization").order_by("-created_at", "-id")


def unread_notice_count(*, user, organization: Organization | None = None) -> int:
    """How many of the user's notices are unread: the bell's figure, counted off a partial index."""
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if organization is not None:
        notices = notices.filter(organization=organization)
    return notices.count()


def email_preferences(*, user) -> dict[str, bool]:
    """Whether the user is emailed about each kind: their choice, else what their role makes the default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    default = bool(roles & EMAIL_BY_DEFAULT)
    return {kind: chosen.get(kind, default) for kind in NoticeKind.values}


def notice_kinds_heard(*, user) -> dict[str, bool]:
    """Whether the user, by their roles, hears of each kind at all (a push held for approval only reaches
    those who can approve it)."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return {kind: KIND_ROLES[kind] is None or bool(roles & KIND_ROLES[kind]) for kind in NoticeKind}
