"""The heartbeat's housekeeping deletes the rows of workers stopped or silent for over a week."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from webapp.runs.models import Worker
from webapp.runs.services.workers import workers_prune

WEEK = timedelta(days=7)


def add_worker(hostname: str, *, seen_ago: timedelta, stopped_ago: timedelta | None = None) -> Worker:
    now = timezone.now()
    return Worker.objects.create(hostname=hostname, last_heartbeat=now - seen_ago,
                                 stopped_at=None if stopped_ago is None else now - stopped_ago)


@pytest.fixture
def fleet(db):
    add_worker("up", seen_ago=timedelta(seconds=5))
    add_worker("stopped-6d", seen_ago=timedelta(days=6), stopped_ago=timedelta(days=6))
    add_worker("stopped-8d", seen_ago=timedelta(days=8), stopped_ago=timedelta(days=8))
    add_worker("silent-6d", seen_ago=timedelta(days=6))
    add_worker("silent-8d", seen_ago=timedelta(days=8))
    # Silent for 10 days but stopped cleanly 2 days ago: gone for only 2 days.
    add_worker("stopped-2d-after-long-silence", seen_ago=timedelta(days=10), stopped_ago=timedelta(days=2))


def remaining() -> list[str]:
    return sorted(Worker.objects.values_list("hostname", flat=True))


def test_workers_stopped_or_silent_for_longer_than_the_limit_are_deleted(fleet):
    assert workers_prune(older_than=WEEK) == 2
    assert remaining() == ["silent-6d", "stopped-2d-after-long-silence", "stopped-6d", "up"]
    assert workers_prune(older_than=WEEK) == 0


def test_the_heartbeat_prunes_once_then_waits_for_the_interval(fleet, settings, monkeypatch):
    from worker import lifecycle

    settings.WORKERS_RETENTION_DAYS = 5
    clock = [1000.0]
    monkeypatch.setattr(lifecycle.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(lifecycle, "_last_prune", None)
    monkeypatch.setitem(lifecycle._identity, "hostname", "this-worker")
    lifecycle.beat()
    assert remaining() == ["stopped-2d-after-long-silence", "this-worker", "up"]

    add_worker("silent-9d", seen_ago=timedelta(days=9))
    clock[0] += lifecycle.PRUNE_INTERVAL_S - 1
    lifecycle.beat()
    assert "silent-9d" in remaining()
    clock[0] += 1
    lifecycle.beat()
    assert "silent-9d" not in remaining() and "this-worker" in remaining()
