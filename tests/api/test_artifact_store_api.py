"""Artifact downloads (a file as itself, a directory as a streamed tar) for every role, and the web
tier on an S3 artifact store (moto's server, a real process): uploads are in the bucket before their
rows exist, another web host serves them by fetching, and a store that fails stores nothing."""
from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.api.test_registry_api import model_archive, post_dataset, upload_model
from tests.api.test_runs_api import launch
from tests.conftest import TINY_LLAMA
from webapp.common import storage
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run
from webapp.runs.services.reports import artifact_record


def body(response) -> bytes:
    return b"".join(response)


@pytest.fixture
def run_with_artifacts(api, registry_objects, settings):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    out = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    checkpoint = out / "checkpoints" / "step-6"
    (checkpoint / "model").mkdir(parents=True)
    (checkpoint / "model" / "config.json").write_text(json.dumps(TINY_LLAMA))
    (checkpoint / "trainer_state.pt").write_bytes(bytes(range(256)) * 5)  # not a multiple of 512
    (checkpoint / "empty.txt").write_bytes(b"")
    table = out / "tables" / "calibration-step-6.json"
    table.parent.mkdir(parents=True)
    table.write_text('{"bins": [1, 2, 3]}')
    return {
        "run": run, "checkpoint_dir": checkpoint, "table_file": table,
        "checkpoint": artifact_record(run=run, kind="checkpoint", name="step-6", path=str(checkpoint), step=6,
                                      size_bytes=0),
        "table": artifact_record(run=run, kind="table", name="calibration-step-6", path=str(table), step=6,
                                 size_bytes=table.stat().st_size),
    }


def url(run, artifact) -> str:
    return f"/api/v1/runs/{run.id}/artifacts/{artifact.id}/download/"


def test_a_file_artifact_downloads_as_itself_for_any_member(api, run_with_artifacts):
    run, table = run_with_artifacts["run"], run_with_artifacts["table"]
    response = api("viewer").get(url(run, table))
    assert response.status_code == 200
    assert body(response) == run_with_artifacts["table_file"].read_bytes()
    assert response["Content-Length"] == str(run_with_artifacts["table_file"].stat().st_size)
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''run-{run.id}-calibration-step-6"


def test_a_checkpoint_downloads_as_a_tar_of_its_directory(api, run_with_artifacts):
    run, checkpoint = run_with_artifacts["run"], run_with_artifacts["checkpoint"]
    response = api("member").get(url(run, checkpoint))
    assert response.status_code == 200 and response["Content-Type"] == "application/x-tar"
    assert response["Content-Disposition"].endswith(f"run-{run.id}-step-6.tar")
    with tarfile.open(fileobj=io.BytesIO(body(response)), mode="r:") as archive:
        names = archive.getnames()
        assert names == [f"run-{run.id}-step-6", *(f"run-{run.id}-step-6/{n}" for n in
                                                   ("empty.txt", "model", "model/config.json", "trainer_state.pt"))]
        source = run_with_artifacts["checkpoint_dir"]
        for name in ("model/config.json", "trainer_state.pt", "empty.txt"):
            assert archive.extractfile(f"run-{run.id}-step-6/{name}").read() == (source / name).read_bytes()


def test_downloads_check_who_is_asking(api, run_with_artifacts, registry_objects):
    run, table = run_with_artifacts["run"], run_with_artifacts["table"]
    assert APIClient().get(url(run, table)).status_code == 401
    assert api("outsider").get(url(run, table)).status_code == 404
    other = launch(api("member"), registry_objects).json()["id"]
    assert api("member").get(f"/api/v1/runs/{other}/artifacts/{table.id}/download/").status_code == 404
    assert api("member").get(f"/api/v1/runs/{run.id}/artifacts/999999/download/").status_code == 404


def test_an_artifact_whose_files_are_gone_is_a_404_that_says_so(api, run_with_artifacts):
    run, table = run_with_artifacts["run"], run_with_artifacts["table"]
    run_with_artifacts["table_file"].unlink()
    response = api("member").get(url(run, table))
    assert response.status_code == 404
    assert "neither on this server nor in the artifact store" in response.json()["detail"]


# --- on an S3 store ----------------------------------------------------------------------------


def test_an_uploaded_dataset_is_in_the_bucket_and_another_web_host_serves_it(api, s3_store):
    server, bucket = s3_store
    response = post_dataset(api("member"), rows=[{"text": "alpha"}, {"text": "beta"}])
    assert response.status_code == 201, response.json()
    dataset = Dataset.objects.get(pk=response.json()["id"])
    assert server.keys(bucket) == [f"artifacts/{storage.key_of(dataset.file)}"]

    # A second web host mounts its own disk at the same ARTIFACT_ROOT: the file is not there.
    Path(dataset.file).unlink()
    detail = api("viewer").get(f"/api/v1/datasets/{dataset.id}/")
    assert detail.status_code == 200 and [row["text"] for row in detail.json()["preview"]] == ["alpha", "beta"]
    assert Path(dataset.file).read_text() == '{"text": "alpha"}\n{"text": "beta"}\n'


