"""Notifications: channels, a real webhook receiver on loopback, retries with backoff, e-mail."""
from __future__ import annotations

import ipaddress
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.api.test_runs_api import launch
from webapp.notifications.models import Delivery
from webapp.notifications import services as notification_services
from webapp.notifications.services import deliveries_retry_due, notify_run_event
from webapp.runs.models import Run, RunStatus
from webapp.runs.services.metrics import metrics_ingest


# The receivers below listen on loopback, which webhooks may reach only when the operator allows it.
ALLOW_LOOPBACK = override_settings(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"])


class Receiver:
    """A webhook endpoint on 127.0.0.1 that answers with the next queued status code (and, for a
    redirect, `location`)."""

    def __init__(self, statuses, location=None):
        self.statuses, self.bodies = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                if location:
                    self.send_header("Location", location)
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

    def make(*statuses, location=None):
        made.append(Receiver(statuses, location))
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
                     {"kind": "webhook", "target": "https://hooks.example.org/x", "events": ["run.failed"]},
                     format="json")
    assert ok.status_code == 201
    bad_url = client.post("/api/v1/workspaces/lab/notifications/",
                          {"kind": "webhook", "target": "ftp://x", "events": ["run.failed"]}, format="json")
    assert bad_url.status_code == 400 and "http(s) URL" in bad_url.json()["detail"]
    bad_event = client.post("/api/v1/workspaces/lab/notifications/",
                            {"kind": "email", "target": "a@b.org", "events": ["run.exploded"]}, format="json")
    assert bad_event.status_code == 400 and "events.0" in bad_event.json()["errors"]
    assert api("viewer").post("/api/v1/workspaces/lab/notifications/",
                              {"kind": "email", "target": "a@b.org", "events": ["run.failed"]},
                              format="json").status_code == 403
    listed = api("viewer").get("/api/v1/workspaces/lab/notifications/")
    assert listed.status_code == 200
    assert [(c["id"], c["kind"], c["target"], c["events"]) for c in listed.json()] == [
        (ok.json()["id"], "webhook", "https://hooks.example.org/x", ["run.failed"])]
    assert api("outsider").get("/api/v1/workspaces/lab/notifications/").status_code == 404
    assert api("outsider").delete(f"/api/v1/notifications/{ok.json()['id']}/").status_code == 404
    assert client.delete(f"/api/v1/notifications/{ok.json()['id']}/").status_code == 204
    assert client.get("/api/v1/workspaces/lab/notifications/").json() == []


@ALLOW_LOOPBACK
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


@ALLOW_LOOPBACK
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


@ALLOW_LOOPBACK
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


def fake_dns(monkeypatch, *answers):
    """Host names resolve to the next of `answers` (the last one repeats); IP literals to themselves."""
    real, queue = notification_services._resolve, list(answers)

    def resolve(host, port):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        return real(host, port)

    monkeypatch.setattr(notification_services, "_resolve", resolve)


def create_webhook(client, target):
    return client.post("/api/v1/workspaces/lab/notifications/",
                       {"kind": "webhook", "target": target, "events": ["run.failed"]}, format="json")


