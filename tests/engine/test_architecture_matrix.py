"""The architecture matrix: every decoder family the pinned transformers ships, tiny and random, runs two
steps of each method family through the engine's own entry point (the recipe the CLI and the worker
run), in float32 and under bf16 autocast from a bf16 checkpoint, and is inspected and answers in the
playground.

Per family (one xdist group each, so two workers share the matrix), with a student whose embedding is
padded beyond the shared tokenizer: lm_train; logit KD from a teacher of another family padded more;
seq_kd from a teacher with another tokenizer; dpo; grpo; cl_lwf over two tasks. Each run must finish
with finite losses, change the student's weights and write a checkpoint and final model that reload in
the student's dtype.
"""

import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file
from tokenizers.processors import TemplateProcessing
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase

from engine import generate, inspect_model
from engine.demo.corpus import train_tokenizer
from engine.models import tokenizer_fingerprint
from tests.engine.families import TINY_FAMILIES, save_tiny_model
from tests.engine.helpers import run_in_process

FAMILIES = sorted(TINY_FAMILIES)
PRECISIONS = {"float32": torch.float32, "bf16": torch.bfloat16}
METHODS = ["lm_train", "kd_forward_kl", "seq_kd", "dpo", "grpo", "cl_lwf"]
TEACHER_PADDING, STUDENT_PADDING = 64, 16
"""Embedding rows beyond the tokenizer's tokens: checkpoints pad their embeddings, each size differently
(Qwen2.5-7B has 152,064 rows and 0.5B 151,936 for 151,665 tokens), so every student is padded and a
logit-KD teacher is padded more."""

ANIMALS = ["cat", "dog", "owl", "fox", "eel", "bee"]
FOODS = ["fish", "seeds", "cheese", "bread", "honey"]


def _sentence(index: int) -> str:
    return (f"the {ANIMALS[index % 6]} number {index} likes {FOODS[index % 5]} and sleeps "
            f"{index * 7 % 13} hours, then eats {FOODS[(index + 2) % 5]} at {index % 24} o'clock.")


def _write(path: Path, rows: list[dict[str, Any]]) -> dict[str, str]:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return {"path": str(path), "format": "jsonl"}


def _bos_tokenizer(texts: list[str], vocab_size: int, directory: Path) -> PreTrainedTokenizerBase:
    """A byte-level BPE tokenizer whose `tokenizer(text)` starts with BOS, as Llama's and Gemma's do."""
    tokenizer = train_tokenizer(texts, vocab_size, directory)
    tokenizer.backend_tokenizer.post_processor = TemplateProcessing(
        single="<|bos|> $A", pair="<|bos|> $A <|bos|> $B", special_tokens=[("<|bos|>", tokenizer.bos_token_id)])
    tokenizer.save_pretrained(directory)
    return AutoTokenizer.from_pretrained(directory)


class Matrix:
    """The matrix's shared tokenizer, data and models, each model saved on first use."""

    def __init__(self, root: Path):
        self.root = root
        texts = [_sentence(index) for index in range(40)]
        self.tokenizer = _bos_tokenizer(texts, 320, root / "tokenizer")
        self.foreign_tokenizer = train_tokenizer(texts, 290, root / "foreign-tokenizer")
        data = root / "data"
        data.mkdir()
        text = [{"text": t} for t in texts]
        pairs = [{"prompt": t[:24], "completion": t[24:40]} for t in texts]
        preferences = [{"prompt": t[:20], "chosen": t[20:36], "rejected": t[36:44] + t[20:28]} for t in texts]
        self.data = {
            "text": (_write(data / "text-train.jsonl", text[:16]), _write(data / "text-val.jsonl", text[16:20])),
            "pairs": (_write(data / "pairs-train.jsonl", pairs[:8]), _write(data / "pairs-val.jsonl", pairs[8:10])),
            "preferences": (_write(data / "pref-train.jsonl", preferences[:8]),
                            _write(data / "pref-val.jsonl", preferences[8:10])),
        }
        self.tasks = [
            {"name": name, "train_data": _write(data / f"{name}-train.jsonl", text[start:start + 8]),
             "validation_data": _write(data / f"{name}-val.jsonl", text[start + 8:start + 10])}
            for name, start in (("first", 20), ("second", 30))
        ]
        self._saved: dict[tuple[str, ...], Path] = {}

    def _model(self, key: tuple[str, ...], family: str, **options: Any) -> Path:
        if key not in self._saved:
            self._saved[key] = save_tiny_model(family, self.root / "-".join(key), **options)
        return self._saved[key]

    def student(self, family: str, precision: str) -> Path:
        """The student: a `family` model over the shared tokenizer (padded), saved in `precision` with it."""
        return self._model(("student", family, precision), family, seed=0, dtype=PRECISIONS[precision],
                           vocab_size=len(self.tokenizer) + STUDENT_PADDING, tokenizer=self.tokenizer)

    def padded_teacher(self, family: str) -> Path:
        """A teacher of the family after `family`, sharing the tokenizer, with TEACHER_PADDING more rows."""
        teacher_family = FAMILIES[(FAMILIES.index(family) + 1) % len(FAMILIES)]
        return self._model(("padded-teacher", teacher_family), teacher_family, seed=1, tokenizer=self.tokenizer,
                           vocab_size=len(self.tokenizer) + TEACHER_PADDING)

    def foreign_teacher(self, family: str) -> Path:
        """A teacher of the family after `family` with a tokenizer of its own (another vocabulary)."""
        teacher_family = FAMILIES[(FAMILIES.index(family) + 1) % len(FAMILIES)]
        return self._model(("foreign-teacher", teacher_family), teacher_family, seed=2,
                           vocab_size=len(self.foreign_tokenizer), tokenizer=self.foreign_tokenizer)


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    return Matrix(tmp_path_factory.mktemp("architecture-matrix"))


