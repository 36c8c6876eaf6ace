"""The math of the RL methods with verifiable rewards, as pure tensor functions.

Shapes: P prompts, G completions per prompt (a group), B = P * G sequences, L completion positions.
Per-token log-probabilities are (B, L) with a (B, L) mask of the generated tokens (1 for every
token up to and including the first EOS, 0 after it and for padding). The recipe
(engine.methods.rl.recipe) samples, rewards and computes log-probabilities; everything here is
deterministic and tested against float64 references in tests/engine/test_rl_losses.py.
"""

import torch


def group_advantages(rewards: torch.Tensor, *, scale: bool = True, eps: float = 1e-4) -> torch.Tensor:
    """GRPO's outcome advantages (Shao et al. 2024, DeepSeekMath, arXiv:2402.03300, section 4.1.2).

    rewards is (P, G), one row per prompt's group. Each reward minus its group's mean, divided by
    the group's standard deviation plus eps when `scale` (the paper's normalisation; false is the
    mean-centring of Dr. GRPO, Liu et al. 2025). The standard deviation is the unbiased one
    (Bessel's correction, as TRL's GRPOTrainer computes it); eps keeps a group whose rewards are
    all equal at advantage 0 instead of 0/0. Every token of a completion gets its advantage.
    """
    if rewards.shape[-1] < 2:
        raise ValueError("group advantages need at least 2 completions per prompt (group_size >= 2)")
    centred = rewards - rewards.mean(-1, keepdim=True)
    if not scale:
        return centred
    return centred / (rewards.std(-1, keepdim=True) + eps)


def k3_kl(log_probs: torch.Tensor, reference_log_probs: torch.Tensor) -> torch.Tensor:
    """Per-token k3 estimate of KL(pi_theta || pi_ref) on tokens sampled from pi_theta.

    k3 = exp(ref - logp) - (ref - logp) - 1 (Schulman 2020, "Approximating KL divergence"; GRPO's
    eq. 4): unbiased, never negative, 0 where the two log-probabilities agree. The reference is
    detached: gradients flow only to the policy's log-probabilities. Elementwise, no reduction.
    """
    log_ratio = reference_log_probs.detach() - log_probs
    return torch.exp(log_ratio) - log_ratio - 1


def k2_kl(log_probs: torch.Tensor, teacher_log_probs: torch.Tensor) -> torch.Tensor:
    """Per-token k2 estimate of the reverse KL(pi_theta || pi_T) on the policy's own samples.

    k2 = 0.5 R^2 with R = log pi_T - log pi_theta (KDRL, Xu et al. 2025, arXiv:2506.02208: the k2
    estimator, whose gradient is an unbiased estimate of the reverse KL's; k3 did worse there).
    The teacher is detached. Elementwise, no reduction.
    """
    return 0.5 * (teacher_log_probs.detach() - log_probs) ** 2


def masked_sequence_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B,) mean of each row's values over its masked-in positions (0 for a row without any)."""
    mask = mask.to(values.dtype)
    return (values * mask).sum(-1) / mask.sum(-1).clamp(min=1)


