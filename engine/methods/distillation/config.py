"""Configs of the distillation methods: seq_kd and the token-level logit KD family (torch-free,
like engine.spec: the web tier validates with them and the UI builds its forms from their schema)."""

from typing import Any

from pydantic import Field, model_validator

from engine.spec import TrainingConfig, _Config, _training_field


class SequenceKDConfig(_Config):
    """Sequence-level distillation: the teacher writes the targets, the student learns them with cross-entropy."""

    training: TrainingConfig = _training_field()
    max_new_tokens: int = Field(
        64, ge=1, le=8192,
        description="Most tokens the teacher generates per prompt (fewer when it ends its answer first).",
    )
    temperature: float = Field(
        0.0, ge=0, le=10,
        description=(
            "Teacher sampling temperature; 0 decodes greedily, the approximation of the teacher's "
            "mode that Kim & Rush (2016) distil (they use beam search)."
        ),
    )
    top_p: float = Field(1.0, gt=0, le=1, description="Nucleus sampling threshold when temperature > 0.")
    samples_per_prompt: int = Field(
        1, ge=1, le=64,
        description=(
            "Teacher outputs generated per training prompt (each becomes one training row); "
            "> 1 needs temperature > 0."
        ),
    )
    text_prompt_tokens: int = Field(
        16, ge=1, le=4096,
        description=(
            "For plain-text training data, the prompt is each row's first this many teacher tokens "
            "and the teacher continues it."
        ),
    )
    generation_batch_size: int = Field(16, ge=1, le=4096, description="Prompts generated at once by the teacher.")

    @model_validator(mode="after")
    def _several_samples_need_sampling(self) -> "SequenceKDConfig":
        if self.samples_per_prompt > 1 and self.temperature == 0:
            raise ValueError(
                f"samples_per_prompt is {self.samples_per_prompt} but temperature is 0, so every "
                "sample would be the same greedy output: set temperature > 0 or samples_per_prompt to 1"
            )
        return self


class LogitDistillationConfig(_Config):
    """Fields shared by the token-level logit distillation methods (teacher and student share a vocabulary)."""

    training: TrainingConfig = _training_field()
    alpha: float = Field(
        0.1, ge=0, le=1,
        description=(
            "Weight of the cross-entropy on the gold next token; the distillation term gets "
            "1 - alpha. 0 is pure distillation, 1 ignores the teacher."
        ),
    )
    temperature: float = Field(
        1.0, gt=0, le=100,
        description=(
            "Softmax temperature T applied to teacher and student logits in the distillation term "
            "(the cross-entropy always uses T = 1)."
        ),
    )
    temperature_squared: bool = Field(
        True,
        description=(
            "Multiply the distillation term by T^2 so that its gradient scale does not change "
            "with T (Hinton et al. 2015). Many language-model recipes use T = 1, where it is 1."
        ),
    )
    standardize_logits: bool = Field(
        False,
        description=(
            "Logit standardisation (Sun et al., CVPR 2024, arXiv:2403.01427): z-score each "
            "position's teacher and student logits over the vocabulary before the temperature, so "
            "the student matches the teacher's logit relations rather than their scale."
        ),
    )
    chunk_size: int = Field(
        256, ge=1, le=1_048_576,
        description=(
            "Tokens whose logits are computed at once: the loss holds a few chunk_size x "
            "vocabulary tensors at a time instead of all tokens' logits of both models. Smaller "
            "saves memory, larger can be faster on a GPU; values and gradients do not depend on "
            "it. 256 keeps the loss under a quarter of the plain one's memory at 2k tokens per "
            "step for vocabularies of 32k and more (docs/BENCHMARKS.md)."
        ),
    )


class KDForwardKLConfig(LogitDistillationConfig):
    """Logit distillation with the forward KL divergence (Hinton et al. 2015)."""


class KDReverseKLConfig(LogitDistillationConfig):
    """Logit distillation with the reverse KL divergence KL(student || teacher)."""


class KDJSDConfig(LogitDistillationConfig):
    """Logit distillation with the generalised Jensen-Shannon divergence of GKD."""

    beta: float = Field(
        0.5, ge=0, le=1,
        description=(
            "Teacher's weight in the mixture m = beta p + (1 - beta) q; the loss is "
            "beta KL(p || m) + (1 - beta) KL(q || m). 0 is the forward KL, 1 the reverse KL."
        ),
    )


class KDTVDConfig(LogitDistillationConfig):
    """Logit distillation with the total variation distance."""


def _skew_field() -> Any:
    return Field(
        0.1, ge=0, lt=1,
        description=(
            "Skew lambda: the share of the distribution being matched that is mixed into the other "
            "side of the divergence (DistiLLM uses 0.1); 0 is the plain divergence."
        ),
    )


class KDSkewForwardKLConfig(LogitDistillationConfig):
    """Logit distillation with the skew forward KL of DistiLLM."""

    skew: float = _skew_field()


class KDSkewReverseKLConfig(LogitDistillationConfig):
    """Logit distillation with the skew reverse KL of DistiLLM."""

    skew: float = _skew_field()


class KDTAIDConfig(LogitDistillationConfig):
    """TAID: distillation toward a teacher interpolated from the student, adaptively over training."""

    alpha: float = Field(
        0.0, ge=0, le=1,
        description=(
            "Weight of the cross-entropy on the gold next token; the distillation term gets "
            "1 - alpha. TAID's authors train with pure distillation (0)."
        ),
    )
    t_start: float = Field(
        0.4, ge=0, lt=1,
        description="Interpolation weight t of the teacher at the first step (the authors' scripts also use 0.2).",
    )
    t_end: float = Field(1.0, gt=0, le=1, description="Largest t, reached at the latest by the last step.")
    t_adapt_rate: float = Field(
        5e-4, ge=0, le=1,
        description=(
            "The paper's alpha: step size of the adaptive increase of t, "
            "alpha * sigmoid(momentum) * (1 - t) per step."
        ),
    )
    t_momentum: float = Field(
        0.99, ge=0, lt=1,
        description="The paper's beta: momentum of the moving average of the loss's relative improvement.",
    )

    @model_validator(mode="after")
    def _t_rises(self) -> "KDTAIDConfig":
        if self.t_start > self.t_end:
            raise ValueError(f"t_start ({self.t_start}) must not exceed t_end ({self.t_end})")
        return self
