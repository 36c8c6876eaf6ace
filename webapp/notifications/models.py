"""Where a workspace wants to hear about its runs, and every attempt to tell it."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from webapp.accounts.models import Workspace

RUN_EVENTS = ("run.succeeded", "run.failed", "run.cancelled", "run.lost")


class Channel(models.Model):
    KINDS = [("webhook", "Webhook"), ("email", "E-mail")]

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notification_channels")
    kind = models.CharField(max_length=10, choices=KINDS)
    target = models.CharField(max_length=500, help_text="The webhook URL, or the e-mail address.")
    events = models.JSONField(default=list, help_text=f"Any of {', '.join(RUN_EVENTS)}.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Delivery(models.Model):
    """One message to one channel; retried with backoff until delivered or out of attempts."""

    STATUSES = [("pending", "Pending"), ("delivered", "Delivered"), ("failed", "Failed")]

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    run = models.ForeignKey("runs.Run", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=STATUSES, default="pending", db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    response_code = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
