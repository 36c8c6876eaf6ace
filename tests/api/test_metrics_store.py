"""The metrics store: idempotent ingestion, rollups that match the raw points, and downsampling
properties (never more than N points, first and last exact, bands that hold the extremes)."""
from __future__ import annotations

import random

import pytest

from tests.api.test_runs_api import launch
from webapp.runs.models import ROLLUP_WIDTHS, MetricRollup, Run
from webapp.runs.selectors.metrics import metric_series
from webapp.runs.services.metrics import metrics_ingest


@pytest.fixture
def run(api, registry_objects):
    return Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])


def noisy_points(count: int, seed: int, gap_every: int = 0) -> list[tuple[str, int, float, float]]:
    rng = random.Random(seed)
    steps = [s for s in range(count * 2) if not gap_every or s % gap_every][:count]
    return [("loss", step, rng.gauss(0, 1) + 5 / (1 + step), 1000.0 + step) for step in steps]


def test_rollups_equal_a_brute_force_reduction_and_ignore_resent_points(run):
    points = noisy_points(3000, seed=1, gap_every=7)
    metrics_ingest(run=run, points=points[:2000])
    metrics_ingest(run=run, points=points[1500:])  # overlaps: 500 points sent twice
    for width in ROLLUP_WIDTHS:
        expected: dict[int, list] = {}
        for _, step, value, wall in points:
            bucket = expected.setdefault(step // width, [value, value, value, step, wall, 0])
            bucket[0], bucket[1] = min(bucket[0], value), max(bucket[1], value)
            if step >= bucket[3]:
                bucket[2], bucket[3], bucket[4] = value, step, wall
            bucket[5] += 1
        stored = {r.bucket: [r.min, r.max, r.last, r.last_step, r.last_wall, r.count]
                  for r in MetricRollup.objects.filter(run=run, name="loss", width=width)}
        assert stored == expected, width


@pytest.mark.parametrize("count,max_points,gap_every", [
    (5000, 100, 0),      # rollup path (ranges of ~51 steps read from width-10 rollups)
    (5000, 1000, 0),     # raw path (ranges of ~5 steps)
    (20000, 50, 13),     # gaps in the steps, width-100 rollups
    (1001, 1000, 0),     # one point over the limit
])
def test_downsampled_series_keep_ends_extremes_and_the_point_limit(run, count, max_points, gap_every):
    points = noisy_points(count, seed=count + max_points, gap_every=gap_every)
    metrics_ingest(run=run, points=points)
    raw = {step: value for _, step, value, _ in points}
    series = metric_series(run=run, names=["loss"], max_points=max_points)[0]
    assert series["downsampled"] and len(series["steps"]) <= max_points
    steps = series["steps"]
    assert steps[0] == min(raw) and steps[-1] == max(raw)
    assert series["values"][0] == raw[steps[0]] and series["values"][-1] == raw[steps[-1]]
    assert steps == sorted(set(steps))
    assert all(series["values"][i] == raw[step] for i, step in enumerate(steps))
    assert all(low <= value <= high for low, value, high in zip(series["mins"], series["values"], series["maxs"]))
    assert min(series["mins"]) == min(raw.values()) and max(series["maxs"]) == max(raw.values())


def test_a_short_series_comes_back_whole(run):
    metrics_ingest(run=run, points=noisy_points(50, seed=3))
    series = metric_series(run=run, names=["loss", "missing"], max_points=100)
    assert not series[0]["downsampled"] and len(series[0]["steps"]) == 50
    assert series[1] == {"name": "missing", "steps": [], "values": [], "walls": [], "mins": [], "maxs": [],
                         "downsampled": False}


def test_metric_names_with_quotes_backslashes_and_commas_survive_ingestion(run):
    names = ['eval/"quoted"', "back\\slash", "a,b{c}", "unicode/λ"]
    assert metrics_ingest(run=run, points=[(name, 1, 0.5, 1.0) for name in names]) == 4
    stored = sorted(run.metric_points.values_list("name", flat=True))
    assert stored == sorted(names)
    assert sorted(MetricRollup.objects.filter(run=run, width=10).values_list("name", flat=True)) == sorted(names)
