"""Runs one run: writes the engine's run spec, starts `python -m engine run` as a child process,
turns its event stream into rows, keeps the heartbeat, and honours cancellation.

The engine runs in its own process so an out-of-memory kill or a CUDA error fails the run with a
message and leaves the worker alive.
"""
from __future__ import annotations

import json
import logging
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from webapp.common import storage
from webapp.notifications.services import notify_run_event
from webapp.runs.engine_spec import run_spec
from webapp.runs.resources import Resources
from webapp.runs.services.metrics import metrics_ingest
from webapp.runs.services.nodes import run_nodes_lost
from webapp.runs.services.reports import (
    artifact_record, artifacts_prune_missing, logs_append, run_claim, run_finish, run_heartbeat, run_progress,
    run_register_produced_model, run_requeue,
)
from webapp.runs.models import Run, RunStatus
from worker import lifecycle
from worker.artifact_sync import Uploads
from worker.processes import die_with_parent
from worker.system_metrics import SAMPLE_INTERVAL_S, SystemSampler

log = logging.getLogger("worker")

FLUSH_INTERVAL_S = 0.25
HEARTBEAT_INTERVAL_S = 2.0
ENGINE_EXIT = {0: RunStatus.SUCCEEDED, 3: RunStatus.CANCELLED}


def build_spec(run: Run, output_dir: Path, resume: bool = True) -> dict:
    """The engine's run spec for this run (webapp.runs.engine_spec), its inputs fetched to this
    host from the artifact store where they live there, resuming (with `resume`) from the newest
    complete checkpoint on this host or in the store. Raises StoreError if the store fails."""
    spec = run_spec(
        method=run.method, seed=run.seed, config=run.config, output_dir=str(output_dir), student=run.student,
        teacher=run.teacher, reference=run.reference, train_dataset=run.train_dataset,
        validation_dataset=run.validation_dataset, replay_dataset=run.replay_dataset,
    )
    storage.pull_spec(spec)
    checkpoint = latest_checkpoint(output_dir) if resume else None
    if checkpoint is not None:
        spec["resume_from"] = str(checkpoint)
    return spec


def latest_checkpoint(output_dir: Path) -> Path | None:
    """The newest complete checkpoint, on this host's disk or in the artifact store (fetched here
    if it is only there: the run may resume on another host than the one that wrote it). The disk
    and the store, not the artifact rows, are the truth: an engine stopped by its worker's death
    writes a last checkpoint nobody was left to record. The engine writes `step-N.partial/` and
    renames it when complete (engine/checkpoint.py); the store holds a directory once its manifest
    is there (webapp.common.storage)."""
    found = {int(path.name[5:]): path for path in (output_dir / "checkpoints").glob("step-*")
             if path.name[5:].isdigit() and (path / "trainer_state.pt").is_file()}
    for step, path in sorted(storage.stored_checkpoints(output_dir).items(), reverse=True):
        if step <= max(found, default=-1):
            break
        if storage.pull(path) and (path / "trainer_state.pt").is_file():
            found[step] = path
            break
    return found[max(found)] if found else None


def _pump(stream, sink: queue.Queue, tag: str) -> None:
    for line in iter(stream.readline, b""):
        sink.put((tag, line.decode("utf-8", "replace").rstrip("\n")))
    sink.put((tag, None))


