"""Token-level logit distillation from a frozen teacher that shares the student's vocabulary.

One recipe for the divergence family (kd_forward_kl, kd_reverse_kl, kd_jsd, kd_tvd,
kd_skew_forward_kl, kd_skew_reverse_kl) and TAID: each method is its config class mapped to the
divergence it minimises, in OBJECTIVES. The loss is computed chunk by chunk from the models' final
hidden states (engine.methods.distillation.chunked), so full logits of the two models are never held at once.
"""

import math
import threading
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

import torch

from engine.core.data import Batch
from engine.core.evaluation import evaluate
from engine.core.model_checks import check_run_models
from engine.core.objective import Objective, RunData, RunResult, prepare_data
from engine.core.training import Trainer, default_device, inference_dtype, seed_everything
from engine.events import EventSink
from engine.methods.distillation.chunked import chunked_distillation_loss
from engine.methods.distillation.config import (
    KDForwardKLConfig,
    KDJSDConfig,
    KDReverseKLConfig,
    KDSkewForwardKLConfig,
    KDSkewReverseKLConfig,
    KDTAIDConfig,
    KDTVDConfig,
    LogitDistillationConfig,
)
from engine.methods.distillation.losses import (
    DistillationSettings,
    TokenDivergence,
    forward_kl,
    generalized_jsd,
    reverse_kl,
    skew_forward_kl,
    skew_reverse_kl,
    taid_cross_entropy,
    total_variation,
)
from engine.models import (
    check_output_layer_gives_logits,
    final_hidden_states,
    load_student,
    load_teacher,
    load_tokenizer,
    output_layer,
)
from engine.spec import RunSpec, TrainingConfig


class LogitDistillation(Objective):
    """alpha * CE + (1 - alpha) * [T^2] * divergence, reported as kd/ce and kd/<divergence>."""

    def __init__(self, student: torch.nn.Module, teacher: torch.nn.Module, config: LogitDistillationConfig,
                 divergence: TokenDivergence, metric: str, *, vocab_size: int):
        self.student, self.teacher = student, teacher
        self.vocab_size = vocab_size
        self.chunk_size = config.chunk_size
        self.metric = metric
        self.settings = DistillationSettings(
            divergence=divergence, alpha=config.alpha, temperature=config.temperature,
            temperature_squared=config.temperature_squared, standardize=config.standardize_logits,
        )

    def current_settings(self) -> DistillationSettings:
        return self.settings

    def loss(self, batch: Batch, num_tokens: int) -> tuple[torch.Tensor, dict[str, float]]:
        hidden = final_hidden_states(self.student, batch.input_ids, batch.attention_mask)
        with torch.no_grad():
            teacher_hidden = final_hidden_states(self.teacher, batch.input_ids, batch.attention_mask)
        kd = chunked_distillation_loss(
            hidden, output_layer(self.student), teacher_hidden, output_layer(self.teacher),
            batch.labels, self.current_settings(), chunk_size=self.chunk_size, num_tokens=num_tokens,
            vocab_size=self.vocab_size,
        )
        return kd.loss, {"kd/ce": kd.ce.item(), self.metric: kd.divergence.item()}


@dataclass
class TAIDSchedule:
    """TAID's interpolation weight t (METHODS.md section 6, as in SakanaAI/TAID's `update_t`).

    After each step with distillation loss J: the first step only records J; later ones update
    the momentum m <- beta m + (1 - beta) (J_prev - J) / (J_prev + 1e-15) and set
    t <- min(t_end, max(t_linear, t + alpha sigmoid(m) (1 - t))), with t_linear = t_start +
    (t_end - t_start) * step_index / max_steps and step_index the 0-based index of the step that
    gave J (the official code's global_step). So t never falls and never lags the linear schedule.
    """

    t_start: float
    t_end: float
    adapt_rate: float
    momentum_decay: float
    t: float
    momentum: float = 0.0
    previous_loss: float | None = None

    def update(self, loss: float, step_index: int, max_steps: int) -> None:
        if self.previous_loss is None:
            self.previous_loss = loss
            return
        relative_change = (self.previous_loss - loss) / (self.previous_loss + 1e-15)
        self.momentum = self.momentum_decay * self.momentum + (1 - self.momentum_decay) * relative_change
        increase = self.adapt_rate * (1 / (1 + math.exp(-self.momentum))) * (1 - self.t)
        linear = self.t_start + (self.t_end - self.t_start) * step_index / max_steps
        self.t = min(self.t_end, max(linear, self.t + increase))
        self.previous_loss = loss


