"""Offline preference alignment from (prompt, chosen, rejected) pairs: dpo, ipo, dpo_hinge,
dpo_robust, f_dpo, simpo, bco.

One objective for the family: the policy's summed log-probabilities of both responses (one
forward pass over chosen and rejected, chunked log-probabilities from the final hidden states),
the reference's (cached on disk by default, engine.methods.preference.reference_cache, or computed every step), and
the method's loss from engine.methods.preference.losses, picked by config class in LOSSES.
"""

import threading
from collections.abc import Callable
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from engine import distributed
from engine.core.objective import Objective, RunData, RunResult
from engine.core.model_checks import check_run_models
from engine.core.reference import describe_reference, load_reference
from engine.core.training import Trainer, default_device, disable_dropout, inference_dtype, seed_everything
from engine.events import EventSink
from engine.methods.preference.config import (
    BCOConfig,
    DPOConfig,
    DPOHingeConfig,
    DPORobustConfig,
    FDPOConfig,
    IPOConfig,
    SimPOConfig,
)
from engine.methods.preference.data import (
    PreferenceBatch,
    PreferenceDataset,
    PreferencePairs,
    preference_sample_prompts,
    read_preferences,
    tokenize_preferences,
)
from engine.methods.preference.losses import (
    BCODelta,
    PreferenceLoss,
    bco_loss,
    conservative_dpo_loss,
    dpo_loss,
    f_dpo_loss,
    hinge_loss,
    ipo_loss,
    robust_dpo_loss,
    simpo_loss,
)
from engine.methods.preference.reference_cache import (
    attach_cached_reference,
    pair_batches,
    reference_identity,
    sequence_log_probs,
)
from engine.models import check_output_layer_gives_logits, load_student, load_tokenizer
from engine.spec import RunSpec, TrainingConfig

PairLoss = Callable[[dict[str, torch.Tensor]], PreferenceLoss]
"""A method's loss of a batch of pairs, from named (P,) tensors: policy_chosen, policy_rejected,
reference_chosen, reference_rejected, chosen_lengths, rejected_lengths."""


def _robust(config: DPORobustConfig) -> PairLoss:
    loss = conservative_dpo_loss if config.variant == "conservative" else robust_dpo_loss
    return lambda v: loss(v["policy_chosen"], v["policy_rejected"], v["reference_chosen"], v["reference_rejected"],
                          beta=config.beta, label_smoothing=config.label_smoothing)


LOSSES: dict[type, Callable[[Any], PairLoss]] = {
    DPOConfig: lambda c: lambda v: dpo_loss(
        v["policy_chosen"], v["policy_rejected"], v["reference_chosen"], v["reference_rejected"], beta=c.beta),
    IPOConfig: lambda c: lambda v: ipo_loss(
        v["policy_chosen"], v["policy_rejected"], v["reference_chosen"], v["reference_rejected"],
        v["chosen_lengths"], v["rejected_lengths"], beta=c.beta),
    DPOHingeConfig: lambda c: lambda v: hinge_loss(
        v["policy_chosen"], v["policy_rejected"], v["reference_chosen"], v["reference_rejected"], beta=c.beta),
    DPORobustConfig: _robust,
    FDPOConfig: lambda c: lambda v: f_dpo_loss(
        v["policy_chosen"], v["policy_rejected"], v["reference_chosen"], v["reference_rejected"], beta=c.beta,
        divergence=c.divergence, alpha=c.alpha),
    SimPOConfig: lambda c: lambda v: simpo_loss(
        v["policy_chosen"], v["policy_rejected"], v["chosen_lengths"], v["rejected_lengths"], beta=c.beta,
        gamma=c.gamma),
}
"""The loss of each method but BCO (whose loss also reads its running delta), by config class."""


