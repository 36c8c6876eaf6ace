"""Zoom: series of a step range (step_min/step_max) are downsampled on their own, with the same
rules as the whole series: never more than max_points, the range's first and last points exact, and
each point's band equal to the min/max of the raw points it stands for (checked against plain
Python over the raw points); a narrow range comes back raw. Plus validation and permissions."""
from __future__ import annotations

import random

import pytest

from tests.api.test_runs_api import launch
from webapp.runs.models import Run
from webapp.runs.selectors.metrics import metric_series
from webapp.runs.services.metrics import metrics_ingest

COUNT = 50_000


@pytest.fixture
def long_run(api, registry_objects):
    """A run with 50,000 points of `loss` at steps 1, 2, ... skipping every multiple of 7 (gaps; the
    last is step 58,333), and a short `lr` series."""
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    rng = random.Random(6)
    steps = [s for s in range(COUNT * 2) if s % 7][:COUNT]
    # Spikes at a range's first step and just outside a range's edges: a band that took in a rollup
    # bucket straddling an edge would show them.
    spikes = {9999: -100.0, 10000: 100.0, 30006: -100.0, 30010: 100.0}
    points = [("loss", step, spikes.get(step, rng.gauss(0, 1) + 5 / (1 + step)), 1000.0 + step) for step in steps]
    points += [("lr", step, 0.1, 1000.0 + step) for step in range(0, 300, 3)]
    metrics_ingest(run=run, points=points)
    run.raw = {step: (value, wall) for _, step, value, wall in points[:COUNT]}
    return run


def check_range(series: dict, raw: dict[int, tuple[float, float]], step_min, step_max, max_points: int) -> None:
    inside = sorted(step for step in raw if (step_min is None or step >= step_min)
                    and (step_max is None or step <= step_max))
    steps = series["steps"]
    assert len(steps) <= max_points
    assert series["downsampled"] == (len(inside) > max_points)
    assert steps == sorted(set(steps))
    assert steps[0] == inside[0] and steps[-1] == inside[-1]  # the range's own first and last points
    for i, step in enumerate(steps):  # every point is a raw point, value and wall time
        assert (series["values"][i], series["walls"][i]) == raw[step]
    assert series["mins"][0] == series["maxs"][0] == raw[steps[0]][0]
    # Each later point's band: exactly the raw points after the previous point, up to it.
    position = {step: index for index, step in enumerate(inside)}
    for i in range(1, len(steps)):
        covered = [raw[s][0] for s in inside[position[steps[i - 1]] + 1: position[steps[i]] + 1]]
        assert series["mins"][i] == min(covered) and series["maxs"][i] == max(covered), steps[i]
    if not series["downsampled"]:
        assert steps == inside


RANGES = [
    (10_000, 60_000, 1000),    # ~41,400 points up to the last step (58,333): width-10 rollups
    (10_000, 30_005, 1000),    # width-10 rollups; the spike at step_min, a bucket straddling step_max
    (9_990, 30_008, 40),       # width-100 rollups, both edges inside buckets, spikes either side
    (3, 99_999, 200),          # nearly everything: width-100 rollups
    (None, 20_005, 50),        # open start: width-100 rollups, edge at a rollup boundary + 5
    (57_001, None, 100),       # open end
    (20_000, 20_999, 300),     # 858 points over 300: the raw points, bucketed
    (5_000, 5_299, 1000),      # narrow: 258 raw points, not downsampled
    (5_000, 5_000, 10),        # one step (a gap: step 5000 % 7 != 0 is kept)
]


def test_a_range_keeps_the_limit_its_edges_and_exact_bands(long_run):
    # One run for every range: ingesting 50,000 points is the slow part.
    for step_min, step_max, max_points in RANGES:
        series = metric_series(run=long_run, names=["loss"], max_points=max_points, step_min=step_min,
                               step_max=step_max)[0]
        try:
            check_range(series, long_run.raw, step_min, step_max, max_points)
        except AssertionError as error:
            raise AssertionError(f"range {step_min}..{step_max}, max_points {max_points}: {error}") from error


