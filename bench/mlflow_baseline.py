"""Baseline for bench/metrics_store.py: a real MLflow tracking server on PostgreSQL, measured through
its REST API the way a training worker would use it.

    /work/mlflow-venv/bin/python bench/mlflow_baseline.py [--steps 2000] [--repeats 2]

Runs under MLflow's own venv (not the project's .venv):

    python3.11 -m venv /work/mlflow-venv && /work/mlflow-venv/bin/pip install mlflow psycopg2-binary requests

Creates its own database (mlflow_bench_<random>) on POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), starts `mlflow server` on it with 2 workers on a free
port, and stops the server and drops the database at the end, also on failure.

Ingestion: 10 runs x 10 metrics x --steps steps, each run logged from its own client process through
POST /api/2.0/mlflow/runs/log-batch in batches of 1,000 points (MLflow's per-request limit), timed
from the moment all clients are ready until the last one finishes; repeated on fresh runs.
History: one run with a 20,000-point metric, read back 7 times through
GET /api/2.0/mlflow/metrics/get-history (all pages, JSON decoded, count checked).
Prints a table and writes bench/results/mlflow_baseline.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
RUNS, METRICS, BATCH = 10, 10, 1000  # BATCH: MLflow's MAX_METRICS_PER_BATCH
HISTORY_POINTS, READS = 20_000, 7
WORKERS = 2


# --- PostgreSQL ---------------------------------------------------------------------------------

def pg_connect(url: str, dbname: str):
    """An autocommit connection to `dbname` on the server named by `url` (psycopg2, else psycopg 3)."""
    parts = urlsplit(url)
    kwargs = dict(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
                  password=parts.password, dbname=dbname)
    try:
        import psycopg2
    except ImportError:
        import psycopg

        return psycopg.connect(**kwargs, autocommit=True)
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    return conn


def pg_execute(url: str, sql: str):
    conn = pg_connect(url, "postgres")
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchone() if cur.description else None
    finally:
        conn.close()


def database_url(base: str, name: str) -> str:
    """`base` pointed at database `name`, naming the driver for SQLAlchemy: a bare postgresql://
    means psycopg 3 from SQLAlchemy 2.1 on, psycopg2 before."""
    parts = urlsplit(base)
    try:
        import psycopg2  # noqa: F401
        scheme = "postgresql+psycopg2"
    except ImportError:
        scheme = "postgresql+psycopg"
    return urlunsplit((scheme, parts.netloc, "/" + name, "", ""))


# --- MLflow server ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(backend_uri: str, artifacts: str, port: int, log_path: Path) -> subprocess.Popen:
    # `mlflow server` runs the schema migrations itself, then execs uvicorn (the default server in
    # MLflow 3) with WORKERS worker processes. Its own session, so the whole tree can be signalled.
    command = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", backend_uri,
               "--default-artifact-root", artifacts, "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(WORKERS)]
    log = log_path.open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(base: str, server: subprocess.Popen, log_path: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mlflow server exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"mlflow server not healthy after {timeout:.0f}s:\n{log_path.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    # The supervisor is gone; make sure no worker outlived it in the group.
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- REST client --------------------------------------------------------------------------------

def call(session: requests.Session, base: str, method: str, endpoint: str, **kwargs) -> dict:
    response = session.request(method, f"{base}/api/2.0/mlflow/{endpoint}", timeout=300, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"{method} {endpoint}: {response.status_code} {response.text[:500]}")
    return response.json()


def create_run(session: requests.Session, base: str, experiment_id: str, name: str) -> str:
    body = {"experiment_id": experiment_id, "run_name": name, "start_time": int(time.time() * 1000)}
    return call(session, base, "POST", "runs/create", json=body)["run"]["info"]["run_id"]


def batches(keys: list[str], steps: int):
    """Batches of BATCH points, step-major (every metric of a step together), as a worker flushes."""
    per_batch = BATCH // len(keys)
    now = int(time.time() * 1000)
    for first in range(0, steps, per_batch):
        yield [{"key": key, "value": 1.0 / (step + 1) + m, "timestamp": now + step, "step": step}
               for step in range(first, min(first + per_batch, steps)) for m, key in enumerate(keys)]


def log_points(session: requests.Session, base: str, run_id: str, keys: list[str], steps: int) -> int:
    sent = 0
    for metrics in batches(keys, steps):
        call(session, base, "POST", "runs/log-batch", json={"run_id": run_id, "metrics": metrics})
        sent += len(metrics)
    return sent


def client_process(base: str, run_id: str, steps: int, ready, counts) -> None:
    """One run's worker: own process, own HTTP connection; starts sending when every client is up."""
    session = requests.Session()
    keys = [f"train/metric_{m}" for m in range(METRICS)]
    ready.wait()
    counts.put(log_points(session, base, run_id, keys, steps))


