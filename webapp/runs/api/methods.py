"""API: the engine's registered methods and their config schemas."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.common.errors import NotFound
from webapp.common.fields import LazyChoiceField, object_field
from webapp.registry.models import DatasetKind


def method_names() -> list[str]:
    """The engine's registered methods (its catalog), sorted."""
    from engine import registry

    return sorted(registry.METHODS)


def method_families() -> list[str]:
    from engine import registry

    return sorted({info.family for info in registry.list_methods()})


def method_field(**kwargs) -> serializers.CharField:
    """A registered method's name in an output. A plain string in the schema, not an enum: the
    catalog grows with every method family (and plugins), and clients read it from GET /methods/
    instead of baking today's list into their types."""
    return serializers.CharField(help_text="A registered method's name (GET /api/v1/methods/ lists them).", **kwargs)


def _method_payload(info, *, with_schema: bool = True) -> dict:
    from engine import registry

    payload = info.to_json()
    if with_schema:
        payload["schema"] = registry.method_schema(info.name)
    return payload


class MethodRequiresOutput(serializers.Serializer):
    teacher = serializers.BooleanField(help_text="A run needs a teacher model (and refuses one otherwise).")
    reference = serializers.BooleanField(help_text="The method uses a frozen reference model; optional in a run "
                                                   "(default: the student as it starts), refused otherwise.")
    dataset_kinds = serializers.ListField(child=serializers.ChoiceField(choices=DatasetKind.choices),
                                          help_text="Dataset kinds it trains on.")
    tasks = serializers.BooleanField(help_text="Continual learning: trains on a task-sequence dataset, with an "
                                               "optional replay dataset and no validation dataset.")
    shared_vocabulary = serializers.BooleanField(
        required=False, help_text="With a teacher: teacher and student must share token ids (false for methods that "
                                  "pass only text between them, such as sequence-level KD).")
    data_parallel = serializers.BooleanField(
        required=False, help_text="The method can train on several GPUs at once (data parallel, one process per GPU); "
                                  "false: a run asks for at most one GPU.")


class PaperOutput(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class MethodOutput(serializers.Serializer):
    name = method_field()
    family = LazyChoiceField(method_families)
    description = serializers.CharField()
    paper = PaperOutput()
    requires = MethodRequiresOutput()
    schema = object_field(help_text="JSON Schema of the method's config.")


class MethodListApi(APIView):
    @extend_schema(responses=MethodOutput(many=True))
    def get(self, request):
        from engine import registry

        return Response([_method_payload(info) for info in registry.list_methods()])


class MethodDetailApi(APIView):
    @extend_schema(responses=MethodOutput)
    def get(self, request, name: str):
        from engine import registry

        if name not in registry.METHODS:
            raise NotFound(f"Unknown method '{name}'. Known methods: {', '.join(sorted(registry.METHODS))}.")
        return Response(_method_payload(registry.get_method(name)))
