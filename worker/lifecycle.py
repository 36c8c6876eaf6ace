"""Worker-level state: who this worker is, its heartbeat thread, and the shutdown flag.

On a warm shutdown (SIGTERM, Ctrl-C) the running task sees `shutting_down`, stops consuming
(`stop_consuming`), stops the engine (which checkpoints) and puts its run back in the queue, so the
next worker resumes it. A stopping worker takes no new work: Celery's blocking loop (the embedded
filesystem broker) reads the broker once more after it has decided to stop (`synloop` runs a last
cycle in a `finally`), which used to hand the run just requeued straight back to the stopping worker;
that worker then SIGTERMed the engine it had just started and failed the run. Now the queues are
cancelled before the run is requeued, and a message that reaches a stopping worker anyway (an idle
worker's last read) goes back to the broker untouched (worker.tasks.StartsOnlyOnALiveWorker).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from celery import signals

from worker.gpus import visible_gpus

log = logging.getLogger("worker")
HEARTBEAT_INTERVAL_S = 10.0
# Deleting long-gone workers' rows is housekeeping, not a heartbeat's job: once an hour per worker is plenty.
PRUNE_INTERVAL_S = 3600.0

shutting_down = threading.Event()
current_run_id: int | None = None
_identity: dict = {"hostname": socket.gethostname(), "queues": ["cpu"], "gpus": []}
_stop = threading.Event()
_last_prune: float | None = None
_consumer = None  # the Celery consumer of this worker (set when it is ready)


def identity() -> dict:
    return dict(_identity)


def beat() -> None:
    """Reports this worker alive, puts back in the queue any run whose worker went silent, retries
    due notifications and, now and then, deletes the rows of workers long gone."""
    from django.conf import settings

    from webapp.runs.models import Run
    from webapp.notifications.services import deliveries_retry_due
    from webapp.runs.services.reports import runs_recover_lost
    from webapp.runs.services.workers import worker_heartbeat, workers_prune

    global _last_prune

    run = Run.objects.filter(pk=current_run_id).first() if current_run_id else None
    worker_heartbeat(
        hostname=_identity["hostname"], queues=_identity["queues"], gpus=_identity["gpus"], pid=os.getpid(),
        current_run=run,
    )
    for run_id in runs_recover_lost(except_run_id=current_run_id):
        log.warning("run %s lost its worker's heartbeat: requeued or failed (see its log)", run_id)
    deliveries_retry_due()
    now = time.monotonic()
    if _last_prune is None or now - _last_prune >= PRUNE_INTERVAL_S:
        _last_prune = now
        pruned = workers_prune(older_than=timedelta(days=settings.WORKERS_RETENTION_DAYS))
        if pruned:
            log.info("deleted %s worker row(s) stopped or silent for over %s days", pruned,
                     settings.WORKERS_RETENTION_DAYS)


def _heartbeat_loop() -> None:
    from django.db import close_old_connections

    while not _stop.wait(HEARTBEAT_INTERVAL_S):
        try:
            beat()
        except Exception:  # a database hiccup must not kill the heartbeat thread
            log.exception("worker heartbeat failed")
        finally:
            close_old_connections()


@signals.worker_ready.connect
def _on_ready(sender=None, **kwargs) -> None:
    global _consumer

    consumer = _consumer = sender
    _identity["hostname"] = consumer.hostname
    _identity["queues"] = sorted(q.name for q in consumer.task_consumer.queues)
    _identity["gpus"] = visible_gpus()
    beat()
    threading.Thread(target=_heartbeat_loop, name="heartbeat", daemon=True).start()
    log.info("worker %s ready: queues %s, GPUs %s", _identity["hostname"], _identity["queues"], _identity["gpus"])


def stop_consuming() -> None:
    """Cancels every queue this worker consumes, so the broker delivers it nothing more. Called from
    the task (in the worker's main thread, as Celery's remote `cancel_consumer` runs), never from the
    signal handler, which may interrupt the consumer in the middle of a read."""
    consumer = _consumer
    if consumer is None or consumer.task_consumer is None:
        return
    for queue in consumer.task_consumer.queues:  # a copy: each cancel removes its queue
        consumer.cancel_task_queue(queue.name)


@signals.worker_shutting_down.connect
def _on_shutting_down(**kwargs) -> None:
    shutting_down.set()


@signals.worker_shutdown.connect
def _on_shutdown(**kwargs) -> None:
    from webapp.runs.services.workers import worker_stopped

    _stop.set()
    worker_stopped(hostname=_identity["hostname"])
