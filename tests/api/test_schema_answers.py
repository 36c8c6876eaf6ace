"""The OpenAPI schema declares the answers the API really gives (found by fuzzing it with
schemathesis, tests/faults/test_schemathesis.py): sign-in's 429 and CSRF 403, the JSON body limit's
413, the error format on every operation, the metrics export's two media types, and a JSON 404 for
an API URL that no route matches."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.reliability

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())
ERROR = {"$ref": "#/components/schemas/ErrorOutput"}


def _responses(path: str, method: str) -> dict:
    return SCHEMA["paths"][path][method]["responses"]


def _error_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


def test_sign_in_declares_the_429_with_retry_after_and_the_csrf_403_it_gives(cast, settings):
    """Sign-in without a CSRF token answers 403 and a throttled one 429 with Retry-After: both declared."""
    responses = _responses("/api/v1/auth/login/", "post")
    assert _error_schema(responses["403"]) == ERROR and _error_schema(responses["429"]) == ERROR
    assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    csrf_checked = APIClient(enforce_csrf_checks=True)
    answer = csrf_checked.post("/api/v1/auth/login/", {"username": "member", "password": "x"}, format="json")
    assert answer.status_code == 403 and set(answer.json()) == {"detail"}
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    client = APIClient()
    client.post("/api/v1/auth/login/", {"username": "member", "password": "wrong"}, format="json")
    answer = client.post("/api/v1/auth/login/", {"username": "member", "password": "wrong"}, format="json")
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0


def test_every_operation_with_a_body_declares_the_413_of_the_json_body_limit(api, settings):
    """A JSON body over JSON_MAX_BODY_BYTES answers 413, which every operation taking a body declares."""
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                assert _error_schema(operation["responses"]["413"]) == ERROR, f"{method} {path}"
    settings.JSON_MAX_BODY_BYTES = 100
    answer = api("member").post("/api/v1/workspaces/", {"name": "x" * 200, "slug": "big"}, format="json")
    assert answer.status_code == 413 and "JSON_MAX_BODY_BYTES" in answer.json()["detail"]


def test_every_signed_in_operation_declares_the_error_answers():
    """Every operation that needs a signed-in caller declares 400, 401, 403 and 404 in the error format."""
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if any(operation.get("security", [{}])):
                for code in ("400", "401", "403", "404"):
                    assert _error_schema(operation["responses"][code]) == ERROR, f"{method} {path} {code}"


def test_the_metrics_export_declares_the_csv_text_and_json_document_it_sends(api, registry_objects):
    """The export sends text/csv or a JSON document, no longer documented as a binary download."""
    from tests.api.test_runs_api import launch
    from webapp.runs.models import Run
    from webapp.runs.services.metrics import metrics_ingest

    content = _responses("/api/v1/runs/{id}/metrics/export/", "get")["200"]["content"]
    assert content["text/csv"]["schema"] == {"type": "string"}
    json_schema = SCHEMA["components"]["schemas"][content["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert set(json_schema["required"]) == {"run", "columns", "points"}
    run_id = launch(api("member"), registry_objects).json()["id"]
    metrics_ingest(run=Run.objects.get(pk=run_id), points=[("loss", 1, 0.5, 1.0)])
    answer = api("member").get(f"/api/v1/runs/{run_id}/metrics/export/?as=json")
    assert answer["Content-Type"] == "application/json"
    body = json.loads(b"".join(answer))
    assert body == {"run": run_id, "columns": ["name", "step", "value", "wall"], "points": [["loss", 1, 0.5, 1.0]]}
    answer = api("member").get(f"/api/v1/runs/{run_id}/metrics/export/?as=csv")
    assert answer["Content-Type"] == "text/csv"


@pytest.mark.parametrize("path", ["/api/v1/runs/abc/", "/api/v1/dataset-imports/%C3%99/", "/api/v1/no-such-thing/"])
def test_an_api_url_that_no_route_matches_is_a_json_404(api, path):
    """An API URL no route matches (an id that is not a number) answered an HTML page the schema does
    not declare: it is a 404 in the API's JSON error format."""
    answer = api("member").get(path)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json()["detail"].startswith("Not found: no API operation has the path")


def test_a_url_outside_the_api_still_gets_the_single_page_app_or_the_plain_404(client):
    """Only /api/ answers JSON: the UI's routes still fall through to the app."""
    assert client.get("/static/no-such-file.js").status_code == 404
    assert "application/json" not in client.get("/static/no-such-file.js")["Content-Type"]


@pytest.mark.django_db(transaction=True)  # the stream reads the run on a connection of its own
def test_the_run_event_stream_declares_the_messages_it_sends(api, registry_objects):
    """The stream's schema was a plain string, which schemathesis reads as the schema of each message
    (an object with event, data, id): it now declares those, and every message sent fits."""
    from tests.api.test_runs_api import launch
    from webapp.runs.models import Run, RunStatus
    from webapp.runs.services.metrics import metrics_ingest

    declared = _responses("/api/v1/runs/{id}/events/", "get")["200"]["content"]["text/event-stream"]["schema"]
    component = SCHEMA["components"]["schemas"][declared["$ref"].split("/")[-1]]
    events = SCHEMA["components"]["schemas"][component["properties"]["event"]["$ref"].split("/")[-1]]["enum"]
    assert set(component["required"]) == {"event", "data"}
    run_id = launch(api("member"), registry_objects).json()["id"]
    metrics_ingest(run=Run.objects.get(pk=run_id), points=[("loss", 1, 0.5, 1.0)])
    Run.objects.filter(pk=run_id).update(status=RunStatus.SUCCEEDED)
    text = b"".join(api("member").get(f"/api/v1/runs/{run_id}/events/", HTTP_ACCEPT="text/event-stream")).decode()
    messages = [block for block in text.split("\n\n") if "data: " in block]
    sent = [line.removeprefix("event: ") for block in messages for line in block.split("\n")
            if line.startswith("event:")]
    assert sent == ["metrics", "status"] and set(sent) <= set(events)
    for block in messages:
        json.loads(next(line for line in block.split("\n") if line.startswith("data: ")).removeprefix("data: "))
