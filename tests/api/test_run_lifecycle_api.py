"""Editing, retrying, cloning and resuming runs; lost-run recovery; the runs list's filters."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.test_runs_api import launch
from webapp.runs.models import Artifact, Run, RunStatus
from webapp.runs.services.metrics import metrics_ingest
from webapp.runs.services.reports import runs_recover_lost


def finished(run_id: int, status=RunStatus.FAILED) -> Run:
    Run.objects.filter(pk=run_id).update(status=status, finished_at=timezone.now())
    return Run.objects.get(pk=run_id)


def test_notes_tags_and_star_are_editable_by_members_not_viewers(api, registry_objects):
    run_id = launch(api("member"), registry_objects).json()["id"]
    body = {"notes": "lr too high?", "tags": ["sweep-1"], "starred": True}
    assert api("viewer").patch(f"/api/v1/runs/{run_id}/", body, format="json").status_code == 403
    response = api("member").patch(f"/api/v1/runs/{run_id}/", body, format="json")
    assert response.status_code == 200
    assert (response.json()["notes"], response.json()["tags"], response.json()["starred"]) == (
        "lr too high?", ["sweep-1"], True)
    assert api("member").patch(f"/api/v1/runs/{run_id}/", {"status": "succeeded"}, format="json").status_code == 400


def test_retry_makes_a_new_run_with_the_same_config_and_the_original_as_parent(api, registry_objects):
    original = launch(api("member"), registry_objects).json()
    response = api("member").post(f"/api/v1/runs/{original['id']}/retry/")
    assert response.status_code == 201
    retry = response.json()
    assert retry["id"] != original["id"] and retry["parent"] == original["id"]
    assert retry["config"] == original["config"] and retry["status"] == "queued"


def test_clone_deep_merges_config_edits_and_validates_them(api, registry_objects):
    original = launch(api("member"), registry_objects).json()
    client = api("member")
    response = client.post(f"/api/v1/runs/{original['id']}/clone/",
                           {"name": "hotter", "config": {"temperature": 4.0, "training": {"learning_rate": 0.01}}},
                           format="json")
    assert response.status_code == 201, response.json()
    clone = response.json()
    assert clone["config"]["temperature"] == 4.0 and clone["config"]["training"]["learning_rate"] == 0.01
    assert clone["config"]["training"]["max_steps"] == original["config"]["training"]["max_steps"]
    bad = client.post(f"/api/v1/runs/{original['id']}/clone/", {"config": {"alpha": 7}}, format="json")
    assert bad.status_code == 400 and "config.alpha" in bad.json()["errors"]
    assert api("outsider").post(f"/api/v1/runs/{original['id']}/clone/", {}, format="json").status_code == 404


def test_resume_requeues_a_failed_run_that_has_a_checkpoint(api, registry_objects, tmp_path):
    client = api("member")
    run = finished(launch(client, registry_objects).json()["id"])
    no_checkpoint = client.post(f"/api/v1/runs/{run.id}/resume/")
    assert no_checkpoint.status_code == 409 and "retry" in no_checkpoint.json()["detail"]
    Artifact.objects.create(run=run, kind="checkpoint", name="step-10", path=str(tmp_path), step=10)
    response = client.post(f"/api/v1/runs/{run.id}/resume/")
    assert response.status_code == 200 and response.json()["status"] == "queued"
    assert response.json()["finished_at"] is None
    assert client.post(f"/api/v1/runs/{run.id}/resume/").status_code == 409


def test_a_running_run_whose_heartbeat_went_silent_is_requeued_then_failed_after_the_attempt_limit(
    api, registry_objects, settings
):
    settings.RUN_MAX_ATTEMPTS = 2
    run_id = launch(api("member"), registry_objects).json()["id"]
    silent = timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S + 5)
    Run.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, heartbeat_at=silent, attempt=1, worker="w1")
    assert runs_recover_lost() == [run_id]
    run = Run.objects.get(pk=run_id)
    assert run.status == RunStatus.QUEUED and "stopped sending heartbeats" in run.error_message
    Run.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, heartbeat_at=silent, attempt=2)
    assert runs_recover_lost() == [run_id]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "giving up" in run.error_message
    # A run with a fresh heartbeat is left alone.
    other = launch(api("member"), registry_objects).json()["id"]
    Run.objects.filter(pk=other).update(status=RunStatus.RUNNING, heartbeat_at=timezone.now(), attempt=1)
    assert runs_recover_lost() == []


def test_a_redelivered_message_does_not_claim_a_run_that_is_alive_elsewhere(api, registry_objects, tmp_path):
    from webapp.runs.services.reports import run_claim

    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="w1", output_dir=str(tmp_path))
    assert not run_claim(run=run, worker="w2", output_dir=str(tmp_path))
    assert run.worker == "w1" and run.attempt == 1


@pytest.fixture
def three_runs(api, registry_objects):
    client = api("member")
    ids = [launch(client, registry_objects, name=name, tags=tags).json()["id"]
           for name, tags in (("alpha", ["a"]), ("beta", ["b"]), ("gamma", ["a", "b"]))]
    for run_id, loss in zip(ids, (3.0, 1.0, 2.0)):
        metrics_ingest(run=Run.objects.get(pk=run_id), points=[("eval/loss", 1, loss, 1.0)])
    client.patch(f"/api/v1/runs/{ids[1]}/", {"starred": True}, format="json")
    return client, ids


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [r["name"] for r in response.json()["results"]]


def test_runs_filter_by_tag_star_name_and_metric_summary(three_runs):
    client, _ = three_runs
    base = "/api/v1/runs/?workspace=lab"
    assert sorted(names(client.get(base + "&tag=a"))) == ["alpha", "gamma"]
    assert names(client.get(base + "&starred=true")) == ["beta"]
    assert names(client.get(base + "&q=amm")) == ["gamma"]
    assert sorted(names(client.get(base + "&metric=eval/loss.min<2.5"))) == ["beta", "gamma"]
    assert names(client.get(base + "&metric=eval/loss.last>=3")) == ["alpha"]
    assert names(client.get(base + "&config=alpha=0.5&method=kd_forward_kl&q=beta")) == ["beta"]


def test_runs_filter_by_status_creator_date_and_a_model_or_dataset_in_any_role(three_runs, api, registry_objects):
    from datetime import datetime, timedelta, timezone as tz

    client, ids = three_runs
    base = "/api/v1/runs/?workspace=lab"
    Run.objects.filter(pk=ids[0]).update(status=RunStatus.SUCCEEDED)
    Run.objects.filter(pk=ids[1]).update(status=RunStatus.FAILED,
                                         created_at=datetime(2026, 1, 10, tzinfo=tz.utc))
    assert names(client.get(base + "&status=succeeded")) == ["alpha"]
    assert sorted(names(client.get(base + "&status=succeeded,failed"))) == ["alpha", "beta"]
    by_owner = launch(api("owner"), registry_objects, name="owners").json()["id"]
    assert names(client.get(base + "&creator=owner")) == ["owners"]
    assert names(client.get(base + "&created_before=2026-02-01")) == ["beta"]
    tomorrow = (datetime.now(tz.utc) + timedelta(days=1)).date().isoformat()
    assert "beta" not in names(client.get(base + "&created_after=2026-02-01&created_before=" + tomorrow))

    teacher, student = registry_objects["teacher"].id, registry_objects["student"].id
    validation = registry_objects["validation"].id
    # Every run here distils teacher into student; the same model as teacher or student matches.
    assert len(names(client.get(base + f"&model={teacher}"))) == 4
    assert names(client.get(base + f"&teacher={student}")) == []
    assert len(names(client.get(base + f"&dataset={validation}"))) == 4
    assert names(client.get(base + f"&train_dataset={validation}")) == []
    Run.objects.filter(pk=by_owner).update(validation_dataset=None)
    assert len(names(client.get(base + f"&validation_dataset={validation}"))) == 3
    assert client.get(base + "&model=abc").json()["errors"]["model"] == [
        "model must be an id (a whole number), not 'abc'."]


def test_runs_sort_by_a_metric_summary(three_runs):
    client, _ = three_runs
    assert names(client.get("/api/v1/runs/?workspace=lab&ordering=metric:eval/loss:min")) == ["beta", "gamma", "alpha"]
    assert names(client.get("/api/v1/runs/?workspace=lab&ordering=-metric:eval/loss:min")) == ["alpha", "gamma", "beta"]


@pytest.mark.parametrize("query,field", [
    ("metric=eval/loss<2", "metric"), ("metric=eval/loss.min<abc", "metric"), ("ordering=colour", "ordering"),
    ("created_after=yesterday", "created_after"), ("config=novalue", "config"),
])
def test_malformed_filters_are_a_400_that_says_what_is_accepted(three_runs, query, field):
    client, _ = three_runs
    response = client.get(f"/api/v1/runs/?workspace=lab&{query}")
    assert response.status_code == 400 and field in response.json()["errors"]
