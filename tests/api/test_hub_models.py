"""Models registered by Hugging Face hub id, resolved only through the server's local hub cache.

The cache is laid out the way huggingface_hub writes it (models--org--name/snapshots/<commit>/ plus
refs/main) in a temporary HF_HOME, and huggingface_hub's own resolution is checked to accept it.
"""
from __future__ import annotations

import pytest

from tests.conftest import TINY_LLAMA
from webapp.registry.models import ModelAsset

HUB_ID = "tiny-org/tiny-llama"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
# TINY_LLAMA: 2 x (64 x 16) embeddings/head + 1 layer (4 x 16 x 16 attention + 3 x 16 x 32 MLP) + norms.
TINY_PARAMETERS = 2 * 64 * 16 + 4 * 16 * 16 + 3 * 16 * 32 + 3 * 16


@pytest.fixture(scope="module")
def saved_tiny_llama(tmp_path_factory):
    """One tiny model written by save_pretrained, shared by the module (building it costs seconds)."""
    from transformers import AutoConfig, AutoModelForCausalLM

    values = dict(TINY_LLAMA)
    config = AutoConfig.for_model(values.pop("model_type"), **values)
    directory = tmp_path_factory.mktemp("tiny-llama")
    AutoModelForCausalLM.from_config(config).save_pretrained(directory)
    return directory


@pytest.fixture
def hub_home(tmp_path, monkeypatch, saved_tiny_llama):
    """A temporary HF_HOME whose hub cache holds HUB_ID at COMMIT, the environment pointed at it."""
    import shutil

    home = tmp_path / "hf-home"
    repo = home / "hub" / ("models--" + HUB_ID.replace("/", "--"))
    shutil.copytree(saved_tiny_llama, repo / "snapshots" / COMMIT)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HUGGINGFACE_HUB_CACHE", raising=False)
    return home


def test_the_laid_out_cache_is_what_huggingface_hub_resolves(hub_home):
    from huggingface_hub import scan_cache_dir, snapshot_download

    from webapp.registry.services.hub import hub_cache_dir

    assert hub_cache_dir() == hub_home / "hub"
    snapshot = snapshot_download(HUB_ID, local_files_only=True, cache_dir=hub_home / "hub")
    assert snapshot == str(hub_home / "hub" / f"models--tiny-org--tiny-llama/snapshots/{COMMIT}")
    assert [repo.repo_id for repo in scan_cache_dir(hub_home / "hub").repos] == [HUB_ID]


def test_a_member_registers_a_cached_hub_model_and_runs_get_its_hub_spec(api, hub_home):
    from engine.spec import ModelSpec
    from webapp.runs.engine_spec import model_spec

    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "hub",
                                                      "hub_id": HUB_ID}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source"], body["hub_id"], body["path"]) == ("hub", HUB_ID, "")
    assert (body["architecture"], body["vocab_size"], body["parameter_count"]) == (
        "LlamaForCausalLM", 64, TINY_PARAMETERS)
    model = ModelAsset.objects.get(pk=body["id"])
    assert model_spec(model) == {"hub_id": HUB_ID, "allow_hub": True}
    assert ModelSpec.model_validate(model_spec(model)).hub_id == HUB_ID


def test_a_hub_id_missing_from_the_cache_names_the_cache_and_how_to_fill_it(api, hub_home):
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "big", "source": "hub",
                                                      "hub_id": "someone/not-cached"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert str(hub_home / "hub") in body["detail"]
    assert "huggingface-cli download someone/not-cached" in body["detail"]
    assert list(body["errors"]) == ["hub_id"]
    assert ModelAsset.objects.count() == 0


def test_the_cache_is_read_from_hf_hub_cache_when_it_is_set(api, hub_home, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "elsewhere"))
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "hub",
                                                      "hub_id": HUB_ID}, format="json")
    assert response.status_code == 400 and str(tmp_path / "elsewhere") in response.json()["detail"]


