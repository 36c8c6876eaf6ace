"""The web server's PostgreSQL connection pool (DATABASE_POOL_SIZE, webapp/asgi.py) against a new
connection per request (DATABASE_POOL_SIZE=0), through uvicorn on the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/db_pool.py [--rounds 3]

Creates and drops its own database (distillery_bench_<random>) holding a workspace with 200 runs,
each with a 200-point loss curve. Each round starts one server with the pool and one without, in
turn, and times the same requests against each: the sequential latency of four of the browser's
reads (a runs page, a run, its metrics, a model), then the throughput of eight clients at once on
the runs page. Prints the medians over rounds and writes bench/results/db_pool.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS_EACH, CONCURRENT_CLIENTS, CONCURRENT_REQUESTS = 60, 8, 400


def seed(runs: int) -> dict:
    """The workspace, its runs and an API token; returns the ids the requests use."""
    from webapp.accounts.models import Membership, User, Workspace
    from webapp.accounts.services import api_token_create
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import Run
    from webapp.runs.services.metrics import metrics_ingest

    user = User.objects.create_user("bench", password="bench-password")
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Membership.objects.create(user=user, workspace=workspace, role="owner")
    model = ModelAsset.objects.create(workspace=workspace, name="m", source="config", config={"model_type": "llama"})
    dataset = Dataset.objects.create(workspace=workspace, name="d", kind="text", file="/dev/null", sha256="0",
                                     row_count=1, size_bytes=1)
    created = Run.objects.bulk_create([
        Run(workspace=workspace, creator=user, name=f"run-{i}", method="lm_train", student=model,
            train_dataset=dataset, status="running", config={"training": {"learning_rate": 1e-3 * (i % 7 + 1)}})
        for i in range(runs)])
    for run in created:
        metrics_ingest(run=run, points=[("train/loss", s, 1.0 / (s + 1), 1.7e9 + s) for s in range(200)])
    _, token = api_token_create(user=user, name="bench")
    return {"token": token, "run": created[0].pk, "model": model.pk}


def measure(database_url: str, ids: dict, pool_size: int) -> dict:
    import requests

    from tests.integration.stack import web_server

    env = {**os.environ, "DATABASE_URL": database_url, "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_POOL_SIZE": str(pool_size)}
    headers = {"Authorization": f"Token {ids['token']}"}
    reads = {
        "runs page (50 of 200)": "/api/v1/runs/?workspace=bench&page_size=50",
        "run detail": f"/api/v1/runs/{ids['run']}/",
        "run metrics (chart)": f"/api/v1/runs/{ids['run']}/metrics/?names=train/loss",
        "model detail": f"/api/v1/models/{ids['model']}/",
    }
    with web_server(env) as origin:
        session = requests.Session()
        session.headers.update(headers)
        for path in reads.values():  # warm-up: imports, the pool's first connections
            for _ in range(5):
                assert session.get(origin + path, timeout=30).status_code == 200

        def median_ms(call) -> float:
            timings = []
            for _ in range(REQUESTS_EACH):
                started = time.perf_counter()
                call()
                timings.append(time.perf_counter() - started)
            return round(statistics.median(timings) * 1000, 2)

        def get(path):
            response = session.get(origin + path, timeout=30)
            assert response.status_code == 200, response.text[:300]

        result = {name: median_ms(lambda p=path: get(p)) for name, path in reads.items()}

        def client(count: int) -> None:
            own = requests.Session()
            own.headers.update(headers)
            for _ in range(count):
                assert own.get(origin + reads["runs page (50 of 200)"], timeout=60).status_code == 200

        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENT_CLIENTS) as executor:
            list(executor.map(client, [CONCURRENT_REQUESTS // CONCURRENT_CLIENTS] * CONCURRENT_CLIENTS))
        result[f"runs page, {CONCURRENT_CLIENTS} clients (requests/s)"] = round(
            CONCURRENT_REQUESTS / (time.perf_counter() - started), 1)
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pool-size", type=int, default=10)
    args = parser.parse_args()

    from tests.integration.stack import drop_postgres, fresh_postgres_url

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = fresh_postgres_url(prefix="distillery_bench")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    # A deployment with a database server needs its PUBLIC_URL (links in e-mails; none are sent here).
    os.environ.setdefault("PUBLIC_URL", "http://127.0.0.1")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # required with a database server
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    rounds: dict[str, list[dict]] = {"pool": [], "no pool": []}
    try:
        call_command("migrate", "-v", "0")
        ids = seed(args.runs)
        connection.close()
        for _ in range(args.rounds):
            rounds["pool"].append(measure(url, ids, args.pool_size))
            rounds["no pool"].append(measure(url, ids, 0))
    finally:
        connection.close()
        drop_postgres(url)

    medians = {mode: {name: statistics.median(r[name] for r in results) for name in results[0]}
               for mode, results in rounds.items()}
    print(f"{'measure':48} {'pool':>10} {'no pool':>10} {'ratio':>7}")
    for name in medians["pool"]:
        pooled, plain = medians["pool"][name], medians["no pool"][name]
        better = plain / pooled if "requests/s" not in name else pooled / plain
        print(f"{name:48} {pooled:10.2f} {plain:10.2f} {better:6.2f}x")
    out = ROOT / "bench" / "results" / "db_pool.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "pool_size": args.pool_size, "rounds": rounds, "medians": medians}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
