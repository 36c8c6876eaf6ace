"""Alignment and continual-learning runs through the API: a run's reference model, model soups,
task-sequence datasets with replay data, chat-form preference rows, the method catalog's
requirements and table artifacts read as JSON.

The checks follow each method's `requires` in the engine registry, never a list of names, so the
tests register two methods of their own: one that uses a reference model, one that trains on a
task sequence (both with lm_train's config class).
"""
from __future__ import annotations

import gzip
import io
import json

import pytest
from rest_framework.test import APIClient

from tests.conftest import TINY_LLAMA, upload
from webapp.accounts.models import Workspace
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run

REFERENCE_METHOD = "test_with_reference"
CONTINUAL_METHOD = "test_continual"


@pytest.fixture
def methods(monkeypatch):
    """Registers a method with requires.reference and a continual one with requires.tasks."""
    from engine import registry
    from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

    for name, family, requires in ((REFERENCE_METHOD, "alignment", {"reference": True}),
                                   (CONTINUAL_METHOD, "continual", {"tasks": True})):
        monkeypatch.setitem(registry.METHODS, name, MethodInfo(
            name=name, family=family, description="A method registered by the tests.",
            paper=Paper(title="Tests", url="https://example.org"), config="engine.methods.lm.config:LMTrainConfig",
            recipe="engine.methods.lm.recipe:run",
            requires=Requirements(**{"teacher": False, "reference": False, "dataset_kinds": TOKEN_DATASET_KINDS,
                                     **requires}),
        ))


def model_dir(data_dir, name: str, **config) -> str:
    """A model directory (config.json only) under the allowed roots."""
    directory = data_dir / "models" / name
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps({**TINY_LLAMA, **config}))
    return str(directory)


@pytest.fixture
def weights(cast, data_dir):
    """Two registered models with weights on disk ('sft-a', 'sft-b'), of the student's architecture."""
    from webapp.registry.services.models import model_register_from_path

    return {name: model_register_from_path(workspace=cast["workspace"], user=cast["owner"], name=name,
                                           path=model_dir(data_dir, name)) for name in ("sft-a", "sft-b")}


def run_body(objs, **overrides):
    body = {"workspace": "lab", "name": "aligned", "method": REFERENCE_METHOD, "student": objs["student"].id,
            "train_dataset": objs["train"].id, "validation_dataset": objs["validation"].id,
            "config": {"training": {"max_steps": 20}}}
    body.update(overrides)
    return body


def post_run(client, objs, **overrides):
    return client.post("/api/v1/runs/", run_body(objs, **overrides), format="json")


# --- the reference model of a run ---------------------------------------------------------


def test_a_run_takes_a_reference_model_that_detail_compare_and_clone_show(api, methods, registry_objects, weights):
    client, objs = api("member"), registry_objects
    reference = weights["sft-a"]
    response = post_run(client, objs, reference=reference.id)
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["reference"] == reference.id and Run.objects.get(pk=run["id"]).reference == reference
    assert client.get(f"/api/v1/runs/{run['id']}/").json()["reference"] == reference.id

    default = post_run(client, objs).json()
    assert default["reference"] is None  # the student as it starts
    compared = client.get(f"/api/v1/compare/?runs={run['id']},{default['id']}").json()["config"]
    assert compared["values"]["reference"] == {str(run["id"]): reference.id, str(default["id"]): None}
    assert "reference" in compared["differing"] and "replay_dataset" not in compared["differing"]

    kept = client.post(f"/api/v1/runs/{run['id']}/clone/", {}, format="json").json()
    assert kept["reference"] == reference.id and kept["parent"] == run["id"]
    cleared = client.post(f"/api/v1/runs/{run['id']}/clone/", {"reference": None}, format="json").json()
    assert cleared["reference"] is None
    swapped = client.post(f"/api/v1/runs/{run['id']}/clone/", {"reference": weights["sft-b"].id}, format="json")
    assert swapped.json()["reference"] == weights["sft-b"].id
    assert [r["id"] for r in client.get(f"/api/v1/runs/?reference={reference.id}").json()["results"]] == \
        [kept["id"], run["id"]]


