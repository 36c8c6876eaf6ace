"""The whole product through its REST API with a token, against real processes: a teacher is
trained by lm_train, registered from its run, distilled into a student by kd_forward_kl; runs
are cancelled; the worker survives and takes the next run.

Runs on the embedded default (SQLite + filesystem broker) always, and on the team services
(PostgreSQL + Redis) when `make test` found them (CI requires them)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.integration.stack import TINY_TRAINING, Stack, register_kit

pytestmark = pytest.mark.integration

FLAVOURS = ["embedded"] + (["team"] if os.environ.get("DISTILLERY_TEAM_SERVICES") == "1" else [])


@pytest.fixture(scope="module", params=FLAVOURS)
def stack(request, tmp_path_factory):
    stack = Stack(request.param, tmp_path_factory.mktemp(request.param))
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def kit(stack):
    return register_kit(stack)


def launch(stack, kit, method, student, teacher=None, **training):
    body = {"workspace": "lab", "name": f"{method}-{time.time()}", "method": method, "student": student,
            "train_dataset": kit["train"], "validation_dataset": kit["validation"],
            "config": {"training": {**TINY_TRAINING, **training}}}
    if teacher:
        body["teacher"] = teacher
        body["config"]["alpha"] = 0.5
    return stack.ok("POST", "/api/v1/runs/", 201, json=body)


def test_a_teacher_is_trained_registered_and_distilled_into_a_student(stack, kit):
    from tests.api.test_notifications import Receiver

    hook = Receiver([])
    stack.ok("POST", "/api/v1/workspaces/lab/notifications/", 201,
             json={"kind": "webhook", "target": hook.url, "events": ["run.succeeded"]})
    teacher_run = launch(stack, kit, "lm_train", kit["teacher-init"])
    done = stack.wait_for_status(teacher_run["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done["error_message"]
    stack.wait_until(lambda: hook.bodies, 300, "the worker's webhook")
    assert hook.bodies[0]["run"]["id"] == teacher_run["id"] and hook.bodies[0]["event"] == "run.succeeded"
    hook.close()
    assert done["summaries"]["train/loss"]["count"] >= 6 and "eval/loss" in done["summaries"]
    assert done["summaries"]["system/memory_mb"]["max"] > 0 and "system/cpu_percent" in done["summaries"]
    assert done["progress"]["step"] == TINY_TRAINING["max_steps"]

    artifacts = stack.ok("GET", f"/api/v1/runs/{teacher_run['id']}/artifacts/")
    final = [a for a in artifacts if a["kind"] == "model"]
    assert final and Path(final[0]["path"], "config.json").exists()
    assert any(a["kind"] == "checkpoint" for a in artifacts)

    teacher = stack.ok("POST", "/api/v1/models/", 201, json={"workspace": "lab", "name": "teacher", "source": "run",
                                                            "run": teacher_run["id"]})
    assert teacher["produced_by_run"] == teacher_run["id"] and teacher["parameter_count"] > 0

    kd_run = launch(stack, kit, "kd_forward_kl", kit["student-init"], teacher=teacher["id"])
    done = stack.wait_for_status(kd_run["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done["error_message"]
    series = stack.ok("GET", f"/api/v1/runs/{kd_run['id']}/metrics/?names=train/loss,kd/kl")["series"]
    assert all(len(s["steps"]) >= 6 for s in series)
    logs = stack.ok("GET", f"/api/v1/runs/{kd_run['id']}/logs/")["results"]
    assert logs, "the engine's log lines are recorded"
    student = stack.ok("GET", f"/api/v1/models/{kit['student-init']}/")
    assert student["inspected_at"] and student["parameter_count"] > 0, "a worker inspected the config-built model"
    workers = sorted(worker["queues"] for worker in stack.ok("GET", "/api/v1/workers/"))
    assert workers == [["cpu", "light"], ["light"]], "the training worker and its light-jobs companion"


def test_a_bad_config_is_refused_before_anything_is_queued(stack, kit):
    response = stack.request("POST", "/api/v1/runs/", json={
        "workspace": "lab", "method": "lm_train", "student": kit["student-init"], "train_dataset": kit["train"],
        "config": {"training": {"learning_rate": -1}}})
    assert response.status_code == 400
    assert "config.training.learning_rate" in response.json()["errors"]
    runs = stack.ok("GET", "/api/v1/runs/?workspace=lab&status=queued")
    assert runs["count"] == 0


def test_cancelling_a_running_run_stops_it_and_the_worker_takes_the_next_one(stack, kit):
    long_run = launch(stack, kit, "lm_train", kit["student-init"], max_steps=100000, checkpoint_every=100000,
                      eval_every=100000)
    stack.wait_until(
        lambda: stack.ok("GET", f"/api/v1/runs/{long_run['id']}/")["summaries"].get("train/loss"), 300,
        "the long run to report a loss")
    # A model registered while the worker trains is inspected by its light-jobs companion at once.
    template = stack.ok("GET", f"/api/v1/models/{kit['student-init']}/")
    model = stack.ok("POST", "/api/v1/models/", 201, json={
        "workspace": "lab", "name": f"while-training-{time.time()}", "source": "config",
        "config": template["config"], "tokenizer_path": template["tokenizer_path"]})
    stack.wait_until(lambda: stack.ok("GET", f"/api/v1/models/{model['id']}/")["inspected_at"], 300,
                     "the new model's inspection while a run holds the training worker")
    assert stack.ok("GET", f"/api/v1/runs/{long_run['id']}/")["status"] == "running"
    # Queued behind the long run (one run at a time per worker), then cancelled while waiting.
    queued = launch(stack, kit, "lm_train", kit["student-init"])
    assert stack.ok("POST", f"/api/v1/runs/{queued['id']}/cancel/")["status"] == "cancelled"

    stack.ok("POST", f"/api/v1/runs/{long_run['id']}/cancel/")
    # 100,000 steps would take hours: a run that ends within the wait was stopped by the cancel, mid-training
    # (no bound on the seconds it took, which a busy machine stretches).
    done = stack.wait_for_status(long_run["id"], {"cancelled", "failed", "succeeded"}, timeout=180)
    assert done["status"] == "cancelled"
    assert done["progress"]["step"] < done["progress"]["total"] == 100000
    artifacts = stack.ok("GET", f"/api/v1/runs/{long_run['id']}/artifacts/")
    assert any(a["kind"] == "checkpoint" for a in artifacts), "SIGTERM makes the engine checkpoint"

    next_run = launch(stack, kit, "lm_train", kit["student-init"])
    assert stack.wait_for_status(next_run["id"], {"succeeded", "failed"})["status"] == "succeeded"
    assert stack.ok("GET", f"/api/v1/runs/{queued['id']}/")["started_at"] is None
    assert stack.processes["worker"].poll() is None


def run_client(stack, *args: str, cwd=None):
    import subprocess
    import sys

    from tests.integration.stack import ROOT

    env = {**stack.env, "DISTILLERY_URL": stack.base_url, "DISTILLERY_TOKEN": stack.token}
    return subprocess.run([sys.executable, "-m", "client", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)


def test_the_command_line_client_launches_from_yaml_by_name_and_exits_with_the_outcome(stack, kit, tmp_path):
    import yaml

    spec = {"workspace": "lab", "name": "from-yaml", "method": "lm_train", "student": "student-init",
            "train_dataset": "train", "validation_dataset": "validation", "config": {"training": TINY_TRAINING}}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(spec))
    result = run_client(stack, "launch", str(tmp_path / "run.yaml"), "--wait")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "launched run" in result.stdout and "succeeded" in result.stdout.splitlines()[-1]

    spec["config"] = {"training": {"max_steps": 0}}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(spec))
    result = run_client(stack, "launch", str(tmp_path / "bad.yaml"))
    assert result.returncode == 2 and "config.training.max_steps" in result.stderr

    spec["student"] = "no-such-model"
    (tmp_path / "missing.yaml").write_text(yaml.safe_dump(spec))
    result = run_client(stack, "launch", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "no model named 'no-such-model'" in result.stderr


def test_a_run_whose_worker_is_killed_resumes_from_its_checkpoint_on_another_worker(stack, kit):
    run = launch(stack, kit, "lm_train", kit["student-init"], max_steps=60, checkpoint_every=10, eval_every=1000)
    stack.wait_until(
        lambda: any(a["kind"] == "checkpoint" for a in stack.ok("GET", f"/api/v1/runs/{run['id']}/artifacts/")),
        300, "the run's first checkpoint")
    stack.kill("worker")
    stack.start_worker("worker-2")
    done = stack.wait_for_status(run["id"], {"succeeded", "failed"}, timeout=600)
    assert done["status"] == "succeeded", done["error_message"]
    assert done["attempt"] == 2 and done["worker"].startswith(f"it-{stack.flavour}-worker-2")
    logs = " ".join(line["message"] for line in stack.ok("GET", f"/api/v1/runs/{run['id']}/logs/?tail=500")["results"])
    assert "stopped sending heartbeats" in logs
    series = stack.ok("GET", f"/api/v1/runs/{run['id']}/metrics/?names=train/loss")["series"][0]
    assert series["steps"] == sorted(set(series["steps"])) and series["steps"][-1] == 60


# PostgreSQL only: the embedded SQLite database has no server connections to pool.
@pytest.mark.parametrize("stack", [f for f in FLAVOURS if f == "team"], indirect=True)
def test_the_web_server_reuses_pooled_connections_and_replaces_ones_postgresql_dropped(stack, kit):
    """On PostgreSQL the web server (webapp/asgi.py) keeps a pool of connections named
    distillery-web: requests reuse them instead of each opening its own, and connections the
    server terminated (a restart, an operator's pg_terminate_backend) are replaced without a
    single failed request."""
    import psycopg

    database = stack.env["DATABASE_URL"]
    name = database.rsplit("/", 1)[1]

    def web_backends() -> set[int]:
        with psycopg.connect(database, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                                (name, "distillery-web")).fetchall()
        return {pid for (pid,) in rows}

    def burst() -> None:
        for _ in range(15):
            assert stack.ok("GET", "/api/v1/datasets/?workspace=lab")["results"]
            stack.ok("GET", f"/api/v1/models/{kit['student-init']}/")

    burst()
    stack.wait_until(lambda: len(web_backends()) >= 2, 120, "the pool to hold its two connections")
    pooled = web_backends()
    assert len(pooled) <= 10, "the pool holds at most DATABASE_POOL_SIZE (10) connections"
    burst()
    assert web_backends() == pooled, "30 requests in turn went through the same pooled connections"

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND application_name = %s", (name, "distillery-web"))
    stack.wait_until(lambda: not web_backends(), 120, "PostgreSQL to end the web server's connections")
    burst()  # every request succeeds: the pool checks a connection before handing it out
    assert web_backends() and not web_backends() & pooled
