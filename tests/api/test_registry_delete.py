"""Deleting models and datasets: who may, what is refused while something uses them (runs, soups,
task sequences, a playground session), and which files go with them (only what the registry
stored: uploads and checkpoint copies, here and in the artifact store)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.api.test_registry_api import model_archive, post_dataset, upload_model
from tests.api.test_runs_api import launch
from tests.conftest import TINY_LLAMA
from webapp.common import storage
from webapp.registry.models import Dataset, ModelAsset, SoupIngredient
from webapp.runs.models import PlaygroundSession


def actions(api) -> list[str]:
    return [e["action"] for e in api("owner").get("/api/v1/workspaces/lab/audit/").json()["results"]]


def uploaded_model(api, data_dir, name="uploaded", by="member") -> dict:
    import torch
    from safetensors.torch import save

    archive = model_archive(data_dir, {"tiny/config.json": json.dumps(TINY_LLAMA).encode(),
                                       "tiny/model.safetensors": save({"w": torch.zeros(4, 8)})})
    response = upload_model(api(by), archive, name=name)
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_dataset_version_is_deleted_with_its_file_and_the_other_versions_stay(
        api, cast, django_capture_on_commit_callbacks):
    client = api("member")
    first = post_dataset(client, name="corpus").json()
    second = post_dataset(client, name="corpus", rows=[{"text": "other"}]).json()
    file = Path(Dataset.objects.get(pk=first["id"]).file)
    assert file.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/datasets/{first['id']}/")
    assert response.status_code == 204
    assert not file.exists() and not Dataset.objects.filter(pk=first["id"]).exists()
    assert client.get(f"/api/v1/datasets/{first['id']}/").status_code == 404
    assert Path(Dataset.objects.get(pk=second["id"]).file).is_file()
    assert actions(api)[0] == "dataset.delete"
    # The name's next version continues after the newest one left.
    assert post_dataset(client, name="corpus", rows=[{"text": "third"}]).json()["version"] == 3


def test_a_dataset_in_use_is_kept_and_the_409_names_what_uses_it(api, registry_objects):
    from webapp.registry.services.task_sequences import dataset_task_sequence_create

    client = api("member")
    run_id = launch(client, registry_objects).json()["id"]
    train, validation = registry_objects["train"], registry_objects["validation"]
    refused = api("owner").delete(f"/api/v1/datasets/{train.id}/")
    assert refused.status_code == 409 and f"run(s) {run_id} " in refused.json()["detail"]
    assert "delete those runs first" in refused.json()["detail"]

    member_rows = [{"text": f"x{i}"} for i in range(3)]
    code = post_dataset(client, name="code", rows=member_rows).json()["id"]
    code_val = post_dataset(client, name="code-val", rows=member_rows[:1]).json()["id"]
    dataset_task_sequence_create(workspace=train.workspace, user=registry_objects["student"].created_by,
                                 name="seq", tasks=[{"name": "code", "train_dataset": code,
                                                     "validation_dataset": code_val},
                                                    {"name": "more", "train_dataset": code,
                                                     "validation_dataset": code_val}])
    in_sequence = client.delete(f"/api/v1/datasets/{code_val}/")
    assert in_sequence.status_code == 409 and "task sequence(s) seq v1" in in_sequence.json()["detail"]
    assert Dataset.objects.filter(pk__in=[train.id, validation.id, code, code_val]).count() == 4
    assert "dataset.delete" not in actions(api)


def test_only_the_creator_or_an_admin_deletes_and_outsiders_see_nothing(api, cast, django_capture_on_commit_callbacks):
    owners = post_dataset(api("owner"), name="owners").json()["id"]
    members = post_dataset(api("member"), name="members").json()["id"]
    assert api("viewer").delete(f"/api/v1/datasets/{members}/").status_code == 403
    assert api("outsider").delete(f"/api/v1/datasets/{members}/").status_code == 404
    other = api("member").delete(f"/api/v1/datasets/{owners}/")
    assert other.status_code == 403 and "only they, or an owner or admin" in other.json()["detail"]
    assert Dataset.objects.filter(pk__in=[owners, members]).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert api("owner").delete(f"/api/v1/datasets/{members}/").status_code == 204
    assert not Dataset.objects.filter(pk=members).exists()


def test_an_uploaded_model_is_deleted_with_its_directory(api, data_dir, django_capture_on_commit_callbacks):
    body = uploaded_model(api, data_dir)
    directory = Path(body["path"])
    assert directory.is_dir()
    assert api("viewer").delete(f"/api/v1/models/{body['id']}/").status_code == 403
    assert api("outsider").delete(f"/api/v1/models/{body['id']}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert api("member").delete(f"/api/v1/models/{body['id']}/").status_code == 204
    assert not directory.exists() and not ModelAsset.objects.filter(pk=body["id"]).exists()
    assert actions(api)[0] == "model.delete"


def test_a_server_local_model_directory_stays_when_its_model_is_deleted(api, data_dir, settings,
                                                                        django_capture_on_commit_callbacks):
    import torch
    from safetensors.torch import save_file

    # An allowed root inside ARTIFACT_ROOT/models: the directory is still the operator's.
    root = Path(settings.ARTIFACT_ROOT) / "models" / "operator"
    (root / "saved").mkdir(parents=True)
    settings.MODEL_PATH_ALLOWED_ROOTS = [root.resolve()]
    (root / "saved" / "config.json").write_text(json.dumps(TINY_LLAMA))
    save_file({"a": torch.zeros(2)}, root / "saved" / "model.safetensors")
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "local", "source": "path",
                                                      "path": str(root / "saved")}, format="json")
    assert response.status_code == 201, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        assert api("member").delete(f"/api/v1/models/{response.json()['id']}/").status_code == 204
    assert (root / "saved" / "model.safetensors").is_file()


def test_a_model_in_use_is_kept_and_the_409_names_what_uses_it(api, registry_objects):
    client, owner = api("member"), api("owner")
    student, teacher = registry_objects["student"], registry_objects["teacher"]
    run_id = launch(client, registry_objects).json()["id"]
    refused = owner.delete(f"/api/v1/models/{student.id}/")
    assert refused.status_code == 409 and f"run(s) {run_id} " in refused.json()["detail"]

    ingredient = ModelAsset.objects.create(workspace=teacher.workspace, name="part", source="config", config=TINY_LLAMA)
    soup = ModelAsset.objects.create(workspace=teacher.workspace, name="blend", source="soup")
    SoupIngredient.objects.create(soup=soup, ingredient=ingredient, position=0)
    in_soup = owner.delete(f"/api/v1/models/{ingredient.id}/")
    assert in_soup.status_code == 409 and "soup(s) blend" in in_soup.json()["detail"]

    lone = ModelAsset.objects.create(workspace=teacher.workspace, name="lone", source="config", config=TINY_LLAMA)
    session = PlaygroundSession.objects.create(workspace=teacher.workspace, prompts=["hi"], sampling={},
                                                status="running")
    session.chosen_models.add(lone)
    busy = owner.delete(f"/api/v1/models/{lone.id}/")
    assert busy.status_code == 409 and "playground" in busy.json()["detail"]
    assert ModelAsset.objects.filter(pk__in=[student.id, teacher.id, ingredient.id, lone.id]).count() == 4
    assert "model.delete" not in actions(api)
    # Once the session is over, the model can go; the soup can go at any time, then its ingredient.
    PlaygroundSession.objects.filter(pk=session.pk).update(status="done")
    assert owner.delete(f"/api/v1/models/{lone.id}/").status_code == 204
    assert owner.delete(f"/api/v1/models/{soup.id}/").status_code == 204
    assert owner.delete(f"/api/v1/models/{ingredient.id}/").status_code == 204


def test_deleted_files_leave_the_artifact_store(api, s3_store, data_dir, django_capture_on_commit_callbacks):
    server, bucket = s3_store
    dataset = post_dataset(api("member"), name="stored").json()
    model = uploaded_model(api, data_dir, name="stored-model")
    dataset_key = storage.key_of(Dataset.objects.get(pk=dataset["id"]).file)
    model_key = storage.key_of(model["path"])
    assert server.keys(bucket, f"artifacts/{dataset_key}") and server.keys(bucket, f"artifacts/{model_key}/")
    with django_capture_on_commit_callbacks(execute=True):
        assert api("member").delete(f"/api/v1/datasets/{dataset['id']}/").status_code == 204
        assert api("member").delete(f"/api/v1/models/{model['id']}/").status_code == 204
    assert server.keys(bucket, f"artifacts/{dataset_key}") == []
    assert server.keys(bucket, f"artifacts/{model_key}/") == []
