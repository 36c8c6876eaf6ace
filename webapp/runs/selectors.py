"""Reads of runs, metrics, logs and artifacts, scoped to the caller's workspaces."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone as dt_timezone

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User
from webapp.accounts.selectors import member_of
from webapp.common.errors import Invalid, NotFound
from webapp.runs.models import (
    ROLLUP_WIDTHS,
    Artifact,
    MetricPoint,
    MetricRollup,
    MetricSummary,
    PlaygroundSession,
    Run,
    RunLogLine,
    RunTemplate,
    ShareLink,
    Sweep,
    Worker,
)


def runs_for(*, user: User, workspace_slug: str | None = None, status: str | None = None) -> QuerySet[Run]:
    # Only what the run's output shows (its workspace's slug, its creator's name): the models and
    # datasets appear as ids, and the few writes that need the objects load them. Joining all six
    # in made an 11-table join that PostgreSQL took about 12 ms to plan (and 0.2 ms to run) on every
    # read of a run or a runs page.
    qs = Run.objects.filter(member_of(user)).select_related("workspace", "creator")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    if status:
        qs = qs.filter(status__in=status.split(","))
    return qs


METRIC_STATS = {"last", "min", "max", "count"}
OPERATORS = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "=": "exact"}
METRIC_FILTER = re.compile(r"^(?P<name>[^<>=]+)\.(?P<stat>last|min|max|count)\s*(?P<op><=|>=|<|>|=)\s*(?P<value>.+)$")


def _summary_stat(name: str, stat: str):
    return Subquery(MetricSummary.objects.filter(run=OuterRef("pk"), name=name).values(stat)[:1])


def runs_search(qs: QuerySet[Run], params) -> QuerySet[Run]:
    """Applies the runs list's filters and ordering from query parameters; a malformed one is a
    400 that says what is accepted.

    method, tag, creator (username), student/teacher/reference/train_dataset/validation_dataset/
    replay_dataset/sweep (ids), model (id, in any role) and dataset (id, in any role), starred (true/false),
    q (name contains), created_after/created_before (ISO dates), metric (repeatable,
    e.g. `eval/loss.min<2.1`), config (repeatable, e.g. `training.learning_rate=0.001`), and
    ordering: created_at, name, status, or metric:NAME:STAT, each with a leading '-' for descending.
    """
    for param, lookup in (("method", "method"), ("creator", "creator__username")):
        if params.get(param):
            qs = qs.filter(**{lookup: params[param]})
    by_id = {"student": ["student_id"], "teacher": ["teacher_id"], "reference": ["reference_id"],
             "train_dataset": ["train_dataset_id"], "validation_dataset": ["validation_dataset_id"],
             "replay_dataset": ["replay_dataset_id"], "sweep": ["sweep_id"],
             # A model or dataset in any role.
             "model": ["student_id", "teacher_id", "reference_id"],
             "dataset": ["train_dataset_id", "validation_dataset_id", "replay_dataset_id"]}
    for param, lookups in by_id.items():
        if params.get(param):
            try:
                pk = int(params[param])
            except ValueError:
                raise Invalid(f"{param} must be an id (a whole number), not '{params[param]}'.", field=param) from None
            any_role = Q()
            for lookup in lookups:
                any_role |= Q(**{lookup: pk})
            qs = qs.filter(any_role)
    if params.get("tag"):
        qs = qs.filter(tags__contains=[params["tag"]]) if connection.vendor == "postgresql" else \
            qs.filter(tags__icontains=f'"{params["tag"]}"')
    if params.get("starred") in ("true", "false"):
        qs = qs.filter(starred=params["starred"] == "true")
    if params.get("q"):
        qs = qs.filter(name__icontains=params["q"])
    for param, lookup in (("created_after", "created_at__gte"), ("created_before", "created_at__lt")):
        if params.get(param):
            try:
                moment = datetime.fromisoformat(params[param])
                if moment.tzinfo is None:  # a plain date or time is read in UTC, the server's time zone
                    moment = moment.replace(tzinfo=dt_timezone.utc)
                qs = qs.filter(**{lookup: moment})
            except ValueError:
                raise Invalid(f"{param} must be an ISO date like 2026-11-23.", field=param) from None
    for index, expression in enumerate(params.getlist("metric") if hasattr(params, "getlist") else []):
        match = METRIC_FILTER.match(expression.strip())
        if not match:
            raise Invalid(f"metric filter '{expression}' is not NAME.STAT<op>VALUE, e.g. eval/loss.min<2.1 "
                          "(STAT: last, min, max, count; op: <, <=, >, >=, =).", field="metric")
        try:
            value = float(match["value"])
        except ValueError:
            raise Invalid(f"metric filter '{expression}': '{match['value']}' is not a number.",
                          field="metric") from None
        alias = f"_metric_filter_{index}"
        qs = qs.annotate(**{alias: _summary_stat(match["name"].strip(), match["stat"])}).filter(
            **{f"{alias}__{OPERATORS[match['op']]}": value})
    for expression in params.getlist("config") if hasattr(params, "getlist") else []:
        path, sep, raw = expression.partition("=")
        if not sep or not path.strip():
            raise Invalid(f"config filter '{expression}' is not PATH=VALUE, e.g. training.learning_rate=0.001.",
                          field="config")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        qs = qs.filter(**{"config__" + "__".join(path.strip().split(".")): value})
    ordering = params.get("ordering") or "-created_at"
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    if key == "finished_at":
        return qs.order_by(
            F("finished_at").desc(nulls_last=True) if descending else F("finished_at").asc(nulls_last=True), "-id")
    if key in ("created_at", "name", "status"):
        return qs.order_by(ordering, "-id")
    parts = key.split(":")
    if len(parts) == 3 and parts[0] == "metric" and parts[2] in METRIC_STATS:
        expression = _summary_stat(parts[1], parts[2])
        order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        return qs.order_by(order, "-id")
    raise Invalid(f"Unknown ordering '{ordering}': use created_at, finished_at, name, status or metric:NAME:STAT "
                  "(STAT: last, min, max, count), with '-' for descending.", field="ordering")


def run_get(*, user: User, pk: int) -> Run:
    return get_object_or_404(runs_for(user=user), pk=pk)


def metric_summaries_by_run(*, run_ids: list[int]) -> dict[int, dict[str, MetricSummary]]:
    """All summaries for a page of runs in one query."""
    result: dict[int, dict[str, MetricSummary]] = {run_id: {} for run_id in run_ids}
    for summary in MetricSummary.objects.filter(run_id__in=run_ids):
        result[summary.run_id][summary.name] = summary
    return result


def _series(rows: list[tuple[int, float, float, float, float]], downsampled: bool) -> dict:
    """(step, value, wall, min, max) rows -> the API's column arrays."""
    steps, values, walls, mins, maxs = (list(column) for column in zip(*rows)) if rows else ([], [], [], [], [])
    return {"steps": steps, "values": values, "walls": walls, "mins": mins, "maxs": maxs, "downsampled": downsampled}


