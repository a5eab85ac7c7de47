"""The OpenAPI schema's error answers: every operation declares the problem documents its view can give.

One rule for all the APIs' views, read from how each view is built (its parameters, body, authentication,
permissions and throttles), so an endpoint added later is described like the others without annotations.
A status a service decides (409) is named by the view with ``@extend_schema(responses={409: None})``; its
body is filled in here.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

from .problems import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document, as every error of the APIs is answered."""

    type = serializers.CharField(help_text="A URI reference to the page that explains the code.")
    title = serializers.CharField(help_text="The HTTP status's phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong with this request, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs: see /problems/.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: each field (dotted for nested ones) and what to fix in it.",
    )


NO_BODY = gettext_lazy("No response body")
WHY = {
    "400": "The input is invalid (a body field, a query parameter or the X-IAA-OW-ID header); "
    "`errors` names each field.",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    "403": "Not a member of that organization, a role that cannot change it, or a missing CSRF token.",
    "404": "Nothing with that ID in the organization, or no such page of results.",
    "409": "The request conflicts with the object's state.",
    "413": "The body is over the size limit.",
    "415": "The body's media type is not accepted.",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


class ProblemAutoSchema(AutoSchema):
    def get_override_parameters(self):
        """The view's own, and those its scope adds to every operation (``scope_parameters``: the
        organization's header, for the views of one organization's data)."""
        parameters = list(super().get_override_parameters())
        named = {getattr(p, "name", None) for p in parameters}
        for parameter in getattr(self.view, "scope_parameters", ()):
            if parameter.name not in named:
                parameters.append(parameter)
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in self._problem_statuses(operation):
            declared = responses.get(status, {})
            if "content" in declared:
                continue  # the view described this answer itself
            description = declared.get("description")
            if description == NO_BODY:  # what drf-spectacular says of ``{409: None}``
                description = None
            responses[status] = self._problem_response(status, description)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _problem_statuses(self, operation) -> set[str]:
        statuses = {code for code in operation["responses"] if code.startswith("4")}
        locations = {p["in"] for p in operation.get("parameters", [])}
        if "requestBody" in operation:
            statuses |= {"400", "413", "415"}
        if locations & {"query", "header"}:
            statuses.add("400")
        security = operation.get("security", [])
        if security and {} not in security:
            statuses.add("401")
            # Signed in, permissions beyond that may refuse, and so does a session's CSRF check on a write.
            if self.method not in permissions.SAFE_METHODS or any(
                type(p) is not permissions.IsAuthenticated for p in self.view.get_permissions()
            ):
                statuses.add("403")
        if "path" in locations or any(p["name"] == "page" for p in operation.get("parameters", [])):
            statuses.add("404")
        if self.view.get_throttles():
            statuses.add("429")
        return statuses

    def _problem_response(self, status: str, description: str | None) -> dict:
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        response = {
            "description": description or WHY.get(status, ""),
            "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}},
        }
        if status == "401":
            response["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "required": True,
                    "description": "The scheme to authenticate with: Token.",
                }
            }
        if status == "429":
            response["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
            }
        return response
