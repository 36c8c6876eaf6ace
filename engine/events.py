"""How a run reports: status, metrics, progress, logs, checkpoints and artifacts.

Recipes talk to an EventSink; the CLI's sink writes one JSON object per line to a file
descriptor (docs/ENGINE_CONTRACT.md), an in-process caller can collect events in memory. Every
event carries `kind` and `time` (unix seconds). Log events are not repeated on stderr: the worker
records both streams, and stderr is kept for what only a person debugging needs (tracebacks,
library warnings).
"""

import json
import math
import time
from abc import ABC, abstractmethod
from typing import Any, Literal, Mapping, TextIO


def _finite_or_none(value: float) -> float | None:
    # JSON has no NaN or infinity; a missing value is the honest encoding.
    value = float(value)
    return value if math.isfinite(value) else None


class EventSink(ABC):
    """The one interface a run reports through. Subclasses only decide where events go."""

    @abstractmethod
    def write(self, event: dict[str, Any]) -> None:
        """Deliver one complete event (already has `kind` and `time`)."""

    def emit(self, kind: str, **fields: Any) -> None:
        self.write({"kind": kind, "time": time.time(), **fields})

    def status(self, status: Literal["started", "finished", "failed", "cancelled"], message: str | None = None) -> None:
        fields: dict[str, Any] = {"status": status}
        if message is not None:
            fields["message"] = message
        self.emit("status", **fields)

    def metric(self, step: int, values: Mapping[str, float]) -> None:
        self.emit("metric", step=step, wall=time.time(),
                  values={name: _finite_or_none(value) for name, value in values.items()})

    def progress(self, step: int, total: int, eta_s: float, tokens_per_s: float) -> None:
        self.emit("progress", step=step, total=total, eta_s=_finite_or_none(eta_s),
                  tokens_per_s=_finite_or_none(tokens_per_s))

    def log(self, level: Literal["info", "warning", "error"], message: str) -> None:
        self.emit("log", level=level, message=message)

    def checkpoint(self, path: str, step: int, size_bytes: int) -> None:
        self.emit("checkpoint", path=path, step=step, size_bytes=size_bytes)

    def artifact(self, name: str, type: Literal["model", "table", "samples"], path: str, step: int,
                 size_bytes: int) -> None:
        self.emit("artifact", name=name, type=type, path=path, step=step, size_bytes=size_bytes)


class JsonLinesSink(EventSink):
    """Writes each event as one JSON line to a text stream and flushes it at once."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, event: dict[str, Any]) -> None:
        self.stream.write(json.dumps(event, allow_nan=False) + "\n")
        self.stream.flush()


class MemorySink(EventSink):
    """Keeps events in a list, for running the engine inside another Python program."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def write(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["kind"] == kind]
