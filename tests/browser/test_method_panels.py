"""The alignment and continual-learning screens in a real browser against the real stack: the
new-run form offers dpo a reference model and only preference datasets, the datasets page makes a
task sequence, and a real continual-learning run's page draws its task matrix and downloads its
artifacts (a table as itself, the final model as a tar)."""
from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import choose, sign_in
from tests.integration.stack import TINY_TRAINING

pytestmark = pytest.mark.browser


def _preference_dataset(stack, tmp_path) -> int:
    rows = [{"prompt": f"Question {i}?", "chosen": f"A careful answer {i}.", "rejected": f"No {i}."} for i in range(8)]
    path = tmp_path / "prefs.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    with open(path, "rb") as handle:
        response = stack.request("POST", "/api/v1/datasets/",
                                 data={"workspace": "lab", "name": "browser-prefs", "kind": "preference"},
                                 files={"file": ("prefs.jsonl", handle)})
    assert response.status_code in (200, 201), response.text[:500]
    return response.json()["id"]


def test_the_new_run_form_offers_dpo_a_reference_model_and_only_preference_datasets(page, stack, tmp_path):
    assert "dpo" in _methods(stack)
    prefs = _preference_dataset(stack, tmp_path)

    sign_in(page, stack)
    page.goto(stack.base_url + "/runs/new?method=dpo")
    reference = page.get_by_label("Reference model", exact=True)
    expect(reference).to_be_visible()
    expect(reference).to_have_value("")
    expect(reference.locator("option").first).to_have_text(re.compile("Initial policy"))

    training = page.get_by_label("Training dataset", exact=True)
    expect(training.locator(f'option[value="{prefs}"]')).to_have_count(1)
    # Only preference datasets: the kit's text datasets are not offered to a preference method.
    offered = training.locator("option").all_inner_texts()[1:]
    assert offered and all(text.endswith(", preference)") for text in offered), offered
    expect(page.get_by_label("Replay dataset (optional)")).to_have_count(0)


def _methods(stack) -> set[str]:
    methods = stack.ok("GET", "/api/v1/methods/")
    return {m["name"] for m in (methods["results"] if isinstance(methods, dict) else methods)}




def test_the_datasets_page_makes_a_task_sequence_and_its_page_lists_the_tasks(page, stack):
    sign_in(page, stack)
    page.goto(stack.base_url + "/datasets")
    form = page.get_by_test_id("task-sequence-form")
    form.get_by_text("New task sequence", exact=True).click()
    form.get_by_label("Sequence name", exact=True).fill("browser-tasks")
    for n, (task, train, validation) in enumerate(
            [("first", "train", "validation"), ("second", "validation", "train")], start=1):
        form.get_by_label(f"Task name {n}", exact=True).fill(task)
        choose(page, f"Training dataset {n}", f"{train} v")
        choose(page, f"Validation dataset {n}", f"{validation} v")
    form.get_by_role("button", name="Move task 2 up").click()
    expect(form.get_by_label("Task name 1", exact=True)).to_have_value("second")
    form.get_by_role("button", name="Create task sequence").click()

    created = form.get_by_test_id("task-sequence-created")
    expect(created).to_be_visible()
    created.get_by_role("link", name="browser-tasks").click()
    tasks = page.get_by_test_id("dataset-tasks")
    expect(tasks.locator("tbody tr")).to_have_count(2)
    expect(tasks.locator("tbody tr").first).to_have_attribute("data-task", "second")


def test_a_continual_run_page_draws_its_task_matrix(page, stack):
    assert "cl_sequential" in _methods(stack)
    kit = stack.kit
    sequence = stack.ok("POST", "/api/v1/datasets/", 201, json={
        "workspace": "lab", "name": "matrix-tasks", "kind": "task-sequence",
        "tasks": [{"name": "alpha", "train_dataset": kit["train"], "validation_dataset": kit["validation"]},
                  {"name": "beta", "train_dataset": kit["validation"], "validation_dataset": kit["train"]}]})["id"]
    training = {key: value for key, value in TINY_TRAINING.items()
                if key not in ("max_steps", "warmup_steps", "checkpoint_every")}
    run = stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": "two-tasks", "method": "cl_sequential", "student": kit["student-init"],
        "train_dataset": sequence, "replay_dataset": None,
        "config": {"steps_per_task": 2, "training": {**training, "warmup_steps": 0, "eval_every": 0}}})["id"]
    finished = stack.wait_for_status(run, {"succeeded", "failed"})
    assert finished["status"] == "succeeded", finished.get("error_message")

    sign_in(page, stack)
    page.goto(f"{stack.base_url}/runs/{run}")
    matrix = page.get_by_test_id("cl-matrix")
    expect(matrix).to_have_attribute("data-completed", "2")
    expect(matrix).to_have_attribute("data-metric", "accuracy")
    # Before training, after alpha, after beta: three rows of two tasks, none pending.
    expect(matrix.locator(".heatmap-cell")).to_have_count(6)
    expect(matrix.locator('.heatmap-cell[data-pending="true"]')).to_have_count(0)
    expect(page.get_by_test_id("cl-summary").locator('[data-summary="backward_transfer"] strong')).not_to_have_text("—")
    matrix.get_by_label("loss", exact=True).check()
    expect(matrix).to_have_attribute("data-metric", "loss")

    artifacts = {a["kind"]: a for a in stack.ok("GET", f"/api/v1/runs/{run}/artifacts/")}
    table, model = artifacts["table"], artifacts["model"]
    listed = page.get_by_test_id("artifacts-table")
    with page.expect_download() as table_download:
        listed.get_by_role("link", name=f"Download {table['name']}", exact=True).click()
    assert table_download.value.suggested_filename == f"run-{run}-{table['name']}"
    saved = json.loads(Path(table_download.value.path()).read_text())
    assert saved == stack.ok("GET", f"/api/v1/runs/{run}/artifacts/{table['id']}/content/")
    with page.expect_download() as model_download:
        listed.get_by_role("link", name=f"Download {model['name']}", exact=True).click()
    assert model_download.value.suggested_filename == f"run-{run}-{model['name']}.tar"
    with tarfile.open(model_download.value.path(), mode="r:") as archive:
        assert f"run-{run}-{model['name']}/config.json" in archive.getnames()
