"""Access checks shared by the pages of every app."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def organization_required(view=None, *, edit: bool = False, admin: bool = False):
    """A page of the current organization: signed in, a member, and allowed to change it (``edit=True``,
    an admin or manager) or its settings (``admin=True``, an admin)."""

    def decorate(view_func):
        @login_required
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            membership = request.membership
            if not membership:
                return render(request, "accounts/no_organization.html", status=403)
            if edit and not membership.can_edit:
                raise PermissionDenied("Your role in this organization can view but not change.")
            if admin and not membership.is_admin:
                raise PermissionDenied("Only an admin of this organization can change its settings.")
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
