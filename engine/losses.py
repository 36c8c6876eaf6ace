"""Training objectives as pure functions of logits and labels.

Conventions shared by every loss here:
- `logits[..., i, :]` is the prediction for `labels[..., i]`: the caller aligns them (the data
  pipeline already stores each position's next token as its label).
- A label of IGNORE_INDEX (-100) marks a position without a target (padding, the end of a block);
  it contributes nothing to the value or the gradient.
- Reduction is the mean over real (unmasked) tokens; a batch without any real token gives 0, not NaN.
- Softmaxes are computed in at least float32 whatever the logits' dtype.
"""

from typing import NamedTuple

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100


def _at_least_float32(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.to(torch.promote_types(tensor.dtype, torch.float32))


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy, mean over real tokens.

    Args:
        logits: (..., V) unnormalised scores, aligned with `labels`.
        labels: (...) gold token ids; IGNORE_INDEX positions are masked out.

    Returns:
        Scalar: sum over real tokens of -log softmax(logits)[label], divided by their count
        (0 when there is none).
    """
    vocab_size = logits.shape[-1]
    token_losses = F.cross_entropy(
        _at_least_float32(logits).reshape(-1, vocab_size), labels.reshape(-1),
        ignore_index=IGNORE_INDEX, reduction="sum",
    )
    return token_losses / (labels != IGNORE_INDEX).sum().clamp(min=1)


class DistillationLoss(NamedTuple):
    loss: torch.Tensor
    """The objective to minimise: alpha * ce + (1 - alpha) * T^2 * kl."""
    ce: torch.Tensor
    """Cross-entropy of the student (at temperature 1) on the gold labels, mean over real tokens."""
    kl: torch.Tensor
    """KL(p_teacher^T || p_student^T) at temperature T, mean over real tokens, without the T^2 factor."""


def forward_kl_distillation_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    *,
    alpha: float,
    temperature: float,
) -> DistillationLoss:
    """Soft-target knowledge distillation with the forward KL divergence.

    Hinton, Vinyals, Dean, "Distilling the Knowledge in a Neural Network", 2015,
    arXiv:1503.02531, section 2: the student matches the teacher's distribution softened by a
    temperature T, and the soft-target term is multiplied by T^2 because its gradients scale as
    1/T^2. Per real token t, with p = softmax(z_teacher / T) and q = softmax(z_student / T):

        kl_t = sum_v p_v (log p_v - log q_v)            (KL(p || q), "forward": mode covering)
        ce_t = -log softmax(z_student)[y_t]              (temperature 1)
        loss = alpha * mean_t ce_t + (1 - alpha) * T^2 * mean_t kl_t

    alpha weighs the gold-label term, so alpha = 1 is plain LM training and alpha = 0 pure
    distillation. The T^2 factor follows the paper for every T (at T = 1, the usual choice for
    language models, it is 1).

    Args:
        student_logits: (B, L, V) or (N, V) student scores, aligned with `labels`.
        teacher_logits: same shape as `student_logits`. Pass them detached (computed under
            torch.no_grad): this function does not stop their gradient.
        labels: (B, L) or (N,) gold next tokens; IGNORE_INDEX marks padding, which is excluded
            from both terms.
        alpha: weight of the cross-entropy, in [0, 1].
        temperature: T > 0.

    Returns:
        DistillationLoss(loss, ce, kl), each a scalar mean over real tokens (0 when the batch has
        none). The KL term is computed in at least float32.
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(
            f"student logits {tuple(student_logits.shape)} and teacher logits "
            f"{tuple(teacher_logits.shape)} differ in shape; both models must see the same tokens "
            "and share one vocabulary"
        )
    mask = labels != IGNORE_INDEX
    real_tokens = mask.sum().clamp(min=1)

    student_log_probs = F.log_softmax(_at_least_float32(student_logits) / temperature, dim=-1)
    teacher_log_probs = F.log_softmax(_at_least_float32(teacher_logits) / temperature, dim=-1)
    token_kl = (teacher_log_probs.exp() * (teacher_log_probs - student_log_probs)).sum(dim=-1)
    kl = torch.where(mask, token_kl, torch.zeros_like(token_kl)).sum() / real_tokens

    ce = causal_lm_loss(student_logits, labels)
    loss = alpha * ce + (1.0 - alpha) * temperature**2 * kl
    return DistillationLoss(loss=loss, ce=ce, kl=kl)
