"""Configs of the RL methods with verifiable rewards (grpo, kdrl), torch-free like engine.spec."""

from typing import Any, Literal

from pydantic import Field, model_validator

from engine.methods.rl.rewards import REWARDS, RewardSpec, check_reward_labels
from engine.spec import TrainingConfig, _Config


def _rl_training_field() -> Any:
    return Field(
        default_factory=TrainingConfig,
        description=(
            "Optimisation and bookkeeping settings. For RL, batch_size counts prompts per "
            "micro-batch (each sampled group_size times) and the loss is a mean over prompts; "
            "early stopping is not available; eval_samples 0 turns the evaluation's samples "
            "artifact off (any other value keeps every evaluated prompt's completion)."
        ),
    )


class GRPOConfig(_Config):
    """GRPO (Shao et al. 2024): group-normalised rewards of sampled completions, KL to a frozen reference."""

    training: TrainingConfig = _rl_training_field()
    rewards: list[RewardSpec] = Field(
        min_length=1, max_length=32,
        description=(
            "Reward functions added up into each completion's reward: "
            "[{'name': ..., 'weight': ..., 'params': {...}}]. Known functions: "
            f"{', '.join(REWARDS)}."
        ),
    )
    group_size: int = Field(
        4, ge=2, le=1024,
        description="Completions sampled per prompt (the group G whose rewards are normalised together).",
    )
    max_new_tokens: int = Field(64, ge=1, le=32_768, description="Most tokens generated per completion.")
    temperature: float = Field(1.0, gt=0, le=10, description=(
        "Sampling temperature of the policy's completions; their log-probabilities under the policy, "
        "the reference and a kdrl teacher are scored at it too (log_softmax(logits / temperature)), as in TRL."))
    disable_dropout: bool = Field(
        True,
        description=(
            "Turn the policy's dropout off (as TRL does by default). With dropout on, the policy's "
            "log-probabilities are taken in train mode while the reference's are not, so even an "
            "unchanged policy shows a KL to the reference and a ratio to its own sampling "
            "log-probabilities that is not 1. False keeps the model's dropout."
        ),
    )
    top_p: float = Field(
        1.0, gt=0, le=1,
        description="Nucleus sampling: sample from the smallest token set with this much probability (1: all tokens).",
    )
    kl_coef: float = Field(
        0.04, ge=0, le=100,
        description=(
            "Weight of the per-token KL penalty (k3 estimator) to the frozen reference. 0.04 is the "
            "GRPO paper's value (DeepSeekMath); TRL's GRPOTrainer defaults to 0 (no reference)."
        ),
    )
    scale_rewards: bool = Field(
        True,
        description=(
            "Divide each group's centred rewards by the group's standard deviation (GRPO); false "
            "only subtracts the group mean (Dr. GRPO-style)."
        ),
    )
    advantage_eps: float = Field(
        1e-4, gt=0, le=1,
        description=(
            "Added to the group standard deviation before dividing, so a group of equal rewards gets "
            "advantages 0."
        ),
    )
    chunk_size: int = Field(
        256, ge=1, le=1_048_576,
        description="Tokens whose logits are computed at once for the log-probabilities (memory, not results).",
    )
    reward_transform: Literal["none", "infalign_ctrl"] = Field(
        "none",
        description=(
            "'infalign_ctrl' (InfAlign, Balashankar et al. 2024): calibrate each completion's reward "
            "against calibration_samples reference-model samples of the same prompt, then transform "
            "it for best-of-N or worst-of-N inference, before group normalisation. The paper's K and "
            "t are not confirmed, hence calibration_samples and transform_t."
        ),
    )
    calibration_samples: int = Field(
        16, ge=1, le=4096,
        description=(
            "InfAlign's K: reference-model samples per prompt that calibrate the reward (drawn once "
            "per prompt and kept for the run)."
        ),
    )
    transform_t: float = Field(
        1.0, gt=0, le=100,
        description="InfAlign's t > 0 in the transform exp(t C) (best_of_n) or -exp(-t C) (worst_of_n).",
    )
    transform_mode: Literal["best_of_n", "worst_of_n"] = Field(
        "best_of_n",
        description="The inference procedure the policy is aligned for: best-of-N or worst-of-N sampling.",
    )

    @model_validator(mode="after")
    def _rl_settings_fit(self) -> "GRPOConfig":
        check_reward_labels(self.rewards)
        if self.training.early_stopping_patience:
            raise ValueError(
                "training.early_stopping_patience: early stopping watches token-level metrics that RL "
                "methods do not report; set it to 0"
            )
        if self.max_new_tokens >= self.training.block_size:
            raise ValueError(
                f"max_new_tokens ({self.max_new_tokens}) must be below training.block_size "
                f"({self.training.block_size}), which bounds prompt plus completion: raise block_size "
                "or lower max_new_tokens"
            )
        return self


class KDRLConfig(GRPOConfig):
    """KDRL (Xu et al. 2025): GRPO plus a reverse-KL pull toward a frozen teacher on the policy's samples."""

    kd_coef_start: float = Field(
        5e-3, ge=0, le=100, description="Weight of the teacher KL (k2 estimator) at the first step."
    )
    kd_coef_end: float = Field(
        1e-3, ge=0, le=100, description="Weight of the teacher KL once the linear decay is over (its floor)."
    )
    kd_coef_decay: float = Field(
        5e-5, ge=0, le=100,
        description=(
            "Decrease of the teacher-KL weight per optimizer step: max(kd_coef_end, kd_coef_start - "
            "kd_coef_decay * (step - 1))."
        ),
    )
    kd_mask: Literal["none", "incorrect_only", "all_wrong_groups"] = Field(
        "none",
        description=(
            "Reward-guided masking of the teacher KL: 'none' applies it to every completion, "
            "'incorrect_only' to completions whose reward is below kd_reward_threshold, "
            "'all_wrong_groups' only to groups where no completion reaches the threshold (the paper's "
            "default among the two masks was not confirmed)."
        ),
    )
    kd_reward_threshold: float = Field(
        1.0, ge=-1e6, le=1e6,
        description=(
            "A completion counts as correct for kd_mask when its total raw reward (before any "
            "transform) is at least this."
        ),
    )

    @model_validator(mode="after")
    def _decays(self) -> "KDRLConfig":
        if self.kd_coef_end > self.kd_coef_start:
            raise ValueError(
                f"kd_coef_end ({self.kd_coef_end}) must not exceed kd_coef_start ({self.kd_coef_start}): "
                "the teacher-KL weight decays"
            )
        return self
