"""API for methods, runs (launch, list, cancel, metrics, logs, artifacts, live events) and workers."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write, require_write_to_body_workspace, workspace_get, writable_workspace
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.common.errors import Invalid, NotFound
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs import selectors, services
from webapp.runs.models import Run


# --- methods --------------------------------------------------------------------------------


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
    dataset_kinds = serializers.ListField(child=serializers.CharField(), help_text="Dataset kinds it trains on.")
    tasks = serializers.BooleanField(help_text="Continual learning: trains on a task-sequence dataset, with an "
                                               "optional replay dataset and no validation dataset.")
    shared_vocabulary = serializers.BooleanField(
        required=False, help_text="With a teacher: teacher and student must share token ids (false for methods that "
                                  "pass only text between them, such as sequence-level KD).")
    data_parallel = serializers.BooleanField(
        required=False, help_text="The method can train on several GPUs at once (data parallel, one process per GPU); "
                                  "false: a run asks for at most one GPU.")


class MethodOutput(serializers.Serializer):
    name = serializers.CharField()
    family = serializers.CharField()
    description = serializers.CharField()
    paper = serializers.JSONField(help_text='{"title": ..., "url": ...}')
    requires = MethodRequiresOutput()
    schema = serializers.JSONField(help_text="JSON Schema of the method's config.")


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


# --- runs -----------------------------------------------------------------------------------


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    config = serializers.JSONField()
    student = serializers.IntegerField(source="student_id")
    teacher = serializers.IntegerField(source="teacher_id", allow_null=True)
    reference = serializers.IntegerField(source="reference_id", allow_null=True,
                                         help_text="The frozen reference model; null: the student as it starts.")
    train_dataset = serializers.IntegerField(source="train_dataset_id")
    validation_dataset = serializers.IntegerField(source="validation_dataset_id", allow_null=True)
    replay_dataset = serializers.IntegerField(source="replay_dataset_id", allow_null=True,
                                              help_text="Continual learning: text replayed alongside every task.")
    seed = serializers.IntegerField()
    resources = serializers.JSONField()
    tags = serializers.JSONField()
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

    def get_progress(self, run: Run) -> dict:
        return {"step": run.progress_step, "total": run.progress_total, "eta_s": run.eta_s,
                "tokens_per_s": run.tokens_per_s}

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_nodes(self, run: Run) -> list[dict]:
        if int(run.resources.get("nodes", 1) or 1) <= 1:
            return []
        nodes = self.context.get("nodes", {}).get(run.id)
        if nodes is None:
            nodes = run.nodes.filter(attempt=run.attempt)
        return [{"node_rank": n.node_rank, "worker": n.worker, "address": n.address, "status": n.status,
                 "exit_code": n.exit_code, "heartbeat_at": n.heartbeat_at} for n in nodes]

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
    summaries = selectors.metric_summaries_by_run(run_ids=[r.id for r in runs])
    nodes = selectors.run_nodes_by_run(runs=runs)
    return RunOutput(runs, many=True, context={"summaries": summaries, "nodes": nodes}).data


def _in_workspace(model, pk, workspace, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, workspace=workspace).first()
    if obj is None:
        raise Invalid(f"There is no {field.replace('_', ' ')} with id {pk} in '{workspace.slug}'.", field=field)
    return obj


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
        qs = selectors.runs_for(
            user=request.user, workspace_slug=request.query_params.get("workspace"),
            status=request.query_params.get("status"),
        )
        qs = selectors.runs_search(qs, request.query_params)
        return page_response(request, self, qs, serialize_runs)

    @extend_schema(request=Input, responses={201: RunOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        run = services.run_create(
            workspace=workspace, user=request.user, name=d["name"], method=d["method"], config=d["config"],
            student=_in_workspace(ModelAsset, d["student"], workspace, "student"),
            teacher=_in_workspace(ModelAsset, d["teacher"], workspace, "teacher"),
            reference=_in_workspace(ModelAsset, d["reference"], workspace, "reference"),
            train_dataset=_in_workspace(Dataset, d["train_dataset"], workspace, "train_dataset"),
            validation_dataset=_in_workspace(Dataset, d["validation_dataset"], workspace, "validation_dataset"),
            replay_dataset=_in_workspace(Dataset, d["replay_dataset"], workspace, "replay_dataset"),
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
        return Response(RunOutput(selectors.run_get(user=request.user, pk=pk)).data)

    @extend_schema(request=Input, responses=RunOutput)
    def patch(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        require_write(user=request.user, workspace=run.workspace)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(RunOutput(services.run_update(run=run, user=request.user, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.run_delete(run=selectors.run_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunRetryApi(APIView):
    """A new run with the same method, models, data and config; its parent is this run."""

    @extend_schema(request=None, responses={201: RunOutput})
    def post(self, request, pk: int):
        run = services.run_clone(run=selectors.run_get(user=request.user, pk=pk), user=request.user)
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
        original = selectors.run_get(user=request.user, pk=pk)
        require_write(user=request.user, workspace=original.workspace)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        edits = dict(data.validated_data)
        for field, model in (("student", ModelAsset), ("teacher", ModelAsset), ("reference", ModelAsset),
                             ("train_dataset", Dataset), ("validation_dataset", Dataset), ("replay_dataset", Dataset)):
            if field in edits:
                edits[field] = _in_workspace(model, edits[field], original.workspace, field)
        run = services.run_clone(run=original, user=request.user, edits=edits)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunResumeApi(APIView):
    """Puts a failed or cancelled run back in the queue; it continues from its last checkpoint."""

    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, pk: int):
        run = services.run_resume(run=selectors.run_get(user=request.user, pk=pk), user=request.user)
        return Response(RunOutput(run).data)


class RunCancelApi(APIView):
    @extend_schema(request=None, responses=RunOutput)
    def post(self, request, pk: int):
        run = services.run_cancel(run=selectors.run_get(user=request.user, pk=pk), user=request.user)
        return Response(RunOutput(run).data)


STEP_RANGE_PARAMS = [
    OpenApiParameter("step_min", int, description="Only points at this step or later (inclusive); the range is "
                     "downsampled on its own, to at most max_points points, its first and last points exact."),
    OpenApiParameter("step_max", int, description="Only points at this step or earlier (inclusive); "
                     "step_min <= step_max."),
]


class SeriesOutput(serializers.Serializer):
    name = serializers.CharField()
    steps = serializers.ListField(child=serializers.IntegerField())
    values = serializers.ListField(child=serializers.FloatField())
    walls = serializers.ListField(child=serializers.FloatField())
    mins = serializers.ListField(child=serializers.FloatField())
    maxs = serializers.ListField(child=serializers.FloatField())
    downsampled = serializers.BooleanField()


class StepRangeOutput(serializers.Serializer):
    step_min = serializers.IntegerField(allow_null=True, help_text="The first step asked for (null: from the start).")
    step_max = serializers.IntegerField(allow_null=True, help_text="The last step asked for (null: to the end).")


class SeriesPageOutput(serializers.Serializer):
    series = SeriesOutput(many=True)
    range = StepRangeOutput(help_text="The step range the series cover (both null: the whole series).")
    cursor = serializers.CharField(help_text="Open /events/?cursor=... to continue live from this snapshot.")


class RunMetricsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                    OpenApiParameter("max_points", int,
                                     description="At most this many points per series (default 1000)."),
                    *STEP_RANGE_PARAMS],
        responses=SeriesPageOutput,
    )
    def get(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        names = [n for n in request.query_params.get("names", "").split(",") if n]
        max_points = _max_points(request)
        step_min, step_max = _step_range(request)
        # The position is read before the series, so a stream opened from it may repeat a point
        # (merged by step in the client) but never misses one.
        metric_id, log_seq = selectors.stream_position(run=run)
        series = selectors.metric_series(run=run, names=names, max_points=max_points,
                                         step_min=step_min, step_max=step_max)
        return Response({"series": series, "cursor": f"{metric_id}-{log_seq}",
                         "range": {"step_min": step_min, "step_max": step_max}})


class RunMetricsExportApi(APIView):
    """Every point of the run's metrics at full resolution (no downsampling), streamed as CSV or as
    one JSON document; the charts' endpoint above returns at most max_points per series."""

    @extend_schema(
        parameters=[OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                    OpenApiParameter("as", str, enum=["csv", "json"], description="csv (default) or json.")],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, "application/json"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int):
        from webapp.runs.downloads import metrics_export_response

        run = selectors.run_get(user=request.user, pk=pk)
        fmt = request.query_params.get("as", "csv")  # not ?format=, which DRF keeps for its renderers
        if fmt not in ("csv", "json"):
            raise Invalid(f"as must be csv or json, not '{fmt}'.", field="as")
        names = [n for n in request.query_params.get("names", "").split(",") if n]
        return metrics_export_response(run.id, names, fmt)


class LogLineOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    time = serializers.FloatField()
    level = serializers.CharField()
    message = serializers.CharField()


class LogPageOutput(serializers.Serializer):
    results = LogLineOutput(many=True)


class RunLogsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("after", int, description="Lines after this sequence number (paged)."),
                    OpenApiParameter("tail", int, description="Only the last N lines (at most 5000).")],
        responses=LogPageOutput,
    )
    def get(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        try:
            after = int(request.query_params.get("after", 0))
            tail = int(request.query_params.get("tail", 0))
        except ValueError:
            raise Invalid("after and tail must be integers.", field="after") from None
        if tail:
            lines = selectors.log_lines_tail(run=run, count=min(max(tail, 1), 5000))
        else:
            lines = selectors.log_lines_after(run=run, after_seq=after)
        return Response({"results": LogLineOutput(lines, many=True).data})


class ArtifactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class RunArtifactsApi(APIView):
    @extend_schema(responses=ArtifactOutput(many=True))
    def get(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        return Response(ArtifactOutput(selectors.artifacts_of(run=run), many=True).data)


class RunArtifactDownloadApi(APIView):
    """Downloads an artifact: a file as itself, a directory (a checkpoint, the final model) as a tar
    named run-ID-NAME.tar whose members sit under run-ID-NAME/. Fetched from the artifact store
    first when the run wrote it on another host; 404 while its worker is still uploading it."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, artifact_id: int):
        from webapp.runs.downloads import artifact_response

        run = selectors.run_get(user=request.user, pk=pk)
        artifact = selectors.artifact_get(run=run, pk=artifact_id)
        path = selectors.artifact_local_path(artifact=artifact)
        return artifact_response(path, f"run-{run.id}-{artifact.name}")


class RunArtifactContentApi(APIView):
    """The JSON document of one of the run's table artifacts, as the engine wrote it (e.g. the
    continual-learning accuracy matrix 'cl-matrix-step-N' or a 'calibration-step-N' reliability
    diagram). Other artifact kinds are 400; tables larger than ARTIFACT_TABLE_MAX_BYTES are 413."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int, artifact_id: int):
        run = selectors.run_get(user=request.user, pk=pk)
        artifact = selectors.artifact_get(run=run, pk=artifact_id)
        return Response(selectors.artifact_table_content(artifact=artifact))


class WorkerOutput(serializers.Serializer):
    hostname = serializers.CharField()
    queues = serializers.JSONField()
    gpus = serializers.JSONField()
    current_run = serializers.IntegerField(source="current_run_id", allow_null=True)
    last_heartbeat = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.SerializerMethodField(help_text="No heartbeat for RUN_HEARTBEAT_TIMEOUT_S seconds.")

    def get_stale(self, worker) -> bool:
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        return worker.stopped_at is None and \
            timezone.now() - worker.last_heartbeat > timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S)


