"""The most common real distillation pair: a Qwen2.5-7B-shaped teacher (152,064 embedding rows) and a
Qwen2.5-0.5B-shaped student (151,936 rows) with one tokenizer of 151,665 tokens, tiny in every other
dimension, distil through the engine to the end with the loss of a float64 reference over the
tokenizer's rows."""

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from engine.core.data import TrainOrder, read_jsonl, tokenize_dataset
from engine.core.losses import IGNORE_INDEX
from tests.engine.families import (
    QWEN_LARGE_ROWS,
    QWEN_REGULAR_TOKENS,
    QWEN_SMALL_ROWS,
    qwen_sized_tokenizer,
    qwen_words_rows,
    save_qwen2,
)
from tests.engine.helpers import run_in_process

ALPHA, TEMPERATURE, BATCH_SIZE, BLOCK_SIZE = 0.5, 2.0, 2, 16


@pytest.fixture(scope="module")
def qwen_pair(tmp_path_factory) -> dict[str, Any]:
    """The shared tokenizer, the padded teacher and student directories, and text data in its words."""
    root = tmp_path_factory.mktemp("qwen-pair")
    tokenizer = qwen_sized_tokenizer(root / "tokenizer")
    rows = qwen_words_rows(12, seed=0)
    data = {}
    for split, part in (("train", rows[:8]), ("validation", rows[8:])):
        data[split] = root / f"{split}.jsonl"
        data[split].write_text("".join(json.dumps(row) + "\n" for row in part))
    return {
        "tokenizer": tokenizer, "data": data,
        # Qwen2.5-7B unties its output layer, the 0.5B model ties it to the embedding.
        "teacher": save_qwen2(root / "teacher", QWEN_LARGE_ROWS, tied=False, seed=1, tokenizer=tokenizer),
        "student": save_qwen2(root / "student", QWEN_SMALL_ROWS, tied=True, seed=0, tokenizer=tokenizer),
    }


def pair_spec(qwen_pair: dict[str, Any], output_dir: Path) -> dict[str, Any]:
    return {
        "method": "kd_forward_kl", "seed": 0, "output_dir": str(output_dir),
        "config": {"alpha": ALPHA, "temperature": TEMPERATURE, "chunk_size": 8, "training": {
            "max_steps": 2, "batch_size": BATCH_SIZE, "warmup_steps": 0, "block_size": BLOCK_SIZE, "eval_every": 0,
            "eval_batches": 1, "checkpoint_every": 0, "log_every": 1, "eval_samples": 0}},
        "student": {"path": str(qwen_pair["student"])}, "teacher": {"path": str(qwen_pair["teacher"])},
        "train_data": {"path": str(qwen_pair["data"]["train"]), "format": "jsonl"},
        "validation_data": {"path": str(qwen_pair["data"]["validation"]), "format": "jsonl"},
    }


def float64_first_step_loss(qwen_pair: dict[str, Any]) -> float:
    """alpha CE + (1 - alpha) T^2 KL(p_T || q_T) of step 1's batch in float64, both distributions over the
    tokenizer's ids only (the first len(tokenizer) rows of both output layers), mean over target tokens."""
    tokenizer = qwen_pair["tokenizer"]
    vocab = len(tokenizer)
    blocks, _ = tokenize_dataset(read_jsonl(qwen_pair["data"]["train"], role="train"), tokenizer, BLOCK_SIZE)
    batch = TrainOrder(blocks, BATCH_SIZE, seed=0).next_batch()
    logits = {}
    for role in ("student", "teacher"):
        model = AutoModelForCausalLM.from_pretrained(qwen_pair[role], dtype=torch.float64).eval()
        with torch.no_grad():
            logits[role] = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits[..., :vocab]
    real = batch.labels != IGNORE_INDEX
    student, teacher, labels = logits["student"][real], logits["teacher"][real], batch.labels[real]
    ce = -torch.log_softmax(student, -1).gather(-1, labels[:, None]).squeeze(-1)
    log_p = torch.log_softmax(teacher / TEMPERATURE, -1)
    kl = (log_p.exp() * (log_p - torch.log_softmax(student / TEMPERATURE, -1))).sum(-1)
    return float((ALPHA * ce + (1 - ALPHA) * TEMPERATURE**2 * kl).sum() / real.sum())


def test_a_7b_padded_teacher_distils_into_a_05b_padded_student_with_the_float64_loss(qwen_pair, tmp_path):
    tokenizer = qwen_pair["tokenizer"]
    assert len(tokenizer) == 151_665 and tokenizer.eos_token_id == QWEN_REGULAR_TOKENS
    assert len(AutoTokenizer.from_pretrained(qwen_pair["student"])) == len(tokenizer)

    result, events = run_in_process(pair_spec(qwen_pair, tmp_path / "run"))

    assert result.status == "finished" and result.step == 2, result.message
    losses = {e["step"]: e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]}
    assert set(losses) == {1, 2}
    assert losses[1] == pytest.approx(float64_first_step_loss(qwen_pair), rel=1e-5)
    final = AutoModelForCausalLM.from_pretrained(tmp_path / "run" / "final")
    assert final.get_input_embeddings().weight.shape[0] == QWEN_SMALL_ROWS
    assert any("eval/kl" in e["values"] for e in events.of_kind("metric"))
