"""Lets `celery -A worker` find the app."""
from worker.app import app  # noqa: F401
