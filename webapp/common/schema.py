"""OpenAPI generation: unique component names for nested Input/Output serializers, the two
authentication schemes (API token, session cookie), enums whose values are read at generation, and
the error answers every operation can give (the `{detail, errors}` body of webapp.common.api)."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField(help_text="What was wrong, and what to do about it.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="For invalid input: each field's dotted path (`config.lr`, `file.row.3`) -> its messages.")


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorOutput, description=description)


TOO_MANY_REQUESTS = error_response("Too many attempts: wait the seconds in the Retry-After header, then try again.")
RETRY_AFTER = OpenApiParameter("Retry-After", int, OpenApiParameter.HEADER, response=[429],
                               description="Seconds to wait before trying again.")

# Answers any operation may give besides its own: (code, description, who gives it).
ERRORS = [
    ("400", "Invalid input: `detail` says what was wrong and what to do; `errors` maps fields to messages.", "all"),
    ("401", "Not signed in: log in, or send `Authorization: Token <your API token>`.", "authenticated"),
    ("403", "Not allowed: your role in the workspace does not allow it (a viewer cannot write), or a browser "
            "session sent no CSRF token.", "all"),
    ("404", "Not found: it does not exist, or you are not a member of its workspace.", "all"),
    ("409", "Conflict with the current state: a name already taken, a run in a state that does not allow it, "
            "something else still using it.", "writes"),
    ("413", "Too large: a JSON body over JSON_MAX_BODY_BYTES, or an upload over its limit.", "body"),
]


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        authenticated = any(requirement for requirement in self.get_auth())
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        applies = {"all": True, "authenticated": authenticated, "writes": writes and authenticated,
                   "body": self.method in ("POST", "PUT", "PATCH")}
        for code, description, who in ERRORS:
            if applies[who] and code not in responses:
                responses[code] = self._get_response_for_code(error_response(description), code, direction=direction)
        return dict(sorted(responses.items()))

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        qualname = type(serializer).__qualname__
        short = type(serializer).__name__
        if "." in qualname and short in name:
            # `LoginApi.Input` -> `LoginApiInput` (and `PatchedInput` -> `PatchedRunDetailApiInput`),
            # so nested classes never share a component name.
            name = name.replace(short, qualname.replace(".", ""), 1)
        return name


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "webapp.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Personal API token: `Authorization: Token dst_...`"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "webapp.accounts.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class LazyChoiceFieldScheme(OpenApiSerializerFieldExtension):
    """A LazyChoiceField is the enum of its choices as they are when the schema is generated."""

    target_class = "webapp.common.fields.LazyChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return build_choice_field(serializers.ChoiceField(choices=list(self.target.choices_from())))
