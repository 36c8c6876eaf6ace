"""API: the worker fleet."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.common.fields import json_field, string_list_field
from webapp.runs.selectors.runs import runs_for
from webapp.runs.selectors.workers import workers_all, workers_recent


class WorkerOutput(serializers.Serializer):
    hostname = serializers.CharField()
    queues = string_list_field(help_text="cpu, gpu and/or light.")
    gpus = json_field({"type": "array", "items": {
        "type": "object", "properties": {"index": {"type": "integer"}, "name": {"type": "string"},
                                         "memory_mb": {"type": "integer"}},
        "required": ["index", "name", "memory_mb"]}})
    current_run = serializers.IntegerField(
        source="running_run_id", allow_null=True,
        help_text="The run it is busy with; null when idle, or when the run is in a workspace you are not a member of.")
    busy = serializers.SerializerMethodField(help_text="Whether it is running a run, whoever's it is.")
    last_heartbeat = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.SerializerMethodField(help_text="No heartbeat for RUN_HEARTBEAT_TIMEOUT_S seconds.")

    def get_busy(self, worker) -> bool:
        return worker.running_run_id is not None

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
        workers = list(workers_all() if filters.validated_data["all"]
                       else workers_recent(hours=settings.WORKERS_RECENT_HOURS))
        busy = {w.running_run_id for w in workers if w.running_run_id}
        visible = set(runs_for(user=request.user).filter(pk__in=busy).values_list("pk", flat=True))
        data = WorkerOutput(workers, many=True).data
        for row in data:
            if row["current_run"] not in visible:
                row["current_run"] = None
        return Response(data)
