"""A run's artifacts and the remote artifact store (webapp.common.storage), from the worker's side.

The engine writes checkpoints, tables and the final model to this host's ARTIFACT_ROOT; `Uploads`
puts each one in the store from a background thread as soon as it is recorded, so training never
waits for the network, and removes from the store the checkpoints the engine pruned, in the same
order (a removal never overtakes the upload it undoes). Before the run's outcome is recorded the
worker waits for the queue to empty, so a finished run's files can be fetched from any host.
"""
from __future__ import annotations

import logging
import queue
import threading
import time

from webapp.common import storage

log = logging.getLogger("worker")


class Uploads:
    def __init__(self, host: str):
        self.host = host
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._messages: list[tuple[float, str, str]] = []
        self.sent_bytes = 0
        self.failures = 0
        self._thread = threading.Thread(target=self._work, name="artifact-uploads", daemon=True)
        self._thread.start()

    def put(self, path: str) -> None:
        self._queue.put(("put", path))

    def forget(self, path: str) -> None:
        self._queue.put(("forget", path))

    def take_messages(self) -> list[tuple[float, str, str]]:
        """Log lines (time, level, message) for the run's log since the last call."""
        with self._lock:
            messages, self._messages = self._messages, []
        return messages

    def _say(self, level: str, message: str) -> None:
        with self._lock:
            self._messages.append((time.time(), level, message))

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            action, path = item
            try:
                if action == "put":
                    self.sent_bytes += storage.push(path)
                else:
                    storage.forget(path)
            except FileNotFoundError:
                pass  # pruned by the engine before its turn came; its removal is queued behind it
            except Exception as exc:  # StoreError, or anything else: the file stays on this host
                self.failures += 1
                detail = exc.message if isinstance(exc, storage.StoreError) else f"{type(exc).__name__}: {exc}"
                what = "put" if action == "put" else "remove"
                self._say("error", f"could not {what} {path} in the artifact store: {detail} It stays on {self.host}.")
                log.warning("artifact %s %s failed: %s", action, path, detail)

    def finish(self) -> None:
        """Waits until everything queued is in the store (or has failed, with a log line)."""
        started = time.monotonic()
        self._queue.put(None)
        while self._thread.is_alive():
            self._thread.join(timeout=30)
            if self._thread.is_alive():
                self._say("info", f"still uploading artifacts to {storage.describe()} "
                                  f"({time.monotonic() - started:.0f} s, {self.sent_bytes} bytes so far)")
        if self.sent_bytes or self.failures:
            self._say("info", f"artifacts in {storage.describe()}: {self.sent_bytes} bytes sent"
                              + (f", {self.failures} failure(s)" if self.failures else ""))