class WorkerListApi(APIView):
    """Workers are shared by every workspace; the run a worker is busy with is shown only to
    members of that run's workspace."""

    class Filters(serializers.Serializer):
        all = serializers.BooleanField(
            required=False, default=False,
            help_text="1: every worker the server still knows (stopped ones and silent ones included); by default "
                      "only workers up and seen in the last WORKERS_RECENT_HOURS hours.")

    @extend_schema(parameters=[Filters], responses=WorkerOutput(many=True),
                   description="Workers up and seen in the last WORKERS_RECENT_HOURS hours (default 24), by "
                               "hostname; ?all=1 adds stopped and silent ones (their rows are deleted after "
                               "WORKERS_RETENTION_DAYS days, default 7).")
    def get(self, request):
        from django.conf import settings

        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        workers = list(selectors.workers_all() if filters.validated_data["all"]
                       else selectors.workers_recent(hours=settings.WORKERS_RECENT_HOURS))
        busy = {w.current_run_id for w in workers if w.current_run_id}
        visible = set(selectors.runs_for(user=request.user).filter(pk__in=busy).values_list("pk", flat=True))
        data = WorkerOutput(workers, many=True).data
        for row in data:
            if row["current_run"] not in visible:
                row["current_run"] = None
        return Response(data)


# --- templates ------------------------------------------------------------------------------


class TemplateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    description = serializers.CharField()
    method = serializers.CharField()
    config = serializers.JSONField()
    student = serializers.CharField()
    teacher = serializers.CharField()
    reference = serializers.CharField(help_text="Model name; empty: the student as it starts.")
    train_dataset = serializers.CharField()
    validation_dataset = serializers.CharField()
    replay_dataset = serializers.CharField()
    seed = serializers.IntegerField()
    register_model_as = serializers.CharField()


class TemplateListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        method = serializers.CharField()
        config = serializers.DictField(required=False, default=dict)
        student = serializers.IntegerField()
        teacher = serializers.IntegerField(required=False, allow_null=True, default=None)
        reference = serializers.IntegerField(required=False, allow_null=True, default=None)
        train_dataset = serializers.IntegerField()
        validation_dataset = serializers.IntegerField(required=False, allow_null=True, default=None)
        replay_dataset = serializers.IntegerField(required=False, allow_null=True, default=None)
        seed = serializers.IntegerField(required=False, default=0)
        register_model_as = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=TemplateOutput(many=True))
    def get(self, request):
        qs = selectors.templates_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return Response(TemplateOutput(qs, many=True).data)

    @extend_schema(request=Input, responses={201: TemplateOutput}, operation_id="templates_create",
                   description="Save a run's settings as a template (the same fields as creating a run; models "
                               "and datasets by id, kept by name so a later launch takes each dataset's newest "
                               "version).")
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        template = services.template_create(
            workspace=workspace, user=request.user, name=d["name"], description=d["description"], method=d["method"],
            config=d["config"], student=_in_workspace(ModelAsset, d["student"], workspace, "student"),
            teacher=_in_workspace(ModelAsset, d["teacher"], workspace, "teacher"),
            reference=_in_workspace(ModelAsset, d["reference"], workspace, "reference"),
            train_dataset=_in_workspace(Dataset, d["train_dataset"], workspace, "train_dataset"),
            validation_dataset=_in_workspace(Dataset, d["validation_dataset"], workspace, "validation_dataset"),
            replay_dataset=_in_workspace(Dataset, d["replay_dataset"], workspace, "replay_dataset"),
            seed=d["seed"], register_model_as=d["register_model_as"],
        )
        return Response(TemplateOutput(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        services.template_delete(template=selectors.template_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateLaunchApi(APIView):
    @extend_schema(request=None, responses={201: RunOutput})
    def post(self, request, pk: int):
        template = selectors.template_get(user=request.user, pk=pk)
        run = services.template_launch(template=template, user=request.user)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


# --- comparison and sharing -----------------------------------------------------------------

MAX_COMPARED_RUNS = 50


def _parse_ids(raw: str | None, field: str = "runs") -> list[int]:
    try:
        ids = [int(part) for part in (raw or "").split(",") if part.strip()]
    except ValueError:
        raise Invalid(f"{field} must be comma-separated run ids, e.g. {field}=12,15.", field=field) from None
    if not ids:
        raise Invalid(f"Give the runs as {field}=ID,ID,...", field=field)
    if len(ids) > MAX_COMPARED_RUNS:
        raise Invalid(f"At most {MAX_COMPARED_RUNS} runs at once.", field=field)
    return list(dict.fromkeys(ids))


def _max_points(request) -> int:
    try:
        max_points = int(request.query_params.get("max_points", 1000))
    except ValueError:
        raise Invalid("max_points must be an integer.", field="max_points") from None
    if not 10 <= max_points <= 100_000:
        raise Invalid("max_points must be between 10 and 100000.", field="max_points")
    return max_points


STEP_LIMIT = 2**31 - 1


def _step_range(request) -> tuple[int | None, int | None]:
    """step_min and step_max (each optional, inclusive) from the query string; 400 unless they are
    integers between -2147483647 and 2147483647 with step_min <= step_max."""
    bounds: list[int | None] = []
    for field in ("step_min", "step_max"):
        raw = request.query_params.get(field)
        if raw is None or raw == "":
            bounds.append(None)
            continue
        try:
            value = int(raw)
        except ValueError:
            raise Invalid(f"{field} must be an integer step, got '{raw}'.", field=field) from None
        if abs(value) > STEP_LIMIT:
            raise Invalid(f"{field} must be between -{STEP_LIMIT} and {STEP_LIMIT}.", field=field)
        bounds.append(value)
    step_min, step_max = bounds
    if step_min is not None and step_max is not None and step_min > step_max:
        raise Invalid(f"step_min ({step_min}) must not be greater than step_max ({step_max}).", field="step_min")
    return step_min, step_max


def _series_for_runs(runs, request) -> tuple[list[dict], dict]:
    names = [n for n in request.query_params.get("names", "").split(",") if n]
    max_points = _max_points(request)
    step_min, step_max = _step_range(request)
    series = [{"run": run.id, **series} for run in runs
              for series in selectors.metric_series(run=run, names=names, max_points=max_points,
                                                    step_min=step_min, step_max=step_max)]
    return series, {"step_min": step_min, "step_max": step_max}


class RunSeriesOutput(SeriesOutput):
    run = serializers.IntegerField()


class MultiSeriesOutput(serializers.Serializer):
    series = RunSeriesOutput(many=True)
    range = StepRangeOutput(help_text="The step range the series cover (both null: the whole series).")


class ConfigDiffOutput(serializers.Serializer):
    values = serializers.DictField(child=serializers.DictField(), help_text="{path: {run id: value}}")
    differing = serializers.ListField(child=serializers.CharField(), help_text="Paths whose values differ.")


class CompareOutput(serializers.Serializer):
    runs = RunOutput(many=True)
    config = ConfigDiffOutput()


class SharedOutput(CompareOutput):
    title = serializers.CharField()
    workspace = serializers.CharField()
    created_at = serializers.DateTimeField()


SERIES_PARAMS = [OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                 OpenApiParameter("max_points", int, description="At most this many points per series."),
                 *STEP_RANGE_PARAMS]


class SeriesApi(APIView):
    """Downsampled series of several runs and metrics in one request, for comparison charts."""

    @extend_schema(parameters=[OpenApiParameter("runs", str, required=True), *SERIES_PARAMS],
                   responses=MultiSeriesOutput)
    def get(self, request):
        runs = selectors.runs_get_many(user=request.user, ids=_parse_ids(request.query_params.get("runs")))
        series, step_range = _series_for_runs(runs, request)
        return Response({"series": series, "range": step_range})


class CompareApi(APIView):
    """Runs side by side: each run (with metric summaries) and the config diff across them."""

    @extend_schema(parameters=[OpenApiParameter("runs", str, required=True)], responses=CompareOutput)
    def get(self, request):
        runs = selectors.runs_get_many(user=request.user, ids=_parse_ids(request.query_params.get("runs")))
        return Response({"runs": serialize_runs(runs), "config": selectors.config_diff(runs)})


class ShareLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    token = serializers.CharField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    runs = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()

    def get_url(self, link) -> str:
        return f"/shared/{link.token}"

    def get_runs(self, link) -> list[int]:
        return sorted(run.id for run in link.runs.all())


class ShareLinkListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        runs = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=MAX_COMPARED_RUNS)
        title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=ShareLinkOutput(many=True))
    def get(self, request):
        links = selectors.share_links_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return Response(ShareLinkOutput(links, many=True).data)

    @extend_schema(request=Input, responses={201: ShareLinkOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = workspace_get(user=request.user, slug=data.validated_data["workspace"])
        runs = selectors.runs_get_many(user=request.user, ids=list(dict.fromkeys(data.validated_data["runs"])))
        link = services.share_link_create(workspace=workspace, user=request.user, runs=runs,
                                          title=data.validated_data["title"])
        return Response(ShareLinkOutput(link).data, status=status.HTTP_201_CREATED)


class ShareLinkDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        link = get_object_or_404(selectors.share_links_for(user=request.user), pk=pk)
        services.share_link_revoke(link=link, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedApi(APIView):
    """What a share link shows, without an account: its runs, their config diff, read-only."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], responses=SharedOutput)
    def get(self, request, token: str):
        link = selectors.share_link_by_token(token=token)
        runs = list(link.runs.select_related("workspace", "creator").order_by("id"))
        return Response({"title": link.title, "workspace": link.workspace.name, "created_at": link.created_at,
                         "runs": serialize_runs(runs), "config": selectors.config_diff(runs)})


class SharedSeriesApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], parameters=SERIES_PARAMS, responses=MultiSeriesOutput)
    def get(self, request, token: str):
        link = selectors.share_link_by_token(token=token)
        series, step_range = _series_for_runs(list(link.runs.order_by("id")), request)
        return Response({"series": series, "range": step_range})


# --- sweeps ---------------------------------------------------------------------------------


class SweepOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    method = serializers.CharField()
    strategy = serializers.CharField()
    parameters = serializers.JSONField()
    metric = serializers.CharField()
    goal = serializers.CharField()
    creator = serializers.CharField(source="creator.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class SweepBestOutput(serializers.Serializer):
    run = serializers.IntegerField()
    value = serializers.FloatField()


class SweepDetailOutput(SweepOutput):
    runs = RunOutput(many=True)
    best = SweepBestOutput(allow_null=True)


class SweepListApi(APIView):
    class Input(RunListApi.Input):
        parameters = serializers.DictField(help_text='{"config.training.learning_rate": [1e-3, 3e-3]} (grid) or '
                                                     '{"config.alpha": {"min": 0, "max": 1}} (random)')
        strategy = serializers.ChoiceField(choices=["grid", "random"])
        count = serializers.IntegerField(required=False, default=0, help_text="Runs to sample (random).")
        metric = serializers.CharField(required=False, default="eval/loss")
        goal = serializers.ChoiceField(choices=["min", "max"], required=False, default="min")

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=SweepOutput(many=True))
    def get(self, request):
        return Response(SweepOutput(selectors.sweeps_for(user=request.user,
                                                         workspace_slug=request.query_params.get("workspace")),
                                    many=True).data)

    @extend_schema(request=Input, responses={201: SweepDetailOutput})
    def post(self, request):
        from webapp.runs.sweeps import sweep_create

        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        sweep_fields = {key: d.pop(key) for key in ("parameters", "strategy", "count", "metric", "goal")}
        name = d.pop("name") or d["method"]
        base = {**d, "student": _in_workspace(ModelAsset, d["student"], workspace, "student"),
                "teacher": _in_workspace(ModelAsset, d["teacher"], workspace, "teacher"),
                "reference": _in_workspace(ModelAsset, d["reference"], workspace, "reference"),
                "train_dataset": _in_workspace(Dataset, d["train_dataset"], workspace, "train_dataset"),
                "validation_dataset": _in_workspace(Dataset, d["validation_dataset"], workspace, "validation_dataset"),
                "replay_dataset": _in_workspace(Dataset, d["replay_dataset"], workspace, "replay_dataset")}
        sweep = sweep_create(workspace=workspace, user=request.user, name=name, base=base, **sweep_fields)
        return Response(_sweep_detail(sweep), status=status.HTTP_201_CREATED)


def _sweep_detail(sweep) -> dict:
    from webapp.runs.sweeps import sweep_best

    runs = list(sweep.runs.select_related("workspace", "creator").order_by("id"))
    summaries = selectors.metric_summaries_by_run(run_ids=[r.id for r in runs])
    return {**SweepOutput(sweep).data,
            "runs": RunOutput(runs, many=True, context={"summaries": summaries}).data,
            "best": sweep_best(sweep=sweep, summaries=summaries)}


class SweepDetailApi(APIView):
    @extend_schema(responses=SweepDetailOutput)
    def get(self, request, pk: int):
        return Response(_sweep_detail(selectors.sweep_get(user=request.user, pk=pk)))


# --- history export / import ----------------------------------------------------------------


class HistoryExportApi(APIView):
    """The workspace's finished runs (configs, statuses, summaries, full series) as one gzipped
    JSON Lines file, importable into another installation."""

    @extend_schema(responses={(200, "application/gzip"): OpenApiTypes.BINARY})
    def get(self, request, slug: str):
        from django.http import FileResponse

        from webapp.runs.history import history_export

        workspace = workspace_get(user=request.user, slug=slug)
        return FileResponse(history_export(workspace=workspace, user=request.user), as_attachment=True,
                            filename=f"{workspace.slug}-history.jsonl.gz", content_type="application/gzip")


class HistoryImportApi(APIView):
    parser_classes = [MultiPartParser]

    class Input(StrictSerializer):
        file = serializers.FileField(help_text="A file made by GET /workspaces/{slug}/export/.")

    class Output(serializers.Serializer):
        runs = serializers.IntegerField()
        models = serializers.IntegerField()
        datasets = serializers.IntegerField()
        points = serializers.IntegerField()

    @extend_schema(request={"multipart/form-data": Input}, responses={201: Output})
    def post(self, request, slug: str):
        from webapp.runs.history import history_import

        workspace = writable_workspace(user=request.user, slug=slug)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        summary = history_import(workspace=workspace, user=request.user, upload=data.validated_data["file"])
        return Response(summary, status=status.HTTP_201_CREATED)


# --- playground -----------------------------------------------------------------------------


class PlaygroundOutputRow(serializers.Serializer):
    model = serializers.IntegerField(source="model_id")
    prompt_index = serializers.IntegerField()
    text = serializers.CharField()
    tokens = serializers.IntegerField()
    tokens_per_s = serializers.FloatField(allow_null=True)
    done = serializers.BooleanField()
    error = serializers.CharField()


class PlaygroundModelRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlaygroundOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    status = serializers.CharField()
    error_message = serializers.CharField()
    prompts = serializers.ListField(child=serializers.CharField())
    sampling = serializers.JSONField()
    models = PlaygroundModelRow(source="chosen_models", many=True)
    outputs = PlaygroundOutputRow(many=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class PlaygroundListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        models = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        prompts = serializers.ListField(child=serializers.CharField(max_length=4000), min_length=1)
        max_new_tokens = serializers.IntegerField(required=False, default=64)
        temperature = serializers.FloatField(required=False, default=0.0)
        top_p = serializers.FloatField(required=False, default=1.0)
        seed = serializers.IntegerField(required=False, default=0)

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=PlaygroundOutputSerializer(many=True))
    def get(self, request):
        sessions = selectors.playground_sessions_for(user=request.user,
                                                     workspace_slug=request.query_params.get("workspace"))[:50]
        return Response(PlaygroundOutputSerializer(sessions, many=True).data)

    @extend_schema(request=Input, responses={201: PlaygroundOutputSerializer})
    def post(self, request):
        from webapp.runs.playground import playground_create

        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        models = [_in_workspace(ModelAsset, pk, workspace, "models") for pk in dict.fromkeys(d.pop("models"))]
        session = playground_create(workspace=workspace, user=request.user, models=models, **d)
        return Response(PlaygroundOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class PlaygroundDetailApi(APIView):
    """The session now; outputs fill in as tokens are generated. To follow it live, open
    /playground/{id}/events/ (Server-Sent Events) instead of polling this."""

    @extend_schema(responses=PlaygroundOutputSerializer)
    def get(self, request, pk: int):
        return Response(PlaygroundOutputSerializer(selectors.playground_session_get(user=request.user, pk=pk)).data)
