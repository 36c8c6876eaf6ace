"""What a continual run trains on: each task's data, and the replay mix of task and replay batches."""

from dataclasses import dataclass

import torch

from engine.core.data import Batch, TokenBlocks, TrainOrder


@dataclass
class TaskData:
    name: str
    train_blocks: TokenBlocks
    validation_blocks: TokenBlocks
    sample_prompts: list[list[int]]


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