def _downsample(run: Run, name: str, max_points: int) -> dict:
    """At most `max_points` points: the first and last points exactly, and between them one point
    per step range (its last value) with the range's min and max, so a chart can draw the band.

    The ranges are read from the widest rollup that fits inside them (MetricRollup), or from the
    raw points when they are narrower than the finest rollup; the band is exact to that width.
    """
    points = MetricPoint.objects.filter(run=run, name=name)
    first = points.order_by("step").values_list("step", "value", "wall").first()
    last = points.order_by("-step").values_list("step", "value", "wall").first()
    lo, hi = first[0], last[0]
    inner = max_points - 2
    span = (hi - lo + 1) / inner
    widths = [w for w in ROLLUP_WIDTHS if w <= span]
    if widths:
        width = widths[-1]
        rollups = MetricRollup.objects.filter(run=run, name=name, width=width).order_by("bucket").values_list(
            "bucket", "last_step", "last", "last_wall", "min", "max")
        parts = ((bucket * width, step, value, wall, low, high) for bucket, step, value, wall, low, high in rollups)
    else:
        parts = ((step, step, value, wall, value, value) for step, value, wall in
                 points.order_by("step").values_list("step", "value", "wall"))
    buckets: dict[int, list] = {}
    for start, step, value, wall, low, high in parts:
        index = min(int((start - lo) / span), inner - 1) if start > lo else 0
        bucket = buckets.get(index)
        if bucket is None:
            buckets[index] = [step, value, wall, low, high]
            continue
        if step > bucket[0]:
            bucket[0], bucket[1], bucket[2] = step, value, wall
        bucket[3], bucket[4] = min(bucket[3], low), max(bucket[4], high)
    rows = [(lo, first[1], first[2], first[1], first[1])]
    end_low, end_high = last[1], last[1]
    for index in sorted(buckets):
        step, value, wall, low, high = buckets[index]
        if step == hi:  # the range that ends at the last point lends its band to that exact point
            end_low, end_high = min(end_low, low), max(end_high, high)
        elif step > lo:
            rows.append((step, value, wall, low, high))
    rows.append((hi, last[1], last[2], end_low, end_high))
    return _series(rows, downsampled=True)


