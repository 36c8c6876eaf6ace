"""The reference log-probability cache's bound: which entries go, which stay, and the setting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine.methods.preference.data import IGNORE_INDEX, PreferencePairs
from engine.methods.preference.reference_cache import (
    ReferenceLogProbs,
    cache_max_bytes,
    cache_path,
    prune_cache,
    read_cached,
    write_cached,
)


@pytest.fixture(autouse=True)
def cache_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DISTILLERY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def preference_pairs(count: int, block_size: int = 8) -> PreferencePairs:
    """Pair i has i % 5 + 1 chosen and i % 5 + 2 rejected target tokens."""
    tokens = torch.ones(count, block_size, dtype=torch.long)
    positions = torch.arange(block_size)
    chosen_labels = torch.where(positions < (torch.arange(count) % 5 + 1)[:, None], tokens, IGNORE_INDEX)
    rejected_labels = torch.where(positions < (torch.arange(count) % 5 + 2)[:, None], tokens, IGNORE_INDEX)
    return PreferencePairs(tokens, tokens, chosen_labels, tokens, tokens, rejected_labels)


def values(count: int) -> ReferenceLogProbs:
    pairs = preference_pairs(count)
    return ReferenceLogProbs(-torch.rand(count), -torch.rand(count), pairs.chosen_lengths, pairs.rejected_lengths)


def entry(key: str, age_s: float, pairs: int = 100) -> int:
    """Writes an entry last used age_s seconds ago; returns its size in bytes."""
    path = write_cached(key, values(pairs), "test")
    used = path.stat().st_mtime - age_s
    os.utime(path, (used, used))
    return path.stat().st_size


def keys(cache_directory: Path) -> set[str]:
    return {path.parent.name for path in cache_directory.rglob("logprobs.safetensors")}


def test_the_oldest_entries_go_first_until_the_cache_fits(cache_directory):
    size = entry("oldest", 400)
    for key, age in (("old", 300), ("recent", 200), ("newest", 100)):
        assert entry(key, age) == size

    assert prune_cache(size * 2 + size // 2) == ["oldest", "old"]
    assert keys(cache_directory) == {"recent", "newest"}
    assert not (cache_directory / "reference-logprobs" / "oldest").exists(), "the entry's directory goes too"
    assert prune_cache(size * 2) == [], "at the bound exactly, nothing more goes"
    assert prune_cache(None) == [] and keys(cache_directory) == {"recent", "newest"}, "no bound: nothing goes"


def test_the_entries_a_run_just_wrote_stay_even_over_the_bound(cache_directory):
    entry("a", 300)
    entry("b", 200)
    entry("c", 100)
    assert prune_cache(1, keep={"a", "c"}) == ["b"]
    assert keys(cache_directory) == {"a", "c"}


def test_a_cache_hit_makes_the_entry_the_most_recently_used(cache_directory):
    size = entry("read-again", 500, pairs=3)
    entry("written-later", 100, pairs=3)
    pairs = preference_pairs(3)
    cached = read_cached("read-again", pairs)
    assert cached is not None and torch.equal(cached.chosen_lengths, pairs.chosen_lengths)

    assert prune_cache(size) == ["written-later"]
    assert keys(cache_directory) == {"read-again"}


def test_a_directory_left_with_a_writers_temporary_file_is_kept(cache_directory):
    entry("busy", 200)
    entry("idle", 100)
    temporary = cache_path("busy").parent / ".logprobs-x.tmp"
    temporary.write_bytes(b"being written")
    assert prune_cache(1) == ["busy", "idle"]
    assert temporary.exists() and not cache_path("busy").exists()
    write_cached("busy", values(2), "test")  # the writer finishes into the directory it made
    assert cache_path("busy").is_file()


@pytest.mark.parametrize(("raw", "expected"), [(None, 10 * 1024**3), ("", 10 * 1024**3), ("0", None),
                                               ("0.5", 512 * 1024**2), (" 2 ", 2 * 1024**3),
                                               ("inf", None)])
def test_the_bound_setting(raw, expected, monkeypatch):
    if raw is None:
        monkeypatch.delenv("DISTILLERY_CACHE_MAX_GB", raising=False)
    else:
        monkeypatch.setenv("DISTILLERY_CACHE_MAX_GB", raw)
    assert cache_max_bytes() == expected


@pytest.mark.parametrize("raw", ["lots", "-1", "nan"])
def test_a_bad_bound_setting_is_refused_saying_what_to_write(raw, monkeypatch, tmp_path):
    monkeypatch.setenv("DISTILLERY_CACHE_MAX_GB", raw)
    with pytest.raises(ValueError, match="DISTILLERY_CACHE_MAX_GB must be a number of gigabytes, 0 for no bound"):
        cache_max_bytes()
    result = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = "
                             "'webapp.settings'; django.setup()"], capture_output=True, text=True,
                            env={**os.environ, "DISTILLERY_DATA_DIR": str(tmp_path)},
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode != 0, "a worker with the bad setting does not start"
    assert f"DISTILLERY_CACHE_MAX_GB={raw!r} is not a number of GiB" in result.stderr
