"""The run spec (RunSpec) with its model, data and task specs, and the training config every
method shares (TrainingConfig); each method's own config class is in its family's
engine.methods.<family>.config and is named by the registry.

The webapp validates run specs with these same classes and the frontend builds its forms from
their JSON Schema, so this module never imports torch (PyYAML is imported only to read a YAML
spec). Every field has a description and bounds; unknown fields are errors.

Over 400 lines on purpose: it is one idea, the spec a run is started from, whose parts are
validated together (RunSpec's cross-field checks read ModelSpec, DataSpec and TrainingConfig), and
most of its length is the field descriptions the API and the UI show.
"""

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from engine.errors import SpecError
from engine.facts import ModelFacts, run_model_problems


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrainingConfig(_Config):
    """Optimisation, batching, evaluation and checkpointing settings shared by every method."""

    max_steps: int = Field(
        200, ge=1, le=10_000_000,
        description="Number of optimizer steps to train for.",
    )
    batch_size: int = Field(
        8, ge=1, le=65_536,
        description="Sequences of block_size tokens per micro-batch.",
    )
    gradient_accumulation_steps: int = Field(
        1, ge=1, le=4096,
        description=(
            "Micro-batches whose gradients are summed before each optimizer step; an optimizer "
            "step sees batch_size x gradient_accumulation_steps sequences."
        ),
    )
    learning_rate: float = Field(
        1e-3, gt=0, le=1,
        description=(
            "Peak learning rate of AdamW, reached after warmup. 1e-3 suits tiny models trained "
            "from scratch; fine-tuning a pretrained model usually wants 1e-5 to 1e-4."
        ),
    )
    weight_decay: float = Field(
        0.01, ge=0, le=1,
        description="AdamW decoupled weight decay, applied to weight matrices only (not to biases, norms).",
    )
    warmup_steps: int = Field(
        10, ge=0, le=10_000_000,
        description="Steps over which the learning rate rises linearly from 0 to learning_rate.",
    )
    lr_scheduler: Literal["cosine", "linear", "constant"] = Field(
        "cosine",
        description="Learning-rate decay after warmup: cosine or linear decay to 0 at max_steps, or constant.",
    )
    max_grad_norm: float = Field(
        1.0, ge=0, le=1e6,
        description="Clip the global gradient norm to this value before each step; 0 turns clipping off.",
    )
    block_size: int = Field(
        128, ge=2, le=1_048_576,
        description=(
            "Tokens per training sequence. Documents are tokenized, joined with the EOS token and "
            "cut into blocks of this length; must not exceed the model's maximum positions."
        ),
    )
    eval_every: int = Field(
        50, ge=0, le=10_000_000,
        description=(
            "Evaluate on the validation data every this many steps (and always after the last "
            "step); 0 evaluates only after the last step."
        ),
    )
    eval_batches: int = Field(
        8, ge=1, le=1_000_000,
        description="Validation batches of batch_size sequences per evaluation (fewer if the split is smaller).",
    )
    checkpoint_every: int = Field(
        100, ge=0, le=10_000_000,
        description=(
            "Save a resumable checkpoint every this many steps; 0 saves one only when the run is "
            "cancelled."
        ),
    )
    keep_last_checkpoints: int = Field(
        2, ge=1, le=1000,
        description="Number of most recent checkpoints kept on disk; older ones are deleted.",
    )
    log_every: int = Field(
        10, ge=1, le=10_000_000,
        description="Report training metrics and progress every this many steps (averaged over them).",
    )
    mixed_precision: Literal["no", "bf16"] = Field(
        "no",
        description=(
            "'bf16' runs the forward passes under bfloat16 autocast (weights, gradients and "
            "optimizer state stay float32) and keeps a teacher in bfloat16; meant for GPUs with "
            "bfloat16 support. 'no' computes everything in float32."
        ),
    )
    gradient_checkpointing: bool = Field(
        False,
        description=(
            "Recompute the student's layer activations during the backward pass instead of keeping "
            "them: less memory for about a third more compute."
        ),
    )
    lora_rank: int = Field(
        0, ge=0, le=4096,
        description=(
            "Train LoRA adapters of this rank on the student instead of all its weights (PEFT); 0 "
            "trains every weight. The final model has the adapters merged in."
        ),
    )
    lora_alpha: float = Field(
        16.0, gt=0, le=1e6,
        description="LoRA scaling numerator: the adapter update is scaled by lora_alpha / lora_rank.",
    )
    lora_dropout: float = Field(0.0, ge=0, lt=1, description="Dropout on the LoRA adapters' input.")
    lora_target_modules: list[str] | None = Field(
        None,
        description=(
            "Names of the student's linear layers that get adapters, e.g. ['q_proj', 'v_proj']; "
            "null uses PEFT's default for the architecture. The output layer cannot be one of them."
        ),
    )
    early_stopping_patience: int = Field(
        0, ge=0, le=1_000_000,
        description=(
            "Stop when early_stopping_metric has not improved for this many evaluations in a row "
            "(evaluations happen every eval_every steps); 0 never stops early. Needs validation data. "
            "With early stopping on, the final model holds the weights of the best evaluation."
        ),
    )
    early_stopping_metric: Literal[
        "eval/loss", "eval/perplexity", "eval/ece", "eval/kl", "eval/top1_agreement", "eval/accuracy",
        "eval/margin",
    ] = Field(
        "eval/loss",
        description=(
            "Validation metric watched by early stopping; eval/top1_agreement, eval/accuracy and "
            "eval/margin must rise, the others fall. eval/kl and eval/top1_agreement need a teacher "
            "(eval/kl is the KL to the reference for preference methods); eval/accuracy and "
            "eval/margin are reported by preference methods only."
        ),
    )
    early_stopping_min_delta: float = Field(
        0.0, ge=0, le=1e6,
        description="Smallest change of early_stopping_metric that counts as an improvement.",
    )
    eval_samples: int = Field(
        3, ge=0, le=64,
        description=(
            "At every evaluation, greedily generate completions for this many fixed prompts taken "
            "from the start of the validation data and save them as a 'samples' artifact; 0 turns "
            "samples off."
        ),
    )
    sample_max_new_tokens: int = Field(
        32, ge=1, le=4096,
        description="Most tokens generated per sample (fewer if the block_size would be exceeded).",
    )

    @model_validator(mode="after")
    def _warmup_fits_in_training(self) -> "TrainingConfig":
        if self.warmup_steps > self.max_steps:
            raise ValueError(
                f"warmup_steps ({self.warmup_steps}) must not exceed max_steps ({self.max_steps}): "
                "lower warmup_steps or raise max_steps"
            )
        return self

    @property
    def early_stopping_maximises(self) -> bool:
        return self.early_stopping_metric in ("eval/top1_agreement", "eval/accuracy", "eval/margin")


