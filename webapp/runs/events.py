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
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from webapp.runs import selectors
from webapp.runs.models import FINAL_STATUSES, Run

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


def _poll(run_id: int, cursor: Cursor) -> tuple[list[str], dict, bool]:
    """One look at the database: new messages, the run's state, and whether the run is final."""
    from webapp.runs.api import RunOutput

    run = Run.objects.select_related("workspace", "creator").get(pk=run_id)
    messages = []
    points = selectors.metric_points_after(run=run, after_id=cursor.metric_id)
    if points:
        cursor.metric_id = points[-1].id
        messages.append(_message(
            "metrics",
            {"points": [{"name": p.name, "step": p.step, "value": p.value, "wall": p.wall} for p in points]},
            cursor,
        ))
    lines = selectors.log_lines_after(run=run, after_seq=cursor.log_seq)
    if lines:
        cursor.log_seq = lines[-1].seq
        messages.append(_message(
            "log", {"lines": [{"seq": l.seq, "time": l.time, "level": l.level, "message": l.message} for l in lines]},
            cursor,
        ))
    state = RunOutput(run).data
    return messages, state, run.status in FINAL_STATUSES and not points and not lines


async def _stream(run_id: int, cursor: Cursor):
    yield "retry: 1000\n\n"
    poll = sync_to_async(_poll)
    last_state = None
    started = time.monotonic()
    while True:
        messages, state, drained = await poll(run_id, cursor)
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


class RunEventsApi(APIView):
    """Server-Sent Events for one run: `metrics`, `log` and `status` messages."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str, description="Continue after this position (the `cursor` of a "
                                     "/metrics/ answer); the Last-Event-ID header takes precedence.")],
        responses={(200, "text/event-stream"): str},
    )
    def get(self, request, pk: int):
        run = selectors.run_get(user=request.user, pk=pk)
        cursor = Cursor.parse(request.headers.get("Last-Event-ID") or request.query_params.get("cursor"))
        response = StreamingHttpResponse(_stream(run.id, cursor), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
