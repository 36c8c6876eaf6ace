"""Writes for the worker fleet's rows."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from webapp.runs.models import Run, Worker


def worker_heartbeat(*, hostname: str, queues: list[str], gpus: list[dict], pid: int, current_run: Run | None) -> None:
    Worker.objects.update_or_create(
        hostname=hostname,
        defaults={"queues": queues, "gpus": gpus, "pid": pid, "current_run": current_run,
                  "last_heartbeat": timezone.now(), "stopped_at": None},
    )


def worker_stopped(*, hostname: str) -> None:
    Worker.objects.filter(hostname=hostname).update(stopped_at=timezone.now(), current_run=None)


def workers_prune(*, older_than: timedelta) -> int:
    """Deletes the rows of workers stopped, or silent, for longer than `older_than`, so the table
    holds the fleet of the recent past rather than every worker that ever started. Runs keep the
    hostname they ran on (Run.worker is text), so no history is lost. Returns how many went."""
    from django.db.models import Q

    cutoff = timezone.now() - older_than
    deleted, _ = Worker.objects.filter(
        Q(stopped_at__lt=cutoff) | Q(stopped_at__isnull=True, last_heartbeat__lt=cutoff)).delete()
    return deleted
