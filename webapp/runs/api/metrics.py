"""API: a run's metric series (downsampled for charts, or exported in full) and
several runs' series at once."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.common.errors import Invalid
from webapp.runs.api.compare import parse_run_ids
from webapp.runs.selectors.metrics import metric_series, stream_position
from webapp.runs.selectors.runs import run_get, runs_get_many

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


def series_for_runs(runs, request) -> tuple[list[dict], dict]:
    names = [n for n in request.query_params.get("names", "").split(",") if n]
    max_points = _max_points(request)
    step_min, step_max = _step_range(request)
    series = [{"run": run.id, **series} for run in runs
              for series in metric_series(run=run, names=names, max_points=max_points,
                                                    step_min=step_min, step_max=step_max)]
    return series, {"step_min": step_min, "step_max": step_max}


class RunSeriesOutput(SeriesOutput):
    run = serializers.IntegerField()


class MultiSeriesOutput(serializers.Serializer):
    series = RunSeriesOutput(many=True)
    range = StepRangeOutput(help_text="The step range the series cover (both null: the whole series).")


SERIES_PARAMS = [OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                 OpenApiParameter("max_points", int, description="At most this many points per series."),
                 *STEP_RANGE_PARAMS]


class RunMetricsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                    OpenApiParameter("max_points", int,
                                     description="At most this many points per series (default 1000)."),
                    *STEP_RANGE_PARAMS],
        responses=SeriesPageOutput,
    )
    def get(self, request, pk: int):
        run = run_get(user=request.user, pk=pk)
        names = [n for n in request.query_params.get("names", "").split(",") if n]
        max_points = _max_points(request)
        step_min, step_max = _step_range(request)
        # The position is read before the series, so a stream opened from it may repeat a point
        # (merged by step in the client) but never misses one.
        metric_id, log_seq = stream_position(run=run)
        series = metric_series(run=run, names=names, max_points=max_points,
                                         step_min=step_min, step_max=step_max)
        return Response({"series": series, "cursor": f"{metric_id}-{log_seq}",
                         "range": {"step_min": step_min, "step_max": step_max}})


class MetricsExportOutput(serializers.Serializer):
    run = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField(),
                                    help_text='Always ["name", "step", "value", "wall"].')
    points = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()),
                                   help_text="One [name, step, value, wall] per point, ordered by name then step.")


class RunMetricsExportApi(APIView):
    """Every point of the run's metrics at full resolution (no downsampling), streamed as CSV or as
    one JSON document; the charts' endpoint above returns at most max_points per series."""

    @extend_schema(
        parameters=[OpenApiParameter("names", str, description="Comma-separated metric names (default: all)."),
                    OpenApiParameter("as", str, enum=["csv", "json"], description="csv (default) or json.")],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=(
                       "A header row `run,name,step,value,wall`, then one row per point; values as Python "
                       "reprs, so they read back exactly.")),
                   (200, "application/json"): MetricsExportOutput},
    )
    def get(self, request, pk: int):
        from webapp.runs.api.downloads import metrics_export_response

        run = run_get(user=request.user, pk=pk)
        fmt = request.query_params.get("as", "csv")  # not ?format=, which DRF keeps for its renderers
        if fmt not in ("csv", "json"):
            raise Invalid(f"as must be csv or json, not '{fmt}'.", field="as")
        names = [n for n in request.query_params.get("names", "").split(",") if n]
        return metrics_export_response(run.id, names, fmt)


class SeriesApi(APIView):
    """Downsampled series of several runs and metrics in one request, for comparison charts."""

    @extend_schema(parameters=[OpenApiParameter("runs", str, required=True), *SERIES_PARAMS],
                   responses=MultiSeriesOutput)
    def get(self, request):
        runs = runs_get_many(user=request.user, ids=parse_run_ids(request.query_params.get("runs")))
        series, step_range = series_for_runs(runs, request)
        return Response({"series": series, "range": step_range})
