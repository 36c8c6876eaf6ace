"""Hosts that share nothing but the database, the broker and an S3 bucket, through the REST API on
real processes: moto's S3 server, the web server, and two workers that each see only their own
disk at ARTIFACT_ROOT (a bind mount in their own mount namespace). Datasets uploaded through the
web reach the workers through the bucket; a run whose worker is killed resumes on the other host
from the checkpoint in the bucket; the web serves and registers the model the run wrote elsewhere,
and a new host with an empty disk and a bound on its copy of the bucket distils a student from it,
clears its disk after the run, and fetches the teacher again for the next one."""
from __future__ import annotations

import io
import os
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from tests.integration.stack import TINY_TRAINING, Stack, register_kit
from tests.s3_server import S3Server

pytestmark = pytest.mark.integration

FLAVOUR = "team" if os.environ.get("DISTILLERY_TEAM_SERVICES") == "1" else "embedded"


def mount_namespaces_work() -> bool:
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, s3):
    if not mount_namespaces_work():
        message = "`unshare --mount` is not permitted here (it needs root or user namespaces)"
        if os.environ.get("DISTILLERY_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    bucket = s3.new_bucket()
    workdir = tmp_path_factory.mktemp("store")
    stack = Stack(FLAVOUR, workdir, extra_env=s3.env(bucket))
    stack.bucket = bucket
    try:
        stack.start(workers=0)
        for name in ("host-a", "host-b"):
            stack.start_worker(name, own_disk=workdir / f"{name}-disk")
        stack.wait_until(lambda: len([w for w in stack.ok("GET", "/api/v1/workers/") if "cpu" in w["queues"]]) == 2,
                         120, "two training workers")
        yield stack
    finally:
        stack.stop()


def keys(stack, s3, prefix: str) -> list[str]:
    return s3.keys(stack.bucket, f"artifacts/{prefix}")


def log_text(stack, run_id: int) -> str:
    return "\n".join(line["message"] for line in stack.ok("GET", f"/api/v1/runs/{run_id}/logs/?tail=2000")["results"])


def download(stack, run_id: int, artifact_id: int) -> bytes:
    response = stack.request("GET", f"/api/v1/runs/{run_id}/artifacts/{artifact_id}/download/")
    assert response.status_code == 200, response.text[:500]
    return response.content


def test_a_run_moves_between_hosts_through_the_bucket_and_the_web_serves_what_it_wrote(stack, s3):
    kit = register_kit(stack)
    datasets = keys(stack, s3, "datasets/lab/")
    assert len(datasets) == 2, "both uploads are in the bucket"

    run = stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": f"moving-{time.time()}", "method": "lm_train", "student": kit["teacher-init"],
        "train_dataset": kit["train"], "validation_dataset": kit["validation"],
        "config": {"training": {**TINY_TRAINING, "max_steps": 400, "checkpoint_every": 20, "eval_every": 100_000}}})

    def checkpoint_in_bucket():
        detail = stack.ok("GET", f"/api/v1/runs/{run['id']}/")
        stored = [k for k in keys(stack, s3, f"runs/{run['id']}/checkpoints/") if k.endswith("manifest.json")]
        return detail if stored and detail["status"] == "running" else None

    first = stack.wait_until(checkpoint_in_bucket, 240, "a checkpoint of the run in the bucket")
    victim = "host-a" if "host-a" in first["worker"] else "host-b"
    stack.kill(victim)

    done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=400)
    logs = log_text(stack, run["id"])
    assert done["status"] == "succeeded", done["error_message"] + "\n" + logs
    assert done["attempt"] == 2 and victim not in done["worker"]
    assert "stopped sending heartbeats" in logs and "resuming from step" in logs, logs
    series = stack.ok("GET", f"/api/v1/runs/{run['id']}/metrics/?names=train/loss")["series"][0]
    assert series["steps"][0] > 0 and series["steps"] == sorted(set(series["steps"])) and series["steps"][-1] == 400
    assert "bytes sent" in logs
    # Every point, through the ASGI server's streaming path (the database read in the request's thread).
    exported = stack.request("GET", f"/api/v1/runs/{run['id']}/metrics/export/?as=csv&names=train/loss")
    assert exported.status_code == 200, exported.text[:500]
    rows = exported.text.splitlines()
    assert rows[0] == "run,name,step,value,wall" and len(rows) - 1 == done["summaries"]["train/loss"]["count"]

    # The web host's disk never had the run's files: it fetches them from the bucket.
    assert not (stack.artifact_root / "runs" / str(run["id"])).exists()
    artifacts = stack.ok("GET", f"/api/v1/runs/{run['id']}/artifacts/")
    [final] = [a for a in artifacts if a["kind"] == "model"]
    with tarfile.open(fileobj=io.BytesIO(download(stack, run["id"], final["id"])), mode="r:") as archive:
        names = archive.getnames()
    prefix = f"run-{run['id']}-{final['name']}/"
    assert prefix + "config.json" in names and any(n.endswith(".safetensors") for n in names), names
    assert (Path(final["path"]) / "config.json").is_file(), "fetched to the web host's disk"

    teacher = stack.ok("POST", "/api/v1/models/", 201, json={"workspace": "lab", "name": "moved-teacher",
                                                            "source": "run", "run": run["id"]})
    assert teacher["parameter_count"] > 0
    stack.wait_until(lambda: stack.ok("GET", f"/api/v1/models/{teacher['id']}/")["inspected_at"], 120,
                     "a light worker to inspect the registered model")
    assert not stack.ok("GET", f"/api/v1/models/{teacher['id']}/")["inspection_error"]

    # The host that finished the run goes away; a new one, with an empty disk, distils from the model.
    survivor = "host-b" if victim == "host-a" else "host-a"
    stack.kill(survivor)
    stack.start_worker("host-c", own_disk=stack.workdir / "host-c-disk", env={"ARTIFACT_CACHE_MAX_GB": "1e-9"})
    kd = stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": f"kd-{time.time()}", "method": "kd_forward_kl", "student": kit["student-init"],
        "teacher": teacher["id"], "train_dataset": kit["train"], "validation_dataset": kit["validation"],
        "config": {"alpha": 0.5, "training": TINY_TRAINING}})
    kd_done = stack.wait_for_status(kd["id"], {"succeeded", "failed", "cancelled"}, timeout=300)
    assert kd_done["status"] == "succeeded", kd_done["error_message"] + "\n" + log_text(stack, kd["id"])
    assert "host-c" in kd_done["worker"]
    on_host_c = stack.workdir / "host-c-disk" / Path(final["path"]).relative_to(stack.artifact_root)
    teacher_key = on_host_c.relative_to(stack.workdir / "host-c-disk").as_posix()
    assert f"fetched {teacher_key} from" in stack.log_of("host-c"), "the teacher came from the bucket"

    # Its bound (about one byte) takes off everything that is safely in the bucket once the run is over.
    kd_output = stack.workdir / "host-c-disk" / "runs" / str(kd["id"])
    stack.wait_until(lambda: not on_host_c.exists() and not (kd_output / "model").exists(), 60,
                     "host-c to clear its copy of the teacher and of the run's model")
    assert "artifact cache: removed" in stack.log_of("host-c")
    again = stack.ok("POST", f"/api/v1/runs/{kd['id']}/retry/", 201)
    again_done = stack.wait_for_status(again["id"], {"succeeded", "failed", "cancelled"}, timeout=300)
    assert again_done["status"] == "succeeded", again_done["error_message"] + "\n" + log_text(stack, again["id"])
    assert stack.log_of("host-c").count(f"fetched {teacher_key} from") == 2
