"""Continual-learning strategies: what each method adds to plain sequential fine-tuning.

engine.methods.continual.recipe trains one model on the run's tasks in order, calling
engine.core.training.train once per task. A Strategy hooks into that loop: `begin_task` before a task
(freeze parameters, keep a frozen copy of the model, build a replay buffer), `train_blocks` and
`loss` during it, `end_task` after it (estimate a Fisher, average weights), and `state_dict` /
`load_state_dict` for everything a resumed run needs. The numerical pieces are plain functions
(`task_scores`, `margin_loss`, `lwf_loss`, `diagonal_fisher`, `ewc_penalty`, `hft_selection`,
`interpolate`, `uniform_average`, `greedy_soup`), tested against float64 references.
"""

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch
from safetensors.torch import load_file
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.methods.distillation.chunked import chunked_distillation_loss
from engine.spec import RunSpec, TrainingConfig
from engine.methods.continual.config import (
    CLEWCConfig, CLHFTConfig, CLLwFConfig, CLReplayConfig, CLSequentialConfig, CLWeightAveragingConfig,
    ContinualConfig,
)
from engine.core.data import Batch, TokenBlocks, TrainOrder, validation_batches
from engine.errors import EngineError
from engine.events import EventSink
from engine.core.losses import IGNORE_INDEX
from engine.methods.distillation.losses import DistillationSettings, forward_kl
from engine.models import final_hidden_states
from engine.core.token_logprobs import output_weight_and_bias, token_log_probs


@dataclass
class TaskData:
    name: str
    train_blocks: TokenBlocks
    validation_blocks: TokenBlocks
    sample_prompts: list[list[int]]


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


# --- Evaluation -------------------------------------------------------------------------------


@torch.no_grad()
def task_scores(model: torch.nn.Module, blocks: TokenBlocks, *, batch_size: int, max_batches: int,
                chunk_size: int) -> tuple[float, float]:
    """(loss, accuracy) of `model` on the first max_batches batches of a task's validation blocks.

    loss: next-token cross-entropy, mean per target token (labels != IGNORE_INDEX). accuracy: the
    share of target tokens whose most likely next token (top-1 of the logits) is the label.
    Logits are computed chunk_size tokens at a time from the final hidden states.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    head = model.get_output_embeddings()
    nll = correct = tokens = 0.0
    for batch in validation_batches(blocks, batch_size, max_batches):
        batch = batch.to(device)
        labels = batch.labels.reshape(-1)
        real = labels != IGNORE_INDEX
        hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
        hidden, labels = hidden.reshape(-1, hidden.shape[-1])[real], labels[real]
        for start in range(0, labels.shape[0], chunk_size):
            rows = slice(start, start + chunk_size)
            log_probs = torch.log_softmax(head(hidden[rows]).float(), dim=-1)
            nll -= float(log_probs.gather(-1, labels[rows, None]).sum(dtype=torch.float64))
            correct += float((log_probs.argmax(-1) == labels[rows]).sum())
        tokens += float(labels.shape[0])
    model.train(was_training)
    tokens = max(tokens, 1.0)
    return nll / tokens, correct / tokens


# --- Cross-entropy shared by the strategies ---------------------------------------------------


def _summed_nll(model: torch.nn.Module, batch: Batch, chunk_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum over target tokens of -log p(label), final hidden states (B, L, d)), without full logits."""
    hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
    weight, bias = output_weight_and_bias(model)
    log_probs = token_log_probs(hidden, weight, bias, batch.labels, chunk_size=chunk_size)
    return -log_probs.sum(), hidden


# --- Replay and GeRe's margin loss ------------------------------------------------------------


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


