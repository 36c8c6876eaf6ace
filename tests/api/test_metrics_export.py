"""The full-resolution metric export: every point, exactly, in CSV or one JSON document, streamed in
keyset pages (so more points than one page are tested), for anyone who can read the run."""
from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from tests.api.test_runs_api import launch
from webapp.runs.api import downloads
from webapp.runs.models import Run
from webapp.runs.services.metrics import metrics_ingest


@pytest.fixture
def run_with_points(api, registry_objects, monkeypatch):
    monkeypatch.setattr(downloads, "EXPORT_CHUNK", 7)  # several pages, one ending exactly on a page boundary
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    points = [("train/loss", s, 1 / (s + 3), 1000.0 + s / 3) for s in range(20)]
    points += [("eval/loss", s, 0.1 * s, 2000.0 + s) for s in range(0, 75, 5)]  # 35 points in all
    metrics_ingest(run=run, points=points)
    return run, sorted(points)


def body(response) -> str:
    return b"".join(response).decode()


def test_csv_has_every_point_exactly_in_name_and_step_order(api, run_with_points):
    run, points = run_with_points
    response = api("viewer").get(f"/api/v1/runs/{run.id}/metrics/export/")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f"attachment; filename=run-{run.id}-metrics.csv"
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [(r["name"], int(r["step"]), float(r["value"]), float(r["wall"])) for r in rows] == points
    assert {r["run"] for r in rows} == {str(run.id)}


def test_json_is_one_document_and_names_filter_it(api, run_with_points):
    run, points = run_with_points
    response = api("member").get(f"/api/v1/runs/{run.id}/metrics/export/?as=json&names=eval/loss")
    document = json.loads(body(response))
    assert document["run"] == run.id and document["columns"] == ["name", "step", "value", "wall"]
    assert [tuple(p) for p in document["points"]] == [p for p in points if p[0] == "eval/loss"]
    empty = json.loads(body(api("member").get(f"/api/v1/runs/{run.id}/metrics/export/?as=json&names=nothing")))
    assert empty["points"] == []


def test_the_export_checks_who_is_asking_and_its_format(api, run_with_points):
    run, _ = run_with_points
    url = f"/api/v1/runs/{run.id}/metrics/export/"
    assert APIClient().get(url).status_code == 401
    assert api("outsider").get(url).status_code == 404
    assert api("member").get("/api/v1/runs/999999/metrics/export/").status_code == 404
    bad = api("member").get(url + "?as=xml")
    assert bad.status_code == 400 and bad.json()["errors"]["as"] == ["as must be csv or json, not 'xml'."]
