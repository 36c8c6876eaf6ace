"""The worker's translation of engine events into rows, and how it picks the checkpoint to resume."""
from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from tests.api.test_runs_api import launch
from webapp.runs.models import Run
from webapp.runs.services.reports import run_claim
from worker.executor import engine_command
from worker.recorder import EventRecorder
from worker.spec import build_spec, latest_checkpoint


def event(**fields) -> str:
    return json.dumps({"time": 1.0, **fields})


def test_events_become_metrics_logs_progress_and_artifacts(api, registry_objects, tmp_path):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="w1", output_dir=str(tmp_path))
    recorder = EventRecorder(run)
    recorder.handle("events", event(kind="metric", step=5, wall=10.0, values={"train/loss": 2.5, "train/lr": None}))
    recorder.handle("events", event(kind="metric", step=6, wall=11.0, values={"train/loss": float("nan")}))
    recorder.handle("stderr", "a line the engine printed")
    recorder.handle("events", "not json at all")
    recorder.handle("events", event(kind="progress", step=6, total=10, eta_s=4.0, tokens_per_s=100.0))
    recorder.handle("events", event(kind="checkpoint", path=str(tmp_path), step=6, size_bytes=123))
    recorder.handle("events", event(kind="status", status="failed", message="CUDA out of memory"))
    recorder.flush()

    run.refresh_from_db()
    assert list(run.metric_points.values_list("name", "step", "value")) == [("train/loss", 5, 2.5)]
    messages = list(run.log_lines.values_list("message", flat=True))
    assert messages == ["train/loss was nan at step 6 (not stored)", "a line the engine printed", "not json at all"]
    assert (run.progress_step, run.progress_total, run.eta_s) == (6, 10, 4.0)
    assert run.artifacts.get().step == 6
    assert (recorder.final_status, recorder.final_message) == ("failed", "CUDA out of memory")


def test_resume_uses_the_newest_complete_checkpoint_on_disk(api, registry_objects, tmp_path):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert latest_checkpoint(tmp_path) is None
    for name, complete in (("step-10", True), ("step-30", True), ("step-40.partial", True), ("step-50", False)):
        directory = tmp_path / "checkpoints" / name
        directory.mkdir(parents=True)
        if complete:
            (directory / "trainer_state.pt").write_bytes(b"x")
    spec = build_spec(run, tmp_path)
    assert spec["resume_from"] == str(tmp_path / "checkpoints" / "step-30")
    assert spec["teacher"] == {"config": run.teacher.config, "tokenizer": run.teacher.tokenizer_path,
                               "facts": {"vocab_size": run.teacher.vocab_size}}
    assert spec["validation_data"]["path"] == run.validation_dataset.file


@pytest.mark.reliability
def test_resume_skips_a_checkpoint_written_after_the_last_step_whose_metrics_were_stored(
        api, registry_objects, tmp_path):
    """Injects a worker killed while behind its engine's events (checkpoint step-30 on disk, metrics
    stored through step 20, step-30 never recorded): the run resumes from step-10 and trains 11-30 again
    rather than leave steps 21-30 without metrics; once step-30 is recorded, or is the only one left, from it."""
    from webapp.runs.services.metrics import metrics_ingest
    from webapp.runs.services.reports import artifact_record

    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    for name in ("step-10", "step-30"):
        (tmp_path / "checkpoints" / name).mkdir(parents=True)
        (tmp_path / "checkpoints" / name / "trainer_state.pt").write_bytes(b"x")
    metrics_ingest(run=run, points=[("train/loss", step, 1.0, 1.0) for step in range(1, 21)]
                   + [("system/memory_mb", 500, 1.0, 1.0)])
    assert build_spec(run, tmp_path)["resume_from"] == str(tmp_path / "checkpoints" / "step-10")
    artifact_record(run=run, kind="checkpoint", name="step-30", path=str(tmp_path / "checkpoints" / "step-30"),
                    step=30, size_bytes=1)
    assert build_spec(run, tmp_path)["resume_from"] == str(tmp_path / "checkpoints" / "step-30")
    run.artifacts.all().delete()
    (tmp_path / "checkpoints" / "step-10" / "trainer_state.pt").unlink()  # deleted: keep_last_checkpoints
    assert build_spec(run, tmp_path)["resume_from"] == str(tmp_path / "checkpoints" / "step-30")