class EventRecorder:
    """Buffers the engine's events and writes them in batches."""

    def __init__(self, run: Run, checkpoints_here: list[str] = ()):
        self.run = run
        self.metrics: list[tuple[str, int, float, float]] = []
        self.logs: list[tuple[float, str, str]] = []
        self.final_status: str | None = None
        self.final_message = ""
        # With a remote artifact store: what is recorded goes up from a background thread, and only
        # the checkpoints this attempt's engine has on its disk (those there when it started, then
        # those it writes) can have been pruned by it.
        self.uploads = Uploads(run.worker or lifecycle.identity()["hostname"]) if storage.store() else None
        self.checkpoints_here: set[str] = set(checkpoints_here)

    def handle(self, tag: str, line: str) -> None:
        if tag == "stderr":
            if line.strip():
                self.logs.append((time.time(), "info", line))
            return
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            self.logs.append((time.time(), "info", line))
            return
        kind = event.get("kind")
        if kind == "metric":
            for name, value in event["values"].items():
                if value is None:
                    continue
                if not math.isfinite(value):
                    # JSON has no NaN, so the store keeps finite values only; the log says where it diverged.
                    self.logs.append((time.time(), "warning",
                                      f"{name} was {value} at step {event['step']} (not stored)"))
                    continue
                self.metrics.append((name, int(event["step"]), float(value), float(event.get("wall", time.time()))))
        elif kind == "log":
            self.logs.append((event.get("time", time.time()), event.get("level", "info"), event["message"]))
        elif kind == "progress":
            self.flush()
            run_progress(
                run=self.run, step=event["step"], total=event["total"], eta_s=event.get("eta_s"),
                tokens_per_s=event.get("tokens_per_s"),
            )
        elif kind in ("checkpoint", "artifact"):
            self.flush()
            artifact_kind = "checkpoint" if kind == "checkpoint" else event.get("type", "model")
            artifact_record(
                run=self.run, kind=artifact_kind, name=event.get("name") or Path(event["path"]).name,
                path=event["path"], step=event.get("step"), size_bytes=event.get("size_bytes", 0),
            )
            if self.uploads is not None:
                self.uploads.put(event["path"])
            if kind == "checkpoint":
                self.checkpoints_here.add(event["path"])
                pruned = artifacts_prune_missing(
                    run=self.run, among=self.checkpoints_here if self.uploads is not None else None)
                for path in pruned if self.uploads is not None else ():
                    self.checkpoints_here.discard(path)
                    self.uploads.forget(path)
        elif kind == "status" and event.get("status") in ("finished", "failed", "cancelled"):
            self.final_status = {"finished": RunStatus.SUCCEEDED, "failed": RunStatus.FAILED,
                                 "cancelled": RunStatus.CANCELLED}[event["status"]]
            self.final_message = event.get("message", "")

    def finish_uploads(self) -> None:
        """Waits for every artifact to be in the store, then writes what was logged meanwhile."""
        if self.uploads is not None:
            self.uploads.finish()
        self.flush()

    def flush(self) -> None:
        if self.uploads is not None:
            self.logs.extend(self.uploads.take_messages())
        if self.metrics:
            metrics_ingest(run=self.run, points=self.metrics)
            self.metrics = []
        if self.logs:
            logs_append(run=self.run, lines=self.logs)
            self.logs = []


def execute(run: Run) -> str:
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return f"skipped: run is {run.status}"
    output_dir = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    output_dir.mkdir(parents=True, exist_ok=True)
    if Resources.of(run).nodes > 1:
        from worker.multinode import execute_node

        return execute_node(run, output_dir)
    hostname = lifecycle.identity()["hostname"]
    if not run_claim(run=run, worker=hostname, output_dir=str(output_dir)):
        return f"skipped: could not claim run in status {run.status}"
    lifecycle.current_run_id = run.id
    try:
        return _supervise(run, output_dir)
    finally:
        lifecycle.current_run_id = None
        close_old_connections()


