"""Worker signals, on real processes (a web server, `python -m worker` processes, engines): one run
whose worker is stopped five times (SIGTERM, the graceful stop of Ctrl-C or `docker stop`) or killed
five times (SIGKILL, a machine lost) resumes each time from its checkpoint on the next worker and
succeeds, every step's metrics stored once and every attempt's system samples kept; a run whose
engine fails in a step fails with the engine's message, and the worker takes the next run.

The embedded default (SQLite + the filesystem broker, what `make run` starts) always; the team
services (PostgreSQL + Redis) too when `make test` found them."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from tests.integration.stack import TINY_TRAINING, Stack, register_kit

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

FLAVOURS = ["embedded"] + (["team"] if os.environ.get("DISTILLERY_TEAM_SERVICES") == "1" else [])
STOPS = 5
# Steps of 16 x 128 tokens (about 50 ms of CPU on a loaded 2-core machine, rarely under 10 ms anywhere),
# and room for five stops where the engine is fast: each attempt trains from the moment the test sees
# its first step until the stop reaches the engine (under a second), then the last attempt finishes.
MAX_STEPS = 400
CHECKPOINT_EVERY = 10  # the SIGKILL test: each attempt trains past a checkpoint of its own before its kill
TRAINING = {**TINY_TRAINING, "max_steps": MAX_STEPS, "batch_size": 16, "block_size": 128, "log_every": 1,
            "checkpoint_every": 20, "eval_every": 10**6, "warmup_steps": 2}


@pytest.fixture(scope="module", params=FLAVOURS)
def stack(request, tmp_path_factory):
    # Eleven attempts of one run: more than RUN_MAX_ATTEMPTS allows a run lost with its worker by default.
    stack = Stack(request.param, tmp_path_factory.mktemp(f"signals-{request.param}"),
                  extra_env={"RUN_MAX_ATTEMPTS": "20"})
    try:
        yield stack.start(workers=0)
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def kit(stack):
    return register_kit(stack)


def start_worker(stack: Stack, name: str) -> None:
    """A training worker without the light-jobs companion (it serves `light` itself): one process to signal."""
    stack.spawn(name, [sys.executable, "-m", "worker", "--hostname", f"it-faults-{name}@%h", "--no-light-worker"])


def launch(stack: Stack, kit: dict, student: int | None = None, **training) -> dict:
    return stack.ok("POST", "/api/v1/runs/", 201, json={
        "workspace": "lab", "name": f"signals-{time.time()}", "method": "lm_train",
        "student": student or kit["student-init"], "train_dataset": kit["train"],
        "validation_dataset": kit["validation"], "config": {"training": {**TRAINING, **training}}})


def run_of(stack: Stack, run_id: int) -> dict:
    return stack.ok("GET", f"/api/v1/runs/{run_id}/")


def wait_training(stack: Stack, run_id: int, worker: str, attempt: int, past_step: int) -> dict:
    """Waits until `worker` trains the run's attempt `attempt` beyond `past_step` (its engine has started,
    resumed and taken a step); fails at once if the run ends or another worker holds it."""
    def training():
        run = run_of(stack, run_id)
        assert run["status"] in ("queued", "running"), (
            f"the run ended before its stops ({run['status']}: {run['error_message'] or 'MAX_STEPS too few here?'})")
        assert run["attempt"] <= attempt, f"attempt {run['attempt']}, expected {attempt}: {run['error_message']}"
        if (run["status"] == "running" and run["attempt"] == attempt and run["progress"]["step"] > past_step
                and run["worker"].startswith(f"it-faults-{worker}@")):
            return run
        return None

    return stack.wait_until(training, 300, f"{worker} to train attempt {attempt} past step {past_step}", interval=0.1)


def resumed_at(stack: Stack, run_id: int) -> list[int]:
    """The step each attempt resumed from, as its engine logged it ("resumed from PATH at step N")."""
    logs = stack.ok("GET", f"/api/v1/runs/{run_id}/logs/?tail=5000")["results"]
    return [int(line["message"].rsplit(" ", 1)[1]) for line in logs if line["message"].startswith("resumed from ")]


def check_metrics_whole(stack: Stack, run_id: int, attempts: int) -> None:
    """Every step's train/loss once, and system samples from every attempt, in step order, none
    lost to an earlier attempt's steps."""
    metrics = f"/api/v1/runs/{run_id}/metrics/?max_points=100000&names="
    loss = stack.ok("GET", metrics + "train/loss")["series"][0]
    assert loss["steps"] == list(range(1, MAX_STEPS + 1)), "a gap or a duplicate in train/loss"
    memory = stack.ok("GET", metrics + "system/memory_mb")["series"][0]
    assert memory["walls"] == sorted(memory["walls"]), "system samples out of time order"
    assert memory["steps"] == sorted(set(memory["steps"]))
    logs = stack.ok("GET", f"/api/v1/runs/{run_id}/logs/?tail=5000")["results"]
    starts = [line["time"] for line in logs if line["message"].startswith("attempt ")]
    assert len(starts) == attempts, [line["message"] for line in logs if line["message"].startswith("attempt ")]
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], float("inf")]), start=1):
        assert any(start <= wall < end for wall in memory["walls"]), f"attempt {number} kept no system sample"


