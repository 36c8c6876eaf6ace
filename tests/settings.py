"""Django settings of the test suite: the production settings (webapp/settings.py) with test-only changes.

pyproject.toml's pytest section names this module (DJANGO_SETTINGS_MODULE = "tests.settings"), and the
processes a test starts (the integration stack's web server, workers, manage.py) inherit it through the
environment. Nothing outside tests/ names it: manage.py, webapp.asgi/wsgi, worker and scripts/run.py
default to webapp.settings, so a deployment never loads this file (tests/test_settings.py checks that
webapp.settings keeps Django's own password hashers).

Changes:
- Passwords are hashed with MD5: the fixture users' passwords are hashed (and checked at every login)
  thousands of times per session, and the production hasher makes each one cost a sizeable fraction
  of a second on purpose.
- Django's cache is this process's memory (see CACHES below); a SECRET_KEY and a PUBLIC_URL are set for the
  processes a test starts (webapp.settings refuses to start without them outside the embedded default).
- Under pytest-xdist, each worker (PYTEST_XDIST_WORKER=gw0, gw1, ...) gets its own data folder (and so
  its own SQLite files, artifacts, broker folders) and its own key prefix on a Redis broker (which also
  names the checkout, for two suites at once), so two workers never see each other's files or
  messages. pytest-django gives each worker its own test database name. The env is changed before
  webapp.settings reads it, so the processes a test starts get the worker's folder too.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER and os.environ.get("DISTILLERY_TEST_WORKER") != WORKER:
    # Once per worker process: the processes it starts inherit the changed variables. The default
    # folder is webapp.settings' own.
    os.environ["DISTILLERY_TEST_WORKER"] = WORKER
    _base = Path(os.environ.get("DISTILLERY_DATA_DIR", Path(__file__).resolve().parents[1] / "var"))
    os.environ["DISTILLERY_DATA_DIR"] = str(_base / WORKER)

# webapp.settings refuses to start without a SECRET_KEY when DATABASE_URL names a server (the suite's
# PostgreSQL); the processes a test starts inherit this one.
os.environ.setdefault("SECRET_KEY", "distillery-test-suite-key-" + hashlib.sha1(os.urandom(16)).hexdigest())
# ... and without a PUBLIC_URL (the integration stack sets its own address for its processes).
os.environ.setdefault("PUBLIC_URL", "http://testserver")

from webapp.settings import *  # noqa: E402,F401,F403
from webapp.settings import CELERY_BROKER_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The throttling counts live in each process's memory, never in a Redis that other suites share: the
# tests clear the cache before each test (tests/conftest.py), which on Redis would empty the database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Every key of a Redis broker starts with this: a tag of the checkout (two checkouts' suites may share
# one Redis) and the xdist worker. The tests that read a queue (tests/api/test_limits.py) see only their
# own worker's messages, and the integration stack a worker starts (its processes inherit
# PYTEST_XDIST_WORKER) clears only its own keys.
CHECKOUT_TAG = hashlib.sha1(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:8]
REDIS_KEY_PREFIX = f"{CHECKOUT_TAG}:{WORKER or 'main'}:"
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": REDIS_KEY_PREFIX}
