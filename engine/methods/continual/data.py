"""What a continual run trains on: each task's data, and the replay mix of task and replay batches."""

import math
from dataclasses import dataclass

import torch

from engine.core.data import Batch, TokenBlocks, TrainOrder
from engine.errors import EngineError


SOUP_SELECTION_SHARE = 0.25
"""The share of each task's validation blocks (its last ones, at least one) that a greedy soup
chooses its ingredients on; the rest fill the reported task matrix, so the choice never sees them."""


@dataclass
class TaskData:
    name: str
    train_blocks: TokenBlocks
    validation_blocks: TokenBlocks
    """The blocks the task matrix (eval/ metrics, R) is measured on."""
    sample_prompts: list[list[int]]
    selection_blocks: TokenBlocks | None = None
    """Held-out blocks a greedy soup chooses on, apart from validation_blocks (None otherwise)."""


def selection_split(blocks: TokenBlocks, task: str) -> tuple[TokenBlocks, TokenBlocks]:
    """(reported, selection) blocks: the last ceil(SOUP_SELECTION_SHARE x N) of a task's N validation
    blocks, at least one, are for choosing a greedy soup, the others for the reported evaluation."""
    count = len(blocks)
    if count < 2:
        raise EngineError(
            f"task {task!r}: the validation data gives {count} block, but a greedy soup needs at least 2: "
            f"the last {SOUP_SELECTION_SHARE:.0%} choose the soup's ingredients and the rest are reported, "
            "kept apart so the reported accuracy is not the one the soup was chosen on. Give the task more "
            "validation data, or use averaging 'uniform_soup' or 'wise_ft'"
        )
    selected = max(1, math.ceil(SOUP_SELECTION_SHARE * count))
    parts = (range(count - selected), range(count - selected, count))
    return tuple(TokenBlocks(blocks.input_ids[list(part)], blocks.attention_mask[list(part)],  # type: ignore[return-value]
                             blocks.labels[list(part)]) for part in parts)


@dataclass
class MixedBatch:
    """A micro-batch of the current task plus the replayed examples that go with it."""

    task: Batch
    replay: Batch | None

    def to(self, device: torch.device) -> "MixedBatch":
        return MixedBatch(self.task.to(device), self.replay.to(device) if self.replay is not None else None)

    @property
    def loss_units(self) -> int:
        """The task's target tokens: the step's CE_task is their mean."""
        return self.task.loss_units


class ReplayMix:
    """The task's training blocks, each batch joined by the next replay_per_batch replay examples."""

    def __init__(self, task_blocks: TokenBlocks, replay_order: TrainOrder | None):
        self.task_blocks, self.replay_order = task_blocks, replay_order

    def __len__(self) -> int:
        return len(self.task_blocks)

    def batch(self, indices: list[int]) -> MixedBatch:
        replay = self.replay_order.next_batch() if self.replay_order is not None else None
        return MixedBatch(self.task_blocks.batch(indices), replay)


def concatenate_blocks(parts: list[TokenBlocks]) -> TokenBlocks:
    return TokenBlocks(torch.cat([part.input_ids for part in parts]),
                       torch.cat([part.attention_mask for part in parts]), torch.cat([part.labels for part in parts]))


def seeded_subset(blocks: TokenBlocks, count: int, seed: int) -> TokenBlocks:
    """A seeded random choice of min(count, len(blocks)) of the blocks."""
    generator = torch.Generator().manual_seed(seed)
    chosen = torch.randperm(len(blocks), generator=generator)[:count].sort().values
    return TokenBlocks(blocks.input_ids[chosen], blocks.attention_mask[chosen], blocks.labels[chosen])
