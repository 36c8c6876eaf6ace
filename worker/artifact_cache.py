"""A bound on a worker host's copy of the artifact store.

With ARTIFACT_STORE=s3://... every host's ARTIFACT_ROOT is a cache of the bucket (see
webapp/common/storage.py), and a GPU host that runs many runs fills its disk with their inputs,
checkpoints and models. ARTIFACT_CACHE_MAX_GB on a worker bounds that: after each task, while the
total size under ARTIFACT_ROOT is over the bound, the least recently used things that are whole in
the bucket are removed from this host; the next task that needs one fetches it again.

What is removed, and when:
- only a file whose object in the bucket has the same size, or a directory whose manifest is in the
  bucket and whose every local file is in the bucket with the same size; anything not (yet) stored
  (a failed upload, a directory still being written) stays, whatever its age;
- "recently used" is the later of the newest file's modification time (when it was written or
  fetched here) and the last time a task on this host asked for it (storage.pull_spec records that
  in USE_INDEX, an index beside the files, not by touching them: the reference cache keys model
  directories by their files' modification times);
- only while no task runs on this host: each task holds a shared lock on LOCK_NAME from start to end,
  and the prune takes it exclusively without waiting, so a busy host simply prunes later.

Without ARTIFACT_STORE (ARTIFACT_ROOT is the store itself) nothing is ever removed. The web tier's
processes do not take the lock: set the bound on hosts whose ARTIFACT_ROOT only workers use.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from celery import signals
from django.conf import settings

from webapp.common import storage

log = logging.getLogger("worker")

LOCK_NAME = ".distillery-cache.lock"
USE_INDEX = storage.USE_INDEX


def bound() -> int:
    """The bound in bytes; 0 when there is none (no setting, or no remote store to fetch back from)."""
    if not settings.ARTIFACT_CACHE_MAX_BYTES or storage.store() is None:
        return 0
    return settings.ARTIFACT_CACHE_MAX_BYTES


def _lock_file() -> int:
    root = Path(settings.ARTIFACT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)


@contextmanager
def in_use() -> Iterator[None]:
    """Held by every task from start to end: no prune removes anything meanwhile."""
    if not bound():
        yield
        return
    descriptor = _lock_file()
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only for a prune in progress
        yield
    finally:
        os.close(descriptor)  # releases the lock


@dataclass
class Entry:
    path: Path
    key: str
    size: int
    last_used: float
    stored: bool  # whole in the bucket, so it can be fetched again


@dataclass
class PruneResult:
    total_before: int = 0
    total_after: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: str = ""  # why nothing was looked at: "no bound", "busy"


def _entries(root: Path, stored: dict[str, int], used: dict[str, float]) -> tuple[list[Entry], int]:
    """Everything under `root` that can be removed as one piece (a stored directory, or a file not
    inside one), and the total size of every file under `root`."""
    manifests = {key[: -len(storage.MANIFEST) - 1] for key in stored if key.endswith("/" + storage.MANIFEST)}
    entries, total = [], 0
    for directory, subdirectories, names in os.walk(root):
        here = Path(directory)
        key = here.relative_to(root).as_posix()
        if here != root and key in manifests:
            files = [(p, p.stat()) for p in here.rglob("*") if p.is_file()]
            size = sum(st.st_size for _, st in files)
            whole = all(stored.get(f"{key}/{p.relative_to(here).as_posix()}") == st.st_size for p, st in files)
            newest = max((st.st_mtime for _, st in files), default=here.stat().st_mtime)
            entries.append(Entry(here, key, size, max(newest, used.get(key, 0.0)), whole))
            total += size
            subdirectories.clear()
            continue
        # Hidden directories are fetches in progress (storage.pull's staging) or removals in progress.
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in names:
            path = here / name
            st = path.stat()
            if here == root and name in (LOCK_NAME, USE_INDEX):
                continue
            total += st.st_size
            if name.startswith("."):
                continue
            file_key = path.relative_to(root).as_posix()
            entries.append(Entry(path, file_key, st.st_size, max(st.st_mtime, used.get(file_key, 0.0)),
                                 stored.get(file_key) == st.st_size))
    return entries, total


def _remove(root: Path, entry: Entry) -> None:
    if entry.path.is_dir():
        # Renamed first, so no reader ever sees half a directory.
        doomed = root / f".removing-{uuid.uuid4().hex[:8]}"
        os.rename(entry.path, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
    else:
        entry.path.unlink(missing_ok=True)


def prune() -> PruneResult:
    """Brings this host's ARTIFACT_ROOT under the bound, if no task is running here."""
    limit = bound()
    if not limit:
        return PruneResult(skipped="no bound")
    root = Path(settings.ARTIFACT_ROOT)
    descriptor = _lock_file()
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return PruneResult(skipped="busy")
        entries, total = _entries(root, storage.store().list(""), storage.read_use_index())
        result = PruneResult(total_before=total, total_after=total)
        for entry in sorted((e for e in entries if e.stored), key=lambda e: e.last_used):
            if result.total_after <= limit:
                break
            _remove(root, entry)
            result.total_after -= entry.size
            result.removed.append(entry.key)
        if result.removed:
            log.info("artifact cache: removed %d stored item(s) from this host, %.1f -> %.1f MB (bound %.1f MB)",
                     len(result.removed), total / 1e6, result.total_after / 1e6, limit / 1e6)
        if result.total_after > limit:
            log.warning("artifact cache: %.1f MB here is over the bound of %.1f MB, but the rest is not (yet) in "
                        "%s; it stays", result.total_after / 1e6, limit / 1e6, storage.describe())
        return result
    finally:
        os.close(descriptor)


# Every task on a worker holds the lock while it runs; the prune comes after it.
_held: dict[str, object] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, **_):
    context = in_use()
    context.__enter__()
    _held[task_id] = context


@signals.task_postrun.connect
def _task_finished(task_id=None, **_):
    context = _held.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
    try:
        prune()
    except Exception:  # a prune that fails (the bucket unreachable) must not fail the task that ran
        log.exception("artifact cache: the prune failed; the files stay")
