"""API: the runs that used a model or a dataset, with their roles, status and key metric."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from webapp.common.api import page_response, paginated
from webapp.registry.api.params import PAGE_PARAMS
from webapp.registry.selectors.datasets import dataset_get
from webapp.registry.selectors.models import model_get
from webapp.registry.selectors.usage import DATASET_ROLES, MODEL_ROLES, key_metric, run_roles, runs_using
from webapp.runs.api.methods import method_field
from webapp.runs.models import RunStatus
from webapp.runs.selectors.metrics import metric_summaries_by_run


class KeyMetricOutput(serializers.Serializer):
    name = serializers.CharField(help_text="The metric the run's early stopping watches (eval/loss by default), or "
                                           "the first of eval/loss, eval/reward_mean, eval/accuracy, train/loss it "
                                           "logged.")
    value = serializers.FloatField(help_text="Its last logged value.")
    step = serializers.IntegerField()
    higher_is_better = serializers.BooleanField()


def _usage_output(roles: dict[str, str], name: str) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "method": method_field(),
        "status": serializers.ChoiceField(choices=RunStatus.choices),
        "roles": serializers.ListField(child=serializers.ChoiceField(choices=list(roles)),
                                       help_text="The roles the object played in the run."),
        "key_metric": KeyMetricOutput(allow_null=True, help_text="Null until the run logs a candidate metric."),
        "created_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True),
    })


ModelRunOutput = _usage_output(MODEL_ROLES, "ModelRunOutput")
DatasetRunOutput = _usage_output(DATASET_ROLES, "DatasetRunOutput")


def _usage_page(request, view, obj, output):
    runs = runs_using(obj=obj, role=request.query_params.get("role"))

    def render(page):
        summaries = metric_summaries_by_run(run_ids=[run.id for run in page])
        return output([{"id": run.id, "name": run.name, "method": run.method, "status": run.status,
                        "roles": run_roles(run=run, obj=obj), "key_metric": key_metric(run=run,
                                                                                     summaries=summaries[run.id]),
                        "created_at": run.created_at, "finished_at": run.finished_at} for run in page],
                      many=True).data

    return page_response(request, view, runs, render)


def _role_param(roles: dict[str, str]) -> OpenApiParameter:
    return OpenApiParameter("role", str, enum=list(roles), description="Only the runs that used it in this role.")


class ModelRunsApi(APIView):
    @extend_schema(parameters=[_role_param(MODEL_ROLES), *PAGE_PARAMS],
                   responses=paginated(ModelRunOutput, "ModelRunPage"), operation_id="models_runs_list",
                   description="The runs that used the model as student, teacher or reference, newest first, "
                               "with their status and key metric.")
    def get(self, request, pk: int):
        return _usage_page(request, self, model_get(user=request.user, pk=pk), ModelRunOutput)


class DatasetRunsApi(APIView):
    @extend_schema(parameters=[_role_param(DATASET_ROLES), *PAGE_PARAMS],
                   responses=paginated(DatasetRunOutput, "DatasetRunPage"), operation_id="datasets_runs_list",
                   description="The runs that used the dataset as training, validation or replay data, newest "
                               "first, with their status and key metric.")
    def get(self, request, pk: int):
        return _usage_page(request, self, dataset_get(user=request.user, pk=pk), DatasetRunOutput)