def _training_field() -> Any:
    return Field(default_factory=TrainingConfig, description="Optimisation and bookkeeping settings.")


class ModelSpec(_Config):
    """Where a model comes from: exactly one of a local directory, a hub id, a config dict or a soup."""

    path: str | None = Field(
        None, min_length=1,
        description="A local model directory written by save_pretrained (config.json and weights).",
    )
    hub_id: str | None = Field(
        None, min_length=1,
        description=(
            "A Hugging Face Hub id such as 'gpt2'. Refused unless allow_hub is true, and then "
            "read from the local cache only: the engine never downloads."
        ),
    )
    allow_hub: bool = Field(False, description="Allow hub_id (read from the local Hugging Face cache only).")
    config: dict[str, Any] | None = Field(
        None,
        description=(
            "A Hugging Face config dict with a 'model_type', e.g. {'model_type': 'llama', "
            "'hidden_size': 64, ...}: the model is built from scratch with random weights drawn "
            "from the run's seed. Needs a tokenizer."
        ),
    )
    soup: list[str] | None = Field(
        None, min_length=2, max_length=64,
        description=(
            "Two or more local model directories of the same architecture (checkpoints of one run, "
            "or fine-tunes of one base model): the model is their uniform weight average, a "
            "'model soup' (Wortsman et al. 2022), e.g. the SALSA reference of two SFT models."
        ),
    )
    tokenizer: str | None = Field(
        None, min_length=1,
        description="Tokenizer directory for a model built from 'config' (or the run's 'tokenizer').",
    )
    facts: ModelFacts | None = Field(
        None,
        description=(
            "What is known about the model before it is loaded (the web fills it from its inspection): "
            "the run is refused at once when they show it cannot work (another tokenizer than the "
            "student's, a block_size beyond its positions, ...), else the engine checks at run start."
        ),
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> "ModelSpec":
        sources = [name for name in ("path", "hub_id", "config", "soup") if getattr(self, name) is not None]
        if len(sources) != 1:
            raise ValueError(
                "a model spec needs exactly one of 'path', 'hub_id', 'config' or 'soup', "
                f"got {sources or 'none'}"
            )
        if self.hub_id is not None and not self.allow_hub:
            raise ValueError(
                f"hub_id {self.hub_id!r} is refused because allow_hub is false: give a local "
                "'path' instead, or set allow_hub to true if the model is in the local "
                "Hugging Face cache"
            )
        if self.config is not None and not isinstance(self.config.get("model_type"), str):
            raise ValueError(
                "'config' needs a 'model_type' string such as 'llama' or 'gpt2' to know which "
                "architecture to build"
            )
        return self


class DataSpec(_Config):
    """A dataset file."""

    path: str = Field(
        min_length=1,
        description=(
            "A JSON Lines file, one object per line, all of one kind: {'text': ...} (packed into "
            "blocks), {'prompt': ..., 'completion': ...} (loss on the completion only) or "
            "{'messages': [{'role': ..., 'content': ...}, ...]} (chat template; loss on assistant turns only)."
        ),
    )
    format: Literal["jsonl"] = Field("jsonl", description="File format; only JSON Lines for now.")
    kind: str | None = Field(
        None, min_length=1, max_length=40,
        description=(
            "The dataset's kind as its registry knows it (text, prompt-completion, chat, preference, "
            "...): checked against the kinds the method trains on. Leave it out to skip the check "
            "(the engine reads the rows as they are)."
        ),
    )


class TaskSpec(_Config):
    """One task of a continual-learning sequence: its training data and its validation split."""

    name: str = Field(min_length=1, max_length=100,
                      description="Short task name shown in the metrics and the R matrix.")
    train_data: DataSpec = Field(description="The task's training data.")
    validation_data: DataSpec = Field(
        description="The task's held-out data, evaluated after every task to fill the R matrix."
    )


class FenceSpec(_Config):
    """Which attempt of a run may write to its output directory (the fencing token of the worker
    that started this engine)."""

    file: str = Field(
        min_length=1,
        description="A file holding the number of the newest attempt of the run (written when an attempt starts).",
    )
    attempt: int = Field(ge=0, le=2**31 - 1, description="This engine's attempt.")


class RunSpec(_Config):
    """One training run: the method, its config, the models and data it uses, where it writes."""

    method: str = Field(description="Registered method name (python -m engine methods).")
    seed: int = Field(
        0, ge=0, le=2**32 - 1,
        description="Seed for model initialisation, data order and every random choice of the run.",
    )
    output_dir: str = Field(
        min_length=1,
        description="Directory for checkpoints/ and final/ (created if missing).",
    )
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="The method's hyperparameters, validated by its config class (python -m engine schema METHOD).",
    )
    student: ModelSpec = Field(description="The model being trained.")
    teacher: ModelSpec | None = Field(None, description="The frozen teacher, for methods that require one.")
    reference: ModelSpec | None = Field(
        None,
        description=(
            "The frozen reference policy of alignment methods (the pi_ref of DPO and the KL "
            "penalty): a registered model or a soup of checkpoints; default: a frozen copy of the "
            "student as it starts (the initial policy)."
        ),
    )
    train_data: DataSpec | None = Field(
        None, description="Training data (every method except continual learning, which reads 'tasks')."
    )
    tasks: list[TaskSpec] | None = Field(
        None, min_length=2, max_length=64,
        description="Continual learning: the ordered task sequence, trained one task after the other.",
    )
    replay_data: DataSpec | None = Field(
        None,
        description=(
            "Continual learning: general text replayed alongside every task (GeRe-style general "
            "replay), when the method's replay source is 'general'."
        ),
    )
    validation_data: DataSpec | None = Field(
        None,
        description=(
            "Held-out data of the same kind as train_data, for the eval/ metrics and the samples; "
            "no evaluation without it."
        ),
    )
    tokenizer: str | None = Field(
        None, min_length=1,
        description="Tokenizer directory; default: the student's tokenizer, then the student's directory.",
    )
    resume_from: str | None = Field(
        None, min_length=1,
        description="A checkpoint directory (OUTPUT_DIR/checkpoints/step-N) to continue exactly from.",
    )
    fence: FenceSpec | None = Field(
        None,
        description=(
            "Checkpoints, the best and the final model are written only while fence.file names no newer "
            "attempt than fence.attempt; otherwise the engine fails at once, writing nothing, so an engine "
            "of an earlier attempt cannot overwrite the directory a newer attempt resumes from."
        ),
    )

    _method_config: BaseModel = PrivateAttr()

    @model_validator(mode="wrap")
    @classmethod
    def _check_against_method(cls, data: Any, handler: Any) -> "RunSpec":
        # The method's requirements and config class live in the registry, so these checks run
        # after the plain fields validate; their errors keep dotted paths such as
        # config.training.max_steps so that the API can point at the offending field.
        from engine import registry

        spec = handler(data)
        try:
            method = registry.get_method(spec.method)
        except registry.UnknownMethodError as error:
            raise _spec_validation_error([(("method",), str(error), spec.method)]) from None

        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        try:
            spec._method_config = registry.validate_config(spec.method, spec.config)
        except ValidationError as error:
            problems += [(("config", *e["loc"]), e["msg"], e["input"]) for e in error.errors()]
        if method.requires.tasks:
            if spec.tasks is None:
                problems.append((("tasks",), f"method {spec.method!r} trains on a sequence of tasks: add "
                                 "'tasks': [{'name': ..., 'train_data': ..., 'validation_data': ...}, ...]", None))
            for field in ("train_data", "validation_data"):
                if getattr(spec, field) is not None:
                    problems.append(((field,), f"method {spec.method!r} reads its data from 'tasks': remove "
                                     f"'{field}'", getattr(spec, field).model_dump()))
        else:
            if spec.train_data is None:
                problems.append((("train_data",), f"method {spec.method!r} needs training data: add "
                                 "'train_data': {'path': ...}", None))
            for field in ("tasks", "replay_data"):
                if getattr(spec, field) is not None:
                    problems.append(((field,), f"method {spec.method!r} is not a continual-learning "
                                     f"method: remove '{field}'", None))
        # A method config may check the spec's other fields too (e.g. cl_replay's replay_data).
        spec_problems = getattr(getattr(spec, "_method_config", None), "run_spec_problems", None)
        if spec_problems is not None:
            problems += spec_problems(spec)
        problems += _dataset_kind_problems(spec, method)
        if spec.reference is not None and not method.requires.reference:
            problems.append((("reference",), f"method {spec.method!r} does not use a reference model: "
                             "remove 'reference'", spec.reference.model_dump()))
        if method.requires.teacher and spec.teacher is None:
            problems.append((("teacher",), f"method {spec.method!r} needs a teacher model: add "
                             "'teacher': {'path': ...}", None))
        if not method.requires.teacher and spec.teacher is not None:
            problems.append((("teacher",), f"method {spec.method!r} does not use a teacher: "
                             "remove 'teacher'", spec.teacher.model_dump()))
        training = getattr(spec._method_config, "training", None) if not problems else None
        if isinstance(training, TrainingConfig) and training.early_stopping_patience:
            if spec.validation_data is None and spec.tasks is None:
                problems.append((("validation_data",), "early stopping (config.training."
                                 "early_stopping_patience) watches a validation metric: add "
                                 "'validation_data' or set early_stopping_patience to 0", None))
            preference = "preference" in method.requires.dataset_kinds
            kl_to_reference = preference and method.requires.reference and training.early_stopping_metric == "eval/kl"
            if (training.early_stopping_metric in ("eval/kl", "eval/top1_agreement") and not method.requires.teacher
                    and not kl_to_reference):
                problems.append((("config", "training", "early_stopping_metric"),
                                 f"{training.early_stopping_metric} compares the student with a teacher, "
                                 f"and method {spec.method!r} has none: watch eval/loss instead",
                                 training.early_stopping_metric))
            if preference and training.early_stopping_metric in ("eval/perplexity", "eval/ece"):
                problems.append((("config", "training", "early_stopping_metric"),
                                 f"method {spec.method!r} evaluates preference pairs and does not report "
                                 f"{training.early_stopping_metric}: watch eval/loss, eval/accuracy or eval/margin",
                                 training.early_stopping_metric))
            if not preference and training.early_stopping_metric in ("eval/accuracy", "eval/margin"):
                problems.append((("config", "training", "early_stopping_metric"),
                                 f"{training.early_stopping_metric} is reported by preference methods only, "
                                 f"not by {spec.method!r}: watch eval/loss instead", training.early_stopping_metric))
        problems += _model_fact_problems(spec, method)
        for role in ("student", "teacher", "reference"):
            model = getattr(spec, role)
            if model is not None and model.config is not None and model.tokenizer is None and spec.tokenizer is None:
                problems.append(((role, "tokenizer"), f"the {role} is built from 'config' and needs "
                                 f"a tokenizer directory: set {role}.tokenizer or the run's 'tokenizer'", None))
        if problems:
            raise _spec_validation_error(problems)
        return spec

    @property
    def method_config(self) -> BaseModel:
        """The validated instance of the method's config class built from `config`."""
        return self._method_config


