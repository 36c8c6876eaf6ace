"""Distillation losses computed chunk by chunk from final hidden states and output layers.

Full logits of a student and a teacher for T tokens and a vocabulary of V cost T x V numbers each,
plus probabilities and gradients of the same size: at 2,048 tokens and V = 128k that is gigabytes
for a model whose own weights may be far smaller. Following the fused-linear approach of
Liger-Kernel (`chunked_loss/fused_linear_distillation.py`), the loss takes the models' final hidden
states and output layers instead and, for one chunk of tokens at a time, computes the logits, the
loss terms and their gradient with respect to the student's hidden states and output weight, then
frees the chunk. The gradients are exact (the same math as `engine.methods.distillation.losses.distillation_loss`, only
summed in another order) and are computed during the forward pass, so the backward pass only
scales them: no logit matmul is done twice, and at most one chunk of logits lives at a time.
"""

import torch
from torch import nn

from engine.core.losses import IGNORE_INDEX, token_normaliser
from engine.methods.distillation.losses import (
    DistillationLoss,
    DistillationSettings,
    teacher_log_probabilities,
    token_losses,
)
from engine.models import SoftCappedLinear, soft_cap


def _accumulate_product(total: torch.Tensor, left: torch.Tensor, right: torch.Tensor) -> None:
    """total += left @ right, accumulated in total's (wider) dtype."""
    if left.dtype == total.dtype:
        total.addmm_(left, right)
    else:
        total.add_(left @ right)


def _linear_into(
    out: torch.Tensor, inputs: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None
) -> torch.Tensor:
    """inputs @ weight.T + bias, written into `out`."""
    torch.mm(inputs, weight.T, out=out)
    return out if bias is None else out.add_(bias)


