import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import notice_emails_send


@shared_task(name="notices.send_emails", queue="default")
def send_notice_emails(notice_ids: list[int]) -> int:
    return notice_emails_send(notice_ids=notice_ids)


@shared_task(name="notices.send_pending_emails", queue="default")
def send_pending_notice_emails() -> int:
    """Emails whose task never ran (the broker was down when they were queued)."""
    return notice_emails_send(older_than=timezone.now() - dt.timedelta(minutes=2))