def test_a_method_without_a_reference_refuses_one(api, methods, registry_objects, weights):
    response = post_run(api("member"), registry_objects, method="lm_train", reference=weights["sft-a"].id)
    assert response.status_code == 400
    assert response.json()["detail"] == "Method 'lm_train' does not use a reference model: leave it empty."
    assert list(response.json()["errors"]) == ["reference"] and Run.objects.count() == 0


def test_a_reference_must_be_in_the_workspace_have_weights_and_share_the_students_vocabulary(
        api, methods, cast, registry_objects, data_dir):
    from webapp.registry.services.models import model_register_from_path

    client, objs = api("member"), registry_objects
    theirs = ModelAsset.objects.create(workspace=Workspace.objects.get(slug="elsewhere"), name="theirs", source="path",
                                       path="/x")
    response = post_run(client, objs, reference=theirs.id)
    assert response.status_code == 400 and "no reference with id" in response.json()["detail"]

    imported = ModelAsset.objects.create(workspace=cast["workspace"], name="old", source="imported")
    response = post_run(client, objs, reference=imported.id)
    assert response.status_code == 400 and "has no weights here" in response.json()["detail"]

    wide = model_register_from_path(workspace=cast["workspace"], user=cast["owner"], name="wide",
                                    path=model_dir(data_dir, "wide", vocab_size=128))
    response = post_run(client, objs, reference=wide.id)
    assert response.status_code == 400
    message = ("the reference has an output vocabulary of 128 tokens and the student of 64: the reference scores "
               "the policy's tokens, so it needs the student's vocabulary (tokenizer). Choose the student's base or "
               "SFT model, or leave the reference out to use the initial policy")
    assert response.json()["detail"] == f"Invalid run: reference: {message}"
    assert response.json()["errors"] == {"reference": [message]}


def test_a_teacher_of_another_vocabulary_is_refused_only_by_methods_that_compare_token_ids(
        api, monkeypatch, cast, registry_objects, data_dir):
    import dataclasses

    from engine import registry
    from webapp.registry.services.models import model_register_from_path

    info = registry.METHODS["kd_forward_kl"]
    monkeypatch.setitem(registry.METHODS, "test_text_only_kd", dataclasses.replace(
        info, name="test_text_only_kd", requires=dataclasses.replace(info.requires, shared_vocabulary=False)))
    wide = model_register_from_path(workspace=cast["workspace"], user=cast["owner"], name="wide",
                                    path=model_dir(data_dir, "wide", vocab_size=128))
    wide.tokenizer_fingerprint = "b" * 64  # as inspection records it: another tokenizer than the student's
    wide.save()
    student = registry_objects["student"]
    student.tokenizer_fingerprint = "a" * 64
    student.save()
    body = dict(teacher=wide.id, config={"training": {"max_steps": 20}})
    assert post_run(api("member"), registry_objects, method="test_text_only_kd", **body).status_code == 201
    response = post_run(api("member"), registry_objects, method="kd_forward_kl", **body)
    assert response.status_code == 400 and "needs a shared vocabulary" in response.json()["detail"]


def test_launching_with_a_reference_needs_write_access(api, methods, registry_objects, weights):
    body = run_body(registry_objects, reference=weights["sft-a"].id)
    assert api("viewer").post("/api/v1/runs/", body, format="json").status_code == 403
    assert api("outsider").post("/api/v1/runs/", body, format="json").status_code == 404
    assert APIClient().post("/api/v1/runs/", body, format="json").status_code == 401
    assert Run.objects.count() == 0


