"""The run page's API under concurrent clients, against PostgreSQL and the team's web server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/api_load.py [--clients 50] [--duration 30] [--workers 2] [--pool-size 10]

Creates and drops its own database (distillery_load_<random>) holding a workspace with --runs runs,
each with a loss curve, and one run the clients open with six metrics of --steps points each and
2,000 log lines. Starts uvicorn as docker-compose's `web` service runs it (webapp.asgi, the
connection pool of DATABASE_POOL_SIZE), with --workers processes, waits for /healthz, then runs
--clients asyncio clients (httpx, keep-alive, `Authorization: Token`) for --duration seconds, each
requesting in turn what the run page asks for when it opens: the run, its metrics (all series, at
most 1000 points each, as useRunLive reads them), the last 200 log lines, its artifacts, and the
runs list (the first page of 50). Prints a markdown table per endpoint (requests/s, p50/p95/p99 in
ms, errors) with the load average before and after, and writes bench/results/api_load.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METRICS = ("train/loss", "train/lr", "train/grad_norm", "eval/loss", "system/gpu_util", "train/tokens_per_s")
LOG_LINES = 2000


def seed(runs: int, steps: int) -> dict:
    """The workspace, its runs, the opened run's metrics and logs, and an API token."""
    from webapp.accounts.models import Membership, User, Workspace
    from webapp.accounts.services import api_token_create
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import Run, RunLogLine
    from webapp.runs.services.metrics import metrics_ingest

    user = User.objects.create_user("bench", password="bench-password")
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    Membership.objects.create(user=user, workspace=workspace, role="owner")
    model = ModelAsset.objects.create(workspace=workspace, name="m", source="config", config={"model_type": "llama"})
    dataset = Dataset.objects.create(workspace=workspace, name="d", kind="text", file="/dev/null", sha256="0",
                                     row_count=1, size_bytes=1)
    created = Run.objects.bulk_create([
        Run(workspace=workspace, creator=user, name=f"run-{i}", method="lm_train", student=model,
            train_dataset=dataset, status="running", tags=["bench", f"group-{i % 5}"],
            config={"training": {"learning_rate": 1e-3 * (i % 7 + 1)}})
        for i in range(runs)])
    for run in created:
        metrics_ingest(run=run, points=[("train/loss", s, 1.0 / (s + 1), 1.7e9 + s) for s in range(0, 200)])
    opened = created[0]
    for start in range(0, steps, 2000):
        metrics_ingest(run=opened, points=[(name, s, 1.0 / (s + 1) + k, 1.7e9 + s)
                                           for k, name in enumerate(METRICS)
                                           for s in range(start, min(start + 2000, steps))])
    RunLogLine.objects.bulk_create([RunLogLine(run=opened, seq=i + 1, time=1.7e9 + i, level="info",
                                               message=f"step {i}: loss {1.0 / (i + 1):.6f} lr 3e-4")
                                    for i in range(LOG_LINES)])
    _, token = api_token_create(user=user, name="bench")
    return {"token": token, "run": opened.pk}


def run_page_calls(run: int) -> dict[str, str]:
    """What the run page asks for when it opens (frontend/src/hooks/useRunLive.ts, RunDetailPage)."""
    return {
        "run": f"/api/v1/runs/{run}/",
        "metrics (all series)": f"/api/v1/runs/{run}/metrics/?names=&max_points=1000",
        "logs (tail 200)": f"/api/v1/runs/{run}/logs/?tail=200",
        "artifacts": f"/api/v1/runs/{run}/artifacts/",
        "runs list (50)": "/api/v1/runs/?workspace=bench&page_size=50",
    }


async def hammer(origin: str, token: str, calls: dict[str, str], clients: int, duration: float) -> dict:
    """`clients` keep-alive clients, each cycling through the calls until `duration` has passed."""
    import httpx

    timings: dict[str, list[float]] = {name: [] for name in calls}
    errors: dict[str, int] = dict.fromkeys(calls, 0)
    first_error: dict[str, str] = {}
    deadline = time.perf_counter() + duration

    async def client(index: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=origin, headers={"Authorization": f"Token {token}"},
                                     limits=limits, timeout=60) as http:
            order = list(calls.items())
            order = order[index % len(order):] + order[:index % len(order)]  # clients start out of step
            while time.perf_counter() < deadline:
                for name, path in order:
                    started = time.perf_counter()
                    try:
                        response = await http.get(path)
                        failed = response.status_code != 200
                        detail = f"{response.status_code} {response.text[:200]}"
                    except httpx.HTTPError as error:
                        failed, detail = True, repr(error)
                    timings[name].append(time.perf_counter() - started)
                    if failed:
                        errors[name] += 1
                        first_error.setdefault(name, detail)
                    if time.perf_counter() >= deadline:
                        return

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {"elapsed_s": elapsed, "timings": timings, "errors": errors, "first_error": first_error}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def summarize(result: dict) -> dict[str, dict]:
    rows = {}
    every = [t for ts in result["timings"].values() for t in ts]
    for name, timings in [*result["timings"].items(), ("all", every)]:
        errors = sum(result["errors"].values()) if name == "all" else result["errors"][name]
        rows[name] = {"requests": len(timings), "rps": round(len(timings) / result["elapsed_s"], 1),
                      "p50_ms": round(percentile(timings, 50) * 1000, 1),
                      "p95_ms": round(percentile(timings, 95) * 1000, 1),
                      "p99_ms": round(percentile(timings, 99) * 1000, 1), "errors": errors}
    return rows


