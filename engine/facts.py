"""What is known about a model before a run loads it (ModelFacts), and the rules a run's models must
satisfy that follow from those facts: a token-level teacher speaks the student's tokenizer, a
reference has the student's vocabulary, block_size fits every model's positions, the LoRA targets
are layers the student has, and chat data meets a tokenizer with a chat template.

run_model_problems decides them in one place. RunSpec validation calls it with the facts a spec
carries (the web fills them from the registry's inspection of each model), and the engine calls it
at run start with the facts of the models it loaded (engine.models.check_run_models), so a run is
refused at launch or at start with the same message. An unknown fact (None) decides nothing: older
models without it are judged when the run starts. Torch-free: the web tier imports it.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Problem = tuple[tuple[str | int, ...], str, Any]
"""(field path in the run spec, message, offending value), as RunSpec validation reports it."""

_LISTED_LAYERS = 24


class ModelFacts(BaseModel):
    """Facts about a model, from an inspection of it (python -m engine.inspect_model) or measured by
    the engine from the loaded model. Every fact is optional; a missing one is not checked."""

    model_config = ConfigDict(extra="forbid")

    tokenizer_fingerprint: str | None = Field(
        None, min_length=1, max_length=128,
        description=(
            "engine.models.tokenizer_fingerprint of the model's tokenizer (for the student: the run's "
            "tokenizer). Token-level methods need the teacher's to equal the student's."
        ),
    )
    vocab_size: int | None = Field(
        None, ge=1,
        description="Rows of the model's output layer (padding rows included).",
    )
    max_positions: int | None = Field(
        None, ge=1,
        description="The longest sequence the model takes (its config's max_position_embeddings or n_positions).",
    )
    has_chat_template: bool | None = Field(
        None, description="Whether the model's tokenizer has a chat template (chat data needs one).",
    )
    linear_modules: list[str] | None = Field(
        None, max_length=10_000,
        description=(
            "The model's linear layers that can take LoRA adapters, as module paths with layer numbers "
            "written '*' (e.g. 'model.layers.*.self_attn.q_proj'); the output layer is not among them."
        ),
    )


def max_positions(config: Any) -> int | None:
    """The longest sequence a transformers config allows, None when it sets no limit."""
    value = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    return int(value) if value else None


def module_pattern(name: str) -> str:
    """A dotted module path with every layer number written '*': model.layers.3.mlp -> model.layers.*.mlp."""
    return ".".join("*" if part.isdigit() else part for part in name.split("."))


def teacher_tokenizer_problem(teacher_fingerprint: str | None, student_fingerprint: str | None) -> str | None:
    if teacher_fingerprint and student_fingerprint and teacher_fingerprint != student_fingerprint:
        return ("the teacher uses another tokenizer than the student (their vocabularies differ): token-level "
                "distillation compares the two models' next-token distributions token id by token id, so it needs "
                "a shared vocabulary. Choose a teacher with the student's tokenizer, or use sequence-level KD, "
                "seq_kd, instead (the teacher writes text and the student learns it)")
    return None


def reference_vocabulary_problem(reference_rows: int | None, student_rows: int | None) -> str | None:
    if reference_rows and student_rows and reference_rows != student_rows:
        return (f"the reference has an output vocabulary of {reference_rows} tokens and the student of {student_rows}: "
                "the reference scores the policy's tokens, so it needs the student's vocabulary (tokenizer). Choose "
                "the student's base or SFT model, or leave the reference out to use the initial policy")
    return None


def block_size_problem(block_size: int, positions: int | None, role: str) -> str | None:
    if positions is not None and block_size > positions:
        return (f"block_size {block_size} exceeds the {role}'s maximum positions ({positions}, its config's "
                f"max_position_embeddings): lower config.training.block_size to {positions} or less")
    return None


def lora_targets_problem(targets: list[str] | None, linear_modules: list[str] | None) -> str | None:
    """Targets that match none of the student's linear layers, the way PEFT matches a list of names
    (a module path equal to the name or ending in '.name'; layer numbers count as '*')."""
    if not targets or linear_modules is None:
        return None
    missing = [target for target in targets
               if not any(path == module_pattern(target) or path.endswith("." + module_pattern(target))
                          for path in linear_modules)]
    if not missing:
        return None
    names = sorted({path.rsplit(".", 1)[-1] for path in linear_modules})
    listed = ", ".join(names[:_LISTED_LAYERS]) + (", ..." if len(names) > _LISTED_LAYERS else "")
    return (f"the student has no linear layer named {', '.join(repr(name) for name in missing)} to put LoRA "
            f"adapters on (its linear layers: {listed or 'none'}; the output layer takes none): set "
            "config.training.lora_target_modules to some of these, or to null for PEFT's default for the architecture")


def chat_template_problem(has_chat_template: bool | None, whose: str) -> str | None:
    """`whose`: the tokenizer in the user's words, e.g. "the student's tokenizer"."""
    if has_chat_template is False:
        return (f"{whose} has no chat template, which chat data needs to render its conversations: choose a chat "
                "model (one whose tokenizer_config.json has a chat_template), or convert the rows to "
                "prompt-completion pairs")
    return None


def _chat_data(spec: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """Where the spec declares chat data (DataSpec.kind), with the data."""
    located: list[tuple[tuple[str | int, ...], Any]] = [(("train_data",), spec.train_data),
                                                       (("validation_data",), spec.validation_data)]
    for index, task in enumerate(spec.tasks or ()):
        located += [(("tasks", index, "train_data"), task.train_data),
                    (("tasks", index, "validation_data"), task.validation_data)]
    return [(loc, data) for loc, data in located if data is not None and data.kind == "chat"]


def run_model_problems(spec: Any, requires: Any, training: Any,
                       facts: Mapping[str, ModelFacts | None]) -> list[Problem]:
    """What the facts of the run's models (by role: student, teacher, reference; a role without facts
    is not judged) say is wrong with the run spec `spec` of a method with `requires`
    (engine.method_info.Requirements) and training config `training` (None: not judged).

    A teacher is judged as token-level methods use it when requires.shared_vocabulary (its tokenizer,
    its positions), as a writer of text otherwise (its chat template, for chat training data).
    """
    none = ModelFacts()
    student, teacher, reference = (facts.get(role) or none for role in ("student", "teacher", "reference"))
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str | None, value: Any = None) -> None:
        if message is not None:
            problems.append((loc, message, value))

    token_teacher = requires.teacher and requires.shared_vocabulary
    if token_teacher:
        add(("teacher",), teacher_tokenizer_problem(teacher.tokenizer_fingerprint, student.tokenizer_fingerprint))
    add(("reference",), reference_vocabulary_problem(reference.vocab_size, student.vocab_size))
    if training is not None:
        block = ("config", "training", "block_size")
        roles = [("student", student), ("reference", reference)] + ([("teacher", teacher)] if token_teacher else [])
        for role, known in roles:
            add(block, block_size_problem(training.block_size, known.max_positions, role), training.block_size)
        if training.lora_rank:
            targets = training.lora_target_modules
            add(("config", "training", "lora_target_modules"), lora_targets_problem(targets, student.linear_modules),
                targets)
    for loc, data in _chat_data(spec):
        add(loc, chat_template_problem(student.has_chat_template, "the student's tokenizer"), data.path)
        if requires.teacher and not requires.shared_vocabulary and loc == ("train_data",):
            add(("teacher",), chat_template_problem(teacher.has_chat_template, "the teacher's tokenizer"))
    return problems
