"""The worker on an S3 artifact store (moto's server, a real process): a run's inputs and newest
checkpoint come from the bucket, what the engine records goes up (pruned checkpoints come out, in
order), and a store that fails either fails the run before anything trains (inputs) or only logs
(uploads: the files stay on the host)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.api.test_runs_api import launch
from webapp.common import storage
from webapp.runs.services import reports
from webapp.runs.models import Run
from worker.artifact_sync import Uploads
from worker.executor import supervise
from worker.recorder import EventRecorder
from worker.spec import build_spec, latest_checkpoint


def write_checkpoint(output_dir: Path, step: int) -> Path:
    directory = output_dir / "checkpoints" / f"step-{step}"
    (directory / "model").mkdir(parents=True)
    (directory / "model" / "config.json").write_text("{}")
    (directory / "trainer_state.pt").write_bytes(f"state {step}".encode())
    return directory


def checkpoint_event(directory: Path, step: int) -> str:
    return json.dumps({"kind": "checkpoint", "path": str(directory), "step": step, "size_bytes": 10})


def stored(server, bucket, output_dir: Path) -> list[str]:
    prefix = f"artifacts/{storage.key_of(output_dir)}/checkpoints/"
    return sorted({key[len(prefix):].split("/")[0] for key in server.keys(bucket, prefix)
                   if key.endswith(storage.MANIFEST)})


def test_recorded_checkpoints_go_up_and_pruned_ones_come_out_in_order(s3_store, api, registry_objects, settings):
    server, bucket = s3_store
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    out = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    assert reports.run_claim(run=run, worker="w1", output_dir=str(out))
    # A checkpoint another host wrote in an earlier attempt: in the store and recorded, not on this disk.
    earlier = out / "checkpoints" / "step-2"
    reports.artifact_record(run=run, kind="checkpoint", name="step-2", path=str(earlier), step=2, size_bytes=1)
    # One this host wrote in an earlier attempt of its own: on its disk when the attempt starts.
    own = write_checkpoint(out, 4)
    reports.artifact_record(run=run, kind="checkpoint", name="step-4", path=str(own), step=4, size_bytes=1)
    storage.push(own)
    recorder = EventRecorder(run, checkpoints_here=[str(own)])
    assert recorder.uploads is not None
    first = write_checkpoint(out, 6)
    recorder.handle("events", checkpoint_event(first, 6))
    second = write_checkpoint(out, 12)
    recorder.handle("events", checkpoint_event(second, 12))
    shutil.rmtree(first)  # the engine keeps the last K checkpoints
    shutil.rmtree(own)
    third = write_checkpoint(out, 18)
    recorder.handle("events", checkpoint_event(third, 18))
    recorder.finish_uploads()

    assert stored(server, bucket, out) == ["step-12", "step-18"]
    assert sorted(run.artifacts.values_list("step", flat=True)) == [2, 12, 18], \
        "only what this host's engine pruned is dropped"
    messages = list(run.log_lines.values_list("message", flat=True))
    assert any("bytes sent" in m for m in messages), messages


def test_a_run_resumes_from_the_newest_whole_checkpoint_in_the_store(s3_store, api, registry_objects, settings):
    server, bucket = s3_store
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    out = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    for step in (10, 20):
        storage.push(write_checkpoint(out, step))
    half = write_checkpoint(out, 30)  # its host died while uploading: no manifest
    server.client().upload_file(str(half / "trainer_state.pt"), bucket,
                                f"artifacts/{storage.key_of(half)}/trainer_state.pt")
    shutil.rmtree(out)  # this is another host
    write_checkpoint(out, 4)  # an old attempt of its own

    assert latest_checkpoint(out) == out / "checkpoints" / "step-20"
    assert (out / "checkpoints" / "step-20" / "trainer_state.pt").read_bytes() == b"state 20"
    assert not (out / "checkpoints" / "step-30").exists()


def test_a_runs_inputs_are_fetched_before_its_spec_is_written(s3_store, api, registry_objects, settings):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    train, validation = Path(run.train_dataset.file), Path(run.validation_dataset.file)
    expected = train.read_bytes()
    train.unlink()
    validation.unlink()  # uploaded through a web host; this GPU host never had them
    spec = build_spec(run, Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id))
    assert spec["train_data"]["path"] == str(train) and train.read_bytes() == expected
    assert validation.is_file()


def test_a_run_whose_inputs_cannot_be_fetched_fails_before_training_and_says_why(
        s3_store, api, registry_objects, settings, monkeypatch):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    Path(run.train_dataset.file).unlink()
    monkeypatch.setattr(storage, "RETRY_ATTEMPTS", 1)
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:9"  # the store went away
    out = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    assert reports.run_claim(run=run, worker="gpu-host", output_dir=str(out))
    assert supervise(run, out) == "failed"  # what execute() runs once it has claimed the run
    run.refresh_from_db()
    assert run.status == "failed" and "S3_ENDPOINT_URL" in run.error_message
    assert "Nothing was trained" in run.error_message
    assert not list((Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)).glob("spec-*.json"))


def test_an_upload_that_fails_is_logged_and_the_file_stays(s3_store, settings, monkeypatch, tmp_path):
    monkeypatch.setattr(storage, "RETRY_ATTEMPTS", 1)
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:9"
    path = Path(settings.ARTIFACT_ROOT) / "runs" / "1" / "tables" / "t.json"
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    uploads = Uploads("gpu-host-7")
    uploads.put(str(path))
    uploads.put(str(path.with_name("pruned-before-upload.json")))  # gone already: not an error
    uploads.finish()
    [(_, level, message), *rest] = uploads.take_messages()
    assert level == "error" and str(path) in message and "It stays on gpu-host-7." in message
    assert "S3_ENDPOINT_URL" in message and uploads.failures == 1
    assert path.is_file()


def test_a_worker_refuses_to_start_when_the_store_is_unreachable(settings, data_dir, tmp_path):
    import os
    import subprocess
    import sys

    from tests.s3_server import CREDENTIALS

    env = {**os.environ, **CREDENTIALS, "ARTIFACT_STORE": "s3://team/artifacts", "S3_ENDPOINT_URL": "http://127.0.0.1:9",
           "DISTILLERY_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "worker", "--no-light-worker"], env=env, capture_output=True,
                            text=True, timeout=180, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode != 0
    assert "worker: The artifact store s3://team/artifacts could not find bucket 'team'" in result.stderr