def engine_env(gpu_indices: list[int]) -> dict[str, str]:
    """The engine child's environment: offline, unbuffered, only its own GPUs, and the shared cache
    (reference log-probabilities are computed once per reference model and dataset, and reused by
    every run of the installation)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            "DISTILLERY_CACHE_DIR": str(settings.ENGINE_CACHE_DIR),
            "CUDA_VISIBLE_DEVICES": ",".join(str(i) for i in gpu_indices)}


def engine_command(python: str, spec_file: Path, events_fd: int, gpu_indices: list[int]) -> list[str]:
    """The engine's command line; a run given several GPUs trains data parallel, one rank per GPU
    (the engine starts the ranks and reports through rank 0)."""
    command = [python, "-m", "engine", "run", str(spec_file), "--events-fd", str(events_fd)]
    if len(gpu_indices) > 1:
        command += ["--processes", str(len(gpu_indices))]
    return command


def run_gpu_indices(run: Run) -> list[int]:
    """The run sees exactly the GPUs it asked for (none for a CPU run), numbered from 0 inside it."""
    return [g["index"] for g in lifecycle.identity()["gpus"]][:Resources.of(run).gpus]


def start_engine(command: list[str], gpu_indices: list[int], pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
    """The engine (or its launcher) as the leader of its own process group, dying with the worker."""
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=engine_env(gpu_indices), pass_fds=pass_fds, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent,
    )


def _supervise(run: Run, output_dir: Path, node=None, nodes: list | None = None, spec: dict | None = None) -> str:
    """Runs the engine for `run` on this worker and records what it reports. With `node` (node 0 of
    a run over several hosts) the engine is this host's torchrun, its events come through a file,
    and the other nodes are watched: one that leaves or goes silent stops the run at a checkpoint."""
    if spec is None:
        try:
            spec = build_spec(run, output_dir)
        except storage.StoreError as exc:
            return _store_failed(run, exc)
    spec_file = output_dir / f"spec-attempt-{run.attempt}.json"
    spec_file.write_text(json.dumps(spec, indent=2))
    gpu_indices = run_gpu_indices(run)
    python = settings.ENGINE_PYTHON or sys.executable
    lines: queue.Queue = queue.Queue()
    if node is None:
        read_fd, write_fd = os.pipe()
        process = start_engine(engine_command(python, spec_file, write_fd, gpu_indices), gpu_indices, (write_fd,))
        os.close(write_fd)
        threading.Thread(target=_pump, args=(os.fdopen(read_fd, "rb"), lines, "events"), daemon=True).start()
    else:
        from worker.multinode import tail_events, torchrun_command

        events_file = output_dir / f"events-attempt-{run.attempt}.jsonl"
        events_file.unlink(missing_ok=True)
        process = start_engine(torchrun_command(python, spec_file, events_file, gpu_indices, node=node,
                                                nodes=nodes), gpu_indices)
        threading.Thread(target=tail_events, args=(events_file, process, lines), daemon=True).start()
    threading.Thread(target=_pump, args=(process.stdout, lines, "stderr"), daemon=True).start()
    recorder = EventRecorder(run, checkpoints_here=[str(p) for p in (output_dir / "checkpoints").glob("step-*")])
    sampler = SystemSampler(process.pid, gpu_indices)
    recorder.logs.append((time.time(), "info", f"attempt {run.attempt} on {run.worker}: {' '.join(process.args[1:4])}"))
    if gpu_indices:
        recorder.logs.append((time.time(), "info", f"GPU metrics through {sampler.gpus.name}" if sampler.gpus else
                              "no GPU metrics: neither NVML nor nvidia-smi answered on this worker"))

    open_streams, last_flush, last_beat, last_sample = 2, 0.0, 0.0, 0.0
    term_sent_at: float | None = None
    reason = ""
    while open_streams:
        try:
            tag, line = lines.get(timeout=FLUSH_INTERVAL_S)
            if line is None:
                open_streams -= 1
            else:
                recorder.handle(tag, line)
        except queue.Empty:
            pass
        now = time.monotonic()
        if now - last_flush >= FLUSH_INTERVAL_S:
            recorder.flush()
            last_flush = now
        if now - last_sample >= SAMPLE_INTERVAL_S and process.poll() is None:
            last_sample = now
            recorder.metrics.extend(sampler.sample())
        if now - last_beat >= HEARTBEAT_INTERVAL_S:
            last_beat = now
            cancel = run_heartbeat(run=run)
            lost = run_nodes_lost(run=run, attempt=node.attempt) if node is not None else []
            if term_sent_at is None and (cancel or lifecycle.shutting_down.is_set() or lost):
                reason = "cancel" if cancel else "shutdown" if lifecycle.shutting_down.is_set() else "node"
                if lost:
                    reason_text = ", ".join(f"node {n.node_rank} ({n.worker}) is {_node_trouble(n)}" for n in lost)
                    recorder.logs.append((time.time(), "warning", f"{reason_text}: stopping at a checkpoint"))
                recorder.logs.append((time.time(), "warning", f"stopping the engine ({reason}): SIGTERM"))
                process.send_signal(signal.SIGTERM)
                term_sent_at = now
            elif (term_sent_at is not None and now - term_sent_at > settings.RUN_CANCEL_GRACE_S
                    and process.poll() is None):
                recorder.logs.append((time.time(), "warning", "the engine did not stop in time: SIGKILL"))
                _kill_engine(process)
    code = process.wait()
    sampler.close()
    recorder.flush()
    recorder.finish_uploads()
    if node is not None:
        from worker.multinode import settle_nodes

        code, reason = settle_nodes(run, node, recorder, code, reason)
    return _finish(run, recorder, code, reason)


def _store_failed(run: Run, exc: Exception) -> str:
    """The run's inputs or checkpoint could not be fetched: nothing started, the run fails saying
    why (a deployment problem: resume it once the store answers)."""
    message = f"{exc.message} Nothing was trained; resume the run once the store answers."
    logs_append(run=run, lines=[(time.time(), "error", message)])
    if run_finish(run=run, status=RunStatus.FAILED, message=message):
        notify_run_event(run=run, event="run.failed")
    return str(RunStatus.FAILED)


def _node_trouble(node) -> str:
    return "leaving (its worker is shutting down)" if node.status == "leaving" else "silent (no heartbeat)"


def _kill_engine(process: subprocess.Popen) -> None:
    """SIGKILL the engine and every process it started (the ranks of a multi-GPU run): it leads
    its own process group (start_new_session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _finish(run: Run, recorder: EventRecorder, code: int, reason: str) -> str:
    if reason == "shutdown" and code in (0, 3, -signal.SIGKILL):
        if code == 0:
            return _finish(run, recorder, code, reason="")
        # Back in the queue: the next worker resumes from the checkpoint the engine just wrote.
        run_requeue(run=run, message="The worker shut down; the run resumes from its last checkpoint.")
        return "requeued"
    if reason == "node":
        # A host of a run over several hosts went away: like a lost run, resume from the checkpoint.
        message = recorder.final_message or "A node of the run went away."
        if run.attempt < settings.RUN_MAX_ATTEMPTS:
            message = (f"{message} Resuming from the last checkpoint (attempt {run.attempt + 1} of "
                       f"{settings.RUN_MAX_ATTEMPTS}).")
            logs_append(run=run, lines=[(time.time(), "warning", message)])
            run_requeue(run=run, message=message)
            return "requeued"
        if run_finish(run=run, status=RunStatus.FAILED, message=f"{message} The run has been attempted "
                                                                        f"{run.attempt} times (RUN_MAX_ATTEMPTS)."):
            notify_run_event(run=run, event="run.failed")
        return str(RunStatus.FAILED)
    if reason == "cancel":
        if run_finish(run=run, status=RunStatus.CANCELLED, message="Cancelled by a user."):
            notify_run_event(run=run, event="run.cancelled")
        return "cancelled"
    status = recorder.final_status or ENGINE_EXIT.get(code, RunStatus.FAILED)
    message = recorder.final_message
    if status == RunStatus.FAILED and not message:
        if code < 0:
            message = f"The engine process was killed by signal {-code} ({signal.Signals(-code).name}); " \
                      "an out-of-memory kill is the usual cause: try a smaller batch or model."
        else:
            message = f"The engine exited with code {code} without reporting why; see the run's log."
    finished = run_finish(run=run, status=status, message=message)
    if finished:
        notify_run_event(run=run, event=f"run.{status}")
    if status == RunStatus.SUCCEEDED:
        try:
            run_register_produced_model(run=run)
        except Exception as exc:  # the run succeeded; a failed registration is reported, not fatal
            logs_append(run=run, lines=[(time.time(), "error", f"could not register the model: {exc}")])
    return str(status)