def test_a_run_artifact_written_on_a_gpu_host_downloads_through_the_web(api, s3_store, run_with_artifacts, settings):
    run, checkpoint, table = (run_with_artifacts[k] for k in ("run", "checkpoint", "table"))
    storage.push(run_with_artifacts["checkpoint_dir"])
    storage.push(run_with_artifacts["table_file"])
    # The web host never had them: the GPU host wrote them.
    expected_table = run_with_artifacts["table_file"].read_bytes()
    expected_state = (run_with_artifacts["checkpoint_dir"] / "trainer_state.pt").read_bytes()
    shutil.rmtree(Path(settings.ARTIFACT_ROOT) / "runs")
    assert body(api("member").get(url(run, table))) == expected_table
    content = api("member").get(f"/api/v1/runs/{run.id}/artifacts/{table.id}/content/")
    assert content.status_code == 200 and content.json() == {"bins": [1, 2, 3]}
    with tarfile.open(fileobj=io.BytesIO(body(api("member").get(url(run, checkpoint)))), mode="r:") as archive:
        assert archive.extractfile(f"run-{run.id}-step-6/trainer_state.pt").read() == expected_state
        assert not any(storage.MANIFEST in name for name in archive.getnames())


def test_a_checkpoint_still_being_uploaded_is_a_404_that_says_try_again(api, s3_store, run_with_artifacts):
    server, bucket = s3_store
    run, checkpoint = run_with_artifacts["run"], run_with_artifacts["checkpoint"]
    directory = run_with_artifacts["checkpoint_dir"]
    server.client().upload_file(str(directory / "trainer_state.pt"), bucket,
                                f"artifacts/{storage.key_of(directory)}/trainer_state.pt")  # no manifest yet
    shutil.rmtree(directory)
    response = api("member").get(url(run, checkpoint))
    assert response.status_code == 404 and "still uploading" in response.json()["detail"]


@pytest.fixture
def broken_store(settings, data_dir, monkeypatch):
    """ARTIFACT_STORE points at a port nothing listens on."""
    import socket

    from tests.s3_server import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(storage, "RETRY_ATTEMPTS", 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.ARTIFACT_STORE, settings.S3_ENDPOINT_URL = "s3://team-artifacts/prod", f"http://127.0.0.1:{port}"


def test_a_dataset_upload_while_the_store_is_down_is_a_503_and_stores_nothing(api, broken_store, data_dir):
    response = post_dataset(api("member"))
    assert response.status_code == 503
    assert "s3://team-artifacts/prod" in response.json()["detail"] and "S3_ENDPOINT_URL" in response.json()["detail"]
    assert not Dataset.objects.exists()
    assert [p.name for p in (data_dir / "artifacts" / "datasets" / "lab").iterdir()] == []


def test_a_model_upload_while_the_store_is_down_is_a_503_and_stores_nothing(api, broken_store, data_dir):
    archive = model_archive(data_dir, {"config.json": json.dumps(TINY_LLAMA).encode()})
    response = upload_model(api("member"), archive)
    assert response.status_code == 503, response.json()
    assert not ModelAsset.objects.filter(name="uploaded").exists()
    assert list((data_dir / "artifacts" / "models" / "lab").iterdir()) == []


# --- a checkpoint registered as a model ---------------------------------------------------------


@pytest.fixture
def saved_checkpoint(run_with_artifacts):
    """The run's step-6 checkpoint as the engine writes it: a save_pretrained directory plus trainer_state.pt."""
    import torch
    from safetensors.torch import save_file

    directory = run_with_artifacts["checkpoint_dir"]
    (directory / "config.json").write_text(json.dumps(TINY_LLAMA))
    save_file({"w": torch.zeros(4, 8)}, str(directory / "model.safetensors"))
    return run_with_artifacts


def register(client, run, **fields):
    return client.post("/api/v1/models/", {"workspace": "lab", "name": "from-step-6", "source": "run", "run": run.id,
                                           **fields}, format="json")


def test_a_checkpoint_of_an_unfinished_run_is_registered_as_a_model_of_its_own(api, saved_checkpoint):
    run, checkpoint = saved_checkpoint["run"], saved_checkpoint["checkpoint"]
    assert run.status == "queued"
    response = register(api("member"), run, artifact=checkpoint.id)
    assert response.status_code == 201, response.json()
    model = response.json()
    assert model["produced_by_run"] == run.id and model["parameter_count"] == 32 and model["vocab_size"] == 64
    copy = Path(model["path"])
    assert copy != saved_checkpoint["checkpoint_dir"] and (copy / "model.safetensors").is_file()
    assert not (copy / "trainer_state.pt").exists(), "the optimizer and trainer state stay with the run"
    shutil.rmtree(saved_checkpoint["checkpoint_dir"])  # the engine prunes its old checkpoints
    assert (copy / "config.json").is_file()


def test_registering_needs_a_checkpoint_write_access_and_the_run_in_reach(api, saved_checkpoint):
    run, checkpoint, table = (saved_checkpoint[k] for k in ("run", "checkpoint", "table"))
    refused = register(api("member"), run, artifact=table.id)
    assert refused.status_code == 400 and "is a table" in refused.json()["errors"]["artifact"][0]
    assert register(api("member"), run, artifact=999999).status_code == 400
    no_final = register(api("member"), run)
    assert no_final.status_code == 400 and "give 'artifact'" in no_final.json()["detail"]
    assert register(api("viewer"), run, artifact=checkpoint.id).status_code == 403
    assert register(api("outsider"), run, artifact=checkpoint.id).status_code == 404
    assert APIClient().post("/api/v1/models/", {}, format="json").status_code == 401
    assert not ModelAsset.objects.filter(name="from-step-6").exists()


def test_a_registered_checkpoint_is_in_the_store_for_every_host(api, s3_store, saved_checkpoint):
    server, bucket = s3_store
    model = register(api("member"), saved_checkpoint["run"], artifact=saved_checkpoint["checkpoint"].id).json()
    key = storage.key_of(model["path"])
    assert f"artifacts/{key}/{storage.MANIFEST}" in server.keys(bucket, f"artifacts/{key}/")
