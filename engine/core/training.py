"""The training loop for token-level objectives, shared by the recipes, as a small Trainer class.

A recipe loads its models and data, writes an Objective with its own math (the loss of a
micro-batch, and any state the method keeps between steps; engine.core.objective), and hands both to
a Trainer, whose `fit` reads top to bottom: `setup` (optimizer and schedule, restore from a
checkpoint), then for every step `step` (accumulate gradients, clip, step, report), `evaluate` when
due (stop early or keep the best weights), `save` a checkpoint when due, and at the end `close`
(the final model).
"""

import json
import math
import random
import shutil
import threading
import time
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch.optim.lr_scheduler import LambdaLR
from transformers import PreTrainedTokenizerBase

from engine import distributed
from engine.checkpoint import (
    WEIGHT_REMAINDERS,
    check_fence,
    directory_size,
    load_trainer_state,
    restore_rng_state,
    restore_weight_remainders,
    rng_state,
    save_checkpoint,
    save_final_model,
    tensor_bytes,
    written_whole,
)
from engine.core.data import TrainOrder
from engine.core.evaluation import generate_samples
from engine.core.objective import Objective, RunData, RunResult
from engine.core.optim import build_optimizer, learning_rate_multiplier
from engine.errors import EngineError
from engine.events import EventSink
from engine.models import merged_for_saving, source_dtype
from engine.spec import RunSpec, TrainingConfig

BEST_WEIGHTS, BEST_STEP = "trainable.safetensors", "best_step.json"
"""Under OUTPUT_DIR/best while an early-stopping run trains: its best evaluation's weights and step."""


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


def disable_dropout(model: torch.nn.Module) -> None:
    """Set every dropout probability in `model` to 0: its Dropout modules and the rates that attention
    layers keep as plain floats (llama's attention_dropout); the saved config is left as it was."""
    for module in model.modules():
        if isinstance(module, torch.nn.modules.dropout._DropoutNd):
            module.p = 0.0
        for name, value in vars(module).items():
            if "dropout" in name and isinstance(value, float):
                setattr(module, name, 0.0)


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


