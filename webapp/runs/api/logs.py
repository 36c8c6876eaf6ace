"""API: a run's log lines."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.common.errors import Invalid
from webapp.common.ids import MAX_ID
from webapp.runs.selectors.logs import log_lines_after, log_lines_tail
from webapp.runs.selectors.runs import run_get


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
        run = run_get(user=request.user, pk=pk)
        try:
            after = int(request.query_params.get("after", 0))
            tail = int(request.query_params.get("tail", 0))
        except ValueError:
            raise Invalid("after and tail must be integers.", field="after") from None
        if abs(after) > MAX_ID:  # a database integer: larger ones overflowed SQLite (a 500)
            raise Invalid(f"after must be a line number of at most {MAX_ID}.", field="after")
        if tail:
            lines = log_lines_tail(run=run, count=min(max(tail, 1), 5000))
        else:
            lines = log_lines_after(run=run, after_seq=after)
        return Response({"results": LogLineOutput(lines, many=True).data})
