"""Celery tasks. They take ids, load the row, and hand over to a service or the executor."""
from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger("worker")


@shared_task(name="worker.tasks.run_execute", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_execute(run_id: int) -> str:
    from webapp.runs.models import Run
    from worker.executor import execute

    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        log.warning("run %s does not exist (deleted before it started); dropping the message", run_id)
        return "missing"
    return execute(run)
