"""kd_forward_kl: distil a frozen teacher into the student with the forward KL (Hinton et al. 2015)."""

import threading

import torch

from engine.config import KDForwardKLConfig, RunSpec
from engine.data import Batch
from engine.events import EventSink
from engine.losses import forward_kl_distillation_loss
from engine.models import check_block_size, check_same_vocabulary, load_student, load_teacher, load_tokenizer
from engine.training import RunResult, default_device, prepare_text_data, seed_everything, train


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, KDForwardKLConfig)
    training = config.training
    seed_everything(spec.seed)

    device = default_device()
    tokenizer = load_tokenizer(spec)
    student = load_student(spec, tokenizer).to(device)
    teacher = load_teacher(spec, tokenizer).to(device)
    check_same_vocabulary(teacher, student)
    check_block_size(student, training.block_size, "student")
    check_block_size(teacher, training.block_size, "teacher")
    train_blocks, validation_blocks = prepare_text_data(spec, tokenizer, training.block_size, events)

    def compute_loss(batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        student_logits = student(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        with torch.no_grad():
            teacher_logits = teacher(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits
        kd = forward_kl_distillation_loss(
            student_logits, teacher_logits, batch.labels, alpha=config.alpha, temperature=config.temperature
        )
        return kd.loss, {"kd/kl": kd.kl.item(), "kd/ce": kd.ce.item()}

    return train(
        spec=spec, training=training, model=student, tokenizer=tokenizer, train_blocks=train_blocks,
        validation_blocks=validation_blocks, compute_loss=compute_loss, events=events, cancel=cancel,
    )