def test_the_inspection_task_counts_a_config_models_parameters_on_the_meta_device(registry_objects):
    from worker.tasks import model_inspect

    student = registry_objects["student"]
    assert model_inspect(student.id) == "inspected"
    student.refresh_from_db()
    # TINY_LLAMA: 2 x (64 x 16) embeddings/head + 1 layer (4 x 16 x 16 attention + 3 x 16 x 32 MLP) + norms.
    assert student.parameter_count == 2 * 64 * 16 + 4 * 16 * 16 + 3 * 16 * 32 + 3 * 16
    assert (student.architecture, student.vocab_size, student.dtype) == ("LlamaForCausalLM", 64, "float32")
    assert student.has_tokenizer is False and student.inspected_at and not student.inspection_error


def test_a_model_that_cannot_be_built_records_why(registry_objects):
    from webapp.registry.models import ModelAsset
    from worker.tasks import model_inspect

    broken = ModelAsset.objects.create(workspace=registry_objects["student"].workspace, name="broken", source="config",
                                       config={"model_type": "no-such-architecture"})
    assert model_inspect(broken.id) == "error"
    broken.refresh_from_db()
    assert "no-such-architecture" in broken.inspection_error and broken.parameter_count is None


def save_tiny_tokenizer(directory) -> None:
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import PreTrainedTokenizerFast

    vocab = {"[UNK]": 0, "[PAD]": 1, "[EOS]": 2, **{f"w{i}": i + 3 for i in range(40)}}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                            eos_token="[EOS]").save_pretrained(directory)


def test_a_playground_session_is_answered_by_every_model_for_every_prompt(api, registry_objects, tokenizer_dir):
    from webapp.runs.models import PlaygroundSession
    from worker.tasks import playground_generate

    save_tiny_tokenizer(tokenizer_dir)
    client = api("member")
    response = client.post("/api/v1/playground/", {
        "workspace": "lab", "models": [registry_objects["student"].id, registry_objects["teacher"].id],
        "prompts": ["w1 w2 w3", "w4"], "max_new_tokens": 12, "temperature": 0.8, "seed": 3}, format="json")
    assert response.status_code == 201, response.json()
    session_id = response.json()["id"]
    assert playground_generate(session_id) == "done"
    body = client.get(f"/api/v1/playground/{session_id}/").json()
    assert body["status"] == "done" and len(body["outputs"]) == 4
    # Sampling may stop early at the end-of-sequence token; the seed makes it the same every time.
    assert all(o["done"] and 1 <= o["tokens"] <= 12 and o["tokens_per_s"] > 0 and not o["error"]
               for o in body["outputs"]), body["outputs"]
    assert PlaygroundSession.objects.get(pk=session_id).finished_at is not None


# The stream reads from a thread pool with its own connections, and the worker runs in another
# thread, so this test commits.
@pytest.mark.django_db(transaction=True)
def test_the_playground_stream_sends_the_outputs_as_the_worker_generates_them_then_ends(
        api, registry_objects, tokenizer_dir):
    from worker.tasks import playground_generate

    save_tiny_tokenizer(tokenizer_dir)
    client = api("member")
    models = [registry_objects["student"].id, registry_objects["teacher"].id]
    session_id = client.post("/api/v1/playground/", {
        "workspace": "lab", "models": models, "prompts": ["w1 w2", "w3"], "max_new_tokens": 8, "seed": 1},
        format="json").json()["id"]
    assert api("outsider").get(f"/api/v1/playground/{session_id}/events/").status_code == 404
    response = client.get(f"/api/v1/playground/{session_id}/events/", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    # The view built the first message already (the session is still queued); the sync test client
    # reads an async stream to its end before it hands back the first chunk, so the worker starts now.
    def generate():
        try:
            playground_generate(session_id)
        finally:
            connection.close()  # the thread's own connection, so the test database can be dropped

    worker = threading.Thread(target=generate)
    worker.start()
    messages = []
    for block in b"".join(response).decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":")
        if "event" in fields:
            messages.append((fields["event"], json.loads(fields["data"])))
    worker.join(60)
    kinds = [kind for kind, _ in messages]
    assert kinds[0] == "session" and messages[0][1]["status"] == "queued" and len(messages[0][1]["outputs"]) == 4
    assert "outputs" in kinds and messages[-1] == ("status", messages[-1][1]) and messages[-1][1]["status"] == "done"
    cells = {}
    for kind, data in messages:
        for cell in data.get("outputs", []) if kind == "outputs" else []:
            cells[(cell["model"], cell["prompt_index"])] = cell
    assert set(cells) == {(m, p) for m in models for p in (0, 1)}
    assert all(c["done"] and c["tokens"] >= 1 and c["tokens_per_s"] > 0 for c in cells.values()), cells
    # What the stream delivered is what the session now holds.
    stored = {(o["model"], o["prompt_index"]): o
              for o in client.get(f"/api/v1/playground/{session_id}/").json()["outputs"]}
    assert stored == cells


