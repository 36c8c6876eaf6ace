"""The demo kit, built offline: a real text corpus, a tokenizer, tiny model configs and run specs.

The corpus is the source code of this Python's standard library (code, comments and docstrings),
split by file into training and validation so validation text is never seen in training. A byte
level BPE tokenizer is trained on the training split. The run specs train a teacher from scratch,
distil it into a smaller student, and train the same student without a teacher as the baseline
the distilled student should beat on validation loss.
"""

import hashlib
import json
import re
import sysconfig
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

EXCLUDED_DIRECTORIES = frozenset({
    "site-packages", "dist-packages", "test", "tests", "idlelib", "turtledemo", "lib2to3",
    "encodings", "pydoc_data", "__pycache__",
})
VALIDATION_SHARE = 10
"""Every 10th file (in corpus order) goes to validation."""
MAX_ROW_CHARS = 2000
BLOCK_SIZE = 128

TEACHER_CONFIG = {
    "model_type": "llama", "hidden_size": 128, "intermediate_size": 512, "num_hidden_layers": 4,
    "num_attention_heads": 4, "num_key_value_heads": 4, "max_position_embeddings": BLOCK_SIZE,
    "tie_word_embeddings": False,
}
STUDENT_CONFIG = {
    "model_type": "llama", "hidden_size": 64, "intermediate_size": 256, "num_hidden_layers": 2,
    "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": BLOCK_SIZE,
    "tie_word_embeddings": False,
}
TEACHER_TRAINING = {
    "max_steps": 600, "batch_size": 16, "learning_rate": 2e-3, "warmup_steps": 30, "block_size": BLOCK_SIZE,
    "eval_every": 100, "eval_batches": 8, "checkpoint_every": 200, "log_every": 10,
}
STUDENT_TRAINING = {
    "max_steps": 400, "batch_size": 16, "learning_rate": 2e-3, "warmup_steps": 20, "block_size": BLOCK_SIZE,
    "eval_every": 100, "eval_batches": 8, "checkpoint_every": 200, "log_every": 10,
}
DISTILLATION = {"alpha": 0.1, "temperature": 1.0}


def stdlib_source_files() -> list[Path]:
    """The standard library's .py files, minus tests and data tables, in a fixed shuffled order.

    Sorting by a hash of the relative path spreads any prefix of the list over the whole library
    instead of the alphabetically first packages.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    files = [
        path for path in root.rglob("*.py")
        if not EXCLUDED_DIRECTORIES.intersection(path.relative_to(root).parts[:-1])
    ]
    return sorted(files, key=lambda path: hashlib.sha256(path.relative_to(root).as_posix().encode()).hexdigest())


def split_into_rows(source: str) -> list[str]:
    """Cut a file at blank lines into rows of about MAX_ROW_CHARS (longer only for a long paragraph)."""
    rows: list[str] = []
    current = ""
    for section in re.split(r"\n\s*\n", source):
        if current and len(current) + len(section) + 2 > MAX_ROW_CHARS:
            rows.append(current)
            current = ""
        current = f"{current}\n\n{section}" if current else section
    if current.strip():
        rows.append(current)
    return rows


def build_corpus(train_bytes: int) -> tuple[list[str], list[str]]:
    """About train_bytes of training text and a tenth of that of validation text, split by file."""
    validation_bytes = train_bytes // VALIDATION_SHARE
    train: list[str] = []
    validation: list[str] = []
    sizes = {"train": 0, "validation": 0}
    for index, path in enumerate(stdlib_source_files()):
        split, rows, budget = (
            ("validation", validation, validation_bytes) if index % VALIDATION_SHARE == 0
            else ("train", train, train_bytes)
        )
        if sizes[split] >= budget:
            if sizes["train"] >= train_bytes and sizes["validation"] >= validation_bytes:
                break
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for row in split_into_rows(source):
            if sizes[split] >= budget:
                break
            rows.append(row)
            sizes[split] += len(row.encode("utf-8"))
    return train, validation


def train_tokenizer(texts: list[str], vocab_size: int, out_dir: Path) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer with <|pad|>, <|bos|> and <|eos|>, saved for AutoTokenizer."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|pad|>", "<|bos|>", "<|eos|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<|bos|>", eos_token="<|eos|>", pad_token="<|pad|>",
        model_max_length=BLOCK_SIZE,
    )
    wrapped.save_pretrained(out_dir)
    return wrapped


def _write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for text in texts:
            file.write(json.dumps({"text": text}) + "\n")


def demo_run_specs(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Run specs for the teacher, the distilled student and the no-teacher baseline student."""
    tokenizer = str(out_dir / "tokenizer")
    data = {
        "train_data": {"path": str(out_dir / "train.jsonl"), "format": "jsonl"},
        "validation_data": {"path": str(out_dir / "validation.jsonl"), "format": "jsonl"},
        "tokenizer": tokenizer,
    }
    teacher_output = out_dir / "runs" / "teacher"
    student = {"config": json.loads((out_dir / "student_config.json").read_text())}
    return {
        "teacher": {
            "method": "lm_train", "seed": 0, "output_dir": str(teacher_output),
            "config": {"training": TEACHER_TRAINING},
            "student": {"config": json.loads((out_dir / "teacher_config.json").read_text())},
            **data,
        },
        "distill": {
            "method": "kd_forward_kl", "seed": 0, "output_dir": str(out_dir / "runs" / "distill"),
            "config": {"training": STUDENT_TRAINING, **DISTILLATION},
            "student": student, "teacher": {"path": str(teacher_output / "final")},
            **data,
        },
        "baseline": {
            "method": "lm_train", "seed": 0, "output_dir": str(out_dir / "runs" / "baseline"),
            "config": {"training": STUDENT_TRAINING},
            "student": student,
            **data,
        },
    }


