"""Output fields with a precise OpenAPI schema, for client types generated from docs/openapi.yaml
(openapi-typescript): a JSON value whose shape is known declares it, instead of `any`. They return
exactly what a plain JSONField returns; only the schema changes."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ANY = {}


def json_field(schema: dict, **kwargs) -> serializers.JSONField:
    """A JSONField (the value passes through as stored) documented with `schema`."""
    field_class = extend_schema_field(schema)(type("TypedJSONField", (serializers.JSONField,), {}))
    return field_class(**kwargs)


def object_field(properties: dict | None = None, **kwargs) -> serializers.JSONField:
    """A JSON object: free-form, or with these (optional) properties and any others."""
    schema: dict = {"type": "object", "additionalProperties": ANY}
    if properties:
        schema["properties"] = properties
    return json_field(schema, **kwargs)


def string_list_field(**kwargs) -> serializers.JSONField:
    return json_field({"type": "array", "items": {"type": "string"}}, **kwargs)


class LazyChoiceField(serializers.CharField):
    """A string from a set that is known only when the schema is generated, such as the engine's
    method catalog (which tests and plugins extend at run time): an enum in the schema
    (webapp.common.schema), the value passed through as a CharField passes it."""

    def __init__(self, choices: Callable[[], Iterable[str]], **kwargs):
        self.choices_from = choices
        super().__init__(**kwargs)