def ingest(base: str, session: requests.Session, experiment_id: str, steps: int, repeat: int) -> dict:
    run_ids = [create_run(session, base, experiment_id, f"ingest-{repeat}-{i}") for i in range(RUNS)]
    context = multiprocessing.get_context("fork")
    ready, counts = context.Barrier(RUNS + 1), context.Queue()
    clients = [context.Process(target=client_process, args=(base, run_id, steps, ready, counts))
               for run_id in run_ids]
    for client in clients:
        client.start()
    ready.wait()  # all clients forked and holding a session: the clock starts with the first batch
    started = time.perf_counter()
    try:
        # A client that dies never reports; poll so that shows up as an error rather than a hang.
        total, reported = 0, 0
        while reported < RUNS:
            try:
                total += counts.get(timeout=1)
                reported += 1
            except Exception:
                if any(c.exitcode not in (None, 0) for c in clients):
                    raise RuntimeError("an ingestion client failed (see its traceback above)")
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.join(timeout=5)
            if client.is_alive():
                client.kill()
    assert total == RUNS * METRICS * steps, total
    # Spot check that the server stored what it acknowledged.
    stored = read_history(session, base, run_ids[-1], "train/metric_0")
    assert len(stored) == steps, len(stored)
    return {"points": total, "seconds": round(elapsed, 2), "points_per_s": round(total / elapsed)}


def read_history(session: requests.Session, base: str, run_id: str, key: str) -> list[dict]:
    """The whole history, following next_page_token if the server pages it."""
    points, params = [], {"run_id": run_id, "metric_key": key}
    while True:
        page = call(session, base, "GET", "metrics/get-history", params=params)
        points.extend(page.get("metrics", []))
        if not page.get("next_page_token"):
            return points
        params["page_token"] = page["next_page_token"]


def history(base: str, session: requests.Session, experiment_id: str) -> dict:
    run_id = create_run(session, base, experiment_id, "history")
    log_points(session, base, run_id, ["loss"], HISTORY_POINTS)
    timings = []
    for _ in range(READS):
        started = time.perf_counter()
        points = read_history(session, base, run_id, "loss")
        timings.append(time.perf_counter() - started)
        assert len(points) == HISTORY_POINTS and len({p["step"] for p in points}) == HISTORY_POINTS, len(points)
    return {"points": HISTORY_POINTS, "reads": READS, "median_ms": round(statistics.median(timings) * 1000, 1),
            "min_ms": round(min(timings) * 1000, 1), "all_ms": [round(t * 1000, 1) for t in timings]}


# --- main ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000, help="steps per metric per run (default 2,000)")
    parser.add_argument("--repeats", type=int, default=2, help="ingestion repeats, each on fresh runs")
    args = parser.parse_args()

    pg = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"mlflow_bench_{uuid.uuid4().hex[:8]}"
    artifacts = tempfile.mkdtemp(prefix="mlflow_bench_artifacts_")
    log_path = Path(artifacts) / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    pg_execute(pg, f'CREATE DATABASE "{name}"')
    try:
        server = start_server(database_url(pg, name), artifacts, port, log_path)
        started = time.perf_counter()
        wait_healthy(base, server, log_path)
        startup_s = time.perf_counter() - started
        session = requests.Session()
        experiment_id = call(session, base, "POST", "experiments/create",
                             json={"name": "bench"})["experiment_id"]
        repeats = [ingest(base, session, experiment_id, args.steps, r) for r in range(args.repeats)]
        read = history(base, session, experiment_id)
        results = {
            "machine": {"platform": platform.platform(), "node": platform.node(), "cpu_count": os.cpu_count(),
                        "processor": platform.processor() or platform.machine(),
                        "python": platform.python_version(), "mlflow": version("mlflow"),
                        "postgresql": pg_execute(pg, "SHOW server_version")[0]},
            "server": f"mlflow server --workers {WORKERS} (uvicorn, the default), backend postgresql",
            "server_startup_s": round(startup_s, 1),
            "ingestion": {"runs": RUNS, "metrics": METRICS, "steps": args.steps, "batch_points": BATCH,
                          "clients": f"{RUNS} processes, one per run", "repeats": repeats,
                          "median_points_per_s": round(statistics.median(r["points_per_s"] for r in repeats))},
            "history": read,
        }
    finally:
        if server is not None:
            stop_server(server)
        pg_execute(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(artifacts, ignore_errors=True)

    print(f"MLflow {results['machine']['mlflow']} / PostgreSQL {results['machine']['postgresql']}, "
          f"{os.cpu_count()} cores, {WORKERS} server workers")
    print(f"{'measure':44s} value")
    for i, r in enumerate(repeats, 1):
        label = f"ingest repeat {i} ({r['points']:,} points)"
        print(f"{label:44s} {r['points_per_s']:,} points/s  ({r['seconds']} s)")
    print(f"{'ingest median':44s} {results['ingestion']['median_points_per_s']:,} points/s")
    print(f"{f'get-history {HISTORY_POINTS:,} points, median of {READS}':44s} {read['median_ms']} ms")
    print(f"{'get-history min':44s} {read['min_ms']} ms")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "mlflow_baseline.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
