"""Worker-level state: who this worker is, its heartbeat thread, and the shutdown flag.

On a warm shutdown (SIGTERM, Ctrl-C) the running task sees `shutting_down`, stops the engine
(which checkpoints) and puts its run back in the queue, so the next worker resumes it.
"""
from __future__ import annotations

import logging
import os
import socket
import threading

from celery import signals

from worker.gpus import visible_gpus

log = logging.getLogger("worker")
HEARTBEAT_INTERVAL_S = 10.0

shutting_down = threading.Event()
current_run_id: int | None = None
_identity: dict = {"hostname": socket.gethostname(), "queues": ["cpu"], "gpus": []}
_stop = threading.Event()


def identity() -> dict:
    return dict(_identity)


def beat() -> None:
    """Reports this worker alive, and puts back in the queue any run whose worker went silent."""
    from webapp.runs.models import Run
    from webapp.notifications.services import deliveries_retry_due
    from webapp.runs.services import runs_recover_lost, worker_heartbeat

    run = Run.objects.filter(pk=current_run_id).first() if current_run_id else None
    worker_heartbeat(
        hostname=_identity["hostname"], queues=_identity["queues"], gpus=_identity["gpus"], pid=os.getpid(),
        current_run=run,
    )
    for run_id in runs_recover_lost():
        log.warning("run %s lost its worker's heartbeat: requeued or failed (see its log)", run_id)
    deliveries_retry_due()


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
    consumer = sender
    _identity["hostname"] = consumer.hostname
    _identity["queues"] = sorted(q.name for q in consumer.task_consumer.queues)
    _identity["gpus"] = visible_gpus()
    beat()
    threading.Thread(target=_heartbeat_loop, name="heartbeat", daemon=True).start()
    log.info("worker %s ready: queues %s, GPUs %s", _identity["hostname"], _identity["queues"], _identity["gpus"])


@signals.worker_shutting_down.connect
def _on_shutting_down(**kwargs) -> None:
    shutting_down.set()


@signals.worker_shutdown.connect
def _on_shutdown(**kwargs) -> None:
    from webapp.runs.services import worker_stopped

    _stop.set()
    worker_stopped(hostname=_identity["hostname"])
