"""The organization an API request works in, and what the caller's role there allows.

Every API view of an organization's data uses ``OrganizationScopedMixin``: an authenticated member, with
writes for admins and managers only. The organization is named by the X-IAA-OW-ID header, else the
session's current one.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import exceptions, permissions

from iqm_portal.query import parse_id

from .selectors import membership_get

ORGANIZATION_HEADER = "X-IAA-OW-ID"
ORGANIZATION_PARAMETER = OpenApiParameter(
    ORGANIZATION_HEADER,
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="The account ID of the organization to work in (as under My Profile › Organizations). "
    "Default: the session's current organization; with a token, the first of yours by name.",
    examples=[OpenApiExample("An account ID", value=123456)],
)


class IsOrganizationMember(permissions.BasePermission):
    """Sets ``request.organization``: named by the X-IAA-OW-ID header, else the session's current one.

    Naming an organization the user is not a member of is a 403, never a silent fallback.
    """

    message = "You are not a member of that organization."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        header = request.headers.get(ORGANIZATION_HEADER)
        if header:
            account_id = parse_id(header)
            if account_id is None:
                raise exceptions.ValidationError(
                    {ORGANIZATION_HEADER: ["Give the organization's numeric ID."]}
                )
            membership = membership_get(user=user, account_id=account_id)
        else:
            membership = getattr(request._request, "membership", None) or membership_get(user=user)
        if membership is None:
            return False
        request.membership = membership
        request.organization = membership.organization
        return True


class CanEditOrSafe(permissions.BasePermission):
    """Viewers read; admins and managers also change."""

    message = "Your role in this organization can view but not change."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        membership = getattr(request, "membership", None)
        return bool(membership and membership.can_edit)


class OrganizationScopedMixin:
    """API views of one organization's data: authenticated member, writes need an editing role."""

    permission_classes = [permissions.IsAuthenticated, IsOrganizationMember, CanEditOrSafe]
    # Every operation takes the organization's header (the schema reads this; iqm_portal/schema.py).
    scope_parameters = [ORGANIZATION_PARAMETER]