@pytest.mark.reliability
@pytest.mark.parametrize("target, kind", [
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://10.0.0.5/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]:9000/hook", "loopback"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://[::ffff:10.1.2.3]/hook", "private"),
    ("http://[2002:7f00:1::]/hook", "loopback (inside a 6to4)"),
    ("http://[2002:a9fe:a9fe::1]/latest/meta-data/", "link-local (inside a 6to4)"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", "loopback (inside a Teredo)"),
    ("http://[64:ff9b::7f00:1]/hook", "loopback (inside a NAT64)"),
    ("http://[64:ff9b::a9fe:a9fe]/hook", "link-local (inside a NAT64)"),
    ("http://[64:ff9b:1::a00:5]/hook", "private (inside a NAT64)"),
])
def test_webhooks_to_internal_addresses_are_refused_naming_the_setting(api, target, kind):
    response = create_webhook(api("member"), target)
    assert response.status_code == 400
    body = response.json()
    assert f"a {kind} address" in body["detail"] and "WEBHOOK_ALLOWED_HOSTS" in body["detail"]
    assert list(body["errors"]) == ["target"]


@pytest.mark.reliability
def test_a_host_name_resolving_to_an_internal_address_is_refused(api, monkeypatch):
    fake_dns(monkeypatch, ["93.184.215.14", "192.168.1.7"])
    response = create_webhook(api("member"), "https://hooks.example.org/x")
    assert response.status_code == 400
    assert "'hooks.example.org' resolves to a private address" in response.json()["detail"]
    assert "192.168" not in response.json()["detail"], "what an internal name stands for is not told"


@pytest.mark.reliability
def test_a_host_name_resolving_to_a_6to4_address_around_loopback_is_refused_without_the_address(api, monkeypatch):
    fake_dns(monkeypatch, ["2002:7f00:1::"])
    response = create_webhook(api("member"), "https://sneaky.example.org/x")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'sneaky.example.org' resolves to a loopback (inside a 6to4) address" in detail
    assert "2002" not in detail and "127.0" not in detail


def test_allowed_host_names_and_networks_let_internal_receivers_through(api, monkeypatch):
    fake_dns(monkeypatch, ["10.20.3.4"])
    client = api("member")
    with override_settings(WEBHOOK_ALLOWED_HOSTS=["hooks.internal", "10.20.0.0/16", "fd00::/8"]):
        assert create_webhook(client, "http://hooks.internal/x").status_code == 201
        assert create_webhook(client, "http://other.internal/x").status_code == 201  # 10.20.3.4 is in 10.20/16
        assert create_webhook(client, "http://[fd00::5]/x").status_code == 201
        assert create_webhook(client, "http://10.21.0.1/x").status_code == 400
    with override_settings(WEBHOOK_ALLOWED_HOSTS=["10.20.3.5/32"]):
        assert create_webhook(client, "http://other.internal/x").status_code == 400


@pytest.mark.reliability
@ALLOW_LOOPBACK
def test_a_delivery_checks_the_address_again_and_sends_nothing_when_it_became_internal(api, registry_objects,
                                                                                         receiver, monkeypatch):
    hook = receiver()
    host_url = hook.url.replace("127.0.0.1", "hooks.example.org")
    fake_dns(monkeypatch, ["93.184.215.14"], ["169.254.169.254"])
    assert create_webhook(api("member"), host_url).status_code == 201
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.response_code is None
    assert "'hooks.example.org' resolves to a link-local address" in delivery.last_error
    assert "169.254" not in delivery.last_error, "what an internal name stands for is not told"
    assert hook.bodies == []


@pytest.mark.reliability
@ALLOW_LOOPBACK
def test_a_delivery_connects_to_the_address_it_checked(api, registry_objects, receiver, monkeypatch):
    hook = receiver()
    fake_dns(monkeypatch, ["127.0.0.1"], ["127.0.0.1"], ["10.9.9.9"])  # a later lookup would say otherwise
    assert create_webhook(api("member"), hook.url.replace("127.0.0.1", "rebinding.example")).status_code == 201
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    assert Delivery.objects.get().status == "delivered" and len(hook.bodies) == 1


def test_a_delivery_refused_by_the_operator_later_is_not_sent(api, registry_objects, receiver):
    hook = receiver()
    with ALLOW_LOOPBACK:
        assert create_webhook(api("member"), hook.url).status_code == 201
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "127.0.0.1, a loopback address" in delivery.last_error
    assert hook.bodies == []


@ALLOW_LOOPBACK
def test_a_redirect_is_not_followed(api, registry_objects, receiver):
    internal = receiver()
    public = receiver(302, location=internal.url)
    assert create_webhook(api("member"), public.url).status_code == 201
    notify_run_event(run=failed_run(api, registry_objects), event="run.failed")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("pending", 302)
    assert f"redirects to '{internal.url}'" in delivery.last_error and "not followed" in delivery.last_error
    assert len(public.bodies) == 1 and internal.bodies == []
