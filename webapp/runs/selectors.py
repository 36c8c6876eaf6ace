"""Reads of runs, metrics, logs and artifacts, scoped to the caller's workspaces."""
from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.runs.models import Artifact, MetricPoint, MetricSummary, Run, RunLogLine, RunTemplate, Worker


def runs_for(*, user: User, workspace_slug: str | None = None, status: str | None = None) -> QuerySet[Run]:
    qs = Run.objects.filter(workspace__memberships__user=user).select_related(
        "workspace", "creator", "student", "teacher", "train_dataset", "validation_dataset"
    )
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    if status:
        qs = qs.filter(status__in=status.split(","))
    return qs


def run_get(*, user: User, pk: int) -> Run:
    return get_object_or_404(runs_for(user=user), pk=pk)


def metric_summaries_by_run(*, run_ids: list[int]) -> dict[int, dict[str, MetricSummary]]:
    """All summaries for a page of runs in one query."""
    result: dict[int, dict[str, MetricSummary]] = {run_id: {} for run_id in run_ids}
    for summary in MetricSummary.objects.filter(run_id__in=run_ids):
        result[summary.run_id][summary.name] = summary
    return result


def _downsample(rows: list[tuple[int, float, float]], max_points: int) -> dict:
    """Buckets (step, value, wall) rows into at most `max_points` points, keeping per bucket the
    last point plus the min and max (so a chart can draw the band); the first and last points of
    the series are kept exactly."""
    if len(rows) <= max_points:
        steps, values, walls = (list(col) for col in zip(*rows)) if rows else ([], [], [])
        return {"steps": steps, "values": values, "walls": walls, "mins": values, "maxs": values, "downsampled": False}
    inner = rows[1:-1]
    buckets = max(max_points - 2, 1)
    size = len(inner) / buckets
    steps, values, walls, mins, maxs = [rows[0][0]], [rows[0][1]], [rows[0][2]], [rows[0][1]], [rows[0][1]]
    for b in range(buckets):
        chunk = inner[int(b * size): int((b + 1) * size)]
        if not chunk:
            continue
        last = chunk[-1]
        chunk_values = [v for _, v, _ in chunk]
        steps.append(last[0])
        values.append(last[1])
        walls.append(last[2])
        mins.append(min(chunk_values))
        maxs.append(max(chunk_values))
    end = rows[-1]
    steps.append(end[0]), values.append(end[1]), walls.append(end[2]), mins.append(end[1]), maxs.append(end[1])
    return {"steps": steps, "values": values, "walls": walls, "mins": mins, "maxs": maxs, "downsampled": True}


def metric_series(*, run: Run, names: list[str] | None, max_points: int = 1000) -> list[dict]:
    if not names:
        names = list(run.metric_summaries.order_by("name").values_list("name", flat=True))
    series = []
    for name in names:
        rows = list(
            MetricPoint.objects.filter(run=run, name=name).order_by("step").values_list("step", "value", "wall")
        )
        series.append({"name": name, **_downsample(rows, max_points)})
    return series


def metric_points_after(*, run: Run, after_id: int, limit: int = 5000) -> list[MetricPoint]:
    return list(MetricPoint.objects.filter(run=run, id__gt=after_id).order_by("id")[:limit])


def stream_position(*, run: Run) -> tuple[int, int]:
    """(last metric point id, last log seq): where a live stream opened now should start."""
    last_point = MetricPoint.objects.filter(run=run).order_by("-id").values_list("id", flat=True).first() or 0
    last_log = RunLogLine.objects.filter(run=run).order_by("-seq").values_list("seq", flat=True).first() or 0
    return last_point, last_log


def log_lines_tail(*, run: Run, count: int) -> list[RunLogLine]:
    lines = list(RunLogLine.objects.filter(run=run).order_by("-seq")[:count])
    return lines[::-1]


def log_lines_after(*, run: Run, after_seq: int, limit: int = 1000) -> list[RunLogLine]:
    return list(RunLogLine.objects.filter(run=run, seq__gt=after_seq).order_by("seq")[:limit])


def artifacts_of(*, run: Run) -> QuerySet[Artifact]:
    return run.artifacts.all()


def workers_all() -> QuerySet[Worker]:
    return Worker.objects.select_related("current_run")


def templates_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[RunTemplate]:
    qs = RunTemplate.objects.filter(workspace__memberships__user=user).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def template_get(*, user: User, pk: int) -> RunTemplate:
    return get_object_or_404(templates_for(user=user), pk=pk)
