"""The attempt number as a fencing token: a worker's claim counts a new attempt, every write of a
worker carries its attempt, and the writes of an attempt that no longer holds the run are refused
(StaleAttempt) and change nothing; its engine is killed at once, and its checkpoints are refused by
the engine itself. An engine never outlives the supervision that started it, and a run resumes from
a checkpoint whose points are all stored."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from engine.checkpoint import check_fence
from engine.errors import EngineError
from engine.spec import FenceSpec
from tests.api.test_runs_api import launch
from tests.worker.test_supervisor import gone, watch
from webapp.runs.models import Run, RunStatus
from webapp.runs.services.metrics import metrics_ingest
from webapp.runs.services.reports import (
    artifact_record, logs_append, run_claim, run_finish, run_heartbeat, run_progress, run_requeue,
)
from webapp.runs.state import StaleAttempt
from worker.spec import fence, latest_checkpoint
from worker.supervisor import RunSupervisor, never_orphaned, start_engine

# Prints a line every 20 ms until killed.
CHATTY = """
import itertools, time
for i in itertools.count():
    print(f"line {i}", flush=True)
    time.sleep(0.02)
"""


def claimed_twice(run: Run, tmp_path: Path) -> Run:
    """Attempt 1 claims the run; its heartbeat goes silent; attempt 2 (another worker) claims it."""
    assert run_claim(run=run, worker="first", output_dir=str(tmp_path)) and run.attempt == 1
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run_claim(run=run, worker="second", output_dir=str(tmp_path)) and run.attempt == 2
    return run


def stale_writes(run: Run, attempt: int, tmp_path: Path) -> dict:
    return {
        "metrics": lambda: metrics_ingest(run=run, points=[("train/loss", 7, 1.0, 1.0)], attempt=attempt),
        "logs": lambda: logs_append(run=run, lines=[(1.0, "info", "from a stale attempt")], attempt=attempt),
        "progress": lambda: run_progress(run=run, step=7, total=9, eta_s=1.0, tokens_per_s=1.0, attempt=attempt),
        "heartbeat": lambda: run_heartbeat(run=run, attempt=attempt),
        "artifact": lambda: artifact_record(run=run, kind="checkpoint", name="step-7", attempt=attempt,
                                            path=str(tmp_path / "checkpoints" / "step-7"), step=7, size_bytes=1),
    }


def test_the_writes_of_an_attempt_that_lost_the_run_to_another_worker_are_refused_and_change_nothing(
        api, registry_objects, tmp_path):
    run = claimed_twice(Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"]), tmp_path)
    for what, write in stale_writes(run, 1, tmp_path).items():
        with pytest.raises(StaleAttempt, match="attempt 1 no longer holds the run .it is at attempt 2, running"):
            write()
    assert not run_finish(run=run, status=RunStatus.SUCCEEDED, attempt=1)
    assert not run_requeue(run=run, message="stale", attempt=1)
    run.refresh_from_db()
    assert (run.status, run.progress_step, run.worker) == (RunStatus.RUNNING, 0, "second")
    assert not run.metric_points.exists() and not run.log_lines.exists() and not run.artifacts.exists()

    for write in stale_writes(run, 2, tmp_path).values():
        write()
    assert run_finish(run=run, status=RunStatus.SUCCEEDED, attempt=2)
    assert list(run.metric_points.values_list("step", flat=True)) == [7]


def test_the_writes_of_an_attempt_whose_run_went_back_to_the_queue_are_refused(api, registry_objects, tmp_path):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="first", output_dir=str(tmp_path))
    assert run_requeue(run=run, message="its worker went silent", attempt=1)
    for write in stale_writes(run, 1, tmp_path).values():
        with pytest.raises(StaleAttempt, match="it is at attempt 1, queued"):
            write()


class LosesItsRun(RunSupervisor):
    """Attempt 1's supervisor; another worker takes the run as soon as the engine has printed."""

    heartbeat_interval_s = 0.1

    def __init__(self, *args, tmp_path: Path, **kwargs):
        super().__init__(*args, **kwargs)
        self.tmp_path, self.lines_before_loss = tmp_path, None

    def flush(self) -> None:
        if self.lines_before_loss is None and self.run.log_lines.count() > 3:
            self.lines_before_loss = self.run.log_lines.count()
            claimed_twice_again(self.run, self.tmp_path)
        super().flush()


