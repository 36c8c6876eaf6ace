"""The training loop for token-level objectives on packed text, shared by the recipes.

A recipe loads its models and data, writes `compute_loss(batch) -> (loss, extra metrics)` with
its own math, and hands both to `train`, which reads top to bottom: optimizer and schedule,
restore from a checkpoint, then for every step accumulate gradients, clip, step, report,
evaluate and checkpoint, and at the end save the final model.
"""

import math
import random
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Literal

import numpy as np
import torch
from torch.optim.lr_scheduler import LambdaLR
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.checkpoint import directory_size, load_trainer_state, restore_rng_state, rng_state, save_checkpoint
from engine.config import RunSpec, TrainingConfig
from engine.data import Batch, TokenBlocks, TrainOrder, pack_texts, read_text_jsonl, validation_batches
from engine.errors import EngineError
from engine.events import EventSink
from engine.losses import causal_lm_loss

LossFunction = Callable[[Batch], tuple[torch.Tensor, dict[str, float]]]
"""Maps a batch to (scalar loss averaged over the batch's real tokens, extra metrics by name)."""


@dataclass
class RunResult:
    status: Literal["finished", "cancelled"]
    step: int
    message: str


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def prepare_text_data(
    spec: RunSpec, tokenizer: PreTrainedTokenizerBase, block_size: int, events: EventSink
) -> tuple[TokenBlocks, TokenBlocks | None]:
    """Training blocks and, when the spec has validation data, validation blocks."""
    train_blocks = pack_texts(read_text_jsonl(spec.train_data.path, role="training data"), tokenizer, block_size)
    events.log("info", f"training data: {len(train_blocks)} blocks of {block_size} tokens from {spec.train_data.path}")
    if spec.validation_data is None:
        events.log("info", "no validation data: eval/loss will not be reported")
        return train_blocks, None
    validation_blocks = pack_texts(
        read_text_jsonl(spec.validation_data.path, role="validation data"), tokenizer, block_size
    )
    events.log("info", f"validation data: {len(validation_blocks)} blocks from {spec.validation_data.path}")
    return train_blocks, validation_blocks


def learning_rate_multiplier(step: int, training: TrainingConfig) -> float:
    """Factor on the peak learning rate at optimizer step `step` (0-based): warmup, then decay."""
    if step < training.warmup_steps:
        return (step + 1) / training.warmup_steps
    if training.lr_scheduler == "constant":
        return 1.0
    progress = (step - training.warmup_steps) / max(1, training.max_steps - training.warmup_steps)
    if training.lr_scheduler == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return 1.0 - progress