@torch.no_grad()
def band_statistics(model: torch.nn.Module, blocks: TokenBlocks, *,
                    batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-dimension mean and standard deviation of `model`'s final hidden states over every real
    token (attention_mask = 1) of `blocks`, accumulated in float64; population std (divide by N)."""
    device = next(model.parameters()).device
    total = total_square = None
    count = 0
    for batch in validation_batches(blocks, batch_size, len(blocks)):
        batch = batch.to(device)
        hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
        values = hidden[batch.attention_mask.bool()].double()
        total = values.sum(0) if total is None else total + values.sum(0)
        total_square = (values**2).sum(0) if total_square is None else total_square + (values**2).sum(0)
        count += values.shape[0]
    assert total is not None and total_square is not None
    mean = total / count
    variance = (total_square / count - mean**2).clamp(min=0)
    return mean.float(), variance.sqrt().float()


def margin_loss(hidden: torch.Tensor, reference_hidden: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
    """GeRe's threshold-based margin (TM) loss (Zhang et al. 2025, arXiv:2508.04676; METHODS.md
    section 6, as in the official Qznan/GeRe `gere_trainer.py`).

    With the bands neg = mean - std and pos = mean + std per hidden dimension (from the frozen
    initial model on the replay set), each element of the current hidden states h is penalised by
    where the initial model's value h* for the same token and dimension falls:
        h* <= neg:        relu(h - neg)                   (stay below the lower band)
        h* >= pos:        relu(pos - h)                   (stay above the upper band)
        neg < h* < pos:   relu(h - pos) + relu(neg - h)   (stay inside the band)
    Reduction: the sum over unmasked elements divided by the number of non-zero elements (the
    official code's choice; the count is a constant for the gradient), 0 when none is non-zero.

    Args:
        hidden: (B, L, d) final hidden states of the model being trained.
        reference_hidden: (B, L, d) the frozen initial model's, same tokens (no gradient).
        mean, std: (d,) band statistics.
        mask: (B, L) 1 for real tokens, 0 for padding (masked out entirely).
    """
    hidden = hidden.float() if hidden.dtype in (torch.float16, torch.bfloat16) else hidden
    reference_hidden = reference_hidden.to(hidden.dtype).detach()
    lower, upper = (mean - std).to(hidden.dtype), (mean + std).to(hidden.dtype)
    below, above = reference_hidden <= lower, reference_hidden >= upper
    elementwise = torch.where(
        below, torch.relu(hidden - lower),
        torch.where(above, torch.relu(upper - hidden), torch.relu(hidden - upper) + torch.relu(lower - hidden)),
    )
    elementwise = elementwise * mask[..., None].to(hidden.dtype)
    nonzero = (elementwise.detach() > 0).sum()
    return elementwise.sum() / nonzero.clamp(min=1)


# --- LwF --------------------------------------------------------------------------------------


def lwf_loss(hidden: torch.Tensor, head: torch.nn.Module, old_hidden: torch.Tensor, old_head: torch.nn.Module,
             labels: torch.Tensor, *, weight: float, temperature: float, chunk_size: int,
             num_tokens: int | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Learning without Forgetting (Li & Hoiem 2016, arXiv:1606.09282, eq. 2 with the KD term as a
    KL): per target token CE(y, q) + lambda T^2 KL(p_old || q_T), p_old = softmax(z_old / T) from the
    frozen model as it was before the task, q_T = softmax(z / T); summed over target tokens and
    divided by num_tokens (the step's target tokens). The paper's old-task outputs are here the
    old model's next-token distributions on the current task's tokens (its "responses" to the new
    data), and its cross-entropy against the soft targets is the KL plus a constant.

    Computed by engine.methods.distillation.chunked.chunked_distillation_loss, which is alpha CE + (1 - alpha) T^2
    KL; with alpha = 1 / (1 + lambda) and the result times 1 + lambda it is exactly CE + lambda T^2
    KL, and full logits are never held. Returns (loss, CE, KL), the last two mean per token.
    """
    settings = DistillationSettings(divergence=forward_kl, alpha=1.0 / (1.0 + weight), temperature=temperature,
                                    temperature_squared=True)
    result = chunked_distillation_loss(hidden, head, old_hidden, old_head, labels, settings, chunk_size=chunk_size,
                                       num_tokens=num_tokens)
    return result.loss * (1.0 + weight), result.ce, result.divergence


# --- EWC --------------------------------------------------------------------------------------


def diagonal_fisher(model: torch.nn.Module, batches: list[Batch]) -> dict[str, torch.Tensor]:
    """The diagonal empirical Fisher of EWC (Kirkpatrick et al. 2017, arXiv:1612.00796, eq. 3):
    F = (1/N) sum_n g_n^2 over N batches, g_n the gradient of batch n's log-likelihood, the mean
    over its target tokens of log p(label). A batch-level Fisher (as most LLM implementations
    compute it), not a per-example one: per-example gradients would cost a backward pass per
    sequence. Computed in eval mode (no dropout) for the trainable parameters; the model's own
    gradients are left cleared.
    """
    was_training = model.training
    model.eval()
    parameters = {name: p for name, p in model.named_parameters() if p.requires_grad}
    fisher = {name: torch.zeros_like(p, dtype=torch.float32) for name, p in parameters.items()}
    device = next(model.parameters()).device
    for batch in batches:
        batch = batch.to(device)
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits.float()
        log_likelihood = -torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), batch.labels.reshape(-1), ignore_index=IGNORE_INDEX)
        gradients = torch.autograd.grad(log_likelihood, list(parameters.values()), allow_unused=True)
        for name, gradient in zip(parameters, gradients):
            if gradient is not None:
                fisher[name] += gradient.float() ** 2 / len(batches)
    model.train(was_training)
    return fisher