METHOD_SETTINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "lm_train": ("text", {}),
    "kd_forward_kl": ("text", {"alpha": 0.5, "temperature": 2.0, "chunk_size": 8}),
    "seq_kd": ("pairs", {"max_new_tokens": 4, "generation_batch_size": 8}),
    "dpo": ("preferences", {"beta": 0.1, "reference_cache": False}),
    "grpo": ("pairs", {"group_size": 2, "max_new_tokens": 4, "chunk_size": 8, "rewards": [
        {"name": "length_penalty", "params": {"target_length": 0, "unit": "characters", "coef": 0.1}},
        {"name": "regex", "params": {"pattern": "e"}}]}),
    "cl_lwf": ("tasks", {"steps_per_task": 1, "lwf_weight": 1.0, "temperature": 2.0}),
}
"""Each method's data and its own config fields."""


def matrix_spec(matrix: Matrix, family: str, precision: str, method: str, output_dir: Path) -> dict[str, Any]:
    data, method_config = METHOD_SETTINGS[method]
    training = {"max_steps": 1 if method == "cl_lwf" else 2, "batch_size": 2, "warmup_steps": 0, "block_size": 16,
                "eval_every": 0, "eval_batches": 1, "checkpoint_every": 1 if method == "cl_lwf" else 2,
                "log_every": 1, "weight_decay": 0.0, "mixed_precision": "bf16" if precision == "bf16" else "no",
                "eval_samples": 1 if method == "lm_train" else 0, "sample_max_new_tokens": 3}
    spec: dict[str, Any] = {"method": method, "seed": 0, "output_dir": str(output_dir),
                            "config": {"training": training, **method_config},
                            "student": {"path": str(matrix.student(family, precision))}}
    if data == "tasks":
        spec["tasks"] = matrix.tasks
    else:
        spec["train_data"], spec["validation_data"] = matrix.data[data]
    if method == "kd_forward_kl":
        spec["teacher"] = {"path": str(matrix.padded_teacher(family))}
    elif method == "seq_kd":
        spec["teacher"] = {"path": str(matrix.foreign_teacher(family))}
    return spec


def _weights(directory: Path) -> dict[str, torch.Tensor]:
    return load_file(directory / "model.safetensors")


def _assert_saved_in(directory: Path, dtype: torch.dtype) -> None:
    """The directory's weights are in `dtype` on disk and when transformers loads them as they are."""
    assert {tensor.dtype for tensor in _weights(directory).values() if tensor.is_floating_point()} == {dtype}, directory
    reloaded = AutoModelForCausalLM.from_pretrained(directory, dtype="auto")
    assert {parameter.dtype for parameter in reloaded.parameters()} == {dtype}, directory


def _matrix_cases() -> list[Any]:
    return [pytest.param(family, precision, method, id=f"{family}-{method}-{precision}",
                         marks=pytest.mark.xdist_group(f"architecture-matrix-{family}"))
            for family in FAMILIES for method in METHODS for precision in PRECISIONS]