class TAIDDistillation(LogitDistillation):
    """TAID: the divergence is the cross-entropy against softmax((1 - t) sg(z_s) + t z_t), t adaptive."""

    def __init__(self, student: torch.nn.Module, teacher: torch.nn.Module, config: KDTAIDConfig, *,
                 vocab_size: int):
        super().__init__(student, teacher, config, partial(taid_cross_entropy, t=config.t_start), "kd/taid_ce",
                         vocab_size=vocab_size)
        self.schedule = TAIDSchedule(
            t_start=config.t_start, t_end=config.t_end, adapt_rate=config.t_adapt_rate,
            momentum_decay=config.t_momentum, t=config.t_start,
        )

    def current_settings(self) -> DistillationSettings:
        return replace(self.settings, divergence=partial(taid_cross_entropy, t=self.schedule.t))

    def end_step(self, step: int, max_steps: int, values: dict[str, float]) -> dict[str, float]:
        t_of_this_step = self.schedule.t
        self.schedule.update(values[self.metric], step - 1, max_steps)
        return {"kd/taid_t": t_of_this_step}

    def state_dict(self) -> dict[str, Any]:
        return {"t": self.schedule.t, "momentum": self.schedule.momentum, "previous_loss": self.schedule.previous_loss}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.schedule.t, self.schedule.momentum = state["t"], state["momentum"]
        self.schedule.previous_loss = state["previous_loss"]


def _divergence_method(divergence: Callable[[Any], TokenDivergence], metric: str) -> Callable[..., Objective]:
    def build(student: torch.nn.Module, teacher: torch.nn.Module, config: Any, *, vocab_size: int) -> Objective:
        return LogitDistillation(student, teacher, config, divergence(config), metric, vocab_size=vocab_size)
    return build


OBJECTIVES: dict[type, Callable[..., Objective]] = {
    KDForwardKLConfig: _divergence_method(lambda config: forward_kl, "kd/kl"),
    KDReverseKLConfig: _divergence_method(lambda config: reverse_kl, "kd/reverse_kl"),
    KDJSDConfig: _divergence_method(lambda config: partial(generalized_jsd, beta=config.beta), "kd/jsd"),
    KDTVDConfig: _divergence_method(lambda config: total_variation, "kd/tvd"),
    KDSkewForwardKLConfig: _divergence_method(lambda config: partial(skew_forward_kl, skew=config.skew), "kd/skew_kl"),
    KDSkewReverseKLConfig: _divergence_method(
        lambda config: partial(skew_reverse_kl, skew=config.skew), "kd/skew_reverse_kl"
    ),
    KDTAIDConfig: TAIDDistillation,
}
"""The objective of each distillation method, by its config class: (student, teacher, config, *, vocab_size),
vocab_size the tokenizer's size, the token ids both models' distributions are compared over."""


def report_teacher_evaluation(teacher: torch.nn.Module, data: RunData, training: TrainingConfig, chunk_size: int,
                              events: EventSink) -> None:
    """The teacher's own eval/ metrics on the run's validation data, at step 0, as eval/teacher/*.

    Same batches and metrics as the student's evaluation, so the UI can put the student between
    the teacher and a student trained without one and show the share of the gap a run closed.
    """
    metrics = evaluate(teacher, data.validation_blocks, batch_size=training.batch_size,
                       max_batches=training.eval_batches, chunk_size=chunk_size)
    events.metric(0, {name.replace("eval/", "eval/teacher/", 1): value for name, value in metrics.items()})


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, LogitDistillationConfig)
    training = config.training
    seed_everything(spec.seed)

    device = default_device()
    tokenizer = load_tokenizer(spec)
    student = load_student(spec, tokenizer, training).to(device)
    teacher = load_teacher(spec, tokenizer, inference_dtype(training)).to(device)
    check_run_models(spec, tokenizer, student=student, teacher=teacher)
    for model, role in ((student, "student"), (teacher, "teacher")):
        check_output_layer_gives_logits(model, role)
    data = prepare_data(spec, tokenizer, training, events)
    if data.validation_blocks is not None and spec.resume_from is None:
        report_teacher_evaluation(teacher, data, training, config.chunk_size, events)
    objective = OBJECTIVES[type(config)](student, teacher, config, vocab_size=len(tokenizer))
    return Trainer(
        spec=spec, training=training, model=student, tokenizer=tokenizer, data=data,
        objective=objective, events=events, cancel=cancel,
    ).fit()
