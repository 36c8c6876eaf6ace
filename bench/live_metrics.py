"""Live latency: from a metric point being ingested (the worker's path) to 100 browser-like SSE
subscribers on one web process receiving it.

    .venv/bin/python bench/live_metrics.py [--subscribers 100] [--seconds 30] [--flavour embedded|team]

Starts its own stack (migrations, one uvicorn process) the way the integration tests do, a writer
that ingests one point every 100 ms with its wall-clock time, and N subscribers that read
`/api/v1/runs/ID/events/`; prints latency percentiles and writes bench/results/live_metrics.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django.setup()
from webapp.runs.models import Run
from webapp.runs.services.metrics import metrics_ingest
run = Run.objects.get(pk=int(sys.argv[1]))
deadline = time.time() + float(sys.argv[2])
step = 0
while time.time() < deadline:
    metrics_ingest(run=run, points=[("train/loss", step, 1.0 / (step + 1), time.time())])
    step += 1
    time.sleep(0.1)
"""

SETUP = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django.setup()
from webapp.accounts.models import User, Workspace, Membership
from webapp.accounts.services import api_token_create
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.models import Run
user = User.objects.create_user("bench", password="bench-password-1")
ws = Workspace.objects.create(name="b", slug="b")
Membership.objects.create(user=user, workspace=ws, role="owner")
m = ModelAsset.objects.create(workspace=ws, name="m", source="config", config={"model_type": "llama"})
d = Dataset.objects.create(workspace=ws, name="d", kind="text", file="/dev/null", sha256="0", row_count=1, size_bytes=1)
run = Run.objects.create(workspace=ws, creator=user, name="live", method="lm_train", student=m, train_dataset=d, \
status="running")
print(run.id, api_token_create(user=user, name="bench")[1])
"""


async def subscribe(session, url: str, token: str, latencies: list[float], stop: float) -> None:
    import aiohttp

    headers = {"Authorization": f"Token {token}", "Accept": "text/event-stream"}
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as response:
        event = None
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "metrics":
                now = time.time()
                for point in json.loads(line[6:])["points"]:
                    latencies.append(now - point["wall"])
            if time.time() > stop:
                return


async def run_subscribers(base: str, run_id: int, token: str, count: int, seconds: float) -> list[float]:
    import aiohttp

    latencies: list[float] = []
    stop = time.time() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.get(f"{base}/api/v1/runs/{run_id}/metrics/",
                               headers={"Authorization": f"Token {token}"}) as r:
            cursor = (await r.json())["cursor"]  # subscribers start from now, not from the first point
        url = f"{base}/api/v1/runs/{run_id}/events/?cursor={cursor}"
        outcomes = await asyncio.gather(*(subscribe(session, url, token, latencies, stop) for _ in range(count)),
                                        return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    if failures:
        print(f"{len(failures)} subscribers failed, e.g. {failures[0]!r}", file=sys.stderr)
    return latencies


def main() -> None:
    from tests.integration.stack import Stack

    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--flavour", choices=["embedded", "team"], default="embedded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(args.flavour, Path(tmp))
        try:
            stack.start()
            out = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=stack.env, check=True,
                                 capture_output=True, text=True).stdout.split()
            run_id, token = int(out[0]), out[1]
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(run_id), str(args.seconds + 5)], cwd=ROOT,
                                      env=stack.env)
            time.sleep(2)
            latencies = asyncio.run(run_subscribers(stack.base_url, run_id, token, args.subscribers, args.seconds))
            writer.kill()
        finally:
            stack.stop()
    latencies.sort()
    result = {
        "flavour": args.flavour, "subscribers": args.subscribers, "seconds": args.seconds,
        "points_received": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }
    for key, value in result.items():
        print(f"{key:20s} {value}")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "live_metrics.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
