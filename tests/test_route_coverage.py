"""The --route-coverage check (tests/route_coverage.py): only 2xx/3xx answers count, and a route
that never had one is named."""
from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from tests import route_coverage
from tests.routes import api_routes


def test_only_successful_answers_count(monkeypatch):
    monkeypatch.setattr(route_coverage, "SUCCEEDED", set())
    request = RequestFactory().get("/api/v1/sweeps/")
    request.resolver_match = resolve("/api/v1/sweeps/")
    for status in (401, 403, 404, 400, 500):
        route_coverage._record(request, HttpResponse(status=status))
    assert route_coverage.SUCCEEDED == set()
    route_coverage._record(request, HttpResponse(status=200))
    assert route_coverage.SUCCEEDED == {("api/v1/sweeps/", "get")}


def test_a_route_that_never_succeeded_is_named(monkeypatch):
    routes = set(api_routes())
    assert ("api/v1/runs/<id:pk>/", "delete") in routes
    monkeypatch.setattr(route_coverage, "SUCCEEDED", routes - {("api/v1/runs/<id:pk>/", "delete")})
    assert route_coverage.missing_routes() == [("api/v1/runs/<id:pk>/", "delete")]
    monkeypatch.setattr(route_coverage, "SUCCEEDED", routes)
    assert route_coverage.missing_routes() == []


def test_under_xdist_the_controller_merges_what_each_worker_recorded(monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(route_coverage, "SUCCEEDED", {("api/v1/sweeps/", "get")})
    for recorded in ([["api/v1/runs/", "get"]], [["api/v1/runs/", "get"], ["api/v1/runs/", "post"]], None):
        workeroutput = {} if recorded is None else {"route_coverage": recorded}  # a worker that crashed sends none
        route_coverage.pytest_testnodedown(SimpleNamespace(workeroutput=workeroutput), None)
    assert route_coverage.SUCCEEDED == {("api/v1/sweeps/", "get"), ("api/v1/runs/", "get"), ("api/v1/runs/", "post")}
