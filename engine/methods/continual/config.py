"""Configs of the continual-learning methods (torch-free, like engine.spec).

Every continual method trains one model on the run's task sequence (RunSpec.tasks), one task
after the other, for `steps_per_task` optimizer steps each. Each task starts a fresh AdamW
optimizer and a fresh learning-rate schedule (warmup, then decay to the end of the task), as if
each task were its own fine-tuning run started from the model the previous task left; steps are
numbered globally, task i covering steps i * steps_per_task + 1 .. (i + 1) * steps_per_task.
"""

from typing import Any, Literal

from pydantic import Field, model_validator

from engine.spec import TrainingConfig, _Config, _training_field


class ContinualConfig(_Config):
    """Fields shared by every continual-learning method."""

    training: TrainingConfig = _training_field()
    steps_per_task: int | None = Field(
        None, ge=1, le=10_000_000,
        description=(
            "Optimizer steps trained on each task; default: training.max_steps. Each task gets a "
            "fresh AdamW optimizer and a fresh learning-rate schedule (training.warmup_steps, then "
            "decay over the task); the run lasts steps_per_task x the number of tasks steps. When "
            "both are given they must be equal."
        ),
    )
    chunk_size: int = Field(
        256, ge=1, le=1_048_576,
        description=(
            "Tokens whose logits are computed at once when evaluating the tasks (and in LwF's "
            "distillation term); values do not depend on it, memory grows with it."
        ),
    )

    @model_validator(mode="after")
    def _steps_are_per_task(self) -> "ContinualConfig":
        training = self.training
        if self.steps_per_task is None:
            self.steps_per_task = training.max_steps
        elif "max_steps" in training.model_fields_set and training.max_steps != self.steps_per_task:
            raise ValueError(
                f"training.max_steps ({training.max_steps}) and steps_per_task ({self.steps_per_task}) "
                "disagree: continual methods train the same number of steps on every task, so give "
                "one of them, or the same value to both"
            )
        if training.warmup_steps > self.steps_per_task:
            raise ValueError(
                f"training.warmup_steps ({training.warmup_steps}) must not exceed steps_per_task "
                f"({self.steps_per_task}): the schedule restarts with every task"
            )
        if training.lora_rank:
            raise ValueError(
                "continual methods train all of the model's weights (their strategies compare, "
                "freeze or average them): set training.lora_rank to 0"
            )
        # From here on training.max_steps is the length of one task's schedule.
        self.training = training.model_copy(update={"max_steps": self.steps_per_task})
        return self

    def run_spec_problems(self, spec: Any) -> list[tuple[tuple[str | int, ...], str, Any]]:
        """Problems with the run spec's other fields, as (field path, message, value); RunSpec reports them."""
        if spec.replay_data is not None:
            return [(("replay_data",), f"method {spec.method!r} does not replay general data: remove "
                     "'replay_data' (it is read by cl_replay with replay_source 'general')", None)]
        return []


class CLSequentialConfig(ContinualConfig):
    """Plain sequential fine-tuning on the tasks, the baseline every other method is compared with."""


