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


def watch(supervisor: Supervisor, timeout_s: float = 120) -> int:
    """`supervisor.watch()` (in this thread: it writes through the test's database connection),
    with the child killed if it runs past `timeout_s`, so that a test fails instead of hanging."""
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
