"""What one request of the run page costs the server, in work that does not depend on the machine
(rows handed to Python, queries), so a regression shows without timing anything. bench/api_load.py
measures the same calls under 50 clients (docs/BENCHMARKS.md)."""
from __future__ import annotations

import pytest

from tests.api.test_runs_api import launch
from webapp.runs.models import Run
from webapp.runs.selectors import metrics as metric_selectors
from webapp.runs.services.metrics import metrics_ingest


@pytest.fixture
def run(api, registry_objects):
    return Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])


@pytest.mark.parametrize("count, max_points", [(5_000, 1000), (5_000, 600), (9_000, 1000), (3_000, 2000)])
def test_a_downsampled_series_reaches_python_one_row_per_chart_range(run, count, max_points):
    """A 5,000-point series drawn in 1,000 points: no rollup width fits a range of 5 steps, so its
    raw points were all read into Python (5,000 rows) to be reduced there, the run page's costliest
    work. The database now reduces them: at most one row per range, plus the rollup rows."""
    metrics_ingest(run=run, points=[("loss", s, ((s * 7919) % 1000) / 7.0, 1000.0 + s) for s in range(count)])
    inner = max_points - 2
    lo, hi = 0, count - 1
    parts = metric_selectors._parts(run, "loss", lo, hi, (hi - lo + 1) / inner)
    assert len(parts) <= inner + 2, len(parts)
    # Every point between the first and the last is in some row's range, each row's band its extremes.
    series = metric_selectors.metric_series(run=run, names=["loss"], max_points=max_points)[0]
    assert series["downsampled"] and len(series["steps"]) <= max_points
    assert min(series["mins"]) == min(((s * 7919) % 1000) / 7.0 for s in range(count))
    assert max(series["maxs"]) == max(((s * 7919) % 1000) / 7.0 for s in range(count))


def test_the_charts_metrics_cost_a_fixed_number_of_queries(api, run, django_assert_max_num_queries):
    """The run page's metrics call for six 5,000-point series: authentication (token, its workspaces),
    the run, the stream position, the summaries, then per series its two ends and its points reduced
    per chart range. The two ends were two queries per series and the stream position two: 24 in all."""
    names = ["a", "b", "c", "d", "e", "f"]
    metrics_ingest(run=run, points=[(name, s, float(s % 13), 1000.0 + s) for name in names for s in range(5000)])
    client = api("member")
    client.get(f"/api/v1/runs/{run.id}/")  # the token's last use is written once a minute: not in the count
    with django_assert_max_num_queries(6 + 2 * len(names)):  # was 6 + 3 * 6 = 24
        response = client.get(f"/api/v1/runs/{run.id}/metrics/?names=&max_points=1000")
    assert response.status_code == 200
    series = response.json()["series"]
    assert [s["name"] for s in series] == names and all(s["steps"][-1] == 4999 for s in series)
    assert all(s["steps"][0] == 0 and s["downsampled"] for s in series)
