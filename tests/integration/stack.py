"""A real Distillery stack for tests: fresh database and broker, migrations, a web server (uvicorn,
the same command docker-compose's `web` service runs) and a worker (`python -m worker`, as in
`worker-cpu`), each its own process. Nothing is mocked."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
TINY_TRAINING = {"max_steps": 12, "batch_size": 4, "block_size": 32, "warmup_steps": 2, "eval_every": 6,
                 "eval_batches": 2, "checkpoint_every": 6, "log_every": 2, "learning_rate": 3e-3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres_url(prefix: str = "distillery_it") -> str:
    """A new, empty database on the server of DATABASE_URL, named `prefix_<random>`."""
    import dj_database_url
    import psycopg

    base = os.environ["DATABASE_URL"]
    cfg = dj_database_url.parse(base)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')


def web_command(port: int) -> list[str]:
    """The web server as docker-compose's `web` service runs it, on 127.0.0.1:port."""
    return [sys.executable, "-m", "uvicorn", "webapp.asgi:application", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning"]


def answers_healthz(base_url: str) -> bool:
    try:
        return requests.get(base_url + "/healthz", timeout=5).ok
    except requests.RequestException:  # not listening yet, or still importing on a busy machine
        return False


@contextmanager
def web_server(env: dict) -> Iterator[str]:
    """uvicorn as web_command runs it, with this environment, on a free port of 127.0.0.1: yields its
    origin once it answers /healthz (an error if it exits first or takes over 180 s), stops it after."""
    port = free_port()
    server = subprocess.Popen(web_command(port), cwd=ROOT, env=env)
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while not answers_healthz(origin):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("uvicorn did not answer /healthz within 180 s")
            time.sleep(0.3)
        yield origin
    finally:
        server.terminate()
        server.wait(timeout=20)


@dataclass
class Stack:
    flavour: str  # "team" (PostgreSQL + Redis) or "embedded" (SQLite + filesystem broker)
    workdir: Path
    env: dict = field(default_factory=dict)
    extra_env: dict = field(default_factory=dict)  # added to every process's environment
    broker_url: str = ""  # team flavour: a Redis of the test's own instead of the suite's
    processes: dict = field(default_factory=dict)
    base_url: str = ""
    token: str = ""

    def start(self, workers: int = 1) -> "Stack":
        data_dir = self.workdir / "data"
        (data_dir / "models").mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
        env.update({"DISTILLERY_DATA_DIR": str(data_dir), "MODEL_PATH_ALLOWED_ROOTS": str(data_dir / "models"),
                    "RUN_CANCEL_GRACE_S": "15", "RUN_HEARTBEAT_TIMEOUT_S": "15", "PYTHONUNBUFFERED": "1",
                    # The tests' webhook receivers listen on loopback, which webhooks may not reach by default.
                    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", **self.extra_env})
        if self.flavour == "team":
            env["DATABASE_URL"] = fresh_postgres_url()
            # Its keys carry the checkout's and the xdist worker's prefix (tests/settings.py), so stacks of
            # other workers and of another checkout's suite can share the database number.
            redis_db = int(os.environ.get("DISTILLERY_IT_REDIS_DB", "13"))
            env["CELERY_BROKER_URL"] = self.broker_url or f"redis://127.0.0.1:6379/{redis_db}"
            import redis

            from tests.settings import REDIS_KEY_PREFIX

            client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
            for key in client.scan_iter(match=REDIS_KEY_PREFIX + "*"):
                client.delete(key)
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.port = port
        env["PUBLIC_URL"] = self.base_url  # links in e-mails (invitations) lead to this server
        self.env = env
        self.manage("migrate", "--no-input", "-v", "0")
        self.token = self.manage("create_api_token", "alice", "--password", "alice-password-1").strip()
        self.start_web()
        if workers:
            self.start_worker()
        self.wait_until(lambda: answers_healthz(self.base_url), 180, "the web server to answer /healthz")
        return self

    def start_web(self) -> None:
        self.spawn("web", web_command(self.port))

    def restart_web(self, down_for: float) -> None:
        """The web server goes away (connections drop) and comes back on the same address."""
        self.kill("web")
        time.sleep(down_for)
        self.start_web()
        self.wait_until(lambda: answers_healthz(self.base_url), 180, "the restarted web server")

    def start_worker(self, name: str = "worker", own_disk: Path | None = None, env: dict | None = None) -> None:
        """A worker; with `own_disk`, one that behaves as another host: in its own mount namespace
        that directory is mounted over ARTIFACT_ROOT, so it sees none of the files the web or other
        workers wrote, except through the artifact store. `env`: settings of this worker only."""
        command = [sys.executable, "-m", "worker", "--hostname", f"it-{self.flavour}-{name}@%h"]
        if own_disk is not None:
            root = self.artifact_root
            root.mkdir(parents=True, exist_ok=True)
            own_disk.mkdir(parents=True, exist_ok=True)
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       f'mount --bind "{own_disk}" "{root}" && exec "$@"', "sh", *command]
        self.spawn(name, command, env=env)

    @property
    def artifact_root(self) -> Path:
        return Path(self.env.get("ARTIFACT_ROOT", self.workdir / "data" / "artifacts"))

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to clean up, as when a machine dies."""
        self.processes[name].kill()
        self.processes[name].wait()

    def manage(self, *args: str) -> str:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def spawn(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env={**self.env, **(env or {})}, stdout=log,
                                                stderr=subprocess.STDOUT)

    def log_of(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.flavour == "team":
            drop_postgres(self.env["DATABASE_URL"])

    # --- HTTP helpers -----------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def ok(self, method: str, path: str, expect: int = 200, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:2000]}"
        return response.json() if response.content else {}

    def wait_until(self, predicate, timeout: float, what: str, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        logs = "\n".join(f"--- {n}.log ---\n{self.log_of(n)[-4000:]}" for n in self.processes)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")

    def wait_for_status(self, run_id: int, statuses: set[str], timeout: float = 240) -> dict:
        def current():
            run = self.ok("GET", f"/api/v1/runs/{run_id}/")
            return run if run["status"] in statuses else None

        return self.wait_until(current, timeout, f"run {run_id} to reach {statuses}", interval=0.5)


# The demo kit is built once per test process and copied for every later stack (building it costs
# tens of seconds on a busy machine): {"directory": where it was built, "summary": its JSON summary}.
_BUILT_KIT: dict = {}


def demo_kit(directory: Path) -> dict:
    """A small stdlib corpus + tokenizer + model configs, built by the engine's own demo command (once
    per process: later calls get a copy, with the paths in its JSON files pointing at the copy)."""
    if not _BUILT_KIT:
        built = Path(tempfile.mkdtemp(prefix="distillery-demo-kit-")) / "kit"
        atexit.register(shutil.rmtree, built.parent, True)
        _BUILT_KIT["summary"] = subprocess.run(
            [sys.executable, "-m", "engine", "demo-data", str(built), "--train-bytes", "150000"],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout
        _BUILT_KIT["directory"] = built
    shutil.copytree(_BUILT_KIT["directory"], directory)
    for path in directory.rglob("*.json"):
        path.write_text(path.read_text().replace(str(_BUILT_KIT["directory"]), str(directory)))
    summary = json.loads(_BUILT_KIT["summary"].replace(str(_BUILT_KIT["directory"]), str(directory)))
    for role in ("teacher", "student"):
        config = json.loads(Path(summary[f"{role}_config"]).read_text())
        config.update({"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
                       "num_key_value_heads": 2})
        summary[f"{role}_model_config"] = config
    return summary


def register_kit(stack: Stack) -> dict:
    """Workspace 'lab' with train/validation datasets and teacher/student models, made through the API."""
    kit = demo_kit(stack.workdir / "data" / "models" / "kit")
    stack.ok("POST", "/api/v1/workspaces/", 201, json={"name": "Lab", "slug": "lab"})
    ids = {}
    for name in ("train", "validation"):
        with open(kit[name]["path"], "rb") as handle:
            ids[name] = stack.ok("POST", "/api/v1/datasets/", 201,
                                 data={"workspace": "lab", "name": name, "kind": "text"},
                                 files={"file": ("data.jsonl", handle)})["id"]
    for role in ("teacher", "student"):
        ids[f"{role}-init"] = stack.ok("POST", "/api/v1/models/", 201, json={
            "workspace": "lab", "name": f"{role}-init", "source": "config", "config": kit[f"{role}_model_config"],
            "tokenizer_path": kit["tokenizer"]["path"]})["id"]
    return ids