def test_a_narrow_range_returns_finer_points_than_the_whole_series(long_run):
    whole = metric_series(run=long_run, names=["loss"], max_points=1000)[0]
    inside_whole = [s for s in whole["steps"] if 30_000 <= s <= 30_400]
    zoomed = metric_series(run=long_run, names=["loss"], max_points=1000, step_min=30_000, step_max=30_400)[0]
    assert whole["downsampled"] and not zoomed["downsampled"]
    assert len(zoomed["steps"]) == sum(1 for s in long_run.raw if 30_000 <= s <= 30_400) > 10 * len(inside_whole)


def test_without_a_range_the_series_is_the_same_as_before(long_run):
    assert metric_series(run=long_run, names=["loss", "lr"], max_points=500) == \
        metric_series(run=long_run, names=["loss", "lr"], max_points=500, step_min=None, step_max=None)


def test_the_endpoints_take_a_range_and_say_so(api, long_run):
    member = api("member")
    body = member.get(f"/api/v1/runs/{long_run.id}/metrics/?names=loss,lr&max_points=100"
                      "&step_min=40000&step_max=40100").json()
    assert body["range"] == {"step_min": 40000, "step_max": 40100}
    loss, lr = body["series"]
    assert not loss["downsampled"] and loss["steps"][0] == 40000 and loss["steps"][-1] == 40100
    assert lr["steps"] == []  # no lr point in the range
    check_range(loss, long_run.raw, 40000, 40100, 100)
    whole = member.get(f"/api/v1/runs/{long_run.id}/metrics/?names=loss&max_points=100").json()
    assert whole["range"] == {"step_min": None, "step_max": None} and whole["series"][0]["downsampled"]
    multi = member.get(f"/api/v1/series/?runs={long_run.id}&names=loss&max_points=200&step_min=1000"
                       "&step_max=50000").json()
    assert multi["range"] == {"step_min": 1000, "step_max": 50000}
    assert multi["series"][0]["run"] == long_run.id and multi["series"][0]["downsampled"]
    check_range(multi["series"][0], long_run.raw, 1000, 50000, 200)
    # A share link's series take the same range, signed out.
    from rest_framework.test import APIClient

    link = member.post("/api/v1/share-links/", {"workspace": "lab", "runs": [long_run.id], "title": "zoom"},
                       format="json").json()
    shared = APIClient().get(f"/api/v1/shared/{link['token']}/series/?names=loss&max_points=100"
                             "&step_min=25000&step_max=25050").json()
    assert shared["range"] == {"step_min": 25000, "step_max": 25050}
    check_range(shared["series"][0], long_run.raw, 25000, 25050, 100)
    assert APIClient().get(f"/api/v1/shared/{link['token']}/series/?step_min=9&step_max=3").status_code == 400


@pytest.mark.parametrize("query,field", [
    ("step_min=abc", "step_min"),
    ("step_max=1.5", "step_max"),
    ("step_min=10&step_max=9", "step_min"),
    ("step_min=99999999999", "step_min"),
])
def test_bad_ranges_are_400_with_a_message(api, registry_objects, query, field):
    run_id = launch(api("member"), registry_objects).json()["id"]
    for path in (f"/api/v1/runs/{run_id}/metrics/?{query}", f"/api/v1/series/?runs={run_id}&{query}"):
        response = api("member").get(path)
        assert response.status_code == 400, path
        body = response.json()
        assert body["errors"] == {field: [body["detail"]]}, body
        assert body["detail"].startswith(field), body


def test_outsiders_get_404_and_anonymous_401(api, registry_objects):
    from rest_framework.test import APIClient

    run_id = launch(api("member"), registry_objects).json()["id"]
    query = "names=loss&step_min=0&step_max=10"
    assert api("viewer").get(f"/api/v1/runs/{run_id}/metrics/?{query}").status_code == 200
    assert api("outsider").get(f"/api/v1/runs/{run_id}/metrics/?{query}").status_code == 404
    assert api("outsider").get(f"/api/v1/series/?runs={run_id}&{query}").status_code == 404
    assert APIClient().get(f"/api/v1/runs/{run_id}/metrics/?{query}").status_code == 401
    assert APIClient().get(f"/api/v1/series/?runs={run_id}&{query}").status_code == 401
