"""What the engine reports, turned into rows: its JSON-lines events (metrics, logs, progress,
checkpoints and artifacts, its final status) and its stderr, buffered and written in batches; with a
remote artifact store, what it records also goes up to the store.

Nothing is written while an event is handled: rows wait in the buffers until `flush`, which writes
them in order (points, log lines, artifacts, then the progress they lead to). While the database is
unreachable the buffers keep growing and `flush` tries again with backoff (worker.outage); every
write is idempotent or happens once (points are unique per run, name and step), so a batch whose
answer the outage swallowed is simply sent again. Every write carries the attempt, and one refused
as stale (StaleAttempt) is left to the supervisor, which stops the engine."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from django.conf import settings

from webapp.common import storage
from webapp.runs.services.metrics import metrics_ingest
from webapp.runs.services.reports import artifact_record, artifacts_prune_missing, logs_append, run_progress
from webapp.runs.models import Run, RunStatus
from worker import lifecycle
from worker.artifact_sync import Uploads
from worker.outage import OUTAGE_ERRORS, Outage


class RunRows:
    """A run's metric points and log lines, buffered and written in batches, as attempt `attempt`
    (None: unfenced), and kept through a database outage."""

    def __init__(self, run: Run, attempt: int | None = None):
        self.run = run
        self.attempt = attempt
        self.metrics: list[tuple[str, int, float, float]] = []
        self.logs: list[tuple[float, str, str]] = []
        self.outage = Outage()

    def pending(self) -> int:
        """Rows waiting to be written."""
        return len(self.metrics) + len(self.logs)

    def full(self) -> bool:
        """Whether the buffers hold RUN_WRITE_BUFFER_MAX_ROWS: the supervisor stops reading the
        engine's events until they are written (the engine then waits on its event pipe)."""
        return self.pending() >= settings.RUN_WRITE_BUFFER_MAX_ROWS

    def flush(self) -> bool:
        """Writes what is buffered, unless the database is down and the next try is not due yet;
        returns whether everything is written. Raises StaleAttempt (this attempt lost the run)."""
        if not self.outage.due():
            return False
        try:
            self.write()
        except OUTAGE_ERRORS as error:
            self.outage.failed(error)
            return False
        self.outage.recovered()
        return True

    def write(self) -> None:
        """Writes every buffer, each cleared once it is in the database."""
        if self.metrics:
            metrics_ingest(run=self.run, points=self.metrics, attempt=self.attempt)
            self.metrics = []
        if self.logs:
            logs_append(run=self.run, lines=self.logs, attempt=self.attempt)
            self.logs = []


class EventRecorder(RunRows):
    """Buffers the engine's events and writes them in batches."""

    def __init__(self, run: Run, checkpoints_here: list[str] = ()):
        super().__init__(run, attempt=run.attempt)
        self.progress: dict | None = None
        self.artifacts: list[dict] = []
        self.prune_due = False
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
            # Only the latest progress matters; it is written after the points that came before it.
            self.progress = {"step": event["step"], "total": event["total"], "eta_s": event.get("eta_s"),
                             "tokens_per_s": event.get("tokens_per_s")}
        elif kind in ("checkpoint", "artifact"):
            artifact_kind = "checkpoint" if kind == "checkpoint" else event.get("type", "model")
            self.artifacts.append({"kind": artifact_kind, "name": event.get("name") or Path(event["path"]).name,
                                   "path": event["path"], "step": event.get("step"),
                                   "size_bytes": event.get("size_bytes", 0)})
            if self.uploads is not None:
                self.uploads.put(event["path"])
            if kind == "checkpoint":
                self.checkpoints_here.add(event["path"])
                self.prune_due = True
        elif kind == "status" and event.get("status") in ("finished", "failed", "cancelled"):
            self.final_status = {"finished": RunStatus.SUCCEEDED, "failed": RunStatus.FAILED,
                                 "cancelled": RunStatus.CANCELLED}[event["status"]]
            self.final_message = event.get("message", "")

    def finish_uploads(self) -> None:
        """Writes the rows (their checkpoints pruned from the store go in the upload queue too),
        waits for every artifact to be in the store, then writes what was logged meanwhile."""
        if self.uploads is not None:
            self.flush()
            self.uploads.finish()
        self.flush()

    def pending(self) -> int:
        return super().pending() + len(self.artifacts)

    def flush(self) -> bool:
        if self.uploads is not None:
            self.logs.extend(self.uploads.take_messages())
        return super().flush()

    def write(self) -> None:
        super().write()
        while self.artifacts:
            artifact_record(run=self.run, attempt=self.attempt, **self.artifacts[0])
            self.artifacts.pop(0)
        if self.prune_due:
            pruned = artifacts_prune_missing(
                run=self.run, among=self.checkpoints_here if self.uploads is not None else None, attempt=self.attempt)
            self.prune_due = False
            for path in pruned if self.uploads is not None else ():
                self.checkpoints_here.discard(path)
                self.uploads.forget(path)
        if self.progress is not None:
            run_progress(run=self.run, attempt=self.attempt, **self.progress)
            self.progress = None
