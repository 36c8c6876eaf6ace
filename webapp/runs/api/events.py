"""Live run events over Server-Sent Events.

The database is the source of truth: the stream polls it for metric points with an id above the
cursor, log lines above the last sequence number, and status/progress changes. Each SSE message
carries the cursor as its id; a browser that reconnects sends it back as Last-Event-ID and the
stream resumes right after it, so no point is lost or sent twice.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from webapp.runs.models import FINAL_STATUSES, Run
from webapp.runs.selectors.logs import log_lines_after
from webapp.runs.selectors.metrics import metric_points_after
from webapp.runs.selectors.playground import playground_session_get
from webapp.runs.selectors.runs import run_get

POLL_INTERVAL_S = 0.25
# A stream closes after this long and the browser reconnects with its cursor; this bounds how
# long one connection holds server resources.
MAX_STREAM_S = 300


@dataclass
class Cursor:
    metric_id: int = 0
    log_seq: int = 0

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor":
        try:
            metric, log = (raw or "").split("-")
            return cls(int(metric), int(log))
        except ValueError:
            return cls()

    def __str__(self) -> str:
        return f"{self.metric_id}-{self.log_seq}"


def _message(event: str, data, cursor: Cursor) -> str:
    return f"id: {cursor}\nevent: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _poll(run_id: int, cursor: Cursor) -> tuple[list[str], dict, bool, Cursor]:
    """One look at the database: new messages, the run's state, whether the run is final, and the
    cursor after the messages. `cursor` itself is left as it was."""
    cursor = Cursor(cursor.metric_id, cursor.log_seq)
    from webapp.runs.api.runs import RunOutput

    run = Run.objects.select_related("workspace", "creator").get(pk=run_id)
    messages = []
    points = metric_points_after(run=run, after_id=cursor.metric_id)
    if points:
        cursor.metric_id = points[-1].id
        messages.append(_message(
            "metrics",
            {"points": [{"name": p.name, "step": p.step, "value": p.value, "wall": p.wall} for p in points]},
            cursor,
        ))
    lines = log_lines_after(run=run, after_seq=cursor.log_seq)
    if lines:
        cursor.log_seq = lines[-1].seq
        messages.append(_message(
            "log", {"lines": [{"seq": line.seq, "time": line.time, "level": line.level, "message": line.message}
                      for line in lines]},
            cursor,
        ))
    state = RunOutput(run).data
    return messages, state, run.status in FINAL_STATUSES and not points and not lines, cursor


def _poll_in_pool(run_id: int, cursor: Cursor):
    try:
        return _poll(run_id, cursor)
    finally:
        connection.close()


# Subscribers of a run that stand at the same cursor (the usual case: everyone is caught up) share
# one database poll per interval instead of each polling: 100 viewers of a run cost one query set.
_shared_polls: dict[tuple[int, int, int], tuple[float, asyncio.Future]] = {}


async def _poll_shared(run_id: int, cursor: Cursor):
    key = (run_id, cursor.metric_id, cursor.log_seq)
    now = time.monotonic()
    entry = _shared_polls.get(key)
    if entry is None or entry[0] <= now:
        for stale in [k for k, (expires, _) in _shared_polls.items() if expires <= now]:
            del _shared_polls[stale]
        # Not tied to the request that happened to start it (thread_sensitive=False), since other
        # streams await the same result; the poll closes its own connection (_poll_in_pool).
        poll = sync_to_async(_poll_in_pool, thread_sensitive=False)
        entry = (now + POLL_INTERVAL_S * 0.8, asyncio.ensure_future(poll(run_id, cursor)))
        _shared_polls[key] = entry
    return await asyncio.shield(entry[1])


async def _stream(run_id: int, cursor: Cursor):
    yield "retry: 1000\n\n"
    last_state = None
    started = time.monotonic()
    while True:
        messages, state, drained, cursor = await _poll_shared(run_id, cursor)
        for message in messages:
            yield message
        key = (state["status"], state["progress"]["step"], state["error_message"])
        if key != last_state:
            last_state = key
            yield _message("status", state, cursor)
        if drained or time.monotonic() - started > MAX_STREAM_S:
            return
        if not messages:
            yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_INTERVAL_S)


class EventStreamRenderer(BaseRenderer):
    """Lets DRF accept `Accept: text/event-stream` (what EventSource sends); errors render as JSON."""

    media_type = "text/event-stream"
    format = "sse"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


def _stream_event(name: str, events: list[str], payloads: str) -> type[serializers.Serializer]:
    """The schema of one message of an event stream: schemathesis and the generated types read a
    text/event-stream response's schema as that of each message (its `event`, `data`, `id`)."""
    return type(name, (serializers.Serializer,), {
        "event": serializers.ChoiceField(choices=events),
        "data": serializers.CharField(help_text=f"The message's payload as JSON: {payloads}"),
        "id": serializers.CharField(required=False, help_text="The stream position: a client that reconnects sends "
                                                              "it back as Last-Event-ID."),
        "retry": serializers.IntegerField(required=False, help_text="Milliseconds to wait before reconnecting."),
    })


