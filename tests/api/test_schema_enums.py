"""The schema's enums for client type generation: the family enum is the engine's catalog as it is
when the schema is generated (not when the API modules were first imported), a method's name is a
plain string (the catalog grows; clients read GET /methods/), and the fields that hold a fixed set
of values point at their enum."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_family_enum_is_the_engines_catalog_and_a_method_name_is_a_string():
    from engine import registry

    schemas = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())["components"]["schemas"]
    assert "MethodEnum" not in schemas
    assert schemas["FamilyEnum"]["enum"] == sorted({info.family for info in registry.list_methods()})
    run = schemas["RunOutput"]["properties"]
    assert run["method"]["type"] == "string"
    assert run["status"] == {"$ref": "#/components/schemas/RunStatusEnum"}
    assert run["tags"] == {"type": "array", "items": {"type": "string"}}
    assert schemas["ModelOutput"]["properties"]["source"] == {"$ref": "#/components/schemas/ModelSourceEnum"}


def test_a_lazy_choice_field_reads_its_choices_when_the_schema_is_built(monkeypatch):
    from rest_framework import serializers

    from webapp.common.fields import LazyChoiceField
    from webapp.common.schema import LazyChoiceFieldScheme

    choices = ["a"]
    field = LazyChoiceField(lambda: choices)
    choices.append("b")
    assert LazyChoiceFieldScheme(field).map_serializer_field(None, "response")["enum"] == ["a", "b"]
    assert field.to_representation("anything") == "anything"
    assert isinstance(field, serializers.CharField)
