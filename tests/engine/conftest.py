"""Fixtures for the engine tests: a reduced demo kit and a tiny saved teacher, built offline."""

from typing import Any

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from engine.demo import build_demo_data
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
