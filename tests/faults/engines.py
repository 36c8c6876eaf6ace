"""Counts a run's engine processes on this machine while a fault test runs, to prove that a run
never has two engines training at once."""
from __future__ import annotations

import threading

import psutil


def is_engine_of(cmdline: list[str], run_id: int, root: str = "") -> bool:
    """`python -m engine run <root>/.../runs/<run_id>/spec-attempt-N.json ...` (worker.executor).
    `root`, the test stack's folder, tells this stack's run from another suite's run of the same id
    on the same machine (two checkouts' `make faults` at once)."""
    return ("engine" in cmdline and "run" in cmdline
            and any(argument.startswith(root) and f"/runs/{run_id}/spec-attempt-" in argument for argument in cmdline))


class EngineCensus:
    """Looks at the processes every `interval` seconds in a thread: `most` is the largest number of
    the run's engines seen training at one look (alive, neither paused with SIGSTOP nor a zombie),
    `seen` every engine's pid."""

    def __init__(self, run_id: int, root: str = "", interval: float = 0.25):
        self.run_id, self.root, self.interval = run_id, root, interval
        self.most = 0
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="engine-census", daemon=True)

    def __enter__(self) -> "EngineCensus":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def training(self) -> set[int]:
        pids = set()
        for process in psutil.process_iter(["pid", "cmdline", "status"]):
            try:
                if is_engine_of(process.info["cmdline"] or [], self.run_id, self.root):
                    self.seen.add(process.info["pid"])
                    if process.info["status"] not in (psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE):
                        pids.add(process.info["pid"])
            except psutil.Error:  # it ended while we looked
                continue
        return pids

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.most = max(self.most, len(self.training()))
