"""The broker restarts on the team deployment: a private `redis-server` the test starts on its own
port, configured as docker-compose's (append-only file), is the workers' and the web server's
broker; it is restarted while two runs train and twenty wait in the queue. Real web, worker and
engine processes; nothing is mocked.

The twenty queued runs are tiny (2 steps): what is tested is that each runs once, not training."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.integration.stack import TINY_TRAINING, Stack, free_port, register_kit

pytestmark = [
    pytest.mark.integration, pytest.mark.reliability,
    pytest.mark.skipif(os.environ.get("DISTILLERY_TEAM_SERVICES") != "1",
                       reason="needs PostgreSQL and Redis (make test uses them when they answer)"),
]

QUEUED, RUNNING = 20, 2
FINAL = {"succeeded", "failed", "cancelled"}


class PrivateRedis:
    """`redis-server` on a free port of 127.0.0.1, its files in `directory`, as docker-compose runs it."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--save", ""],
            stdout=(self.directory / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self.answers():
            assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM: Redis writes its append-only file and exits, as `docker compose restart` has it do."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def stack(broker, tmp_path_factory):
    stack = Stack("team", tmp_path_factory.mktemp("redis-restart"), broker_url=broker.url,
                  extra_env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    try:
        stack.start(workers=0)
        stack.start_worker("worker-1")
        stack.start_worker("worker-2")
        yield stack
    finally:
        stack.stop()


def launch(stack: Stack, kit: dict, name: str, **training) -> int:
    return stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": name, "method": "lm_train", "student": kit["student-init"],
        "train_dataset": kit["train"], "config": {"training": {**TINY_TRAINING, "eval_every": 0, **training}}})["id"]


def status_of(stack: Stack, run_id: int) -> dict:
    return stack.ok("GET", f"/api/v1/runs/{run_id}/")


def test_a_redis_restart_with_runs_queued_and_running_loses_none_and_runs_none_twice(stack, broker):
    """Restarts the broker (SIGTERM, then the same command) while two runs train and twenty wait in
    its queue: the two train on through the restart (then the test cancels them, to free the
    workers), and each of the twenty succeeds; every run is started exactly once (one attempt)."""
    kit = register_kit(stack)
    running = [launch(stack, kit, f"long-{i}", max_steps=1_000_000, checkpoint_every=0) for i in range(RUNNING)]
    stack.wait_until(lambda: all(status_of(stack, r)["progress"]["step"] > 0 for r in running),
                     300, "both long runs to train")
    queued = [launch(stack, kit, f"tiny-{i}", max_steps=2, checkpoint_every=0) for i in range(QUEUED)]
    statuses = {r: status_of(stack, r)["status"] for r in running + queued}
    assert statuses == {**{r: "running" for r in running}, **{r: "queued" for r in queued}}, statuses

    at_restart = {r: status_of(stack, r)["progress"]["step"] for r in running}
    broker.stop()
    broker.start()
    stack.wait_until(lambda: all(status_of(stack, r)["progress"]["step"] > at_restart[r] + 20 for r in running),
                     300, "the long runs to train on after the restart")
    for r in running:
        stack.ok("POST", f"/api/v1/runs/{r}/cancel/")

    def final_runs() -> list[dict] | None:
        runs = [status_of(stack, r) for r in running + queued]
        return runs if all(run["status"] in FINAL for run in runs) else None

    runs = stack.wait_until(final_runs, 1200, "all 22 runs to end", interval=2)
    expected = {**{r: "cancelled" for r in running}, **{r: "succeeded" for r in queued}}
    ended = {run["id"]: run["status"] for run in runs}
    assert ended == expected, {run["id"]: (run["status"], run["error_message"]) for run in runs
                               if ended[run["id"]] != expected[run["id"]]}
    twice = {run["id"]: run["attempt"] for run in runs if run["attempt"] != 1}
    assert not twice, f"runs attempted more than once: {twice}"
    for run in runs:
        logs = stack.ok("GET", f"/api/v1/runs/{run['id']}/logs/?tail=500")["results"]
        starts = [line["message"] for line in logs if line["message"].startswith("attempt ")]
        assert len(starts) == 1, f"run {run['id']} was started {len(starts)} times: {starts}"
