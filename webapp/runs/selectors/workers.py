"""Reads of the worker fleet."""
from __future__ import annotations

from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from webapp.runs.models import Run, RunNode, RunStatus, Worker


def workers_all() -> QuerySet[Worker]:
    """Every worker row, each with `running_run_id`: the run it is busy with. The run's own row says
    so from the moment the worker claims it (Run.worker, or a node of a run over several hosts),
    before the worker's next heartbeat records it as `current_run`; that heartbeat is the fallback."""
    claimed = Run.objects.filter(status=RunStatus.RUNNING, worker=OuterRef("hostname")).order_by("-started_at")
    node = RunNode.objects.filter(worker=OuterRef("hostname"), run__status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
                                  status__in=[RunNode.Status.WAITING, RunNode.Status.RUNNING]).order_by("-joined_at")
    return Worker.objects.select_related("current_run").annotate(running_run_id=Coalesce(
        Subquery(claimed.values("pk")[:1]), Subquery(node.values("run_id")[:1]), F("current_run_id"),
        output_field=BigIntegerField()))


def workers_recent(*, hours: float) -> QuerySet[Worker]:
    """Workers that are up and sent a heartbeat in the last `hours`: stopped workers and ones
    silent longer are left out (they are still in workers_all until housekeeping deletes them)."""
    from datetime import timedelta

    from django.utils import timezone

    return workers_all().filter(stopped_at__isnull=True, last_heartbeat__gte=timezone.now() - timedelta(hours=hours))
