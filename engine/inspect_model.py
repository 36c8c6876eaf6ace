"""`python -m engine.inspect_model SPEC_JSON`: facts about a model without training it.

SPEC_JSON is a model spec as in a run spec ({"path": DIR}, {"hub_id": ID, "allow_hub": true}, read from
the local Hugging Face cache only, or {"config": {...}, "tokenizer": DIR}).
Prints one JSON object: architecture, parameter_count, vocab_size (embedding rows), dtype, has_tokenizer,
and the facts RunSpec validation judges a run's models by (engine.facts.ModelFacts):
tokenizer_fingerprint (engine.models.tokenizer_fingerprint) and has_chat_template (both null without a
loadable tokenizer), max_positions (null when the config sets no limit) and linear_modules (the layers
LoRA can adapt, engine.models.linear_module_patterns). The model is built on the meta device, so
inspecting it allocates no memory for its weights.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def inspect(spec: dict) -> dict:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    if spec.get("path") or spec.get("hub_id"):
        if spec.get("path"):
            directory = Path(spec["path"])
        else:
            from engine.models import _hub_snapshot

            directory = Path(_hub_snapshot(spec["hub_id"], "model"))
        if not (directory / "config.json").is_file():
            raise ValueError(f"{directory} has no config.json: it is not a Hugging Face model directory")
        config = AutoConfig.from_pretrained(directory, local_files_only=True)
        tokenizer_dir = directory
    elif spec.get("config"):
        values = dict(spec["config"])
        config = AutoConfig.for_model(values.pop("model_type"), **values)
        tokenizer_dir = Path(spec["tokenizer"]) if spec.get("tokenizer") else None
    else:
        raise ValueError("the spec needs 'path', 'hub_id' or 'config'")
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    dtype = getattr(config, "dtype", None) or torch.float32
    has_tokenizer = bool(tokenizer_dir) and any(
        (tokenizer_dir / name).is_file() for name in ("tokenizer.json", "tokenizer_config.json", "tokenizer.model"))
    fingerprint = chat_template = None
    if has_tokenizer:
        from engine.models import pretrained_tokenizer, tokenizer_fingerprint

        try:
            tokenizer = pretrained_tokenizer(tokenizer_dir)
            fingerprint, chat_template = tokenizer_fingerprint(tokenizer), bool(tokenizer.chat_template)
        except (OSError, ValueError):
            pass  # the run reports the tokenizer's own error; the other facts still count
    from engine.facts import max_positions
    from engine.models import linear_module_patterns

    return {
        "architecture": type(model).__name__,
        "parameter_count": sum(p.numel() for p in model.parameters()),
        "vocab_size": config.vocab_size,
        "dtype": str(dtype).removeprefix("torch."),
        "has_tokenizer": has_tokenizer,
        "tokenizer_fingerprint": fingerprint,
        "has_chat_template": chat_template,
        "max_positions": max_positions(config),
        "linear_modules": linear_module_patterns(model),
    }


def main() -> int:
    try:
        facts = inspect(json.loads(Path(sys.argv[1]).read_text()))
    except Exception as exc:  # every failure becomes a message the registry shows next to the model
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 1
    print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