def build_demo_data(out_dir: Path, *, train_bytes: int = 2_000_000, vocab_size: int = 2048,
                    families: bool = True) -> dict[str, Any]:
    """Write the corpus, tokenizer, model configs and run specs into out_dir; return a summary.

    With `families`, also the alignment and continual-learning demos, from the same standard
    library text and tokenizer: preference pairs in preference/ (engine.preference_data) and a
    two-task sequence with general replay text in continual/ (engine.continual_demo).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    train, validation = build_corpus(train_bytes)
    _write_jsonl(out_dir / "train.jsonl", train)
    _write_jsonl(out_dir / "validation.jsonl", validation)

    tokenizer = train_tokenizer(train, vocab_size, out_dir / "tokenizer")
    special_ids = {
        "vocab_size": len(tokenizer), "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id,
    }
    for name, config in (("teacher", TEACHER_CONFIG), ("student", STUDENT_CONFIG)):
        (out_dir / f"{name}_config.json").write_text(json.dumps({**config, **special_ids}, indent=2) + "\n")

    spec_paths = {}
    (out_dir / "runs").mkdir(exist_ok=True)
    for name, spec in demo_run_specs(out_dir).items():
        spec_paths[name] = str(out_dir / "runs" / f"{name}.json")
        Path(spec_paths[name]).write_text(json.dumps(spec, indent=2) + "\n")

    extras: dict[str, Any] = {}
    if families:
        from engine.continual_demo import build_demo_tasks
        from engine.preference_data import build_demo_preferences

        extras["preference"] = build_demo_preferences(out_dir / "preference", train_bytes=train_bytes // 2)
        extras["continual"] = build_demo_tasks(out_dir / "continual", tokenizer=out_dir / "tokenizer",
                                               train_bytes=min(300_000, max(20_000, train_bytes // 4)),
                                               replay_bytes=min(100_000, max(10_000, train_bytes // 10)))
    return {
        **extras,
        "train": {"path": str(out_dir / "train.jsonl"), "rows": len(train),
                  "bytes": sum(len(text.encode("utf-8")) for text in train)},
        "validation": {"path": str(out_dir / "validation.jsonl"), "rows": len(validation),
                       "bytes": sum(len(text.encode("utf-8")) for text in validation)},
        "tokenizer": {"path": str(out_dir / "tokenizer"), "vocab_size": len(tokenizer)},
        "teacher_config": str(out_dir / "teacher_config.json"),
        "student_config": str(out_dir / "student_config.json"),
        "run_specs": spec_paths,
    }