def test_sweeps_and_templates_carry_the_reference_and_replay_data(api, methods, cast, registry_objects, weights,
                                                                 sequence):
    from webapp.runs.models import RunTemplate

    client, objs = api("member"), registry_objects
    body = {**run_body(objs, reference=weights["sft-a"].id), "strategy": "grid",
            "parameters": {"config.training.learning_rate": [0.001, 0.002]}}
    sweep = client.post("/api/v1/sweeps/", body, format="json")
    assert sweep.status_code == 201, sweep.json()
    assert [r["reference"] for r in sweep.json()["runs"]] == [weights["sft-a"].id] * 2

    aligned = RunTemplate.objects.create(workspace=cast["workspace"], name="align", method=REFERENCE_METHOD,
                                         student="student", reference="sft-b", train_dataset="train")
    continual = RunTemplate.objects.create(workspace=cast["workspace"], name="continual", method=CONTINUAL_METHOD,
                                           student="student", train_dataset="tasks", replay_dataset="general")
    listed = {t["name"]: t for t in client.get("/api/v1/templates/?workspace=lab").json()}
    assert listed["align"]["reference"] == "sft-b" and listed["continual"]["replay_dataset"] == "general"
    run = client.post(f"/api/v1/templates/{aligned.id}/launch/").json()
    assert run["reference"] == weights["sft-b"].id
    run = client.post(f"/api/v1/templates/{continual.id}/launch/").json()
    assert (run["train_dataset"], run["replay_dataset"]) == (sequence["tasks"].id, sequence["general"].id)
    RunTemplate.objects.filter(pk=aligned.pk).update(reference="not-registered")
    response = client.post(f"/api/v1/templates/{aligned.id}/launch/")
    assert response.status_code == 400 and "reference model 'not-registered'" in response.json()["detail"]


def test_the_history_export_keeps_references_and_replay_data(api, methods, registry_objects, weights, sequence):
    client, objs = api("member"), registry_objects
    aligned = post_run(client, objs, reference=weights["sft-a"].id).json()
    continual = post_run(client, objs, method=CONTINUAL_METHOD, train_dataset=sequence["tasks"].id,
                         validation_dataset=None, replay_dataset=sequence["general"].id).json()
    Run.objects.filter(pk__in=[aligned["id"], continual["id"]]).update(status="succeeded")
    data = b"".join(client.get("/api/v1/workspaces/lab/export/").streaming_content)
    handle = io.BytesIO(data)
    handle.name = "history.jsonl.gz"
    assert api("outsider").post("/api/v1/workspaces/elsewhere/import/", {"file": handle},
                                format="multipart").status_code == 201
    imported = {r.method: r for r in Run.objects.filter(workspace__slug="elsewhere").select_related(
        "reference", "replay_dataset", "train_dataset")}
    assert imported[REFERENCE_METHOD].reference.name == "sft-a"
    assert imported[REFERENCE_METHOD].reference.source == "imported"
    assert imported[CONTINUAL_METHOD].replay_dataset.sha256 == sequence["general"].sha256
    assert imported[CONTINUAL_METHOD].train_dataset.kind == "task-sequence"
    assert b'"reference"' in gzip.decompress(data)


# --- model soups --------------------------------------------------------------------------


def post_soup(client, ingredients, name="soup", workspace="lab"):
    return client.post("/api/v1/models/", {"workspace": workspace, "name": name, "source": "soup",
                                           "ingredients": ingredients}, format="json")


