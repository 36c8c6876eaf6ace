"""A full disk while the engine writes a checkpoint, on a real size-capped file system (a small tmpfs,
which only root may mount: skipped otherwise, saying so): the run fails with "no space left on <path>
(needed ~X MB ...)" instead of the writer's own words, no half-written checkpoint is left behind, and
the checkpoint before stays whole, so that the run resumes from it and finishes once there is room."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import torch

from engine.checkpoint import disk_full
from engine.errors import EngineError
from tests.engine.conftest import kit  # noqa: F401  (the reduced demo kit, built once per session)
from tests.engine.helpers import run_in_process, tiny_spec

pytestmark = pytest.mark.reliability


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted on a fresh folder, and a function that resizes it (`mount -o remount,size=`)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, and mounting one needs root: run as root to test it")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        pytest.skip(f"could not mount a tmpfs to fill (no CAP_SYS_ADMIN here?): {mounted.stderr.strip()}")

    def resize(size_bytes: int) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size_bytes}", str(disk)], check=True)

    try:
        yield disk, resize
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=False)


def used_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


def digests(directory: Path) -> dict[str, str]:
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def test_a_checkpoint_that_does_not_fit_fails_the_run_saying_so_and_the_one_before_stays_resumable(
        kit, small_disk):  # noqa: F811
    """Injects a full disk during the step-4 checkpoint (the tmpfs holds step-2 and half a checkpoint
    more): the run fails with "no space left on ...", leaves no step-4 folder (not even .partial), and
    step-2 is untouched; with room again, a resume from step-2 finishes the run."""
    disk, resize = small_disk
    first = tiny_spec(kit, disk, max_steps=2, checkpoint_every=2, eval_every=0)
    del first["validation_data"]
    result, _ = run_in_process(first)
    assert result.status == "finished"
    shutil.rmtree(disk / "final")
    kept = disk / "checkpoints" / "step-2"
    before = digests(kept)
    page = os.statvfs(disk).f_frsize
    checkpoint_size = sum(-(-path.stat().st_size // page) * page for path in kept.rglob("*") if path.is_file())
    resize(used_bytes(disk) + checkpoint_size // 2)

    resumed = {**first, "resume_from": str(kept), "config": {
        **first["config"], "training": {**first["config"]["training"], "max_steps": 4}}}
    with pytest.raises(EngineError) as failed:
        run_in_process(resumed)
    message = str(failed.value)
    assert message.startswith(f"no space left on {disk / 'checkpoints'} (needed ~"), message
    assert " MB for step-4, " in message and " MB free): free space there" in message
    assert "inline_container" not in message and "unexpected pos" not in message
    assert sorted(path.name for path in (disk / "checkpoints").iterdir()) == ["step-2"]
    assert digests(kept) == before

    resize(64 * 2**20)
    result, events = run_in_process(resumed)
    assert result.status == "finished" and result.step == 4
    assert (disk / "final" / "config.json").is_file()
    assert (disk / "checkpoints" / "step-4" / "trainer_state.pt").is_file()
    assert [e["step"] for e in events.of_kind("metric") if "train/loss" in e["values"]] == [3, 4]


def test_torchs_own_words_for_a_full_disk_are_recognised(small_disk):
    """Injects a torch.save larger than its tmpfs: the error torch raises (inline_container.cc, unexpected
    pos / file write failed) is recognised as a full disk."""
    disk, resize = small_disk
    resize(256 * 1024)
    with pytest.raises(Exception) as failed:
        torch.save({"weights": torch.zeros(1_000_000)}, disk / "state.pt")
    assert disk_full(failed.value), repr(failed.value)
