"""Text datasets: JSON Lines rows -> token blocks -> batches in a seeded, resumable order.

Documents are tokenized, each followed by the EOS token, concatenated and cut into blocks of
block_size tokens. Each block stores, at every position, the next token as its label, so a model's
logits and the labels line up without shifting; the last block is padded and its padding masked.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import torch
from transformers import PreTrainedTokenizerBase

from engine.errors import EngineError
from engine.losses import IGNORE_INDEX


def read_text_jsonl(path: str | Path, *, role: str) -> list[str]:
    """The 'text' field of every row of a JSON Lines file; errors name the file and the row."""
    path = Path(path)
    if not path.is_file():
        raise EngineError(
            f"{role} file {path} does not exist: give the path of a JSON Lines file with one "
            '{"text": "..."} object per line'
        )
    texts = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise EngineError(f"{path} line {number}: not valid JSON ({error.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise EngineError(
                    f"{path} line {number}: field 'text' is missing or not a string (text "
                    'datasets need one {"text": "..."} object per line)'
                )
            texts.append(row["text"])
    if not texts:
        raise EngineError(f"{role} file {path} has no rows")
    return texts


@dataclass
class TokenBlocks:
    """N packed sequences of block_size tokens."""

    input_ids: torch.Tensor
    """(N, block_size) token ids fed to the model."""
    attention_mask: torch.Tensor
    """(N, block_size) 1 for real tokens, 0 for padding."""
    labels: torch.Tensor
    """(N, block_size) the next token of each position, IGNORE_INDEX where there is none."""

    def __len__(self) -> int:
        return self.input_ids.shape[0]

    def batch(self, indices: torch.Tensor | list[int]) -> "Batch":
        return Batch(self.input_ids[indices], self.attention_mask[indices], self.labels[indices])


@dataclass
class Batch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    def to(self, device: torch.device) -> "Batch":
        return Batch(self.input_ids.to(device), self.attention_mask.to(device), self.labels.to(device))

    @property
    def num_target_tokens(self) -> int:
        return int((self.labels != IGNORE_INDEX).sum())


def pack_texts(texts: list[str], tokenizer: PreTrainedTokenizerBase, block_size: int) -> TokenBlocks:
    """Tokenize documents, join them with EOS and cut the stream into blocks of block_size."""
    if tokenizer.eos_token_id is None:
        raise EngineError(
            f"the tokenizer ({tokenizer.name_or_path}) has no eos_token; packing needs one to mark "
            "where a document ends: set eos_token in its tokenizer_config.json"
        )
    stream: list[int] = []
    for ids in tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]:
        stream.extend(ids)
        stream.append(tokenizer.eos_token_id)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    # Block k holds stream[k*B : k*B + B] and predicts stream[k*B + 1 : k*B + B + 1], so every
    # transition of the stream is trained on exactly once.
    num_blocks = max(1, -(-(len(stream) - 1) // block_size))
    padded = torch.full((num_blocks * block_size + 1,), pad_id, dtype=torch.long)
    padded[: len(stream)] = torch.tensor(stream, dtype=torch.long)
    is_real = torch.zeros(num_blocks * block_size + 1, dtype=torch.bool)
    is_real[: len(stream)] = True

    input_ids = padded[:-1].view(num_blocks, block_size)
    attention_mask = is_real[:-1].view(num_blocks, block_size).long()
    labels = padded[1:].clone()
    labels[~is_real[1:]] = IGNORE_INDEX
    return TokenBlocks(input_ids.clone(), attention_mask, labels.view(num_blocks, block_size))


class TrainOrder:
    """Endless batches of training blocks: a fresh seeded permutation every epoch.

    The position (epoch, index into that epoch's permutation) is the whole state, so a resumed
    run continues with exactly the batches the uninterrupted run would have seen.
    """

    def __init__(self, blocks: TokenBlocks, batch_size: int, seed: int):
        self.blocks = blocks
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0
        self.index = 0
        self._permutation = self._permute(0)

    def _permute(self, epoch: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        return torch.randperm(len(self.blocks), generator=generator)

    def next_batch(self) -> Batch:
        indices = []
        while len(indices) < self.batch_size:
            if self.index == len(self.blocks):
                self.epoch, self.index = self.epoch + 1, 0
                self._permutation = self._permute(self.epoch)
            indices.append(int(self._permutation[self.index]))
            self.index += 1
        return self.blocks.batch(indices)

    def state_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "index": self.index, "num_blocks": len(self.blocks)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state["num_blocks"] != len(self.blocks):
            raise EngineError(
                f"the checkpoint was trained on {state['num_blocks']} blocks of training data but "
                f"this run has {len(self.blocks)}: resume with the same training data, tokenizer "
                "and block_size"
            )
        self.epoch, self.index = state["epoch"], state["index"]
        self._permutation = self._permute(self.epoch)


def validation_batches(blocks: TokenBlocks, batch_size: int, max_batches: int) -> Iterator[Batch]:
    """The first max_batches batches of the validation blocks, always in the same order."""
    for start in range(0, min(len(blocks), batch_size * max_batches), batch_size):
        yield blocks.batch(list(range(start, min(start + batch_size, len(blocks)))))