def test_a_soup_is_registered_from_models_with_weights_and_shows_in_lineage_both_ways(
        api, weights, django_capture_on_commit_callbacks):
    a, b = weights["sft-a"], weights["sft-b"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_soup(api("member"), [b.id, a.id])
    assert response.status_code == 201, response.json()
    soup = response.json()
    assert soup["source"] == "soup" and soup["ingredients"] == [b.id, a.id] and soup["path"] == ""
    assert (soup["architecture"], soup["vocab_size"]) == ("LlamaForCausalLM", 64)
    assert len(callbacks) == 1  # inspected by a worker like any model

    listed = {m["name"]: m for m in api("viewer").get("/api/v1/models/?workspace=lab").json()["results"]}
    assert listed["soup"]["ingredients"] == [b.id, a.id] and listed["sft-a"]["ingredients"] == []
    assert listed["sft-a"]["soups"] == [soup["id"]] and listed["soup"]["soups"] == []
    lineage = api("viewer").get(f"/api/v1/models/{soup['id']}/lineage/").json()
    assert [m["name"] for m in lineage["ingredients"]] == ["sft-b", "sft-a"] and lineage["soups"] == []
    assert [m["name"] for m in api("viewer").get(f"/api/v1/models/{a.id}/lineage/").json()["soups"]] == ["soup"]

    from webapp.runs.engine_spec import model_spec

    # A soup has no directory of its own: the engine reads its first ingredient's tokenizer.
    assert model_spec(ModelAsset.objects.get(pk=soup["id"])) == {"soup": [b.path, a.path], "tokenizer": b.path}


def test_a_soup_needs_two_distinct_models_with_weights_of_one_shape(api, cast, weights, registry_objects, data_dir):
    from webapp.registry.services.models import model_register_from_path

    client, a, b = api("member"), weights["sft-a"], weights["sft-b"]
    wide = model_register_from_path(workspace=cast["workspace"], user=cast["owner"], name="wide",
                                    path=model_dir(data_dir, "wide", vocab_size=128))
    theirs = ModelAsset.objects.create(workspace=Workspace.objects.get(slug="elsewhere"), name="theirs", source="path",
                                       path="/x")
    existing_soup = post_soup(client, [a.id, b.id], name="first-soup").json()
    cases = [
        ([a.id], "between 2 and 64 ingredients"),
        ([a.id, a.id], "listed twice"),
        ([a.id, theirs.id], f"no model with id {theirs.id} in 'lab'"),
        ([a.id, registry_objects["student"].id], "'student' is built from a config with random weights"),
        ([a.id, wide.id], "'wide' has vocabulary size 128 but 'sft-a' has 64"),
        ([a.id, existing_soup["id"]], "'first-soup' is itself a soup"),
    ]
    for ingredients, message in cases:
        response = post_soup(client, ingredients)
        assert response.status_code == 400, ingredients
        assert message in response.json()["detail"] and "ingredients" in response.json()["errors"]
    response = client.post("/api/v1/models/", {"workspace": "lab", "name": "soup", "source": "soup"}, format="json")
    assert response.status_code == 400 and "needs 'ingredients'" in response.json()["detail"]
    assert post_soup(client, [a.id, b.id], name="first-soup").status_code == 409
    assert not ModelAsset.objects.filter(name="soup").exists()


def test_the_models_list_loads_every_soups_ingredients_in_one_query(api, weights):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, ingredients = api("member"), [weights["sft-a"].id, weights["sft-b"].id]
    post_soup(client, ingredients, name="soup-0")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/models/?workspace=lab")
    for index in range(1, 6):
        post_soup(client, ingredients[::-1], name=f"soup-{index}")
    with CaptureQueriesContext(connection) as many:
        listed = client.get("/api/v1/models/?workspace=lab").json()["results"]
    assert len(many) == len(one)
    assert [m["ingredients"] for m in listed if m["name"] == "soup-3"] == [ingredients[::-1]]


def test_registering_a_soup_needs_write_access_to_the_workspace(api, weights):
    ingredients = [weights["sft-a"].id, weights["sft-b"].id]
    assert post_soup(api("viewer"), ingredients).status_code == 403
    assert post_soup(api("outsider"), ingredients).status_code == 404
    assert post_soup(APIClient(), ingredients).status_code == 401
    soup = post_soup(api("member"), ingredients).json()
    assert api("outsider").get(f"/api/v1/models/{soup['id']}/lineage/").status_code == 404


# --- task-sequence datasets and continual runs ----------------------------------------------


def post_sequence(client, tasks, name="tasks", workspace="lab"):
    return client.post("/api/v1/datasets/", {"workspace": workspace, "name": name, "kind": "task-sequence",
                                             "tasks": tasks}, format="json")


@pytest.fixture
def members(cast):
    """Text datasets for two tasks, and general text to replay."""
    from webapp.registry.services.datasets import dataset_upload

    def text(name, word):
        rows = [{"text": f"{word} {i}"} for i in range(4)]
        return dataset_upload(workspace=cast["workspace"], user=cast["owner"], name=name, kind="text",
                              upload=upload(f"{name}.jsonl", rows))[0]

    return {name: text(name, name) for name in ("code-train", "code-val", "math-train", "math-val", "general")}


def two_tasks(m):
    return [{"name": "code", "train_dataset": m["code-train"].id, "validation_dataset": m["code-val"].id},
            {"name": "math", "train_dataset": m["math-train"].id, "validation_dataset": m["math-val"].id}]


@pytest.fixture
def sequence(cast, members):
    from webapp.registry.services.task_sequences import dataset_task_sequence_create

    tasks, _ = dataset_task_sequence_create(workspace=cast["workspace"], user=cast["owner"], name="tasks",
                                            tasks=two_tasks(members))
    return {**members, "tasks": tasks}


def test_a_task_sequence_is_made_of_existing_datasets_versioned_by_their_hashes(api, members):
    import hashlib

    client, m = api("member"), members
    response = post_sequence(client, two_tasks(m))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["row_count"], body["version"]) == ("task-sequence", 2, 1)
    expected = hashlib.sha256(json.dumps([["code", m["code-train"].sha256, m["code-val"].sha256],
                                          ["math", m["math-train"].sha256, m["math-val"].sha256]]).encode())
    assert body["sha256"] == expected.hexdigest()

    detail = api("viewer").get(f"/api/v1/datasets/{body['id']}/").json()
    assert [(t["name"], t["train_dataset"]["name"], t["validation_dataset"]["id"]) for t in detail["preview"]] == [
        ("code", "code-train", m["code-val"].id), ("math", "math-train", m["math-val"].id)]
    assert detail["tasks"] == detail["preview"] and detail["tasks"][0]["train_dataset"]["row_count"] == 4

    again = post_sequence(client, two_tasks(m))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    reordered = post_sequence(client, two_tasks(m)[::-1])
    assert reordered.status_code == 201 and reordered.json()["version"] == 2
    assert api("member").get(f"/api/v1/datasets/{m['code-train'].id}/").json()["tasks"] == []