def _downsample_range(run: Run, name: str, max_points: int, step_min: int | None, step_max: int | None) -> dict:
    """The points of one metric with step_min <= step <= step_max (either end open when None).

    At most `max_points` of them: all the raw points when they fit (downsampled false), otherwise
    the first and last points of the range exactly and between them one point per step range (its
    last value) with that range's min and max, as `_downsample` does for the whole series. The
    ranges are read from the widest rollup width that fits inside one of them (so a narrower zoom
    reads finer rollups, down to raw points below the finest width); rollup buckets that straddle
    an edge of the range are replaced by the raw points inside it, so nothing outside the range
    leaks into a band. The band of each point but the first covers exactly the raw points after the
    previous point up to and including it; the first point is its own band.
    """
    points = MetricPoint.objects.filter(run=run, name=name)
    if step_min is not None:
        points = points.filter(step__gte=step_min)
    if step_max is not None:
        points = points.filter(step__lte=step_max)
    if points.count() <= max_points:
        rows = points.order_by("step").values_list("step", "value", "wall")
        return _series([(s, v, w, v, v) for s, v, w in rows], downsampled=False)
    first = points.order_by("step").values_list("step", "value", "wall").first()
    last = points.order_by("-step").values_list("step", "value", "wall").first()
    lo, hi = first[0], last[0]
    inner = max_points - 2
    span = (hi - lo + 1) / inner
    widths = [w for w in ROLLUP_WIDTHS if w <= span]
    parts: list[tuple[int, int, float, float, float, float]] = []  # (start, step, value, wall, min, max)

    def raw(after: int, upto: int) -> None:
        for step, value, wall in points.filter(step__gt=after, step__lte=upto).order_by("step").values_list(
                "step", "value", "wall"):
            parts.append((step, step, value, wall, value, value))

    if widths:
        width = widths[-1]
        first_bucket, last_bucket = lo // width + 1, (hi + 1) // width - 1  # wholly inside (lo, hi]
        if first_bucket <= last_bucket:
            raw(lo, first_bucket * width - 1)
            rollups = MetricRollup.objects.filter(
                run=run, name=name, width=width, bucket__gte=first_bucket, bucket__lte=last_bucket,
            ).order_by("bucket").values_list("bucket", "last_step", "last", "last_wall", "min", "max")
            parts.extend((bucket * width, step, value, wall, low, high)
                         for bucket, step, value, wall, low, high in rollups)
            raw((last_bucket + 1) * width - 1, hi)
        else:
            raw(lo, hi)
    else:
        raw(lo, hi)
    buckets: dict[int, list] = {}
    for start, step, value, wall, low, high in parts:
        index = min(int((start - lo) / span), inner - 1)
        bucket = buckets.get(index)
        if bucket is None:
            buckets[index] = [step, value, wall, low, high]
            continue
        if step > bucket[0]:
            bucket[0], bucket[1], bucket[2] = step, value, wall
        bucket[3], bucket[4] = min(bucket[3], low), max(bucket[4], high)
    rows = [(lo, first[1], first[2], first[1], first[1])]
    end_low, end_high = last[1], last[1]
    for index in sorted(buckets):
        step, value, wall, low, high = buckets[index]
        if step == hi:  # the range that ends at the last point lends its band to that exact point
            end_low, end_high = min(end_low, low), max(end_high, high)
        else:
            rows.append((step, value, wall, low, high))
    rows.append((hi, last[1], last[2], end_low, end_high))
    return _series(rows, downsampled=True)


