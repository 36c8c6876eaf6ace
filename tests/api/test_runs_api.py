"""Launching, listing, cancelling and reading runs through the API."""
from __future__ import annotations

import pytest

from webapp.runs.models import Run, RunStatus
from webapp.runs.services.reports import logs_append
from webapp.runs.services.metrics import metrics_ingest


def launch(client, objs, **overrides):
    body = {"workspace": "lab", "name": "kd", "method": "kd_forward_kl", "student": objs["student"].id,
            "teacher": objs["teacher"].id, "train_dataset": objs["train"].id,
            "validation_dataset": objs["validation"].id, "config": {"alpha": 0.5, "training": {"max_steps": 20}}}
    body.update(overrides)
    return client.post("/api/v1/runs/", body, format="json")


def test_a_member_launches_a_run_which_is_queued_after_commit(
        api, registry_objects, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = launch(api("member"), registry_objects)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["method"] == "kd_forward_kl"
    # The stored config is the validated one, with every default filled in.
    assert body["config"]["alpha"] == 0.5 and body["config"]["training"]["max_steps"] == 20
    assert "learning_rate" in body["config"]["training"]
    assert len(callbacks) == 1


def test_a_wrong_config_field_gets_400_naming_its_path_and_nothing_is_queued(
    api, registry_objects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = launch(api("member"), registry_objects, config={"training": {"max_steps": -1, "colour": 1}})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "config.training.max_steps" in errors and "config.training.colour" in errors
    assert callbacks == [] and Run.objects.count() == 0


def test_an_unknown_method_lists_the_known_ones(api, registry_objects):
    response = launch(api("member"), registry_objects, method="magic")
    assert response.status_code == 400
    assert "kd_forward_kl" in response.json()["detail"] and "method" in response.json()["errors"]


def test_distillation_without_a_teacher_is_refused(api, registry_objects):
    response = launch(api("member"), registry_objects, teacher=None)
    assert response.status_code == 400 and "teacher" in response.json()["errors"]


def test_a_teacher_with_another_tokenizer_is_refused_with_a_suggestion(api, registry_objects):
    student, teacher = registry_objects["student"], registry_objects["teacher"]
    student.tokenizer_fingerprint, teacher.tokenizer_fingerprint = "a" * 64, "b" * 64
    student.save()
    teacher.save()
    response = launch(api("member"), registry_objects)
    assert response.status_code == 400 and "sequence-level KD, seq_kd" in response.json()["detail"]
    assert "uses another tokenizer" in response.json()["detail"]


def test_a_teacher_padded_to_a_larger_embedding_with_the_students_tokenizer_is_accepted(api, registry_objects):
    # Qwen2.5 7B and 0.5B: one tokenizer, 152,064 and 151,936 embedding rows.
    student, teacher = registry_objects["student"], registry_objects["teacher"]
    student.tokenizer_fingerprint = teacher.tokenizer_fingerprint = "a" * 64
    student.vocab_size, teacher.vocab_size = 151_936, 152_064
    student.save()
    teacher.save()
    response = launch(api("member"), registry_objects)
    assert response.status_code == 201, response.json()


def test_a_model_from_another_workspace_is_refused(api, registry_objects, cast):
    from tests.conftest import TINY_LLAMA
    from webapp.accounts.models import Workspace
    from webapp.registry.models import ModelAsset

    foreign = ModelAsset.objects.create(workspace=Workspace.objects.get(slug="elsewhere"), name="x", source="config",
                                        config=TINY_LLAMA)
    response = launch(api("member"), registry_objects, student=foreign.id)
    assert response.status_code == 400 and "student" in response.json()["errors"]


def test_asking_for_more_gpus_than_any_worker_has_is_refused(api, registry_objects):
    response = launch(api("member"), registry_objects, resources={"gpus": 2})
    assert response.status_code == 400 and "largest live worker has 0" in response.json()["detail"]


def test_only_workers_that_take_gpu_runs_count_for_the_gpus_a_run_may_ask_for(api, registry_objects):
    from django.utils import timezone

    from webapp.runs.models import Worker

    gpus = [{"index": i, "name": "H100", "memory_mb": 81559} for i in range(2)]
    Worker.objects.create(hostname="light-w@gpu-host", queues=["light"], gpus=gpus, last_heartbeat=timezone.now())
    response = launch(api("member"), registry_objects, resources={"gpus": 2})
    assert response.status_code == 400 and "largest live worker has 0" in response.json()["detail"]
    Worker.objects.create(hostname="w@gpu-host", queues=["cpu", "gpu", "light"], gpus=gpus,
                          last_heartbeat=timezone.now())
    assert launch(api("member"), registry_objects, resources={"gpus": 2}).status_code == 201


def test_a_viewer_gets_403_on_create_and_an_outsider_404_on_read(api, registry_objects):
    assert launch(api("viewer"), registry_objects).status_code == 403
    run_id = launch(api("member"), registry_objects).json()["id"]
    outsider = api("outsider")
    for path in ("", "metrics/", "logs/", "artifacts/", "events/"):
        assert outsider.get(f"/api/v1/runs/{run_id}/{path}").status_code == 404, path
    assert outsider.post(f"/api/v1/runs/{run_id}/cancel/").status_code == 404
    assert outsider.get("/api/v1/runs/?workspace=lab").json()["results"] == []


def test_cancelling_a_queued_run_cancels_it_at_once_and_twice_is_a_conflict(api, registry_objects):
    client = api("member")
    run_id = launch(client, registry_objects).json()["id"]
    assert api("viewer").post(f"/api/v1/runs/{run_id}/cancel/").status_code == 403
    response = client.post(f"/api/v1/runs/{run_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/runs/{run_id}/cancel/").status_code == 409


def test_cancelling_a_running_run_flags_it_for_its_worker(api, registry_objects):
    client = api("member")
    run = Run.objects.get(pk=launch(client, registry_objects).json()["id"])
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    response = client.post(f"/api/v1/runs/{run.id}/cancel/")
    assert response.json()["status"] == "running"
    run.refresh_from_db()
    assert run.cancel_requested


def test_metric_ingestion_is_idempotent_and_summaries_follow(api, registry_objects):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    batch = [("train/loss", step, 10.0 - step, 1000.0 + step) for step in range(5)]
    assert metrics_ingest(run=run, points=batch) == 5
    assert metrics_ingest(run=run, points=batch) == 0
    body = api("viewer").get(f"/api/v1/runs/{run.id}/").json()
    assert body["summaries"]["train/loss"] == {"last": 6.0, "last_step": 4, "min": 6.0, "min_step": 4, "max": 10.0,
                                               "max_step": 0, "count": 5}
    series = api("viewer").get(f"/api/v1/runs/{run.id}/metrics/?names=train/loss").json()["series"][0]
    assert series["steps"] == [0, 1, 2, 3, 4] and series["values"] == [10.0, 9.0, 8.0, 7.0, 6.0]


def test_long_series_are_downsampled_keeping_first_last_and_the_band(api, registry_objects):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    metrics_ingest(run=run, points=[("x", s, float((s * 7919) % 101), float(s)) for s in range(2000)])
    series = api("viewer").get(f"/api/v1/runs/{run.id}/metrics/?names=x&max_points=100").json()["series"][0]
    assert series["downsampled"] and len(series["steps"]) <= 100
    assert series["steps"][0] == 0 and series["steps"][-1] == 1999
    assert min(series["mins"]) == 0.0 and max(series["maxs"]) == 100.0


def test_logs_page_after_a_sequence_number(api, registry_objects):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    logs_append(run=run, lines=[(1.0, "info", f"line {i}") for i in range(5)])
    body = api("viewer").get(f"/api/v1/runs/{run.id}/logs/?after=3").json()
    assert [line["message"] for line in body["results"]] == ["line 3", "line 4"]


def test_the_runs_list_costs_the_same_queries_for_one_run_or_many(api, registry_objects):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("member")
    launch(client, registry_objects)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/runs/?workspace=lab")
    for _ in range(12):
        launch(client, registry_objects)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/runs/?workspace=lab").json()["count"] == 13
    assert len(many) == len(one) <= 8


def test_reading_a_run_or_a_page_of_runs_joins_no_model_or_dataset_table(api, registry_objects):
    """The output names models and datasets by id; joining their six roles in made PostgreSQL spend
    about 12 ms planning each read (docs/BENCHMARKS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("member")
    run_id = launch(client, registry_objects).json()["id"]
    for path in (f"/api/v1/runs/{run_id}/", "/api/v1/runs/?workspace=lab", f"/api/v1/runs/{run_id}/metrics/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        run_reads = [q["sql"] for q in queries if 'FROM "runs_run"' in q["sql"]]
        assert run_reads, path
        assert not any("registry_modelasset" in sql or "registry_dataset" in sql for sql in run_reads), path


# The stream polls from a thread pool with its own database connections, so these tests commit.
@pytest.mark.django_db(transaction=True)
def test_the_event_stream_of_a_finished_run_replays_everything_then_ends(api, registry_objects):
    client = api("member")
    run = Run.objects.get(pk=launch(client, registry_objects).json()["id"])
    metrics_ingest(run=run, points=[("train/loss", 1, 2.0, 1.0), ("train/loss", 2, 1.5, 2.0)])
    logs_append(run=run, lines=[(1.0, "info", "hello")])
    Run.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    response = client.get(f"/api/v1/runs/{run.id}/events/", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    text = b"".join(response).decode()
    assert "event: metrics" in text and '"step":2' in text and "event: log" in text and '"succeeded"' in text
    # Resuming from the last id sends no point twice.
    last_id = [line for line in text.splitlines() if line.startswith("id: ")][-1][4:]
    again = client.get(f"/api/v1/runs/{run.id}/events/", HTTP_ACCEPT="text/event-stream", HTTP_LAST_EVENT_ID=last_id)
    assert "event: metrics" not in b"".join(again).decode()


def test_the_methods_endpoint_serves_each_methods_schema(api):
    body = api("viewer").get("/api/v1/methods/").json()
    by_name = {m["name"]: m for m in body}
    assert {"lm_train", "kd_forward_kl"} <= set(by_name)
    assert by_name["kd_forward_kl"]["requires"]["teacher"] is True
    assert "alpha" in by_name["kd_forward_kl"]["schema"]["properties"]


def test_the_openapi_schema_and_docs_are_served(api, client):
    assert api("viewer").get("/api/schema/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_metrics_snapshot_gives_a_cursor_that_the_stream_continues_from(api, registry_objects):
    client = api("member")
    run = Run.objects.get(pk=launch(client, registry_objects).json()["id"])
    metrics_ingest(run=run, points=[("train/loss", 1, 2.0, 1.0)])
    cursor = client.get(f"/api/v1/runs/{run.id}/metrics/").json()["cursor"]
    metrics_ingest(run=run, points=[("train/loss", 2, 1.5, 2.0)])
    Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    text = b"".join(client.get(f"/api/v1/runs/{run.id}/events/?cursor={cursor}")).decode()
    assert '"step":2' in text and '"step":1,' not in text


def test_the_log_tail_returns_the_last_lines_in_order(api, registry_objects):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    logs_append(run=run, lines=[(1.0, "info", f"line {i}") for i in range(10)])
    body = api("viewer").get(f"/api/v1/runs/{run.id}/logs/?tail=3").json()
    assert [line["message"] for line in body["results"]] == ["line 7", "line 8", "line 9"]


def test_the_playground_list_shows_a_workspaces_sessions_newest_first_to_its_members_only(api, registry_objects):
    client = api("member")
    ids = []
    for prompt in ("first", "second"):
        response = client.post("/api/v1/playground/", {"workspace": "lab", "models": [registry_objects["student"].id],
                                                       "prompts": [prompt], "max_new_tokens": 8}, format="json")
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    listed = api("viewer").get("/api/v1/playground/?workspace=lab")
    assert listed.status_code == 200
    assert [(s["id"], s["prompts"], s["status"]) for s in listed.json()] == [
        (ids[1], ["second"], "queued"), (ids[0], ["first"], "queued")]
    assert [m["name"] for m in listed.json()[0]["models"]] == ["student"]
    assert api("outsider").get("/api/v1/playground/").json() == []


def test_the_tokenizer_fingerprint_inspection_records_is_what_a_teacher_is_judged_by(api, registry_objects):
    from webapp.registry.services.inspection import model_inspection_record

    facts = {"architecture": "LlamaForCausalLM", "parameter_count": 10, "dtype": "float32", "has_tokenizer": True}
    model_inspection_record(model=registry_objects["student"],
                            facts={**facts, "vocab_size": 64, "tokenizer_fingerprint": "a" * 64})
    model_inspection_record(model=registry_objects["teacher"],
                            facts={**facts, "vocab_size": 128, "tokenizer_fingerprint": "a" * 64})
    assert launch(api("member"), registry_objects).status_code == 201

    model_inspection_record(model=registry_objects["teacher"],
                            facts={**facts, "vocab_size": 64, "tokenizer_fingerprint": "c" * 64})
    response = launch(api("member"), registry_objects, name="kd-2")
    assert response.status_code == 400 and "uses another tokenizer" in response.json()["detail"]
