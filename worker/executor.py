"""Runs one run: writes the engine's run spec, starts `python -m engine run` as a child process
and supervises it (worker.supervisor: events into rows, heartbeat, cancellation), then records how
it ended (worker.outcome). A run over several hosts goes to worker.multinode instead.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from webapp.common import storage
from webapp.runs.services.reports import run_claim
from webapp.runs.models import Run, RunStatus
from webapp.runs.resources import Resources
from worker import lifecycle
from worker.multinode import execute_node
from worker.outcome import finish, store_failed
from worker.spec import build_spec, fence
from worker.supervisor import RunSupervisor, never_orphaned, run_gpu_indices, start_engine

log = logging.getLogger("worker")


def execute(run: Run) -> str:
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return f"skipped: run is {run.status}"
    output_dir = Path(settings.ARTIFACT_ROOT) / "runs" / str(run.id)
    output_dir.mkdir(parents=True, exist_ok=True)
    if Resources.of(run).nodes > 1:
        return execute_node(run, output_dir)
    hostname = lifecycle.identity()["hostname"]
    if not run_claim(run=run, worker=hostname, output_dir=str(output_dir)):
        return f"skipped: could not claim run in status {run.status}"
    lifecycle.current_run_id = run.id
    try:
        return supervise(run, output_dir)
    finally:
        lifecycle.current_run_id = None
        close_old_connections()


def engine_command(python: str, spec_file: Path, events_fd: int, gpu_indices: list[int]) -> list[str]:
    """The engine's command line; a run given several GPUs trains data parallel, one rank per GPU
    (the engine starts the ranks and reports through rank 0)."""
    command = [python, "-m", "engine", "run", str(spec_file), "--events-fd", str(events_fd)]
    if len(gpu_indices) > 1:
        command += ["--processes", str(len(gpu_indices))]
    return command


def supervise(run: Run, output_dir: Path) -> str:
    """Runs the engine for `run` (claimed by this worker) on this host, its events coming through
    a pipe, and records what it reports and how it ended."""
    try:
        spec = build_spec(run, output_dir)
    except storage.StoreError as exc:
        return store_failed(run, exc)
    fence(run, output_dir, spec)
    spec_file = output_dir / f"spec-attempt-{run.attempt}.json"
    spec_file.write_text(json.dumps(spec, indent=2))
    gpu_indices = run_gpu_indices(run)
    read_fd, write_fd = os.pipe()
    command = engine_command(settings.ENGINE_PYTHON or sys.executable, spec_file, write_fd, gpu_indices)
    process = start_engine(command, gpu_indices, (write_fd,))
    os.close(write_fd)
    with never_orphaned(process):
        supervisor = RunSupervisor(run, output_dir, process, gpu_indices)
        supervisor.follow_stream(os.fdopen(read_fd, "rb"), "events")
        code = supervisor.watch()
    if supervisor.stale is not None:
        return f"stale: {supervisor.stale}"
    return finish(run, supervisor.recorder, code, supervisor.reason)