class _ChunkedDistillation(torch.autograd.Function):
    """Loss value and its gradients in one pass over token chunks; backward scales them."""

    @staticmethod
    def forward(  # type: ignore[override]
        ctx,
        student_hidden: torch.Tensor,
        student_weight: torch.Tensor,
        student_bias: torch.Tensor | None,
        teacher_hidden: torch.Tensor,
        teacher_weight: torch.Tensor,
        teacher_bias: torch.Tensor | None,
        labels: torch.Tensor,
        settings: DistillationSettings,
        chunk_size: int,
        normaliser: int | torch.Tensor,
        matmul_dtype: torch.dtype,
        student_softcap: float | None,
        teacher_softcap: float | None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        wants_hidden, wants_weight, wants_bias = ctx.needs_input_grad[:3]
        wants_gradient = wants_hidden or wants_weight or wants_bias
        accumulate_dtype = torch.promote_types(student_weight.dtype, torch.float32)
        grad_hidden = torch.empty_like(student_hidden) if wants_hidden else None
        grad_weight = torch.zeros_like(student_weight, dtype=accumulate_dtype) if wants_weight else None
        grad_bias = torch.zeros_like(student_bias, dtype=accumulate_dtype) if wants_bias else None
        ce_total = student_hidden.new_zeros((), dtype=accumulate_dtype)
        divergence_total = torch.zeros_like(ce_total)

        weight = student_weight.to(matmul_dtype)
        bias = student_bias.to(matmul_dtype) if student_bias is not None else None
        # Every chunk's logits are written into the same two buffers, and the teacher's log-
        # probabilities are computed in place, instead of in fresh (chunk x vocab) tensors: on a
        # CPU each fresh tensor of that size costs the kernel a page fault per 4 KiB.
        rows_per_chunk = min(chunk_size, student_hidden.shape[0])
        logits_buffer = student_hidden.new_empty((rows_per_chunk, weight.shape[0]), dtype=matmul_dtype)
        teacher_buffer = teacher_weight.new_empty((rows_per_chunk, teacher_weight.shape[0]))
        # The caller's autocast would pick the dtypes of these matmuls; they are chosen explicitly.
        with torch.autocast(student_hidden.device.type, enabled=False):
            for start in range(0, student_hidden.shape[0], chunk_size):
                rows = slice(start, start + chunk_size)
                hidden = student_hidden[rows].to(matmul_dtype)
                count = hidden.shape[0]
                teacher_logits = _linear_into(teacher_buffer[:count], teacher_hidden[rows].to(teacher_weight.dtype),
                                              teacher_weight, teacher_bias)
                if teacher_softcap is not None:
                    teacher_logits.div_(teacher_softcap).tanh_().mul_(teacher_softcap)
                teacher_log_probs = teacher_log_probabilities(teacher_logits, settings, overwrite=True)
                logits = _linear_into(logits_buffer[:count], hidden, weight, bias)
                logits = logits.detach().requires_grad_(wants_gradient)
                with torch.enable_grad():
                    ce, divergence = token_losses(soft_cap(logits, student_softcap), teacher_log_probs, labels[rows],
                                                  settings)
                    ce, divergence = ce.sum(), divergence.sum()
                    chunk_loss = (settings.alpha * ce + settings.divergence_weight * divergence) / normaliser
                    if wants_gradient:
                        (grad_logits,) = torch.autograd.grad(chunk_loss, logits)
                ce_total += ce.detach()
                divergence_total += divergence.detach()
                if grad_hidden is not None:
                    grad_hidden[rows] = grad_logits @ weight
                if grad_weight is not None:
                    _accumulate_product(grad_weight, grad_logits.T, hidden)
                if grad_bias is not None:
                    grad_bias += grad_logits.sum(0)

        ctx.save_for_backward(grad_hidden, grad_weight, grad_bias)
        ctx.hidden_dtype, ctx.weight_dtype = student_hidden.dtype, student_weight.dtype
        ce_total, divergence_total = ce_total / normaliser, divergence_total / normaliser
        loss = settings.alpha * ce_total + settings.divergence_weight * divergence_total
        ctx.mark_non_differentiable(ce_total, divergence_total)
        return loss, ce_total, divergence_total

    @staticmethod
    def backward(  # type: ignore[override]
        ctx, grad_loss: torch.Tensor, _grad_ce: torch.Tensor, _grad_divergence: torch.Tensor
    ):
        grad_hidden, grad_weight, grad_bias = ctx.saved_tensors

        def scaled(gradient: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
            return None if gradient is None else (gradient * grad_loss).to(dtype)

        return (
            scaled(grad_hidden, ctx.hidden_dtype), scaled(grad_weight, ctx.weight_dtype),
            scaled(grad_bias, ctx.weight_dtype), None, None, None, None, None, None, None, None, None, None,
        )


def _weight_bias_and_softcap(head: nn.Module, role: str) -> tuple[torch.Tensor, torch.Tensor | None, float | None]:
    if isinstance(head, SoftCappedLinear):
        return head.weight, head.bias, head.softcap
    if not isinstance(head, nn.Linear):
        raise ValueError(
            f"the {role}'s output layer is a {type(head).__name__}, not a plain linear layer: the "
            "chunked distillation loss multiplies hidden states by its weight itself (do not put "
            "LoRA adapters on the output layer)"
        )
    return head.weight, head.bias, None


def chunked_distillation_loss(
    student_hidden: torch.Tensor,
    student_head: nn.Module,
    teacher_hidden: torch.Tensor,
    teacher_head: nn.Module,
    labels: torch.Tensor,
    settings: DistillationSettings,
    *,
    chunk_size: int,
    num_tokens: int | None = None,
    vocab_size: int | None = None,
) -> DistillationLoss:
    """`engine.methods.distillation.losses.distillation_loss` of head(hidden) for both models, without full logits.

    Same definition, masking and reduction: per real token, alpha * cross-entropy + (1 - alpha) *
    [T^2] * divergence, summed over the real tokens (labels != IGNORE_INDEX) and divided by
    num_tokens, the real tokens of the whole optimizer step (default: those of `labels`), so that
    gradient accumulation gives the gradient of the mean over every real token of the step. Only
    real tokens are projected to the vocabulary, chunk_size at a time; a batch without any gives 0.

    With `vocab_size` V (the tokenizer's size), both distributions are over token ids 0..V-1 only:
    the output layers are cut to their first V rows before the matmul, so rows a checkpoint pads its
    embedding with (Qwen2.5 7B has 152,064 rows for 151,665 tokens, 0.5B 151,936) never enter a
    softmax, and models padded differently compare exactly. Without it both layers must have the
    same number of rows.

    Gradients flow to `student_hidden` and to the student head's weight and bias (exactly, not
    approximately); the teacher's hidden states and head are constants (compute them under
    torch.no_grad, in the teacher's inference dtype). Student logits are computed in the autocast
    dtype when autocast is on (as nn.Linear would be), else in the hidden states' dtype; teacher
    logits in the teacher's dtype; softmaxes in at least float32.

    Args:
        student_hidden: (B, L, d_s) or (N, d_s) final hidden states (after the final norm).
        student_head: the student's output layer (engine.models.output_layer): an nn.Linear (V, d_s),
            or a SoftCappedLinear whose logits c * tanh(z / c) the loss uses (Gemma 2 and 3).
        teacher_hidden: (B, L, d_t) or (N, d_t), same positions.
        teacher_head: the teacher's output layer, likewise (V_t, d_t).
        labels: (B, L) or (N,) gold next tokens, IGNORE_INDEX where masked.
        settings: divergence, alpha, temperature, T^2 switch, standardisation.
        chunk_size: tokens per chunk; peak memory grows with chunk_size x V.
        num_tokens: the divisor (see above).
        vocab_size: the shared vocabulary (see above); labels must be below it.

    Returns:
        DistillationLoss(loss, ce, divergence); only `loss` carries a gradient.
    """
    student_weight, student_bias, student_softcap = _weight_bias_and_softcap(student_head, "student")
    teacher_weight, teacher_bias, teacher_softcap = _weight_bias_and_softcap(teacher_head, "teacher")
    if vocab_size is not None:
        if min(student_weight.shape[0], teacher_weight.shape[0]) < vocab_size:
            raise ValueError(
                f"the vocabulary has {vocab_size} tokens but the student's output layer has "
                f"{student_weight.shape[0]} rows and the teacher's {teacher_weight.shape[0]}: both need one per token"
            )
        student_weight, teacher_weight = student_weight[:vocab_size], teacher_weight[:vocab_size]
        student_bias = student_bias[:vocab_size] if student_bias is not None else None
        teacher_bias = teacher_bias[:vocab_size] if teacher_bias is not None else None
    elif student_weight.shape[0] != teacher_weight.shape[0]:
        raise ValueError(
            f"the student's output layer has {student_weight.shape[0]} rows and the teacher's "
            f"{teacher_weight.shape[0]}: give vocab_size (the tokenizer's size) to compare them over the "
            "tokens both share"
        )
    labels = labels.reshape(-1)
    real = labels != IGNORE_INDEX
    device_type = student_hidden.device.type
    matmul_dtype = (
        torch.get_autocast_dtype(device_type) if torch.is_autocast_enabled(device_type) else student_hidden.dtype
    )
    loss, ce, divergence = _ChunkedDistillation.apply(
        student_hidden.reshape(-1, student_hidden.shape[-1])[real],
        student_weight,
        student_bias,
        teacher_hidden.reshape(-1, teacher_hidden.shape[-1])[real].detach(),
        teacher_weight.detach(),
        teacher_bias.detach() if teacher_bias is not None else None,
        labels[real],
        settings,
        chunk_size,
        token_normaliser(labels, num_tokens),
        matmul_dtype,
        student_softcap,
        teacher_softcap,
    )
    return DistillationLoss(loss, ce, divergence)
