"""Reference log-probabilities of preference pairs, computed once and kept on disk.

Offline preference methods compare the policy with a frozen reference on fixed data, so the
reference's summed log-probability of every chosen and rejected response never changes during a
run. They are computed once per (reference identity, dataset file hash, tokenizer hash,
block_size, reference dtype) and kept as a small safetensors file under
$DISTILLERY_CACHE_DIR (default ~/.cache/distillery)/reference-logprobs/<key>/logprobs.safetensors;
a run whose every split hits the cache never loads the reference model. The key does not depend on
chunk_size (the values do not, up to float rounding).

The cache is bounded: after a run writes its entries, the least recently used ones (written or
read: a hit touches its file) are deleted until the whole cache is under $DISTILLERY_CACHE_MAX_GB
(default 10; 0 keeps everything). An entry costs 24 bytes per pair, so the bound matters only on hosts that
train on many datasets or references for months; an evicted entry is simply computed again.

The reference identity changes when its weights may have: for model directories it hashes every
file's name, size and modification time (not the contents, which would cost a full read), for a
model built from a config it hashes the config and the run's seed.
"""

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from transformers import PreTrainedTokenizerBase

from engine.core.token_logprobs import output_weight_and_bias, token_log_probs
from engine.events import EventSink
from engine.methods.preference.data import PreferenceBatch, PreferencePairs
from engine.models import final_hidden_states, logit_softcap
from engine.spec import ModelSpec, RunSpec

CACHE_FORMAT = 1
"""Bumped whenever what is stored or how it is computed changes, so old entries are not reused."""


def cache_root() -> Path:
    """$DISTILLERY_CACHE_DIR, or ~/.cache/distillery."""
    return Path(os.environ.get("DISTILLERY_CACHE_DIR") or Path.home() / ".cache" / "distillery")


DEFAULT_MAX_GB = 10.0


def cache_max_bytes() -> int | None:
    """$DISTILLERY_CACHE_MAX_GB in bytes (default 10 GB); None when it is 0 or inf (no bound)."""
    raw = os.environ.get("DISTILLERY_CACHE_MAX_GB", "").strip()
    try:
        gigabytes = float(raw) if raw else DEFAULT_MAX_GB
    except ValueError:
        gigabytes = -1.0
    if not gigabytes >= 0:  # also NaN
        raise ValueError(f"DISTILLERY_CACHE_MAX_GB must be a number of gigabytes, 0 for no bound (got {raw!r}): "
                         "fix it in the worker's environment.")
    return int(gigabytes * 1024**3) if 0 < gigabytes < float("inf") else None


