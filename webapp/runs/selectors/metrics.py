"""Reads of metrics: per-run summaries, series (downsampled for charts) and the live stream's position."""
from __future__ import annotations

from django.db import connection
from django.db.models import Q, Subquery

from webapp.runs.models import ROLLUP_WIDTHS, MetricPoint, MetricRollup, MetricSummary, Run, RunLogLine


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


# The raw points with after < step <= upto, one row per chart range: the range's index is computed
# as downsample's loop computes it, int((step - lo) / span), in IEEE doubles like Python's (the
# difference of two integers is exact in a double below 2**53, the division is the same operation,
# and floor is int() for the non-negative quotients here), so every point of a row lands in the
# same range the loop puts the row in. A row: its first step, then the last point of the range
# (step, value, wall) and the range's min and max value. The database reduces thousands of points
# to at most one row per range instead of handing each to Python.
_RANGE_INDEX = {
    "postgresql": "FLOOR((step::float8 - %s::float8) / %s::float8)",
    "sqlite": "CAST((CAST(step AS REAL) - %s) / %s AS INTEGER)",
}
_RAW_PARTS_SQL = """
    SELECT first_step, step, value, wall, low, high FROM (
        SELECT step, value, wall, MIN(step) OVER whole AS first_step, MIN(value) OVER whole AS low,
               MAX(value) OVER whole AS high, ROW_NUMBER() OVER (PARTITION BY range_index ORDER BY step DESC) AS nth
        FROM (SELECT step, value, wall, {index} AS range_index FROM {table}
              WHERE run_id = %s AND name = %s AND step > %s AND step <= %s) AS points
        WINDOW whole AS (PARTITION BY range_index)
    ) AS ranges WHERE nth = 1 ORDER BY step"""


def _raw_parts(run_id: int, name: str, after: int, upto: int, lo: int, span: float) -> list[tuple]:
    """(first step, step, value, wall, min, max) per chart range of the raw points in (after, upto]."""
    sql = _RAW_PARTS_SQL.format(index=_RANGE_INDEX[connection.vendor], table=MetricPoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [lo, float(span), run_id, name, after, upto])
        return cursor.fetchall()


