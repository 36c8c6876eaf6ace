"""The training loop for token-level objectives, shared by the recipes.

A recipe loads its models and data, writes an Objective with its own math (the loss of a
micro-batch, and any state the method keeps between steps), and hands both to `train`, which reads
top to bottom: optimizer and schedule, restore from a checkpoint, then for every step accumulate
gradients, clip, step, report, evaluate, stop early or checkpoint, and at the end save the final
model.
"""

import json
import math
import random
import shutil
import threading
import time
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch.optim.lr_scheduler import LambdaLR
from transformers import PreTrainedTokenizerBase

from engine.checkpoint import directory_size, load_trainer_state, restore_rng_state, rng_state, save_checkpoint
from engine.spec import RunSpec, TrainingConfig
from engine.core.data import TrainOrder, read_jsonl, sample_prompts, tokenize_dataset
from engine.errors import EngineError
from engine.core.evaluation import evaluate, generate_samples
from engine.events import EventSink
from engine import distributed
from engine.models import merged_for_saving

BEST_WEIGHTS, BEST_STEP = "trainable.safetensors", "best_step.json"
"""Under OUTPUT_DIR/best while an early-stopping run trains: its best evaluation's weights and step."""

DEFAULT_CHUNK_SIZE = 1024
"""Tokens per chunk of logits in evaluation, for methods without a chunk_size of their own."""


class Objective(ABC):
    """What a method optimises. Subclasses write `loss`; the other hooks default to doing nothing."""

    teacher: torch.nn.Module | None = None
    """A frozen teacher, when the method has one: evaluation compares the student with it."""
    chunk_size: int = DEFAULT_CHUNK_SIZE
    """Tokens per chunk of logits in evaluation."""

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
                           calibration=bins)
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


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def default_device() -> torch.device:
    """This process's device: its own GPU in a multi-process run (engine.distributed), else cuda or cpu."""
    return distributed.device()


def inference_dtype(training: TrainingConfig) -> torch.dtype:
    """The dtype a frozen model (a teacher) is kept in."""
    return torch.bfloat16 if training.mixed_precision == "bf16" else torch.float32


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


