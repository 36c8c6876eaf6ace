"""API for models and datasets."""
from __future__ import annotations

import json
from itertools import islice

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.audit import audit
from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common import storage
from webapp.common.errors import Invalid, NotFound
from webapp.registry import selectors, services
from webapp.registry.models import DatasetKind, ModelSource

WORKSPACE_PARAM = OpenApiParameter("workspace", str, description="Workspace slug to list from.")
PREVIEW_ROWS = 20
PAGE_PARAMS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="At most 500.")]


class ModelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    source = serializers.CharField()
    path = serializers.CharField()
    config = serializers.JSONField()
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


class ModelListApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

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
        qs = selectors.models_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return page_response(request, self, qs, lambda page: ModelOutput(page, many=True).data)

    @extend_schema(request={"application/json": Input, "multipart/form-data": Input}, responses={201: ModelOutput})
    def post(self, request):
        from webapp.runs.selectors import run_get

        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        source = d["source"]
        if source == ModelSource.CONFIG:
            if "config" not in d:
                raise Invalid("source=config needs 'config', a transformers config dict.", field="config")
            model = services.model_register_from_config(
                workspace=workspace, user=request.user, name=d["name"], config=d["config"],
                tokenizer_path=d["tokenizer_path"],
            )
        elif source == ModelSource.UPLOAD:
            if "file" not in d:
                raise Invalid("source=upload needs 'file', an archive of a model directory (multipart).", field="file")
            model = services.model_register_from_upload(workspace=workspace, user=request.user, name=d["name"],
                                                        upload=d["file"])
        elif source == ModelSource.SOUP:
            if "ingredients" not in d:
                raise Invalid("source=soup needs 'ingredients', the ids of two or more models to average.",
                              field="ingredients")
            model = services.model_register_soup(workspace=workspace, user=request.user, name=d["name"],
                                                 ingredients=d["ingredients"])
        elif source == ModelSource.HUB:
            if not d.get("hub_id"):
                raise Invalid("source=hub needs 'hub_id', a Hugging Face hub id such as 'org/name'.", field="hub_id")
            model = services.model_register_from_hub(workspace=workspace, user=request.user, name=d["name"],
                                                     hub_id=d["hub_id"])
        elif source == ModelSource.PATH:
            if not d.get("path"):
                raise Invalid("source=path needs 'path', a model directory on the server.", field="path")
            model = services.model_register_from_path(workspace=workspace, user=request.user, name=d["name"],
                                                      path=d["path"])
        else:
            if "run" not in d:
                raise Invalid("source=run needs 'run', the id of a succeeded run.", field="run")
            run = run_get(user=request.user, pk=d["run"])
            model = services.model_register_from_run(workspace=workspace, user=request.user, name=d["name"], run=run,
                                                     artifact_id=d.get("artifact"))
        audit(workspace=workspace, actor=request.user, action="model.create", target=model, name=model.name,
              source=model.source, **({"run": model.produced_by_run_id} if model.produced_by_run_id else {}))
        return Response(ModelOutput(model).data, status=status.HTTP_201_CREATED)


