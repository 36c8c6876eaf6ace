"""The preference demo: (prompt, chosen, rejected) pairs cut from the demo corpus, where the
learnable preference is word order (the chosen response is the text as written, the rejected one
the same words shuffled). Read back by engine.methods.preference.data like any preference file.
"""

import json
import random
from pathlib import Path
from typing import Any

from engine.demo.corpus import build_corpus


def shuffled_words(words: list[str], rng: random.Random) -> list[str] | None:
    """The words in a different order, or None when every order is the same (all words equal)."""
    if len(set(words)) < 2:
        return None
    shuffled = list(words)
    while shuffled == words:
        rng.shuffle(shuffled)
    return shuffled


def preference_rows_from_texts(texts: list[str], *, prompt_words: int, response_words: int,
                               seed: int) -> list[dict[str, str]]:
    """Plain preference rows cut from texts: the prompt is a run of words, the chosen response the
    words that really follow it, the rejected response the same words shuffled (deterministic in seed).

    Every text gives one row per window of prompt_words + response_words whitespace-separated
    words; the learnable preference is word order.
    """
    rng = random.Random(seed)
    rows = []
    window = prompt_words + response_words
    for text in texts:
        words = text.split()
        for start in range(0, len(words) - window + 1, window):
            prompt, response = words[start:start + prompt_words], words[start + prompt_words:start + window]
            rejected = shuffled_words(response, rng)
            if rejected is not None:
                rows.append({"prompt": " ".join(prompt), "chosen": " " + " ".join(response),
                             "rejected": " " + " ".join(rejected)})
    return rows


def build_demo_preferences(out_dir: str | Path, *, train_bytes: int = 2_000_000, prompt_words: int = 8,
                           response_words: int = 8, max_pairs: int | None = None,
                           seed: int = 0) -> dict[str, Any]:
    """Write train.jsonl and validation.jsonl preference pairs cut from the demo corpus into out_dir.

    The corpus is engine.demo.corpus.build_corpus(train_bytes) (the same split by file, so validation
    pairs come from files never trained on); see preference_rows_from_texts. max_pairs caps each
    split (validation gets a tenth of it). Returns {'train': {'path', 'rows'}, 'validation': {...}}.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    for split, texts in zip(("train", "validation"), build_corpus(train_bytes)):
        rows = preference_rows_from_texts(texts, prompt_words=prompt_words, response_words=response_words,
                                          seed=seed + (split == "validation"))
        if max_pairs is not None:
            rows = rows[: max_pairs if split == "train" else max(1, max_pairs // 10)]
        path = out_dir / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps(row) + "\n")
        summary[split] = {"path": str(path), "rows": len(rows)}
    return summary
