"""Continual-learning strategies: what each method adds to plain sequential fine-tuning.

engine.methods.continual.recipe trains one model on the run's tasks in order, calling
an engine.core.training.Trainer once per task. A Strategy hooks into that loop: `begin_task` before a task
(freeze parameters, keep a frozen copy of the model, build a replay buffer), `train_blocks` and
`loss` during it, `end_task` after it (estimate a Fisher, average weights), and `state_dict` /
`load_state_dict` for everything a resumed run needs. The numerical pieces are plain functions
in engine.methods.continual.losses (`task_scores`, `margin_loss`, `lwf_loss`, `diagonal_fisher`,
`ewc_penalty`) and engine.methods.continual.weights (`hft_selection`, `interpolate`,
`uniform_average`, `greedy_soup`), tested against float64 references; the data a strategy trains on
is in engine.methods.continual.data.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.core.data import Batch, TokenBlocks, TrainOrder
from engine.errors import EngineError
from engine.events import EventSink
from engine.methods.continual.config import (
    CLEWCConfig,
    CLHFTConfig,
    CLLwFConfig,
    CLReplayConfig,
    CLSequentialConfig,
    CLWeightAveragingConfig,
    ContinualConfig,
)
from engine.methods.continual.data import MixedBatch, ReplayMix, TaskData, concatenate_blocks, seeded_subset
from engine.methods.continual.losses import (
    band_statistics,
    diagonal_fisher,
    ewc_penalty,
    lwf_loss,
    margin_loss,
    summed_nll,
    task_scores,
)
from engine.methods.continual.weights import (
    decoder_layers_prefix,
    float_state,
    greedy_soup,
    hft_frozen_parameters,
    interpolate,
    load_float_state,
    uniform_average,
)
from engine.models import final_hidden_states, output_layer
from engine.spec import RunSpec, TrainingConfig


@dataclass
class ContinualContext:
    """What a strategy may use: the run, its model and every task's data."""

    spec: RunSpec
    config: ContinualConfig
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    tasks: list[TaskData]
    events: EventSink
    replay_blocks: TokenBlocks | None
    task_start_model: Callable[[int], PreTrainedModel]
    """The model as task i started (frozen, float32): the initial model for i = 0, else the
    model saved at the end of task i - 1. Loaded from disk, so a resumed run gets the same one."""
    task_model_dir: Callable[[int], Path]
    """Where the model as evaluated after task i is saved (output_dir/tasks/task-i-NAME)."""

    @property
    def training(self) -> TrainingConfig:
        return self.config.training

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def inference_dtype(self) -> torch.dtype:
        return torch.bfloat16 if self.training.mixed_precision == "bf16" else torch.float32


# --- Strategies -------------------------------------------------------------------------------


