"""OpenAPI generation: unique component names for nested Input/Output serializers, the two
authentication schemes (API token, session cookie), and enums whose values are read at generation."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers


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


class LazyChoiceFieldScheme(OpenApiSerializerFieldExtension):
    """A LazyChoiceField is the enum of its choices as they are when the schema is generated."""

    target_class = "webapp.common.fields.LazyChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return build_choice_field(serializers.ChoiceField(choices=list(self.target.choices_from())))