def test_a_task_sequence_is_refused_with_the_reason(api, cast, members):
    from webapp.registry.services.datasets import dataset_upload

    client, m = api("member"), members
    prefs, _ = dataset_upload(workspace=cast["workspace"], user=cast["owner"], name="prefs", kind="preference",
                              upload=upload("p.jsonl", [{"prompt": "p", "chosen": "a", "rejected": "b"}]))
    chat, _ = dataset_upload(workspace=cast["workspace"], user=cast["owner"], name="chat", kind="chat",
                             upload=upload("c.jsonl", [{"messages": [{"role": "user", "content": "hi"}]}]))
    theirs = Dataset.objects.create(workspace=Workspace.objects.get(slug="elsewhere"), name="theirs", kind="text",
                                    file="/x", sha256="0" * 64, row_count=1, size_bytes=1)
    code, math = two_tasks(m)
    cases = [
        ([code], "tasks", "between 2 and 64 tasks"),
        ([code, {**math, "name": "code"}], "tasks.1.name", "two tasks are named 'code'"),
        ([code, {**math, "train_dataset": prefs.id}], "tasks.1.train_dataset", "is a preference dataset"),
        ([code, {**math, "validation_dataset": theirs.id}], "tasks.1.validation_dataset", "no dataset with id"),
        ([code, {**math, "validation_dataset": chat.id}], "tasks.1.validation_dataset", "is chat data but the task"),
    ]
    for tasks, field, message in cases:
        response = post_sequence(client, tasks)
        assert response.status_code == 400, tasks
        assert message in response.json()["detail"] and field in response.json()["errors"], response.json()
    response = post_sequence(client, [code, {**math, "split": "x"}])
    assert response.status_code == 400 and "tasks.1.split" in response.json()["errors"]
    response = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "t", "kind": "task-sequence"},
                           format="json")
    assert response.status_code == 400 and "needs 'tasks'" in response.json()["detail"]
    response = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "t", "kind": "task-sequence",
                                                 "file": upload("t.jsonl", [{"text": "x"}])}, format="multipart")
    assert response.status_code == 400 and "not a file" in response.json()["detail"]
    response = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "t", "kind": "text", "tasks": [code]},
                           format="json")
    assert response.status_code == 400 and "Only a task-sequence dataset" in response.json()["detail"]
    assert not Dataset.objects.filter(kind="task-sequence").exists()


def test_creating_a_task_sequence_needs_write_access(api, members):
    tasks = two_tasks(members)
    assert post_sequence(api("viewer"), tasks).status_code == 403
    assert post_sequence(api("outsider"), tasks).status_code == 404
    assert post_sequence(APIClient(), tasks).status_code == 401
    created = post_sequence(api("member"), tasks).json()
    assert api("outsider").get(f"/api/v1/datasets/{created['id']}/").status_code == 404


