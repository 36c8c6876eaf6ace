"""The worker's Celery app: the web tier's app (webapp.celery_app) plus the task implementations."""
from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django.setup()

from webapp.celery_app import app  # noqa: E402

import worker.artifact_cache  # noqa: E402,F401  (the cache lock around tasks, and the prune after them)
import worker.lifecycle  # noqa: E402,F401  (heartbeat and shutdown signal handlers)
import worker.tasks  # noqa: E402,F401  (registers the tasks)

__all__ = ["app"]
