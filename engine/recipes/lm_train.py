"""lm_train: causal language-model training on text (next-token cross-entropy)."""

import threading

import torch

from engine.config import LMTrainConfig, RunSpec
from engine.data import Batch
from engine.events import EventSink
from engine.losses import causal_lm_loss
from engine.models import check_block_size, load_student, load_tokenizer
from engine.training import RunResult, default_device, prepare_text_data, seed_everything, train


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, LMTrainConfig)
    training = config.training
    seed_everything(spec.seed)

    tokenizer = load_tokenizer(spec)
    model = load_student(spec, tokenizer).to(default_device())
    check_block_size(model, training.block_size, "student")
    train_blocks, validation_blocks = prepare_text_data(spec, tokenizer, training.block_size, events)

    def compute_loss(batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        return causal_lm_loss(logits, batch.labels), {}

    return train(
        spec=spec, training=training, model=model, tokenizer=tokenizer, train_blocks=train_blocks,
        validation_blocks=validation_blocks, compute_loss=compute_loss, events=events, cancel=cancel,
    )
