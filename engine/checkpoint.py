"""Resumable checkpoints: OUTPUT_DIR/checkpoints/step-N/.

A checkpoint is a save_pretrained directory (config.json, model.safetensors, tokenizer files), so
it can be loaded or registered as a model directly (for a LoRA run: adapter_config.json and
adapter_model.safetensors, loadable with PEFT on top of the student), plus trainer_state.pt with everything else an
exact resume needs: optimizer, scheduler, RNG states, data position and step. Weights are written in the
student's own dtype (a bf16 student gives bf16 checkpoints, half the size of float32); what that drops of
the float32 weights training runs on (the low 16 bits of each bf16 value) is kept in trainer_state.pt, so
a resume continues from exactly the same weights. It is written
under a temporary name and renamed when complete, so a crash never leaves a half checkpoint.

A checkpoint or final model that does not fit on its disk fails the run with "no space left on
<path> (needed ~X MB, Y MB free)" instead of the writer's own words (torch's `inline_container.cc:
unexpected pos`, safetensors' `IoError`), and leaves no half-written directory: the checkpoints
before it stay whole, and the run resumes from the last once there is room (`written_whole`).
"""

import errno
import json
import random
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.errors import EngineError

TRAINER_STATE = "trainer_state.pt"
WEIGHT_REMAINDERS = "weight_remainders"
"""trainer_state.pt's entry with what the saved weights dropped of the float32 ones, by state_dict name."""


def _narrowed(model: torch.nn.Module, dtype: torch.dtype, *, exact: bool) -> tuple[dict[str, torch.Tensor],
                                                                                   dict[str, torch.Tensor]]:
    """The model's state_dict with its float32 tensors in `dtype`, and (exact) what restores them.

    exact=False rounds to nearest (a final model). exact=True for bfloat16 truncates instead, so a
    float32 value is its bf16 bits followed by 16 more bits, kept as an int16 remainder (the
    checkpoint stays as small as one float32 copy); for float16 the remainder is the float32 tensor.
    Tensors that share storage (tied embeddings) stay shared, so save_pretrained writes them once.
    """
    state, remainders, shared = {}, {}, {}
    for name, tensor in model.state_dict().items():
        if tensor.dtype != torch.float32 or dtype == torch.float32:
            state[name] = tensor
            continue
        key = (tensor.data_ptr(), tuple(tensor.shape))
        if key not in shared:
            if exact and dtype == torch.bfloat16:
                bits = tensor.detach().contiguous().view(torch.int32)
                shared[key] = ((bits >> 16).to(torch.int16).view(torch.bfloat16),
                               ((bits & 0xFFFF) - 32768).to(torch.int16).cpu())
            else:
                shared[key] = (tensor.detach().to(dtype), tensor.detach().to("cpu", copy=True) if exact else None)
        state[name] = shared[key][0]
        if exact:
            remainders[name] = shared[key][1]
    return state, remainders


def save_model(model: PreTrainedModel, directory: Path, dtype: torch.dtype, *, exact: bool = False,
               **options: Any) -> dict[str, torch.Tensor]:
    """save_pretrained with the weights in `dtype` and config.json saying so; the remainders (exact)."""
    state, remainders = _narrowed(model, dtype, exact=exact)
    model.save_pretrained(directory, state_dict=state, **options)
    if dtype != torch.float32:
        # save_pretrained writes the dtype of the model's parameters (float32) whatever state_dict holds.
        config_file = Path(directory) / "config.json"
        config = json.loads(config_file.read_text())
        config["dtype"] = str(dtype).removeprefix("torch.")
        config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return remainders


@torch.no_grad()
def restore_weight_remainders(model: torch.nn.Module, remainders: dict[str, torch.Tensor]) -> None:
    """Give a model loaded from a narrowed checkpoint its exact float32 weights back."""
    state = model.state_dict()
    for name, remainder in remainders.items():
        target = state[name]
        if remainder.dtype == torch.int16:
            low = remainder.to(target.device, torch.int32) + 32768
            bits = target.view(torch.int32)
            bits.copy_((bits & -65536) | low)
        else:
            target.copy_(remainder)


def check_fence(fence: Any) -> None:
    """Raises EngineError if the fence (engine.spec.FenceSpec; None: no fence) file names a newer
    attempt than this engine's: a newer attempt of the run owns the output directory."""
    if fence is None:
        return
    try:
        newest = int(Path(fence.file).read_text().strip() or 0)
    except FileNotFoundError:
        return
    except ValueError:
        raise EngineError(f"the attempt file {fence.file} does not hold an attempt number") from None
    if newest > fence.attempt:
        raise EngineError(
            f"attempt {newest} of this run has started since this engine (attempt {fence.attempt}) did: "
            "it stops without writing to the run's directory, which belongs to the newer attempt now"
        )


# How torch's and safetensors' writers word a full disk (they do not always keep the OSError).
DISK_FULL_WORDS = ("No space left on device", "unexpected pos", "file write failed", "StorageFull",
                   "os error 28", "Disk quota exceeded")


