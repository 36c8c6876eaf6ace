"""Metric ingestion: points, rollups and summaries, in one statement on PostgreSQL."""
from __future__ import annotations

from django.db import connection, transaction

from webapp.runs.models import ROLLUP_WIDTHS, MetricPoint, MetricRollup, MetricSummary, Run, RunStatus
from webapp.runs.state import StaleAttempt, check_attempt, run_holder

SQLITE_ROWS_PER_STATEMENT = 2000  # 5 parameters a row, under SQLite's 32,766-variable limit


def _pg_array(values, *, text: bool = False) -> str:
    """A PostgreSQL array literal. psycopg adapts a list element by element in Python, which
    costs more than the INSERT itself at ingestion rates; one joined string costs next to nothing."""
    if text:
        return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"
    return "{" + ",".join(map(repr, values)) + "}"


def _insert_new_points(run_id: int, rows: list[tuple[str, int, float, float]]) -> list[tuple[str, int, float, float]]:
    """SQLite: INSERT ... ON CONFLICT DO NOTHING RETURNING stores the batch, skips points already
    stored, and says which points were new."""
    table = MetricPoint._meta.db_table
    conflict = "ON CONFLICT (run_id, name, step) DO NOTHING RETURNING name, step, value, wall"
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
            chunk = rows[start:start + SQLITE_ROWS_PER_STATEMENT]
            placeholders = ",".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params = [item for name, step, value, wall in chunk for item in (run_id, name, step, value, wall)]
            cursor.execute(f"INSERT INTO {table} (run_id, name, step, value, wall) VALUES {placeholders} {conflict}",
                           params)
            inserted.extend(cursor.fetchall())
    return inserted


ROLLUP_UPDATE = (
    "min = {least}(r.min, excluded.min), max = {greatest}(r.max, excluded.max), "
    "last = CASE WHEN excluded.last_step >= r.last_step THEN excluded.last ELSE r.last END, "
    "last_wall = CASE WHEN excluded.last_step >= r.last_step THEN excluded.last_wall ELSE r.last_wall END, "
    "last_step = {greatest}(r.last_step, excluded.last_step), count = r.count + excluded.count"
)


# max(ARRAY[step, value, ...]) picks the row with the highest step in one plain aggregate (arrays
# compare element by element), much cheaper than array_agg(... ORDER BY ...).
ROLLUP_COLUMNS = "(run_id, name, width, bucket, min, max, last, last_step, last_wall, count)"