def markdown(rows: dict[str, dict]) -> str:
    lines = ["| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
                     f"| {r['errors']} |")
    return "\n".join(lines)


def server_command(port: int, workers: int) -> list[str]:
    """docker-compose's `web` command, with --workers processes (each with its own pool)."""
    from tests.integration.stack import web_command

    return [*web_command(port), "--workers", str(workers)]


def measure(database_url: str, ids: dict, args, code: Path = ROOT) -> dict:
    """One server (its code from `code`, this checkout unless --compare names another) under the load."""
    from tests.integration.stack import answers_healthz, free_port

    env = {**os.environ, "DATABASE_URL": database_url, "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_POOL_SIZE": str(args.pool_size), "PUBLIC_URL": "http://127.0.0.1"}
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env["PYTHONPATH"] = str(code)
    server = subprocess.Popen(server_command(port, args.workers), cwd=code, env=env)
    try:
        deadline = time.monotonic() + 180
        while not answers_healthz(origin):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("uvicorn did not answer /healthz within 180 s")
            time.sleep(0.3)
        calls = run_page_calls(ids["run"])
        asyncio.run(hammer(origin, ids["token"], calls, clients=min(args.clients, 2 * args.workers), duration=3))
        load_before, cpu_before = os.getloadavg(), cpu_seconds(server.pid)
        result = asyncio.run(hammer(origin, ids["token"], calls, clients=args.clients, duration=args.duration))
        load_after, cpu_after = os.getloadavg(), cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = sum(len(t) for t in result["timings"].values())
    cpu_ms = {who: round((cpu_after[who] - cpu_before[who]) * 1000 / max(requests, 1), 1) for who in cpu_after}
    return {"rows": summarize(result), "first_error": result["first_error"], "cpu_ms_per_request": cpu_ms,
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after]}


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time (user + system) so far of the web server's processes, of this process (the clients)
    and of every PostgreSQL backend on the machine (other users' included: an upper bound)."""
    import psutil

    def used(process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:  # gone meanwhile
            return 0.0

    server = psutil.Process(server_pid)
    backends = [p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")]
    return {"web server": sum(used(p) for p in [server, *server.children(recursive=True)]),
            "clients (this process)": used(psutil.Process()), "postgres (all backends)": sum(map(used, backends))}


def profile(ids: dict, repeat: int = 20) -> None:
    """Each call in this process (Django's test client, no server): its queries, then where the time
    of `repeat` requests goes (cProfile, the top functions by own time)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {ids['token']}", HTTP_HOST="127.0.0.1")
    for name, path in run_page_calls(ids["run"]).items():
        client.get(path)  # warm-up
        queries: list[str] = []  # not CaptureQueriesContext: a request's start resets connection.queries

        def record(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        started = time.perf_counter()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(path)
        profiler.disable()
        each_ms = (time.perf_counter() - started) / repeat * 1000
        print(f"\n## {name}: {len(queries)} queries, {len(response.content)} bytes, {each_ms:.1f} ms each (profiled)")
        for sql in queries:
            print(f"   {sql[:200]}")
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime"))  # or cumulative
        stats.print_stats(int(os.environ.get("PROFILE_LINES", 12)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per measurement")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--pool-size", type=int, default=10, help="DATABASE_POOL_SIZE of each process")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=5000, help="points per metric of the opened run")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--compare", metavar="DIR",
                        help="another checkout (e.g. `git worktree add /tmp/before main`): each round measures its "
                             "server, then this checkout's, on the same database")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the load: each call's queries and cProfile, in this process")
    args = parser.parse_args()

    from tests.integration.stack import drop_postgres, fresh_postgres_url

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = fresh_postgres_url(prefix="distillery_load")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    os.environ.setdefault("PUBLIC_URL", "http://127.0.0.1")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the server refuses a database without one
    if args.profile:  # this process's connections as the server has them
        os.environ.setdefault("DATABASE_POOL_SIZE", str(args.pool_size))
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    from django.core.management import call_command
    from django.db import connection

    results = []
    try:
        call_command("migrate", "-v", "0")
        ids = seed(args.runs, args.steps)
        if args.profile:
            return profile(ids)
        connection.close()
        codes = {"this checkout": ROOT, **({"--compare": Path(args.compare).resolve()} if args.compare else {})}
        for index in range(args.rounds):
            for label, code in reversed(codes.items()):  # the other code first, then this one
                result = {"code": label, **measure(url, ids, args, code)}
                results.append(result)
                print(f"\nround {index + 1}, {label} ({code}): {args.clients} clients, {args.duration:.0f} s, "
                      f"{args.workers} uvicorn workers, pool {args.pool_size}; load average before "
                      f"{result['load_before']}, after {result['load_after']}")
                print(markdown(result["rows"]))
                print("CPU ms per request: " + ", ".join(f"{k} {v}" for k, v in result["cpu_ms_per_request"].items()))
                for name, detail in result["first_error"].items():
                    print(f"first error of {name}: {detail}")
    finally:
        connection.close()
        drop_postgres(url)
    out = ROOT / "bench" / "results" / "api_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "cpus": os.cpu_count(), "args": vars(args), "rounds": results,
                               "p95_ms_all_median": {label: statistics.median(
                                   r["rows"]["all"]["p95_ms"] for r in results if r["code"] == label)
                                   for label in {r["code"] for r in results}}},
                              indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