def metric_series(*, run: Run, names: list[str] | None, max_points: int = 1000,
                  step_min: int | None = None, step_max: int | None = None) -> list[dict]:
    """Each named metric (all when names is empty) as column arrays of at most `max_points`
    points. With step_min and/or step_max, only the points in that step range (inclusive), with
    the same rules inside it (see `_downsample_range`); without them, the whole series."""
    summaries = run.metric_summaries.filter(name__in=names) if names else run.metric_summaries.all()
    summaries = {s.name: s for s in summaries}
    series = []
    for name in names or sorted(summaries):
        summary = summaries.get(name)
        if summary is None:
            series.append({"name": name, **_series([], downsampled=False)})
        elif step_min is not None or step_max is not None:
            series.append({"name": name, **_downsample_range(run, name, max_points, step_min, step_max)})
        elif summary.count <= max_points:
            rows = MetricPoint.objects.filter(run=run, name=name).order_by("step").values_list("step", "value", "wall")
            series.append({"name": name, **_series([(s, v, w, v, v) for s, v, w in rows], downsampled=False)})
        else:
            series.append({"name": name, **_downsample(run, name, max_points)})
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


def artifact_get(*, run: Run, pk: int) -> Artifact:
    return get_object_or_404(run.artifacts.all(), pk=pk)


def artifact_local_path(*, artifact: Artifact):
    """The artifact's file or directory on this host, fetched from the artifact store if it was
    written on another (webapp.common.storage). Refuses paths outside ARTIFACT_ROOT."""
    from pathlib import Path

    from django.conf import settings

    from webapp.common import storage

    path = Path(artifact.path).resolve()
    if Path(settings.ARTIFACT_ROOT).resolve() not in path.parents:
        raise NotFound(f"Artifact '{artifact.name}' is not kept in the artifact store ({artifact.path}).")
    if not storage.pull(path):
        raise NotFound(f"Artifact '{artifact.name}' is neither on this server nor in the artifact store "
                       f"({storage.describe()}): it was removed, or its worker is still uploading it; try again "
                       "in a moment.")
    return path


def artifact_table_content(*, artifact: Artifact):
    """The parsed JSON of a table artifact (the engine writes each table as one JSON document under the
    run's output directory). Refuses other kinds, files outside ARTIFACT_ROOT, and files over
    ARTIFACT_TABLE_MAX_BYTES."""
    from django.conf import settings

    from webapp.common.errors import TooLarge

    if artifact.kind != "table":
        raise Invalid(f"Artifact '{artifact.name}' is a {artifact.kind}, not a table: only table artifacts can be "
                      "read as JSON; list the run's artifacts to find its tables.", field="artifact")
    path = artifact_local_path(artifact=artifact)
    if not path.is_file():
        raise NotFound(f"The file of table '{artifact.name}' is no longer in the artifact store.")
    size = path.stat().st_size
    limit = settings.ARTIFACT_TABLE_MAX_BYTES
    if size > limit:
        raise TooLarge(f"Table '{artifact.name}' is {size} bytes, over the {limit}-byte limit for reading tables "
                       "through the API: ask the operator to raise ARTIFACT_TABLE_MAX_BYTES.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"Table '{artifact.name}' is not valid JSON ({exc}): the engine may have been stopped while "
                      "writing it.", field="artifact") from None


