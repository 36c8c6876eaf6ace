"""What a recipe hands to the Trainer: its Objective (the method's own math), the RunData it trains
and evaluates on, and what the run ends with (RunResult)."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal

import torch
from transformers import PreTrainedTokenizerBase

from engine.core.data import read_jsonl, sample_prompts, tokenize_dataset
from engine.core.evaluation import evaluate
from engine.events import EventSink
from engine.spec import RunSpec, TrainingConfig

DEFAULT_CHUNK_SIZE = 1024
"""Tokens per chunk of logits in evaluation, for methods without a chunk_size of their own."""


class Objective(ABC):
    """What a method optimises. Subclasses write `loss`; the other hooks default to doing nothing."""

    teacher: torch.nn.Module | None = None
    """A frozen teacher, when the method has one: evaluation compares the student with it."""
    chunk_size: int = DEFAULT_CHUNK_SIZE
    """Tokens per chunk of logits in evaluation."""
    vocab_size: int | None = None
    """The tokenizer's size: evaluation compares student and teacher over these token ids."""

    @abstractmethod
    def loss(self, batch: Any, num_tokens: int) -> tuple[torch.Tensor, dict[str, float]]:
        """(Loss summed over the batch's loss units / num_tokens, extra metrics on the same scale).

        The batch is one of data.train_blocks' batches. num_tokens counts the loss units
        (`batch.loss_units`: real tokens for token-level methods, pairs or prompts for others) of
        the whole optimizer step, all micro-batches together, so the micro-batch losses, and
        their gradients, add up to the step's mean.
        """

    def evaluate(self, model: torch.nn.Module, data: "RunData", training: TrainingConfig) -> dict[str, float]:
        """The eval/ metrics on data.validation_blocks (called under autocast, when the run uses it).

        The default is the token-level evaluation of engine.core.evaluation, against the teacher when
        there is one, and keeps its reliability diagram for `evaluation_tables`; methods with
        other data override it.
        """
        bins: list[dict[str, float]] = []
        metrics = evaluate(model, data.validation_blocks, batch_size=training.batch_size,
                           max_batches=training.eval_batches, chunk_size=self.chunk_size, teacher=self.teacher,
                           vocab_size=self.vocab_size, calibration=bins)
        self._tables = {"calibration": {"kind": "calibration", "ece": metrics["eval/ece"], "bins": bins}}
        return metrics

    def evaluation_tables(self) -> dict[str, dict[str, Any]]:
        """JSON tables of the last evaluate() call, saved as 'table' artifacts named NAME-step-N."""
        return getattr(self, "_tables", {})

    def end_step(self, step: int, max_steps: int, values: dict[str, float]) -> dict[str, float]:
        """Called after each step's gradients with its summed metrics; returns metrics to add."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """What the method carries from step to step, saved in checkpoints for an exact resume."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


@dataclass
class RunResult:
    status: Literal["finished", "cancelled"]
    step: int
    message: str


@dataclass
class RunData:
    train_blocks: Any
    """What the run trains on: TokenBlocks, or any sized collection whose `batch(indices)` returns a
    batch with `.to(device)` and a `loss_units` count (see Objective.loss)."""
    validation_blocks: Any | None
    """Held-out examples for Objective.evaluate, or None for no evaluation."""
    sample_prompts: list[list[int]]
    """Token ids of the fixed prompts completed at every evaluation."""


def prepare_data(
    spec: RunSpec, tokenizer: PreTrainedTokenizerBase, training: TrainingConfig, events: EventSink
) -> RunData:
    """Training blocks and, when the spec has validation data, validation blocks and sample prompts."""
    train = read_jsonl(spec.train_data.path, role="training data")
    train_blocks, description = tokenize_dataset(train, tokenizer, training.block_size)
    events.log("info", f"training data: {description} from {train.path}")
    if spec.validation_data is None:
        events.log("info", "no validation data: the eval/ metrics will not be reported")
        return RunData(train_blocks, None, [])
    validation = read_jsonl(spec.validation_data.path, role="validation data")
    validation_blocks, description = tokenize_dataset(validation, tokenizer, training.block_size)
    events.log("info", f"validation data: {description} from {validation.path}")
    return RunData(train_blocks, validation_blocks, sample_prompts(validation, tokenizer, training.eval_samples))
