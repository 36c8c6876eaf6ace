"""Fixtures for the engine tests, built offline: a reduced demo kit, its prompt-completion twin, a tiny teacher."""

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from engine.demo.kit import build_demo_data
from tests.engine.helpers import TINY_LLAMA

# One thread per test process: on a shared or small CI machine, OpenMP threads that outnumber
# the free cores spin against each other and make a run many times slower, not faster.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo corpus, tokenizer, configs and run specs at a reduced size (300 kB, 1024 tokens)."""
    summary = build_demo_data(tmp_path_factory.mktemp("demo"), train_bytes=300_000, vocab_size=1024)
    summary["tiny_config"] = {**TINY_LLAMA, "vocab_size": summary["tokenizer"]["vocab_size"]}
    return summary


@pytest.fixture(scope="session")
def tiny_teacher_dir(kit: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A randomly initialised tiny llama saved with save_pretrained, standing in for a teacher."""
    config = dict(kit["tiny_config"])
    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(config.pop("model_type"), **config))
    directory = tmp_path_factory.mktemp("tiny-teacher")
    model.save_pretrained(directory)
    return str(directory)


@pytest.fixture(scope="session")
def pairs_kit(kit: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Prompt-completion versions of the kit's splits: each text row cut in two at a varying point."""
    directory = tmp_path_factory.mktemp("pairs")
    paths = {}
    for split in ("train", "validation"):
        rows = [json.loads(line)["text"] for line in Path(kit[split]["path"]).read_text().splitlines()]
        paths[split] = str(directory / f"{split}.jsonl")
        with open(paths[split], "w") as file:
            for index, text in enumerate(rows):
                cut = 20 + (index * 37) % 120
                if len(text) > cut + 10:
                    file.write(json.dumps({"prompt": text[:cut], "completion": text[cut:cut + 150]}) + "\n")
    return paths
