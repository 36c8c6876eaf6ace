"""The engine's child process, from its start to its exit, for every way a worker runs one: a
single host, node 0 of a run over several hosts, and the other nodes of such a run.

`start_engine` starts it (or its launcher, torchrun) as the leader of its own process group, with
only the GPUs it was given. A `Supervisor` then watches it until its output streams close: it
hands each line to `handle`, flushes what was gathered, samples the system metrics and, at each
heartbeat, lets `beat` decide whether to stop it. A stop sends SIGTERM once (the engine writes a
checkpoint and exits); an engine still alive `grace_s` later is killed with its whole process group
(SIGKILL: the ranks of a multi-GPU run too), again at each heartbeat until it is gone.

`RunSupervisor` is the supervisor of a recorded run (one host, or node 0): it writes the engine's
events through an EventRecorder, keeps the run's heartbeat, and stops the engine when a user
cancels the run, the worker shuts down, or (node 0) another node is lost.

Never two engines for one run, never an engine without its supervisor:
- the engine dies with the worker (PR_SET_PDEATHSIG), and `never_orphaned` kills it when its
  supervision ends by an exception while the worker lives on;
- through a database outage the rows wait in the recorder, and the engine is paused (SIGSTOP) as
  soon as a write fails, until the run's heartbeat and the rows get through again: it makes no
  progress that could not be recorded. Were it to train on, another worker that takes the run as
  lost meanwhile (its heartbeat went silent) would resume from a checkpoint whose points this
  worker could not store, and they would be missing for good. After RUN_DATABASE_OUTAGE_MAX_S the
  worker gives up: the engine is stopped at a checkpoint and the run fails saying why;
- every write carries the attempt (the fencing token of the worker's claim); when one is refused
  as stale, another worker holds the run: the engine is killed at once, without a checkpoint.

The engine runs in its own process so an out-of-memory kill or a CUDA error fails the run with a
message and leaves the worker alive.
"""
from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import OperationalError

from webapp.runs.selectors.metrics import system_metrics_next_step
from webapp.runs.services.reports import run_heartbeat
from webapp.runs.models import Run
from webapp.runs.resources import Resources
from worker import lifecycle
from webapp.runs.state import StaleAttempt
from worker.outage import OUTAGE_ERRORS, drop_connection
from worker.processes import die_with_parent
from worker.recorder import EventRecorder
from worker.system_metrics import SAMPLE_INTERVAL_S, SystemSampler

log = logging.getLogger("worker")
FLUSH_INTERVAL_S = 0.25
HEARTBEAT_INTERVAL_S = 2.0
# Lines read from the engine and not yet handled; past this the readers wait, and so does the engine.
LINES_QUEUE_MAX = 10_000


def engine_env(gpu_indices: list[int]) -> dict[str, str]:
    """The engine child's environment: offline, unbuffered, only its own GPUs, and the shared cache
    (reference log-probabilities are computed once per reference model and dataset, and reused by
    every run of the installation)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            "DISTILLERY_CACHE_DIR": str(settings.ENGINE_CACHE_DIR),
            "CUDA_VISIBLE_DEVICES": ",".join(str(i) for i in gpu_indices)}


def run_gpu_indices(run: Run) -> list[int]:
    """The run sees exactly the GPUs it asked for (none for a CPU run), numbered from 0 inside it."""
    return [g["index"] for g in lifecycle.identity()["gpus"]][:Resources.of(run).gpus]


def start_engine(command: list[str], gpu_indices: list[int], pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
    """The engine (or its launcher) as the leader of its own process group, dying with the worker."""
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=engine_env(gpu_indices), pass_fds=pass_fds, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent,
    )


def pump(stream, sink: queue.Queue, tag: str) -> None:
    """Puts each line of `stream` in `sink` as (tag, line), then (tag, None) at its end."""
    for line in iter(stream.readline, b""):
        sink.put((tag, line.decode("utf-8", "replace").rstrip("\n")))
    sink.put((tag, None))


def tail_events(path: Path, process, sink: queue.Queue) -> None:
    """Follows the engine's events file line by line until the engine has exited and the file is
    read to its end (the file appears when rank 0 starts; a run that failed earlier has none)."""
    handle, pending = None, b""
    while True:
        exited = process.poll() is not None
        if handle is None and path.exists():
            handle = path.open("rb")
        if handle is not None:
            pending += handle.read()
            *complete, pending = pending.split(b"\n")
            for line in complete:
                sink.put(("events", line.decode("utf-8", "replace")))
        if exited:
            if pending:
                sink.put(("events", pending.decode("utf-8", "replace")))
            if handle is not None:
                handle.close()
            sink.put(("events", None))
            return
        time.sleep(0.1)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Sends `signum` to the engine and every process it started (the ranks of a multi-GPU run): it
    leads its own process group (start_new_session)."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the engine and every process it started."""
    signal_group(process, signal.SIGKILL)


