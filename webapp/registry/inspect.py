"""Facts about a model read from its files without loading torch (the web process never imports it).

The parameter count comes from the safetensors headers: each file starts with a JSON header that
lists every tensor's shape, so counting parameters costs a few kilobytes of reading.
"""
from __future__ import annotations

import json
import math
import struct
from pathlib import Path

from webapp.common.errors import Invalid


def inspect_model_config(config: dict) -> dict:
    if not isinstance(config, dict) or "model_type" not in config:
        raise Invalid(
            "The model config must be a transformers config dict with a 'model_type' (e.g. \"llama\").",
            field="config",
        )
    architectures = config.get("architectures") or []
    return {
        "architecture": architectures[0] if architectures else config["model_type"],
        "vocab_size": config.get("vocab_size"),
        "parameter_count": None,
    }


def _safetensors_parameter_count(path: Path) -> int:
    with path.open("rb") as handle:
        (header_length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_length))
    return sum(math.prod(entry["shape"]) for key, entry in header.items() if key != "__metadata__")


def inspect_model_dir(directory: Path, *, field: str) -> dict:
    config_file = directory / "config.json"
    if not config_file.is_file():
        raise Invalid(
            f"'{directory}' is not a Hugging Face model directory: config.json is missing.", field=field
        )
    facts = inspect_model_config(json.loads(config_file.read_text()))
    weights = sorted(directory.glob("*.safetensors"))
    facts["parameter_count"] = sum(_safetensors_parameter_count(f) for f in weights) if weights else None
    return facts
