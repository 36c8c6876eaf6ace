"""Zoom in a real browser: a finished run with 50,000 points of train/loss (stored through the
metrics service in the stack's database) draws a downsampled chart; dragging over the plot asks the
server for that step range (step_min/step_max) and draws its finer points; "Reset zoom" goes back.
The same on the compare page, through /series/."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

POINTS = 50_000

SEED_RUN = """
import json, math
from webapp.accounts.models import User, Workspace
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run
from webapp.runs.services.metrics import metrics_ingest
kit = json.loads({kit!r})
run = Run.objects.create(workspace=Workspace.objects.get(slug="lab"), creator=User.objects.get(username="alice"),
                         name="zoom-long", method="lm_train", student=ModelAsset.objects.get(pk=kit["student-init"]),
                         train_dataset=Dataset.objects.get(pk=kit["train"]), status="succeeded", attempt=1)
points = [("train/loss", step, 5 / (1 + step / 1000) + 0.3 * math.sin(step / 7), 1.7e9 + step)
          for step in range({points})]
metrics_ingest(run=run, points=points)
print(run.pk)
"""


def drag_across(page, chart, start: float, end: float) -> None:
    """Drags over the chart's plot area from `start` to `end` (fractions of its width)."""
    area = chart.locator(".u-over")
    box = area.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * (start + end) / 2, y, steps=4)
    page.mouse.move(box["x"] + box["width"] * end, y, steps=4)
    page.mouse.up()


def zoom_range(request) -> tuple[int, int]:
    query = dict(part.split("=", 1) for part in request.url.split("?", 1)[1].split("&"))
    return int(query["step_min"]), int(query["step_max"])


def test_drag_zooms_and_fetches_the_range_then_reset(page, stack):
    out = stack.manage("shell", "-c", SEED_RUN.format(kit=json.dumps(stack.kit), points=POINTS))
    run_id = int(out.strip().splitlines()[-1])
    sign_in(page, stack)
    page.goto(f"{stack.base_url}/runs/{run_id}")
    chart = page.get_by_test_id("chart-train/loss")
    expect(chart).to_have_attribute("data-band", "true")
    full_points = int(chart.get_attribute("data-points"))
    assert 10 < full_points <= 1000

    with page.expect_request(lambda r: f"/runs/{run_id}/metrics/" in r.url and "step_min=" in r.url) as asked:
        drag_across(page, chart, 0.40, 0.42)
    step_min, step_max = zoom_range(asked.value)
    assert 0 < step_min < step_max < POINTS and step_max - step_min < POINTS / 10
    expect(chart).to_have_attribute("data-zoom-state", "refined")
    expect(chart).to_have_attribute("data-zoom-min", str(step_min))
    # Every step in the range fits in 1000 points: the chart now draws each of them.
    expected_inside = step_max - step_min + 1
    assert expected_inside <= 1000
    expect(chart).to_have_attribute("data-zoom-points", str(expected_inside))
    assert int(chart.get_attribute("data-points")) > full_points
    expect(page.get_by_role("status", name="Zoom of train/loss")).to_contain_text(f"steps {step_min}–{step_max}")

    reset = chart.get_by_role("button", name="Reset zoom")
    reset.focus()
    page.keyboard.press("Enter")
    expect(chart).to_have_attribute("data-zoom-state", "full")
    expect(chart).to_have_attribute("data-points", str(full_points))
    expect(chart.get_by_role("button", name="Reset zoom")).to_have_count(0)

    # The compare page's overlay chart zooms through /series/ with the same parameters.
    page.goto(f"{stack.base_url}/compare?runs={run_id}")
    overlay = page.get_by_test_id("chart-overlay-train/loss")
    expect(overlay).to_have_attribute("data-runs-with-points", "1")
    with page.expect_request(lambda r: "/api/v1/series/" in r.url and "step_min=" in r.url) as asked:
        drag_across(page, overlay, 0.10, 0.30)
    step_min, step_max = zoom_range(asked.value)
    assert re.search(rf"runs={run_id}\b", asked.value.url)
    expect(overlay).to_have_attribute("data-zoom-state", "refined")
    expect(overlay).to_have_attribute("data-zoom-max", str(step_max))
    overlay.get_by_role("button", name="Reset zoom").click()
    expect(overlay).to_have_attribute("data-zoom-state", "full")