def build_optimizer(model: torch.nn.Module, training: TrainingConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on weight matrices and embeddings only, not on biases and norms."""
    trainable = [parameter for parameter in model.parameters() if parameter.requires_grad]
    return torch.optim.AdamW(
        [
            {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": training.weight_decay},
            {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},
        ],
        lr=training.learning_rate,
    )


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


class EarlyStopping:
    """Counts evaluations without improvement of the watched metric."""

    def __init__(self, training: TrainingConfig):
        self.metric = training.early_stopping_metric
        self.patience = training.early_stopping_patience
        self.min_delta = training.early_stopping_min_delta
        self.maximise = training.early_stopping_maximises
        self.best: float | None = None
        self.best_step = 0
        self.evaluations_without_improvement = 0

    def should_stop(self, step: int, metrics: dict[str, float]) -> bool:
        """Record an evaluation; True once `patience` evaluations in a row have not improved."""
        if not self.patience:
            return False
        value = metrics[self.metric]
        improved = self.best is None or (
            value > self.best + self.min_delta if self.maximise else value < self.best - self.min_delta
        )
        if improved:
            self.best, self.best_step, self.evaluations_without_improvement = value, step, 0
        else:
            self.evaluations_without_improvement += 1
        return self.evaluations_without_improvement >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_step": self.best_step,
                "evaluations_without_improvement": self.evaluations_without_improvement}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_step = state["best"], state["best_step"]
        self.evaluations_without_improvement = state["evaluations_without_improvement"]


def train(
    *,
    spec: RunSpec,
    training: TrainingConfig,
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    data: RunData,
    objective: Objective,
    events: EventSink,
    cancel: threading.Event,
    step_offset: int = 0,
    total_steps: int | None = None,
    save_final: bool = True,
) -> RunResult:
    """Optimise `model` on `objective` for training.max_steps steps, until early stopping, or until `cancel` is set.

    A run made of several stages (the tasks of a continual-learning run) calls this once per stage
    with `step_offset`, the steps of the stages before: steps are then numbered from step_offset + 1
    to step_offset + training.max_steps in metrics, checkpoints and the result, while the optimizer
    and the learning-rate schedule are the stage's own. `total_steps` is the whole run's length for
    progress reports (default: the end of this stage); save_final=False leaves output_dir/final to
    the caller.
    """
    output_dir = Path(spec.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    device = next(model.parameters()).device
    optimizer = build_optimizer(model, training)
    scheduler = LambdaLR(optimizer, partial(learning_rate_multiplier, training=training))
    ranks = distributed.ranks_from_environment()
    order = TrainOrder(data.train_blocks, training.batch_size, spec.seed, rank=ranks.rank, world_size=ranks.world_size)
    if ranks.distributed:
        events.log("info", f"data parallel over {ranks.world_size} processes: {training.batch_size} examples per "
                           f"process and micro-batch, {training.batch_size * ranks.world_size} in all")
    early_stopping = EarlyStopping(training)

    def autocast() -> AbstractContextManager:
        # Weights, gradients and optimizer state stay float32; only the forward passes run in bf16.
        return torch.autocast(device.type, dtype=torch.bfloat16, enabled=training.mixed_precision == "bf16")

    step = step_offset
    last_step = step_offset + training.max_steps
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
        objective.load_state_dict(state.get("objective", {}))
        if "early_stopping" in state:
            early_stopping.load_state_dict(state["early_stopping"])
        restore_rng_state(state["rng"])
        step = state["step"]
        events.log("info", f"resumed from {spec.resume_from} at step {step}")
    elif (output_dir / "final").exists():
        events.log("warning", f"{output_dir} already holds a finished run; its files will be replaced")

    def save(step: int) -> Path:
        if not ranks.is_main:  # rank 0 writes; the others wait until the checkpoint is complete
            distributed.barrier(ranks)
            return output_dir / "checkpoints" / f"step-{step}"
        path = save_checkpoint(
            output_dir, step, model, tokenizer,
            {"method": spec.method, "step": step, "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "data": order.state_dict(), "rng": rng_state(),
             "objective": objective.state_dict(), "early_stopping": early_stopping.state_dict()},
            keep_last=training.keep_last_checkpoints,
        )
        events.checkpoint(str(path), step, directory_size(path))
        distributed.barrier(ranks)
        return path

    def save_best(step: int) -> None:
        """Keep the trainable tensors of the best evaluation so far (the adapters of a LoRA run, every
        weight otherwise), without touching the model: merging LoRA here would end its training."""
        best = output_dir / "best"
        partial_dir = output_dir / "best.partial"
        shutil.rmtree(partial_dir, ignore_errors=True)
        partial_dir.mkdir()
        save_file({name: parameter.detach().to("cpu").contiguous()
                   for name, parameter in model.named_parameters() if parameter.requires_grad},
                  str(partial_dir / BEST_WEIGHTS))
        (partial_dir / BEST_STEP).write_text(json.dumps({"step": step, early_stopping.metric: early_stopping.best}))
        shutil.rmtree(best, ignore_errors=True)
        partial_dir.rename(best)

    def evaluate_and_sample(step: int) -> dict[str, float]:
        assert data.validation_blocks is not None
        with autocast():
            metrics = objective.evaluate(model, data, training)
            events.metric(step, metrics)
        for name, table in objective.evaluation_tables().items():
            path = output_dir / "tables" / f"{name}-step-{step}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps({**table, "step": step}, allow_nan=False) + "\n", encoding="utf-8")
            events.artifact(f"{name}-step-{step}", "table", str(path), step, path.stat().st_size)
        with autocast():
            if data.sample_prompts:
                samples = generate_samples(model, tokenizer, data.sample_prompts, block_size=training.block_size,
                                           max_new_tokens=training.sample_max_new_tokens)
        if data.sample_prompts:
            path = output_dir / "samples" / f"step-{step}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(samples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            events.artifact(f"samples-step-{step}", "samples", str(path), step, path.stat().st_size)
        return metrics

    model.train()
    first_step, started = step, time.monotonic()
    averages = _Averages()

    def report(step: int) -> None:
        tokens_per_s = averages.tokens_per_second()
        events.metric(step, {**averages.means(), "train/lr": learning_rate, "train/tokens_per_s": tokens_per_s})
        seconds_per_step = (time.monotonic() - started) / (step - first_step)
        run_end = total_steps if total_steps is not None else last_step
        events.progress(step, run_end, seconds_per_step * (run_end - step), tokens_per_s)

    stopped_early = False
    while step < last_step and not stopped_early:
        step += 1
        learning_rate = scheduler.get_last_lr()[0]
        micro_batches = [order.next_batch().to(device) for _ in range(training.gradient_accumulation_steps)]
        [step_tokens] = distributed.all_reduce_sum([sum(batch.loss_units for batch in micro_batches)], ranks)
        step_tokens = int(step_tokens)
        step_values: dict[str, float] = {}
        for batch in micro_batches:
            with autocast():
                loss, extra = objective.loss(batch, step_tokens)
            loss.backward()
            for name, value in {"train/loss": loss.item(), **extra}.items():
                step_values[name] = step_values.get(name, 0.0) + value
        if ranks.distributed:
            distributed.sum_gradients(list(model.parameters()), ranks)
            names = sorted(step_values)
            step_values = dict(zip(names, distributed.all_reduce_sum([step_values[n] for n in names], ranks)))
        if not math.isfinite(step_values["train/loss"]):
            raise EngineError(
                f"the training loss is {step_values['train/loss']} at step {step}: lower "
                "training.learning_rate or set training.max_grad_norm"
            )
        step_values |= objective.end_step(step, training.max_steps, step_values)
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), training.max_grad_norm or math.inf)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        averages.add({**step_values, "train/grad_norm": grad_norm.item()}, step_tokens)

        if step % training.log_every == 0 or step == last_step or cancel.is_set():
            report(step)
            averages = _Averages()
        # Every rank stops at the same step: rank 0's flag decides (the launcher signals all ranks).
        cancelled = distributed.broadcast_flag(cancel.is_set(), ranks)

        if cancelled:
            path = save(step)
            return RunResult("cancelled", step, f"cancelled at step {step}; resume from {path}")

        if data.validation_blocks is not None and (
            step == last_step or (training.eval_every and step % training.eval_every == 0)
        ):
            if ranks.is_main:
                stopped_early = early_stopping.should_stop(step, evaluate_and_sample(step))
                if early_stopping.patience and early_stopping.best_step == step and save_final:
                    # Keep the best weights so far: the final model of an early-stopped run is its best.
                    save_best(step)
            stopped_early = distributed.broadcast_flag(stopped_early, ranks)

        if training.checkpoint_every and step % training.checkpoint_every == 0:
            save(step)

    message = f"finished {step} steps"
    if stopped_early:
        if averages.steps:
            report(step)
        message = (
            f"stopped early at step {step}: {early_stopping.metric} has not improved for "
            f"{early_stopping.patience} evaluations (best {early_stopping.best:.6g} at step "
            f"{early_stopping.best_step})"
        )
        events.log("info", message)
    if not save_final:
        return RunResult("finished", step, message)
    final = output_dir / "final"
    if ranks.is_main:
        best = output_dir / "best"
        shutil.rmtree(final, ignore_errors=True)
        kept_step = json.loads((best / BEST_STEP).read_text())["step"] if (best / BEST_STEP).is_file() else None
        if (early_stopping.patience and early_stopping.best_step not in (0, step)
                and kept_step == early_stopping.best_step):
            unexpected = model.load_state_dict(load_file(str(best / BEST_WEIGHTS), device=str(device)), strict=False)
            assert not unexpected.unexpected_keys, unexpected.unexpected_keys
            message += f"; the final model holds the best weights, from step {early_stopping.best_step}"
            events.log("info", f"final model: the weights of step {early_stopping.best_step}, where "
                               f"{early_stopping.metric} was best ({early_stopping.best:.6g})")
        elif early_stopping.patience and early_stopping.best_step not in (0, step):
            events.log("warning", f"the best weights (step {early_stopping.best_step}) were not kept on disk "
                                  f"(found {kept_step}): the final model holds the last weights, of step {step}")
        merged_for_saving(model).save_pretrained(final, safe_serialization=True)
        tokenizer.save_pretrained(final)
        shutil.rmtree(best, ignore_errors=True)
        events.artifact("final", "model", str(final), step, directory_size(final))
    distributed.barrier(ranks)
    return RunResult("finished", step, f"{message}; model in {final}")
