"""`make test`: chooses the services, then runs the whole pytest suite.

PostgreSQL and Redis are used when reachable (DATABASE_URL / CELERY_BROKER_URL, defaulting to the
local servers), the embedded default (SQLite + filesystem broker) otherwise; it says which. With
DISTILLERY_REQUIRE_SERVICES=1 (set by CI) a missing PostgreSQL or Redis is an error.

The whole suite (no arguments) runs on DISTILLERY_TEST_WORKERS pytest-xdist workers (default
DEFAULT_WORKERS; 0 runs it in this one process) with `--dist loadgroup`: tests/conftest.py keeps the
tests that share an expensive fixture on one worker, and tests/settings.py gives each worker its own
data folder and Redis key prefix (pytest-django its own test database). With arguments, they are
passed to pytest as they are (add `-n 2 --dist loadgroup` to spread them); `--faults` alone runs the
fault suite (tests/faults) on the same workers, which the whole suite leaves out.

Two checkouts may run their suites at once on one machine: the default database name carries a tag
of the checkout's path (pytest-django's test databases follow it), tests/settings.py prefixes every
Redis key with the same tag, and each checkout keeps its files under its own var/.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOUT_TAG = hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/distillery_{CHECKOUT_TAG}"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
# One worker per core of the 2-core machines this runs on: at 3, the integration tests' web servers,
# workers and engines competed with two CPU-bound workers and their condition waits ran out.
DEFAULT_WORKERS = 2
# The fault suite (real processes killed, a database cut, a disk filled, the API fuzzed) runs apart,
# in `make faults` (`scripts/test.py --faults`), which .ci/run runs after `make test`.
FAULTS = "tests/faults"


def postgres_reachable(url: str) -> str | None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    try:
        psycopg.connect(
            host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3,
        ).close()
        return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def redis_reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return str(exc)


def main() -> int:
    require = os.environ.get("DISTILLERY_REQUIRE_SERVICES") == "1"
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker_url = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    pg_problem = postgres_reachable(database_url) if database_url.startswith("postgres") else "not a PostgreSQL URL"
    redis_problem = redis_reachable(broker_url) if broker_url.startswith("redis") else "not a Redis URL"
    if require and (pg_problem or redis_problem):
        print(f"PostgreSQL: {pg_problem or 'ok'}; Redis: {redis_problem or 'ok'}", file=sys.stderr)
        print("DISTILLERY_REQUIRE_SERVICES=1 and a service is missing: start it and run again.", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env["DISTILLERY_DATA_DIR"] = env.get("DISTILLERY_DATA_DIR", str(ROOT / "var" / "test"))
    if pg_problem:
        env.pop("DATABASE_URL", None)
        print(f"make test: PostgreSQL not reachable ({pg_problem}); using the embedded SQLite database.")
    else:
        env["DATABASE_URL"] = database_url
        print(f"make test: using PostgreSQL at {database_url}")
    if redis_problem:
        env["CELERY_BROKER_URL"] = "filesystem://"
        print(f"make test: Redis not reachable ({redis_problem}); using the embedded filesystem broker.")
    else:
        env["CELERY_BROKER_URL"] = broker_url
        print(f"make test: using Redis at {broker_url}")
    env["DISTILLERY_TEAM_SERVICES"] = "1" if not (pg_problem or redis_problem) else "0"
    # The whole suite also checks that every API route answered a test successfully (tests/route_coverage.py).
    workers = int(os.environ.get("DISTILLERY_TEST_WORKERS") or DEFAULT_WORKERS)
    spread = ["-n", str(workers), "--dist", "loadgroup"] if workers else []
    if sys.argv[1:] == ["--faults"]:
        chosen = [*spread, FAULTS]
    else:
        chosen = sys.argv[1:] or ["--route-coverage", f"--ignore={FAULTS}", *spread]
    args = [sys.executable, "-m", "pytest", *chosen]
    os.execve(sys.executable, args, env)


if __name__ == "__main__":
    sys.exit(main())
