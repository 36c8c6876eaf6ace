"""The run state machine: the only place a run's status changes.

Each move is a compare-and-set UPDATE (`WHERE status IN allowed_from`), so a worker finishing a
run and a user cancelling it at the same moment cannot both win.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from webapp.runs.models import Run, RunStatus

ALLOWED_FROM: dict[str, frozenset[str]] = {
    # Back to the queue: a lost or interrupted run, or a failed/cancelled one resumed by a user.
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.FAILED, RunStatus.CANCELLED}),
    # RUNNING->RUNNING: redelivered to a new worker
    RunStatus.RUNNING: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
    RunStatus.SUCCEEDED: frozenset({RunStatus.RUNNING}),
    RunStatus.FAILED: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
    RunStatus.CANCELLED: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
}


class IllegalTransition(Exception):
    pass


def transition(run: Run, to: str, *, only_if: Q | None = None, **fields) -> bool:
    """Moves `run` to status `to` if its current status allows it; returns whether it moved.

    Timestamps that belong to the move are set here; `fields` are written in the same UPDATE.
    `only_if` narrows the move further (e.g. "and its heartbeat is stale").
    The in-memory `run` is refreshed either way.
    """
    if to not in ALLOWED_FROM:
        raise IllegalTransition(f"unknown status {to!r}")
    now = timezone.now()
    if to == RunStatus.RUNNING:
        fields.setdefault("started_at", now)
    if to in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED):
        fields.setdefault("finished_at", now)
    if to == RunStatus.QUEUED:
        fields.setdefault("queued_at", now)
        fields.setdefault("finished_at", None)
        fields.setdefault("cancel_requested", False)
    candidates = Run.objects.filter(pk=run.pk, status__in=ALLOWED_FROM[to])
    if only_if is not None:
        candidates = candidates.filter(only_if)
    moved = candidates.update(status=to, **fields)
    run.refresh_from_db()
    return bool(moved)
