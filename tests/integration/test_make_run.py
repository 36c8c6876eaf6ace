"""`make run`'s launcher from nothing: migrations, the demo seeded, web server and worker up, the
URL (from PORT) and demo credentials printed last, after the workers' banners; Ctrl-C stops both; a
second start skips what is done."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.integration.stack import ROOT, free_port

pytestmark = pytest.mark.integration


def launch(data_dir, port):
    # As a user runs it: the deployment's settings (not the suite's, which set a PUBLIC_URL) and no
    # PUBLIC_URL, so the address it prints and links to is the one it serves on (here the test's PORT).
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "PUBLIC_URL", "HOST", "DJANGO_SETTINGS_MODULE")}
    env.update({"DISTILLERY_DATA_DIR": str(data_dir), "PORT": str(port), "DISTILLERY_DEMO_TRAIN_BYTES": "100000",
                "MODEL_PATH_ALLOWED_ROOTS": str(data_dir / "models")})
    return subprocess.Popen([sys.executable, "scripts/run.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def read_until(process, needle: str, timeout: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"never printed {needle!r}:\n{''.join(seen)[-3000:]}")


def test_the_run_command_starts_a_seeded_demo_and_ctrl_c_stops_it(tmp_path):
    port = free_port()
    process = launch(tmp_path, port)
    try:
        output = read_until(process, "Press Ctrl-C to stop.", 240)
        assert "demo / distillery-demo" in output
        url_at = output.index(f"Distillery is running at http://127.0.0.1:{port}\n")
        # The worker's and its light companion's start-up banners come first, not over the address.
        assert output.count("[queues]") == 2 and output.rindex("[queues]") < url_at, output[-3000:]
        session = requests.Session()
        session.get(f"http://127.0.0.1:{port}/", timeout=30)  # the sign-in page sets the csrftoken cookie
        login = session.post(f"http://127.0.0.1:{port}/api/v1/auth/login/",
                             json={"username": "demo", "password": "distillery-demo"}, timeout=30,
                             headers={"X-CSRFToken": session.cookies["csrftoken"]})
        assert login.status_code == 200
        templates = session.get(f"http://127.0.0.1:{port}/api/v1/templates/?workspace=demo", timeout=30).json()
        assert [t["name"] for t in templates] == ["train the teacher", "distill into the student",
                                                   "student without a teacher", "align with DPO",
                                                   "continual: sequential fine-tuning", "continual: replay"]
        datasets = session.get(f"http://127.0.0.1:{port}/api/v1/datasets/?workspace=demo", timeout=30).json()
        rows = datasets["results"] if isinstance(datasets, dict) else datasets
        kinds = {d["name"]: d["kind"] for d in rows}
        assert kinds["stdlib-tasks"] == "task-sequence" and kinds["stdlib-preference-train"] == "preference"
        deadline = time.monotonic() + 60
        while not session.get(f"http://127.0.0.1:{port}/api/v1/workers/", timeout=30).json():
            assert time.monotonic() < deadline, "the worker never reported"
            time.sleep(1)
    finally:
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=90)[0]
    assert process.returncode == 0 and "Stopped." in rest
    with pytest.raises(requests.ConnectionError):  # nothing is left listening
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)

    again = launch(tmp_path, port)
    try:
        output = read_until(again, "Press Ctrl-C to stop.", 120)
        assert "Building the demo corpus" not in output, "the second start reuses the demo"
    finally:
        again.send_signal(signal.SIGINT)  # at once: a Ctrl-C while starting must stop cleanly too
        again.communicate(timeout=90)
    assert again.returncode == 0