class ModelDetailApi(APIView):
    @extend_schema(responses=ModelOutput)
    def get(self, request, pk: int):
        return Response(ModelOutput(selectors.model_get(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None}, description="Deletes the model (its creator, or an owner or admin). 409 "
                   "while a run uses it (as student, teacher or reference), a soup has it as an ingredient, or a "
                   "playground session is generating with it. Files the registry stored (uploads, checkpoint "
                   "copies) go with it; a server-local directory and a run's final model stay.")
    def delete(self, request, pk: int):
        services.model_delete(model=selectors.model_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelLineageApi(APIView):
    """Where a model came from (the runs and teachers behind it) and what was made from it."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT},
                   description="{model, ancestors, descendants, ingredients, soups}: each ancestor step names its "
                               "run, teacher, initial student and reference model (alignment); each descendant the "
                               "role (teacher, student or reference) this model played; ingredients are a soup's "
                               "models in order, soups the soups made from this model.")
    def get(self, request, pk: int):
        return Response(selectors.model_lineage(model=selectors.model_get(user=request.user, pk=pk)))


class DatasetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.CharField()
    format = serializers.CharField()
    sha256 = serializers.CharField()
    row_count = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class TaskInput(StrictSerializer):
    name = serializers.CharField(max_length=100, help_text="Unique within the sequence.")
    train_dataset = serializers.IntegerField(help_text="A text, prompt-completion or chat dataset of the workspace.")
    validation_dataset = serializers.IntegerField(help_text="The task's held-out data, of the same kind.")


class DatasetListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=100)
        kind = serializers.ChoiceField(choices=DatasetKind.choices)
        file = serializers.FileField(required=False, help_text="JSON Lines, CSV with a header row, or Parquet "
                                                              "(every kind but task-sequence).")
        format = serializers.ChoiceField(choices=["jsonl", "csv", "parquet"], required=False,
                                         help_text="Default: from the file name's extension, else jsonl.")
        tasks = TaskInput(many=True, required=False,
                          help_text="(kind=task-sequence, JSON) two or more tasks in training order.")

    @extend_schema(parameters=[WORKSPACE_PARAM, *PAGE_PARAMS], responses=paginated(DatasetOutput, "DatasetPage"),
                   operation_id="datasets_list")
    def get(self, request):
        qs = selectors.datasets_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return page_response(request, self, qs, lambda page: DatasetOutput(page, many=True).data)

    @extend_schema(request={"multipart/form-data": Input, "application/json": Input},
                   responses={201: DatasetOutput, 200: DatasetOutput},
                   description="A file upload (multipart), or a task sequence of existing datasets (JSON, "
                               "kind=task-sequence with 'tasks'). 200: the same content under the same name "
                               "is already stored as that version.")
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        if d["kind"] == DatasetKind.TASK_SEQUENCE:
            if "file" in d or "format" in d:
                raise Invalid("A task-sequence dataset is made of datasets already stored, not a file: send "
                              "'tasks' (JSON) and no 'file'.", field="file")
            if "tasks" not in d:
                raise Invalid("kind=task-sequence needs 'tasks': [{\"name\", \"train_dataset\", "
                              "\"validation_dataset\"}, ...].", field="tasks")
            dataset, created = services.dataset_task_sequence_create(
                workspace=workspace, user=request.user, name=d["name"], tasks=[dict(t) for t in d["tasks"]])
        else:
            if "tasks" in d:
                raise Invalid("Only a task-sequence dataset has 'tasks': set kind=task-sequence, or upload a file.",
                              field="tasks")
            if "file" not in d:
                raise Invalid("Upload the dataset's file in 'file' (multipart).", field="file")
            dataset, created = services.dataset_upload(
                workspace=workspace, user=request.user, name=d["name"], kind=d["kind"], upload=d["file"],
                format=d.get("format"),
            )
        return Response(DatasetOutput(dataset).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TaskMemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.CharField()
    row_count = serializers.IntegerField()


class TaskOutput(serializers.Serializer):
    name = serializers.CharField()
    train_dataset = TaskMemberOutput()
    validation_dataset = TaskMemberOutput()


class DatasetDetailApi(APIView):
    class Output(DatasetOutput):
        preview = serializers.ListField(child=serializers.JSONField(),
                                        help_text="The first rows; a task sequence's tasks.")
        tasks = TaskOutput(many=True, help_text="A task sequence's tasks in training order; [] for other kinds.")

    @extend_schema(responses=Output)
    def get(self, request, pk: int):
        dataset = selectors.dataset_get(user=request.user, pk=pk)
        if dataset.kind == DatasetKind.TASK_SEQUENCE:
            tasks = TaskOutput(selectors.dataset_tasks(dataset=dataset), many=True).data
            return Response({**DatasetOutput(dataset).data, "preview": tasks, "tasks": tasks})
        preview = []
        if dataset.file:  # imported history carries no data
            if not storage.pull(dataset.file):
                raise NotFound(f"The file of dataset '{dataset}' is neither on this server nor in the artifact store "
                               f"({storage.describe()}).")
            with open(dataset.file, "rb") as handle:
                preview = [json.loads(line) for line in islice((raw for raw in handle if raw.strip()), PREVIEW_ROWS)]
        return Response({**DatasetOutput(dataset).data, "preview": preview, "tasks": []})

    @extend_schema(responses={204: None}, description="Deletes this version (its creator, or an owner or admin); "
                   "other versions stay. 409 while a run trains, validates or replays on it or a task sequence "
                   "has it as a task. Its stored file goes with it, here and in the artifact store.")
    def delete(self, request, pk: int):
        services.dataset_delete(dataset=selectors.dataset_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetTokenStatsApi(APIView):
    """Token lengths of the dataset's sequences under a model's tokenizer: mean, percentiles, max and a
    log2 histogram (computed once per tokenizer; at most the first 50,000 rows)."""

    @extend_schema(parameters=[OpenApiParameter("model", int, required=True, description="Whose tokenizer to use.")],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        from webapp.registry.token_stats import dataset_token_stats

        dataset = selectors.dataset_get(user=request.user, pk=pk)
        try:
            model_id = int(request.query_params["model"])
        except (KeyError, ValueError):
            raise Invalid("Give the model whose tokenizer to use: ?model=ID.", field="model") from None
        model = selectors.model_get(user=request.user, pk=model_id)
        return Response(dataset_token_stats(dataset=dataset, model=model))


class DatasetImportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    kind = serializers.CharField()
    hub_id = serializers.CharField()
    path = serializers.CharField()
    split = serializers.CharField()
    status = serializers.CharField()
    error_message = serializers.CharField()
    dataset = serializers.IntegerField(source="dataset_id", allow_null=True)
    created_at = serializers.DateTimeField()


class DatasetImportApi(APIView):
    """Import a dataset with the `datasets` library on a worker: by Hugging Face id from the
    server's cache (nothing is downloaded), or from a `save_to_disk` directory on the server."""

    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=100)
        kind = serializers.ChoiceField(choices=[c for c in DatasetKind.choices if c[0] != DatasetKind.TASK_SEQUENCE])
        hub_id = serializers.CharField(required=False, default="", allow_blank=True)
        path = serializers.CharField(required=False, default="", allow_blank=True)
        split = serializers.CharField(required=False, default="train")

    @extend_schema(request=Input, responses={202: DatasetImportOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        job = services.dataset_import_create(workspace=workspace, user=request.user, **d)
        return Response(DatasetImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class DatasetImportDetailApi(APIView):
    @extend_schema(responses=DatasetImportOutput)
    def get(self, request, pk: int):
        from django.shortcuts import get_object_or_404

        from webapp.accounts.selectors import member_of
        from webapp.registry.models import DatasetImport

        job = get_object_or_404(DatasetImport.objects.filter(member_of(request.user)).select_related("workspace"),
                                pk=pk)
        return Response(DatasetImportOutput(job).data)
