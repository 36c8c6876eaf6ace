"""Notifications: channels, a real webhook receiver on loopback, retries with backoff, e-mail."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from tests.api.test_runs_api import launch
from webapp.notifications.models import Delivery
from webapp.notifications.services import deliveries_retry_due, notify_run_event
from webapp.runs.models import Run, RunStatus
from webapp.runs.services import metrics_ingest


class Receiver:
    """A webhook endpoint on 127.0.0.1 that answers with the next queued status code."""

    def __init__(self, statuses):
        self.statuses, self.bodies = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(*statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def failed_run(api, objs) -> Run:
    run = Run.objects.get(pk=launch(api("member"), objs).json()["id"])
    metrics_ingest(run=run, points=[("eval/loss", 3, 2.5, 1.0)])
    Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error_message="CUDA out of memory")
    run.refresh_from_db()
    return run


def test_channels_are_validated_and_only_members_manage_them(api):
    client = api("member")
    ok = client.post("/api/v1/workspaces/lab/notifications/",
                     {"kind": "webhook", "target": "https://hooks.example.org/x", "events": ["run.failed"]}, format="json")
    assert ok.status_code == 201
    bad_url = client.post("/api/v1/workspaces/lab/notifications/",
                          {"kind": "webhook", "target": "ftp://x", "events": ["run.failed"]}, format="json")
    assert bad_url.status_code == 400 and "http(s) URL" in bad_url.json()["detail"]
    bad_event = client.post("/api/v1/workspaces/lab/notifications/",
                            {"kind": "email", "target": "a@b.org", "events": ["run.exploded"]}, format="json")
    assert bad_event.status_code == 400 and "events.0" in bad_event.json()["errors"]
    assert api("viewer").post("/api/v1/workspaces/lab/notifications/",
                              {"kind": "email", "target": "a@b.org", "events": ["run.failed"]}, format="json").status_code == 403
    assert api("outsider").delete(f"/api/v1/notifications/{ok.json()['id']}/").status_code == 404
    assert client.delete(f"/api/v1/notifications/{ok.json()['id']}/").status_code == 204


def test_a_failed_run_posts_slack_compatible_json_to_the_webhook(api, registry_objects, receiver):
    hook = receiver()
    api("member").post("/api/v1/workspaces/lab/notifications/",
                       {"kind": "webhook", "target": hook.url, "events": ["run.failed"]}, format="json")
    run = failed_run(api, registry_objects)
    notify_run_event(run=run, event="run.succeeded")  # not subscribed: nothing sent
    notify_run_event(run=run, event="run.failed")
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["event"] == "run.failed" and body["run"]["id"] == run.id
    assert "failed" in body["text"] and "eval/loss 2.5000" in body["text"] and "CUDA out of memory" in body["text"]
    log = api("viewer").get("/api/v1/workspaces/lab/deliveries/").json()["results"]
    assert [(d["status"], d["attempts"], d["response_code"]) for d in log] == [("delivered", 1, 200)]


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(api, registry_objects, receiver):
    hook = receiver(500, 503, 200)
    api("member").post("/api/v1/workspaces/lab/notifications/",
                       {"kind": "webhook", "target": hook.url, "events": ["run.failed"]}, format="json")
    run = failed_run(api, registry_objects)
    notify_run_event(run=run, event="run.failed")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    assert deliveries_retry_due() == 0  # backoff not over yet
    for expected in (("pending", 2, 503), ("delivered", 3, 200)):
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert deliveries_retry_due() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_code) == expected
    assert len(hook.bodies) == 3


def test_an_unreachable_webhook_fails_after_the_last_attempt(api, registry_objects, receiver):
    hook = receiver()
    hook.close()
    api("member").post("/api/v1/workspaces/lab/notifications/",
                       {"kind": "webhook", "target": hook.url, "events": ["run.failed"]}, format="json")
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    for _ in range(4):
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        deliveries_retry_due()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 5) and delivery.last_error


def test_an_email_channel_sends_mail(api, registry_objects, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    api("member").post("/api/v1/workspaces/lab/notifications/",
                       {"kind": "email", "target": "team@example.org", "events": ["run.failed"]}, format="json")
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["team@example.org"]
    assert "failed" in mail.outbox[0].subject
