"""Creating channels, queueing deliveries when a run ends, and sending them with retries.

Deliveries are sent by the worker that finished the run, right away, and retried by any worker's
heartbeat loop (exponential backoff), so a notification never waits behind a training run in a
queue and survives a receiver that is briefly down.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import EmailValidator, URLValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.notifications.models import RUN_EVENTS, Channel, Delivery

MAX_ATTEMPTS = 5
TIMEOUT_S = 5


def channel_create(*, workspace: Workspace, user: User, kind: str, target: str, events: list[str]) -> Channel:
    require_write(user=user, workspace=workspace)
    unknown = sorted(set(events) - set(RUN_EVENTS))
    if not events or unknown:
        raise Invalid(f"events must be a non-empty list of {', '.join(RUN_EVENTS)}"
                      + (f" (unknown: {', '.join(unknown)})" if unknown else "") + ".", field="events")
    try:
        (URLValidator(schemes=["http", "https"]) if kind == "webhook" else EmailValidator())(target)
    except ValidationError:
        what = "an http(s) URL" if kind == "webhook" else "an e-mail address"
        raise Invalid(f"target must be {what}, got '{target}'.", field="target") from None
    channel = Channel.objects.create(workspace=workspace, kind=kind, target=target, events=events, created_by=user)
    audit(workspace=workspace, actor=user, action="notification.create", target=channel, kind=kind)
    return channel


def channel_delete(*, channel: Channel, user: User) -> None:
    require_write(user=user, workspace=channel.workspace)
    audit(workspace=channel.workspace, actor=user, action="notification.delete", target=channel, kind=channel.kind)
    channel.delete()


def _payload(run, event: str) -> dict:
    outcome = event.split(".", 1)[1]
    loss = run.metric_summaries.filter(name="eval/loss").values_list("last", flat=True).first()
    text = f"Run {run.id} '{run.name}' ({run.method}) in {run.workspace.slug} {outcome}"
    if loss is not None:
        text += f" — eval/loss {loss:.4f}"
    if run.error_message and outcome != "succeeded":
        text += f": {run.error_message}"
    # `text` is what Slack and most chat webhooks show; the rest is for programs.
    return {"text": text, "event": event, "run": {"id": run.id, "name": run.name, "method": run.method,
            "status": run.status, "workspace": run.workspace.slug, "error_message": run.error_message,
            "eval_loss": loss}}


def notify_run_event(*, run, event: str) -> list[Delivery]:
    """Queues one delivery per channel that listens to `event` and tries each once right away."""
    channels = [c for c in Channel.objects.filter(workspace=run.workspace) if event in c.events]
    if not channels:
        return []
    payload = _payload(run, event)
    with transaction.atomic():
        deliveries = [Delivery.objects.create(channel=c, run=run, event=event, payload=payload,
                                              next_attempt_at=timezone.now()) for c in channels]
    for delivery in deliveries:
        delivery_attempt(delivery=delivery)
    return deliveries


def delivery_attempt(*, delivery: Delivery) -> None:
    channel = delivery.channel
    delivery.attempts += 1
    try:
        if channel.kind == "webhook":
            request = urllib.request.Request(
                channel.target, data=json.dumps(delivery.payload).encode(), method="POST",
                headers={"Content-Type": "application/json", "User-Agent": "Distillery"},
            )
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                delivery.response_code = response.status
        else:
            send_mail(subject=delivery.payload["text"][:150], message=json.dumps(delivery.payload, indent=2),
                      from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[channel.target])
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", timezone.now(), ""
    except urllib.error.HTTPError as exc:
        delivery.response_code, delivery.last_error = exc.code, f"HTTP {exc.code}: {exc.reason}"
    except (OSError, ValueError) as exc:
        delivery.last_error = str(exc)[:1000]
    if delivery.status != "delivered":
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=5 * 2 ** delivery.attempts)
    delivery.save()


def deliveries_retry_due() -> int:
    """Retries pending deliveries whose backoff has passed; called by workers' heartbeat loops."""
    due = list(Delivery.objects.select_related("channel").filter(status="pending", next_attempt_at__lte=timezone.now(),
                                                                 attempts__gt=0)[:50])
    for delivery in due:
        delivery_attempt(delivery=delivery)
    return len(due)
