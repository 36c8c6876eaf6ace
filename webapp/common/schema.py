"""OpenAPI generation: unique component names for nested Input/Output serializers, and the two
authentication schemes (API token, session cookie)."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
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
