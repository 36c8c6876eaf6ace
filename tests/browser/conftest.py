"""One live stack (uvicorn + worker, embedded) for every browser test, Debian's Chromium driven by
Playwright (started once, a fresh context per test), and a screenshot of every test's last page
under the test output folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.integration.stack import ROOT, Stack, register_kit

# The machine is shared with a training worker: give pages time rather than fail on a busy core.
expect.set_options(timeout=30_000)

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(os.environ.get("DISTILLERY_DATA_DIR", ROOT / "var" / "test")) / "screenshots"


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    stack = Stack("embedded", tmp_path_factory.mktemp("browser"))
    try:
        stack.start()
        stack.kit = register_kit(stack)
        yield stack
    finally:
        stack.stop()


class Chromium:
    """One Chromium for a run of consecutive browser tests, started by the first of them and stopped
    after the last (pytest_runtest_teardown below): Playwright's sync API keeps an event loop running
    in this thread while it is started, and Django refuses database access from such a thread, so it
    must not outlive the browser tests when other tests follow in the same process (xdist)."""

    def __init__(self):
        self.playwright = self.browser = None

    def get(self):
        if self.browser is None:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        return self.browser

    def stop(self):
        if self.playwright is not None:
            self.browser.close()
            self.playwright.stop()
        self.playwright = self.browser = None


CHROMIUM = Chromium()


@pytest.hookimpl(trylast=True)  # after the test's fixtures (its context, its screenshot) are torn down
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        CHROMIUM.stop()


@pytest.fixture
def browser():
    """Chromium, started once for consecutive browser tests; each test gets its own context."""
    return CHROMIUM.get()


@pytest.fixture
def page(stack, browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
