"""Reads of a run's log lines."""
from __future__ import annotations

from webapp.runs.models import Run, RunLogLine


def log_lines_tail(*, run: Run, count: int) -> list[RunLogLine]:
    lines = list(RunLogLine.objects.filter(run=run).order_by("-seq")[:count])
    return lines[::-1]


def log_lines_after(*, run: Run, after_seq: int, limit: int = 1000) -> list[RunLogLine]:
    return list(RunLogLine.objects.filter(run=run, seq__gt=after_seq).order_by("seq")[:limit])