def build_optimizer(model: PreTrainedModel, training: TrainingConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on weight matrices and embeddings only, not on biases and norms."""
    trainable = [parameter for parameter in model.parameters() if parameter.requires_grad]
    return torch.optim.AdamW(
        [
            {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": training.weight_decay},
            {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},
        ],
        lr=training.learning_rate,
    )


@torch.no_grad()
def evaluate(model: PreTrainedModel, blocks: TokenBlocks, training: TrainingConfig, device: torch.device) -> dict[str, float]:
    """Cross-entropy per real token over the first eval_batches validation batches, and its exp."""
    model.eval()
    total_loss, total_tokens = 0.0, 0
    for batch in validation_batches(blocks, training.batch_size, training.eval_batches):
        batch = batch.to(device)
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        total_loss += causal_lm_loss(logits, batch.labels).item() * batch.num_target_tokens
        total_tokens += batch.num_target_tokens
    model.train()
    loss = total_loss / max(total_tokens, 1)
    return {"eval/loss": loss, "eval/perplexity": math.exp(loss) if loss < 700 else math.inf}


class _Averages:
    """Running means of the metrics reported every log_every steps."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.steps = 0
        self.tokens = 0
        self.started = time.monotonic()

    def add(self, values: dict[str, float], tokens: int) -> None:
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.steps += 1
        self.tokens += tokens

    def means(self) -> dict[str, float]:
        return {name: total / self.steps for name, total in self.sums.items()}

    def tokens_per_second(self) -> float:
        return self.tokens / max(time.monotonic() - self.started, 1e-9)


def train(
    *,
    spec: RunSpec,
    training: TrainingConfig,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train_blocks: TokenBlocks,
    validation_blocks: TokenBlocks | None,
    compute_loss: LossFunction,
    events: EventSink,
    cancel: threading.Event,
) -> RunResult:
    """Optimise `model` on `compute_loss` for training.max_steps steps, or until `cancel` is set."""
    output_dir = Path(spec.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    device = next(model.parameters()).device
    optimizer = build_optimizer(model, training)
    scheduler = LambdaLR(optimizer, partial(learning_rate_multiplier, training=training))
    order = TrainOrder(train_blocks, training.batch_size, spec.seed)

    step = 0
    if spec.resume_from is not None:
        state = load_trainer_state(spec.resume_from)
        if state["method"] != spec.method:
            raise EngineError(
                f"resume_from {spec.resume_from} was written by method {state['method']!r}, not "
                f"{spec.method!r}: resume with the method that wrote it"
            )
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        order.load_state_dict(state["data"])
        restore_rng_state(state["rng"])
        step = state["step"]
        events.log("info", f"resumed from {spec.resume_from} at step {step}")
    elif (output_dir / "final").exists():
        events.log("warning", f"{output_dir} already holds a finished run; its files will be replaced")

    def save(step: int) -> Path:
        path = save_checkpoint(
            output_dir, step, model, tokenizer,
            {"method": spec.method, "step": step, "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "data": order.state_dict(), "rng": rng_state()},
            keep_last=training.keep_last_checkpoints,
        )
        events.checkpoint(str(path), step, directory_size(path))
        return path

    model.train()
    first_step, started = step, time.monotonic()
    averages = _Averages()
    while step < training.max_steps:
        step += 1
        learning_rate = scheduler.get_last_lr()[0]
        micro_batches = [order.next_batch().to(device) for _ in range(training.gradient_accumulation_steps)]
        step_tokens = sum(batch.num_target_tokens for batch in micro_batches)
        step_values: dict[str, float] = {}
        for batch in micro_batches:
            # Each micro-batch loss is a mean over its own tokens; weighting by its share of the
            # step's tokens makes the accumulated gradient that of the mean over all of them.
            loss, extra = compute_loss(batch)
            weight = batch.num_target_tokens / max(step_tokens, 1)
            (loss * weight).backward()
            for name, value in {"train/loss": loss.item(), **extra}.items():
                step_values[name] = step_values.get(name, 0.0) + value * weight
        if not math.isfinite(step_values["train/loss"]):
            raise EngineError(
                f"the training loss is {step_values['train/loss']} at step {step}: lower "
                "training.learning_rate or set training.max_grad_norm"
            )
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), training.max_grad_norm or math.inf)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        averages.add({**step_values, "train/grad_norm": grad_norm.item()}, step_tokens)

        if step % training.log_every == 0 or step == training.max_steps or cancel.is_set():
            tokens_per_s = averages.tokens_per_second()
            events.metric(step, {**averages.means(), "train/lr": learning_rate, "train/tokens_per_s": tokens_per_s})
            seconds_per_step = (time.monotonic() - started) / (step - first_step)
            events.progress(step, training.max_steps, seconds_per_step * (training.max_steps - step), tokens_per_s)
            averages = _Averages()

        if cancel.is_set():
            path = save(step)
            return RunResult("cancelled", step, f"cancelled at step {step}; resume from {path}")

        if validation_blocks is not None and (
            step == training.max_steps or (training.eval_every and step % training.eval_every == 0)
        ):
            events.metric(step, evaluate(model, validation_blocks, training, device))

        if training.checkpoint_every and step % training.checkpoint_every == 0:
            save(step)

    final = output_dir / "final"
    model.save_pretrained(final, safe_serialization=True)
    tokenizer.save_pretrained(final)
    events.artifact("final", "model", str(final), step, directory_size(final))
    return RunResult("finished", step, f"finished {step} steps; model in {final}")
