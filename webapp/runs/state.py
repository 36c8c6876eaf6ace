"""The run state machine: the only place a run's status changes.

Each move is a compare-and-set UPDATE (`WHERE status IN allowed_from`), so a worker finishing a
run and a user cancelling it at the same moment cannot both win.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from webapp.runs.models import FINAL_STATUSES, Run, RunStatus

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


class StaleAttempt(Exception):
    """A write of a run's attempt that no longer holds the run: another worker took it (its claim
    counted a new attempt), or it left `running`. The write is refused, and the engine of that
    attempt must stop without writing anything more (no checkpoint either)."""

    def __init__(self, run_id: int, attempt: int, holder: tuple[int, str] | None):
        self.run_id, self.attempt = run_id, attempt
        now = "it was deleted" if holder is None else f"it is at attempt {holder[0]}, {holder[1]}"
        super().__init__(f"run {run_id}: attempt {attempt} no longer holds the run ({now}); its writes are refused")


def run_holder(run_id: int, *, lock: bool) -> tuple[int, str] | None:
    """(attempt, status) of the run, None if it is gone; with `lock`, its row is locked (FOR UPDATE)
    until the transaction ends, so no claim can count a new attempt meanwhile."""
    rows = Run.objects.filter(pk=run_id)
    return (rows.select_for_update() if lock else rows).values_list("attempt", "status").first()


def check_attempt(run_id: int, attempt: int | None, *, lock: bool = True, or_ended: bool = False) -> None:
    """Raises StaleAttempt unless attempt `attempt` still holds the run (it is that attempt's, running),
    or, with `or_ended`, the run ended in that attempt (the last log lines of a run over several hosts:
    node 0 may record the outcome before another node's worker logs its engine's exit).
    `attempt` None: a write from outside a worker's attempt (the web, an import), never refused;
    the row is still locked, as the writes that call this rely on it."""
    holder = run_holder(run_id, lock=lock)
    if attempt is None or holder == (attempt, RunStatus.RUNNING):
        return
    if or_ended and holder is not None and holder[0] == attempt and holder[1] in FINAL_STATUSES:
        return
    raise StaleAttempt(run_id, attempt, holder)


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
