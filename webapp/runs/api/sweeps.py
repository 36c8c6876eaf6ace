"""API: sweeps (a grid or random sample of runs) and their best run."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.fields import object_field
from webapp.runs.api.methods import method_field
from webapp.runs.api.runs import RunListApi, RunOutput
from webapp.runs.selectors.metrics import metric_summaries_by_run
from webapp.runs.selectors.runs import run_inputs
from webapp.runs.selectors.sweeps import sweep_get, sweeps_for


class SweepOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    method = method_field()
    strategy = serializers.ChoiceField(choices=["grid", "random"])
    parameters = object_field(help_text="{path: values} (grid) or {path: values or {min, max[, log]}} (random).")
    metric = serializers.CharField()
    goal = serializers.ChoiceField(choices=["min", "max"])
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
        return Response(SweepOutput(sweeps_for(user=request.user,
                                                         workspace_slug=request.query_params.get("workspace")),
                                    many=True).data)

    @extend_schema(request=Input, responses={201: SweepDetailOutput})
    def post(self, request):
        from webapp.runs.services.sweeps import sweep_create

        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        sweep_fields = {key: d.pop(key) for key in ("parameters", "strategy", "count", "metric", "goal")}
        name = d.pop("name") or d["method"]
        base = {**d, **run_inputs(workspace=workspace, ids=d)}
        sweep = sweep_create(workspace=workspace, user=request.user, name=name, base=base, **sweep_fields)
        return Response(_sweep_detail(sweep), status=status.HTTP_201_CREATED)


def _sweep_detail(sweep) -> dict:
    from webapp.runs.services.sweeps import sweep_best

    runs = list(sweep.runs.select_related("workspace", "creator").order_by("id"))
    summaries = metric_summaries_by_run(run_ids=[r.id for r in runs])
    return {**SweepOutput(sweep).data,
            "runs": RunOutput(runs, many=True, context={"summaries": summaries}).data,
            "best": sweep_best(sweep=sweep, summaries=summaries)}


class SweepDetailApi(APIView):
    @extend_schema(responses=SweepDetailOutput)
    def get(self, request, pk: int):
        return Response(_sweep_detail(sweep_get(user=request.user, pk=pk)))
