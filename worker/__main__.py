"""`python -m worker`: starts a Celery worker that serves `cpu`, and `gpu` too when it sees GPUs.

The same command runs in `make run`, in docker-compose's worker services and in the tests.
"""
from __future__ import annotations

import argparse
import os
import socket


def main() -> None:
    parser = argparse.ArgumentParser(description="Start a Distillery training worker.")
    parser.add_argument("--queues", help="Comma-separated queues (default: cpu, plus gpu when GPUs are visible).")
    parser.add_argument("--hostname", default=f"worker-{os.getpid()}@{socket.gethostname()}")
    parser.add_argument("--loglevel", default=os.environ.get("LOG_LEVEL", "INFO"))
    args = parser.parse_args()

    from worker.app import app
    from worker.gpus import visible_gpus
    from webapp.celery_app import ensure_broker_dirs

    ensure_broker_dirs()
    queues = args.queues or ("cpu,gpu" if visible_gpus() else "cpu")
    # One run at a time in this process (solo pool): the run's own heartbeat and the shutdown
    # flag live in this process, and the engine child does the heavy work.
    app.worker_main([
        "worker", "--pool=solo", "--concurrency=1", f"--queues={queues}", f"--hostname={args.hostname}",
        f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle",
    ])


if __name__ == "__main__":
    main()