def grpo_sequence_losses(
    log_probs: torch.Tensor,
    reference_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    *,
    kl_coef: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """GRPO's objective per sequence (Shao et al. 2024, arXiv:2402.03300, eq. 3), negated to a loss.

    Per token t of sequence i: -ratio_it * A_i + kl_coef * k3_it, with ratio = exp(logp - sg(logp))
    (value 1, gradient that of logp: one on-policy update per batch of samples, so the clipped
    PPO ratio of the paper is always 1 and clipping never acts) and k3 against the frozen
    reference. Reduction (where implementations differ): the paper's 1/|o_i| mean over each
    sequence's own tokens, not a mean over all the batch's tokens (DAPO) nor a division by a
    constant length (Dr. GRPO); the caller then averages the sequences. Returns the (B,) losses
    and the (B,) detached per-sequence mean k3 (the rl/kl metric).
    """
    kl = k3_kl(log_probs, reference_log_probs)
    ratio = torch.exp(log_probs - log_probs.detach())
    per_token = -ratio * advantages.detach()[:, None] + kl_coef * kl
    return masked_sequence_mean(per_token, mask), masked_sequence_mean(kl.detach(), mask)


def kdrl_sequence_losses(
    log_probs: torch.Tensor,
    reference_log_probs: torch.Tensor,
    teacher_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    kd_weights: torch.Tensor,
    *,
    kl_coef: float,
    kd_coef: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """KDRL's loss per sequence (Xu et al. 2025, arXiv:2506.02208): GRPO plus kd_coef * k2 to the teacher.

    The GRPO part is grpo_sequence_losses. The distillation part of sequence i is
    kd_weights_i * kd_coef * (mean over its tokens of k2), with kd_weights the (B,) reward-guided
    mask (1 where the KD term applies); the same per-sequence token mean as GRPO, so the caller's
    mean over sequences counts masked-out sequences as 0 rather than renormalising over the
    masked-in ones. Returns the (B,) losses, the (B,) detached mean k3 to the reference and the
    (B,) detached mean k2 to the teacher (unmasked, for the rl/teacher_kl metric).
    """
    losses, kl = grpo_sequence_losses(log_probs, reference_log_probs, advantages, mask, kl_coef=kl_coef)
    teacher_kl = masked_sequence_mean(k2_kl(log_probs, teacher_log_probs), mask)
    return losses + kd_coef * kd_weights.detach() * teacher_kl, kl, teacher_kl.detach()


def kd_coefficient(step: int, *, start: float, end: float, decay: float) -> float:
    """KDRL's teacher-KL weight at optimizer step `step` (1-based): linear decay from start, floored at end."""
    return max(end, start - decay * (step - 1))


def kd_weights(correct: torch.Tensor, mode: str) -> torch.Tensor:
    """KDRL's reward-guided KD mask, (P, G) float from a (P, G) boolean 'correct' tensor.

    'none': every completion; 'incorrect_only': completions that are not correct;
    'all_wrong_groups': every completion of a group that has no correct completion, none otherwise.
    """
    if mode == "none":
        return torch.ones_like(correct, dtype=torch.float32)
    if mode == "incorrect_only":
        return (~correct).float()
    if mode == "all_wrong_groups":
        return (~correct.any(-1, keepdim=True)).float().expand_as(correct).contiguous()
    raise ValueError(f"unknown kd_mask {mode!r}; known: none, incorrect_only, all_wrong_groups")


def calibrated_rewards(rewards: torch.Tensor, reference_rewards: torch.Tensor) -> torch.Tensor:
    """InfAlign's calibrated reward (Balashankar et al. 2024, arXiv:2412.19792, CTRL's calibration step).

    For each policy reward r(y) in `rewards` (any shape) and the K rewards r(z) of reference-model
    samples of the same prompt (`reference_rewards`, (K,)): C = P_z[r(z) < r(y)] + 0.5 P_z[r(z) =
    r(y)], the empirical mid-rank, in [0, 1]. Mid-rank ties (METHODS.md section 6) keep C from
    jumping when the reward is discrete, as verifiable rewards are. Float64. The paper's K and t
    were not confirmed (METHODS.md section 6 marks InfAlign PARTIAL), so both are configuration
    (calibration_samples, transform_t), as is the RL algorithm it feeds (grpo or kdrl).
    """
    policy = rewards.double()[..., None]
    reference = reference_rewards.double()
    below = (reference < policy).double().mean(-1)
    tied = (reference == policy).double().mean(-1)
    return below + 0.5 * tied


def infalign_transform(calibrated: torch.Tensor, *, t: float, mode: str) -> torch.Tensor:
    """InfAlign's transform of the calibrated reward: exp(t C) for best-of-N, -exp(-t C) for worst-of-N.

    Both rise with C (t > 0); the exponential puts more weight on the top (best-of-N) or on
    avoiding the bottom (worst-of-N) of the reference's reward distribution.
    """
    if mode == "best_of_n":
        return torch.exp(t * calibrated)
    if mode == "worst_of_n":
        return -torch.exp(-t * calibrated)
    raise ValueError(f"unknown transform_mode {mode!r}; known: best_of_n, worst_of_n")