def ewc_penalty(parameters: dict[str, torch.Tensor], fisher: dict[str, torch.Tensor],
                anchor: dict[str, torch.Tensor], strength: float) -> torch.Tensor:
    """(lambda / 2) sum_k F_k (theta_k - theta*_k)^2 over every parameter that has a Fisher
    (Kirkpatrick et al. 2017, eq. 3); 0 at the anchor, differentiable in the parameters."""
    total = None
    for name, fisher_values in fisher.items():
        parameter = parameters[name]
        term = (fisher_values.to(parameter.dtype) * (parameter - anchor[name].to(parameter.dtype)) ** 2).sum()
        total = term if total is None else total + term
    if total is None:
        return torch.zeros(())
    return 0.5 * strength * total


# --- HFT --------------------------------------------------------------------------------------

HFT_ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
HFT_MLP = ("gate_proj", "up_proj", "down_proj")
HFT_NORMS = ("input_layernorm", "post_attention_layernorm")
_MODULE_PREFIX = {**{name: "self_attn." for name in HFT_ATTENTION}, **{name: "mlp." for name in HFT_MLP},
                  **{name: "" for name in HFT_NORMS}}


def hft_selection(num_layers: int, seed: int) -> list[list[str]]:
    """The modules HFT freezes in each layer (Hui et al. 2024, arXiv:2404.18466; METHODS.md
    section 6): 2 of the 4 attention projections in every layer; 2 of the 3 MLP projections in a
    random num_layers // 2 of the layers and 1 in the others; 1 of the 2 norms. Drawn from
    random.Random(seed), so the same seed gives the same selection."""
    rng = random.Random(seed)
    two_mlp_layers = set(rng.sample(range(num_layers), num_layers // 2))
    selection = []
    for layer in range(num_layers):
        frozen = sorted(rng.sample(HFT_ATTENTION, 2))
        frozen += sorted(rng.sample(HFT_MLP, 2 if layer in two_mlp_layers else 1))
        frozen.append(rng.choice(HFT_NORMS))
        selection.append(frozen)
    return selection


def _decoder_layers_prefix(model: torch.nn.Module) -> tuple[str, int]:
    names = {name for name, _ in model.named_parameters()}
    prefixes = sorted({match.group(1) for name in names if (match := re.match(r"(.*\blayers\.)\d+\.", name))})
    num_layers = getattr(getattr(model, "config", None), "num_hidden_layers", None)
    expected = [f"{layer}.{_MODULE_PREFIX[module]}{module}.weight" for layer in range(num_layers or 0)
                for module in (*HFT_ATTENTION, *HFT_MLP, *HFT_NORMS)]
    for prefix in prefixes:
        if num_layers and all(prefix + name in names for name in expected):
            return prefix, num_layers
    raise EngineError(
        f"cl_hft supports llama-style decoder layers (self_attn.q_proj, k_proj, v_proj, o_proj; "
        f"mlp.gate_proj, up_proj, down_proj; input_layernorm, post_attention_layernorm), as in "
        f"Llama, Mistral and Qwen2; the {type(model).__name__} has other parameter names: choose "
        "such a student or another continual method"
    )


def hft_frozen_parameters(model: torch.nn.Module, seed: int) -> list[str]:
    """Names of the parameters (weights and any biases) of the modules hft_selection(seed) freezes."""
    prefix, num_layers = _decoder_layers_prefix(model)
    modules = [f"{prefix}{layer}.{_MODULE_PREFIX[module]}{module}."
               for layer, frozen in enumerate(hft_selection(num_layers, seed)) for module in frozen]
    return [name for name, _ in model.named_parameters() if any(name.startswith(module) for module in modules)]


# --- Weight averaging -------------------------------------------------------------------------


def float_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The model's floating-point weights and buffers, copied to the CPU."""
    return {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()
            if tensor.is_floating_point()}


def interpolate(start: dict[str, torch.Tensor], tuned: dict[str, torch.Tensor],
                alpha: float) -> dict[str, torch.Tensor]:
    """WiSE-FT (Wortsman et al. 2022, arXiv:2109.01903, eq. 1): (1 - alpha) theta_start + alpha
    theta_tuned per tensor, computed in float64 and returned in the tuned tensors' dtype."""
    return {name: ((1 - alpha) * start[name].double() + alpha * tensor.double()).to(tensor.dtype)
            for name, tensor in tuned.items()}


def uniform_average(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """A uniform model soup (Wortsman et al. 2022, arXiv:2203.05482): the mean of each tensor, in float64."""
    return {name: (sum(state[name].double() for state in states) / len(states)).to(tensor.dtype)
            for name, tensor in states[0].items()}


def greedy_soup(scores: list[float], soup_score: Callable[[list[int]], float]) -> list[int]:
    """The greedy soup of Wortsman et al. 2022 (arXiv:2203.05482, Algorithm 1; METHODS.md section 2,
    as in mlfoundations/model-soups): ingredients sorted by their own held-out score, best first
    (ties keep the earlier ingredient first); the best starts the soup; each next one is added
    only if the uniform soup with it scores strictly higher than the soup so far.

    Args:
        scores: each ingredient's own held-out score (higher is better).
        soup_score: the held-out score of the uniform soup of the given ingredient indices.

    Returns: the chosen ingredient indices, in the order they were added.
    """
    order = sorted(range(len(scores)), key=lambda index: -scores[index])
    chosen, best = [order[0]], scores[order[0]]
    for candidate in order[1:]:
        score = soup_score(chosen + [candidate])
        if score > best:
            chosen, best = chosen + [candidate], score
    return chosen


def load_float_state(path: Path) -> dict[str, torch.Tensor]:
    """The floating-point tensors of a save_pretrained directory, one file or sharded (transformers
    splits weights over several files above its max_shard_size, 5 GB by default)."""
    files = [path / "model.safetensors"] if (path / "model.safetensors").is_file() else sorted(
        path.glob("model-*-of-*.safetensors"))
    if not files:
        raise EngineError(f"{path} holds no model.safetensors weights (single or sharded)")
    state: dict[str, torch.Tensor] = {}
    for file in files:
        state.update(load_file(file))
    return {name: tensor for name, tensor in state.items() if tensor.is_floating_point()}


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
        nll, _ = _summed_nll(self.model, batch, self.chunk_size)
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
        task_nll, _ = _summed_nll(self.model, batch.task, self.chunk_size)
        task_ce = task_nll / max(num_units, 1)
        if batch.replay is None:
            return task_ce, {"cl/ce_task": task_ce.item()}
        share = batch.task.loss_units / max(num_units, 1)
        replay_nll, replay_hidden = _summed_nll(self.model, batch.replay, self.chunk_size)
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
        loss, ce, kl = lwf_loss(hidden, self.model.get_output_embeddings(), old_hidden,
                                self.old_model.get_output_embeddings(), batch.labels, weight=self.config.lwf_weight,
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
        _decoder_layers_prefix(self.model)  # refuse other architectures before any training

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
        """Mean validation accuracy of the model over tasks 0..tasks-1."""
        training = self.context.training
        with torch.autocast(self.context.device.type, dtype=torch.bfloat16, enabled=training.mixed_precision == "bf16"):
            accuracies = [task_scores(self.model, task.validation_blocks, batch_size=training.batch_size,
                                      max_batches=training.eval_batches, chunk_size=self.chunk_size)[1]
                          for task in self.context.tasks[:tasks]]
        return sum(accuracies) / len(accuracies)

    def _load(self, state: dict[str, torch.Tensor]) -> None:
        self.model.load_state_dict(state, strict=False)

    def end_task(self, index: int) -> dict[str, float]:
        task_dir = self.context.task_model_dir(index)
        ingredient = task_dir.with_name(task_dir.name + "-finetuned")
        self.model.save_pretrained(ingredient, safe_serialization=True)
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
                                        f"(held-out accuracies {', '.join(f'{s:.4f}' for s in scores)})")
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

