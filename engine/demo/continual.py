"""A demo task sequence for continual learning, built offline from the standard library's source.

The same files give different kinds of text: the code itself (docstrings and comments removed,
as `ast.unparse` prints it), the docstrings (English prose about the code) and the comments. A
model trained on one kind and then another loses some of the first, so forgetting and what the
strategies do against it can be seen on a laptop. Files are split into training and validation as
in engine.demo.corpus (every 10th file to validation), so a task's validation text is never trained on.
"""

import ast
import io
import json
import tokenize
import warnings
from pathlib import Path
from typing import Any

from engine.demo.corpus import (
    MAX_ROW_CHARS,
    VALIDATION_SHARE,
    build_corpus,
    split_into_rows,
    stdlib_source_files,
    train_tokenizer,
)

TASK_KINDS = ("code", "docstrings", "comments")

DEMO_STUDENT_CONFIG = {
    "model_type": "llama", "hidden_size": 64, "intermediate_size": 256, "num_hidden_layers": 2,
    "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 128,
    "tie_word_embeddings": False,
}
DEMO_TRAINING = {"batch_size": 16, "learning_rate": 2e-3, "warmup_steps": 10, "block_size": 128,
                 "eval_every": 0, "eval_batches": 4, "checkpoint_every": 100, "log_every": 10}


def _docstring_nodes(tree: ast.AST) -> list[ast.AST]:
    nodes = [tree, *(node for node in ast.walk(tree)
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    return [node for node in nodes if ast.get_docstring(node, clean=False) is not None]  # type: ignore[arg-type]


def _texts_of_kind(source: str, kind: str) -> list[str]:
    """The rows of one kind of text in a source file (empty when the file does not parse)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    if kind == "docstrings":
        docstrings = [ast.get_docstring(node) or "" for node in _docstring_nodes(tree)]  # type: ignore[arg-type]
        return [text for text in docstrings if len(text) > 40]
    if kind == "code":
        for node in _docstring_nodes(tree):
            body = node.body  # type: ignore[attr-defined]
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        return split_into_rows(ast.unparse(tree))
    comments: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and len(token.string) > 3 and not token.string.startswith("#!"):
                comments.append(token.string.lstrip("#").strip())
    except (tokenize.TokenError, SyntaxError):
        return []
    return split_into_rows("\n".join(comments)) if comments else []


def _task_texts(kind: str, train_bytes: int) -> tuple[list[str], list[str]]:
    """About train_bytes of training rows of one kind and a tenth of that of validation rows."""
    budgets = {"train": train_bytes, "validation": train_bytes // VALIDATION_SHARE}
    rows: dict[str, list[str]] = {"train": [], "validation": []}
    sizes = {"train": 0, "validation": 0}
    for index, path in enumerate(stdlib_source_files()):
        split = "validation" if index % VALIDATION_SHARE == 0 else "train"
        if sizes[split] >= budgets[split]:
            if all(sizes[name] >= budgets[name] for name in sizes):
                break
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for text in _texts_of_kind(source, kind):
            if sizes[split] >= budgets[split]:
                break
            text = text[: 2 * MAX_ROW_CHARS]
            rows[split].append(text)
            sizes[split] += len(text.encode("utf-8"))
    return rows["train"], rows["validation"]


def _write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for text in texts:
            file.write(json.dumps({"text": text}) + "\n")


def build_demo_tasks(out_dir: str | Path, *, tasks: tuple[str, ...] = ("code", "docstrings"),
                     train_bytes: int = 300_000, vocab_size: int = 2048, tokenizer: str | Path | None = None,
                     replay_bytes: int = 100_000, steps_per_task: int = 200) -> dict[str, Any]:
    """Write a continual-learning demo into out_dir and return a summary with its paths.

    Args:
        out_dir: created if missing; gets tasks/<kind>/{train,validation}.jsonl, replay.jsonl
            (raw standard-library source, for replay_source 'general'), a tokenizer (unless one
            is given), student_config.json and run specs runs/cl_sequential.json and
            runs/cl_replay.json.
        tasks: the task kinds in training order, two or three of TASK_KINDS.
        train_bytes: training text per task (validation gets a tenth of it).
        vocab_size: of the BPE tokenizer trained on all tasks' training text.
        tokenizer: an existing tokenizer directory to use instead of training one.
        replay_bytes: size of the general replay text.
        steps_per_task: written into the run specs.

    Returns:
        {"tasks": [RunSpec task entries], "replay_data": {"path"}, "tokenizer": {"path",
        "vocab_size"}, "student_config": path, "run_specs": {method: path}}.
    """
    unknown = [kind for kind in tasks if kind not in TASK_KINDS]
    if unknown or not 2 <= len(tasks) <= len(TASK_KINDS) or len(set(tasks)) != len(tasks):
        raise ValueError(f"tasks must be two or three different kinds of {TASK_KINDS}, got {tasks}")
    out_dir = Path(out_dir).resolve()
    entries, training_text = [], []
    for kind in tasks:
        train, validation = _task_texts(kind, train_bytes)
        directory = out_dir / "tasks" / kind
        directory.mkdir(parents=True, exist_ok=True)
        _write_jsonl(directory / "train.jsonl", train)
        _write_jsonl(directory / "validation.jsonl", validation)
        training_text += train
        entries.append({"name": kind, "train_data": {"path": str(directory / "train.jsonl")},
                        "validation_data": {"path": str(directory / "validation.jsonl")}})
    _write_jsonl(out_dir / "replay.jsonl", build_corpus(replay_bytes)[0])

    if tokenizer is None:
        tokenizer_dir = out_dir / "tokenizer"
        size = len(train_tokenizer(training_text, vocab_size, tokenizer_dir))
    else:
        from engine.models import pretrained_tokenizer

        tokenizer_dir = Path(tokenizer)
        size = len(pretrained_tokenizer(tokenizer_dir))
    student_config = {**DEMO_STUDENT_CONFIG, "vocab_size": size}
    (out_dir / "student_config.json").write_text(json.dumps(student_config, indent=2) + "\n")

    (out_dir / "runs").mkdir(exist_ok=True)
    run_specs = {}
    for method, extra in (("cl_sequential", {}), ("cl_replay", {"replay_per_batch": 4})):
        spec = {
            "method": method, "seed": 0, "output_dir": str(out_dir / "runs" / method),
            "config": {"training": DEMO_TRAINING, "steps_per_task": steps_per_task, **extra},
            "student": {"config": student_config}, "tokenizer": str(tokenizer_dir), "tasks": entries,
        }
        run_specs[method] = str(out_dir / "runs" / f"{method}.json")
        Path(run_specs[method]).write_text(json.dumps(spec, indent=2) + "\n")
    return {
        "tasks": entries,
        "replay_data": {"path": str(out_dir / "replay.jsonl")},
        "tokenizer": {"path": str(tokenizer_dir), "vocab_size": size},
        "student_config": str(out_dir / "student_config.json"),
        "run_specs": run_specs,
    }
