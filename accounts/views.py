from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from iqm_portal.exceptions import ApplicationError

from .selectors import membership_list
from .services import current_organization_switch


@login_required
def organizations(request):
    """My Profile › Organizations: every organization of the user, with the ID L2 users need."""
    return render(
        request,
        "accounts/organizations.html",
        {"memberships": membership_list(user=request.user)},
    )


@login_required
@require_POST
def organization_switch(request):
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        messages.error(request, "Choose an organization.")
        return redirect("accounts:organizations")
    try:
        membership = current_organization_switch(request=request, organization_id=organization_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:organizations")
    messages.success(request, f"You are now working in {membership.organization.name}.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("audiences:home")
