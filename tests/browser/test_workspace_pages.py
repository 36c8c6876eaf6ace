"""Datasets and API tokens in a real browser: an upload with its progress and row-by-row errors,
and a token created, shown once and usable against the API."""
from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_uploading_a_dataset_shows_bad_rows_then_stores_the_fixed_file(page, stack, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"txt": "typo"}\n{"text": ""}\n')
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps({"text": f"def f{i}(): return {i}"}) + "\n" for i in range(50)))
    sign_in(page, stack)
    page.goto(stack.base_url + "/datasets")
    page.get_by_label("Name", exact=True).fill("browser-corpus")
    page.get_by_label("File (JSONL)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload", exact=True).click()
    errors = page.get_by_test_id("dataset-row-errors")
    expect(errors).to_contain_text("field 'text' is missing")
    expect(errors).to_contain_text("field 'text' is empty")

    page.get_by_label("File (JSONL)").set_input_files(str(good))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_test_id("dataset-upload-result")).to_be_visible()
    expect(page.get_by_test_id("datasets-table")).to_contain_text("browser-corpus")
    stored = [d for d in stack.ok("GET", "/api/v1/datasets/?workspace=lab")["results"] if d["name"] == "browser-corpus"]
    assert [(d["version"], d["row_count"]) for d in stored] == [(1, 50)]


def test_an_api_token_is_shown_once_and_works_against_the_api(page, stack):
    sign_in(page, stack)
    page.goto(stack.base_url + "/settings")
    page.get_by_label("Token name").fill("browser-made")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token-value").input_value()
    assert re.fullmatch(r"dst_[\w-]{40,}", token)
    response = requests.get(stack.base_url + "/api/v1/workspaces/", headers={"Authorization": f"Token {token}"},
                            timeout=60)
    assert response.status_code == 200 and [w["slug"] for w in response.json()] == ["lab"]
    page.get_by_role("button", name="I have stored it").click()
    expect(page.get_by_test_id("new-token-value")).to_have_count(0)
    expect(page.get_by_test_id("settings-tokens")).to_contain_text("browser-made")
