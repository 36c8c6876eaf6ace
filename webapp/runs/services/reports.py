"""What a worker reports about the run it executes: claim, progress, heartbeats, logs,
artifacts, the end; and the recovery of runs whose worker went silent.

A worker's writes carry its `attempt` (the fencing token its claim counted, Run.attempt): a write
of an attempt that no longer holds the run (another worker took it, or it left `running`) is
refused with StaleAttempt, so an engine left over from an earlier attempt cannot add to the run.
`attempt=None` is a write from outside an attempt (the web, an import), never refused."""
from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from webapp.registry.models import ModelAsset
from webapp.runs.models import Artifact, Run, RunLogLine, RunStatus
from webapp.runs.services.launch import enqueue_run
from webapp.runs.state import check_attempt, transition


def logs_append(*, run: Run, lines: list[tuple[float, str, str]], attempt: int | None = None) -> None:
    """Appends (time, level, message) lines after the run's last sequence number. Several
    processes append to one run (the nodes of a run over several hosts, the web on a resume), so
    the run's row is locked while the next numbers are taken (SQLite: the IMMEDIATE transaction).
    An attempt may still log once its run has ended in it (another node's last lines)."""
    if not lines:
        return
    with transaction.atomic():
        check_attempt(run.pk, attempt, or_ended=True)
        last = RunLogLine.objects.filter(run=run).order_by("-seq").values_list("seq", flat=True).first() or 0
        RunLogLine.objects.bulk_create(
            [RunLogLine(run=run, seq=last + i, time=t, level=level, message=message[:10000])
             for i, (t, level, message) in enumerate(lines, start=1)]
        )


def artifact_record(*, run: Run, kind: str, name: str, path: str, step: int | None, size_bytes: int,
                    attempt: int | None = None) -> Artifact:
    with transaction.atomic():
        check_attempt(run.pk, attempt)
        artifact, _ = Artifact.objects.update_or_create(
            run=run, path=path, defaults={"kind": kind, "name": name, "step": step, "size_bytes": size_bytes}
        )
    return artifact


def artifacts_prune_missing(*, run: Run, among: set[str] | None = None, attempt: int | None = None) -> list[str]:
    """Drops checkpoint rows whose directories the engine deleted (it keeps only the last K), and
    returns their paths. With a remote artifact store each host has only some of a run's
    checkpoints on its disk, so only `among` (those this attempt's engine had) are candidates."""
    from pathlib import Path

    candidates = run.artifacts.filter(kind="checkpoint")
    if among is not None:
        candidates = candidates.filter(path__in=among)
    gone = {a.pk: a.path for a in candidates if not Path(a.path).exists()}
    with transaction.atomic():
        check_attempt(run.pk, attempt)
        Artifact.objects.filter(pk__in=gone).delete()
    return list(gone.values())


def _held(run: Run, attempt: int | None):
    """The run's row, narrowed to `attempt` holding it (all of it with attempt None)."""
    rows = Run.objects.filter(pk=run.pk)
    return rows if attempt is None else rows.filter(attempt=attempt, status=RunStatus.RUNNING)


def run_progress(*, run: Run, step: int, total: int, eta_s: float | None, tokens_per_s: float | None,
                 attempt: int | None = None) -> None:
    updated = _held(run, attempt).update(
        progress_step=step, progress_total=total, eta_s=eta_s, tokens_per_s=tokens_per_s, heartbeat_at=timezone.now()
    )
    if not updated and attempt is not None:
        check_attempt(run.pk, attempt, lock=False)


def run_heartbeat(*, run: Run, attempt: int | None = None) -> bool:
    """Records that the run is alive; returns whether a cancel was requested. Raises StaleAttempt
    when `attempt` no longer holds the run."""
    if not _held(run, attempt).update(heartbeat_at=timezone.now()) and attempt is not None:
        check_attempt(run.pk, attempt, lock=False)
    return Run.objects.filter(pk=run.pk, cancel_requested=True).exists()


def stale_before():
    return timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S)


def run_claim(*, run: Run, worker: str, output_dir: str) -> bool:
    """The worker takes the run: queued -> running. A message redelivered for a run that is still
    running is claimed only if that run's heartbeat has gone silent, so a run never runs twice."""
    return transition(
        run, RunStatus.RUNNING,
        only_if=Q(status=RunStatus.QUEUED) | Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True),
        worker=worker, heartbeat_at=timezone.now(), output_dir=output_dir, attempt=F("attempt") + 1, error_message="",
    )


def runs_recover_lost(*, except_run_id: int | None = None) -> list[int]:
    """Running runs whose worker stopped sending heartbeats go back to the queue (and resume from
    their last checkpoint on another worker), until RUN_MAX_ATTEMPTS; then they fail with the
    reason. Any live worker calls this periodically; the compare-and-set moves make that safe.
    A worker passes the run it executes itself as `except_run_id`: after a database outage its
    run's heartbeat is stale too, but its supervisor is alive and about to renew it."""
    recovered = []
    lost = Run.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale_before())
    for run in lost.exclude(pk=except_run_id) if except_run_id else lost:
        silent_for = int((timezone.now() - run.heartbeat_at).total_seconds())
        checkpoint = run.artifacts.filter(kind="checkpoint").order_by("-step").first()
        where = f"step {checkpoint.step}" if checkpoint else "the start (no checkpoint yet)"
        stale = Q(heartbeat_at__lt=stale_before())
        if run.attempt < settings.RUN_MAX_ATTEMPTS:
            message = (f"Worker {run.worker or '?'} stopped sending heartbeats {silent_for} s ago; "
                       f"resuming from {where} (attempt {run.attempt + 1} of {settings.RUN_MAX_ATTEMPTS}).")
            if transition(run, RunStatus.QUEUED, only_if=stale, error_message=message, worker=""):
                logs_append(run=run, lines=[(time.time(), "warning", message)])
                enqueue_run(run)
                recovered.append(run.id)
        else:
            message = (f"Worker {run.worker or '?'} stopped sending heartbeats {silent_for} s ago, and the run "
                       f"has already been attempted {run.attempt} times (RUN_MAX_ATTEMPTS): giving up.")
            if transition(run, RunStatus.FAILED, only_if=stale, error_message=message):
                recovered.append(run.id)
        if run.id in recovered:
            from webapp.notifications.services import notify_run_event

            notify_run_event(run=run, event="run.lost")
    return recovered


def run_requeue(*, run: Run, message: str, attempt: int | None = None) -> bool:
    """Puts a running run back in the queue (its worker is shutting down); it resumes from its
    last checkpoint wherever it is picked up next."""
    moved = transition(run, RunStatus.QUEUED, only_if=_attempt_is(attempt), error_message=message, worker="")
    if moved:
        enqueue_run(run)
    return moved


def run_finish(*, run: Run, status: str, message: str = "", attempt: int | None = None) -> bool:
    """Ends the run (as attempt `attempt`, when given: a stale attempt's ending changes nothing)."""
    return transition(run, status, only_if=_attempt_is(attempt), error_message=message)


def _attempt_is(attempt: int | None) -> Q | None:
    return None if attempt is None else Q(attempt=attempt)


def run_register_produced_model(*, run: Run) -> None:
    """Registers a succeeded run's final model under the name the run asked for, if any."""
    from webapp.registry.services.models import model_register_from_run

    if (run.register_model_as
            and not ModelAsset.objects.filter(workspace=run.workspace, name=run.register_model_as).exists()):
        model_register_from_run(workspace=run.workspace, user=run.creator, name=run.register_model_as, run=run)
