"""API: registered models (register, list, read, delete, lineage)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common.fields import object_field
from webapp.common.parsers import SizeLimitedJSONParser
from webapp.registry.api.params import PAGE_PARAMS, WORKSPACE_PARAM
from webapp.registry.models import ModelSource
from webapp.runs.api.methods import method_field
from webapp.registry.selectors.models import model_get, model_lineage, models_for
from webapp.registry.services.models import model_delete
from webapp.registry.services.registration import model_register


class ModelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=ModelSource.choices)
    path = serializers.CharField()
    config = object_field(allow_null=True, help_text="(source=config) the transformers config dict.")
    tokenizer_path = serializers.CharField()
    hub_id = serializers.CharField(help_text="(source=hub) the Hugging Face hub id runs load from the local cache.")
    architecture = serializers.CharField()
    parameter_count = serializers.IntegerField(allow_null=True)
    vocab_size = serializers.IntegerField(allow_null=True)
    dtype = serializers.CharField()
    has_tokenizer = serializers.BooleanField(allow_null=True)
    inspected_at = serializers.DateTimeField(allow_null=True, help_text="Null until a worker has inspected it.")
    inspection_error = serializers.CharField()
    produced_by_run = serializers.IntegerField(source="produced_by_run_id", allow_null=True)
    ingredients = serializers.SerializerMethodField(help_text="A soup's ingredient model ids, in order; [] otherwise.")
    soups = serializers.SerializerMethodField(help_text="Ids of the soups this model is an ingredient of.")
    created_at = serializers.DateTimeField()

    def get_ingredients(self, model) -> list[int]:
        return [link.ingredient_id for link in model.ingredient_links.all()]

    def get_soups(self, model) -> list[int]:
        return sorted(link.soup_id for link in model.soup_links.all())


class LineageModelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=ModelSource.choices)
    architecture = serializers.CharField()
    parameter_count = serializers.IntegerField(allow_null=True)


class LineageRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    method = method_field()


class LineageAncestorOutput(serializers.Serializer):
    run = LineageRunOutput()
    teacher = LineageModelOutput(allow_null=True)
    initial = LineageModelOutput(help_text="The student the run started from.")
    reference = LineageModelOutput(allow_null=True)


class LineageDescendantOutput(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    role = serializers.ChoiceField(choices=["teacher", "student", "reference"])
    model = LineageModelOutput()
    run = LineageRunOutput()


LineageDescendantOutput._declared_fields["from"] = serializers.IntegerField(
    help_text="The model of this lineage (or of an earlier descendant) the run used.")


class LineageOutput(serializers.Serializer):
    model = LineageModelOutput()
    ancestors = LineageAncestorOutput(many=True)
    descendants = LineageDescendantOutput(many=True)
    ingredients = LineageModelOutput(many=True)
    soups = LineageModelOutput(many=True)


class ModelListApi(APIView):
    parser_classes = [SizeLimitedJSONParser, MultiPartParser, FormParser]

    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=100)
        source = serializers.ChoiceField(choices=[ModelSource.CONFIG, ModelSource.PATH, ModelSource.RUN,
                                                  ModelSource.UPLOAD, ModelSource.SOUP, ModelSource.HUB])
        file = serializers.FileField(required=False, help_text="(source=upload) .zip/.tar/.tar.gz of a model directory")
        config = serializers.JSONField(required=False, help_text="transformers config dict (source=config)")
        tokenizer_path = serializers.CharField(required=False, default="", help_text="Required with source=config.")
        path = serializers.CharField(required=False, help_text="Server-local model directory (source=path)")
        run = serializers.IntegerField(required=False,
                                       help_text="A succeeded run whose final model to register (source=run)")
        artifact = serializers.IntegerField(
            required=False, help_text="(source=run) one of the run's checkpoints to register instead of its final "
                                      "model; any run that saved one, finished or not.")
        hub_id = serializers.CharField(
            required=False, max_length=200,
            help_text="(source=hub) a Hugging Face hub id ('org/name') already in the server's local Hugging Face "
                      "cache (HF_HOME); the server never downloads.")
        ingredients = serializers.ListField(
            child=serializers.IntegerField(), required=False,
            help_text="(source=soup) ids of 2 or more models of the workspace with weights, one architecture and "
                      "vocabulary; the soup is their uniform weight average, computed when a run loads it.")

    @extend_schema(parameters=[WORKSPACE_PARAM, *PAGE_PARAMS], responses=paginated(ModelOutput, "ModelPage"),
                   operation_id="models_list")
    def get(self, request):
        qs = models_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return page_response(request, self, qs, lambda page: ModelOutput(page, many=True).data)

    @extend_schema(request={"application/json": Input, "multipart/form-data": Input}, responses={201: ModelOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        model = model_register(workspace=workspace, user=request.user, name=d.pop("name"), source=d.pop("source"),
                               fields=d)
        return Response(ModelOutput(model).data, status=status.HTTP_201_CREATED)


class ModelDetailApi(APIView):
    @extend_schema(responses=ModelOutput)
    def get(self, request, pk: int):
        return Response(ModelOutput(model_get(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None}, description="Deletes the model (its creator, or an owner or admin). 409 "
                   "while a run uses it (as student, teacher or reference), a soup has it as an ingredient, or a "
                   "playground session is generating with it. Files the registry stored (uploads, checkpoint "
                   "copies) go with it; a server-local directory and a run's final model stay.")
    def delete(self, request, pk: int):
        model_delete(model=model_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelLineageApi(APIView):
    """Where a model came from (the runs and teachers behind it) and what was made from it."""

    @extend_schema(responses={200: LineageOutput},
                   description="{model, ancestors, descendants, ingredients, soups}: each ancestor step names its "
                               "run, teacher, initial student and reference model (alignment); each descendant the "
                               "role (teacher, student or reference) this model played; ingredients are a soup's "
                               "models in order, soups the soups made from this model.")
    def get(self, request, pk: int):
        return Response(model_lineage(model=model_get(user=request.user, pk=pk)))
