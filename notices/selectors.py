from django.db.models import QuerySet

from accounts.models import Membership

from .models import EMAIL_BY_DEFAULT, EmailPreference, Notice, NoticeKind


def notice_list(*, user, unread: bool = False) -> QuerySet[Notice]:
    """The user's notices, newest first: only their own, whatever their organizations."""
    notices = Notice.objects.filter(user=user)
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def unread_notice_count(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def email_preferences(*, user) -> dict[str, bool]:
    """Whether the user is emailed about each kind: their choice, else what their role makes the default."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    default = bool(roles & EMAIL_BY_DEFAULT)
    return {kind: chosen.get(kind, default) for kind in NoticeKind.values}