@pytest.mark.parametrize("stack", FLAVOURS, indirect=True)
def test_a_run_whose_worker_is_stopped_five_times_resumes_on_the_next_worker_each_time_and_succeeds(stack, kit):
    """Injects SIGTERM into the worker five times mid-run, each time starting the next worker after the
    last exits: each stop checkpoints and requeues (never `failed`, never taken back by the stopping
    worker), the run succeeds on the sixth, its metrics whole."""
    run = launch(stack, kit)
    step, stopped_at = 0, []
    for stop in range(1, STOPS + 1):
        name = f"term-{stop}"
        start_worker(stack, name)
        step = wait_training(stack, run["id"], name, attempt=stop, past_step=step)["progress"]["step"]
        stack.processes[name].send_signal(signal.SIGTERM)
        assert stack.processes[name].wait(timeout=300) == 0
        stopped = run_of(stack, run["id"])
        assert (stopped["status"], stopped["attempt"]) == ("queued", stop), stopped["error_message"]
        assert "resumes from its last checkpoint" in stopped["error_message"]
        assert stopped["progress"]["step"] >= step
        step = stopped["progress"]["step"]
        stopped_at.append(step)
    start_worker(stack, "term-last")
    done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert (done["status"], done["attempt"]) == ("succeeded", STOPS + 1), done["error_message"]
    assert resumed_at(stack, run["id"]) == stopped_at, "each attempt resumes from the checkpoint of the stop before"
    check_metrics_whole(stack, run["id"], attempts=STOPS + 1)
    stack.processes["term-last"].send_signal(signal.SIGTERM)
    assert stack.processes["term-last"].wait(timeout=300) == 0


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_run_whose_worker_is_killed_five_times_resumes_from_its_checkpoint_each_time_and_succeeds(stack, kit):
    """Injects SIGKILL into the worker five times mid-run (its engine dies with it): each time the next
    worker finds the run's heartbeat silent, requeues it and resumes it from its last checkpoint; the
    run succeeds, its metrics whole (the steps trained twice are stored once)."""
    run = launch(stack, kit, checkpoint_every=CHECKPOINT_EVERY)
    step = 0
    for kill in range(1, STOPS + 1):
        name = f"kill-{kill}"
        start_worker(stack, name)
        # Past a checkpoint of its own (recorded: its step's events came before the next step's).
        past = max(step, kill * CHECKPOINT_EVERY)
        step = wait_training(stack, run["id"], name, attempt=kill, past_step=past)["progress"]["step"]
        stack.kill(name)
    start_worker(stack, "kill-last")
    done = stack.wait_for_status(run["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert (done["status"], done["attempt"]) == ("succeeded", STOPS + 1), done["error_message"]
    logs = " ".join(line["message"] for line in stack.ok("GET", f"/api/v1/runs/{run['id']}/logs/?tail=5000")["results"])
    assert logs.count("stopped sending heartbeats") == STOPS
    resumed = resumed_at(stack, run["id"])
    assert len(resumed) == STOPS and all(at >= kill * CHECKPOINT_EVERY for kill, at in enumerate(resumed, start=1)), (
        f"each attempt resumes from a checkpoint the one before wrote: {resumed}")
    check_metrics_whole(stack, run["id"], attempts=STOPS + 1)
    stack.processes["kill-last"].send_signal(signal.SIGTERM)
    stack.processes["kill-last"].wait(timeout=300)


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_run_failing_in_a_step_fails_with_the_engines_message_and_the_worker_takes_the_next_run(stack, kit):
    """Injects an exception in a training step (a student whose RMS norms divide by the square root
    of a negative number, rms_norm_eps -1: its first loss is not a number): the run fails with the
    engine's message, and the same worker then runs the next run to success."""
    template = stack.ok("GET", f"/api/v1/models/{kit['student-init']}/")
    broken = stack.ok("POST", "/api/v1/models/", 201, json={
        "workspace": "lab", "name": "diverges-at-once", "source": "config",
        "config": {**template["config"], "rms_norm_eps": -1.0}, "tokenizer_path": template["tokenizer_path"]})
    start_worker(stack, "steps")
    failing = launch(stack, kit, student=broken["id"], max_steps=12)
    done = stack.wait_for_status(failing["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert done["status"] == "failed"
    assert done["error_message"].startswith("the training loss is nan at step 1: lower training.learning_rate")
    following = launch(stack, kit, max_steps=12)
    done = stack.wait_for_status(following["id"], {"succeeded", "failed", "cancelled"}, timeout=600)
    assert done["status"] == "succeeded", done["error_message"]
    assert done["worker"].startswith("it-faults-steps@") and stack.processes["steps"].poll() is None
    stack.processes["steps"].send_signal(signal.SIGTERM)
    stack.processes["steps"].wait(timeout=300)
