"""`make test`: chooses the services, then runs the whole pytest suite.

PostgreSQL and Redis are used when reachable (DATABASE_URL / CELERY_BROKER_URL, defaulting to the
local servers), the embedded default (SQLite + filesystem broker) otherwise; it says which. With
DISTILLERY_REQUIRE_SERVICES=1 (set by CI) a missing PostgreSQL or Redis is an error.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/distillery"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"


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
    args = [sys.executable, "-m", "pytest", *(sys.argv[1:] or ["--route-coverage"])]
    os.execve(sys.executable, args, env)


if __name__ == "__main__":
    sys.exit(main())
