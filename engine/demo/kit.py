"""The demo kit, built offline: the corpus and tokenizer of engine.demo.corpus, tiny model configs
and run specs that train a teacher from scratch, distil it into a smaller student, and train the
same student without a teacher as the baseline the distilled student should beat on validation
loss; with `families`, the preference and continual demos too.
"""

import json
from pathlib import Path
from typing import Any

from engine.demo.continual import build_demo_tasks
from engine.demo.corpus import BLOCK_SIZE, build_corpus, train_tokenizer, write_jsonl
from engine.demo.preference import build_demo_preferences

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
    library text and tokenizer: preference pairs in preference/ (engine.demo.preference) and a
    two-task sequence with general replay text in continual/ (engine.demo.continual).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    train, validation = build_corpus(train_bytes)
    write_jsonl(out_dir / "train.jsonl", train)
    write_jsonl(out_dir / "validation.jsonl", validation)

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
