"""Offline preference losses: per-pair losses from per-sequence log-probabilities.

Every loss here is a pure function of tensors of shape (P,), one entry per preference pair:
the policy's and (except SimPO) the reference's log-probabilities of the chosen and rejected
responses, each summed over the response's target tokens, and the responses' target-token counts.
It returns the per-pair losses (unreduced: the caller sums them and divides by the step's number
of pairs, so micro-batches add up to the step mean) and the implicit rewards, detached, for the
metrics. Notation: Delta(y) = log pi(y|x) - log pi_ref(y|x), h = Delta(y_w) - Delta(y_l).
"""

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch.nn import functional as F

Divergence = Literal["reverse_kl", "forward_kl", "js_divergence", "alpha_divergence"]

def _exp_extended(exponent: torch.Tensor) -> torch.Tensor:
    """exp(exponent), continued by its tangent line beyond the largest exponent the dtype holds.

    f-DPO's forward-KL and alpha-divergence terms are exponentials of log-ratios, so a policy that
    drifted far below the reference gives e^(tens of nats): exact up to log(max of the dtype) - 16
    (about 72 in float32, 693 in float64; in float16, whose range is too short for that margin,
    half of log(max), about 5.5), so that sums and the factor beta/alpha stay finite. Past
    that the value grows linearly with the same slope instead of overflowing (TRL caps the exponent
    there, which gives the pair no gradient at all), so the loss and its gradient stay finite and
    still point back toward the reference.
    """
    largest = math.log(torch.finfo(exponent.dtype).max)
    limit = max(largest - 16, largest / 2)
    capped = torch.exp(exponent.clamp(max=limit))
    return capped * (1 + (exponent - limit).clamp(min=0))


@dataclass
class PreferenceLoss:
    losses: torch.Tensor
    """(P,) loss of each pair, with gradients to the policy log-probabilities."""
    chosen_rewards: torch.Tensor
    """(P,) detached implicit reward of the chosen response (beta * Delta(y_w); SimPO: beta * mean log-prob)."""
    rejected_rewards: torch.Tensor
    """(P,) the same for the rejected response."""


