"""Resumable checkpoints: OUTPUT_DIR/checkpoints/step-N/.

A checkpoint is a save_pretrained directory (config.json, model.safetensors, tokenizer files), so
it can be loaded or registered as a model directly (for a LoRA run: adapter_config.json and
adapter_model.safetensors, loadable with PEFT on top of the student), plus trainer_state.pt with everything else an
exact resume needs: optimizer, scheduler, RNG states, data position and step. It is written
under a temporary name and renamed when complete, so a crash never leaves a half checkpoint.
"""

import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.errors import EngineError

TRAINER_STATE = "trainer_state.pt"


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
) -> Path:
    """Write checkpoints/step-{step}/ and delete all but the newest keep_last checkpoints."""
    checkpoints = output_dir / "checkpoints"
    final_path = checkpoints / f"step-{step}"
    partial_path = checkpoints / f"step-{step}.partial"
    shutil.rmtree(partial_path, ignore_errors=True)
    partial_path.mkdir(parents=True)
    if hasattr(model, "peft_config"):
        # A LoRA run saves its adapters only. The engine never resizes embeddings, so PEFT need not
        # look for the base model's config to find out (it warns when the student came from a config).
        model.save_pretrained(partial_path, safe_serialization=True, save_embedding_layers=False)
    else:
        model.save_pretrained(partial_path, safe_serialization=True)
    tokenizer.save_pretrained(partial_path)
    torch.save(trainer_state, partial_path / TRAINER_STATE)
    shutil.rmtree(final_path, ignore_errors=True)
    partial_path.rename(final_path)

    complete = sorted(
        (path for path in checkpoints.glob("step-*") if (path / TRAINER_STATE).is_file() and path.name[5:].isdigit()),
        key=lambda path: int(path.name[5:]),
    )
    for old in complete[:-keep_last]:
        shutil.rmtree(old)
    return final_path


def load_trainer_state(checkpoint: str | Path) -> dict[str, Any]:
    path = Path(checkpoint) / TRAINER_STATE
    if not path.is_file():
        raise EngineError(
            f"resume_from {checkpoint} is not a checkpoint: {TRAINER_STATE} is missing (give a "
            "directory OUTPUT_DIR/checkpoints/step-N written by the engine)"
        )
    return torch.load(path, weights_only=True)
