"""The artifact store (webapp/common/storage.py) against a real S3 server process (moto's): keys
mirror ARTIFACT_ROOT, directories go up with the checkpoint marker last, fetches are whole or
absent, pruning removes objects, and a store that cannot be reached says which settings to check."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from webapp.common import storage


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def checkpoint(root: Path, run: int, step: int) -> Path:
    directory = root / "runs" / str(run) / "checkpoints" / f"step-{step}"
    write(directory / "model" / "model.safetensors", f"weights {step}")
    write(directory / "optimizer.pt", f"optimizer {step}")
    write(directory / "trainer_state.pt", f"state {step}")
    return directory


def test_without_a_store_setting_artifact_root_is_the_store(settings, data_dir):
    settings.ARTIFACT_STORE = ""
    path = write(Path(settings.ARTIFACT_ROOT) / "datasets" / "lab" / "a.jsonl", "{}\n")
    assert storage.store() is None and storage.describe().startswith("local (")
    assert storage.push(path) == 0
    assert storage.pull(path) is True
    assert storage.pull(path.with_name("absent.jsonl")) is False
    storage.check()  # nothing to reach


def test_keys_are_paths_relative_to_artifact_root_and_only_those(settings, data_dir):
    root = Path(settings.ARTIFACT_ROOT)
    assert storage.key_of(root / "runs" / "7" / "model") == "runs/7/model"
    assert storage.key_of(root / "runs" / ".." / "datasets" / "x.jsonl") == "datasets/x.jsonl"
    assert storage.key_of(root) is None
    assert storage.key_of(root / ".." / "elsewhere") is None
    assert storage.key_of(data_dir / "models" / "tokenizer") is None


def test_a_directory_goes_up_with_its_manifest_last_and_comes_back_whole_elsewhere(s3_store, settings, tmp_path,
                                                                                 monkeypatch):
    server, bucket = s3_store
    directory = checkpoint(Path(settings.ARTIFACT_ROOT), run=3, step=20)
    uploaded: list[str] = []
    original = storage.S3Store.put
    monkeypatch.setattr(storage.S3Store, "put",
                        lambda self, local, key: (uploaded.append(key), original(self, local, key)))
    sent = storage.push(directory)
    assert sent == sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    assert uploaded[-1] == f"runs/3/checkpoints/step-20/{storage.MANIFEST}" and len(uploaded) == 4
    assert server.keys(bucket) == [f"artifacts/runs/3/checkpoints/step-20/{name}" for name in
                                   (storage.MANIFEST, "model/model.safetensors", "optimizer.pt", "trainer_state.pt")]

    # Another host: same store, its own (empty) ARTIFACT_ROOT.
    settings.ARTIFACT_ROOT = tmp_path / "other-host"
    elsewhere = Path(settings.ARTIFACT_ROOT) / "runs" / "3" / "checkpoints" / "step-20"
    assert storage.stored_checkpoints(elsewhere.parent.parent) == {20: elsewhere}
    assert storage.pull(elsewhere) is True
    assert (elsewhere / "model" / "model.safetensors").read_text() == "weights 20"
    assert (elsewhere / "trainer_state.pt").read_text() == "state 20"
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        "model", "model/model.safetensors", "optimizer.pt", "trainer_state.pt"], "the manifest stays in the store"
    assert [p.name for p in elsewhere.parent.iterdir()] == ["step-20"], "no staging directory left behind"
    assert storage.pull(elsewhere.parent / "step-99") is False
    assert not (elsewhere.parent / "step-99").exists()


def test_a_single_file_round_trips(s3_store, settings, tmp_path):
    path = write(Path(settings.ARTIFACT_ROOT) / "datasets" / "lab" / "d.jsonl", '{"text": "hi"}\n')
    storage.push(path)
    settings.ARTIFACT_ROOT = tmp_path / "web-2"
    again = Path(settings.ARTIFACT_ROOT) / "datasets" / "lab" / "d.jsonl"
    assert storage.pull(again) and again.read_text() == '{"text": "hi"}\n'


def test_a_directory_whose_manifest_is_not_stored_yet_is_not_there(s3_store, settings, tmp_path):
    server, bucket = s3_store
    root = Path(settings.ARTIFACT_ROOT)
    full = checkpoint(root, run=4, step=10)
    half = checkpoint(root, run=4, step=30)
    storage.push(full)
    # Its worker is still uploading step 30: some files are there, the manifest is not.
    server.client().upload_file(str(half / "optimizer.pt"), bucket, "artifacts/runs/4/checkpoints/step-30/optimizer.pt")
    assert storage.stored_checkpoints(root / "runs" / "4") == {10: full}
    settings.ARTIFACT_ROOT = tmp_path / "web-2"
    elsewhere = Path(settings.ARTIFACT_ROOT) / "runs" / "4" / "checkpoints"
    assert storage.pull(elsewhere / "step-30") is False
    assert [p.name for p in elsewhere.iterdir()] == [], "nothing half-fetched left behind"


def test_forget_removes_a_pruned_checkpoint_and_nothing_else(s3_store, settings):
    server, bucket = s3_store
    root = Path(settings.ARTIFACT_ROOT)
    old, new = checkpoint(root, run=5, step=10), checkpoint(root, run=5, step=100)
    storage.push(old)
    storage.push(new)
    storage.forget(old)
    assert all("/step-100/" in key for key in server.keys(bucket)) and len(server.keys(bucket)) == 4
    storage.forget(old)  # already gone: nothing to do


def test_spec_inputs_under_the_root_are_fetched_and_others_left_alone(s3_store, settings, tmp_path):
    root = Path(settings.ARTIFACT_ROOT)
    data = write(root / "datasets" / "lab" / "train.jsonl", '{"text": "a"}\n')
    model = write(root / "models" / "lab" / "m1" / "config.json", "{}").parent
    storage.push(data)
    storage.push(model)
    settings.ARTIFACT_ROOT = tmp_path / "gpu-host"
    new_root = Path(settings.ARTIFACT_ROOT)
    spec = {"student": {"path": str(new_root / "models" / "lab" / "m1")},
            "teacher": {"soup": [str(new_root / "models" / "lab" / "m1")], "tokenizer": str(tmp_path / "tok")},
            "tasks": [{"train_data": {"path": str(new_root / "datasets" / "lab" / "train.jsonl"), "format": "jsonl"}}]}
    assert sorted(set(storage.spec_paths(spec))) == sorted({spec["student"]["path"], str(tmp_path / "tok"),
                                                            spec["tasks"][0]["train_data"]["path"]})
    storage.pull_spec(spec)
    assert (new_root / "models" / "lab" / "m1" / "config.json").is_file()
    assert (new_root / "datasets" / "lab" / "train.jsonl").read_text() == '{"text": "a"}\n'
    assert not (tmp_path / "tok").exists()


def test_an_unreachable_store_names_the_settings_to_check(settings, data_dir, monkeypatch):
    from tests.s3_server import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there
    settings.ARTIFACT_STORE, settings.S3_ENDPOINT_URL = "s3://nowhere/x", dead
    monkeypatch.setattr(storage, "RETRY_ATTEMPTS", 1)  # one refused connection is enough here
    with pytest.raises(storage.StoreError) as error:
        storage.check()
    assert error.value.status_code == 503
    assert "s3://nowhere/x" in error.value.message and "S3_ENDPOINT_URL" in error.value.message
    path = write(Path(settings.ARTIFACT_ROOT) / "datasets" / "lab" / "x.jsonl", "{}\n")
    with pytest.raises(storage.StoreError):
        storage.push(path)


def test_a_bucket_that_does_not_exist_is_reported(s3_store, settings):
    settings.ARTIFACT_STORE = "s3://no-such-bucket-here/artifacts"
    with pytest.raises(storage.StoreError) as error:
        storage.check()
    assert "no-such-bucket-here" in error.value.message


def test_a_malformed_store_url_says_what_to_write(settings, data_dir):
    settings.ARTIFACT_STORE = "gs://bucket"
    with pytest.raises(storage.StoreError) as error:
        storage.store()
    assert "s3://BUCKET[/PREFIX]" in error.value.message


@pytest.mark.parametrize("name", ["../escaped.txt", "/etc/escaped.txt", "a/../../escaped.txt"])
def test_a_manifest_naming_a_path_outside_its_directory_is_refused(s3_store, settings, name):
    import json

    server, bucket = s3_store
    root = Path(settings.ARTIFACT_ROOT)
    key = "runs/9/checkpoints/step-1"
    server.client().put_object(Bucket=bucket, Key=f"artifacts/{key}/x", Body=b"x")
    server.client().put_object(Bucket=bucket, Key=f"artifacts/{key}/{storage.MANIFEST}",
                               Body=json.dumps({"files": {name: 1}}).encode())
    with pytest.raises(storage.StoreError) as error:
        storage.pull(root / key)
    assert "not a path inside the directory" in error.value.message
    assert not (root / key).exists() and not list(root.rglob("escaped.txt"))
