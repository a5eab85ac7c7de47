from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from iqm_portal.exceptions import ApplicationError

from .extensions import profile_sections
from .permissions import organization_required
from .selectors import l2_customer_list, membership_list
from .services import current_organization_switch, l2_customer_add, l2_customer_remove


@login_required
@require_safe
def profile(request):
    """My Profile: who the user is, and (its Organizations section) every organization of the user with
    their role and the ID L2 users need, and the current organization's L2 customers (whose pushes are
    never held for approval); then the sections the apps above add (accounts/extensions.py).
    /profile/organizations/ shows the same page, for the links made to it."""
    organization = getattr(request, "organization", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": membership_list(user=request.user),
            "l2_customers": l2_customer_list(organization=organization) if organization else [],
            "can_change_l2_customers": bool(request.membership and request.membership.is_admin),
            "sections": profile_sections(request=request),
        },
    )


@organization_required(admin=True)
@require_POST
def l2_customer_create(request):
    try:
        customer = l2_customer_add(
            organization=request.organization,
            customer_id=request.POST.get("customer_id", ""),
            added_by=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{customer.customer_id} is now one of your L2 customers: its pushes are never held."
        )
    return redirect("accounts:profile")


@organization_required(admin=True)
@require_POST
def l2_customer_delete(request, customer_id: int):
    customer = get_object_or_404(l2_customer_list(organization=request.organization), pk=customer_id)
    l2_customer_remove(customer=customer)
    messages.success(
        request,
        f"{customer.customer_id} is no longer one of your L2 customers: its pushes to segments it does not "
        "own will wait for approval.",
    )
    return redirect("accounts:profile")


@login_required
@require_POST
def organization_switch(request):
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        messages.error(request, "Choose an organization.")
        return redirect("accounts:profile")
    try:
        membership = current_organization_switch(request=request, organization_id=organization_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile")
    messages.success(request, f"You are now working in {membership.organization.name}.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("home")
