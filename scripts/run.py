"""`make run`: migrate, seed the demo workspace, then run the web server and one worker until Ctrl-C.

Uses the embedded default unless DATABASE_URL / CELERY_BROKER_URL say otherwise. The web server
listens on HOST:PORT (default 127.0.0.1:8000), and links in e-mails point there unless PUBLIC_URL
says otherwise (webapp/settings.py). The address and the sign-in are printed last, once the web
server answers and the worker has reported.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("HOST", "").strip() or "127.0.0.1"
PORT = os.environ.get("PORT", "").strip() or "8000"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def wait_until_serving(web: subprocess.Popen, stopping: threading.Event, timeout: float = 120) -> bool:
    """The URL is printed only once the server answers, so it works when it is clicked."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None and not stopping.is_set():
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=5).close()
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    return False


def stop_all(processes: dict[str, subprocess.Popen], grace_s: float = 60) -> list[str]:
    """SIGTERM to every process (the worker checkpoints a running run and requeues it), SIGKILL
    after the grace period; returns the names of those that had crashed on their own."""
    crashed = [n for n, p in processes.items() if p.poll() not in (None, 0)]
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for name, process in processes.items():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it", flush=True)
            process.kill()
            process.wait()
    return crashed


def wait_for_workers(hostnames: list[str], since, processes: dict[str, subprocess.Popen],
                     stopping: threading.Event, timeout: float = 180) -> bool:
    """Until both worker processes (the training worker and its light companion) have reported, so
    that their start-up banners are printed before the URL, not after it."""
    from webapp.runs.models import Worker

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping.is_set() and all(p.poll() is None for p in processes.values()):
        ready = Worker.objects.filter(hostname__in=hostnames, stopped_at__isnull=True, last_heartbeat__gte=since)
        if ready.count() == len(hostnames):
            return True
        stopping.wait(0.5)
    return False


def ready_banner(public_url: str, workers_ready: bool) -> str:
    """What `make run` prints last: where to go and how to sign in, framed so it stands out."""
    lines = [f"Distillery is running at {public_url}",
             "  sign in as demo / distillery-demo",
             f"  API docs: {public_url}/api/docs/"]
    if not workers_ready:
        lines.append("  (the worker has not reported yet: runs wait in the queue until it does)")
    lines.append("Press Ctrl-C to stop.")
    rule = "=" * max(len(line) for line in lines)
    return "\n".join(["", rule, *lines, rule, ""])


def main() -> int:
    import socket

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    sys.path.insert(0, str(ROOT))  # this process reads the settings and the workers' rows too
    import django
    from django.conf import settings
    from django.utils import timezone

    django.setup()
    # From here on Ctrl-C means "stop both processes cleanly", even while they are starting.
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    worker_name = f"worker-{os.getpid()}@{socket.gethostname()}"
    since = timezone.now()
    processes = {
        "web": subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "webapp.asgi:application", "--host", HOST, "--port", PORT,
             "--log-level", "warning"], cwd=ROOT),
        "worker": subprocess.Popen([sys.executable, "-m", "worker", "--loglevel", "WARNING", "--hostname", worker_name],
                                   cwd=ROOT),
    }
    if wait_until_serving(processes["web"], stopping):
        workers_ready = wait_for_workers([worker_name, f"light-{worker_name}"], since, processes, stopping)
        if not stopping.is_set():
            print(ready_banner(settings.PUBLIC_URL, workers_ready), flush=True)
    elif not stopping.is_set():
        print("The web server did not start: see the messages above.", flush=True)
        stop_all(processes)
        return 1
    while not stopping.is_set() and all(p.poll() is None for p in processes.values()):
        stopping.wait(0.5)
    crashed = stop_all(processes)
    print("Stopped." if not crashed else f"Stopped; {', '.join(crashed)} had exited with an error.", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