class PreferenceOptimisation(Objective):
    """Per-pair losses summed and divided by the step's number of pairs; align/ metrics on the same scale.

    Metrics, each a mean over pairs: align/reward_chosen and align/reward_rejected (the implicit
    rewards), align/margin (their difference), align/accuracy (share of pairs whose chosen reward
    is the larger), align/logp_chosen and align/logp_rejected (policy log-probabilities summed
    over the response), and with a reference align/ref_logp_chosen, align/ref_logp_rejected and
    align/kl, the per-token log-ratio log pi - log pi_ref on the chosen responses (a Monte Carlo
    estimate of KL(pi || pi_ref) on the data's responses). BCO adds align/bco_delta.
    """

    def __init__(self, policy: torch.nn.Module, config: Any, *, reference: torch.nn.Module | None,
                 uses_reference: bool):
        self.policy = policy
        self.reference = reference
        self.uses_reference = uses_reference
        self.chunk_size = config.chunk_size
        self.beta = config.beta
        self.bco_delta = BCODelta() if isinstance(config, BCOConfig) else None
        self.pair_loss = None if isinstance(config, BCOConfig) else LOSSES[type(config)](config)

    def _values(self, model: torch.nn.Module, batch: PreferenceBatch) -> dict[str, torch.Tensor]:
        policy_chosen, policy_rejected = sequence_log_probs(model, batch, chunk_size=self.chunk_size)
        values = {"policy_chosen": policy_chosen, "policy_rejected": policy_rejected,
                  "chosen_lengths": batch.chosen_lengths.float(), "rejected_lengths": batch.rejected_lengths.float()}
        if self.uses_reference:
            if batch.reference_chosen is not None and batch.reference_rejected is not None:
                values["reference_chosen"] = batch.reference_chosen
                values["reference_rejected"] = batch.reference_rejected
            else:
                assert self.reference is not None, "no cached reference log-probabilities and no reference model"
                with torch.no_grad():
                    reference = sequence_log_probs(self.reference, batch, chunk_size=self.chunk_size)
                values["reference_chosen"], values["reference_rejected"] = (r.float() for r in reference)
        return values

    def _loss(self, values: dict[str, torch.Tensor], *, training: bool) -> PreferenceLoss:
        if self.bco_delta is None:
            return self.pair_loss(values)
        if training:
            # Delta includes the current batch's rewards, as in TRL: update first, then the loss. In a
            # data-parallel run every rank adds all ranks' rewards, so delta stays the same everywhere.
            total, count = BCODelta.batch_totals(self.beta * (values["policy_chosen"] - values["reference_chosen"]),
                                                 self.beta * (values["policy_rejected"] - values["reference_rejected"]))
            total, count = distributed.all_reduce_sum([total, count], distributed.ranks_from_environment())
            self.bco_delta.add(total, int(count))
        return bco_loss(values["policy_chosen"], values["policy_rejected"], values["reference_chosen"],
                        values["reference_rejected"], beta=self.beta, delta=self.bco_delta.value)

    def _sums(self, values: dict[str, torch.Tensor], result: PreferenceLoss) -> dict[str, float]:
        """Per-pair metrics summed over the batch (divided by a pair count by the caller)."""
        sums = {
            "reward_chosen": result.chosen_rewards.sum(),
            "reward_rejected": result.rejected_rewards.sum(),
            "margin": (result.chosen_rewards - result.rejected_rewards).sum(),
            "accuracy": (result.chosen_rewards > result.rejected_rewards).float().sum(),
            "logp_chosen": values["policy_chosen"].detach().sum(),
            "logp_rejected": values["policy_rejected"].detach().sum(),
        }
        if self.uses_reference:
            sums["ref_logp_chosen"] = values["reference_chosen"].sum()
            sums["ref_logp_rejected"] = values["reference_rejected"].sum()
            sums["kl"] = ((values["policy_chosen"].detach() - values["reference_chosen"])
                          / values["chosen_lengths"]).sum()
        return {name: float(value) for name, value in sums.items()}

    def loss(self, batch: PreferenceBatch, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        values = self._values(self.policy, batch)
        result = self._loss(values, training=True)
        metrics = {f"align/{name}": value / num_units for name, value in self._sums(values, result).items()}
        return result.losses.sum() / num_units, metrics

    def end_step(self, step: int, max_steps: int, values: dict[str, float]) -> dict[str, float]:
        return {"align/bco_delta": self.bco_delta.value} if self.bco_delta is not None else {}

    @torch.no_grad()
    def evaluate(self, model: torch.nn.Module, data: RunData, training: TrainingConfig) -> dict[str, float]:
        """eval/loss, eval/accuracy, eval/margin, eval/reward_chosen, eval/reward_rejected and, with a
        reference, eval/kl: means over the first eval_batches x batch_size validation pairs (BCO's
        delta is read, not updated)."""
        model.eval()
        device = next(model.parameters()).device
        totals: dict[str, float] = {}
        count = 0
        for batch in pair_batches(data.validation_blocks, training.batch_size,
                                  training.batch_size * training.eval_batches):
            values = self._values(model, batch.to(device))
            result = self._loss(values, training=False)
            for name, value in {"loss": float(result.losses.sum()), **self._sums(values, result)}.items():
                totals[name] = totals.get(name, 0.0) + value
            count += len(batch)
        model.train()
        reported = ("loss", "accuracy", "margin", "reward_chosen", "reward_rejected", "kl")
        return {f"eval/{name}": totals[name] / count for name in reported if name in totals}

    def state_dict(self) -> dict[str, Any]:
        if self.bco_delta is None:
            return {}
        return {"bco_delta_mean": self.bco_delta.mean, "bco_delta_count": self.bco_delta.count}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.bco_delta is not None and "bco_delta_mean" in state:
            self.bco_delta.mean, self.bco_delta.count = state["bco_delta_mean"], state["bco_delta_count"]


def _load_pairs(path: str, role: str, tokenizer: PreTrainedTokenizerBase, block_size: int,
                events: EventSink) -> tuple[PreferenceDataset, PreferencePairs]:
    dataset = read_preferences(path, role=role)
    pairs, description = tokenize_preferences(dataset, tokenizer, block_size)
    events.log("info", f"{role}: {description} from {dataset.path}")
    return dataset, pairs


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    training = config.training
    uses_reference = not isinstance(config, SimPOConfig)
    seed_everything(spec.seed)

    device = default_device()
    tokenizer = load_tokenizer(spec)
    policy = load_student(spec, tokenizer, training).to(device)
    if config.disable_dropout:
        disable_dropout(policy)
    check_run_models(spec, tokenizer, student=policy)
    check_output_layer_gives_logits(policy, "student")

    train_dataset, train_pairs = _load_pairs(spec.train_data.path, "training data", tokenizer, training.block_size,
                                             events)
    validation_pairs, prompts = None, []
    if spec.validation_data is not None:
        validation_dataset, validation_pairs = _load_pairs(spec.validation_data.path, "validation data", tokenizer,
                                                           training.block_size, events)
        prompts = preference_sample_prompts(validation_dataset, tokenizer, training.eval_samples)
    else:
        events.log("info", "no validation data: the eval/ metrics will not be reported")

    reference = None
    if uses_reference:
        dtype = inference_dtype(training)

        def reference_model() -> torch.nn.Module:
            model = load_reference(spec, tokenizer, dtype).to(device)
            check_run_models(spec, tokenizer, student=policy, reference=model)
            check_output_layer_gives_logits(model, "reference")
            return model

        events.log("info", f"reference: {describe_reference(spec)}")
        if config.reference_cache:
            splits = {"training": (train_pairs, train_dataset.sha256)}
            if validation_pairs is not None:
                splits["validation"] = (validation_pairs, validation_dataset.sha256)
            attached = attach_cached_reference(
                splits, reference_model, identity=reference_identity(spec), describe=describe_reference(spec),
                tokenizer=tokenizer, block_size=training.block_size, dtype=dtype, batch_size=training.batch_size,
                chunk_size=config.chunk_size, autocast=training.mixed_precision == "bf16", events=events,
            )
            train_pairs = attached["training"]
            validation_pairs = attached.get("validation")
        else:
            reference = reference_model()

    objective = PreferenceOptimisation(policy, config, reference=reference, uses_reference=uses_reference)
    return Trainer(
        spec=spec, training=training, model=policy, tokenizer=tokenizer,
        data=RunData(train_pairs, validation_pairs, prompts), objective=objective, events=events, cancel=cancel,
    ).fit()
