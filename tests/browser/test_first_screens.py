"""The first screens in a real browser (Debian's Chromium driven by Playwright) against a real web
server and worker: sign in, launch a run from the schema-generated form, watch its live chart
fill, cancel it, and see a server-side validation error inline."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import choose, sign_in

pytestmark = pytest.mark.browser


def test_a_wrong_password_shows_the_servers_message(page, stack):
    page.goto(stack.base_url + "/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()


def test_launching_a_run_from_the_form_shows_live_metrics_and_it_can_be_cancelled(page, stack):
    sign_in(page, stack)
    page.goto(stack.base_url + "/runs/new")
    page.get_by_label("lm_train").check()
    choose(page, "Student model", "student-init")
    choose(page, "Training dataset", "train")
    page.get_by_label("Run name").fill("from-the-browser")
    page.get_by_role("button", name=re.compile("Launch", re.I)).click()

    expect(page).to_have_url(re.compile(r"/runs/\d+$"))
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", re.compile("queued|running"))
    chart = page.get_by_test_id("chart-train/loss")
    expect(chart).to_be_visible(timeout=120_000)
    expect(chart).not_to_have_attribute("data-points", "0")
    run_id = int(page.url.rsplit("/", 1)[1])
    assert stack.ok("GET", f"/api/v1/runs/{run_id}/")["name"] == "from-the-browser"

    page.get_by_role("button", name=re.compile("Cancel", re.I)).click()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "cancelled", timeout=30_000)
    expect(page.get_by_test_id("log-tail")).to_contain_text("SIGTERM")


def test_an_invalid_hyperparameter_is_shown_next_to_its_field(page, stack):
    sign_in(page, stack)
    page.goto(stack.base_url + "/runs/new")
    page.get_by_label("lm_train").check()
    choose(page, "Student model", "student-init")
    choose(page, "Training dataset", "train")
    page.get_by_label("Run name").fill("too-much-warmup")
    # The shared training settings are folded under "Training" until opened.
    training = page.get_by_test_id("training-section")
    warmup = page.get_by_label(re.compile("Warmup steps", re.I))
    expect(warmup).to_be_hidden()
    training.locator("summary").click()
    warmup.fill("999999")
    training.locator("summary").click()  # folded again: the error must unfold it
    expect(warmup).to_be_hidden()
    page.get_by_role("button", name=re.compile("Launch", re.I)).click()
    message = re.compile("warmup_steps .* must not exceed max_steps")
    summary = page.get_by_test_id("run-form-errors")
    expect(summary).to_be_visible()
    # The cross-field check's message sits at the field it names, and the summary names that field.
    expect(page.locator(".form-group", has=warmup).get_by_text(message)).to_be_visible()
    expect(summary.get_by_role("link", name="training.warmup_steps")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/runs/new"))
