"""What the Audiences app shows of L2 transmissions, registered with ``audiences.extensions`` when this
app starts (see ``apps.py``): load progress, the version history, and pushes waiting for approval."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from audiences.extensions import AudienceFeed
from audiences.models import AudienceStatus

from .approvals import pending_refreshes_of
from .selectors import audience_active_loads, audience_transmissions

FEEDS_SHOWN = 50


def load_progress(*, audience_ids) -> dict[int, float]:
    return audience_active_loads(audience_ids=audience_ids)


def transmission_feeds(*, audience) -> list[AudienceFeed]:
    return [
        AudienceFeed(
            transmission_id=str(t.pk),
            status=t.status,
            status_label=t.get_status_display(),
            received_at=t.received_at,
            finished_at=t.finished_at,
            version=t.version.number if t.version else None,
            rows_read=t.rows_read,
            voters_accepted=t.voters_accepted,
            duplicates=t.duplicates,
            rows_rejected=t.rows_rejected,
            failure_reason=t.failure_reason or None,
            errors=t.errors or [],
        )
        for t in audience_transmissions(audience=audience)[:FEEDS_SHOWN]
    ]


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
