"""Reads of the worker fleet."""
from __future__ import annotations

from django.db.models import QuerySet

from webapp.runs.models import Worker


def workers_all() -> QuerySet[Worker]:
    return Worker.objects.select_related("current_run")


def workers_recent(*, hours: float) -> QuerySet[Worker]:
    """Workers that are up and sent a heartbeat in the last `hours`: stopped workers and ones
    silent longer are left out (they are still in workers_all until housekeeping deletes them)."""
    from datetime import timedelta

    from django.utils import timezone

    return workers_all().filter(stopped_at__isnull=True, last_heartbeat__gte=timezone.now() - timedelta(hours=hours))
