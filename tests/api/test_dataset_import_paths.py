"""Dataset imports read only what they are meant to: a hub id resolves in the server's Hugging Face
cache and nowhere else, and a server path goes through the models' allow-list and never into the
registry's own storage (every workspace's datasets)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from webapp.registry.models import DatasetImport

pytestmark = pytest.mark.reliability


def _import(client, **fields):
    return client.post("/api/v1/datasets/import/", {"workspace": "lab", "name": "imported", "kind": "text", **fields},
                       format="json")


@pytest.fixture
def other_workspace_dataset(api):
    """A dataset stored by the outsider's workspace: its directory under ARTIFACT_ROOT/datasets/."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("secret.jsonl", b'{"text": "elsewhere secret"}\n')
    made = api("outsider").post("/api/v1/datasets/", {"workspace": "elsewhere", "name": "secret", "kind": "text",
                                                      "file": upload}, format="multipart")
    assert made.status_code == 201, made.content
    from webapp.registry.models import Dataset

    return Path(Dataset.objects.get(pk=made.json()["id"]).file).parent


@pytest.mark.parametrize("hub_id", ["/etc", "../..", "..", "./x", "a/b/c", "owner/../name", "~/x", "owner/"])
def test_a_hub_id_that_is_not_owner_slash_name_is_refused_with_a_400(api, hub_id):
    response = _import(api("member"), hub_id=hub_id)
    assert response.status_code == 400, response.content
    assert "is not a Hugging Face dataset id" in response.json()["errors"]["hub_id"][0]
    assert not DatasetImport.objects.exists()


def test_another_workspaces_dataset_directory_cannot_be_imported_as_a_hub_id(api, other_workspace_dataset):
    response = _import(api("member"), hub_id=str(other_workspace_dataset))
    assert response.status_code == 400 and "is not a Hugging Face dataset id" in json.dumps(response.json())


def test_another_workspaces_dataset_directory_cannot_be_imported_as_a_path_even_under_an_allowed_root(
        api, settings, data_dir, other_workspace_dataset):
    settings.MODEL_PATH_ALLOWED_ROOTS = [data_dir.resolve()]  # an operator allowing the whole data folder
    for path in (other_workspace_dataset, settings.ARTIFACT_ROOT, data_dir):
        response = _import(api("member"), path=str(path))
        assert response.status_code == 400, (path, response.content)
        assert "registry's own storage" in response.json()["errors"]["path"][0]


def test_a_path_outside_the_allowed_roots_or_relative_is_refused(api, data_dir):
    outside = data_dir / "elsewhere"
    outside.mkdir()
    for path, message in ((str(outside), "outside the directories"), ("../..", "must be an absolute path"),
                          (str(data_dir / "models" / ".." / "elsewhere"), "outside the directories")):
        response = _import(api("member"), path=path)
        assert response.status_code == 400 and message in response.json()["errors"]["path"][0], path


def test_a_hub_id_never_loads_a_local_folder_of_the_same_name(api, data_dir, monkeypatch):
    """`datasets.load_dataset("owner/name")` prefers a folder `owner/name` in the current directory."""
    from worker.tasks import dataset_import

    local = data_dir / "cwd" / "owner" / "name"
    local.mkdir(parents=True)
    (local / "data.jsonl").write_text('{"text": "read from the worker\'s folder"}\n')
    monkeypatch.chdir(data_dir / "cwd")
    monkeypatch.setenv("HF_HUB_CACHE", str(data_dir / "hub"))
    job = _import(api("member"), hub_id="owner/name").json()
    assert dataset_import(job["id"]) == "failed"
    assert "not in this server's Hugging Face cache" in DatasetImport.objects.get(pk=job["id"]).error_message


def test_a_job_queued_with_a_path_as_hub_id_before_the_check_fails_without_reading_it(
        cast, data_dir, other_workspace_dataset):
    from worker.tasks import dataset_import

    job = DatasetImport.objects.create(workspace=cast["workspace"], name="x", kind="text",
                                       hub_id=str(other_workspace_dataset), created_by=cast["member"])
    assert dataset_import(job.id) == "failed"
    job.refresh_from_db()
    assert job.dataset is None and "is not a Hugging Face dataset id" in job.error_message


def test_a_hub_dataset_in_the_local_cache_is_imported(api, data_dir, monkeypatch):
    from worker.tasks import dataset_import

    cache = data_dir / "hub"
    repo = cache / "datasets--owner--name"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "train.jsonl").write_text('{"text": "from the cache"}\n{"text": "second"}\n')
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    client = api("member")
    job = _import(client, hub_id="owner/name").json()
    assert dataset_import(job["id"]) == "done", DatasetImport.objects.get(pk=job["id"]).error_message
    done = client.get(f"/api/v1/dataset-imports/{job['id']}/").json()
    assert client.get(f"/api/v1/datasets/{done['dataset']}/").json()["row_count"] == 2