@pytest.mark.parametrize("family,precision,method", _matrix_cases())
def test_every_family_trains_two_steps_of_every_method_family(matrix, family, precision, method, tmp_path):
    spec = matrix_spec(matrix, family, precision, method, tmp_path / "run")

    result, events = run_in_process(spec)

    assert (result.status, result.step) == ("finished", 2), result.message
    losses = [event["values"]["train/loss"] for event in events.of_kind("metric") if "train/loss" in event["values"]]
    assert len(losses) == 2 and all(math.isfinite(loss) for loss in losses), losses
    final = tmp_path / "run" / "final"
    dtype = PRECISIONS[precision]
    _assert_saved_in(final, dtype)
    checkpoints = [Path(event["path"]) for event in events.of_kind("checkpoint")]
    assert checkpoints and all(path.is_dir() for path in checkpoints[-1:])
    _assert_saved_in(checkpoints[-1], dtype)
    before, after = _weights(matrix.student(family, precision)), _weights(final)
    changed = [name for name, weight in after.items() if not torch.equal(weight, before[name])]
    assert changed, "two steps changed no weight of the student"
    if method == "cl_lwf":
        task_models = [Path(e["path"]) for e in events.of_kind("artifact") if e["name"].startswith("task-")]
        assert len(task_models) == 2
        for directory in task_models:
            _assert_saved_in(directory, dtype)
    if method == "kd_forward_kl":
        assert all(math.isfinite(e["values"]["kd/kl"]) for e in events.of_kind("metric") if "kd/kl" in e["values"])
    if method == "lm_train":
        assert any(e["type"] == "samples" for e in events.of_kind("artifact")), "an evaluation sample was generated"


def _family_cases() -> list[Any]:
    return [pytest.param(family, precision, id=f"{family}-{precision}",
                         marks=pytest.mark.xdist_group(f"architecture-matrix-{family}"))
            for family in FAMILIES for precision in PRECISIONS]


@pytest.mark.parametrize("family,precision", _family_cases())
def test_every_family_is_inspected_with_its_architecture_size_dtype_and_tokenizer(matrix, family, precision):
    directory = matrix.student(family, precision)

    facts = inspect_model.inspect({"path": str(directory)})

    model = AutoModelForCausalLM.from_pretrained(directory, dtype="auto")
    assert facts["architecture"] == type(model).__name__
    assert facts["parameter_count"] == sum(parameter.numel() for parameter in model.parameters())
    assert facts["vocab_size"] == len(matrix.tokenizer) + STUDENT_PADDING  # the embedding's rows
    assert facts["dtype"] == str(PRECISIONS[precision]).removeprefix("torch.")
    assert facts["has_tokenizer"] and facts["tokenizer_fingerprint"] == tokenizer_fingerprint(matrix.tokenizer)


def _greedy_tokens(directory: Path, prompt_ids: list[int], count: int) -> list[int]:
    """The model's greedy continuation, one plain forward pass per token, in float32 as the playground runs."""
    model = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32).eval()
    ids = list(prompt_ids)
    with torch.no_grad():
        for _ in range(count):
            ids.append(int(model(input_ids=torch.tensor([ids])).logits[0, -1].argmax()))
    return ids[len(prompt_ids):]


@pytest.mark.parametrize("family,precision", _family_cases())
def test_every_family_answers_in_the_playground_and_stops_at_its_checkpoints_stop_token(
        matrix, family, precision, tmp_path, capsys):
    directory = tmp_path / "model"
    source = matrix.student(family, precision)
    directory.mkdir()
    for file in source.iterdir():
        (directory / file.name).write_bytes(file.read_bytes())
    prompt = "the owl number 7 likes"
    greedy = _greedy_tokens(directory, matrix.tokenizer(prompt)["input_ids"], 6)
    stop = greedy[2]
    # A chat checkpoint's end of turn: listed in generation_config.json, not the tokenizer's EOS.
    (directory / "generation_config.json").write_text(json.dumps({"eos_token_id": [stop]}))
    capsys.readouterr()

    generate.answer({"ref": "m", "model": {"path": str(directory)}}, [prompt],
                    {"max_new_tokens": 8, "temperature": 0.0, "top_p": 1.0, "seed": 0})

    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    final = [record for record in records if record["kind"] == "sample" and record["done"]]
    assert len(final) == 1, records
    stopped_at = next(index for index, token in enumerate(greedy) if token in (stop, matrix.tokenizer.eos_token_id))
    assert final[0]["tokens"] == stopped_at + 1 < 8, (greedy, final)
    assert final[0]["text"] == matrix.tokenizer.decode(greedy[:stopped_at], skip_special_tokens=True)
