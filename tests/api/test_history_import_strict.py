"""History import trusts nothing in its file: every field is checked as the API checks it, a bad
line is a 400 naming the line and the field, and nothing of the file is kept (one transaction)."""
from __future__ import annotations

import gzip
import json

import pytest

from tests.api.test_history_api import exported, import_into
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import MetricPoint, Run

pytestmark = pytest.mark.reliability


def _lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(data).splitlines() if line.strip()]


def _pack(lines: list) -> bytes:
    return gzip.compress(b"".join((line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n"
                                  for line in lines))


def _last_of(lines: list[dict], kind: str) -> int:
    return max(i for i, line in enumerate(lines) if line["kind"] == kind)


def _nothing_imported() -> bool:
    return not (Run.objects.filter(workspace__slug="elsewhere").exists()
                or ModelAsset.objects.filter(workspace__slug="elsewhere").exists()
                or Dataset.objects.filter(workspace__slug="elsewhere").exists()
                or MetricPoint.objects.filter(run__workspace__slug="elsewhere").exists())


def _changed(record: dict, path: str, value) -> dict:
    record = json.loads(json.dumps(record))
    *parents, last = path.split(".")
    target = record
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return record


RUN_CASES = [
    ("status", "running", "status: 'running' is not the status of a finished run"),
    ("status", "pwned", "status: 'pwned' is not the status of a finished run"),
    ("status", "queued", "status: 'queued' is not the status of a finished run"),
    ("method", "no-such-method", "method: unknown method 'no-such-method'"),
    ("name", "x" * 201, "name: Ensure this field has no more than 200 characters"),
    ("tags", ["ok", 5 * "toolong" * 10], "tags: [1] Ensure this field has no more than 60 characters"),
    ("tags", "not-a-list", "tags: Expected a list of items"),
    ("config", [1, 2], "config: Expected a dictionary of items"),
    ("resources", {"gpus": -1}, "resources: resources.gpus must be 0 (CPU) or a positive number of GPUs"),
    ("seed", 2**40, "seed: Ensure this value is less than or equal to 2147483647"),
    ("attempt", -1, "attempt: Ensure this value is greater than or equal to 0"),
    ("starred", "maybe", "starred: Must be a valid boolean"),
    ("created_at", "yesterday", "created_at: Datetime has wrong format"),
    ("teacher", 2**70, "teacher: Ensure this value is less than or equal to"),
    ("series.train/loss.0.0", -1, "step -1 must be a whole number from 0"),
    ("series.train/loss.0.0", True, "step True must be a whole number from 0"),
    ("series.train/loss.0.1", "high", "value 'high' must be a finite number"),
    ("series.train/loss.0", [1, 2], "a point must be [step, value, wall]"),
    ("series.train/loss", {"1": 2}, "'train/loss' must be a list of [step, value, wall] points"),
    ("series." + "m" * 121, [[0, 1.0, 1.0]], "must be 1 to 120 characters"),
    ("kind", "virus", "unknown record kind 'virus'"),
]


@pytest.mark.parametrize("path, value, message", RUN_CASES, ids=[f"{p}={str(v)[:20]}" for p, v, _ in RUN_CASES])
def test_a_run_line_with_a_field_the_api_would_refuse_imports_nothing(api, registry_objects, path, value, message):
    lines = _lines(exported(api, registry_objects))
    index = _last_of(lines, "run")  # the earlier run line was written, then rolled back
    lines[index] = _changed(lines[index], path, value)
    response = import_into(api("outsider"), _pack(lines))
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert f"Line {index + 1}" in detail and message in detail, detail
    assert _nothing_imported()


@pytest.mark.parametrize("kind, path, value, message", [
    ("model", "name", "m" * 101, "name: Ensure this field has no more than 100 characters"),
    ("model", "parameter_count", -5, "parameter_count: Ensure this value is greater than or equal to 0"),
    ("model", "config", "text", "config: Expected a dictionary of items"),
    ("dataset", "dataset_kind", "weights", "dataset_kind: \"weights\" is not a valid choice"),
    ("dataset", "sha256", "../../etc/passwd", "sha256: This value does not match the required pattern"),
    ("dataset", "row_count", -1, "row_count: Ensure this value is greater than or equal to 0"),
    ("dataset", "ref", "one", "ref: A valid integer is required"),
])
def test_a_model_or_dataset_line_the_api_would_refuse_imports_nothing(api, registry_objects, kind, path, value,
                                                                      message):
    lines = _lines(exported(api, registry_objects))
    index = _last_of(lines, kind)
    lines[index] = _changed(lines[index], path, value)
    response = import_into(api("outsider"), _pack(lines))
    assert response.status_code == 400 and message in response.json()["detail"], response.content
    assert _nothing_imported()


@pytest.mark.parametrize("raw_value, message", [
    (b"NaN", "NaN is not a JSON number"), (b"Infinity", "Infinity is not a JSON number"),
    (b"1e999", "inf is not a JSON number"),
])
def test_a_nan_or_infinity_in_an_imported_series_imports_nothing(api, registry_objects, raw_value, message):
    lines = _lines(exported(api, registry_objects))
    index = _last_of(lines, "run")
    lines[index] = _changed(lines[index], "series.train/loss.3.1", "PLACEHOLDER")
    packed = [json.dumps(line).encode().replace(b'"PLACEHOLDER"', raw_value) for line in lines]
    response = import_into(api("outsider"), _pack(packed))
    assert response.status_code == 400, response.content
    assert f"Line {index + 1} of the export cannot be imported: {message}" in response.json()["detail"]
    assert _nothing_imported()


def test_a_reference_to_a_model_the_file_does_not_define_imports_nothing(api, registry_objects):
    lines = _lines(exported(api, registry_objects))
    index = _last_of(lines, "run")
    lines[index] = _changed(lines[index], "teacher", 987654)
    response = import_into(api("outsider"), _pack(lines))
    assert response.status_code == 400 and "refers to 987654" in response.json()["detail"], response.content
    assert _nothing_imported()


def test_a_line_that_is_not_an_object_imports_nothing(api, registry_objects):
    lines = _lines(exported(api, registry_objects))
    lines.insert(2, [1, 2, 3])
    response = import_into(api("outsider"), _pack(lines))
    assert response.status_code == 400 and "Line 3 of the export is not a JSON object" in response.json()["detail"]
    assert _nothing_imported()


def test_imported_runs_are_finished_and_can_be_deleted(api, registry_objects):
    assert import_into(api("outsider"), exported(api, registry_objects)).status_code == 201
    client = api("outsider")
    runs = Run.objects.filter(workspace__slug="elsewhere").order_by("-id")
    assert {run.status for run in runs} == {"succeeded"}
    for run in runs:  # the retry first: the first run's made model names it
        ModelAsset.objects.filter(produced_by_run=run).delete()
        response = client.delete(f"/api/v1/runs/{run.id}/")
        assert response.status_code == 204, response.content


@pytest.mark.parametrize("path, value, message", [
    ("workspace", "lab", "workspace: Invalid data. Expected a dictionary, but got str. Nothing"),
    ("export_id", {"x": 1}, "export_id: This value does not match the required pattern"),
    ("exported_at", ["2026"], "exported_at: Not a valid string"),
])
def test_a_header_with_fields_of_the_wrong_type_imports_nothing(api, registry_objects, path, value, message):
    lines = _lines(exported(api, registry_objects))
    lines[0] = _changed(lines[0], path, value)
    response = import_into(api("outsider"), _pack(lines))
    assert response.status_code == 400, response.content
    assert "Line 1 (the header) cannot be imported" in response.json()["detail"]
    assert message in response.json()["detail"], response.json()["detail"]
    assert _nothing_imported()
