"""API: runs side by side (their summaries and config diff)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.common.errors import Invalid
from webapp.common.ids import parse_id
from webapp.runs.api.runs import RunOutput, serialize_runs
from webapp.runs.selectors.runs import config_diff, runs_get_many

MAX_COMPARED_RUNS = 50


def parse_run_ids(raw: str | None, field: str = "runs") -> list[int]:
    ids = [parse_id(part.strip()) for part in (raw or "").split(",") if part.strip()]
    if None in ids:
        raise Invalid(f"{field} must be comma-separated run ids, e.g. {field}=12,15.", field=field)
    if not ids:
        raise Invalid(f"Give the runs as {field}=ID,ID,...", field=field)
    if len(ids) > MAX_COMPARED_RUNS:
        raise Invalid(f"At most {MAX_COMPARED_RUNS} runs at once.", field=field)
    return list(dict.fromkeys(ids))


class ConfigDiffOutput(serializers.Serializer):
    values = serializers.DictField(child=serializers.DictField(), help_text="{path: {run id: value}}")
    differing = serializers.ListField(child=serializers.CharField(), help_text="Paths whose values differ.")


class CompareOutput(serializers.Serializer):
    runs = RunOutput(many=True)
    config = ConfigDiffOutput()


class CompareApi(APIView):
    """Runs side by side: each run (with metric summaries) and the config diff across them."""

    @extend_schema(parameters=[OpenApiParameter("runs", str, required=True)], responses=CompareOutput)
    def get(self, request):
        runs = runs_get_many(user=request.user, ids=parse_run_ids(request.query_params.get("runs")))
        return Response({"runs": serialize_runs(runs), "config": config_diff(runs)})
