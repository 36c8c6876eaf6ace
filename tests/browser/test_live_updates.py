"""The live chart in a real browser: it gains points while the run trains, survives the web server
going away and coming back (EventSource reconnects with Last-Event-ID), and ends with exactly the
points the server stored: no gap, no duplicate."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.integration.stack import TINY_TRAINING

pytestmark = pytest.mark.browser


def chart_points(page) -> int:
    return int(page.get_by_test_id("chart-train/loss").get_attribute("data-points") or 0)


def test_the_live_chart_keeps_every_point_across_a_server_restart(page, stack):
    run = stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": "live", "method": "lm_train", "student": stack.kit["student-init"],
        "train_dataset": stack.kit["train"],
        "config": {"training": {**TINY_TRAINING, "max_steps": 400, "log_every": 1, "eval_every": 0,
                                "checkpoint_every": 0}}})
    sign_in(page, stack)
    page.goto(f"{stack.base_url}/runs/{run['id']}")
    chart = page.get_by_test_id("chart-train/loss")
    expect(chart).to_be_visible(timeout=120_000)
    page.wait_for_function("() => Number(document.querySelector('[data-testid=\"chart-train/loss\"]')"
                           ".dataset.points) >= 10", timeout=60_000)

    stack.restart_web(down_for=2)
    before = chart_points(page)
    page.wait_for_function(f"() => Number(document.querySelector('[data-testid=\"chart-train/loss\"]')"
                           f".dataset.points) > {before}", timeout=60_000)

    done = stack.wait_for_status(run["id"], {"succeeded", "failed"}, timeout=300)
    assert done["status"] == "succeeded", done["error_message"]
    stored = stack.ok("GET", f"/api/v1/runs/{run['id']}/metrics/?names=train/loss")["series"][0]["steps"]
    assert len(stored) == 400
    page.wait_for_function("() => Number(document.querySelector('[data-testid=\"chart-train/loss\"]')"
                           ".dataset.points) === 400", timeout=60_000)
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "succeeded")
