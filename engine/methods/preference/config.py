"""Typed configs of the offline preference-alignment methods (DPO family, SimPO, BCO).

Torch-free like engine.spec, whose conventions they follow: every field has a description and
bounds, unknown fields are errors.
"""

from typing import Literal

from pydantic import Field

from engine.spec import TrainingConfig, _Config, _training_field


def _chunk_size_field() -> object:
    return Field(
        256, ge=1, le=1_048_576,
        description=(
            "Target tokens whose logits are computed at once when taking the log-probabilities of "
            "the responses: only a chunk_size x vocabulary block of logits exists at a time. "
            "Smaller saves memory, larger can be faster on a GPU; the values do not depend on it."
        ),
    )


class _PreferenceConfig(_Config):
    training: TrainingConfig = _training_field()
    chunk_size: int = _chunk_size_field()
    disable_dropout: bool = Field(
        True,
        description=(
            "Turn the policy's dropout off (as TRL does by default). With dropout on, the policy "
            "trains in train mode while the reference is evaluated without dropout, so even an "
            "unchanged policy differs from its reference: the first step's DPO loss is not ln 2 "
            "and the KL to the reference is not 0. False keeps the model's dropout."
        ),
    )


class _ReferencePreferenceConfig(_PreferenceConfig):
    """Fields shared by the methods that compare the policy with a frozen reference."""

    beta: float = Field(
        0.1, gt=0, le=100,
        description=(
            "Strength of the tie to the reference: the implicit reward is beta * (log pi(y|x) - "
            "log pi_ref(y|x)). Smaller lets the policy move further from the reference; 0.1 is "
            "the common choice."
        ),
    )
    reference_cache: bool = Field(
        True,
        description=(
            "Compute the reference's log-probabilities of every training and validation pair "
            "once, keep them in $DISTILLERY_CACHE_DIR (default ~/.cache/distillery), and reuse "
            "them in later epochs and runs with the same reference, data, tokenizer and "
            "block_size (the reference model is then not loaded at all). False recomputes them "
            "with the reference model at every step."
        ),
    )


class DPOConfig(_ReferencePreferenceConfig):
    """Direct Preference Optimization: -log sigmoid(beta h), h the chosen-minus-rejected log-ratio margin."""


class IPOConfig(_ReferencePreferenceConfig):
    """Identity Preference Optimisation: squared distance of the per-token log-ratio margin to 1/(2 beta)."""

    beta: float = Field(
        0.1, gt=0, le=100,
        description=(
            "IPO's tau: the per-token log-ratio margin is pulled toward 1/(2 beta), so a larger "
            "beta keeps the policy closer to the reference. Also scales the reported rewards."
        ),
    )


class DPOHingeConfig(_ReferencePreferenceConfig):
    """DPO with the SLiC hinge: relu(1 - beta h)."""


class DPORobustConfig(_ReferencePreferenceConfig):
    """DPO for noisy preference labels: conservative (cDPO) or provably robust (rDPO)."""

    variant: Literal["conservative", "robust"] = Field(
        "conservative",
        description=(
            "'conservative' (cDPO) mixes the loss of the given label with a share label_smoothing "
            "of the flipped label's; 'robust' (rDPO) subtracts it and rescales by 1/(1 - 2 eps), "
            "an unbiased estimate of the loss on noise-free labels."
        ),
    )
    label_smoothing: float = Field(
        0.1, ge=0, lt=0.5,
        description=(
            "eps, the assumed probability that a pair's preference label is flipped; 0 is plain "
            "DPO. Must stay below 0.5."
        ),
    )


class FDPOConfig(_ReferencePreferenceConfig):
    """f-DPO: DPO with the reverse KL constraint replaced by another f-divergence."""

    divergence: Literal["reverse_kl", "forward_kl", "js_divergence", "alpha_divergence"] = Field(
        "js_divergence",
        description=(
            "The f-divergence to the reference: reverse_kl is DPO; forward_kl keeps the policy "
            "more diverse (mass-covering); js_divergence lies between the two; alpha_divergence "
            "interpolates from reverse_kl (alpha near 0) to forward_kl (alpha near 1)."
        ),
    )
    alpha: float = Field(
        0.5, gt=0, lt=1,
        description=(
            "Alpha of the alpha-divergence, f'(u) = (1 - u^-alpha)/alpha with u = pi/pi_ref "
            "(the f-DPO paper's convention); used only when divergence is alpha_divergence."
        ),
    )


class SimPOConfig(_PreferenceConfig):
    """SimPO: reference-free margin of length-normalised log-probabilities."""

    beta: float = Field(
        2.0, gt=0, le=100,
        description="Scale of the reward beta/|y| log pi(y|x); the SimPO authors use 2.0 to 2.5.",
    )
    gamma: float = Field(
        1.0, ge=0, le=100,
        description=(
            "Target reward margin: the loss is -log sigmoid(beta (avg_w - avg_l) - gamma). The "
            "authors tune gamma / beta between 0.3 and 0.8 (0.5 here)."
        ),
    )


class BCOConfig(_ReferencePreferenceConfig):
    """Binary Classifier Optimization on pairs: chosen as desirable, rejected as undesirable."""
