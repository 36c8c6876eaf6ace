"""Rows that Python's json reads but no JSON response can carry (NaN, Infinity, a lone surrogate) or
that overflow the parser (a 100,000-deep nesting) are refused at upload with their row number, so a
stored dataset's page always answers."""
from __future__ import annotations

import io
import json
import math

import pytest

from webapp.common.strict_json import NotStrictJson, json_value_problem, strict_loads
from webapp.registry.models import Dataset

pytestmark = pytest.mark.reliability

GOOD = b'{"text": "fine"}\n'


def post_raw(client, body: bytes, name="d.jsonl"):
    handle = io.BytesIO(body)
    handle.name = name
    return client.post("/api/v1/datasets/", {"workspace": "lab", "name": "corpus", "kind": "text", "file": handle},
                       format="multipart")


@pytest.mark.parametrize("bad_row, message", [
    (b'{"text": "x", "score": NaN}', "NaN is not a JSON number"),
    (b'{"text": "x", "score": Infinity}', "Infinity is not a JSON number"),
    (b'{"text": "x", "score": -Infinity}', "-Infinity is not a JSON number"),
    (b'{"text": "x", "score": 1e999}', "inf is not a JSON number"),
    (b'{"text": "lone \\ud800 surrogate"}', "lone surrogate"),
    (b'{"text": "x", "\\udfff": 1}', "lone surrogate"),
    ('{"text": "raw \ud800 bytes"}'.encode("utf-8", "surrogatepass"), "lone surrogate"),
    (b'{"text": "x", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested more than 64 deep"),
], ids=["nan", "infinity", "minus-infinity", "overflowing-float", "escaped-surrogate", "surrogate-key",
        "raw-surrogate-bytes", "100k-deep"])
def test_a_row_no_response_could_carry_is_refused_with_its_row_number(api, data_dir, bad_row, message):
    response = post_raw(api("member"), GOOD + bad_row + b"\n" + GOOD)
    assert response.status_code == 400, response.content
    body = response.json()
    assert "Row 2: not storable JSON" in body["detail"] and message in body["errors"]["file.row.2"][0]
    assert Dataset.objects.count() == 0
    assert list((data_dir / "artifacts" / "datasets" / "lab").glob("*")) == []


def test_a_parquet_file_with_a_nan_is_refused_with_its_row_number(api):
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"text": ["a", "b", "c"], "score": [1.0, float("nan"), 2.0]}), sink)
    response = post_raw(api("member"), sink.getvalue(), name="d.parquet")
    assert response.status_code == 400 and "file.row.2" in response.json()["errors"], response.content


def test_rows_at_the_limits_are_stored_and_their_page_answers(api):
    client = api("member")
    nested: object = "leaf"
    for _ in range(62):  # the row object and 62 lists: 63 deep
        nested = [nested]
    rows = [{"text": "emoji \U0001f600 and \u00e9", "score": 1.5e308, "deep": nested}]
    response = post_raw(client, ("\n".join(json.dumps(r) for r in rows) + "\n").encode())
    assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/datasets/{response.json()['id']}/")
    assert detail.status_code == 200 and detail.json()["preview"] == rows


def test_strict_loads_matches_json_for_everything_else_and_checks_values_without_recursion():
    for text in ('{"a": [1, 2.5, null, true, "\\u00e9"]}', '"\\ud83d\\ude00"', "0", "[]"):
        assert strict_loads(text) == json.loads(text)
    with pytest.raises(NotStrictJson):
        strict_loads("NaN")
    deep: list = []
    for _ in range(200_000):
        deep = [deep]
    assert json_value_problem(deep) == "values are nested more than 64 deep"
    assert json_value_problem({"x": [math.inf]}) == "inf is not a JSON number: write null, or a finite number"
    assert json_value_problem({"x": -math.nan}) is not None
    assert json_value_problem({"ok": ["\U0001f600", 1, None]}) is None


def test_a_dataset_stored_before_the_check_still_shows_its_page(api):
    """Rows stored by an earlier version (NaN, a lone surrogate) made GET /datasets/{id}/ a 500."""
    from pathlib import Path

    client = api("member")
    made = post_raw(client, GOOD + GOOD + GOOD)
    assert made.status_code == 201, made.content
    stored = Path(Dataset.objects.get(pk=made.json()["id"]).file)
    stored.write_bytes(GOOD + b'{"text": "x", "score": NaN}\n' + b'{"text": "\\ud800"}\n')
    detail = client.get(f"/api/v1/datasets/{made.json()['id']}/")
    assert detail.status_code == 200, detail.content
    preview = detail.json()["preview"]
    assert preview[0] == {"text": "fine"}
    assert preview[1]["unreadable_row"] == 2 and "NaN is not a JSON number" in preview[1]["problem"]
    assert preview[2]["unreadable_row"] == 3 and "lone surrogate" in preview[2]["problem"]
