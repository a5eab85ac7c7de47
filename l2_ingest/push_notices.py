"""What a push tells the organization's members (docs/notices.md), in advertiser words with what to do.

Called by the pipeline and the approvals in the transaction that records what happened; never with voter
data, only names, counts and reasons.
"""

from django.urls import reverse

from audiences.models import Audience
from history.actors import Actor
from notices.models import NoticeKind
from notices.services import notice_send

from .models import Transmission


def _sender(transmission: Transmission) -> str:
    return Actor.of_l2(customer_id=transmission.customer_id, username=transmission.username).name


def push_failed_notify(*, transmission: Transmission, audience: Audience, reason: str) -> None:
    if audience.current_version_id is not None:
        kept = f"“{audience.name}” keeps its current {audience.voter_count or 0:,} voters; nothing changed."
    else:
        kept = f"“{audience.name}” has no voters yet."
    notice_send(
        organization=audience.organization_id,
        kind=NoticeKind.PUSH_FAILED,
        title=f"A push of “{audience.name}” failed",
        body=(
            f"{reason} {kept} Ask {_sender(transmission)} to correct the universe in L2 DataMapping and "
            f"send it again as {transmission.universe_name}."
        ),
        link=reverse("audiences:details", args=[audience.pk]),
    )


def push_held_notify(*, transmission: Transmission, audience: Audience, new_segment: bool) -> None:
    if new_segment:
        title = f"New audience “{audience.name}” waits for approval"
        body = (
            f"{_sender(transmission)}, whom your organization has not named as its L2 customer, sent it. "
            "It cannot be targeted until an admin or manager approves it in Audience Details."
        )
    else:
        title = f"A refresh of “{audience.name}” waits for approval"
        body = (
            f"{_sender(transmission)} sent it, but the segment belongs to another L2 customer. Its current "
            "voters stay in force until an admin or manager approves or declines it in Audience Details."
        )
    notice_send(
        organization=audience.organization_id,
        kind=NoticeKind.REFRESH_HELD,
        title=title,
        body=body,
        link=reverse("audiences:details", args=[audience.pk]),
    )
