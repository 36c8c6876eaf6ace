"""Control-plane benchmark for docs/SCALING.md: dispatch through one broker to 16 worker processes,
and the database load of 100 runs reporting metrics at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dispatch.py \
        [--workers 16] [--runs 320] [--reporting-runs 100] [--seconds 30]

Needs PostgreSQL and Redis (the team deployment). Starts its own stack (fresh database, Redis db 13).

Dispatch: `--workers` worker processes (`python -m worker`, as docker-compose runs them) consume
from one Redis broker; `--runs` runs are created through the REST API by eight concurrent clients.
So that the numbers are the control plane's and not torch's import time on a 2-core machine, the
workers' engine is replaced (ENGINE_PYTHON) by a script that speaks the engine's event protocol:
it reports started, one metric point and finished, and exits 0. Measured per run from the
database: queue latency (started_at - queued_at), and overall runs started per second.

Reporting load: `--reporting-runs` simulated runs ingest metrics along the worker's path
(services.metrics_ingest) at the worker's cadence (a flush every 0.25 s of 10 metrics), for
`--seconds`; measured: ingestion call latency, transactions per second, and the CPU time the
PostgreSQL server processes used (from /proc) per second of wall time.
Writes bench/results/dispatch.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAKE_ENGINE = r'''
import json, sys, time
args = sys.argv[1:]
fd = int(args[args.index("--events-fd") + 1])
with open(fd, "w") as events:
    for event in ({"kind": "status", "status": "started"},
                  {"kind": "metric", "step": 1, "wall": time.time(), "values": {"train/loss": 1.0}},
                  {"kind": "status", "status": "finished"}):
        events.write(json.dumps({"time": time.time(), **event}) + "\n")
        events.flush()
'''


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def postgres_cpu_seconds() -> float:
    """User + system CPU seconds of every process named postgres (the server and its backends)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        if name.startswith("postgres"):
            fields = text[text.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def dispatch(stack, kit_ids: dict, runs: int) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    config = {"training": {"max_steps": 1, "warmup_steps": 0}}

    def create(index: int) -> int:
        return stack.ok("POST", "/api/v1/runs/", 201, json={
            "workspace": "lab", "name": f"dispatch-{index}", "method": "lm_train", "config": config,
            "student": kit_ids["student-init"], "train_dataset": kit_ids["train"]})["id"]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:  # eight API clients at once
        ids = list(pool.map(create, range(runs)))
    create_seconds = time.perf_counter() - started
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        from webapp.runs.models import Run

        if Run.objects.filter(pk__in=ids, finished_at__isnull=True).count() == 0:
            break
        time.sleep(0.5)
    from webapp.runs.models import Run

    rows = list(Run.objects.filter(pk__in=ids).values_list("status", "queued_at", "started_at", "finished_at"))
    statuses = {status: sum(1 for row in rows if row[0] == status) for status in {row[0] for row in rows}}
    latency = [(s - q).total_seconds() * 1000 for _, q, s, _ in rows if s and q]
    first_queued = min(q for _, q, _, _ in rows)
    last_started = max(s for _, _, s, _ in rows if s)
    return {
        "runs": runs, "statuses": statuses,
        "api_creates_per_s": round(runs / create_seconds, 1),
        "runs_started_per_s": round(len(latency) / (last_started - first_queued).total_seconds(), 1),
        "queue_latency_ms": {"p50": round(percentile(latency, 0.5)), "p95": round(percentile(latency, 0.95)),
                             "max": round(max(latency))},
    }


def reporting_load(kit_ids: dict, reporting_runs: int, seconds: float) -> dict:
    from django.db import connection

    from webapp.accounts.models import Workspace
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import Run
    from webapp.runs.services.metrics import metrics_ingest

    workspace = Workspace.objects.get(slug="lab")
    runs = Run.objects.bulk_create([
        Run(workspace=workspace, name=f"reporting-{i}", method="lm_train", config={},
            student=ModelAsset.objects.get(pk=kit_ids["student-init"]),
            train_dataset=Dataset.objects.get(pk=kit_ids["train"]), status="running")
        for i in range(reporting_runs)])
    connection.close()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    names = [f"train/metric_{m}" for m in range(10)]

    def report(run) -> None:
        step = 0
        next_flush = time.monotonic()
        mine = []
        while time.monotonic() < stop:
            step += 1
            points = [(name, step, 1.0 / step, time.time()) for name in names]
            began = time.perf_counter()
            metrics_ingest(run=run, points=points)
            mine.append((time.perf_counter() - began) * 1000)
            next_flush += 0.25
            time.sleep(max(0.0, next_flush - time.monotonic()))
        with lock:
            latencies.extend(mine)
        finished.wait()
        # Close only after the CPU reading: a backend that exits takes its CPU time with it.
        measured.wait()
        connection.close()

    finished = threading.Barrier(reporting_runs + 1)
    measured = threading.Event()
    cpu_before, wall_before = postgres_cpu_seconds(), time.monotonic()
    threads = [threading.Thread(target=report, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    finished.wait()
    wall = time.monotonic() - wall_before
    cpu = postgres_cpu_seconds() - cpu_before
    measured.set()
    for thread in threads:
        thread.join()
    return {
        "reporting_runs": reporting_runs, "seconds": round(wall, 1),
        "ingest_calls_per_s": round(len(latencies) / wall, 1),
        "points_per_s": round(len(latencies) * len(names) / wall),
        "ingest_latency_ms": {"p50": round(statistics.median(latencies), 1),
                              "p95": round(percentile(latencies, 0.95), 1), "max": round(max(latencies), 1)},
        "postgres_cpu_cores": round(cpu / wall, 2),
        "target_calls_per_s": reporting_runs * 4,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--runs", type=int, default=320)
    parser.add_argument("--reporting-runs", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (this benchmark is about the team deployment)")

    from tests.integration.stack import Stack, register_kit

    with tempfile.TemporaryDirectory() as workdir:
        fake = Path(workdir) / "fake_engine.py"
        fake.write_text(FAKE_ENGINE)
        launcher = Path(workdir) / "engine-python"
        launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {fake} \"$@\"\n")
        launcher.chmod(0o755)
        stack = Stack("team", Path(workdir))
        try:
            os.environ["ENGINE_PYTHON"] = str(launcher)
            stack.start()
            for index in range(1, args.workers):
                stack.start_worker(f"worker-{index}")
            kit_ids = register_kit(stack)
            os.environ.update({k: v for k, v in stack.env.items() if k in ("DATABASE_URL", "DISTILLERY_DATA_DIR")})
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
            # A deployment with a database server needs its PUBLIC_URL (links in e-mails; none are sent here).
            os.environ.setdefault("PUBLIC_URL", "http://127.0.0.1")
            os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # required with a database server
            import django

            django.setup()
            time.sleep(5)  # every worker connected to the broker
            results = {"dispatch": dispatch(stack, kit_ids, args.runs)}
            print(json.dumps(results["dispatch"]), flush=True)
            results["reporting"] = reporting_load(kit_ids, args.reporting_runs, args.seconds)
            print(json.dumps(results["reporting"]), flush=True)
        finally:
            stack.stop()
    report = {"command": "bench/dispatch.py " + " ".join(sys.argv[1:]),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
              "workers": args.workers, "results": results}
    out = ROOT / "bench" / "results" / "dispatch.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