def test_a_continual_run_trains_on_a_task_sequence_with_optional_replay(api, methods, registry_objects, sequence):
    client, objs, s = api("member"), registry_objects, sequence
    body = dict(method=CONTINUAL_METHOD, train_dataset=s["tasks"].id, validation_dataset=None)
    response = post_run(client, objs, **body, replay_dataset=s["general"].id)
    assert response.status_code == 201, response.json()
    assert (response.json()["train_dataset"], response.json()["replay_dataset"]) == (s["tasks"].id, s["general"].id)
    assert post_run(client, objs, **body).json()["replay_dataset"] is None

    def refused(field, message, **overrides):
        response = post_run(client, objs, **{**body, **overrides})
        assert response.status_code == 400, overrides
        assert message in response.json()["detail"] and list(response.json()["errors"]) == [field]

    refused("train_dataset", f"Method '{CONTINUAL_METHOD}' trains on a task sequence: choose a task-sequence "
                             "dataset as training data", train_dataset=objs["train"].id)
    refused("validation_dataset", "leave validation_dataset empty", validation_dataset=objs["validation"].id)
    refused("replay_dataset", "choose a text dataset", replay_dataset=s["tasks"].id)
    refused("train_dataset", "only continual-learning methods train on", method="lm_train")
    refused("replay_dataset", "Method 'lm_train' is not a continual-learning method",
            method="lm_train", train_dataset=objs["train"].id, replay_dataset=s["general"].id)
    refused("reference", f"Method '{CONTINUAL_METHOD}' does not use a reference model",
            reference=objs["teacher"].id)

    response = client.get(f"/api/v1/datasets/{s['tasks'].id}/token-stats/?model={objs['student'].id}")
    assert response.status_code == 400 and "is a task sequence" in response.json()["detail"]


def test_the_engines_own_run_spec_rules_are_a_400_naming_the_api_field(api, methods, registry_objects, sequence):
    client, objs = api("member"), registry_objects
    response = post_run(client, objs, seed=-1)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["seed"]
    response = post_run(client, objs, method="cl_sequential", train_dataset=sequence["tasks"].id,
                        validation_dataset=None, replay_dataset=sequence["general"].id)
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["replay_dataset"]
    assert response.json()["detail"].startswith("Invalid run: replay_dataset: method 'cl_sequential' does not replay")
    assert Run.objects.count() == 0


# --- preference rows in chat form -----------------------------------------------------------


def post_preferences(client, rows):
    return client.post("/api/v1/datasets/", {"workspace": "lab", "name": "prefs", "kind": "preference",
                                             "file": upload("p.jsonl", rows)}, format="multipart")


def test_preference_rows_may_give_the_prompt_as_chat_messages(api):
    user = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}]
    rows = [
        {"prompt": user, "chosen": "4", "rejected": "5"},
        {"prompt": user, "chosen": [{"role": "assistant", "content": "4"}],
         "rejected": [{"role": "assistant", "content": "5"}]},
        {"prompt": user, "chosen": "4", "rejected": [{"role": "assistant", "content": "5"}]},
    ]
    response = post_preferences(api("member"), rows)
    assert response.status_code == 201, response.json()
    assert response.json()["row_count"] == 3
    plain = post_preferences(api("member"), [{"prompt": "2+2?", "chosen": "4", "rejected": "5"}])
    assert plain.status_code == 201 and plain.json()["version"] == 2


def test_malformed_chat_preference_rows_are_reported_by_row(api):
    user = [{"role": "user", "content": "2+2?"}]
    answer = [{"role": "assistant", "content": "4"}]
    rows = [
        {"prompt": user, "chosen": answer, "rejected": answer},               # 1: fine, and sets the form
        {"prompt": [], "chosen": "4", "rejected": "5"},                        # 2
        {"prompt": [{"role": "user"}], "chosen": "4", "rejected": "5"},        # 3
        {"prompt": user, "chosen": [{"role": "user", "content": "4"}], "rejected": answer},  # 4
        {"prompt": [{"role": "narrator", "content": "x"}], "chosen": "4", "rejected": "5"},  # 5
        {"prompt": "2+2?", "chosen": answer, "rejected": answer},              # 6
        {"prompt": user, "chosen": {"content": "4"}, "rejected": "5"},         # 7
        {"prompt": user, "chosen": answer, "rejected": []},                    # 8
        {"prompt": "2+2?", "chosen": "4", "rejected": "5"},                    # 9: plain after chat
    ]
    response = post_preferences(api("member"), rows)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {f"file.row.{n}" for n in range(2, 10)}
    assert errors["file.row.2"] == ["field 'prompt' is empty"]
    assert errors["file.row.3"] == ["prompt[0] needs a string 'role' and a string 'content'"]
    assert errors["file.row.4"] == ["chosen[0] has role 'user': use assistant"]
    assert errors["file.row.5"] == ["prompt[0] has role 'narrator': use system or user or assistant or tool"]
    assert "a string prompt needs string answers" in errors["file.row.6"][0]
    assert errors["file.row.7"] == ["field 'chosen' must be a string or a list of messages, got dict"]
    assert errors["file.row.8"] == ["field 'rejected' is empty"]
    assert errors["file.row.9"][0].startswith("a plain row in a chat preference dataset: the first row sets the form")
    assert not Dataset.objects.exists()


