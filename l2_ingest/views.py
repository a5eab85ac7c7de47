"""Answers to a push waiting for approval, from the Audiences app's row and details (see ``panels``)."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.permissions import organization_required
from audiences.selectors import audience_list
from iqm_portal.exceptions import ApplicationError

from .approvals import pending_refresh_approve, pending_refresh_decline


def _answered(request, text: str, level: str = "success") -> HttpResponse:
    """htmx: close any pop-up, refresh the table, say what happened. Without JavaScript: back to the table."""
    if request.htmx:
        response = HttpResponse(status=204)
        events = {"closeModal": True, "audiencesChanged": True, "showMessage": {"text": text, "level": level}}
        response["HX-Trigger"] = json.dumps(events)
        return response
    getattr(messages, level)(request, text)
    return redirect("audiences:home")


def _sender(pending) -> str:
    return f"L2 customer {pending.customer_id}" if pending.customer_id else "an L2 push without a customer ID"


@organization_required(edit=True)
@require_POST
def approve(request, audience_id: int):
    audience = get_object_or_404(audience_list(organization=request.organization), pk=audience_id)
    trust = request.POST.get("trust") == "true"
    try:
        pending = pending_refresh_approve(audience=audience, user=request.user, trust=trust)
    except ApplicationError as error:
        return _answered(request, error.message, "error")
    if pending.kind == "held_push":
        text = f"Approved: the refresh from {_sender(pending)} loads now, and it owns “{audience.name}” from now on."
    else:
        text = f"Approved: “{audience.name}” can now be put on campaigns."
    if trust and pending.customer_id:
        text += f" {pending.customer_id} is now one of your organization's L2 customers."
    return _answered(request, text)


@organization_required(edit=True)
@require_POST
def decline(request, audience_id: int):
    audience = get_object_or_404(audience_list(organization=request.organization), pk=audience_id)
    try:
        pending = pending_refresh_decline(audience=audience, user=request.user)
    except ApplicationError as error:
        return _answered(request, error.message, "error")
    if pending.kind == "held_push":
        text = f"Declined the refresh from {_sender(pending)}; its file is deleted. “{audience.name}” is unchanged."
    else:
        text = f"Declined and deleted “{audience.name}”."
    return _answered(request, text)
