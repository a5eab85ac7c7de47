"""Notices: written by the services of the app where something happened, in its transaction, to the
members who should hear of it (docs/notices.md). Email follows once the transaction commits."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization

from .models import EMAIL_BY_DEFAULT, KIND_ROLES, EmailPreference, EmailState, Notice, NoticeKind

logger = logging.getLogger(__name__)


def notice_send(
    *,
    organization: Organization | int,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
) -> list[Notice]:
    """One notice to each member of the organization who should hear of this kind; email to those who want it."""
    organization_id = getattr(organization, "pk", organization)
    roles = KIND_ROLES[NoticeKind(kind)]
    members = Membership.objects.filter(organization_id=organization_id).select_related("user")
    if roles is not None:
        members = members.filter(role__in=roles)
    members = [m for m in members if m.user.is_active]
    if not members:
        return []
    chosen = dict(
        EmailPreference.objects.filter(user__in=[m.user_id for m in members], kind=kind).values_list(
            "user_id", "email"
        )
    )
    notices = []
    for member in members:
        wants_email = chosen.get(member.user_id, member.role in EMAIL_BY_DEFAULT)
        notices.append(
            Notice(
                user_id=member.user_id,
                organization_id=organization_id,
                kind=kind,
                title=title[:300],
                body=body,
                link=link[:500],
                email_state=EmailState.PENDING if wants_email and member.user.email else EmailState.NONE,
            )
        )
    Notice.objects.bulk_create(notices)
    to_email = [n.pk for n in notices if n.email_state == EmailState.PENDING]
    if to_email:
        transaction.on_commit(lambda: _queue_emails(to_email))
    return notices


def _queue_emails(notice_ids: list[int]) -> None:
    from . import tasks  # the task calls this module: imported late to keep the import graph acyclic

    try:
        tasks.send_notice_emails.delay(notice_ids)
    except Exception:  # the broker is unreachable: the periodic sweep sends them
        logger.warning("could not queue notice emails; the periodic sweep will send them", exc_info=True)


def notice_emails_send(*, notice_ids: Iterable[int] | None = None, older_than=None) -> int:
    """Email each of these notices still waiting to be emailed (or every one waiting since before
    ``older_than``); returns how many were sent. Each notice is emailed once: it is claimed, locked, first."""
    sent = 0
    pending = Notice.objects.filter(email_state=EmailState.PENDING)
    if notice_ids is not None:
        pending = pending.filter(pk__in=list(notice_ids))
    if older_than is not None:
        pending = pending.filter(created_at__lt=older_than)
    for notice_id in pending.order_by("pk").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            notice = (
                Notice.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=notice_id, email_state=EmailState.PENDING)
                .first()
            )
            if notice is None:
                continue
            try:
                send_mail(
                    subject=f"IQM audiences: {notice.title}",
                    message=_email_text(notice),
                    from_email=None,
                    recipient_list=[notice.user.email],
                )
            except Exception:
                logger.warning("notice %s: the email could not be sent", notice.pk, exc_info=True)
                notice.email_state = EmailState.FAILED
            else:
                notice.email_state = EmailState.SENT
                notice.emailed_at = timezone.now()
                sent += 1
            notice.save(update_fields=["email_state", "emailed_at"])
    return sent


def _email_text(notice: Notice) -> str:
    parts = [notice.title, ""]
    if notice.body:
        parts += [notice.body, ""]
    if notice.link:
        parts += [f"Open it in the portal: {settings.PORTAL_URL.rstrip('/')}{notice.link}", ""]
    parts.append("You receive this email because of your notice settings in My Profile.")
    return "\n".join(parts)


def notices_mark_read(
    *, user, notice_ids: Iterable[int] | None = None, organization: Organization | None = None
) -> int:
    """Mark these of the user's notices read (all of them, or all of one organization's, when no ids are
    given); returns how many. Another user's notices are never touched, whatever ids are given."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if organization is not None:
        unread = unread.filter(organization=organization)
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    return unread.update(read_at=timezone.now())


def email_preferences_set(*, user, choices: dict[str, bool]) -> None:
    """Set whether the user is emailed about each of these kinds of notice."""
    for kind, email in choices.items():
        EmailPreference.objects.update_or_create(user=user, kind=NoticeKind(kind), defaults={"email": email})
