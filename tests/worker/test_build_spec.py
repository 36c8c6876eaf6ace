"""The engine run spec a worker writes for alignment and continual runs (reference model, soups,
task sequences, replay data), checked against the engine's own RunSpec; the engine's cache
directory; and the inspection of a soup."""
from __future__ import annotations

import json

from engine.spec import RunSpec
from tests.api.test_alignment_continual_api import (  # noqa: F401 (fixtures)
    CONTINUAL_METHOD,
    REFERENCE_METHOD,
    members,
    methods,
    post_run,
    post_soup,
    sequence,
    weights,
)
from webapp.runs.models import Run
from worker.spec import build_spec
from worker.supervisor import engine_env


def test_a_reference_soup_becomes_the_specs_reference_and_the_engine_accepts_the_spec(
        api, methods, registry_objects, weights, tmp_path):
    a, b = weights["sft-a"], weights["sft-b"]
    soup = post_soup(api("member"), [a.id, b.id]).json()
    run = Run.objects.get(pk=post_run(api("member"), registry_objects, reference=soup["id"]).json()["id"])
    spec = build_spec(run, tmp_path)
    # Each model with what the registry knows of it (here the vocabulary size read at registration).
    assert spec["reference"] == {"soup": [a.path, b.path], "tokenizer": a.path, "facts": {"vocab_size": 64}}
    assert spec["student"] == {"config": run.student.config, "tokenizer": run.student.tokenizer_path,
                               "facts": {"vocab_size": 64}}
    assert spec["train_data"] == {"path": run.train_dataset.file, "format": "jsonl",
                                  "kind": run.train_dataset.kind}
    assert "tasks" not in spec and "replay_data" not in spec
    parsed = RunSpec.model_validate(spec)
    assert parsed.reference.soup == [a.path, b.path] and parsed.method == REFERENCE_METHOD

    default = Run.objects.get(pk=post_run(api("member"), registry_objects).json()["id"])
    assert "reference" not in build_spec(default, tmp_path)  # the engine uses the initial policy


def test_a_soup_student_and_a_path_reference_are_written_as_the_engine_reads_them(
        api, methods, registry_objects, weights, tmp_path):
    a, b = weights["sft-a"], weights["sft-b"]
    soup = post_soup(api("member"), [b.id, a.id]).json()
    run = Run.objects.get(pk=post_run(api("member"), registry_objects, student=soup["id"],
                                      reference=a.id).json()["id"])
    spec = build_spec(run, tmp_path)
    assert spec["student"] == {"soup": [b.path, a.path], "tokenizer": b.path, "facts": {"vocab_size": 64}}
    assert spec["reference"] == {"path": a.path, "facts": {"vocab_size": 64}}
    RunSpec.model_validate(spec)


def test_a_task_sequence_expands_into_the_specs_tasks_with_the_replay_data(
        api, methods, registry_objects, sequence, tmp_path):
    s = sequence
    run = Run.objects.get(pk=post_run(api("member"), registry_objects, method=CONTINUAL_METHOD,
                                      train_dataset=s["tasks"].id, validation_dataset=None,
                                      replay_dataset=s["general"].id).json()["id"])
    spec = build_spec(run, tmp_path)
    assert spec["tasks"] == [
        {"name": "code", "train_data": {"path": s["code-train"].file, "format": "jsonl", "kind": "text"},
         "validation_data": {"path": s["code-val"].file, "format": "jsonl", "kind": "text"}},
        {"name": "math", "train_data": {"path": s["math-train"].file, "format": "jsonl", "kind": "text"},
         "validation_data": {"path": s["math-val"].file, "format": "jsonl", "kind": "text"}},
    ]
    assert spec["replay_data"] == {"path": s["general"].file, "format": "jsonl", "kind": "text"}
    assert "train_data" not in spec and "validation_data" not in spec
    parsed = RunSpec.model_validate(spec)
    assert [task.name for task in parsed.tasks] == ["code", "math"]
    # The manifest on disk lists the same tasks, for whoever reads the stored file.
    manifest = [json.loads(line) for line in open(s["tasks"].file)]
    assert [(t["name"], t["train_dataset"]["id"]) for t in manifest] == [("code", s["code-train"].id),
                                                                         ("math", s["math-train"].id)]

    without_replay = Run.objects.get(pk=post_run(api("member"), registry_objects, method=CONTINUAL_METHOD,
                                                 train_dataset=s["tasks"].id, validation_dataset=None).json()["id"])
    assert "replay_data" not in build_spec(without_replay, tmp_path)


