"""Token-length statistics of a dataset for a chosen model's tokenizer, so a user can pick a block
size before launching. Uses the `tokenizers` library directly (fast, and no torch in the web process)."""
from __future__ import annotations

import json
import math
from itertools import islice
from pathlib import Path

from webapp.common import storage
from webapp.common.errors import Invalid, NotFound
from webapp.registry.models import Dataset, DatasetTokenStats, ModelAsset

MAX_ROWS = 50_000
BATCH = 1_000


def _joined(value: str | list) -> str:
    """A preference field as text: a string as it is, a list of chat messages joined by line."""
    return value if isinstance(value, str) else "\n".join(message["content"] for message in value)


def _texts(row: dict, kind: str) -> list[str]:
    """The sequences a method would tokenize for one row of each dataset kind."""
    if kind == "prompt-completion":
        return [row["prompt"] + row["completion"]]
    if kind == "preference":
        return [_joined(row["prompt"]) + _joined(row["chosen"]), _joined(row["prompt"]) + _joined(row["rejected"])]
    if kind == "chat":
        return ["\n".join(message["content"] for message in row["messages"])]
    return [row["text"]]


def _percentile(ordered: list[int], q: float) -> int:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def dataset_token_stats(*, dataset: Dataset, model: ModelAsset) -> dict:
    from tokenizers import Tokenizer

    tokenizer_file = Path(model.tokenizer_path or model.path) / "tokenizer.json"
    # A run's model may have been written on another host. The whole directory comes (a local
    # directory is always whole: webapp.common.storage), once per web host.
    storage.pull(tokenizer_file.parent)
    if dataset.kind == "task-sequence":
        raise Invalid(f"'{dataset}' is a task sequence: ask for the token statistics of its tasks' datasets.",
                      field="dataset")
    if not tokenizer_file.is_file():
        raise Invalid(f"Model '{model.name}' has no tokenizer.json (a fast tokenizer) at {tokenizer_file.parent}: "
                      "choose a model saved with its tokenizer.", field="model")
    cached = DatasetTokenStats.objects.filter(dataset=dataset, tokenizer_path=str(tokenizer_file)).first()
    if cached:
        return cached.stats
    if not storage.pull(dataset.file):
        raise NotFound(f"The file of dataset '{dataset}' is neither on this server nor in the artifact store "
                       f"({storage.describe()}).")
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    lengths: list[int] = []
    rows = 0
    with open(dataset.file, encoding="utf-8") as handle:
        records = (json.loads(line) for line in handle if line.strip())
        while batch := list(islice(records, BATCH)):
            if rows >= MAX_ROWS:
                break
            batch = batch[:MAX_ROWS - rows]
            rows += len(batch)
            texts = [text for row in batch for text in _texts(row, dataset.kind)]
            lengths.extend(len(encoding.ids) for encoding in tokenizer.encode_batch(texts, add_special_tokens=False))
    lengths.sort()
    edges = [2 ** k for k in range(0, max(1, math.ceil(math.log2(max(lengths[-1], 1)))) + 1)]
    histogram = [{"up_to": edge, "count": 0} for edge in edges]
    for length in lengths:
        histogram[min(len(edges) - 1, max(0, math.ceil(math.log2(max(length, 1)))))]["count"] += 1
    stats = {
        "tokenizer": model.name, "rows": rows, "sampled": rows < dataset.row_count, "sequences": len(lengths),
        "tokens": sum(lengths), "mean": round(sum(lengths) / len(lengths), 1), "p50": _percentile(lengths, 0.5),
        "p90": _percentile(lengths, 0.9), "p99": _percentile(lengths, 0.99), "max": lengths[-1],
        "histogram": histogram,
    }
    DatasetTokenStats.objects.get_or_create(dataset=dataset, tokenizer_path=str(tokenizer_file),
                                            defaults={"stats": stats})
    return stats