class Strategy:
    """Sequential fine-tuning; the other strategies change some of its hooks."""

    def __init__(self, context: ContinualContext):
        self.context = context
        self.model = context.model
        self.chunk_size = context.config.chunk_size

    def setup(self) -> None:
        """Once before the first task trained in this process (after a resume: the resumed task)."""

    def begin_task(self, index: int) -> None:
        """Before training task `index` (also when resuming inside it)."""

    def train_blocks(self, index: int) -> Any:
        return self.context.tasks[index].train_blocks

    def loss(self, batch: Any, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        nll, _ = summed_nll(self.model, batch, self.chunk_size)
        return nll / max(num_units, 1), {}

    def end_task(self, index: int) -> dict[str, float]:
        """After task `index` has trained, before it is evaluated; returns metrics to report."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


class Replay(Strategy):
    """Experience replay, from earlier tasks or from general data (GeRe, with its optional TM loss).

    GeRe's official code caches the initial model's hidden states h* of the replay set on disk; here
    the frozen initial model is kept and recomputes h* for each replayed batch (the same values), which
    costs a forward pass per step instead of replay-set x tokens x hidden-size numbers of storage.
    """

    def __init__(self, context: ContinualContext):
        super().__init__(context)
        config = context.config
        assert isinstance(config, CLReplayConfig)
        self.config = config
        self.replay_order: TrainOrder | None = None
        self.initial_model: PreTrainedModel | None = None
        self.band: tuple[torch.Tensor, torch.Tensor] | None = None
        # RunSpec validation (CLReplayConfig.run_spec_problems) pairs replay_data with the general source.
        assert (config.replay_source == "general") == (context.replay_blocks is not None)

    def buffer(self, index: int) -> TokenBlocks | None:
        """The replay examples while training task `index` (None: nothing to replay yet)."""
        size, seed = self.config.replay_buffer_size, self.context.spec.seed
        if self.config.replay_source == "general":
            assert self.context.replay_blocks is not None
            return seeded_subset(self.context.replay_blocks, size, seed)
        if index == 0:
            return None
        # The buffer is shared equally by the finished tasks (at least one example each).
        share = max(1, size // index)
        return concatenate_blocks([seeded_subset(self.context.tasks[j].train_blocks, share, seed * 1_000_003 + j)
                                   for j in range(index)])

    def setup(self) -> None:
        if self.config.tm_weight != 0.0:
            self.initial_model = self.context.task_start_model(0).to(self.context.device)
            self.initial_model.to(self.context.inference_dtype())
            buffer = self.buffer(0)
            assert buffer is not None
            self.band = band_statistics(self.initial_model, buffer, batch_size=self.context.training.batch_size)
            self.context.events.log("info", f"GeRe margin loss: bands mean +- std of the initial model's last hidden "
                                            f"states over {len(buffer)} replay examples")

    def begin_task(self, index: int) -> None:
        buffer = self.buffer(index)
        self.replay_order = (TrainOrder(buffer, self.config.replay_per_batch, self.context.spec.seed + index)
                             if buffer is not None else None)
        if buffer is not None:
            self.context.events.log("info", f"task {index}: replaying {self.config.replay_per_batch} of "
                                            f"{len(buffer)} {self.config.replay_source.replace('_', ' ')} examples "
                                            "per micro-batch")

    def train_blocks(self, index: int) -> Any:
        return ReplayMix(self.context.tasks[index].train_blocks, self.replay_order)

    def loss(self, batch: MixedBatch, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        """(CE_task + CE_replay) / 2 + w TM (GeRe, METHODS.md section 6); CE_task alone without replay.

        CE_task is the step's mean over task target tokens. CE_replay and TM are means over each
        micro-batch's replay examples, weighted by the micro-batch's share of the step's task
        tokens, so with one micro-batch per step the loss is exactly GeRe's and with gradient
        accumulation it is their weighted mean over the micro-batches.
        """
        task_nll, _ = summed_nll(self.model, batch.task, self.chunk_size)
        task_ce = task_nll / max(num_units, 1)
        if batch.replay is None:
            return task_ce, {"cl/ce_task": task_ce.item()}
        share = batch.task.loss_units / max(num_units, 1)
        replay_nll, replay_hidden = summed_nll(self.model, batch.replay, self.chunk_size)
        replay_ce = replay_nll / max(batch.replay.loss_units, 1)
        loss = 0.5 * task_ce + 0.5 * share * replay_ce
        extra = {"cl/ce_task": task_ce.item(), "cl/ce_replay": share * replay_ce.item()}
        if self.band is not None:
            assert self.initial_model is not None
            with torch.no_grad():
                reference = final_hidden_states(self.initial_model, batch.replay.input_ids, batch.replay.attention_mask)
            tm = margin_loss(replay_hidden, reference, *self.band, batch.replay.attention_mask)
            if self.config.tm_weight == "dy":
                micro_batch_ce = 0.5 * (task_nll.detach() / max(batch.task.loss_units, 1) + replay_ce.detach())
                weight = micro_batch_ce / (tm.detach() + 1e-8)
            else:
                weight = float(self.config.tm_weight)
            loss = loss + share * weight * tm
            extra |= {"cl/tm": share * tm.item(), "cl/tm_weight": share * float(weight)}
        return loss, extra

    def state_dict(self) -> dict[str, Any]:
        return {"replay_order": self.replay_order.state_dict() if self.replay_order is not None else None}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state.get("replay_order") is not None and self.replay_order is not None:
            self.replay_order.load_state_dict(state["replay_order"])


class LearningWithoutForgetting(Strategy):
    def __init__(self, context: ContinualContext):
        super().__init__(context)
        assert isinstance(context.config, CLLwFConfig)
        self.config = context.config
        self.old_model: PreTrainedModel | None = None

    def begin_task(self, index: int) -> None:
        self.old_model = None
        if index > 0 or self.config.distill_on_first_task:
            self.old_model = self.context.task_start_model(index).to(self.context.device)
            self.old_model.to(self.context.inference_dtype())

    def loss(self, batch: Batch, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        if self.old_model is None:
            return super().loss(batch, num_units)
        hidden = final_hidden_states(self.model, batch.input_ids, batch.attention_mask)
        with torch.no_grad():
            old_hidden = final_hidden_states(self.old_model, batch.input_ids, batch.attention_mask)
        loss, ce, kl = lwf_loss(hidden, output_layer(self.model), old_hidden,
                                output_layer(self.old_model), batch.labels, weight=self.config.lwf_weight,
                                temperature=self.config.temperature, chunk_size=self.chunk_size, num_tokens=num_units)
        return loss, {"cl/ce_task": ce.item(), "cl/lwf_kl": kl.item()}


class ElasticWeightConsolidation(Strategy):
    """Online EWC: F <- gamma F + F_task and theta* <- the weights at the end of the latest task
    (Schwarz et al. 2018, "Progress & Compress", arXiv:1805.06370, section 4); with gamma = 1 the
    Fishers of all finished tasks are summed around the latest anchor."""

    def __init__(self, context: ContinualContext):
        super().__init__(context)
        assert isinstance(context.config, CLEWCConfig)
        self.config = context.config
        self.fisher: dict[str, torch.Tensor] = {}
        self.anchor: dict[str, torch.Tensor] = {}
        self.parameters = dict(self.model.named_parameters())

    def fisher_batches(self, index: int) -> list[Batch]:
        blocks = self.context.tasks[index].train_blocks
        batch_size = self.context.training.batch_size
        generator = torch.Generator().manual_seed(self.context.spec.seed * 1_000_003 + index)
        order = torch.randperm(len(blocks), generator=generator)
        batches = [order[start:start + batch_size].tolist() for start in range(0, len(blocks), batch_size)]
        return [blocks.batch(indices) for indices in batches[: self.config.fisher_batches]]

    def loss(self, batch: Batch, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        loss, extra = super().loss(batch, num_units)
        if not self.fisher:
            return loss, extra
        # One penalty per optimizer step, shared out by the micro-batches' token counts.
        share = batch.loss_units / max(num_units, 1)
        penalty = ewc_penalty(self.parameters, self.fisher, self.anchor, self.config.ewc_lambda)
        return loss + share * penalty, {"cl/ce_task": loss.item(), "cl/ewc_penalty": share * penalty.item()}

    def end_task(self, index: int) -> dict[str, float]:
        if index == len(self.context.tasks) - 1:
            return {}  # no task left to protect it from
        fisher = diagonal_fisher(self.model, self.fisher_batches(index))
        for name, values in fisher.items():
            self.fisher[name] = self.config.fisher_decay * self.fisher[name] + values if name in self.fisher else values
        self.anchor = {name: self.parameters[name].detach().clone() for name in self.fisher}
        total = sum(float(values.sum()) for values in self.fisher.values())
        return {"cl/ewc_fisher_sum": total}

    def state_dict(self) -> dict[str, Any]:
        return {"fisher": {name: values.cpu() for name, values in self.fisher.items()},
                "anchor": {name: values.cpu() for name, values in self.anchor.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        device = self.context.device
        self.fisher = {name: values.to(device) for name, values in state.get("fisher", {}).items()}
        self.anchor = {name: values.to(device) for name, values in state.get("anchor", {}).items()}


class HalfFineTuning(Strategy):
    def __init__(self, context: ContinualContext):
        super().__init__(context)
        self.frozen: list[str] = []
        decoder_layers_prefix(self.model)  # refuse other architectures before any training

    def selection_seed(self, index: int) -> int:
        return self.context.spec.seed * 1_000_003 + index

    def begin_task(self, index: int) -> None:
        self.frozen = hft_frozen_parameters(self.model, self.selection_seed(index))
        frozen = set(self.frozen)
        for name, parameter in self.model.named_parameters():
            parameter.requires_grad_(name not in frozen)
        total = sum(p.numel() for p in self.model.parameters())
        share = sum(p.numel() for name, p in self.model.named_parameters() if name in frozen) / total
        self.context.events.log("info", f"HFT task {index}: froze {len(self.frozen)} parameter tensors "
                                        f"({share:.1%} of the weights): {', '.join(self.frozen)}")

    def end_task(self, index: int) -> dict[str, float]:
        self.model.requires_grad_(True)
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"frozen": list(self.frozen)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "frozen" in state and state["frozen"] != self.frozen:
            raise EngineError("the checkpoint froze other HFT parameters than this run selects for the task: resume "
                              "with the same seed and student")


class WeightAveraging(Strategy):
    def __init__(self, context: ContinualContext):
        super().__init__(context)
        assert isinstance(context.config, CLWeightAveragingConfig)
        self.config = context.config
        self.ingredients: list[str] = []
        """Directories of the models fine-tuned on each finished task (before averaging)."""

    def held_out_accuracy(self, tasks: int) -> float:
        """Mean accuracy of the model over tasks 0..tasks-1 on their selection blocks (the share of
        each task's validation data kept apart from the reported evaluation,
        engine.methods.continual.data.selection_split): the soup is never chosen on what is reported."""
        training = self.context.training
        with torch.autocast(self.context.device.type, dtype=torch.bfloat16, enabled=training.mixed_precision == "bf16"):
            accuracies = []
            for task in self.context.tasks[:tasks]:
                if task.selection_blocks is None:
                    raise EngineError(f"task {task.name!r} has no selection blocks to choose a greedy soup on")
                accuracies.append(task_scores(self.model, task.selection_blocks, batch_size=training.batch_size,
                                              max_batches=training.eval_batches, chunk_size=self.chunk_size)[1])
        return sum(accuracies) / len(accuracies)

    def _load(self, state: dict[str, torch.Tensor]) -> None:
        self.model.load_state_dict(state, strict=False)

    def end_task(self, index: int) -> dict[str, float]:
        task_dir = self.context.task_model_dir(index)
        ingredient = task_dir.with_name(task_dir.name + "-finetuned")
        self.model.save_pretrained(ingredient)
        self.ingredients = self.ingredients[:index] + [str(ingredient)]
        tuned = float_state(self.model)
        if self.config.averaging == "wise_ft":
            start = float_state(self.context.task_start_model(index))
            self._load(interpolate(start, tuned, self.config.wise_ft_alpha))
            return {}
        states = [load_float_state(Path(path)) for path in self.ingredients]
        if self.config.averaging == "uniform_soup":
            self._load(uniform_average(states))
            return {"cl/soup_size": float(len(states))}
        scores = []
        for state in states:
            self._load(state)
            scores.append(self.held_out_accuracy(index + 1))

        def soup_score(members: list[int]) -> float:
            self._load(uniform_average([states[member] for member in members]))
            return self.held_out_accuracy(index + 1)

        chosen = greedy_soup(scores, soup_score)
        self._load(uniform_average([states[member] for member in chosen]))
        self.context.events.log("info", f"greedy soup after task {index}: ingredients {chosen} of {len(states)} "
                                        f"(accuracies on the selection blocks {', '.join(f'{s:.4f}' for s in scores)})")
        return {"cl/soup_size": float(len(chosen))}

    def state_dict(self) -> dict[str, Any]:
        return {"ingredients": list(self.ingredients)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.ingredients = list(state.get("ingredients", []))


STRATEGIES: dict[type, type[Strategy]] = {
    CLSequentialConfig: Strategy,
    CLReplayConfig: Replay,
    CLLwFConfig: LearningWithoutForgetting,
    CLEWCConfig: ElasticWeightConsolidation,
    CLHFTConfig: HalfFineTuning,
    CLWeightAveragingConfig: WeightAveraging,
}
"""The strategy of each continual method, by its config class."""