def test_the_engine_gets_the_cache_directory_from_the_settings(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DISTILLERY_CACHE_DIR", "/somewhere/else")
    settings.ENGINE_CACHE_DIR = tmp_path / "cache"
    env = engine_env([1, 3])
    assert env["DISTILLERY_CACHE_DIR"] == str(tmp_path / "cache")
    assert env["CUDA_VISIBLE_DEVICES"] == "1,3" and env["HF_HUB_OFFLINE"] == "1"
    assert engine_env([])["CUDA_VISIBLE_DEVICES"] == ""


def test_the_cache_directory_setting_defaults_under_the_data_dir_and_follows_the_environment():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.ENGINE_CACHE_DIR, settings.DATA_DIR)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webapp.settings"}
    env.pop("DISTILLERY_CACHE_DIR", None)

    def ask(extra: dict) -> list[str]:
        result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                                env={**env, **extra}, capture_output=True, text=True, check=True)
        return result.stdout.split()

    cache, data = ask({})
    assert cache == os.path.join(data, "cache")
    assert ask({"DISTILLERY_CACHE_DIR": "/srv/cache"})[0] == "/srv/cache"


def test_a_soup_is_inspected_through_its_first_ingredient(api, weights, monkeypatch):
    """The inspection child process (engine.inspect_model, covered by the engine's tests) is given the
    first ingredient's directory; its answer is recorded on the soup."""
    import subprocess

    from webapp.registry.models import ModelAsset
    from worker import tasks

    seen = []

    def inspect_model(args, **kwargs):
        seen.append(json.loads(open(args[-1]).read()))
        facts = {"architecture": "LlamaForCausalLM", "parameter_count": 1234, "vocab_size": 64, "dtype": "float32",
                 "has_tokenizer": False}
        return subprocess.CompletedProcess(args, 0, stdout=json.dumps(facts) + "\n", stderr="")

    monkeypatch.setattr(tasks.subprocess, "run", inspect_model)
    soup = ModelAsset.objects.get(pk=post_soup(api("member"), [weights["sft-b"].id, weights["sft-a"].id]).json()["id"])
    assert tasks.model_inspect(soup.id) == "inspected"
    assert seen == [{"path": weights["sft-b"].path}]
    soup.refresh_from_db()
    assert (soup.parameter_count, soup.inspection_error, soup.source) == (1234, "", "soup")
    assert soup.inspected_at is not None


def test_every_registered_continual_or_preference_method_gets_a_spec_the_engine_accepts(
        api, cast, registry_objects, sequence, weights, tmp_path):
    """The real catalog, whatever it holds now: continual methods over a task sequence with replay
    data, and preference methods that use a reference, given a soup as reference."""
    from engine import registry
    from tests.conftest import upload
    from webapp.registry.services.datasets import dataset_upload

    continual = [name for name, info in registry.METHODS.items() if info.requires.tasks]
    preference = [name for name, info in registry.METHODS.items() if info.requires.reference
                  and not info.requires.teacher and "preference" in info.requires.dataset_kinds]
    assert continual and preference, "the engine registers continual and preference methods"
    client, s = api("member"), sequence
    user = [{"role": "user", "content": "w1 w2"}]
    pairs, _ = dataset_upload(workspace=cast["workspace"], user=cast["owner"], name="pairs", kind="preference",
                              upload=upload("p.jsonl", [{"prompt": user, "chosen": "w3", "rejected": "w4"}] * 4))
    soup = post_soup(client, [weights["sft-a"].id, weights["sft-b"].id]).json()
    bodies = {name: dict(train_dataset=s["tasks"].id, validation_dataset=None) for name in continual}
    if "cl_replay" in bodies:
        bodies["cl_replay"].update(replay_dataset=s["general"].id,
                                   config={"replay_source": "general", "training": {"max_steps": 20}})
    bodies.update({name: dict(train_dataset=pairs.id, validation_dataset=pairs.id, reference=soup["id"])
                   for name in preference})
    for name, body in bodies.items():
        response = post_run(client, registry_objects, method=name, **body)
        assert response.status_code == 201, (name, response.json())
        spec = build_spec(Run.objects.get(pk=response.json()["id"]), tmp_path)
        parsed = RunSpec.model_validate(spec)
        assert (parsed.tasks is not None) == (name in continual) and parsed.method == name
        assert (parsed.replay_data is not None) == ("replay_dataset" in body)
