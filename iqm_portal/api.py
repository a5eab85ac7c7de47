"""What every DRF API of the portal shares: problem documents, pagination, ID fields.

The organization in scope (who may call, in which organization) is the accounts app's: ``accounts.api_scope``.
"""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .exceptions import ApplicationError
from .outages import is_outage, outage_response
from .problems import PROBLEM_CONTENT_TYPE, problem_body
from .query import MAX_ID, parse_id


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


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The body is over the size limit."
    default_code = "payload_too_large"


def problem_exception_handler(exc, context):
    """Turn ApplicationError, validation errors, 404s and permission errors into RFC 9457 documents, and an
    outage of the database, disk, storage or Redis into a 503 with Retry-After."""
    if is_outage(exc):
        return outage_response(context["request"], exc)
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
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        # Django refuses a form past DATA_UPLOAD_MAX_NUMBER_FIELDS; answered like any body it cannot read.
        exc = exceptions.ParseError("The form has too many fields; send the body as JSON.")

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

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)  # 1 when the query string names none
        if not isinstance(number, str) or number in self.last_page_strings:
            return number
        if number.isascii() and number.isdigit():
            return number
        # int() would read "１" as 1: any other spelling is no page, answered 404 as DRF answers "abc".
        return "invalid"

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param, "")
        if text and not (text.isascii() and text.isdigit()):
            return self.page_size  # what DRF does with any page size it cannot read
        return super().get_page_size(request)


class IdField(serializers.IntegerField):
    """An object's ID in a request body: an integer from 1 to the largest primary key, digits in ASCII."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and parse_id(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class IdFormField(forms.Field):
    default_error_messages = {"invalid": "Give a numeric ID."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return number


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A list filter by an object's ID: ASCII digits only (a NumberFilter would read "1.5" as 1)."""

    field_class = IdFormField


def validated(serializer_class, data, **kwargs) -> dict:
    """The request's input, shaped by ``serializer_class``; refused (a 400 naming each field) otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