def _rewards(beta: float, policy: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    return (beta * (policy - reference)).detach()


def _log_ratio_margin(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
                      reference_rejected: torch.Tensor) -> torch.Tensor:
    return (policy_chosen - reference_chosen) - (policy_rejected - reference_rejected)


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
             reference_rejected: torch.Tensor, *, beta: float) -> PreferenceLoss:
    """DPO, -log sigmoid(beta h) per pair.

    Rafailov et al. 2023, "Direct Preference Optimization: Your Language Model is Secretly a Reward
    Model", eq. 7 (arXiv:2305.18290). Log-probabilities are summed over the response tokens (as in
    the paper and TRL); the caller averages over pairs.
    """
    h = _log_ratio_margin(policy_chosen, policy_rejected, reference_chosen, reference_rejected)
    return PreferenceLoss(-F.logsigmoid(beta * h), _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def ipo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
             reference_rejected: torch.Tensor, chosen_lengths: torch.Tensor, rejected_lengths: torch.Tensor, *,
             beta: float) -> PreferenceLoss:
    """IPO, (h - 1/(2 beta))^2 per pair, with h built from log-probabilities per token.

    Azar et al. 2023, "A General Theoretical Paradigm to Understand Learning from Human
    Preferences", eq. 17 (arXiv:2310.12036), with beta the paper's tau. The paper sums the
    log-probabilities; we follow TRL and divide each response's log-ratio by its number of target
    tokens, h = Delta(y_w)/|y_w| - Delta(y_l)/|y_l|, which keeps the target margin 1/(2 beta)
    meaningful whatever the response lengths. The rewards reported stay beta * Delta (summed).
    """
    h = (policy_chosen - reference_chosen) / chosen_lengths - (policy_rejected - reference_rejected) / rejected_lengths
    return PreferenceLoss((h - 1 / (2 * beta)) ** 2, _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def hinge_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
               reference_rejected: torch.Tensor, *, beta: float) -> PreferenceLoss:
    """Hinge DPO (SLiC-style), relu(1 - beta h) per pair.

    Zhao et al. 2023, "SLiC-HF: Sequence Likelihood Calibration with Human Feedback"
    (arXiv:2305.10425), the calibration hinge with margin 1 applied to the DPO log-ratio margin as
    in Liu et al. 2023 (RSO, arXiv:2309.06657) and TRL's loss_type="hinge" (beta = 1/margin
    scale). Summed log-probabilities; the caller averages over pairs.
    """
    h = _log_ratio_margin(policy_chosen, policy_rejected, reference_chosen, reference_rejected)
    return PreferenceLoss(F.relu(1 - beta * h), _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def conservative_dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
                          reference_rejected: torch.Tensor, *, beta: float, label_smoothing: float) -> PreferenceLoss:
    """Conservative DPO (cDPO), DPO with label smoothing eps for labels flipped with probability eps:
    (1 - eps)(-log sigmoid(beta h)) + eps(-log sigmoid(-beta h)).

    Mitchell 2023, "A note on DPO with noisy preferences & relationship to IPO"
    (https://ericmitchell.ai/cdpo.pdf); TRL's loss_type="sigmoid" with label_smoothing. eps = 0 is DPO.
    """
    h = _log_ratio_margin(policy_chosen, policy_rejected, reference_chosen, reference_rejected)
    losses = (1 - label_smoothing) * -F.logsigmoid(beta * h) + label_smoothing * -F.logsigmoid(-beta * h)
    return PreferenceLoss(losses, _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def robust_dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
                    reference_rejected: torch.Tensor, *, beta: float, label_smoothing: float) -> PreferenceLoss:
    """Robust DPO (rDPO), the unbiased loss under preference labels flipped with probability eps:
    ((1 - eps)(-log sigmoid(beta h)) - eps(-log sigmoid(-beta h))) / (1 - 2 eps).

    Chowdhury et al. 2024, "Provably Robust DPO: Aligning Language Models with Noisy Feedback",
    eq. 8 (arXiv:2403.00409); eps must be below 1/2. eps = 0 is DPO. Unlike cDPO, a single pair's
    loss can be negative (the expectation over label noise is what is unbiased).
    """
    h = _log_ratio_margin(policy_chosen, policy_rejected, reference_chosen, reference_rejected)
    losses = ((1 - label_smoothing) * -F.logsigmoid(beta * h)
              - label_smoothing * -F.logsigmoid(-beta * h)) / (1 - 2 * label_smoothing)
    return PreferenceLoss(losses, _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def f_divergence_derivative(log_ratio: torch.Tensor, divergence: Divergence, alpha: float) -> torch.Tensor:
    """f'(u) at u = pi/pi_ref = exp(log_ratio), for the f-divergences of f-DPO.

    reverse_kl: f(u) = u log u, f'(u) = log u + 1 (the constant cancels in the loss: DPO).
    forward_kl: f(u) = -log u, f'(u) = -1/u.
    js_divergence: f(u) = u log u - (1 + u) log((1 + u)/2), f'(u) = log(2u/(1 + u)).
    alpha_divergence: f(u) = (u^(1-alpha) - (1-alpha) u - alpha) / (alpha (alpha - 1)),
    f'(u) = (1 - u^(-alpha)) / alpha with alpha in (0, 1): alpha -> 0 approaches reverse_kl and
    alpha -> 1 approaches forward_kl (the paper's Table 1 convention; METHODS.md notes that TRL's
    alpha may be 1 - this alpha, the two agree at 0.5).
    """
    if divergence == "reverse_kl":
        return log_ratio + 1
    if divergence == "forward_kl":
        return -_exp_extended(-log_ratio)
    if divergence == "js_divergence":
        # log(2u/(1+u)) = log 2 + log u - log(1 + u), with log(1 + u) = softplus(log u) for stability.
        return math.log(2) + log_ratio - F.softplus(log_ratio)
    if divergence == "alpha_divergence":
        return (1 - _exp_extended(-alpha * log_ratio)) / alpha
    raise ValueError(
        f"unknown f-divergence {divergence!r}: use reverse_kl, forward_kl, js_divergence or alpha_divergence"
    )


def f_dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
               reference_rejected: torch.Tensor, *, beta: float, divergence: Divergence,
               alpha: float = 0.5) -> PreferenceLoss:
    """f-DPO, -log sigmoid(beta f'(u_w) - beta f'(u_l)) per pair, u = pi(y|x)/pi_ref(y|x) of the
    whole (summed) response.

    Wang et al. 2023, "Beyond Reverse KL: Generalizing Direct Preference Optimization with Diverse
    Divergence Constraints", Theorem 1 / eq. 12 (arXiv:2309.16240); f' as in
    f_divergence_derivative. reverse_kl is exactly DPO. The exponentials of forward_kl and
    alpha_divergence are exact within the dtype's range and extended linearly past it
    (_exp_extended). Rewards reported are beta * Delta, as for DPO.
    """
    if divergence == "alpha_divergence" and not 0 < alpha < 1:
        raise ValueError(f"alpha_divergence needs alpha in (0, 1), got {alpha}")
    chosen = f_divergence_derivative(policy_chosen - reference_chosen, divergence, alpha)
    rejected = f_divergence_derivative(policy_rejected - reference_rejected, divergence, alpha)
    return PreferenceLoss(-F.logsigmoid(beta * (chosen - rejected)), _rewards(beta, policy_chosen, reference_chosen),
                          _rewards(beta, policy_rejected, reference_rejected))


def simpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, chosen_lengths: torch.Tensor,
               rejected_lengths: torch.Tensor, *, beta: float, gamma: float) -> PreferenceLoss:
    """SimPO, reference-free: -log sigmoid(beta (avg_w - avg_l) - gamma), avg = log pi(y|x) / |y|.

    Meng et al. 2024, "SimPO: Simple Preference Optimization with a Reference-Free Reward", eq. 6
    (arXiv:2405.14734): the reward is the length-normalised log-probability beta/|y| log pi(y|x)
    and gamma a target reward margin (TRL writes it as gamma/beta inside the sigmoid's beta).
    Rewards reported are beta * avg.
    """
    chosen = policy_chosen / chosen_lengths
    rejected = policy_rejected / rejected_lengths
    return PreferenceLoss(-F.logsigmoid(beta * (chosen - rejected) - gamma), (beta * chosen).detach(),
                          (beta * rejected).detach())


def bco_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, reference_chosen: torch.Tensor,
             reference_rejected: torch.Tensor, *, beta: float, delta: float) -> PreferenceLoss:
    """BCO on pairs: (-log sigmoid(r_w - delta) - log sigmoid(-(r_l - delta))) / 2, r = beta Delta.

    Jung et al. 2024, "Binary Classifier Optimization for Large Language Model Alignment", eq. 8
    (arXiv:2404.04656), as in TRL's BCOTrainer (METHODS.md section 6): the chosen response is a
    desirable sample, the rejected one an undesirable sample, and delta the running mean of the
    rewards (BCODelta). TRL averages over the 2P samples; halving the pair's sum gives the same
    mean over pairs. The optional UDM prompt-classifier weights are left out (w = 1).
    """
    chosen_rewards = beta * (policy_chosen - reference_chosen)
    rejected_rewards = beta * (policy_rejected - reference_rejected)
    losses = (-F.logsigmoid(chosen_rewards - delta) - F.logsigmoid(-(rejected_rewards - delta))) / 2
    return PreferenceLoss(losses, chosen_rewards.detach(), rejected_rewards.detach())


@dataclass
class BCODelta:
    """BCO's delta: the count-weighted running mean of every detached reward seen in training.

    `update` adds a batch's chosen and rejected rewards (2P samples) before that batch's loss, so
    the batch's own rewards are included; evaluation reads `value` without updating. The mean and
    count are kept as Python floats (float64) and saved with the objective's state, so a resumed
    run continues with exactly the same delta.
    """

    mean: float = 0.0
    count: int = 0

    def update(self, chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> float:
        """Add a batch's rewards; returns the new delta."""
        return self.add(*self.batch_totals(chosen_rewards, rejected_rewards))

    @staticmethod
    def batch_totals(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> tuple[float, int]:
        """(sum, count) of a batch's detached rewards, for `add` (after summing over ranks, if any)."""
        rewards = torch.cat([chosen_rewards.detach().reshape(-1), rejected_rewards.detach().reshape(-1)]).double()
        return float(rewards.sum()), rewards.numel()

    def add(self, total: float, count: int) -> float:
        """Add `count` rewards summing to `total`; returns the new delta."""
        if count:
            self.mean = (self.mean * self.count + total) / (self.count + count)
            self.count += count
        return self.mean

    @property
    def value(self) -> float:
        return self.mean