def claimed_twice_again(run: Run, tmp_path: Path) -> None:
    other = Run.objects.get(pk=run.pk)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run_claim(run=other, worker="second", output_dir=str(tmp_path)) and other.attempt == 2


def test_an_engine_whose_run_another_worker_took_is_killed_at_the_first_refused_write(
        api, registry_objects, tmp_path):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="first", output_dir=str(tmp_path))
    supervisor = LosesItsRun(run, tmp_path, start_engine([sys.executable, "-c", CHATTY], []), [], tmp_path=tmp_path)
    code = watch(supervisor)
    assert code < 0 and gone(supervisor.process.pid), "the engine was killed (no SIGTERM, no checkpoint)"
    assert isinstance(supervisor.stale, StaleAttempt) and supervisor.stale.attempt == 1
    assert run.log_lines.count() == supervisor.lines_before_loss, "nothing written after the run was lost"
    run.refresh_from_db()
    assert (run.status, run.attempt, run.worker) == (RunStatus.RUNNING, 2, "second")


def test_an_engine_is_killed_when_its_supervision_ends_with_an_exception():
    with pytest.raises(RuntimeError), never_orphaned(start_engine([sys.executable, "-c", CHATTY], [])) as engine:
        raise RuntimeError("the supervisor failed")
    assert gone(engine.pid)


def test_an_engine_writes_no_checkpoint_once_a_newer_attempt_owns_the_run_directory(api, registry_objects, tmp_path):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="first", output_dir=str(tmp_path))
    first: dict = {}
    fence(run, tmp_path, first)
    check_fence(FenceSpec(**first["fence"]))  # its own attempt: it writes
    run.attempt = 2
    second: dict = {}
    fence(run, tmp_path, second)
    check_fence(FenceSpec(**second["fence"]))
    with pytest.raises(EngineError, match=r"attempt 2 of this run has started since this engine \(attempt 1\)"):
        check_fence(FenceSpec(**first["fence"]))
    check_fence(FenceSpec(file=str(tmp_path / "nowhere"), attempt=1))  # no attempt file: nothing to fence


def test_a_run_resumes_from_its_newest_recorded_checkpoint_before_a_newer_unrecorded_one(tmp_path):
    for step in (10, 20, 30):
        (tmp_path / "checkpoints" / f"step-{step}").mkdir(parents=True)
        (tmp_path / "checkpoints" / f"step-{step}" / "trainer_state.pt").write_bytes(b"x")
    # Step 30's points died with the worker that lost the run: step 20 is where none is missing.
    assert latest_checkpoint(tmp_path, {10, 20}) == tmp_path / "checkpoints" / "step-20"
    assert latest_checkpoint(tmp_path, {5}) == tmp_path / "checkpoints" / "step-30", "none recorded: the newest"
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoints" / "step-30"


def test_an_attempt_may_still_log_once_its_run_ended_in_it_but_writes_nothing_else(api, registry_objects, tmp_path):
    """A run over several hosts: node 0 records the outcome, then node 1's worker logs its engine's
    exit under the same attempt. That line is kept; any other write of the attempt, and any line of
    an older attempt, is still refused."""
    run = claimed_twice(Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"]), tmp_path)
    assert run_finish(run=run, status=RunStatus.SUCCEEDED, attempt=2)
    logs_append(run=run, lines=[(1.0, "info", "[node 1] exited with code 0")], attempt=2)
    assert list(run.log_lines.values_list("message", flat=True)) == ["[node 1] exited with code 0"]
    with pytest.raises(StaleAttempt, match="it is at attempt 2, succeeded"):
        logs_append(run=run, lines=[(1.0, "info", "from attempt 1")], attempt=1)
    for what, write in stale_writes(run, 2, tmp_path).items():
        if what != "logs":
            with pytest.raises(StaleAttempt):
                write()
