"""The demo corpus, built offline: the source code of this Python's standard library (code,
comments and docstrings), and a tokenizer trained on it.

The corpus is split by file into training and validation so validation text is never seen in
training. A byte level BPE tokenizer is trained on the training split. Every family's demo data
(engine.demo.kit, engine.demo.preference, engine.demo.continual) is cut from this corpus.
"""

import hashlib
import json
import re
import sysconfig
from pathlib import Path

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


def write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for text in texts:
            file.write(json.dumps({"text": text}) + "\n")