def tensor_bytes(tree: Any, dtype: torch.dtype | None = None) -> int:
    """Bytes of the tensors in a nested dict/list/tuple; floating-point ones counted in `dtype` if given."""
    if isinstance(tree, torch.Tensor):
        size = dtype.itemsize if dtype is not None and tree.is_floating_point() else tree.element_size()
        return tree.numel() * size
    if isinstance(tree, dict):
        return sum(tensor_bytes(value, dtype) for value in tree.values())
    if isinstance(tree, (list, tuple)):
        return sum(tensor_bytes(value, dtype) for value in tree)
    return 0


def disk_full(error: BaseException) -> bool:
    """Whether `error`, or an error it came from, says that the disk (or a quota) is full."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(words in str(seen) for words in DISK_FULL_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f}"


@contextmanager
def written_whole(final_path: Path, needed_bytes: int):
    """Yields `final_path`.partial to write into, renamed to `final_path` once the block completes.
    On any error the partial directory is removed; a full disk (the error says so, or less than
    `needed_bytes` was free when it failed) becomes an EngineError that says where and how much."""
    partial = final_path.with_name(final_path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        yield partial
    except Exception as error:
        full = disk_full(error)
        if not full and partial.parent.exists():
            full = shutil.disk_usage(partial.parent).free < needed_bytes
        shutil.rmtree(partial, ignore_errors=True)
        if not full:
            raise
        free = shutil.disk_usage(partial.parent).free if partial.parent.exists() else 0
        raise EngineError(
            f"no space left on {partial.parent} (needed ~{_mb(needed_bytes)} MB for {final_path.name}, "
            f"{_mb(free)} MB free): free space there or give the run more room, then resume it; the checkpoints "
            f"written before are kept"
        ) from error
    shutil.rmtree(final_path, ignore_errors=True)
    partial.rename(final_path)


def directory_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def rng_state() -> dict[str, Any]:
    """Every random generator a run draws from, in a form torch.load(weights_only=True) accepts."""
    numpy_kind, numpy_keys, numpy_pos, numpy_has_gauss, numpy_gauss = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": {
            "kind": numpy_kind, "keys": torch.from_numpy(numpy_keys.astype(np.int64)),
            "pos": numpy_pos, "has_gauss": numpy_has_gauss, "gauss": numpy_gauss,
        },
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    numpy = state["numpy"]
    np.random.set_state((numpy["kind"], numpy["keys"].numpy().astype(np.uint32), numpy["pos"],
                         numpy["has_gauss"], numpy["gauss"]))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(
    output_dir: Path,
    step: int,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    trainer_state: dict[str, Any],
    keep_last: int,
    dtype: torch.dtype = torch.float32,
) -> Path:
    """Write checkpoints/step-{step}/ (full weights in `dtype`) and delete all but the newest keep_last."""
    checkpoints = output_dir / "checkpoints"
    final_path = checkpoints / f"step-{step}"
    lora = hasattr(model, "peft_config")
    weights = ({name: p for name, p in model.named_parameters() if p.requires_grad} if lora
               else model.state_dict())  # float32 in training: the narrowed weights and their remainders
    with written_whole(final_path, tensor_bytes(weights) + tensor_bytes(trainer_state)) as partial_path:
        if lora:
            # A LoRA run saves its adapters only. The engine never resizes embeddings, so PEFT need not
            # look for the base model's config to find out (it warns when the student came from a config).
            model.save_pretrained(partial_path, save_embedding_layers=False)
        else:
            trainer_state = {**trainer_state, WEIGHT_REMAINDERS: save_model(model, partial_path, dtype, exact=True)}
        tokenizer.save_pretrained(partial_path)
        torch.save(trainer_state, partial_path / TRAINER_STATE)

    complete = sorted(
        (path for path in checkpoints.glob("step-*") if (path / TRAINER_STATE).is_file() and path.name[5:].isdigit()),
        key=lambda path: int(path.name[5:]),
    )
    for old in complete[:-keep_last]:
        shutil.rmtree(old)
    return final_path


def save_final_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, final: Path,
                     dtype: torch.dtype | None = None) -> None:
    """The final model (save_pretrained, in `dtype` when given) and its tokenizer, written whole."""
    with written_whole(final, tensor_bytes(model.state_dict(), dtype)) as partial:
        if dtype is None:
            model.save_pretrained(partial)
        else:
            save_model(model, partial, dtype)
        tokenizer.save_pretrained(partial)


def load_trainer_state(checkpoint: str | Path) -> dict[str, Any]:
    path = Path(checkpoint) / TRAINER_STATE
    if not path.is_file():
        raise EngineError(
            f"resume_from {checkpoint} is not a checkpoint: {TRAINER_STATE} is missing (give a "
            "directory OUTPUT_DIR/checkpoints/step-N written by the engine)"
        )
    return torch.load(path, weights_only=True)
