"""What every DRF API of the portal shares: problem documents, pagination, the organization in scope."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.selectors import membership_get

from .exceptions import ApplicationError
from .problems import PROBLEM_CONTENT_TYPE, problem_body

ORGANIZATION_HEADER = "X-IAA-OW-ID"


def _flatten_validation(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten_validation(value, name))
        return out
    if isinstance(detail, list) and detail and not isinstance(detail[0], (dict, list)):
        return {prefix or "non_field_errors": [str(item) for item in detail]}
    if isinstance(detail, list):
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten_validation(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def problem_exception_handler(exc, context):
    """Turn ApplicationError, validation errors, 404s and permission errors into RFC 9457 documents."""
    if isinstance(exc, ApplicationError):
        extra = dict(exc.extra)
        if exc.field:
            extra["errors"] = {exc.field: [exc.message]}
        body = problem_body(status=exc.status, code=exc.code, detail=exc.message, **extra)
        return Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_validation(exc.detail)
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        body = problem_body(status=400, code="invalid", detail=detail, errors=errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = problem_body(status=response.status_code, code=code, detail=str(detail))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
            if not header.strip().isdigit():
                raise exceptions.ValidationError(
                    {ORGANIZATION_HEADER: ["Give the organization's numeric ID."]}
                )
            membership = membership_get(user=user, account_id=int(header))
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
