"""The Celery application shared by web (which only sends tasks by name) and worker processes.

Configuration comes from Django settings under the CELERY_ namespace; the worker package adds
the task implementations on top of this app.
"""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("distillery")
app.config_from_object("django.conf:settings", namespace="CELERY")


def ensure_broker_dirs() -> None:
    """The filesystem broker needs its folders before the first message is sent or read."""
    from pathlib import Path

    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
