"""The bound on a worker host's copy of the artifact store (worker/artifact_cache.py), against moto's
S3 server as a real process: over the bound the least recently used items that are whole in the
bucket leave this host (and come back whole when asked for), nothing that is not stored is ever
removed, nothing is removed while a task on the host holds the lock, and without a remote store
ARTIFACT_ROOT is never touched."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webapp.common import storage
from worker import artifact_cache

KB = 1000


def blob(path: Path, size: int, age_s: float, fill: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(fill * size)
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def checkpoint(root: Path, step: int, age_s: float) -> Path:
    directory = root / "runs" / "4" / "checkpoints" / f"step-{step}"
    blob(directory / "model" / "model.safetensors", 3 * KB, age_s)
    blob(directory / "trainer_state.pt", 1 * KB, age_s)
    return directory


def files_under(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*")
            if p.is_file() and not p.name.startswith(".distillery-cache")}


@pytest.fixture
def host(s3_store, settings):
    """A worker host whose ARTIFACT_ROOT is a cache of the bucket, holding (oldest first):
    an unstored file, three stored datasets, a stored checkpoint, a directory changed after it was
    stored, and a newest stored dataset. 15 kB in all."""
    root = Path(settings.ARTIFACT_ROOT)
    items = {
        "unstored": blob(root / "runs" / "4" / "tables" / "eval.json", 2 * KB, age_s=900),
        "a": blob(root / "datasets" / "lab" / "a.jsonl", 2 * KB, age_s=800, fill="a"),
        "b": blob(root / "datasets" / "lab" / "b.jsonl", 2 * KB, age_s=700, fill="b"),
        "c": blob(root / "datasets" / "lab" / "c.jsonl", 2 * KB, age_s=600, fill="c"),
        "checkpoint": checkpoint(root, step=10, age_s=500),
        "changed": blob(root / "models" / "lab" / "m" / "config.json", 1 * KB, age_s=400).parent,
        "newest": blob(root / "datasets" / "lab" / "d.jsonl", 1 * KB, age_s=10, fill="d"),
    }
    for name, path in items.items():
        if name != "unstored":
            storage.push(path)
    blob(items["changed"] / "extra.bin", 1 * KB, age_s=300)  # written here after the push
    return root, items


def test_over_the_bound_the_least_recently_used_stored_items_leave_first_and_come_back_whole(host, settings):
    root, items = host
    before = files_under(root)
    assert sum(len(text) for text in before.values()) == 15 * KB
    settings.ARTIFACT_CACHE_MAX_BYTES = 9 * KB

    result = artifact_cache.prune()

    assert result.total_before == 15 * KB
    assert result.removed == ["datasets/lab/a.jsonl", "datasets/lab/b.jsonl", "datasets/lab/c.jsonl"]
    assert result.total_after == 9 * KB
    assert items["unstored"].exists(), "older, but not in the bucket: it stays"
    assert items["checkpoint"].is_dir() and items["newest"].exists() and (items["changed"] / "extra.bin").exists()
    assert not any(p.name.startswith(".removing-") for p in root.iterdir())

    # Asked for again (a run's spec names it): fetched back, byte for byte.
    storage.pull_spec({"data": {"path": str(items["b"])}})
    assert items["b"].read_text() == before["datasets/lab/b.jsonl"]

    # A tighter bound takes the checkpoint directory as one piece; never the unstored or changed ones.
    settings.ARTIFACT_CACHE_MAX_BYTES = 1 * KB
    result = artifact_cache.prune()
    assert "runs/4/checkpoints/step-10" in result.removed and not items["checkpoint"].exists()
    assert items["unstored"].exists() and items["changed"].is_dir()
    assert result.total_after == 2 * KB + 2 * KB > settings.ARTIFACT_CACHE_MAX_BYTES, "what is left is not stored"
    assert storage.pull(items["checkpoint"])
    assert (items["checkpoint"] / "model" / "model.safetensors").read_text() == "x" * 3 * KB


def test_an_item_a_task_asked_for_lately_counts_as_recent_whatever_its_files_age(host, settings):
    root, items = host
    settings.ARTIFACT_CACHE_MAX_BYTES = 13 * KB
    storage.pull_spec({"data": {"path": str(items["a"])}})  # the oldest stored file, used just now
    result = artifact_cache.prune()
    assert result.removed == ["datasets/lab/b.jsonl"]
    assert items["a"].exists()


def test_nothing_is_removed_while_a_task_on_this_host_holds_the_lock(host, settings):
    root, items = host
    settings.ARTIFACT_CACHE_MAX_BYTES = 1 * KB
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
                               f"fd = os.open({str(root / artifact_cache.LOCK_NAME)!r}, os.O_RDWR | os.O_CREAT)\n"
                               "fcntl.flock(fd, fcntl.LOCK_SH)\nprint('held', flush=True)\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = files_under(root)
        assert artifact_cache.prune().skipped == "busy"
        assert files_under(root) == before
    finally:
        holder.kill()
        holder.wait()
    assert artifact_cache.prune().removed, "the task ended: the prune goes ahead"


def test_a_task_holds_the_lock_while_it_runs_and_the_prune_follows_it(host, settings):
    from celery import shared_task

    root, items = host
    settings.ARTIFACT_CACHE_MAX_BYTES = 9 * KB
    seen = {}

    @shared_task(name="tests.cache_probe")
    def probe():
        seen["prune while running"] = artifact_cache.prune().skipped
        seen["files while running"] = len(files_under(root))

    probe.apply()
    assert seen == {"prune while running": "busy", "files while running": 9}
    assert not items["a"].exists() and not items["c"].exists() and items["newest"].exists()


def test_without_a_remote_store_artifact_root_is_the_store_and_nothing_is_removed(settings, data_dir):
    settings.ARTIFACT_STORE = ""
    settings.ARTIFACT_CACHE_MAX_BYTES = 1
    path = blob(Path(settings.ARTIFACT_ROOT) / "datasets" / "lab" / "a.jsonl", 5 * KB, age_s=10_000)
    assert artifact_cache.prune().skipped == "no bound"
    assert path.exists()
    with artifact_cache.in_use():  # no lock file either
        pass
    assert not (Path(settings.ARTIFACT_ROOT) / artifact_cache.LOCK_NAME).exists()


def test_a_bad_bound_setting_stops_start_up_saying_what_to_write(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = "
                             "'webapp.settings'; django.setup()"], capture_output=True, text=True,
                            env={**os.environ, "ARTIFACT_CACHE_MAX_GB": "lots", "DISTILLERY_DATA_DIR": str(tmp_path)},
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode != 0
    assert "ARTIFACT_CACHE_MAX_GB='lots' is not a number of GiB" in result.stderr
