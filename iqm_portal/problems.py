"""RFC 9457 problem documents, shared by every API of the portal."""

from http import HTTPStatus

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    return f"/problems/{code}"


def problem_body(*, status: int, code: str, detail: str, title: str | None = None, **extra) -> dict:
    return {
        "type": problem_type(code),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_response(
    *, status: int, code: str, detail: str, headers: dict | None = None, **extra
) -> JsonResponse:
    """A problem document for code paths that answer before DRF's machinery runs."""
    response = JsonResponse(
        problem_body(status=status, code=code, detail=detail, **extra),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