def prune_cache(max_bytes: int | None, *, keep: Collection[str] = ()) -> list[str]:
    """Delete the least recently used entries until the cache holds at most max_bytes; returns
    their keys. The entries in `keep` (those the run just wrote) stay even when they alone are over
    the bound. Safe beside other processes using the cache: an entry deleted under a reader reads
    as a miss."""
    base = cache_root() / "reference-logprobs"
    if max_bytes is None or not base.is_dir():
        return []
    entries = []
    for directory in base.iterdir():
        try:
            info = (directory / "logprobs.safetensors").stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        entries.append((info.st_mtime_ns, info.st_size, directory.name))
    total = sum(size for _, size, _ in entries)
    removed = []
    for _, size, key in sorted(entries):  # least recently used first
        if total <= max_bytes:
            break
        if key in keep:
            continue
        (base / key / "logprobs.safetensors").unlink(missing_ok=True)
        try:
            (base / key).rmdir()
        except OSError:  # a writer's temporary file is in it: it stays, and so does the directory
            pass
        total -= size
        removed.append(key)
    return removed


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _directory_fingerprint(directory: str | Path) -> list[tuple[str, int, int]]:
    root = Path(directory)
    return sorted(
        (path.relative_to(root).as_posix(), path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*") if path.is_file()
    )


def _model_identity(model: ModelSpec, seed: int) -> dict[str, object]:
    if model.config is not None:
        return {"config": model.config, "seed": seed}
    if model.soup is not None:
        return {"soup": [{"path": str(Path(path).resolve()), "files": _directory_fingerprint(path)}
                         for path in model.soup]}
    if model.path is not None:
        return {"path": str(Path(model.path).resolve()), "files": _directory_fingerprint(model.path)}
    from engine.models import _hub_snapshot

    snapshot = _hub_snapshot(model.hub_id, "reference")
    return {"hub_id": model.hub_id, "files": _directory_fingerprint(snapshot)}


def reference_identity(spec: RunSpec) -> str:
    """A hash that changes whenever the reference's weights may change (see the module docstring).

    The initial policy is identified by the student's spec (and the seed, for a config-built
    student), which is what engine.core.reference.load_reference builds it from.
    """
    if spec.reference is not None:
        return _hash({"reference": _model_identity(spec.reference, spec.seed)})
    return _hash({"initial_policy": _model_identity(spec.student, spec.seed)})


def tokenizer_hash(tokenizer: PreTrainedTokenizerBase) -> str:
    """Hash of what decides token ids: the vocabulary, special tokens and chat template."""
    return _hash({"vocab": sorted(tokenizer.get_vocab().items()), "eos": tokenizer.eos_token_id,
                  "pad": tokenizer.pad_token_id, "chat_template": tokenizer.chat_template,
                  "class": type(tokenizer).__name__})


def cache_key(*, reference: str, data_sha256: str, tokenizer: str, block_size: int, dtype: torch.dtype) -> str:
    return _hash({"format": CACHE_FORMAT, "reference": reference, "data": data_sha256, "tokenizer": tokenizer,
                  "block_size": block_size, "dtype": str(dtype)})[:32]


@dataclass
class ReferenceLogProbs:
    """Per pair: the reference's summed log-probabilities of both responses and their target counts."""

    chosen: torch.Tensor
    rejected: torch.Tensor
    chosen_lengths: torch.Tensor
    rejected_lengths: torch.Tensor


def cache_path(key: str) -> Path:
    return cache_root() / "reference-logprobs" / key / "logprobs.safetensors"


def read_cached(key: str, pairs: PreferencePairs) -> ReferenceLogProbs | None:
    """The cached values for these pairs, or None when absent or not valid for them."""
    path = cache_path(key)
    if not path.is_file():
        return None
    try:
        tensors = load_file(path)
        cached = ReferenceLogProbs(tensors["chosen"], tensors["rejected"], tensors["chosen_lengths"],
                                   tensors["rejected_lengths"])
    except (SafetensorError, OSError, KeyError):
        return None
    shapes_fit = all(t.shape == (len(pairs),) for t in (cached.chosen, cached.rejected))
    if not shapes_fit or not (torch.equal(cached.chosen_lengths, pairs.chosen_lengths)
                              and torch.equal(cached.rejected_lengths, pairs.rejected_lengths)):
        return None
    try:
        os.utime(path)  # recently used: the bound (prune_cache) deletes it last
    except OSError:  # a read-only cache is still read
        pass
    return cached


def write_cached(key: str, values: ReferenceLogProbs, description: str) -> Path:
    """Write atomically: a temporary file in the same directory, renamed over the final name."""
    path = cache_path(key)
    for attempt in range(3):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".logprobs-", suffix=".tmp")
            break
        except FileNotFoundError:  # another process's prune_cache removed the directory just now
            if attempt == 2:
                raise
    os.close(handle)
    try:
        save_file({"chosen": values.chosen.contiguous(), "rejected": values.rejected.contiguous(),
                   "chosen_lengths": values.chosen_lengths.contiguous(),
                   "rejected_lengths": values.rejected_lengths.contiguous()},
                  temporary, metadata={"description": description, "format": str(CACHE_FORMAT)})
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def sequence_log_probs(model: torch.nn.Module, batch: PreferenceBatch, *,
                       chunk_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(chosen, rejected) log-probabilities of the responses, each (B,) summed over target tokens.

    Both sides go through the model in one forward pass, and the log-probabilities are taken chunk
    by chunk from the final hidden states (engine.core.token_logprobs): no full logits are held.
    """
    input_ids = torch.cat([batch.chosen_input_ids, batch.rejected_input_ids])
    attention_mask = torch.cat([batch.chosen_attention_mask, batch.rejected_attention_mask])
    labels = torch.cat([batch.chosen_labels, batch.rejected_labels])
    hidden = final_hidden_states(model, input_ids, attention_mask)
    weight, bias = output_weight_and_bias(model)
    summed = token_log_probs(hidden, weight, bias, labels, chunk_size=chunk_size,
                           softcap=logit_softcap(model)).sum(-1)
    return summed[: len(batch)], summed[len(batch):]


def pair_batches(pairs: PreferencePairs, batch_size: int, limit: int | None = None) -> Iterator[PreferenceBatch]:
    """The pairs in order, batch_size at a time (the first `limit` pairs only, when given)."""
    total = len(pairs) if limit is None else min(limit, len(pairs))
    for start in range(0, total, batch_size):
        yield pairs.batch(list(range(start, min(start + batch_size, total))))


@torch.no_grad()
def compute_reference_log_probs(reference: torch.nn.Module, pairs: PreferencePairs, *, batch_size: int,
                                chunk_size: int, autocast: bool) -> ReferenceLogProbs:
    device = next(reference.parameters()).device
    chosen, rejected = [], []
    for batch in pair_batches(pairs, batch_size):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            values = sequence_log_probs(reference, batch.to(device), chunk_size=chunk_size)
        chosen.append(values[0].float().cpu())
        rejected.append(values[1].float().cpu())
    return ReferenceLogProbs(torch.cat(chosen), torch.cat(rejected), pairs.chosen_lengths, pairs.rejected_lengths)


def attach_cached_reference(
    splits: dict[str, tuple[PreferencePairs, str]],
    load_reference_model: Callable[[], torch.nn.Module],
    *,
    identity: str,
    describe: str,
    tokenizer: PreTrainedTokenizerBase,
    block_size: int,
    dtype: torch.dtype,
    batch_size: int,
    chunk_size: int,
    autocast: bool,
    events: EventSink,
) -> dict[str, PreferencePairs]:
    """Every split's pairs with the reference log-probabilities attached, from the cache when there.

    `splits` maps a split name to (pairs, sha256 of its data file). The reference model is loaded
    (by calling load_reference_model) only when some split misses the cache, and released after.
    """
    max_bytes = cache_max_bytes()  # a bad setting fails here, before any work
    tokens = tokenizer_hash(tokenizer)
    result: dict[str, PreferencePairs] = {}
    missing: dict[str, str] = {}
    for name, (pairs, data_sha256) in splits.items():
        key = cache_key(reference=identity, data_sha256=data_sha256, tokenizer=tokens, block_size=block_size,
                        dtype=dtype)
        cached = read_cached(key, pairs)
        if cached is None:
            missing[name] = key
            continue
        events.log("info", f"reference log-probabilities of the {name} pairs: cache hit ({cache_path(key)})")
        result[name] = pairs.with_reference(cached.chosen, cached.rejected)
    if missing:
        reference = load_reference_model()
        for name, key in missing.items():
            pairs = splits[name][0]
            values = compute_reference_log_probs(reference, pairs, batch_size=batch_size, chunk_size=chunk_size,
                                                 autocast=autocast)
            path = write_cached(key, values, f"{describe}; {name} split; block_size {block_size}")
            events.log("info", f"reference log-probabilities of the {name} pairs: cache miss, computed "
                               f"{len(pairs)} pairs with {describe} and saved them to {path}")
            result[name] = pairs.with_reference(values.chosen, values.rejected)
        del reference
        evicted = prune_cache(max_bytes, keep=set(missing.values()))
        if evicted:
            events.log("info", f"reference log-probability cache over DISTILLERY_CACHE_MAX_GB: deleted the "
                               f"{len(evicted)} least recently used entries")
    return result
