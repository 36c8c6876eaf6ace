"""What the engine reports, turned into rows: its JSON-lines events (metrics, logs, progress,
checkpoints and artifacts, its final status) and its stderr, buffered and written in batches; with a
remote artifact store, what it records also goes up to the store."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from webapp.common import storage
from webapp.runs.services.metrics import metrics_ingest
from webapp.runs.services.reports import artifact_record, artifacts_prune_missing, logs_append, run_progress
from webapp.runs.models import Run, RunStatus
from worker import lifecycle
from worker.artifact_sync import Uploads


class RunRows:
    """A run's metric points and log lines, buffered and written in batches."""

    def __init__(self, run: Run):
        self.run = run
        self.metrics: list[tuple[str, int, float, float]] = []
        self.logs: list[tuple[float, str, str]] = []

    def flush(self) -> None:
        if self.metrics:
            metrics_ingest(run=self.run, points=self.metrics)
            self.metrics = []
        if self.logs:
            logs_append(run=self.run, lines=self.logs)
            self.logs = []


class EventRecorder(RunRows):
    """Buffers the engine's events and writes them in batches."""

    def __init__(self, run: Run, checkpoints_here: list[str] = ()):
        super().__init__(run)
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
        super().flush()
