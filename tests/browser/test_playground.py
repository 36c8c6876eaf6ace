"""The playground in a real browser against a real worker: two models answer two prompts side by
side, the cells filling in over the event stream, and every cell finishes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_two_models_answer_two_prompts_side_by_side(page, stack):
    sign_in(page, stack)
    page.goto(f"{stack.base_url}/playground")
    form = page.get_by_test_id("playground-form")
    form.get_by_label("student-init").check()
    form.get_by_label("teacher-init").check()
    page.get_by_label("Prompts (one per line)").fill("def add(a, b):\nimport os")
    page.get_by_label("Max new tokens").fill("8")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("main")).to_have_count(1)
    expect(page.get_by_role("region", name="Outputs")).to_be_visible()
    cells = page.get_by_test_id("playground-cell")
    expect(cells).to_have_count(4)
    for index in range(4):
        expect(cells.nth(index)).to_have_attribute("data-done", "true", timeout=120_000)
    # The outputs came over the session's event stream, which the page closed once it was done.
    expect(page.get_by_test_id("playground-status")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.get_by_test_id("playground-status")).to_have_attribute("data-stream", "ended")
    expect(page.get_by_test_id("playground-stream")).to_have_text("Final")
    session = stack.wait_until(  # the cells finish just before the session is marked done
        lambda: next((s for s in stack.ok("GET", "/api/v1/playground/?workspace=lab") if s["status"] == "done"), None),
        60, "the playground session to finish")
    assert all(o["done"] and not o["error"] for o in session["outputs"])