@contextmanager
def never_orphaned(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Supervises `process` in the block; if the block ends with the engine still running (an
    exception in its supervisor), the engine and its process group are killed: no engine trains on
    without a supervisor, to be joined later by a second one for the same run."""
    try:
        yield process
    finally:
        if process.poll() is None:
            log.warning("the engine (pid %s) lost its supervisor: killing it", process.pid)
            kill_group(process)
            process.wait()


class Supervisor(ABC):
    """Watches one engine process (see the module's docstring). Subclasses say what a line, a
    flush, a system sample, a log message and a heartbeat mean for them."""

    flush_interval_s = FLUSH_INTERVAL_S
    heartbeat_interval_s = HEARTBEAT_INTERVAL_S
    kill_message = "the engine did not stop in time: SIGKILL"

    def __init__(self, process: subprocess.Popen, gpu_indices: list[int], first_sample_step: int = 0):
        self.process = process
        self.gpu_indices = gpu_indices
        self.lines: queue.Queue = queue.Queue(maxsize=LINES_QUEUE_MAX)
        self.open_streams = 0
        self.term_sent_at: float | None = None
        self.paused = False
        self.paused_at = 0.0
        self.stale: StaleAttempt | None = None
        self.shutdown_seen = False
        self.grace_s = settings.RUN_CANCEL_GRACE_S
        self.sampler = SystemSampler(process.pid, gpu_indices, first_step=first_sample_step)
        self.follow_stream(process.stdout, "stderr")

    def follow_stream(self, stream, tag: str) -> None:
        """Reads `stream` (a pipe from the engine) until it closes."""
        self.open_streams += 1
        threading.Thread(target=pump, args=(stream, self.lines, tag), daemon=True).start()

    def follow_file(self, path: Path) -> None:
        """Reads the events file the engine writes at `path` until the engine exits."""
        self.open_streams += 1
        threading.Thread(target=tail_events, args=(path, self.process, self.lines), daemon=True).start()

    def watch(self) -> int:
        """Runs until every stream followed has closed; returns the engine's exit code."""
        last_flush = last_beat = last_sample = 0.0
        while self.open_streams:
            self.take_line()
            now = time.monotonic()
            if now - last_flush >= self.flush_interval_s and self.stale is None:
                last_flush = now
                self.guarded(self.flush)
            if now - last_sample >= SAMPLE_INTERVAL_S and self.process.poll() is None and not self.paused:
                last_sample = now
                self.record_sample(self.sampler.sample())
            if lifecycle.shutting_down.is_set() and not self.shutdown_seen:
                self.shutdown_seen, last_beat = True, 0.0  # acted on at once, not at the next heartbeat
            if now - last_beat >= self.heartbeat_interval_s and self.stale is None:
                last_beat = now
                self.guarded(self.beat, now)
                if self.overdue(now) and self.process.poll() is None:
                    self.log("warning", self.kill_message)
                    kill_group(self.process)
        code = self.process.wait()
        self.sampler.close()
        return code

    def take_line(self) -> None:
        """Handles the next line of the engine, if one comes within a flush interval. While the
        rows wait for the database and the buffers are full, it takes none: the readers then
        wait, and the engine with them, instead of memory growing without bound."""
        if self.backlogged():
            time.sleep(self.flush_interval_s)
            return
        try:
            tag, line = self.lines.get(timeout=self.flush_interval_s)
        except queue.Empty:
            return
        if line is None:
            self.open_streams -= 1
        else:
            self.handle(tag, line)

    def guarded(self, write, *args) -> None:
        """Runs `write` (a flush or a heartbeat). A database outage is logged and lived through
        (the rows wait for the next try); a write refused as stale kills the engine at once."""
        try:
            write(*args)
        except StaleAttempt as exc:
            self.abandon(exc)
        except OUTAGE_ERRORS as exc:
            log.warning("database write failed, retrying later: %s", exc)
            drop_connection()

    def abandon(self, stale: StaleAttempt) -> None:
        """Another attempt holds the run: this engine is killed without a checkpoint (that would
        be written into the run directory the new attempt resumes from), and nothing more is
        written."""
        self.stale = stale
        log.warning("%s: killing the engine (pid %s)", stale, self.process.pid)
        kill_group(self.process)

    def backlogged(self) -> bool:
        """Whether the rows waiting for the database fill the buffers."""
        return False

    def pause(self) -> None:
        """SIGSTOP to the engine's process group: it stays in memory and trains no further."""
        if not self.paused and self.process.poll() is None:
            signal_group(self.process, signal.SIGSTOP)
            self.paused, self.paused_at = True, time.monotonic()

    def resume(self) -> None:
        if self.paused:
            signal_group(self.process, signal.SIGCONT)
            self.paused = False

    def stop(self, message: str) -> None:
        """Asks the engine to stop (SIGTERM: it writes a checkpoint first), once."""
        if self.term_sent_at is None:
            self.log("warning", message)
            self.resume()
            self.process.send_signal(signal.SIGTERM)
            self.term_sent_at = time.monotonic()

    def overdue(self, now: float) -> bool:
        """Whether the engine, still running, is killed now."""
        return self.term_sent_at is not None and now - self.term_sent_at > self.grace_s

    @abstractmethod
    def handle(self, tag: str, line: str) -> None:
        """One line of the engine's stdout (its events) or stderr."""

    @abstractmethod
    def flush(self) -> None:
        """Writes what was buffered."""

    @abstractmethod
    def record_sample(self, points: list[tuple[str, int, float, float]]) -> None:
        """Keeps one sample of system metrics."""

    @abstractmethod
    def log(self, level: str, message: str) -> None:
        """A line of the run's log from the worker itself."""

    @abstractmethod
    def beat(self, now: float) -> None:
        """The periodic heartbeat: may decide to stop the engine."""


class RunSupervisor(Supervisor):
    """The supervisor of a run this worker records (its only host, or its node 0). After `watch`,
    `reason` says why the worker stopped the engine: "cancel", "shutdown", "node", "database" or ""
    (it did not); `stale` is set when another attempt took the run (nothing more may be written)."""

    def __init__(self, run: Run, output_dir: Path, process: subprocess.Popen, gpu_indices: list[int]):
        super().__init__(process, gpu_indices, system_metrics_next_step(run=run, now=time.time()))
        self.run = run
        self.attempt = run.attempt
        self.reason = ""
        self.beat_ok_at = time.monotonic()
        here = [str(path) for path in (output_dir / "checkpoints").glob("step-*")]
        self.recorder = EventRecorder(run, checkpoints_here=here)
        self.log("info", f"attempt {run.attempt} on {run.worker}: {' '.join(process.args[1:4])}")
        if gpu_indices:
            self.log("info", f"GPU metrics through {self.sampler.gpus.name}" if self.sampler.gpus else
                     "no GPU metrics: neither NVML nor nvidia-smi answered on this worker")

    def watch(self) -> int:
        code = super().watch()
        if self.stale is None:
            self.guarded(self.drain)
        return code

    def drain(self) -> None:
        """After the engine exited: waits for the artifact uploads, then writes every row left,
        retrying through a database outage until RUN_DATABASE_OUTAGE_MAX_S after it began; then
        raises the outage's error (the run, still `running`, is resumed once its heartbeat is found
        stale)."""
        self.recorder.finish_uploads()
        while not self.recorder.flush():
            if self.recorder.outage.lasted_s() > settings.RUN_DATABASE_OUTAGE_MAX_S:
                raise OperationalError(f"{self.recorder.outage.describe()}; the run's last rows are not written")
            time.sleep(self.flush_interval_s)

    def backlogged(self) -> bool:
        return self.recorder.outage.since is not None and self.recorder.full()

    def handle(self, tag: str, line: str) -> None:
        self.recorder.handle(tag, line)

    def flush(self) -> None:
        if not self.recorder.flush() and self.recorder.outage.since is not None and not self.paused:
            self.log("warning", f"the database does not answer ({self.recorder.outage.last_error}): the engine "
                                "is paused until it does, with the rows it reported kept here")
            self.pause()

    def record_sample(self, points: list[tuple[str, int, float, float]]) -> None:
        self.recorder.metrics.extend(points)

    def log(self, level: str, message: str) -> None:
        self.recorder.logs.append((time.time(), level, message))

    def lost_nodes(self) -> list[str]:
        """What went wrong with the run's other nodes, one phrase per node lost (none on one host)."""
        return []

    def beat(self, now: float) -> None:
        try:
            cancel = run_heartbeat(run=self.run, attempt=self.attempt)
        except OUTAGE_ERRORS as exc:
            self.recorder.outage.failed(exc)  # one outage for the heartbeat and the rows
            self.out_of_reach(now, exc)
            return
        self.beat_ok_at = now
        if self.paused:
            self.recorder.outage.next_try = 0.0  # the database answers: the rows go now, not after the backoff
            if self.recorder.flush():
                self.log("warning", f"the database answers again: the rows are written and the engine resumes "
                                    f"(paused for {now - self.paused_at:.0f} s)")
                self.resume()
        lost = self.lost_nodes()
        if self.term_sent_at is None and (cancel or lifecycle.shutting_down.is_set() or lost):
            self.reason = "cancel" if cancel else "shutdown" if lifecycle.shutting_down.is_set() else "node"
            if self.reason == "shutdown":
                lifecycle.stop_consuming()  # before the run goes back to the queue (worker.outcome)
            if lost:
                self.log("warning", f"{', '.join(lost)}: stopping at a checkpoint")
            self.stop(f"stopping the engine ({self.reason}): SIGTERM")

    def out_of_reach(self, now: float, error: Exception) -> None:
        """The heartbeat did not reach the database: the engine is paused until one does; past
        RUN_DATABASE_OUTAGE_MAX_S the worker gives up and stops it at a checkpoint."""
        silent_s = now - self.beat_ok_at
        if lifecycle.shutting_down.is_set() and self.term_sent_at is None:
            self.reason = "shutdown"
            self.stop("stopping the engine (shutdown, the database unreachable): SIGTERM")
        elif silent_s > settings.RUN_DATABASE_OUTAGE_MAX_S and self.term_sent_at is None:
            self.reason = "database"
            self.stop(f"stopping the engine: the database has not answered for {silent_s:.0f} s "
                      f"(RUN_DATABASE_OUTAGE_MAX_S; last error: {str(error).strip()[:300]}): SIGTERM")
        elif not self.paused and self.term_sent_at is None:
            self.log("warning", f"the database does not answer ({self.recorder.outage.last_error}): the engine "
                                "is paused until it does")
            self.pause()
