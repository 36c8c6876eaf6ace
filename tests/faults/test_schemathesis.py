"""The API fuzzed from its own OpenAPI schema (schemathesis) over HTTP against a live server, as a
member of a workspace that holds models, datasets, runs with metrics and a share link."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.faults.fuzzing import FuzzReport, fuzz_operations, seed_workspace

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Examples per operation and generation mode (valid and invalid input): 69 operations x 2 modes x 9,
# less the 13 operations that take no input at all and so have no invalid one, is 1,125 requests
# (about 45 s of CPU); scripts/fuzz_api.py runs more.
EXAMPLES = int(os.environ.get("DISTILLERY_FUZZ_EXAMPLES", 9))
MIN_REQUESTS = 1000


def test_fuzzing_every_operation_from_the_schema_gets_no_5xx_and_only_answers_the_schema_declares(
        live_server, cast, registry_objects, record_property, monkeypatch):
    """Fuzz every operation of docs/openapi.yaml with valid and invalid input (>=1,000 requests as a
    signed-in member, ids drawn from real rows half the time): no answer is a 5xx, and every answer's
    status, media type, headers and body are ones the schema declares."""
    from webapp.runs.api import events

    monkeypatch.setattr(events, "MAX_STREAM_S", 1)  # live streams of unfinished runs end quickly
    data = seed_workspace(cast, registry_objects)
    report: FuzzReport = fuzz_operations(ROOT / "docs" / "openapi.yaml", base_url=live_server.url, data=data,
                                         examples=EXAMPLES)
    record_property("requests", report.requests)
    record_property("5xx", report.server_errors)
    record_property("non-conforming", len(report.failures))
    record_property("operations", report.operations)
    print(report.summary())
    assert report.requests >= min(MIN_REQUESTS, 60 * EXAMPLES), report.summary()
    assert report.server_errors == 0 and not report.failures, report.summary()
