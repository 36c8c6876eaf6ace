"""Small builders the engine tests share: tiny run specs and an in-process runner."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from engine import registry
from engine.core.objective import RunResult
from engine.events import MemorySink
from engine.spec import RunSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGINE_ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}

TINY_LLAMA = {
    "model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 64,
}


def tiny_spec(kit: dict[str, Any], output_dir: Path, *, method: str = "lm_train", teacher: str | None = None,
              method_config: dict[str, Any] | None = None, data: dict[str, str] | None = None,
              **training: Any) -> dict[str, Any]:
    """A run spec for a tiny student on the kit's data (or `data`, {'train': path, 'validation': path}).

    Keyword arguments override training fields; method_config adds the method's own fields.
    """
    spec: dict[str, Any] = {
        "method": method,
        "seed": 0,
        "output_dir": str(output_dir),
        "config": {"training": {
            "max_steps": 6, "batch_size": 4, "warmup_steps": 2, "block_size": 32, "eval_every": 3,
            "eval_batches": 2, "checkpoint_every": 3, "log_every": 1, **training,
        }, **(method_config or {})},
        "student": {"config": kit["tiny_config"], "tokenizer": kit["tokenizer"]["path"]},
        "train_data": {"path": data["train"] if data else kit["train"]["path"], "format": "jsonl"},
        "validation_data": {"path": data["validation"] if data else kit["validation"]["path"], "format": "jsonl"},
    }
    if teacher is not None:
        spec["teacher"] = {"path": teacher}
    return spec


def run_in_process(spec: dict[str, Any], events: MemorySink | None = None,
                   cancel: threading.Event | None = None) -> tuple[RunResult, MemorySink]:
    """Validate a spec and run its recipe in this process, collecting the events."""
    events = events if events is not None else MemorySink()
    validated = RunSpec.model_validate(spec)
    result = registry.recipe(validated.method)(validated, events, cancel or threading.Event())
    return result, events


def write_spec(spec: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(spec))
    return path


def engine(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m engine ARGS` in a child process and capture its output (an upper bound that holds on
    a loaded 2-core machine: the demo's corpus and tokenizer took over 120 s there)."""
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=REPO_ROOT, env=ENGINE_ENV, capture_output=True,
                          text=True, timeout=600)