def test_the_upload_accepts_exactly_the_preference_rows_the_engine_reads(tmp_path):
    """Every row the upload validator accepts, the engine's reader accepts too, and the reverse for
    the rows refused (the validator may be stricter, never looser)."""
    preference_data = pytest.importorskip("engine.methods.preference.data")
    from webapp.registry.validation import iter_jsonl_problems

    user = [{"role": "user", "content": "2+2?"}]
    answer = [{"role": "assistant", "content": "4"}]
    files = {
        "plain": [{"prompt": "p", "chosen": "a", "rejected": "b"}] * 2,
        "chat": [{"prompt": user, "chosen": answer, "rejected": "5"},
                 {"prompt": user, "chosen": "4", "rejected": answer}],
        "mixed": [{"prompt": "p", "chosen": "a", "rejected": "b"}, {"prompt": user, "chosen": "4", "rejected": "5"}],
        "user answer": [{"prompt": user, "chosen": [{"role": "user", "content": "4"}], "rejected": "5"}],
        "bad role": [{"prompt": [{"role": "narrator", "content": "x"}], "chosen": "4", "rejected": "5"}],
        "list answer to text": [{"prompt": "p", "chosen": answer, "rejected": "b"}],
        "empty prompt": [{"prompt": [], "chosen": "4", "rejected": "5"}],
    }
    for name, rows in files.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        with path.open("rb") as stream:
            accepted = all(problem is None for _, problem in iter_jsonl_problems(stream, "preference"))
        try:
            preference_data.read_preferences(path, role="train_data")
            engine_accepts = True
        except preference_data.EngineError:
            engine_accepts = False
        assert accepted == engine_accepts == (name in ("plain", "chat")), name


# --- the method catalog ---------------------------------------------------------------------


def test_the_method_catalog_says_which_methods_use_a_reference_or_a_task_sequence(api, methods):
    from engine import registry

    methods_listed = {m["name"]: m["requires"] for m in api("viewer").get("/api/v1/methods/").json()}
    assert set(methods_listed) == set(registry.METHODS)
    for name, requires in methods_listed.items():
        info = registry.METHODS[name].requires
        assert (requires["reference"], requires["tasks"], requires["teacher"]) == (info.reference, info.tasks,
                                                                                   info.teacher)
    assert methods_listed[REFERENCE_METHOD]["reference"] is True and methods_listed[CONTINUAL_METHOD]["tasks"] is True
    detail = api("viewer").get(f"/api/v1/methods/{CONTINUAL_METHOD}/").json()
    assert {key: detail["requires"][key] for key in ("teacher", "reference", "tasks", "dataset_kinds")} == {
        "teacher": False, "reference": False, "tasks": True, "dataset_kinds": ["text", "prompt-completion", "chat"]}
    assert APIClient().get("/api/v1/methods/").status_code == 401


# --- table artifacts as JSON ----------------------------------------------------------------


