"""Token-level logit distillation: divergences between the teacher's and the student's next-token
distributions, on the loss conventions of engine.core.losses.

Distillation compares the student's and the teacher's next-token distributions id by id, so both
models must share a vocabulary. A divergence below is only its per-token math on log-probabilities;
the temperature, logit standardisation, the cross-entropy mix and the reduction are applied once, in
`teacher_log_probabilities` and `token_losses`, for every divergence. Two implementations use it:
`distillation_loss` on full logits (simple, the reference) and
`engine.methods.distillation.chunked.chunked_distillation_loss`, which never materialises the full logits.
"""

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import torch

from engine.core.losses import IGNORE_INDEX, at_least_float32, token_normaliser

TokenDivergence = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
"""(student_log_probs (N, V), teacher_log_probs (N, V)) -> per-token divergence (N,)."""


# --- Divergences: per-token math on log-probabilities at temperature T. -----------------------
# p = teacher, q = student. Each returns (N,) from (N, V) inputs and is differentiable in the
# student's log-probabilities; the teacher's are constants.


def forward_kl(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """KL(p || q) = sum_v p_v (log p_v - log q_v): mode covering (Hinton et al. 2015)."""
    return (teacher.exp() * (teacher - student)).sum(-1)


def reverse_kl(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """KL(q || p) = sum_v q_v (log q_v - log p_v): mode seeking (as in MiniLLM, Gu et al. 2024)."""
    return (student.exp() * (student - teacher)).sum(-1)


def _log(weight: float) -> float:
    return math.log(weight) if weight > 0 else -math.inf


def _log_mixture(teacher: torch.Tensor, teacher_weight: float, student: torch.Tensor) -> torch.Tensor:
    """log(w p + (1 - w) q), computed in log space so that tiny probabilities do not underflow."""
    return torch.logaddexp(teacher + _log(teacher_weight), student + _log(1.0 - teacher_weight))


def generalized_jsd(student: torch.Tensor, teacher: torch.Tensor, *, beta: float) -> torch.Tensor:
    """Generalised Jensen-Shannon divergence of GKD (Agarwal et al. 2024, arXiv:2306.13649, eq. 2).

    JSD_beta = beta KL(p || m) + (1 - beta) KL(q || m), m = beta p + (1 - beta) q. As in TRL's
    `generalized_jsd_loss` (METHODS.md section 2), beta = 0 is defined as the forward KL(p || q)
    and beta = 1 as the reverse KL(q || p): the formula itself tends to 0 at both ends (it is
    ~beta KL(p || q) near 0), so the two endpoints are the named divergences, not its limits.
    """
    if beta == 0.0:
        return forward_kl(student, teacher)
    if beta == 1.0:
        return reverse_kl(student, teacher)
    mixture = _log_mixture(teacher, beta, student)
    return beta * forward_kl(mixture, teacher) + (1.0 - beta) * forward_kl(mixture, student)


def total_variation(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Total variation distance 1/2 sum_v |p_v - q_v| (DistiLLM's TVD baseline, Ko et al. 2024)."""
    return 0.5 * (teacher.exp() - student.exp()).abs().sum(-1)


def skew_forward_kl(student: torch.Tensor, teacher: torch.Tensor, *, skew: float) -> torch.Tensor:
    """Skew KL(p || lambda p + (1 - lambda) q) of DistiLLM (Ko et al. 2024, arXiv:2402.03898, eq. 4).

    lambda = 0 is the forward KL. The gradient flows through the student's share of the mixture,
    as in the authors' code (METHODS.md section 2: "skew mixture not detached").
    """
    return forward_kl(_log_mixture(teacher, skew, student), teacher)


def skew_reverse_kl(student: torch.Tensor, teacher: torch.Tensor, *, skew: float) -> torch.Tensor:
    """Skew reverse KL(q || (1 - lambda) p + lambda q) of DistiLLM (arXiv:2402.03898, eq. 5).

    lambda = 0 is the reverse KL; the mixture is not detached.
    """
    return reverse_kl(student, _log_mixture(teacher, 1.0 - skew, student))


def taid_cross_entropy(student: torch.Tensor, teacher: torch.Tensor, *, t: float) -> torch.Tensor:
    """TAID's objective against the interpolated teacher (Shing et al. 2025, arXiv:2501.16937).

    p_t = softmax((1 - t) sg(log q) + t log p), which equals softmax((1 - t) sg(z_s) + t z_t) at
    the same temperature because softmax ignores a per-row constant. The value is the
    cross-entropy -sum_v p_t,v log q_v, as in the official code (SakanaAI/TAID,
    src/distil_losses/taid.py, METHODS.md section 6): KL(p_t || q) plus the entropy of p_t, which
    has the same gradient. So identical inputs give the entropy, not 0, and the adaptive schedule
    of t sees the same loss values as the authors'.
    """
    interpolated = torch.log_softmax((1.0 - t) * student.detach() + t * teacher, dim=-1)
    return -(interpolated.exp() * student).sum(-1)


# --- Shared pre-processing and mixing. ---------------------------------------------------------


@dataclass(frozen=True)
class DistillationSettings:
    """How the per-token terms are formed and mixed; one instance per method configuration."""

    divergence: TokenDivergence
    alpha: float
    """Weight of the gold-label cross-entropy; the distillation term gets 1 - alpha."""
    temperature: float
    temperature_squared: bool = True
    """Multiply the distillation term by T^2 (Hinton et al. 2015, section 2)."""
    standardize: bool = False
    """Z-score each position's logits before the temperature (logit standardisation)."""

    @property
    def divergence_weight(self) -> float:
        return (1.0 - self.alpha) * (self.temperature**2 if self.temperature_squared else 1.0)


def standardize_logits(logits: torch.Tensor) -> torch.Tensor:
    """(z - mean z) / (std z + 1e-7) over the vocabulary, per position.

    Sun et al., "Logit Standardization in Knowledge Distillation", CVPR 2024, arXiv:2403.01427,
    eq. 8 (Z-score with a base temperature). As in the authors' code the standard deviation is the
    unbiased one and 1e-7 is added to it (METHODS.md section 2).
    """
    return (logits - logits.mean(-1, keepdim=True)) / (logits.std(-1, keepdim=True) + 1e-7)


def teacher_log_probabilities(
    teacher_logits: torch.Tensor, settings: DistillationSettings, *, overwrite: bool = False
) -> torch.Tensor:
    """log softmax(z_t' / T) over the vocabulary, z_t' the (standardised) teacher logits, in >= float32.

    The teacher is a constant, so with overwrite=True the work is done in teacher_logits' own
    storage when its dtype allows: the chunked loss reuses one buffer for every chunk this way.
    """
    scores = at_least_float32(teacher_logits)
    if not overwrite and scores is teacher_logits:
        scores = scores.clone()
    if settings.standardize:
        mean, std = scores.mean(-1, keepdim=True), scores.std(-1, keepdim=True)
        scores.sub_(mean).div_(std.add_(1e-7))
    if settings.temperature != 1.0:
        scores.div_(settings.temperature)
    return torch.log_softmax(scores, dim=-1, out=scores)


def token_losses(
    student_logits: torch.Tensor, teacher_log_probs: torch.Tensor, labels: torch.Tensor,
    settings: DistillationSettings,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-position cross-entropy (temperature 1, raw logits) and divergence (temperature T).

    Args:
        student_logits: (N, V) in any float dtype; softmaxes run in >= float32.
        teacher_log_probs: (N, V) from `teacher_log_probabilities`.
        labels: (N,) gold ids; IGNORE_INDEX rows get a cross-entropy of 0 (their divergence is
            computed and must be masked by the caller).

    Returns:
        (ce, divergence), each (N,) in >= float32, unreduced and without alpha or T^2. With
        alpha = 0 the cross-entropy is only reported, so it carries no gradient.
    """
    student_logits = at_least_float32(student_logits)
    student_scores = standardize_logits(student_logits) if settings.standardize else student_logits
    if settings.temperature != 1.0:
        student_scores = student_scores / settings.temperature
    student_log_probs = torch.log_softmax(student_scores, dim=-1)

    # The cross-entropy reuses the divergence's log-probabilities when they are those of the raw
    # logits; each extra (N, V) tensor here is memory in every chunk.
    with torch.set_grad_enabled(torch.is_grad_enabled() and settings.alpha > 0):
        raw_log_probs = (
            student_log_probs if student_scores is student_logits else torch.log_softmax(student_logits, dim=-1)
        )
        real = labels != IGNORE_INDEX
        ce = -raw_log_probs.gather(-1, torch.where(real, labels, 0)[:, None]).squeeze(-1)
        ce = torch.where(real, ce, torch.zeros_like(ce))
    return ce, settings.divergence(student_log_probs, teacher_log_probs)


class DistillationLoss(NamedTuple):
    loss: torch.Tensor
    """The objective to minimise: alpha * ce + (1 - alpha) * [T^2] * divergence."""
    ce: torch.Tensor
    """Cross-entropy of the student (temperature 1) on the gold labels, over real tokens."""
    divergence: torch.Tensor
    """The divergence at temperature T over real tokens, without alpha or the T^2 factor."""


def distillation_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    settings: DistillationSettings,
    num_tokens: int | None = None,
) -> DistillationLoss:
    """Token-level logit distillation on full logits: the simple implementation.

    It materialises (tokens x vocab) logits and probabilities of both models; training uses
    `engine.methods.distillation.chunked.chunked_distillation_loss`, which gives the same values and gradients
    chunk by chunk. Per real token t, with q = softmax(z_s' / T), p = softmax(z_t' / T), where z'
    is z or its standardisation:

        loss = [alpha * sum_t ce_t + (1 - alpha) * (T^2 if temperature_squared) * sum_t D(p_t, q_t)] / num_tokens

    Args:
        student_logits: (B, L, V) or (N, V), aligned with `labels`.
        teacher_logits: same shape. Pass them detached (computed under torch.no_grad).
        labels: (B, L) or (N,); IGNORE_INDEX marks padding and prompt tokens, excluded from both
            terms.
        settings: the divergence, alpha, temperature and switches.
        num_tokens: the divisor, the real tokens of the whole optimizer step (module docstring).

    Returns:
        DistillationLoss(loss, ce, divergence), scalars in >= float32 (0 without real tokens).
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(
            f"student logits {tuple(student_logits.shape)} and teacher logits "
            f"{tuple(teacher_logits.shape)} differ in shape; both models must see the same tokens "
            "and share one vocabulary"
        )
    vocab_size = student_logits.shape[-1]
    labels = labels.reshape(-1)
    ce, divergence = token_losses(
        student_logits.reshape(-1, vocab_size),
        teacher_log_probabilities(teacher_logits.reshape(-1, vocab_size), settings), labels, settings,
    )
    real = labels != IGNORE_INDEX
    normaliser = token_normaliser(labels, num_tokens)
    ce = ce.sum() / normaliser
    divergence = torch.where(real, divergence, torch.zeros_like(divergence)).sum() / normaliser
    return DistillationLoss(settings.alpha * ce + settings.divergence_weight * divergence, ce, divergence)
