"""Log-probabilities of the label tokens, computed chunk by chunk from the final hidden states.

Sequence-level objectives (DPO and its family, GRPO, the KL penalty to a reference) only need
log pi(y_t | y_<t) of the tokens that are there, not the whole distribution. Computing it from the
full (tokens x vocabulary) logits would hold them, and their gradient, for the whole batch; here
each chunk of tokens gets its logits, log-softmax and gather inside a checkpointed function, so the
forward pass keeps only the gathered values and the backward pass recomputes one chunk's logits at
a time. Peak memory is one chunk's logits instead of the batch's, for one extra matmul per chunk.
When the output layer is frozen (a LoRA policy), the gradient for the hidden states is computed in
the forward pass instead (_FrozenHeadLogProbs), which saves that recomputation.
"""

from typing import Any

import torch
from torch.nn import functional as F
from torch.utils.checkpoint import checkpoint

from engine.core.losses import IGNORE_INDEX
from engine.models import output_layer, soft_cap


def _chunk_log_probs(hidden: torch.Tensor, labels: torch.Tensor, weight: torch.Tensor,
                     bias: torch.Tensor | None, softcap: float | None, temperature: float = 1.0) -> torch.Tensor:
    logits = soft_cap(F.linear(hidden, weight, bias).float(), softcap)
    if temperature != 1.0:
        logits = logits / temperature
    return logits.gather(-1, labels[:, None]).squeeze(-1) - torch.logsumexp(logits, dim=-1)


class _FrozenHeadLogProbs(torch.autograd.Function):
    """Label log-probabilities through a frozen output layer, with their gradient for the hidden
    states computed in the forward pass, chunk by chunk (the "fused linear" idea of Liger-Kernel's
    chunked losses, possible here because nothing but the hidden states needs a gradient).

    At temperature T, log p(y | h) = log_softmax((h W^T + b) / T)[y] and
    d log p(y | h) / d h = (W[y] - softmax((h W^T + b) / T) W) / T, one more matmul per chunk in the forward
    and none in the backward, instead of recomputing each chunk's logits there (the checkpointed
    path): about a third less output-layer work per training step. Saved: one vector per token
    of the hidden size, as the hidden states themselves. With soft-capped logits s = c tanh(z / c),
    each row of W enters scaled by ds/dz = 1 - tanh(z / c)^2.
    """

    @staticmethod
    def forward(ctx: Any, values: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                targets: torch.Tensor, chunk_size: int, softcap: float | None,
                temperature: float) -> torch.Tensor:  # type: ignore[override]
        log_probs = torch.empty(targets.shape[0], dtype=torch.float32, device=values.device)
        gradients = torch.empty_like(values)
        for start in range(0, targets.shape[0], chunk_size):
            rows = slice(start, start + chunk_size)
            logits = F.linear(values[rows], weight, bias).float()
            if softcap is not None:
                squashed = torch.tanh(logits / softcap)
                logits, cap_slope = squashed * softcap, 1.0 - squashed**2
            if temperature != 1.0:
                logits = logits / temperature
            log_normaliser = torch.logsumexp(logits, dim=-1)
            log_probs[rows] = logits.gather(-1, targets[rows, None]).squeeze(-1) - log_normaliser
            # d log p(y) / dz_v = (1[v = y] - p_v) / T * ds_v/dz_v
            coefficients = -(logits - log_normaliser[:, None]).exp()
            coefficients.scatter_add_(-1, targets[rows, None], torch.ones_like(coefficients[:, :1]))
            if softcap is not None:
                coefficients *= cap_slope
            if temperature != 1.0:
                coefficients /= temperature
            gradients[rows] = (coefficients @ weight.float()).to(values.dtype)
        ctx.save_for_backward(gradients)
        return log_probs

    @staticmethod
    def backward(ctx: Any, upstream: torch.Tensor) -> tuple[torch.Tensor | None, ...]:  # type: ignore[override]
        (gradients,) = ctx.saved_tensors
        return upstream[:, None].to(gradients.dtype) * gradients, None, None, None, None, None, None


def output_weight_and_bias(model: torch.nn.Module) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The output layer's weight and bias (engine.models.output_layer; soft-capping comes from
    engine.models.logit_softcap)."""
    head = output_layer(model)
    return head.weight, head.bias


def token_log_probs(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    labels: torch.Tensor,
    *,
    chunk_size: int,
    softcap: float | None = None,
    temperature: float = 1.0,
) -> torch.Tensor:
    """(B, L) float32 log-probabilities of `labels` under softmax(s / temperature), s = hidden @ weight.T + bias,
    soft-capped to c * tanh(s / c) first when `softcap` is c (Gemma 2 and 3).

    `temperature` is the one the tokens were sampled at (GRPO scores its rollouts at it); 1 for
    everything else.

    hidden is (B, L, d), labels (B, L) with IGNORE_INDEX where a position has no target; those
    positions get 0, so `.sum(-1)` is a sequence's log-probability over its target tokens.
    Gradients flow to hidden, weight and bias; with torch.no_grad() nothing is checkpointed.
    """
    batch, length, width = hidden.shape
    flat_labels = labels.reshape(-1)
    positions = (flat_labels != IGNORE_INDEX).nonzero().squeeze(1)
    values = hidden.reshape(-1, width)[positions]
    targets = flat_labels[positions]
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    frozen_head = not weight.requires_grad and (bias is None or not bias.requires_grad)
    if torch.is_grad_enabled() and hidden.requires_grad and frozen_head and targets.shape[0]:
        # A LoRA policy (or any frozen output layer): gradients in the forward, no recomputation.
        result = torch.zeros(batch * length, dtype=torch.float32, device=hidden.device)
        picked = _FrozenHeadLogProbs.apply(values, weight, bias, targets, chunk_size, softcap, temperature)
        return result.index_put((positions,), picked).view(batch, length)
    pieces = []
    for start in range(0, targets.shape[0], chunk_size):
        rows = slice(start, start + chunk_size)
        if torch.is_grad_enabled() and (hidden.requires_grad or weight.requires_grad):
            pieces.append(checkpoint(_chunk_log_probs, values[rows], targets[rows], weight, bias, softcap,
                                     temperature, use_reentrant=False))
        else:
            pieces.append(_chunk_log_probs(values[rows], targets[rows], weight, bias, softcap, temperature))
    if not pieces:
        # No target at all: zeros that still belong to the graph, so backward gives zero gradients.
        return hidden.float().sum(-1) * 0.0
    result = torch.zeros(batch * length, dtype=torch.float32, device=hidden.device)
    return result.index_put((positions,), torch.cat(pieces)).view(batch, length)