@pytest.fixture
def artifacts(api, registry_objects, data_dir, settings):
    from webapp.runs.services.reports import artifact_record

    run = Run.objects.get(pk=post_run(api("member"), registry_objects, method="lm_train").json()["id"])
    tables = data_dir / "artifacts" / "runs" / str(run.id) / "tables"
    tables.mkdir(parents=True)
    matrix = {"kind": "cl-matrix", "tasks": ["code", "math"], "R": [[0.9, 0.1], [0.7, 0.8]], "step": 40}
    (tables / "cl-matrix-step-40.json").write_text(json.dumps(matrix))
    (tables / "big-step-40.json").write_text(json.dumps({"values": list(range(2000))}))
    (tables / "torn-step-40.json").write_text('{"values": [1, 2')

    def record(kind, name, path):
        return artifact_record(run=run, kind=kind, name=name, path=str(path), step=40, size_bytes=0)

    settings.ARTIFACT_TABLE_MAX_BYTES = 4096
    return {"run": run, "matrix": matrix,
            "table": record("table", "cl-matrix-step-40", tables / "cl-matrix-step-40.json"),
            "big": record("table", "big-step-40", tables / "big-step-40.json"),
            "torn": record("table", "torn-step-40", tables / "torn-step-40.json"),
            "gone": record("table", "gone-step-40", tables / "gone-step-40.json"),
            "outside": record("table", "outside", data_dir / "models" / "x.json"),
            "checkpoint": record("checkpoint", "step-40", tables.parent / "checkpoints" / "step-40")}


def test_a_table_artifact_is_read_as_json_by_any_member(api, artifacts):
    run, table = artifacts["run"], artifacts["table"]
    response = api("viewer").get(f"/api/v1/runs/{run.id}/artifacts/{table.id}/content/")
    assert response.status_code == 200 and response.json() == artifacts["matrix"]
    listed = api("viewer").get(f"/api/v1/runs/{run.id}/artifacts/").json()
    assert {a["name"] for a in listed if a["kind"] == "table"} >= {"cl-matrix-step-40"}


def test_reading_an_artifact_that_is_no_readable_table_says_why(api, artifacts, data_dir):
    (data_dir / "models" / "x.json").write_text("{}")
    run, client = artifacts["run"], api("member")

    def content(name):
        return client.get(f"/api/v1/runs/{run.id}/artifacts/{artifacts[name].id}/content/")

    response = content("checkpoint")
    assert response.status_code == 400 and "is a checkpoint, not a table" in response.json()["detail"]
    response = content("big")
    assert response.status_code == 413 and "ARTIFACT_TABLE_MAX_BYTES" in response.json()["detail"]
    response = content("torn")
    assert response.status_code == 400 and "is not valid JSON" in response.json()["detail"]
    assert content("gone").status_code == 404
    assert content("outside").status_code == 404  # only files in the artifact store are served


def test_table_content_is_scoped_to_the_runs_workspace(api, artifacts, registry_objects):
    run, table = artifacts["run"], artifacts["table"]
    url = f"/api/v1/runs/{run.id}/artifacts/{table.id}/content/"
    assert api("outsider").get(url).status_code == 404
    assert APIClient().get(url).status_code == 401
    other = post_run(api("member"), registry_objects, method="lm_train").json()["id"]
    assert api("member").get(f"/api/v1/runs/{other}/artifacts/{table.id}/content/").status_code == 404


def test_a_method_that_trains_in_one_process_refuses_several_gpus(api, monkeypatch, registry_objects):
    from engine import registry
    from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

    monkeypatch.setitem(registry.METHODS, "test_single_process", MethodInfo(
        name="test_single_process", family="distillation", description="One process only.",
        paper=Paper(title="Tests", url="https://example.org"), config="engine.methods.lm.config:LMTrainConfig",
        recipe="engine.methods.lm.recipe:run",
        requires=Requirements(teacher=False, reference=False, dataset_kinds=TOKEN_DATASET_KINDS, data_parallel=False),
    ))
    response = post_run(api("member"), registry_objects, method="test_single_process", resources={"gpus": 2})
    assert response.status_code == 400
    assert "cannot use several GPUs: ask for 1 GPU" in response.json()["errors"]["resources.gpus"][0]
    assert not Run.objects.filter(method="test_single_process").exists()


def test_the_catalog_says_which_methods_train_data_parallel(api):
    methods = {m["name"]: m["requires"] for m in api("member").get("/api/v1/methods/").json()}
    assert methods["kd_forward_kl"]["data_parallel"] is True
    assert methods["cl_replay"]["data_parallel"] is False and methods["seq_kd"]["data_parallel"] is False
