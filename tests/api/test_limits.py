"""The limits a user can run into, each with the message that says what to do: the bad-row report
of an upload (the first 20 rows), per-kind row checks, an archive's file count, how many runs one
comparison takes; and where things go: a GPU run's message to the `gpu` queue, a lost run's
notification."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.api.test_registry_api import model_archive, post_dataset, upload_model
from tests.api.test_runs_api import launch
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run, RunStatus


def test_an_upload_with_many_bad_rows_reports_the_first_20_and_counts_them_all(api, data_dir):
    rows = [{"text": "fine"} if i % 3 == 0 else {"txt": "typo"} for i in range(60)]  # 40 bad rows
    response = post_dataset(api("member"), name="typos", rows=rows)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("40 bad row(s); nothing was stored. Row 2: field 'text' is missing")
    reported = [int(key.rsplit(".", 1)[1]) for key in body["errors"]]
    expected = [number for number in range(1, 61) if (number - 1) % 3][:20]
    assert reported == expected and reported[-1] == 30
    assert not Dataset.objects.filter(name="typos").exists()
    assert not list((data_dir / "artifacts" / "datasets" / "lab").glob("*.jsonl"))


@pytest.mark.parametrize("kind,rows,row,reason", [
    ("chat", [{"messages": [{"role": "user", "content": "hi"}]}, {"messages": []}], 2, "field 'messages' is empty"),
    ("chat", [{"messages": [{"role": "user"}]}], 1, "messages[0] needs a string 'role' and a string 'content'"),
    ("chat", [{"messages": "hello"}], 1, "field 'messages' must be"),
    ("prompt-completion", [{"prompt": "2+2=", "completion": "4"}, {"prompt": "3+3="}], 2,
     "field 'completion' is missing"),
    ("prompt-completion", [{"prompt": "", "completion": "4"}], 1, "field 'prompt' is empty"),
    ("prompt-completion", [{"prompt": "2+2=", "completion": 4}], 1, "field 'completion' must be"),
])
def test_chat_and_prompt_completion_rows_are_checked_on_upload(api, kind, rows, row, reason):
    response = post_dataset(api("member"), name=f"bad-{kind}", kind=kind, rows=rows)
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert list(errors) == [f"file.row.{row}"] and reason in errors[f"file.row.{row}"][0]
    assert not Dataset.objects.filter(name=f"bad-{kind}").exists()


@pytest.mark.reliability
def test_an_archive_with_too_many_files_is_refused_and_leaves_nothing(api, data_dir, monkeypatch):
    from webapp.registry import archives

    monkeypatch.setattr(archives, "MAX_FILES", 5)
    files = {"config.json": b"{}", **{f"shard-{i}.bin": b"x" for i in range(5)}}
    response = upload_model(api("member"), model_archive(data_dir, files))
    assert response.status_code == 400
    assert response.json()["detail"] == "The archive has more than 5 files: a model directory has far fewer."
    assert not ModelAsset.objects.exists()
    models_dir = data_dir / "artifacts" / "models" / "lab"
    assert not models_dir.exists() or not any(models_dir.iterdir())


def test_a_comparison_takes_at_most_50_runs(api, registry_objects):
    client = api("member")
    run_id = launch(client, registry_objects).json()["id"]
    ids = ",".join(str(run_id + i) for i in range(51))
    for path in ("/api/v1/compare/", "/api/v1/series/"):
        response = client.get(f"{path}?runs={ids}")
        assert response.status_code == 400 and "At most 50 runs at once." in response.json()["detail"], path
    assert client.get(f"/api/v1/compare/?runs={run_id}").status_code == 200


def _drain(queue_name: str) -> list[tuple[str, list]]:
    """The (task, args) of every message waiting in a broker queue, taking them off it."""
    from webapp.celery_app import app

    taken = []
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return taken
                args = message.payload[0] if isinstance(message.payload, list) else message.payload.get("args")
                taken.append((message.headers.get("task"), list(args)))
                message.ack()
        finally:
            queue.close()


def test_a_gpu_run_goes_to_the_gpu_queue_and_a_cpu_run_to_the_cpu_queue(api, registry_objects,
                                                                       django_capture_on_commit_callbacks):
    from webapp.runs.models import Worker

    _drain("gpu"), _drain("cpu")
    Worker.objects.create(hostname="w@gpu-host", queues=["cpu", "gpu", "light"], last_heartbeat=timezone.now(),
                          gpus=[{"index": 0, "name": "H100", "memory_mb": 81559}])
    client = api("member")
    with django_capture_on_commit_callbacks(execute=True):
        gpu_run = launch(client, registry_objects, resources={"gpus": 1}).json()["id"]
        cpu_run = launch(client, registry_objects).json()["id"]
    gpu_messages, cpu_messages = _drain("gpu"), _drain("cpu")
    assert [args[0] for _, args in gpu_messages] == [gpu_run]
    assert [args[0] for _, args in cpu_messages] == [cpu_run]
    assert {task for task, _ in gpu_messages + cpu_messages} == {"worker.tasks.run_execute"}


def test_a_lost_run_notifies_the_channels_that_listen_for_it(api, registry_objects, settings):
    from webapp.runs.services.reports import runs_recover_lost

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RUN_MAX_ATTEMPTS = 1
    client = api("member")
    for target, events in (("lost@example.org", ["run.lost"]), ("failed@example.org", ["run.failed"])):
        assert client.post("/api/v1/workspaces/lab/notifications/",
                           {"kind": "email", "target": target, "events": events}, format="json").status_code == 201
    run_id = launch(client, registry_objects).json()["id"]
    silent = timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S + 5)
    Run.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, heartbeat_at=silent, attempt=1, worker="w1")
    assert runs_recover_lost() == [run_id]
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    payload = json.loads(mail.outbox[0].body)
    assert payload["event"] == "run.lost" and payload["run"]["status"] == "failed"
    assert "stopped sending heartbeats" in payload["text"] and "giving up" in payload["text"]
    log = client.get("/api/v1/workspaces/lab/deliveries/").json()["results"]
    assert [(d["event"], d["status"]) for d in log] == [("run.lost", "delivered")]
