"""What the Audiences app shows of pushes waiting for approval: a notice on the audience's row and in its
details, registered with ``audiences.notices`` when this app starts (see ``apps.py``)."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from audiences.models import AudienceStatus

from .approvals import pending_refreshes_of


def pending_refresh_notices(*, request, audiences, place: str) -> dict[int, SafeString]:
    """One query for the page: who sent what waits on each audience, and the answers the user may give."""
    held = pending_refreshes_of(audience_ids=[audience.pk for audience in audiences])
    membership = getattr(request, "membership", None)
    notices = {}
    for audience in audiences:
        pending = held.get(audience.pk)
        if pending is None and audience.status == AudienceStatus.AWAITING_APPROVAL:
            pending = {
                "customer_id": audience.l2_owner_customer_id,
                "username": audience.l2_owner_username,
                "received_at": audience.created_at,
                "new_segment": True,
            }
        if pending is None:
            continue
        notices[audience.pk] = render_to_string(
            "l2_ingest/_pending_refresh.html",
            {
                "audience": audience,
                "pending": pending,
                "place": place,
                "can_answer": bool(membership and membership.can_edit),
            },
            request=request,
        )
    return notices