@pytest.mark.parametrize("hub_id", ["../../etc", "a/b/c", "org/na me", "org--x/y", ""])
def test_malformed_hub_ids_are_refused(api, hub_home, hub_id):
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "x", "source": "hub",
                                                      "hub_id": hub_id}, format="json")
    assert response.status_code == 400
    assert "hub_id" in response.json()["errors"]


def test_a_snapshot_that_is_no_model_directory_is_refused(api, hub_home):
    (hub_home / "hub" / "models--tiny-org--tiny-llama" / "snapshots" / COMMIT / "config.json").unlink()
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "x", "source": "hub",
                                                      "hub_id": HUB_ID}, format="json")
    assert response.status_code == 400 and "config.json is missing" in response.json()["detail"]


def test_hub_registration_needs_a_writer_of_the_workspace(api, hub_home):
    from rest_framework.test import APIClient

    payload = {"workspace": "lab", "name": "tiny", "source": "hub", "hub_id": HUB_ID}
    assert APIClient().post("/api/v1/models/", payload, format="json").status_code == 401
    assert api("viewer").post("/api/v1/models/", payload, format="json").status_code == 403
    assert api("outsider").post("/api/v1/models/", payload, format="json").status_code == 404
    assert ModelAsset.objects.count() == 0


def test_a_hub_model_cannot_be_a_soup_ingredient(api, hub_home, registry_objects):
    hub = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "hub",
                                                 "hub_id": HUB_ID}, format="json").json()
    response = api("member").post("/api/v1/models/", {
        "workspace": "lab", "name": "soup", "source": "soup",
        "ingredients": [hub["id"], registry_objects["student"].id]}, format="json")
    assert response.status_code == 400 and "resolves by id" in response.json()["detail"]


def test_the_inspection_task_builds_a_hub_model_from_the_cache(api, hub_home):
    from worker.tasks import model_inspect

    created = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "hub",
                                                     "hub_id": HUB_ID}, format="json").json()
    assert model_inspect(created["id"]) == "inspected"
    model = ModelAsset.objects.get(pk=created["id"])
    assert (model.architecture, model.vocab_size, model.parameter_count) == (
        "LlamaForCausalLM", 64, TINY_PARAMETERS)
    assert model.inspected_at and not model.inspection_error


def test_the_inspection_of_a_hub_model_gone_from_the_cache_records_why(api, hub_home):
    import shutil

    from worker.tasks import model_inspect

    created = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "hub",
                                                     "hub_id": HUB_ID}, format="json").json()
    shutil.rmtree(hub_home / "hub")
    assert model_inspect(created["id"]) == "error"
    model = ModelAsset.objects.get(pk=created["id"])
    assert "not in the local Hugging Face cache" in model.inspection_error
    assert f"huggingface-cli download {HUB_ID}" in model.inspection_error


def test_the_playground_engine_answers_with_a_hub_model_and_its_cached_tokenizer(hub_home, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from transformers import AutoConfig, AutoModelForCausalLM

    from engine.demo.corpus import train_tokenizer

    snapshot = hub_home / "hub" / "models--tiny-org--chatty" / "snapshots" / COMMIT
    tokenizer = train_tokenizer([f"def f{i}(x): return x + {i}" for i in range(50)], 300, snapshot)
    values = {**TINY_LLAMA, "vocab_size": len(tokenizer)}
    AutoModelForCausalLM.from_config(AutoConfig.for_model(values.pop("model_type"), **values)).save_pretrained(snapshot)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text(COMMIT)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"models": [{"ref": "7", "model": {"hub_id": "tiny-org/chatty", "allow_hub": True}}],
                                "prompts": ["def f"], "max_new_tokens": 3}))
    completed = subprocess.run([sys.executable, "-m", "engine.generate", str(spec)], capture_output=True, text=True,
                               env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120, check=True)
    events = [json.loads(line) for line in completed.stdout.splitlines()]
    assert not [e for e in events if e.get("kind") == "error"], events
    assert any(e.get("model") == "7" and e.get("done") for e in events), events
