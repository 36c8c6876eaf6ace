"""Benchmark of the metrics store on PostgreSQL: ingestion along the worker's real path, series
reads downsampled to 1,000 points, a page of the runs list with summaries, and a 20,000-point
history read over HTTP (the measure bench/mlflow_baseline.py takes of MLflow).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/metrics_store.py [--full]

Creates and drops its own database (distillery_bench_<random>). Prints a table and writes
bench/results/metrics_store.json. --full is the issue's size (10 runs x 10 metrics x 100,000 steps);
the default is a tenth of that (and a 100,000-point series instead of 1,000,000).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


HISTORY_POINTS, HISTORY_READS = 20_000, 7


def copy_run(template):
    """A new run with the template's fields (its own id and creation time)."""
    from webapp.runs.models import Run

    return Run.objects.create(**{f.name: getattr(template, f.name) for f in Run._meta.fields
                                 if f.name not in ("id", "created_at")})


def history_over_http(database_url: str, user, template_run) -> dict:
    """Median times to read a HISTORY_POINTS-point metric through uvicorn on this database: every
    point (the JSON export) and the chart's downsampled series (<= 1,000 points)."""
    import requests

    from tests.integration.stack import web_server
    from webapp.accounts.services import api_token_create
    from webapp.runs.services.metrics import metrics_ingest

    run = copy_run(template_run)
    for first in range(0, HISTORY_POINTS, 1000):  # 1,000-point batches, as the MLflow baseline logs
        metrics_ingest(run=run, points=[("loss", s, 1.0 / (s + 1), 1.7e9 + s) for s in range(first, first + 1000)])
    _, token = api_token_create(user=user, name="bench")
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    with web_server({**os.environ, "DATABASE_URL": database_url, "ALLOWED_HOSTS": "127.0.0.1"}) as origin:
        base = f"{origin}/api/v1/runs/{run.pk}"

        def timed(path: str, check) -> float:
            timings = []
            for _ in range(HISTORY_READS):
                started = time.perf_counter()
                response = session.get(f"{base}/{path}", timeout=60)
                assert response.status_code == 200, response.text[:300]
                body = response.json()
                timings.append(time.perf_counter() - started)
                assert check(body), response.text[:300]
            return round(statistics.median(timings) * 1000, 1)

        full_ms = timed("metrics/export/?as=json&names=loss",
                        lambda body: len({point[1] for point in body["points"]}) == HISTORY_POINTS)
        chart_ms = timed("metrics/?names=loss", lambda body: 0 < len(body["series"][0]["steps"]) <= 1000)
    return {"history_points": HISTORY_POINTS, "history_full_http_median_ms": full_ms,
            "history_downsampled_http_median_ms": chart_ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--batch", type=int, default=10_000, help="points per ingestion call (one worker flush)")
    parser.add_argument("--sequential", action="store_true",
                        help="ingest every run through one connection in turn instead of one process per run")
    args = parser.parse_args()
    steps = 100_000 if args.full else 10_000
    runs_n, metrics_n = 10, 10

    from tests.integration.stack import drop_postgres, fresh_postgres_url

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = fresh_postgres_url(prefix="distillery_bench")
    os.environ["DATABASE_URL"] = url
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    try:
        call_command("migrate", "-v", "0")
        from webapp.accounts.models import Membership, User, Workspace
        from webapp.registry.models import Dataset, ModelAsset
        from webapp.runs.selectors import metrics
        from webapp.runs.models import Run
        from webapp.runs.services.metrics import metrics_ingest

        user = User.objects.create_user("bench", password="bench-password")
        workspace = Workspace.objects.create(name="Bench", slug="bench")
        Membership.objects.create(user=user, workspace=workspace, role="owner")
        model = ModelAsset.objects.create(workspace=workspace, name="m", source="config",
                                          config={"model_type": "llama"})
        dataset = Dataset.objects.create(workspace=workspace, name="d", kind="text", file="/dev/null", sha256="0",
                                         row_count=1, size_bytes=1)
        def new_run(i):
            return Run(workspace=workspace, creator=user, name=f"run-{i}", method="lm_train", student=model,
                       train_dataset=dataset, config={"training": {"learning_rate": 1e-3 * (i % 7)}})

        runs = Run.objects.bulk_create([new_run(i) for i in range(runs_n)])
        names = [f"train/metric_{m}" for m in range(metrics_n)]

        # Ingestion: the worker's path, one call per flush. Concurrent (the default): each run from its
        # own process and connection, as each run's worker does. Sequential: every run through one
        # connection, batches interleaved.
        per_run_steps = args.batch // metrics_n

        def batch_of(first: int) -> list[tuple[str, int, float, float]]:
            return [(name, step, 1.0 / (step + 1) + m, 1.7e9 + step)
                    for step in range(first, min(first + per_run_steps, steps)) for m, name in enumerate(names)]

        total = 0
        started = time.perf_counter()
        if args.sequential:
            for first in range(0, steps, per_run_steps):
                for run in runs:
                    total += metrics_ingest(run=run, points=batch_of(first))
        else:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            counts = context.Queue()

            def ingest_run(run_id: int) -> None:
                run = Run.objects.get(pk=run_id)
                counts.put(sum(metrics_ingest(run=run, points=batch_of(first))
                               for first in range(0, steps, per_run_steps)))
                connection.close()

            connection.close()  # each forked process opens its own
            started = time.perf_counter()
            processes = [context.Process(target=ingest_run, args=(run.pk,)) for run in runs]
            for process in processes:
                process.start()
            total = sum(counts.get() for _ in processes)
            for process in processes:
                process.join()
        ingest_s = time.perf_counter() - started
        batch = batch_of(0)
        resent = metrics_ingest(run=runs[0], points=batch)

        # Series read: one long series on its own run.
        long_points = 1_000_000 if args.full else 100_000
        long_run = copy_run(runs[0])
        for first in range(0, long_points, 100_000):
            metrics_ingest(run=long_run, points=[("long", s, float((s * 7919) % 997), 1.7e9 + s)
                                                 for s in range(first, first + 100_000)])
        series_name = "long"
        timings = []
        for _ in range(7):
            t = time.perf_counter()
            series = metrics.metric_series(run=long_run, names=[series_name], max_points=1000)
            timings.append(time.perf_counter() - t)
        assert len(series[0]["steps"]) <= 1000 and series[0]["downsampled"]

        # History over HTTP, like for like with bench/mlflow_baseline.py's get-history: a 20,000-point
        # metric on its own run, read through a real uvicorn server with a token, as a script would.
        history = history_over_http(url, user, runs[0])

        # Runs list: 10,000 runs, a page of 50 with summaries, through the API.
        Run.objects.bulk_create([new_run(i) for i in range(10_000 - runs_n - 1)], batch_size=2000)
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load: without statistics the planner believes the
            # table holds a handful of runs and sorts them all instead of reading the index.
            cursor.execute("ANALYZE")
        client = APIClient()
        client.force_authenticate(user)
        list_timings = []
        for _ in range(7):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get("/api/v1/runs/?workspace=bench&page_size=50")
                list_timings.append(time.perf_counter() - t)
            assert response.status_code == 200 and len(response.json()["results"]) == 50
        results = {
            "machine": f"{platform.node()} ({os.cpu_count()} cores, {platform.processor() or platform.machine()})",
            "ingestion": "sequential, one connection" if args.sequential else f"concurrent, {runs_n} processes",
            "points": total, "ingest_s": round(ingest_s, 2), "ingest_points_per_s": round(total / ingest_s),
            "resent_batch_new_points": resent,
            "series_points": long_points, "series_read_median_ms": round(statistics.median(timings) * 1000, 1),
            "runs_list_median_ms": round(statistics.median(list_timings) * 1000, 1), "runs_list_queries": len(queries),
            **history,
        }
    finally:
        connection.close()
        drop_postgres(url)
    print(f"{'measure':40s} value")
    for key, value in results.items():
        print(f"{key:40s} {value}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "metrics_store.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
