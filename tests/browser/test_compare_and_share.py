"""Comparing two finished runs in a real browser: the config diff with "only differences", then a
share link that opens, signed out, in a fresh browser context."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.integration.stack import TINY_TRAINING

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_runs(stack):
    ids = []
    for learning_rate in (0.003, 0.001):
        ids.append(stack.ok("POST", "/api/v1/runs/", 201, json={
            "workspace": "lab", "name": f"lr-{learning_rate}", "method": "lm_train",
            "student": stack.kit["student-init"],
            "train_dataset": stack.kit["train"], "validation_dataset": stack.kit["validation"],
            "config": {"training": {**TINY_TRAINING, "learning_rate": learning_rate}}})["id"])
    for run_id in ids:
        assert stack.wait_for_status(run_id, {"succeeded", "failed"})["status"] == "succeeded"
    return ids


def test_comparing_two_runs_shows_the_config_difference_and_a_share_link_opens_signed_out(page, stack, two_runs):
    sign_in(page, stack)
    page.goto(f"{stack.base_url}/compare?runs={two_runs[0]},{two_runs[1]}")
    diff = page.get_by_test_id("compare-config-diff")
    expect(diff).to_contain_text("learning_rate")
    page.get_by_test_id("compare-only-differences").check()
    expect(diff).to_have_attribute("data-rows", "1")
    expect(page.get_by_test_id("compare-summary")).to_contain_text("train/loss")
    expect(page.get_by_test_id("chart-overlay-train/loss")).to_be_visible()

    page.get_by_role("button", name="Share", exact=True).click()
    url = page.get_by_test_id("share-link-url").input_value()
    assert re.fullmatch(rf"{re.escape(stack.base_url)}/shared/[\w-]{{40,}}", url)

    signed_out = page.context.browser.new_context().new_page()
    signed_out.goto(url)
    shared = signed_out.get_by_test_id("shared-page")
    expect(shared).to_contain_text("lr-0.003")
    expect(shared).to_contain_text("lr-0.001")
    expect(signed_out.get_by_test_id("compare-config-diff")).to_contain_text("learning_rate")
    expect(signed_out).to_have_url(url)
    signed_out.screenshot(path=str(page_screenshot_dir() / "shared_page_signed_out.png"), full_page=True)


def page_screenshot_dir():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
