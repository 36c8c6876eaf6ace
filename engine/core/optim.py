"""The optimizer and the learning-rate schedule every recipe trains with."""

import math

import torch

from engine.spec import TrainingConfig


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
