"""The one way web code queues background work: by task name, after the transaction commits.

Sending by name keeps the web tier free of worker code and torch; sending on commit means a
worker never sees a run id whose row is not yet visible, and a rolled-back request queues nothing.
"""
from __future__ import annotations

from django.db import transaction

LIGHT_QUEUE = "light"
"""Short jobs (model inspection, dataset import, playground generations). Every worker serves it,
and `python -m worker` starts a companion process that serves only it, so these jobs never wait
behind a training run that holds the worker."""


def enqueue(task_name: str, *args, queue: str) -> None:
    from webapp.celery_app import app, ensure_broker_dirs

    def send() -> None:
        ensure_broker_dirs()  # the embedded broker's folders may not exist before the first worker starts
        app.send_task(task_name, args=args, queue=queue)

    transaction.on_commit(send)