def _update_rollups(run_id: int, inserted: list[tuple[str, int, float, float]]) -> None:
    """SQLite: folds new points into the rollup buckets of every width."""
    buckets: dict[tuple[str, int, int], list] = {}
    for width in ROLLUP_WIDTHS:
        for name, step, value, wall in inserted:
            key = (name, width, step // width)
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [value, value, value, step, wall, 1]
                continue
            if value < bucket[0]:
                bucket[0] = value
            if value > bucket[1]:
                bucket[1] = value
            if step > bucket[3]:
                bucket[2], bucket[3], bucket[4] = value, step, wall
            bucket[5] += 1
    rows = [(name, width, index, *agg) for (name, width, index), agg in buckets.items()]
    table = MetricRollup._meta.db_table
    update = ROLLUP_UPDATE.format(least="min", greatest="max").replace("r.", f"{table}.")
    per_statement = SQLITE_ROWS_PER_STATEMENT // 2
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            placeholders = ",".join(["(" + ", ".join(["%s"] * 10) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} {ROLLUP_COLUMNS} VALUES {placeholders} "
                f"ON CONFLICT (run_id, name, width, bucket) DO UPDATE SET {update}",
                [item for row in chunk for item in (run_id, *row)],
            )


# `fence` holds the run's row (locked FOR SHARE, so no claim counts a new attempt before this
# commits) when the writing attempt still holds the run, or when no attempt is given; nothing is
# stored without it.
PG_INGEST = """
WITH fence AS (
    SELECT id FROM {runs} WHERE id = %(run)s
        AND (%(attempt)s::int IS NULL OR (attempt = %(attempt)s::int AND status = %(running)s))
    FOR SHARE
), new AS (
    INSERT INTO {points} (run_id, name, step, value, wall)
    SELECT %(run)s, * FROM unnest(%(names)s::varchar[], %(steps)s::int[], %(values)s::float8[], %(walls)s::float8[])
    WHERE EXISTS (SELECT 1 FROM fence)
    ON CONFLICT (run_id, name, step) DO NOTHING
    RETURNING name, step, value, wall
), rolled AS (
    INSERT INTO {rollups} AS r (run_id, name, width, bucket, min, max, last, last_step, last_wall, count)
    SELECT %(run)s, name, width, step / width, min(value), max(value),
           (max(ARRAY[step, value, wall]))[2], max(step), (max(ARRAY[step, value, wall]))[3], count(*)
    FROM new CROSS JOIN unnest(%(widths)s::int[]) AS width
    GROUP BY name, width, step / width
    ON CONFLICT (run_id, name, width, bucket) DO UPDATE SET {rollup_update}
), summarised AS (
    INSERT INTO {summaries} AS m (run_id, name, last, last_step, min, min_step, max, max_step, count)
    SELECT %(run)s, name, (max(ARRAY[step, value]))[2], max(step),
           min(value), (min(ARRAY[value, step]))[2]::int,
           max(value), (-(max(ARRAY[value, -step]))[2])::int, count(*)
    FROM new GROUP BY name
    ON CONFLICT (run_id, name) DO UPDATE SET
        last = CASE WHEN excluded.last_step >= m.last_step THEN excluded.last ELSE m.last END,
        last_step = GREATEST(m.last_step, excluded.last_step),
        min_step = CASE WHEN excluded.min < m.min THEN excluded.min_step ELSE m.min_step END,
        min = LEAST(m.min, excluded.min),
        max_step = CASE WHEN excluded.max > m.max THEN excluded.max_step ELSE m.max_step END,
        max = GREATEST(m.max, excluded.max),
        count = m.count + excluded.count
)
SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM fence)
"""


def _ingest_postgres(run_id: int, rows: list[tuple[str, int, float, float]], attempt: int | None) -> int:
    """Points, rollups and summaries in one statement: the new points (ON CONFLICT DO NOTHING
    drops the ones already stored) feed the rollup and summary upserts through data-modifying
    CTEs, so nothing travels back to Python but a count (and whether the fence let them in)."""
    names, steps, values, walls = zip(*rows)
    sql = PG_INGEST.format(
        runs=Run._meta.db_table, points=MetricPoint._meta.db_table, rollups=MetricRollup._meta.db_table,
        summaries=MetricSummary._meta.db_table, rollup_update=ROLLUP_UPDATE.format(least="LEAST", greatest="GREATEST"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"run": run_id, "attempt": attempt, "running": RunStatus.RUNNING.value,
                             "names": _pg_array(names, text=True), "steps": _pg_array(steps),
                             "values": _pg_array(values), "walls": _pg_array(walls),
                             "widths": _pg_array(ROLLUP_WIDTHS)})
        new, fenced_in = cursor.fetchone()
    if not fenced_in and attempt is not None:
        raise StaleAttempt(run_id, attempt, run_holder(run_id, lock=False))
    return new


def metrics_ingest(*, run: Run, points: list[tuple[str, int, float, float]], attempt: int | None = None) -> int:
    """Stores (name, step, value, wall) points; a point already stored for (run, name, step) is
    skipped, so a resent batch changes nothing (a worker retries a batch whose answer a database
    outage swallowed). Updates the per-metric summaries from the points that were new, in the same
    transaction. Returns the number of new points. With `attempt` (a worker's), the points are
    refused with StaleAttempt unless that attempt still holds the run."""
    if not points:
        return 0
    unique = {(name, step): (value, wall) for name, step, value, wall in points}
    rows = [(name, step, value, wall) for (name, step), (value, wall) in unique.items()]
    if connection.vendor == "postgresql":
        return _ingest_postgres(run.pk, rows, attempt)
    with transaction.atomic():
        if attempt is not None:
            check_attempt(run.pk, attempt)
        inserted = _insert_new_points(run.pk, rows)
        if not inserted:
            return 0
        _update_rollups(run.pk, inserted)
        by_name: dict[str, list[tuple[int, float]]] = {}
        for name, step, value, _ in inserted:
            by_name.setdefault(name, []).append((step, value))
        summaries = {s.name: s for s in MetricSummary.objects.select_for_update().filter(run=run, name__in=by_name)}
        changed, created = [], []
        for name, values in by_name.items():
            summary = summaries.get(name)
            if summary is None:
                first_step, first_value = values[0]
                summary = MetricSummary(run=run, name=name, last=first_value, last_step=first_step, min=first_value,
                                        min_step=first_step, max=first_value, max_step=first_step, count=0)
                created.append(summary)
            else:
                changed.append(summary)
            last_step, last = max(values)
            low_value, low_step = min((v, s) for s, v in values)
            high_value, high_step = max((v, -s) for s, v in values)
            if last_step >= summary.last_step:
                summary.last, summary.last_step = last, last_step
            if low_value < summary.min:
                summary.min, summary.min_step = low_value, low_step
            if high_value > summary.max:
                summary.max, summary.max_step = high_value, -high_step
            summary.count += len(values)
        MetricSummary.objects.bulk_create(created)
        MetricSummary.objects.bulk_update(changed, ["last", "last_step", "min", "min_step", "max", "max_step", "count"])
    return len(inserted)
