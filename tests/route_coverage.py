"""`pytest --route-coverage`: the success column of the endpoint matrix, checked rather than hoped.

While the tests run, every request that Django handles in this process (the test clients, and
live_server threads) is recorded as (route pattern, method, status). When the session ends with
every test passed, each (route, method) of the API must have answered 2xx or 3xx at least once;
any that never did are listed and the session fails. `make test` turns it on for the whole suite
(a partial run would miss routes that other files cover). Requests served by separate processes
(the integration stack's uvicorn and workers) are not seen, so each route needs a test that calls
it in-process. Under pytest-xdist each worker records its own requests and hands them to the
controller at its end (workeroutput); the controller merges them and makes the check.
"""
from __future__ import annotations

import pytest

SUCCEEDED: set[tuple[str, str]] = set()


def pytest_addoption(parser):
    parser.addoption("--route-coverage", action="store_true", default=False,
                     help="fail the session if an API route never answered 2xx/3xx to a test")


def _record(request, response):
    match = getattr(request, "resolver_match", None)
    if match is not None and 200 <= response.status_code < 400:
        SUCCEEDED.add((match.route, request.method.lower()))
    return response


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    if not session.config.getoption("--route-coverage"):
        return
    from django.core.handlers.base import BaseHandler

    plain, asynchronous = BaseHandler.get_response, BaseHandler.get_response_async

    def get_response(self, request):
        return _record(request, plain(self, request))

    async def get_response_async(self, request):
        return _record(request, await asynchronous(self, request))

    BaseHandler.get_response, BaseHandler.get_response_async = get_response, get_response_async


def missing_routes(routes: set[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    from tests.routes import api_routes

    return sorted((set(api_routes()) if routes is None else routes) - SUCCEEDED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller: merge what a finished worker recorded."""
    SUCCEEDED.update((route, method) for route, method in getattr(node, "workeroutput", {}).get("route_coverage", []))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if not session.config.getoption("--route-coverage"):
        return
    if hasattr(session.config, "workeroutput"):  # an xdist worker: the controller checks the merged records
        session.config.workeroutput["route_coverage"] = sorted(SUCCEEDED)
        return
    if exitstatus != 0 or session.testscollected == 0:
        return
    from tests.routes import api_routes

    routes = set(api_routes())
    missing = missing_routes(routes)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reporter.ensure_newline()
    if not missing:
        reporter.write_line(f"--route-coverage: every one of the {len(routes)} API (route, method) pairs answered a "
                            "test with a success", green=True)
        return
    reporter.write_line(f"--route-coverage: {len(missing)} API route(s) never answered 2xx/3xx to any test; add a "
                        "test that calls each one successfully:\n"
                        + "\n".join(f"  {method.upper()} /{route}" for route, method in missing), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
