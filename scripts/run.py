"""`make run`: migrate, seed the demo workspace, then run the web server and one worker until Ctrl-C.

Uses the embedded default unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    processes = {
        "web": subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "webapp.asgi:application", "--host", HOST, "--port", PORT,
             "--log-level", "warning"], cwd=ROOT),
        "worker": subprocess.Popen([sys.executable, "-m", "worker", "--loglevel", "WARNING"], cwd=ROOT),
    }
    print(f"\nDistillery is running at http://{HOST}:{PORT}\n"
          "  sign in as demo / distillery-demo\n"
          "  API docs: http://{0}:{1}/api/docs/\n"
          "Press Ctrl-C to stop.\n".format(HOST, PORT), flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for p in processes.values()):
        time.sleep(0.5)
    for name, process in processes.items():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 60
    for name, process in processes.items():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it", flush=True)
            process.kill()
    crashed = [n for n, p in processes.items() if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
    print("Stopped." if not crashed else f"Stopped; {', '.join(crashed)} had exited with an error.")
    return 1 if crashed and not stopping else 0


if __name__ == "__main__":
    sys.exit(main())
