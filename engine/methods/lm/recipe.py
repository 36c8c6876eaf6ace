"""lm_train: causal language-model training (next-token cross-entropy on the target tokens)."""

import threading

import torch

from engine.core.data import Batch
from engine.core.losses import causal_lm_loss
from engine.core.objective import Objective, RunResult, prepare_data
from engine.core.training import Trainer, default_device, seed_everything
from engine.events import EventSink
from engine.methods.lm.config import LMTrainConfig
from engine.core.model_checks import check_run_models
from engine.models import load_student, load_tokenizer
from engine.spec import RunSpec


class LanguageModelling(Objective):
    def __init__(self, model: torch.nn.Module):
        self.model = model

    def loss(self, batch: Batch, num_tokens: int) -> tuple[torch.Tensor, dict[str, float]]:
        logits = self.model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        return causal_lm_loss(logits, batch.labels, num_tokens), {}


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, LMTrainConfig)
    training = config.training
    seed_everything(spec.seed)

    tokenizer = load_tokenizer(spec)
    model = load_student(spec, tokenizer, training).to(default_device())
    check_run_models(spec, tokenizer, student=model)
    data = prepare_data(spec, tokenizer, training, events)
    return Trainer(
        spec=spec, training=training, model=model, tokenizer=tokenizer, data=data,
        objective=LanguageModelling(model), events=events, cancel=cancel,
    ).fit()
