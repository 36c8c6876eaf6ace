"""API: runs (launch, list, read, edit, delete, retry, clone, resume, cancel)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write, require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common.fields import object_field, string_list_field
from webapp.runs.api.methods import method_field
from webapp.runs.models import Run, RunNode, RunStatus
from webapp.runs.resources import Resources
from webapp.runs.selectors.metrics import metric_summaries_by_run
from webapp.runs.selectors.runs import run_get, run_inputs, run_nodes_by_run, runs_list
from webapp.runs.services.runs import run_cancel, run_clone, run_create, run_delete, run_resume, run_update


class RunProgressOutput(serializers.Serializer):
    step = serializers.IntegerField()
    total = serializers.IntegerField()
    eta_s = serializers.FloatField(allow_null=True)
    tokens_per_s = serializers.FloatField(allow_null=True)


class RunNodeOutput(serializers.Serializer):
    node_rank = serializers.IntegerField()
    worker = serializers.CharField()
    address = serializers.CharField()
    status = serializers.ChoiceField(choices=RunNode.Status.choices)
    exit_code = serializers.IntegerField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)


class MetricSummaryOutput(serializers.Serializer):
    last = serializers.FloatField()
    last_step = serializers.IntegerField()
    min = serializers.FloatField()
    min_step = serializers.IntegerField()
    max = serializers.FloatField()
    max_step = serializers.IntegerField()
    count = serializers.IntegerField()


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    method = method_field()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    config = object_field(help_text="The method's config, as validated (defaults filled in).")
    student = serializers.IntegerField(source="student_id")
    teacher = serializers.IntegerField(source="teacher_id", allow_null=True)
    reference = serializers.IntegerField(source="reference_id", allow_null=True,
                                         help_text="The frozen reference model; null: the student as it starts.")
    train_dataset = serializers.IntegerField(source="train_dataset_id")
    validation_dataset = serializers.IntegerField(source="validation_dataset_id", allow_null=True)
    replay_dataset = serializers.IntegerField(source="replay_dataset_id", allow_null=True,
                                              help_text="Continual learning: text replayed alongside every task.")
    seed = serializers.IntegerField()
    resources = object_field({"gpus": {"type": "integer"}, "nodes": {"type": "integer"}},
                             help_text="gpus: GPUs per host (0: CPU); nodes: hosts (default 1).")
    tags = string_list_field()
    notes = serializers.CharField()
    starred = serializers.BooleanField()
    creator = serializers.CharField(source="creator.username", allow_null=True, default=None)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    sweep = serializers.IntegerField(source="sweep_id", allow_null=True)
    worker = serializers.CharField()
    attempt = serializers.IntegerField()
    error_message = serializers.CharField()
    register_model_as = serializers.CharField()
    progress = serializers.SerializerMethodField()
    nodes = serializers.SerializerMethodField(
        help_text="A run over several hosts: the nodes of its current attempt (rank, worker, address, status, "
                  "exit code, last heartbeat); empty for a run on one host.")
    summaries = serializers.SerializerMethodField(help_text="Per metric: last, min, max, count.")
    created_at = serializers.DateTimeField()
    queued_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(RunProgressOutput)
    def get_progress(self, run: Run) -> dict:
        return {"step": run.progress_step, "total": run.progress_total, "eta_s": run.eta_s,
                "tokens_per_s": run.tokens_per_s}

    @extend_schema_field(RunNodeOutput(many=True))
    def get_nodes(self, run: Run) -> list[dict]:
        if not Resources.of(run).multi_host:
            return []
        nodes = self.context.get("nodes", {}).get(run.id)
        if nodes is None:
            nodes = run.nodes.filter(attempt=run.attempt)
        return [{"node_rank": n.node_rank, "worker": n.worker, "address": n.address, "status": n.status,
                 "exit_code": n.exit_code, "heartbeat_at": n.heartbeat_at} for n in nodes]

    @extend_schema_field(serializers.DictField(child=MetricSummaryOutput()))
    def get_summaries(self, run: Run) -> dict:
        summaries = self.context.get("summaries", {}).get(run.id)
        if summaries is None:
            summaries = {s.name: s for s in run.metric_summaries.all()}
        return {
            name: {"last": s.last, "last_step": s.last_step, "min": s.min, "min_step": s.min_step,
                   "max": s.max, "max_step": s.max_step, "count": s.count}
            for name, s in sorted(summaries.items())
        }


def serialize_runs(runs: list[Run]) -> list[dict]:
    """Serializes a page of runs with their metric summaries loaded in one query."""
    summaries = metric_summaries_by_run(run_ids=[r.id for r in runs])
    nodes = run_nodes_by_run(runs=runs)
    return RunOutput(runs, many=True, context={"summaries": summaries, "nodes": nodes}).data


class RunListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=200, required=False, default="")
        method = serializers.CharField()
        config = serializers.DictField(required=False, default=dict)
        student = serializers.IntegerField()
        teacher = serializers.IntegerField(required=False, allow_null=True, default=None)
        reference = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="Methods whose requires.reference is true: the frozen reference model (a registered model "
                      "or soup). Null or absent: a frozen copy of the student as it starts (the initial policy).")
        train_dataset = serializers.IntegerField(
            help_text="Continual-learning methods (requires.tasks): a task-sequence dataset.")
        validation_dataset = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="Must be empty for continual-learning methods (each task carries its own).")
        replay_dataset = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="Continual-learning methods only: a text dataset replayed alongside every task.")
        seed = serializers.IntegerField(required=False, default=0)
        resources = serializers.DictField(required=False, default=dict)
        tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter("workspace", str),
            OpenApiParameter("status", str, description="Comma-separated statuses."),
            OpenApiParameter("method", str), OpenApiParameter("tag", str), OpenApiParameter("creator", str),
            OpenApiParameter("student", int), OpenApiParameter("teacher", int), OpenApiParameter("reference", int),
            OpenApiParameter("train_dataset", int), OpenApiParameter("validation_dataset", int),
            OpenApiParameter("replay_dataset", int),
            OpenApiParameter("model", int, description="A model in any role: student, teacher or reference."),
            OpenApiParameter("dataset", int, description="A dataset in any role: training, validation or replay."),
            OpenApiParameter("sweep", int),
            OpenApiParameter("starred", bool), OpenApiParameter("q", str, description="Name contains."),
            OpenApiParameter("created_after", str), OpenApiParameter("created_before", str),
            OpenApiParameter("metric", str, many=True,
                             description="Summary filter, e.g. eval/loss.min<2.1 (repeatable)."),
            OpenApiParameter("config", str, many=True, description="Config filter, e.g. training.seed=1 (repeatable)."),
            OpenApiParameter("ordering", str, description="created_at, finished_at, name, status or metric:NAME:STAT; "
                                                           "'-' descends."),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="At most 500."),
        ],
        responses=paginated(RunOutput, "RunPage"),
        operation_id="runs_list",
    )
    def get(self, request):
        qs = runs_list(user=request.user, params=request.query_params)
        return page_response(request, self, qs, serialize_runs)

    @extend_schema(request=Input, responses={201: RunOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        run = run_create(
            workspace=workspace, user=request.user, name=d["name"], method=d["method"], config=d["config"],
            **run_inputs(workspace=workspace, ids=d),
            seed=d["seed"], resources=d["resources"], tags=d["tags"], notes=d["notes"],
        )
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    class Input(StrictSerializer):
        name = serializers.CharField(max_length=200, required=False)
        notes = serializers.CharField(required=False, allow_blank=True)
        tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
        starred = serializers.BooleanField(required=False)

    @extend_schema(responses=RunOutput)
    def get(self, request, pk: int):
        return Response(RunOutput(run_get(user=request.user, pk=pk)).data)

    @extend_schema(request=Input, responses=RunOutput)
    def patch(self, request, pk: int):
        run = run_get(user=request.user, pk=pk)
        require_write(user=request.user, workspace=run.workspace)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(RunOutput(run_update(run=run, user=request.user, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        run_delete(run=run_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunRetryApi(APIView):
    """A new run with the same method, models, data and config; its parent is this run."""

    @extend_schema(request=None, responses={201: RunOutput})
    def post(self, request, pk: int):
        run = run_clone(run=run_get(user=request.user, pk=pk), user=request.user)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunCloneApi(APIView):
    """A new run from this one with edits: config edits are deep-merged into the original config."""

    class Input(StrictSerializer):
        name = serializers.CharField(max_length=200, required=False)
        config = serializers.DictField(required=False)
        seed = serializers.IntegerField(required=False)
        resources = serializers.DictField(required=False)
        tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
        notes = serializers.CharField(required=False, allow_blank=True)
        student = serializers.IntegerField(required=False)
        teacher = serializers.IntegerField(required=False, allow_null=True)
        reference = serializers.IntegerField(required=False, allow_null=True,
                                             help_text="Null: the student as it starts.")
        train_dataset = serializers.IntegerField(required=False)
        validation_dataset = serializers.IntegerField(required=False, allow_null=True)
        replay_dataset = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=Input, responses={201: RunOutput})
    def post(self, request, pk: int):
        original = run_get(user=request.user, pk=pk)
        require_write(user=request.user, workspace=original.workspace)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        edits = dict(data.validated_data)
        edits.update(run_inputs(workspace=original.workspace, ids=edits))
        run = run_clone(run=original, user=request.user, edits=edits)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunResumeApi(APIView):
    """Puts a failed or cancelled run back in the queue; it continues from its last checkpoint."""

    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, pk: int):
        run = run_resume(run=run_get(user=request.user, pk=pk), user=request.user)
        return Response(RunOutput(run).data)


class RunCancelApi(APIView):
    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, pk: int):
        run = run_cancel(run=run_get(user=request.user, pk=pk), user=request.user)
        return Response(RunOutput(run).data)
