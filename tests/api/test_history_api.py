"""Moving a workspace's run history between installations: export, import, all or nothing."""
from __future__ import annotations

import gzip
import io

from tests.api.test_runs_api import launch
from webapp.registry.models import ModelAsset
from webapp.runs.models import Run, RunStatus
from webapp.runs.services.metrics import metrics_ingest


def exported(api, registry_objects) -> bytes:
    client = api("member")
    first = Run.objects.get(pk=launch(client, registry_objects, name="first").json()["id"])
    second = Run.objects.get(pk=client.post(f"/api/v1/runs/{first.id}/retry/").json()["id"])
    for run, offset in ((first, 0.0), (second, 1.0)):
        metrics_ingest(run=run, points=[("train/loss", s, 5.0 - s + offset, 100.0 + s) for s in range(30)])
    Run.objects.filter(pk__in=[first.pk, second.pk]).update(status=RunStatus.SUCCEEDED)
    ModelAsset.objects.create(workspace=first.workspace, name="made-by-first", source="run", produced_by_run=first,
                              config={"model_type": "llama"})
    launch(client, registry_objects, name="still-queued")  # not finished: not exported
    response = client.get("/api/v1/workspaces/lab/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    return b"".join(response.streaming_content)


def import_into(client, data: bytes, slug: str = "elsewhere"):
    handle = io.BytesIO(data)
    handle.name = "history.jsonl.gz"
    return client.post(f"/api/v1/workspaces/{slug}/import/", {"file": handle}, format="multipart")


def test_an_exported_history_imports_with_its_runs_series_lineage_and_parents(api, registry_objects):
    data = exported(api, registry_objects)
    response = import_into(api("outsider"), data)
    assert response.status_code == 201, response.json()
    assert response.json() == {"runs": 2, "models": 3, "datasets": 2, "points": 60}
    runs = api("outsider").get("/api/v1/runs/?workspace=elsewhere&ordering=created_at").json()["results"]
    assert [(r["name"], r["status"]) for r in runs] == [("first", "succeeded"), ("first", "succeeded")]
    assert runs[1]["parent"] == runs[0]["id"] and runs[0]["config"]["alpha"] == 0.5
    assert runs[0]["summaries"]["train/loss"]["min"] == -24.0 and runs[1]["summaries"]["train/loss"]["count"] == 30
    made = ModelAsset.objects.get(workspace__slug="elsewhere", name="made-by-first")
    assert made.produced_by_run_id == runs[0]["id"] and made.source == "imported"


def test_the_same_export_imports_into_a_workspace_once_and_a_new_export_again(api, registry_objects):
    data = exported(api, registry_objects)
    assert import_into(api("outsider"), data).status_code == 201
    again = import_into(api("outsider"), data)
    assert again.status_code == 400
    assert "already imported into this workspace" in again.json()["errors"]["file"][0]
    assert "(2 runs)" in again.json()["errors"]["file"][0]
    assert Run.objects.filter(workspace__slug="elsewhere").count() == 2
    fresh = b"".join(api("member").get("/api/v1/workspaces/lab/export/").streaming_content)
    assert import_into(api("outsider"), fresh).status_code == 201, "a new export of the same runs is new"
    assert Run.objects.filter(workspace__slug="elsewhere").count() == 4


def test_imported_models_and_datasets_cannot_be_trained_with(api, registry_objects):
    import_into(api("outsider"), exported(api, registry_objects))
    student = ModelAsset.objects.get(workspace__slug="elsewhere", name="student")
    run = Run.objects.filter(workspace__slug="elsewhere").first()
    response = api("outsider").post("/api/v1/runs/", {"workspace": "elsewhere", "method": "lm_train",
                                                      "student": student.id, "train_dataset": run.train_dataset_id},
                                    format="json")
    assert response.status_code == 400 and "has no weights here" in response.json()["detail"]


def test_a_broken_file_imports_nothing(api, registry_objects):
    data = exported(api, registry_objects)
    truncated = gzip.compress(gzip.decompress(data)[:-200])
    assert import_into(api("outsider"), truncated).status_code == 400
    assert import_into(api("outsider"), b"not gzip").status_code == 400
    assert Run.objects.filter(workspace__slug="elsewhere").count() == 0
    assert ModelAsset.objects.filter(workspace__slug="elsewhere").count() == 0


def test_export_and_import_check_who_is_asking(api, registry_objects):
    assert api("outsider").get("/api/v1/workspaces/lab/export/").status_code == 404
    assert import_into(api("viewer"), b"x", slug="lab").status_code == 403
