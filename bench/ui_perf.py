"""Browser-side benchmark of the pages that must stay fast: a runs table over 10,000 runs, a compare
page with 20 runs x 10 metrics x 1,000 points, and a run page with 10 metrics x 1,000 points.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ui_perf.py [--runs 10000]

Starts its own stack (PostgreSQL when DATABASE_URL is set, else the embedded SQLite one), seeds it
through the ORM and the real ingestion service, and drives Debian's Chromium with Playwright
(headless, like the browser tests). Measured, each repeated and reported as median and worst:
- runs page: from navigation to the 50th row of the first page drawn; sorting by a metric column
  (click -> first row changes); the next page;
- compare page (20 runs): from navigation to every chart drawn; then the main thread's frame
  times while the pointer sweeps across a chart (uPlot redraws its cursor and legend every move):
  the p95 frame interval and the share of frames over 50 ms (a 20 fps floor);
  sorting and paging time from the click to the list response and two animation frames after it;
- run page: from navigation to its 10 charts drawn.
Writes bench/results/ui_perf.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FRAME_PROBE = """() => { window.__frames = []; let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; \
if (!window.__stopFrames) requestAnimationFrame(tick); };
  window.__stopFrames = false; requestAnimationFrame(tick); }"""


def seed(stack, kit_ids: dict, runs: int, charted: int, metrics: int, points: int) -> dict:
    """10k finished runs with two metric summaries each; `charted` of them with full series."""
    os.environ.update({k: v for k, v in stack.env.items() if k in ("DATABASE_URL", "DISTILLERY_DATA_DIR")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.utils import timezone

    from webapp.accounts.models import Workspace
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import MetricSummary, Run
    from webapp.runs.services.metrics import metrics_ingest

    workspace = Workspace.objects.get(slug="lab")
    student = ModelAsset.objects.get(pk=kit_ids["student-init"])
    train = Dataset.objects.get(pk=kit_ids["train"])
    now = timezone.now()
    rng = random.Random(0)
    batch = [
        Run(workspace=workspace, creator=None, name=f"bench-{i:05d}", method="lm_train",
            config={"training": {"learning_rate": rng.choice([1e-4, 3e-4, 1e-3]), "batch_size": rng.choice([4, 8])}},
            student=student, train_dataset=train, status="succeeded", queued_at=now, started_at=now, finished_at=now,
            progress_step=1000, progress_total=1000)
        for i in range(runs)
    ]
    created = Run.objects.bulk_create(batch, batch_size=2000)
    summaries = []
    for run in created:
        for name in ("train/loss", "eval/loss"):
            low = rng.uniform(1.5, 4.0)
            summaries.append(MetricSummary(run=run, name=name, last=low + 0.1, last_step=1000, min=low, min_step=900,
                                           max=low + 3, max_step=0, count=100))
    MetricSummary.objects.bulk_create(summaries, batch_size=5000)
    names = [f"train/metric_{m}" for m in range(metrics)]
    for run in created[-charted:]:
        MetricSummary.objects.filter(run=run).delete()
        rows = [(name, step, 3.0 * (0.999 ** step) + rng.random() * 0.1, time.time() + step)
                for step in range(points) for name in names]
        metrics_ingest(run=run, points=rows)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load (docs/BENCHMARKS.md)
    return {"charted": [run.pk for run in created[-charted:]], "count": len(created)}


def timed(action, until) -> float:
    started = time.perf_counter()
    action()
    until()
    return (time.perf_counter() - started) * 1000


def summary(values: list[float]) -> dict:
    return {"median_ms": round(statistics.median(values), 1), "worst_ms": round(max(values), 1), "samples": len(values)}


def measure(stack, seeded: dict, repeats: int, metrics: int) -> dict:
    from playwright.sync_api import expect, sync_playwright

    results: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(stack.base_url + "/runs")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("alice-password-1")
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
        expect(page).to_have_url(re.compile(r"/runs$"))

        rows = page.locator("table tbody tr")
        results["runs_page_first_50_rows"] = summary([
            timed(lambda: page.goto(stack.base_url + "/runs"), lambda: rows.nth(49).wait_for())
            for _ in range(repeats)])
        sort_times, next_times = [], []

        def after_list_response(click) -> float:
            """Click, then the runs list response, then two animation frames (the new rows painted)."""
            started = time.perf_counter()
            with page.expect_response(lambda r: "/api/v1/runs" in r.url and r.request.method == "GET"):
                click()
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            return (time.perf_counter() - started) * 1000

        for _ in range(repeats):
            page.goto(stack.base_url + "/runs")
            rows.nth(49).wait_for()
            sort_times.append(after_list_response(
                lambda: page.get_by_role("button", name=re.compile(r"^Name", re.I)).first.click()))
            next_times.append(after_list_response(
                lambda: page.get_by_role("navigation", name="Pages of runs").get_by_role(
                    "button", name=re.compile("Next", re.I)).click()))
        results["runs_page_sort"] = summary(sort_times)
        results["runs_page_next_page"] = summary(next_times)

        ids = ",".join(map(str, seeded["charted"]))
        charts = page.locator("canvas")
        compare = [timed(lambda: page.goto(f"{stack.base_url}/compare?runs={ids}"),
                         lambda: charts.nth(metrics - 1).wait_for()) for _ in range(repeats)]
        results["compare_20_runs_all_charts"] = summary(compare)
        box = charts.first.bounding_box()
        page.evaluate(FRAME_PROBE)
        for sweep in range(3):
            for x in range(0, int(box["width"]), 4):
                page.mouse.move(box["x"] + x, box["y"] + box["height"] / 2)
        page.evaluate("() => { window.__stopFrames = true; }")
        frames = page.evaluate("() => window.__frames.slice(1)")
        frames.sort()
        results["compare_hover_frames"] = {
            "frames": len(frames), "p50_ms": round(frames[len(frames) // 2], 1),
            "p95_ms": round(frames[int(len(frames) * 0.95)], 1),
            "share_over_50_ms": round(sum(f > 50 for f in frames) / max(1, len(frames)), 3),
        }
        run_id = seeded["charted"][0]
        results["run_page_10_charts"] = summary([
            timed(lambda: page.goto(f"{stack.base_url}/runs/{run_id}"), lambda: charts.nth(metrics - 1).wait_for())
            for _ in range(repeats)])
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--charted", type=int, default=20)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--points", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import tempfile

    from tests.integration.stack import Stack, register_kit

    flavour = "team" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "embedded"
    with tempfile.TemporaryDirectory() as workdir:
        stack = Stack(flavour, Path(workdir))
        try:
            stack.start()
            kit_ids = register_kit(stack)
            started = time.perf_counter()
            seeded = seed(stack, kit_ids, args.runs, args.charted, args.metrics, args.points)
            print(f"seeded {seeded['count']} runs in {time.perf_counter() - started:.0f} s", flush=True)
            results = measure(stack, seeded, args.repeats, args.metrics)
        finally:
            stack.stop()
    report = {"command": "bench/ui_perf.py " + " ".join(sys.argv[1:]), "database": flavour,
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
              "sizes": vars(args), "results": results}
    out = ROOT / "bench" / "results" / "ui_perf.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    for name, value in results.items():
        print(f"{name:32s} {value}")


if __name__ == "__main__":
    main()
