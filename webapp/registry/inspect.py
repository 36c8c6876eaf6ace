"""Facts about a model read from its files without loading torch (the web process never imports it).

The parameter count comes from the safetensors headers: each file starts with a JSON header that
lists every tensor's shape, so counting parameters costs a few kilobytes of reading.
"""
from __future__ import annotations

import math
import struct
from pathlib import Path

from webapp.common.errors import Invalid
from webapp.common.strict_json import strict_loads


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


# safetensors refuses headers over 100 MB too: a larger length is a file that is not safetensors.
MAX_SAFETENSORS_HEADER = 100_000_000


def _safetensors_parameter_count(path: Path, *, field: str) -> int:
    """The parameters a safetensors file holds, from its header; a 400 naming the file when it is
    not one (a length past the file's end was a MemoryError, bad JSON a 500)."""
    def broken(why: str) -> Invalid:
        return Invalid(f"'{path.name}' is not a readable safetensors file ({why}): save the weights with "
                       "save_pretrained (transformers 5 always writes safetensors).", field=field)

    size = path.stat().st_size
    with path.open("rb") as handle:
        start = handle.read(8)
        if len(start) < 8:
            raise broken("shorter than its 8-byte header length")
        (header_length,) = struct.unpack("<Q", start)
        if header_length > min(size - 8, MAX_SAFETENSORS_HEADER):
            raise broken(f"its header claims {header_length} bytes, the file has {size}")
        try:
            header = strict_loads(handle.read(header_length))
        except (ValueError, UnicodeDecodeError) as exc:
            raise broken(f"its header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise broken("its header is not a JSON object")
    total = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            raise broken(f"tensor '{key}' has no shape of whole numbers")
        total += math.prod(shape)
    return total


def inspect_model_dir(directory: Path, *, field: str) -> dict:
    config_file = directory / "config.json"
    if not config_file.is_file():
        raise Invalid(
            f"'{directory}' is not a Hugging Face model directory: config.json is missing.", field=field
        )
    try:
        config = strict_loads(config_file.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"config.json in '{directory.name}' is not valid JSON ({exc}): save the model with "
                      "save_pretrained.", field=field) from None
    facts = inspect_model_config(config)
    weights = sorted(directory.glob("*.safetensors"))
    facts["parameter_count"] = sum(_safetensors_parameter_count(f, field=field) for f in weights) if weights else None
    return facts
