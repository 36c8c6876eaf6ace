"""Deleting a run: who may, what is refused (an unfinished run, one whose model lineage needs it),
what goes with it (rows, files on this host and in the artifact store), and the audit log of
creations and deletions."""
from __future__ import annotations

from pathlib import Path

from rest_framework.test import APIClient

from tests.api.test_runs_api import launch
from webapp.common import storage
from webapp.registry.models import ModelAsset
from webapp.runs.models import Artifact, MetricPoint, Run, RunStatus
from webapp.runs.services.reports import artifact_record
from webapp.runs.services.metrics import metrics_ingest


def finished(api, registry_objects, settings, by="member") -> Run:
    run = Run.objects.get(pk=launch(api(by), registry_objects).json()["id"])
    out = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "t.json").write_text("{}")
    Run.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, output_dir=str(out))
    artifact_record(run=run, kind="table", name="t", path=str(out / "tables" / "t.json"), step=1, size_bytes=2)
    metrics_ingest(run=run, points=[("train/loss", 1, 2.0, 1.0)])
    run.refresh_from_db()
    return run


def actions(api) -> list[str]:
    return [e["action"] for e in api("owner").get("/api/v1/workspaces/lab/audit/").json()["results"]]


def test_the_creator_deletes_a_finished_run_with_its_rows_and_files(api, registry_objects, settings,
                                                                     django_capture_on_commit_callbacks):
    run = finished(api, registry_objects, settings)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("member").delete(f"/api/v1/runs/{run.id}/")
    assert response.status_code == 204
    assert not Run.objects.filter(pk=run.pk).exists()
    assert (not MetricPoint.objects.filter(run_id=run.pk).exists()
            and not Artifact.objects.filter(run_id=run.pk).exists())
    assert not Path(run.output_dir).exists()
    assert api("member").get(f"/api/v1/runs/{run.id}/").status_code == 404
    assert actions(api)[0] == "run.delete"


def test_deleting_is_refused_to_others_for_unfinished_runs_and_for_runs_with_registered_models(
        api, registry_objects, settings):
    run = finished(api, registry_objects, settings)
    assert APIClient().delete(f"/api/v1/runs/{run.id}/").status_code == 401
    assert api("outsider").delete(f"/api/v1/runs/{run.id}/").status_code == 404
    assert api("viewer").delete(f"/api/v1/runs/{run.id}/").status_code == 403
    owners_run = finished(api, registry_objects, settings, by="owner")
    refused = api("member").delete(f"/api/v1/runs/{owners_run.id}/")
    assert refused.status_code == 403 and "launched by someone else" in refused.json()["detail"]

    queued = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    busy = api("member").delete(f"/api/v1/runs/{queued.id}/")
    assert busy.status_code == 409 and "cancel it first" in busy.json()["detail"]

    ModelAsset.objects.create(workspace=run.workspace, name="made-here", source="run", produced_by_run=run,
                              path=run.output_dir)
    kept = api("owner").delete(f"/api/v1/runs/{run.id}/")
    assert kept.status_code == 409 and "made-here" in kept.json()["detail"]
    assert Run.objects.filter(pk__in=[run.pk, owners_run.pk, queued.pk]).count() == 3
    assert "run.delete" not in actions(api)


def test_an_admin_deletes_anyones_run_and_its_objects_leave_the_store(api, s3_store, registry_objects, settings,
                                                                      django_capture_on_commit_callbacks):
    server, bucket = s3_store
    run = finished(api, registry_objects, settings)
    storage.push(Path(run.output_dir) / "tables" / "t.json")
    assert server.keys(bucket, f"artifacts/runs/{run.id}/")
    with django_capture_on_commit_callbacks(execute=True):
        assert api("owner").delete(f"/api/v1/runs/{run.id}/").status_code == 204
    assert server.keys(bucket, f"artifacts/runs/{run.id}/") == []


def test_registering_models_and_uploading_datasets_are_in_the_audit_log(api, registry_objects, tokenizer_dir):
    from tests.api.test_registry_api import post_dataset
    from tests.conftest import TINY_LLAMA

    assert post_dataset(api("member"), name="logged").status_code == 201
    assert api("member").post("/api/v1/models/", {"workspace": "lab", "name": "logged-model", "source": "config",
                                                  "config": TINY_LLAMA, "tokenizer_path": str(tokenizer_dir)},
                              format="json").status_code == 201
    events = api("owner").get("/api/v1/workspaces/lab/audit/").json()["results"]
    assert [(e["action"], e["actor"]) for e in events[:2]] == [("model.create", "member"), ("dataset.create", "member")]
    assert events[1]["detail"]["name"] == "logged" and events[0]["detail"]["source"] == "config"