class Trainer:
    """Optimises `model` on `objective` for training.max_steps steps, until early stopping, or until
    `cancel` is set: `Trainer(...).fit()`.

    A run made of several stages (the tasks of a continual-learning run) makes one Trainer per
    stage with `step_offset`, the steps of the stages before: steps are then numbered from
    step_offset + 1 to step_offset + training.max_steps in metrics, checkpoints and the result,
    while the optimizer and the learning-rate schedule are the stage's own. `total_steps` is the
    whole run's length for progress reports (default: the end of this stage); save_final=False
    leaves output_dir/final to the caller.
    """

    def __init__(
        self,
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
    ) -> None:
        self.spec, self.training, self.model, self.tokenizer = spec, training, model, tokenizer
        self.data, self.objective, self.events, self.cancel = data, objective, events, cancel
        self.save_final = save_final
        self.output_dir = Path(spec.output_dir)
        self.current_step = step_offset
        """The last step taken (step_offset before the first)."""
        self.last_step = step_offset + training.max_steps
        self.run_end = total_steps if total_steps is not None else self.last_step
        self.learning_rate = training.learning_rate
        """The learning rate of the last step taken."""

    def fit(self) -> RunResult:
        """Set up, train to the end, close; a cancelled run stops after a checkpoint of its last step."""
        self.setup()
        stopped_early = False
        while self.current_step < self.last_step and not stopped_early:
            self.step()
            # Every rank stops at the same step: rank 0's flag decides (the launcher signals all ranks).
            if distributed.broadcast_flag(self.cancel.is_set(), self.ranks):
                path = self.save()
                return RunResult("cancelled", self.current_step, f"cancelled at step {self.current_step}; "
                                                                 f"resume from {path}")
            if self._evaluation_due():
                stopped_early = self._evaluate_for_early_stopping()
            if self.training.checkpoint_every and self.current_step % self.training.checkpoint_every == 0:
                self.save()
        return self.close(stopped_early)

    def setup(self) -> None:
        """Optimizer, schedule and data order; restored from spec.resume_from when it is set."""
        spec, training, events = self.spec, self.training, self.events
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.device = next(self.model.parameters()).device
        self.optimizer = build_optimizer(self.model, training)
        self.scheduler = LambdaLR(self.optimizer, partial(learning_rate_multiplier, training=training))
        self.ranks = distributed.ranks_from_environment()
        self.order = TrainOrder(self.data.train_blocks, training.batch_size, spec.seed, rank=self.ranks.rank,
                                world_size=self.ranks.world_size)
        if self.ranks.distributed:
            events.log("info", f"data parallel over {self.ranks.world_size} processes: {training.batch_size} "
                               f"examples per process and micro-batch, {training.batch_size * self.ranks.world_size} "
                               "in all")
        self.early_stopping = EarlyStopping(training)
        if spec.resume_from is not None:
            self._resume()
        elif (self.output_dir / "final").exists():
            events.log("warning", f"{self.output_dir} already holds a finished run; its files will be replaced")
        self.model.train()
        self._first_step, self._started = self.current_step, time.monotonic()
        self._averages = _Averages()

    def _resume(self) -> None:
        spec = self.spec
        state = load_trainer_state(spec.resume_from)
        if state["method"] != spec.method:
            raise EngineError(
                f"resume_from {spec.resume_from} was written by method {state['method']!r}, not "
                f"{spec.method!r}: resume with the method that wrote it"
            )
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.order.load_state_dict(state["data"])
        self.objective.load_state_dict(state.get("objective", {}))
        if "early_stopping" in state:
            self.early_stopping.load_state_dict(state["early_stopping"])
        restore_rng_state(state["rng"])
        restore_weight_remainders(self.model, state.get(WEIGHT_REMAINDERS, {}))
        self.current_step = state["step"]
        self.events.log("info", f"resumed from {spec.resume_from} at step {self.current_step}")

    def _autocast(self) -> AbstractContextManager:
        # Weights, gradients and optimizer state stay float32; only the forward passes run in bf16.
        return torch.autocast(self.device.type, dtype=torch.bfloat16,
                              enabled=self.training.mixed_precision == "bf16")

    def step(self) -> dict[str, float]:
        """One optimizer step over gradient_accumulation_steps micro-batches; its summed metrics."""
        training, ranks, model = self.training, self.ranks, self.model
        self.current_step += 1
        step = self.current_step
        self.learning_rate = self.scheduler.get_last_lr()[0]
        micro_batches = [self.order.next_batch().to(self.device) for _ in range(training.gradient_accumulation_steps)]
        [step_tokens] = distributed.all_reduce_sum([sum(batch.loss_units for batch in micro_batches)], ranks)
        step_tokens = int(step_tokens)
        step_values: dict[str, float] = {}
        for batch in micro_batches:
            with self._autocast():
                loss, extra = self.objective.loss(batch, step_tokens)
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
        step_values |= self.objective.end_step(step, training.max_steps, step_values)
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), training.max_grad_norm or math.inf)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self._averages.add({**step_values, "train/grad_norm": grad_norm.item()}, step_tokens)
        if step % training.log_every == 0 or step == self.last_step or self.cancel.is_set():
            self._report()
        return step_values

    def _report(self) -> None:
        """The averaged train/ metrics since the last report, and progress; starts new averages."""
        step, averages = self.current_step, self._averages
        tokens_per_s = averages.tokens_per_second()
        self.events.metric(step, {**averages.means(), "train/lr": self.learning_rate,
                                  "train/tokens_per_s": tokens_per_s})
        seconds_per_step = (time.monotonic() - self._started) / (step - self._first_step)
        self.events.progress(step, self.run_end, seconds_per_step * (self.run_end - step), tokens_per_s)
        self._averages = _Averages()

    def _evaluation_due(self) -> bool:
        step, eval_every = self.current_step, self.training.eval_every
        return self.data.validation_blocks is not None and (
            step == self.last_step or bool(eval_every and step % eval_every == 0)
        )

    def _evaluate_for_early_stopping(self) -> bool:
        """Evaluate (rank 0), keep the best weights when early stopping watches; True to stop now."""
        stopped_early = False
        if self.ranks.is_main:
            step = self.current_step
            stopped_early = self.early_stopping.should_stop(step, self.evaluate())
            if self.early_stopping.patience and self.early_stopping.best_step == step and self.save_final:
                # Keep the best weights so far: the final model of an early-stopped run is its best.
                self._save_best()
        return distributed.broadcast_flag(stopped_early, self.ranks)

    def evaluate(self) -> dict[str, float]:
        """The objective's eval/ metrics, its tables and the sample generations, reported at this step."""
        step, events, output_dir = self.current_step, self.events, self.output_dir
        assert self.data.validation_blocks is not None
        with self._autocast():
            metrics = self.objective.evaluate(self.model, self.data, self.training)
            events.metric(step, metrics)
        for name, table in self.objective.evaluation_tables().items():
            path = output_dir / "tables" / f"{name}-step-{step}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps({**table, "step": step}, allow_nan=False) + "\n", encoding="utf-8")
            events.artifact(f"{name}-step-{step}", "table", str(path), step, path.stat().st_size)
        if self.data.sample_prompts:
            with self._autocast():
                samples = generate_samples(self.model, self.tokenizer, self.data.sample_prompts,
                                           block_size=self.training.block_size,
                                           max_new_tokens=self.training.sample_max_new_tokens)
            path = output_dir / "samples" / f"step-{step}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(samples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            events.artifact(f"samples-step-{step}", "samples", str(path), step, path.stat().st_size)
        return metrics

    def save(self) -> Path:
        """A resumable checkpoint of this step (written by rank 0; the others wait until it is complete)."""
        step, ranks = self.current_step, self.ranks
        if not ranks.is_main:
            distributed.barrier(ranks)
            return self.output_dir / "checkpoints" / f"step-{step}"
        check_fence(self.spec.fence)
        path = save_checkpoint(
            self.output_dir, step, self.model, self.tokenizer,
            {"method": self.spec.method, "step": step, "optimizer": self.optimizer.state_dict(),
             "scheduler": self.scheduler.state_dict(), "data": self.order.state_dict(), "rng": rng_state(),
             "objective": self.objective.state_dict(), "early_stopping": self.early_stopping.state_dict()},
            keep_last=self.training.keep_last_checkpoints, dtype=source_dtype(self.spec.student, role="student"),
        )
        self.events.checkpoint(str(path), step, directory_size(path))
        distributed.barrier(ranks)
        return path

    def _save_best(self) -> None:
        """Keep the trainable tensors of the best evaluation so far (the adapters of a LoRA run, every
        weight otherwise), without touching the model: merging LoRA here would end its training."""
        check_fence(self.spec.fence)
        trainable = {name: parameter.detach().to("cpu").contiguous()
                     for name, parameter in self.model.named_parameters() if parameter.requires_grad}
        with written_whole(self.output_dir / "best", tensor_bytes(trainable)) as partial_dir:
            save_file(trainable, str(partial_dir / BEST_WEIGHTS))
            (partial_dir / BEST_STEP).write_text(json.dumps({"step": self.current_step,
                                                             self.early_stopping.metric: self.early_stopping.best}))

    def close(self, stopped_early: bool = False) -> RunResult:
        """The run's result; with save_final, the final model (the best weights of an early-stopped run)."""
        step, early_stopping = self.current_step, self.early_stopping
        message = f"finished {step} steps"
        if stopped_early:
            if self._averages.steps:
                self._report()
            message = (
                f"stopped early at step {step}: {early_stopping.metric} has not improved for "
                f"{early_stopping.patience} evaluations (best {early_stopping.best:.6g} at step "
                f"{early_stopping.best_step})"
            )
            self.events.log("info", message)
        if not self.save_final:
            return RunResult("finished", step, message)
        final = self.output_dir / "final"
        if self.ranks.is_main:
            message += self._save_final_model(final)
        distributed.barrier(self.ranks)
        return RunResult("finished", step, f"{message}; model in {final}")

    def _save_final_model(self, final: Path) -> str:
        """Write output_dir/final (rank 0); what to add to the run's message."""
        step, early_stopping, events = self.current_step, self.early_stopping, self.events
        note = ""
        best = self.output_dir / "best"
        check_fence(self.spec.fence)
        kept_step = json.loads((best / BEST_STEP).read_text())["step"] if (best / BEST_STEP).is_file() else None
        if (early_stopping.patience and early_stopping.best_step not in (0, step)
                and kept_step == early_stopping.best_step):
            weights = load_file(str(best / BEST_WEIGHTS), device=str(self.device))
            unexpected = self.model.load_state_dict(weights, strict=False)
            assert not unexpected.unexpected_keys, unexpected.unexpected_keys
            note = f"; the final model holds the best weights, from step {early_stopping.best_step}"
            events.log("info", f"final model: the weights of step {early_stopping.best_step}, where "
                               f"{early_stopping.metric} was best ({early_stopping.best:.6g})")
        elif early_stopping.patience and early_stopping.best_step not in (0, step):
            events.log("warning", f"the best weights (step {early_stopping.best_step}) were not kept on disk "
                                  f"(found {kept_step}): the final model holds the last weights, of step {step}")
        save_final_model(merged_for_saving(self.model), self.tokenizer, final,
                         source_dtype(self.spec.student, role="student"))
        shutil.rmtree(best, ignore_errors=True)
        self.events.artifact("final", "model", str(final), step, directory_size(final))
        return note