def _parts(run: Run, name: str, lo: int, hi: int, span: float) -> list[tuple]:
    """(start, step, value, wall, min, max) of every raw point or rollup bucket after the first
    point up to the last: rollups of the widest width that fits inside one range of `span` steps,
    for the buckets wholly inside (lo, hi], and raw points for the rest (the edges, or everything
    when the ranges are narrower than the finest rollup)."""
    parts: list[tuple[int, int, float, float, float, float]] = []

    def raw(after: int, upto: int) -> None:
        if upto > after:
            parts.extend(_raw_parts(run.id, name, after, upto, lo, span))

    widths = [w for w in ROLLUP_WIDTHS if w <= span]
    width = widths[-1] if widths else None
    first_bucket, last_bucket = (lo // width + 1, (hi + 1) // width - 1) if width else (1, 0)  # wholly inside
    if first_bucket > last_bucket:
        raw(lo, hi)
        return parts
    raw(lo, first_bucket * width - 1)
    rollups = MetricRollup.objects.filter(
        run=run, name=name, width=width, bucket__gte=first_bucket, bucket__lte=last_bucket,
    ).order_by("bucket").values_list("bucket", "last_step", "last", "last_wall", "min", "max")
    parts.extend((bucket * width, step, value, wall, low, high) for bucket, step, value, wall, low, high in rollups)
    raw((last_bucket + 1) * width - 1, hi)
    return parts


def downsample(run: Run, name: str, max_points: int, step_min: int | None = None, step_max: int | None = None,
               *, count: int | None = None) -> dict:
    """The points of one metric with step_min <= step <= step_max (either end open when None; both
    None: the whole series, whose `count` the caller may know from its summary).

    At most `max_points` of them: all the raw points when they fit (downsampled false), otherwise
    the first and last points exactly and between them one point per step range (its last value)
    with that range's min and max, so a chart can draw the band. The ranges are read from the
    widest rollup width that fits inside one of them (so a narrower zoom reads finer rollups, down
    to raw points below the finest width); rollup buckets that straddle an edge of the range are
    replaced by the raw points inside it, so nothing outside the range leaks into a band. The band
    of each point but the first covers exactly the raw points after the previous point up to and
    including it; the first point is its own band.
    """
    points = MetricPoint.objects.filter(run=run, name=name)
    if step_min is not None:
        points = points.filter(step__gte=step_min)
    if step_max is not None:
        points = points.filter(step__lte=step_max)
    if (points.count() if count is None else count) <= max_points:
        rows = points.order_by("step").values_list("step", "value", "wall")
        return _series([(s, v, w, v, v) for s, v, w in rows], downsampled=False)
    # The first and the last point in one query (each end found through the (run, name, step) index).
    first, last = points.filter(
        Q(step=Subquery(points.order_by("step").values("step")[:1]))
        | Q(step=Subquery(points.order_by("-step").values("step")[:1]))
    ).order_by("step").values_list("step", "value", "wall")
    lo, hi = first[0], last[0]
    inner = max_points - 2
    span = (hi - lo + 1) / inner
    buckets: dict[int, list] = {}
    for start, step, value, wall, low, high in _parts(run, name, lo, hi, span):
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
    points (see `downsample`). With step_min and/or step_max, only the points in that step range
    (inclusive); without them, the whole series."""
    summaries = run.metric_summaries.filter(name__in=names) if names else run.metric_summaries.all()
    summaries = {s.name: s for s in summaries}
    whole = step_min is None and step_max is None
    series = []
    for name in names or sorted(summaries):
        summary = summaries.get(name)
        if summary is None:
            series.append({"name": name, **_series([], downsampled=False)})
        else:
            series.append({"name": name, **downsample(run, name, max_points, step_min, step_max,
                                                      count=summary.count if whole else None)})
    return series


def metric_points_after(*, run: Run, after_id: int, limit: int = 5000) -> list[MetricPoint]:
    return list(MetricPoint.objects.filter(run=run, id__gt=after_id).order_by("id")[:limit])


def stream_position(*, run: Run) -> tuple[int, int]:
    """(last metric point id, last log seq): where a live stream opened now should start."""
    last_point = MetricPoint.objects.filter(run=run).order_by("-id").values("id")[:1]
    last_log = RunLogLine.objects.filter(run=run).order_by("-seq").values("seq")[:1]
    # Both in one query: a run row annotated with the two subqueries.
    position = Run.objects.filter(pk=run.pk).values_list(Subquery(last_point), Subquery(last_log)).first()
    point_id, log_seq = position or (None, None)
    return point_id or 0, log_seq or 0


def system_metrics_next_step(*, run: Run, now: float) -> int:
    """The step a new attempt's first `system/` sample takes (worker.system_metrics): the step of the
    last one stored plus the seconds since it was sampled (wall clock, at least 1), so each attempt's
    samples follow the earlier ones instead of colliding with them at steps 0, 5, 10, ... The steps
    stay seconds since the run first started, time spent back in the queue included. 0 for the first."""
    last = (MetricSummary.objects.filter(run=run, name__startswith="system/").order_by("-last_step")
            .values_list("name", "last_step").first())
    if last is None:
        return 0
    name, step = last
    wall = MetricPoint.objects.filter(run=run, name=name, step=step).values_list("wall", flat=True).first()
    return step + max(1, int(now - wall) if wall is not None else 1)


def run_recorded_through(*, run: Run) -> int:
    """The step up to which the run's reports are stored (0: none): the later of the newest checkpoint
    a worker recorded (everything reported before it was written first) and the last training metric
    stored. A checkpoint after it was written by an engine whose worker died before storing what came
    before; resuming from there would leave those steps without metrics (worker.spec)."""
    from django.db.models import Max

    metric = (MetricSummary.objects.filter(run=run).exclude(name__startswith="system/")
              .aggregate(step=Max("last_step"))["step"])
    checkpoint = run.artifacts.filter(kind="checkpoint").aggregate(step=Max("step"))["step"]
    return max(metric or 0, checkpoint or 0)