def test_playground_input_is_checked(api, registry_objects):
    client = api("member")
    student = registry_objects["student"].id
    assert client.post("/api/v1/playground/", {"workspace": "lab", "models": [student], "prompts": [" "]},
                       format="json").status_code == 400
    too_long = client.post("/api/v1/playground/", {"workspace": "lab", "models": [student], "prompts": ["x"],
                                                   "max_new_tokens": 5000}, format="json")
    assert too_long.status_code == 400 and "max_new_tokens" in too_long.json()["errors"]
    assert api("viewer").post("/api/v1/playground/", {"workspace": "lab", "models": [student], "prompts": ["x"]},
                              format="json").status_code == 403
    assert api("outsider").post("/api/v1/playground/", {"workspace": "lab", "models": [student], "prompts": ["x"]},
                                format="json").status_code == 404


def test_a_dataset_saved_with_save_to_disk_is_imported_through_upload_validation(api, data_dir,
                                                                                 django_capture_on_commit_callbacks):
    import datasets

    from worker.tasks import dataset_import

    saved = data_dir / "models" / "saved-corpus"
    datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": ["def a(): pass", "x = 1"]}),
                          "validation": datasets.Dataset.from_dict({"text": ["y = 2"]})}).save_to_disk(str(saved))
    client = api("member")
    with django_capture_on_commit_callbacks() as callbacks:
        job = client.post("/api/v1/datasets/import/", {"workspace": "lab", "name": "imported", "kind": "text",
                                                       "path": str(saved), "split": "validation"}, format="json")
    assert job.status_code == 202 and job.json()["status"] == "queued" and len(callbacks) == 1
    assert dataset_import(job.json()["id"]) == "done"
    done = client.get(f"/api/v1/dataset-imports/{job.json()['id']}/").json()
    dataset = client.get(f"/api/v1/datasets/{done['dataset']}/").json()
    assert (dataset["name"], dataset["row_count"], dataset["preview"]) == ("imported", 1, [{"text": "y = 2"}])


def test_an_import_that_cannot_work_fails_with_the_reason(api, data_dir):
    import datasets

    from worker.tasks import dataset_import

    client = api("member")
    missing = client.post("/api/v1/datasets/import/", {"workspace": "lab", "name": "x", "kind": "text",
                                                       "hub_id": "someone/not-cached-anywhere"}, format="json").json()
    assert dataset_import(missing["id"]) == "failed"
    assert "not in this server's Hugging Face cache" in client.get(
        f"/api/v1/dataset-imports/{missing['id']}/").json()["error_message"]

    wrong_kind = data_dir / "models" / "pairs"
    datasets.Dataset.from_dict({"prompt": ["p"], "completion": ["c"]}).save_to_disk(str(wrong_kind))
    job = client.post("/api/v1/datasets/import/", {"workspace": "lab", "name": "y", "kind": "text",
                                                   "path": str(wrong_kind)}, format="json").json()
    assert dataset_import(job["id"]) == "failed"
    assert "field 'text' is missing" in client.get(f"/api/v1/dataset-imports/{job['id']}/").json()["error_message"]
    assert client.post("/api/v1/datasets/import/", {"workspace": "lab", "name": "z", "kind": "text",
                                                    "path": "/etc"}, format="json").status_code == 400


def test_a_run_given_several_gpus_starts_one_engine_rank_per_gpu(tmp_path):
    spec = tmp_path / "spec.json"
    assert engine_command("python", spec, 7, []) == ["python", "-m", "engine", "run", str(spec), "--events-fd", "7"]
    assert "--processes" not in engine_command("python", spec, 7, [3])
    assert engine_command("python", spec, 7, [0, 1, 2, 3])[-2:] == ["--processes", "4"]
