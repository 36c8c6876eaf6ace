"""API: datasets (upload a file or compose a task sequence, list, read, delete, token statistics)."""
from __future__ import annotations

from itertools import islice

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common import storage
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common.errors import Invalid, NotFound
from webapp.common.ids import parse_id
from webapp.common.strict_json import strict_loads
from webapp.common.parsers import SizeLimitedJSONParser
from webapp.registry.api.params import PAGE_PARAMS, WORKSPACE_PARAM
from webapp.registry.models import DatasetKind
from webapp.registry.selectors.datasets import dataset_get, dataset_tasks, datasets_for
from webapp.registry.selectors.models import model_get
from webapp.registry.services.datasets import dataset_delete, dataset_upload
from webapp.registry.services.task_sequences import dataset_task_sequence_create

PREVIEW_ROWS = 20


def _preview_row(number: int, line: bytes):
    """A stored row as the preview shows it. Uploads refuse rows no response can carry (NaN, a
    lone surrogate, deep nesting), but a file stored before that check still has them: such a row
    is shown as a note, so the page answers instead of a 500."""
    try:
        return strict_loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return {"unreadable_row": number, "problem": str(exc)}


class DatasetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DatasetKind.choices)
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
    parser_classes = [MultiPartParser, FormParser, SizeLimitedJSONParser]

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
        qs = datasets_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
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
            dataset, created = dataset_task_sequence_create(
                workspace=workspace, user=request.user, name=d["name"], tasks=[dict(t) for t in d["tasks"]])
        else:
            if "tasks" in d:
                raise Invalid("Only a task-sequence dataset has 'tasks': set kind=task-sequence, or upload a file.",
                              field="tasks")
            if "file" not in d:
                raise Invalid("Upload the dataset's file in 'file' (multipart).", field="file")
            dataset, created = dataset_upload(
                workspace=workspace, user=request.user, name=d["name"], kind=d["kind"], upload=d["file"],
                format=d.get("format"),
            )
        return Response(DatasetOutput(dataset).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TaskMemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DatasetKind.choices)
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
        dataset = dataset_get(user=request.user, pk=pk)
        if dataset.kind == DatasetKind.TASK_SEQUENCE:
            tasks = TaskOutput(dataset_tasks(dataset=dataset), many=True).data
            return Response({**DatasetOutput(dataset).data, "preview": tasks, "tasks": tasks})
        preview = []
        if dataset.file:  # imported history carries no data
            if not storage.pull(dataset.file):
                raise NotFound(f"The file of dataset '{dataset}' is neither on this server nor in the artifact store "
                               f"({storage.describe()}).")
            with open(dataset.file, "rb") as handle:
                preview = [_preview_row(number, line) for number, line in
                           enumerate(islice((raw for raw in handle if raw.strip()), PREVIEW_ROWS), start=1)]
        return Response({**DatasetOutput(dataset).data, "preview": preview, "tasks": []})

    @extend_schema(responses={204: None}, description="Deletes this version (its creator, or an owner or admin); "
                   "other versions stay. 409 while a run trains, validates or replays on it or a task sequence "
                   "has it as a task. Its stored file goes with it, here and in the artifact store.")
    def delete(self, request, pk: int):
        dataset_delete(dataset=dataset_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenHistogramBinOutput(serializers.Serializer):
    up_to = serializers.IntegerField(help_text="Sequences of at most this many tokens (and more than the bin before).")
    count = serializers.IntegerField()


class TokenStatsOutput(serializers.Serializer):
    tokenizer = serializers.CharField(help_text="The model whose tokenizer counted.")
    rows = serializers.IntegerField()
    sampled = serializers.BooleanField(help_text="Only the first rows were read.")
    sequences = serializers.IntegerField()
    tokens = serializers.IntegerField()
    mean = serializers.FloatField()
    p50 = serializers.IntegerField()
    p90 = serializers.IntegerField()
    p99 = serializers.IntegerField()
    max = serializers.IntegerField()
    histogram = TokenHistogramBinOutput(many=True)


class DatasetTokenStatsApi(APIView):
    """Token lengths of the dataset's sequences under a model's tokenizer: mean, percentiles, max and a
    log2 histogram (computed once per tokenizer; at most the first 50,000 rows)."""

    @extend_schema(parameters=[OpenApiParameter("model", int, required=True, description="Whose tokenizer to use.")],
                   responses={200: TokenStatsOutput})
    def get(self, request, pk: int):
        from webapp.registry.token_stats import dataset_token_stats

        dataset = dataset_get(user=request.user, pk=pk)
        model_id = parse_id(request.query_params.get("model"))
        if model_id is None:
            raise Invalid("Give the model whose tokenizer to use: ?model=ID.", field="model")
        model = model_get(user=request.user, pk=model_id)
        return Response(dataset_token_stats(dataset=dataset, model=model))
