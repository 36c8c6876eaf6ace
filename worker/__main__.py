"""`python -m worker`: starts a Celery worker that serves `cpu`, and `gpu` too when it sees GPUs.

The same command runs in `make run`, in docker-compose's worker services and in the tests.

Training runs hold their worker for hours, so the command also starts a companion process serving
only the `light` queue (model inspection, dataset imports, playground generations): those jobs
start at once even while the worker trains. The training worker serves `light` too, for when it
is idle or runs without a companion (`--no-light-worker`). The companion stops with the worker.
"""
from __future__ import annotations

import argparse
import atexit
import os
import socket
import subprocess
import sys

from worker.processes import die_with_parent

LIGHT_QUEUE = "light"  # webapp.common.tasks.LIGHT_QUEUE (not imported: that would set up Django first)


def start_light_worker(hostname: str, loglevel: str) -> subprocess.Popen:
    """The companion: `python -m worker --queues light --no-light-worker`, SIGTERMed if we die."""
    companion = subprocess.Popen(
        [sys.executable, "-m", "worker", "--queues", LIGHT_QUEUE, "--no-light-worker",
         "--hostname", f"light-{hostname}", "--loglevel", loglevel],
        preexec_fn=die_with_parent,
    )

    def stop() -> None:
        if companion.poll() is None:
            companion.terminate()
            try:
                companion.wait(timeout=30)
            except subprocess.TimeoutExpired:
                companion.kill()

    atexit.register(stop)
    return companion


def check_artifact_store() -> None:
    """A worker that could not store what its runs write must not take runs: it stops at once,
    saying which settings to check (webapp.common.storage)."""
    from webapp.common import storage

    try:
        storage.check()
    except storage.StoreError as exc:
        sys.exit(f"worker: {exc.message}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Start a Distillery training worker.")
    parser.add_argument("--queues", help="Comma-separated queues (default: cpu, plus gpu when GPUs are visible); "
                                         f"'{LIGHT_QUEUE}' is always added.")
    parser.add_argument("--hostname", default=f"worker-{os.getpid()}@{socket.gethostname()}")
    parser.add_argument("--loglevel", default=os.environ.get("LOG_LEVEL", "INFO"))
    parser.add_argument("--no-light-worker", dest="light_worker", action="store_false",
                        help=f"do not start the companion process for the '{LIGHT_QUEUE}' queue")
    args = parser.parse_args()
    # Its PostgreSQL connections show as distillery-worker in pg_stat_activity (webapp/settings.py).
    os.environ.setdefault("DATABASE_APPLICATION_NAME", "distillery-worker")

    from worker.app import app
    from worker.gpus import visible_gpus
    from webapp.celery_app import ensure_broker_dirs

    ensure_broker_dirs()
    check_artifact_store()
    queues = [q for q in (args.queues or ("cpu,gpu" if visible_gpus() else "cpu")).split(",") if q]
    if LIGHT_QUEUE not in queues:
        queues.append(LIGHT_QUEUE)
    if args.light_worker and queues != [LIGHT_QUEUE]:
        start_light_worker(args.hostname, args.loglevel)
    # One run at a time in this process (solo pool): the run's own heartbeat and the shutdown
    # flag live in this process, and the engine child does the heavy work.
    app.worker_main([
        "worker", "--pool=solo", "--concurrency=1", f"--queues={','.join(queues)}", f"--hostname={args.hostname}",
        f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle",
    ])


if __name__ == "__main__":
    main()
