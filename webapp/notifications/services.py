"""Creating channels, queueing deliveries when a run ends, and sending them with retries.

Deliveries are sent by the worker that finished the run, right away, and retried by any worker's
heartbeat loop (exponential backoff), so a notification never waits behind a training run in a
queue and survives a receiver that is briefly down.

A webhook is a URL a user chose that the server then fetches, so it is guarded against
server-side request forgery: its host must resolve to public addresses only (unless the operator
allows the host or its network in WEBHOOK_ALLOWED_HOSTS), checked when the channel is created and
again at every delivery, which connects to the very address it checked (DNS may change in
between) and never follows a redirect.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
from datetime import timedelta
from urllib.parse import urlsplit

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

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookRefused(ValueError):
    """A webhook target the SSRF guard will not fetch; the message says why and what to do."""


def _resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a seam for tests; an IP literal resolves to itself)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _allowed_hosts() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names, networks = set(), []
    for entry in settings.WEBHOOK_ALLOWED_HOSTS:
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return names, networks


NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(address: Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the mechanism's name: IPv4-mapped, 6to4
    (2002::/16), Teredo (2001::/32: its server and client) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48).
    A translator or relay on the way turns each into the IPv4 address inside it."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        found.extend(("Teredo", inner) for inner in address.teredo)
    if any(address in prefix for prefix in NAT64_PREFIXES):
        found.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    return found


def _plain_kind(address: Address) -> str | None:
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-public"


def _internal_kind(address: Address) -> str | None:
    """What makes an address unfit for a webhook, or None for a public one. An IPv6 address that
    carries an internal IPv4 address (6to4, Teredo, NAT64, IPv4-mapped) is judged by that one."""
    for mechanism, inner in _embedded_ipv4(address):
        kind = _plain_kind(inner)
        if kind:
            return kind if mechanism == "IPv4-mapped" else f"{kind} (inside a {mechanism})"
    return _plain_kind(address)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def webhook_target_check(url: str) -> list[tuple[str, int, str]]:
    """Resolves a webhook URL's host and returns [(scheme, port, address)] it may be sent to, or
    raises WebhookRefused when any address is internal and not allowed; OSError when the host does
    not resolve at all."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookRefused(f"'{url}' is not an http(s) URL with a host.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    names, networks = _allowed_hosts()
    addresses = _resolve(host, port)
    if host not in names:
        for raw in addresses:
            address = ipaddress.ip_address(raw.split("%", 1)[0])
            kind = _internal_kind(address)
            if kind and not any(address.version == net.version and address in net for net in networks):
                # Which internal address a name stands for is the operator's business: it is not told.
                what = f"{address}, a {kind}" if _is_ip_literal(host) else f"a {kind}"
                raise WebhookRefused(
                    f"'{host}' resolves to {what} address: webhooks may only reach public "
                    "addresses, so an internal service (or a cloud metadata endpoint) cannot be reached through "
                    "them. If this receiver is meant to be internal, ask the operator to add the host or its "
                    "network to WEBHOOK_ALLOWED_HOSTS."
                )
    return [(parts.scheme, port, address) for address in addresses]


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
    if kind == "webhook":
        try:
            webhook_target_check(target)
        except WebhookRefused as exc:
            raise Invalid(str(exc), field="target") from None
        except OSError:
            pass  # a name that does not resolve yet is checked again at every delivery
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
            delivery.response_code = _webhook_post(channel.target, delivery.payload)
        else:
            send_mail(subject=delivery.payload["text"][:150], message=json.dumps(delivery.payload, indent=2),
                      from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[channel.target])
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", timezone.now(), ""
    except _HttpStatusError as exc:
        delivery.response_code, delivery.last_error = exc.code, str(exc)[:1000]
    except (OSError, ValueError, http.client.HTTPException) as exc:
        delivery.last_error = str(exc)[:1000]
    if delivery.status != "delivered":
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=5 * 2 ** delivery.attempts)
    delivery.save()


class _HttpStatusError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def _webhook_post(url: str, payload: dict) -> int:
    """POSTs the payload to the first address the guard accepted, with the URL's host in the Host
    header (http.client writes it from the connection's host) and, for https, in SNI and the
    certificate check. Returns a 2xx status; anything else,
    a redirect included (never followed), raises _HttpStatusError."""
    targets = webhook_target_check(url)
    scheme, port, address = targets[0]
    parts = urlsplit(url)
    host = parts.hostname
    connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = connection_class(host, port, timeout=TIMEOUT_S)
    # Connect to the checked address, not to a fresh lookup of the name (which could answer differently).
    connection._create_connection = lambda _address, *args, **kwargs: socket.create_connection(
        (address, port), *args, **kwargs)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        connection.request("POST", path, body=json.dumps(payload).encode(),
                           headers={"Content-Type": "application/json", "User-Agent": "Distillery"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status
    if 300 <= response.status < 400:
        raise _HttpStatusError(response.status, (
            f"HTTP {response.status}: the webhook redirects to '{response.getheader('Location', '')}', and "
            "redirects are not followed (they could lead to an internal address): give the final URL."))
    raise _HttpStatusError(response.status, f"HTTP {response.status}: {response.reason}")


def deliveries_retry_due() -> int:
    """Retries pending deliveries whose backoff has passed; called by workers' heartbeat loops."""
    due = list(Delivery.objects.select_related("channel").filter(status="pending", next_attempt_at__lte=timezone.now(),
                                                                 attempts__gt=0)[:50])
    for delivery in due:
        delivery_attempt(delivery=delivery)
    return len(due)