def workers_all() -> QuerySet[Worker]:
    return Worker.objects.select_related("current_run")


def workers_recent(*, hours: float) -> QuerySet[Worker]:
    """Workers that are up and sent a heartbeat in the last `hours`: stopped workers and ones
    silent longer are left out (they are still in workers_all until housekeeping deletes them)."""
    from datetime import timedelta

    from django.utils import timezone

    return workers_all().filter(stopped_at__isnull=True, last_heartbeat__gte=timezone.now() - timedelta(hours=hours))


def templates_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[RunTemplate]:
    qs = RunTemplate.objects.filter(member_of(user)).select_related("workspace")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def template_get(*, user: User, pk: int) -> RunTemplate:
    return get_object_or_404(templates_for(user=user), pk=pk)


def runs_get_many(*, user: User, ids: list[int]) -> list[Run]:
    """The runs with these ids, in the order asked; 404 if any is missing or not the caller's."""
    runs = {run.id: run for run in runs_for(user=user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in runs]
    if missing:
        raise NotFound(f"Runs {', '.join(map(str, missing))} do not exist or are not in your workspaces: "
                       "leave them out.", errors={"runs": [str(i) for i in missing]})
    return [runs[i] for i in ids]


def share_links_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[ShareLink]:
    qs = ShareLink.objects.filter(member_of(user), revoked_at__isnull=True).select_related(
        "workspace", "created_by").prefetch_related("runs")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def share_link_by_token(*, token: str) -> ShareLink:
    return get_object_or_404(ShareLink.objects.select_related("workspace"), token=token, revoked_at__isnull=True)


def flatten_config(config: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            flat.update(flatten_config(value, path))
        else:
            flat[path] = value
    return flat


def config_diff(runs: list[Run]) -> dict:
    """{path: {run id: value}} over every config path, plus which paths differ between runs.
    The method, models, data and seed count as config here: they change results as much."""
    flats = []
    for run in runs:
        flat = flatten_config(run.config)
        flat.update({"method": run.method, "seed": run.seed, "student": run.student_id, "teacher": run.teacher_id,
                     "reference": run.reference_id, "train_dataset": run.train_dataset_id,
                     "validation_dataset": run.validation_dataset_id, "replay_dataset": run.replay_dataset_id})
        flats.append(flat)
    paths = sorted(set().union(*flats)) if flats else []
    values = {path: {str(run.id): flat.get(path) for run, flat in zip(runs, flats)} for path in paths}
    differing = [path for path in paths if len({json.dumps(v, sort_keys=True) for v in values[path].values()}) > 1]
    return {"values": values, "differing": differing}


def sweeps_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[Sweep]:
    qs = Sweep.objects.filter(member_of(user)).select_related("workspace", "creator")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def sweep_get(*, user: User, pk: int) -> Sweep:
    return get_object_or_404(sweeps_for(user=user), pk=pk)


def playground_sessions_for(*, user: User, workspace_slug: str | None = None) -> QuerySet[PlaygroundSession]:
    qs = PlaygroundSession.objects.filter(member_of(user)).select_related("workspace").prefetch_related(
        "chosen_models", "outputs")
    if workspace_slug:
        qs = qs.filter(workspace__slug=workspace_slug)
    return qs


def playground_session_get(*, user: User, pk: int) -> PlaygroundSession:
    return get_object_or_404(playground_sessions_for(user=user), pk=pk)


def run_nodes_by_run(*, runs: list[Run]) -> dict[int, list]:
    """The nodes of each multi-host run's current attempt, for a page of runs in one query (runs on
    one host have none and cost nothing)."""
    from webapp.runs.models import RunNode

    attempts = {run.id: run.attempt for run in runs if int(run.resources.get("nodes", 1) or 1) > 1}
    found: dict[int, list] = {run_id: [] for run_id in attempts}
    if attempts:
        for node in RunNode.objects.filter(run_id__in=list(attempts)).order_by("node_rank"):
            if node.attempt == attempts[node.run_id]:
                found[node.run_id].append(node)
    return found