def _model_fact_problems(spec: "RunSpec", method: Any) -> list[tuple[tuple[str | int, ...], str, Any]]:
    """What the facts the models carry (ModelSpec.facts) show cannot work (engine.facts)."""
    training = getattr(getattr(spec, "_method_config", None), "training", None)
    facts = {role: getattr(spec, role).facts for role in ("student", "teacher", "reference")
             if getattr(spec, role) is not None}
    return run_model_problems(spec, method.requires, training if isinstance(training, TrainingConfig) else None, facts)


def _dataset_kind_problems(spec: "RunSpec", method: Any) -> list[tuple[tuple[str | int, ...], str, Any]]:
    """Data whose declared kind the method does not train on: every task's data of a continual run
    (with general text for replay), train and validation data otherwise. Data without a kind is not
    judged here."""
    kinds = method.requires.dataset_kinds
    located: list[tuple[tuple[str | int, ...], DataSpec | None]] = []
    if method.requires.tasks:
        for index, task in enumerate(spec.tasks or ()):
            located += [(("tasks", index, "train_data"), task.train_data),
                        (("tasks", index, "validation_data"), task.validation_data)]
    else:
        located += [(("train_data",), spec.train_data), (("validation_data",), spec.validation_data)]
    problems: list[tuple[tuple[str | int, ...], str, Any]] = []
    for loc, data in located:
        if data is not None and data.kind is not None and kinds and data.kind not in kinds:
            problems.append(((*loc, "kind"), f"method {spec.method!r} trains on {' or '.join(kinds)} data, "
                             f"not {data.kind} data", data.kind))
    if method.requires.tasks and spec.replay_data is not None and spec.replay_data.kind not in (None, "text"):
        problems.append((("replay_data", "kind"), "replay data is general text replayed alongside every task, "
                         f"not {spec.replay_data.kind} data", spec.replay_data.kind))
    return problems


def _spec_validation_error(problems: list[tuple[tuple[str | int, ...], str, Any]]) -> ValidationError:
    return ValidationError.from_exception_data(
        "RunSpec",
        [
            InitErrorDetails(type=PydanticCustomError("run_spec", message), loc=loc, input=value)
            for loc, message, value in problems
        ],
    )


def format_validation_error(error: ValidationError) -> str:
    """One line per problem, `dotted.field.path: message`, for people reading a terminal."""
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"]) or "(spec)"
        lines.append(f"  {path}: {problem['msg']}")
    return "\n".join(lines)


def load_run_spec(path: str | Path) -> RunSpec:
    """Read and validate a run spec from a .json, .yaml or .yml file; raise SpecError on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"cannot read the run spec {path}: {error.strerror}") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise SpecError(f"{path} is not valid YAML: {error}") from None
    elif path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(f"{path} is not valid JSON: {error}") from None
    else:
        raise SpecError(f"{path}: a run spec must be a .json, .yaml or .yml file")
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a run spec must be a mapping of fields, got {type(data).__name__}")
    try:
        return RunSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError(f"{path} is not a valid run spec:\n{format_validation_error(error)}") from None