RunStreamEvent = _stream_event(
    "RunStreamEvent", ["metrics", "log", "status"],
    "metrics {points: [{name, step, value, wall}]}, log {lines: [{seq, time, level, message}]}, status (the run).")
PlaygroundStreamEvent = _stream_event(
    "PlaygroundStreamEvent", ["session", "outputs", "status"],
    "session (the whole session, first), outputs {outputs: [cells]}, status {id, status, error_message, "
    "finished_at}.")


class RunEventsApi(APIView):
    """Server-Sent Events for one run: `metrics`, `log` and `status` messages."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str, description="Continue after this position (the `cursor` of a "
                                     "/metrics/ answer); the Last-Event-ID header takes precedence.")],
        responses={(200, "text/event-stream"): RunStreamEvent},
    )
    def get(self, request, pk: int):
        run = run_get(user=request.user, pk=pk)
        cursor = Cursor.parse(request.headers.get("Last-Event-ID") or request.query_params.get("cursor"))
        response = StreamingHttpResponse(_stream(run.id, cursor), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response


# --- playground ---------------------------------------------------------------------------------
# A playground session is small (at most 6 models x 20 prompts), so its stream sends whole cells
# rather than deltas: a `session` message with everything first, then an `outputs` message with the
# cells that changed since the last look, and `status` when the session's status changes. A client
# that reconnects simply gets the whole session again; replacing a cell by its newer state is
# idempotent, so nothing needs a cursor.

PLAYGROUND_FINAL = {"done", "failed"}


def _playground_look(session_id: int) -> tuple[dict, dict[tuple[int, int], dict]]:
    """The session's status fields and its cells keyed by (model, prompt index)."""
    from webapp.runs.api.playground import PlaygroundOutputRow
    from webapp.runs.models import PlaygroundOutput, PlaygroundSession

    try:
        session = PlaygroundSession.objects.values("id", "status", "error_message", "finished_at").get(pk=session_id)
        outputs = PlaygroundOutput.objects.filter(session_id=session_id)
        cells = {(o.model_id, o.prompt_index): PlaygroundOutputRow(o).data for o in outputs}
    finally:
        connection.close()
    session["finished_at"] = serializers.DateTimeField().to_representation(session["finished_at"]) \
        if session["finished_at"] else None
    return session, cells


async def _playground_stream(session_id: int, first: dict):
    yield "retry: 1000\n\n"
    cursor = Cursor()
    yield _message("session", first, cursor)
    sent = {(o["model"], o["prompt_index"]): o for o in first["outputs"]}
    status = {k: first[k] for k in ("id", "status", "error_message", "finished_at")}
    started = time.monotonic()
    look = sync_to_async(_playground_look, thread_sensitive=False)
    while status["status"] not in PLAYGROUND_FINAL and time.monotonic() - started <= MAX_STREAM_S:
        await asyncio.sleep(POLL_INTERVAL_S)
        now, cells = await look(session_id)
        changed = [cell for key, cell in cells.items() if sent.get(key) != cell]
        if changed:
            sent.update({(c["model"], c["prompt_index"]): c for c in changed})
            yield _message("outputs", {"outputs": changed}, cursor)
        if now != status:
            status = now
            yield _message("status", status, cursor)
        elif not changed:
            yield ": keep-alive\n\n"


class PlaygroundEventsApi(APIView):
    """Server-Sent Events for one playground session: `session` (everything, first), then `outputs`
    (the cells whose text grew or finished) and `status`; the stream ends when the session is done
    or failed."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(responses={(200, "text/event-stream"): PlaygroundStreamEvent})
    def get(self, request, pk: int):
        from webapp.runs.api.playground import PlaygroundOutputSerializer

        session = playground_session_get(user=request.user, pk=pk)
        first = json.loads(json.dumps(PlaygroundOutputSerializer(session).data, default=str))
        response = StreamingHttpResponse(_playground_stream(session.id, first), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
