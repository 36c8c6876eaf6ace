"""The supervisor of the engine's child process, on real child processes: a stop asks with SIGTERM,
and an engine that ignores it is killed with its whole process group once the grace period is
over; one that stops when asked is left to exit with its own code. A run's supervisor stops it
when a user cancels the run or the worker shuts down, and the run ends accordingly."""
from __future__ import annotations

import signal
import sys
import threading
import time

import psutil
import pytest

from tests.api.test_runs_api import launch
from webapp.runs.services.reports import run_claim
from webapp.runs.models import Run, RunStatus
from worker import lifecycle
from worker.outcome import finish
from worker.supervisor import RunSupervisor, Supervisor, kill_group, start_engine

# The child ignores SIGTERM, as does a rank it started (same process group), then says so.
STUBBORN = """
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
rank = os.fork()
if rank == 0:
    time.sleep(600)
    os._exit(0)
print(f"rank {rank}", flush=True)
print("ready", flush=True)
time.sleep(600)
"""

# The child stops when asked, with the engine's "cancelled" exit code.
OBEDIENT = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
print("ready", flush=True)
time.sleep(600)
"""


class StopWhenReady(Supervisor):
    """Keeps what it is told, and asks the engine to stop at the first heartbeat after it is ready."""

    heartbeat_interval_s = 0.1

    def __init__(self, process, grace_s: float):
        super().__init__(process, [])
        self.grace_s = grace_s
        self.seen: list[str] = []
        self.logged: list[tuple[float, str, str]] = []

    def handle(self, tag: str, line: str) -> None:
        self.seen.append(line)

    def flush(self) -> None:
        pass

    def record_sample(self, points) -> None:
        pass

    def log(self, level: str, message: str) -> None:
        self.logged.append((time.monotonic(), level, message))

    def beat(self, now: float) -> None:
        if "ready" in self.seen:
            self.stop("stopping the engine: SIGTERM")


def watch(supervisor: Supervisor, timeout_s: float = 600) -> int:
    """`supervisor.watch()` (in this thread: it writes through the test's database connection),
    with the child killed if it runs past `timeout_s`, so that a test fails instead of hanging. The
    bound is generous: at load average 19 an obedient child once read as killed (-9) under 120 s."""
    deadline = threading.Timer(timeout_s, kill_group, [supervisor.process])
    deadline.start()
    try:
        return supervisor.watch()
    finally:
        deadline.cancel()


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_an_engine_that_ignores_sigterm_is_killed_with_its_ranks_after_the_grace_period():
    supervisor = StopWhenReady(start_engine([sys.executable, "-c", STUBBORN], []), grace_s=1.0)
    code = watch(supervisor)
    assert code == -signal.SIGKILL
    [(asked_at, _, asked), (killed_at, level, killed), *again] = supervisor.logged
    assert (asked, level, killed) == ("stopping the engine: SIGTERM", "warning", supervisor.kill_message)
    assert killed_at - asked_at > supervisor.grace_s
    assert all(message == supervisor.kill_message for _, _, message in again)
    # The stream closed, so the rank (which held it too) is dead as well: the whole group was killed.
    rank = int(next(line for line in supervisor.seen if line.startswith("rank ")).split()[1])
    assert gone(rank)


def test_an_engine_that_stops_when_asked_exits_with_its_own_code_and_is_not_killed():
    supervisor = StopWhenReady(start_engine([sys.executable, "-c", OBEDIENT], []), grace_s=60.0)
    assert watch(supervisor) == 3
    assert [message for _, _, message in supervisor.logged] == ["stopping the engine: SIGTERM"]


@pytest.mark.parametrize("why, result, status", [("cancel", "cancelled", RunStatus.CANCELLED),
                                                 ("shutdown", "requeued", RunStatus.QUEUED)])
def test_a_run_supervisor_stops_the_engine_when_the_run_is_cancelled_or_the_worker_shuts_down(
        api, registry_objects, settings, tmp_path, why, result, status):
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="this-worker", output_dir=str(tmp_path))
    run.refresh_from_db()
    supervisor = RunSupervisor(run, tmp_path, start_engine([sys.executable, "-c", OBEDIENT], []), [])
    supervisor.heartbeat_interval_s = 0.1
    if why == "cancel":
        Run.objects.filter(pk=run.pk).update(cancel_requested=True)
    else:
        lifecycle.shutting_down.set()
    try:
        code = watch(supervisor)
    finally:
        lifecycle.shutting_down.clear()
    assert (code, supervisor.reason) == (3, why)
    assert finish(run, supervisor.recorder, code, supervisor.reason) == result
    run.refresh_from_db()
    assert run.status == status
    assert f"stopping the engine ({why}): SIGTERM" in run.log_lines.values_list("message", flat=True)


# The child is stopped while it starts: it has no SIGTERM handler yet, so the signal kills it.
STARTING = """
import time
print("importing torch...", flush=True)
time.sleep(600)
"""


@pytest.mark.reliability
def test_a_worker_shutting_down_requeues_a_run_whose_engine_the_sigterm_killed_while_it_started(
        api, registry_objects, tmp_path):
    """Injects a worker shutdown while the engine is still starting (it dies of the SIGTERM, code -15):
    the run goes back to the queue to resume elsewhere, not `failed` with an out-of-memory message."""
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="this-worker", output_dir=str(tmp_path))
    run.refresh_from_db()
    supervisor = RunSupervisor(run, tmp_path, start_engine([sys.executable, "-c", STARTING], []), [])
    lifecycle.shutting_down.set()
    try:
        code = watch(supervisor)
    finally:
        lifecycle.shutting_down.clear()
    assert (code, supervisor.reason) == (-signal.SIGTERM, "shutdown")
    assert finish(run, supervisor.recorder, code, supervisor.reason) == "requeued"
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and "resumes from its last checkpoint" in run.error_message


# The child dies of a signal nobody in the worker sent.
SELF_KILLED = """
import os, signal, sys
if {signum} != signal.SIGKILL:  # SIGKILL has no handler to reset
    signal.signal({signum}, signal.SIG_DFL)
print("ready", flush=True)
os.kill(os.getpid(), {signum})
"""


@pytest.mark.reliability
@pytest.mark.parametrize("signum, cause", [(signal.SIGTERM, "an operator, a process manager or the host"),
                                           (signal.SIGKILL, "out-of-memory killer"),
                                           (signal.SIGSEGV, "a crash in native code")])
def test_a_run_whose_engine_is_killed_by_a_signal_fails_saying_which_signal_and_its_likely_cause(
        api, registry_objects, tmp_path, signum, cause):
    """Injects a signal from outside the worker into the engine: the run fails naming the signal, and
    only SIGKILL is put down to the out-of-memory killer."""
    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="this-worker", output_dir=str(tmp_path))
    run.refresh_from_db()
    script = SELF_KILLED.format(signum=int(signum))
    supervisor = RunSupervisor(run, tmp_path, start_engine([sys.executable, "-c", script], []), [])
    code = watch(supervisor)
    assert (code, supervisor.reason) == (-signum, "")
    assert finish(run, supervisor.recorder, code, supervisor.reason) == RunStatus.FAILED
    run.refresh_from_db()
    assert f"killed by signal {int(signum)} ({signum.name}), not sent by its worker" in run.error_message
    assert cause in run.error_message
    assert ("out-of-memory" in run.error_message) == (signum == signal.SIGKILL)


@pytest.mark.reliability
def test_a_run_message_reaching_a_worker_that_shuts_down_goes_back_to_the_broker_untouched(api, registry_objects):
    """Injects a run message into a worker already shutting down (Celery's blocking loop reads once more
    after deciding to stop): the task is rejected for requeueing before it starts, and the run stays
    queued, unclaimed. The light jobs' tasks are refused alike."""
    from worker.tasks import dataset_import, model_inspect, playground_generate, run_execute

    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    lifecycle.shutting_down.set()
    try:
        # apply(): the task through Celery's tracer, as a worker runs it, in this process.
        states = [task.apply(args=[run.id]).state
                  for task in (run_execute, model_inspect, playground_generate, dataset_import)]
    finally:
        lifecycle.shutting_down.clear()
    assert states == ["REJECTED"] * 4
    run.refresh_from_db()
    assert (run.status, run.attempt, run.worker) == (RunStatus.QUEUED, 0, "")


@pytest.mark.reliability
def test_a_resumed_attempts_system_samples_follow_the_earlier_attempts_instead_of_colliding(
        api, registry_objects, tmp_path):
    """Injects a resume after an attempt that stored system samples at steps 0-10: the new attempt's
    samples are stored after them (step 11 on, by the seconds since), none lost to the earlier steps."""
    from webapp.runs.services.metrics import metrics_ingest

    run = Run.objects.get(pk=launch(api("member"), registry_objects).json()["id"])
    assert run_claim(run=run, worker="this-worker", output_dir=str(tmp_path))
    run.refresh_from_db()
    earlier = time.time() - 30
    metrics_ingest(run=run, points=[(name, step, 1.0, earlier - 10 + step) for step in (0, 5, 10)
                                    for name in ("system/cpu_percent", "system/memory_mb")])
    supervisor = RunSupervisor(run, tmp_path, start_engine([sys.executable, "-c", OBEDIENT], []), [])
    supervisor.heartbeat_interval_s = 0.1
    lifecycle.shutting_down.set()
    try:
        watch(supervisor)
    finally:
        lifecycle.shutting_down.clear()
    steps = list(run.metric_points.filter(name="system/memory_mb").order_by("step").values_list("step", flat=True))
    assert steps[:3] == [0, 5, 10] and len(steps) >= 4, "the new attempt's first sample is stored"
    assert 10 + 30 <= steps[3] <= 10 + 30 + 600, "its step counts the seconds since the last sample"