class CLReplayConfig(ContinualConfig):
    """Experience replay: every batch carries replayed examples from earlier tasks or from general text."""

    replay_source: Literal["previous_tasks", "general"] = Field(
        "previous_tasks",
        description=(
            "'previous_tasks' replays training examples of the tasks already finished (nothing on "
            "the first task); 'general' replays the run's replay_data on every task (GeRe)."
        ),
    )
    replay_buffer_size: int = Field(
        1000, ge=1, le=10_000_000,
        description=(
            "Examples (token blocks or rows) kept for replay: with 'previous_tasks' shared equally "
            "by the finished tasks, each contributing a seeded random subset of its training data; "
            "with 'general' a seeded random subset of replay_data (GeRe uses 1,000)."
        ),
    )
    replay_per_batch: int = Field(
        2, ge=1, le=65_536,
        description=(
            "Replayed examples added to every micro-batch of training.batch_size task examples. "
            "The loss is (CE_task + CE_replay) / 2, so the ratio sets how many replay examples "
            "the replay half of the loss is estimated from."
        ),
    )
    tm_weight: float | Literal["dy"] = Field(
        0.0,
        description=(
            "GeRe's threshold-based margin (TM) loss on the last hidden states of the replayed "
            "examples, with replay_source 'general' only: a number is its fixed weight w (0 turns "
            "it off; GeRe uses 1 or 100), 'dy' sets w = CE / TM each step (both detached)."
        ),
    )

    def run_spec_problems(self, spec: Any) -> list[tuple[tuple[str | int, ...], str, Any]]:
        if self.replay_source == "general" and spec.replay_data is None:
            return [(("replay_data",), "cl_replay with replay_source 'general' replays the run's replay_data: "
                     "add 'replay_data': {'path': ...}, or set replay_source to 'previous_tasks'", None)]
        if self.replay_source == "previous_tasks" and spec.replay_data is not None:
            return [(("replay_data",), "replay_data is only read with replay_source 'general': remove "
                     "'replay_data' or set config.replay_source to 'general'", None)]
        return []

    @model_validator(mode="after")
    def _margin_needs_general_replay(self) -> "CLReplayConfig":
        if isinstance(self.tm_weight, float) and not 0 <= self.tm_weight <= 1e6:
            raise ValueError(f"tm_weight must be between 0 and 1e6 or 'dy', got {self.tm_weight}")
        if self.tm_weight != 0.0 and self.replay_source != "general":
            raise ValueError(
                "tm_weight needs replay_source 'general': GeRe's margin loss keeps the hidden states "
                "of the initial model on a fixed general replay set; set tm_weight to 0 or replay "
                "'general' data"
            )
        return self


class CLLwFConfig(ContinualConfig):
    """Learning without Forgetting: distil the model as it was before the task while learning it."""

    lwf_weight: float = Field(
        1.0, ge=0, le=1e6,
        description=(
            "lambda: weight of the distillation term; the loss is CE + lambda T^2 KL(p_old || q) "
            "on the current task's target tokens."
        ),
    )
    temperature: float = Field(
        2.0, gt=0, le=100,
        description="Softmax temperature T of both models in the distillation term (Li & Hoiem use 2).",
    )
    distill_on_first_task: bool = Field(
        False,
        description=(
            "Also distil on the first task, from the initial model: worthwhile when the initial "
            "model is pretrained and its general behaviour should be kept; off, the first task "
            "trains with the plain cross-entropy."
        ),
    )


class CLEWCConfig(ContinualConfig):
    """Elastic weight consolidation with a diagonal Fisher."""

    ewc_lambda: float = Field(
        100.0, ge=0, le=1e12,
        description=(
            "lambda of the penalty (lambda / 2) sum_k F_k (theta_k - theta*_k)^2 added to the task "
            "loss. The Fisher of a language model's mean token loss is small, so useful values "
            "are often large (10^2 to 10^6)."
        ),
    )
    fisher_batches: int = Field(
        8, ge=1, le=1_000_000,
        description=(
            "N: batches of training.batch_size examples of the finished task's training data whose "
            "squared log-likelihood gradients are averaged into the diagonal Fisher."
        ),
    )
    fisher_decay: float = Field(
        1.0, ge=0, le=1,
        description=(
            "gamma of online EWC: after each task F <- gamma F + F_task and the anchor theta* "
            "moves to the weights at the task's end. 1 sums the Fishers of all finished tasks; "
            "0 keeps only the last task's."
        ),
    )


class CLHFTConfig(ContinualConfig):
    """Half Fine-Tuning: freeze a fresh random half of each layer's parameters for every task."""


class CLWeightAveragingConfig(ContinualConfig):
    """Weight-space merging after every task: WiSE-FT with the task's starting model, or model soups."""

    averaging: Literal["wise_ft", "uniform_soup", "greedy_soup"] = Field(
        "wise_ft",
        description=(
            "'wise_ft': after each task the weights become (1 - wise_ft_alpha) theta_start + "
            "wise_ft_alpha theta_task, theta_start the model the task started from. "
            "'uniform_soup': the mean of the models fine-tuned on every task so far. "
            "'greedy_soup': those models sorted by held-out accuracy (mean over the tasks seen so "
            "far), each added to the soup only if it strictly raises the soup's held-out accuracy; "
            "held out: the last quarter (at least one block) of each task's validation data, kept "
            "apart from the rest, which alone fills the reported task matrix. "
            "The next task trains from the merged model."
        ),
    )
    wise_ft_alpha: float = Field(
        0.5, ge=0, le=1,
        description="WiSE-FT mixing weight of the fine-tuned model: 0 keeps the starting model, 1 the fine-tuned one.",
    )
