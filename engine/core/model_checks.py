"""The run-start side of engine.facts: the facts of the models a recipe loaded, measured, and judged by
the same rules (engine.facts.run_model_problems) that RunSpec validation applies to the facts the
spec carries. A run whose models were not inspected before launch fails here, at start, with the
message the launch would have given."""

from pathlib import Path

import torch
from transformers import PreTrainedTokenizerBase

from engine import registry
from engine.errors import EngineError
from engine.facts import ModelFacts, max_positions, run_model_problems
from engine.models import (_hub_snapshot, causal_lm_of, linear_module_patterns, pretrained_tokenizer,
                           tokenizer_fingerprint)
from engine.spec import ModelSpec, RunSpec, TrainingConfig

_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")


def own_tokenizer(model: ModelSpec, role: str) -> PreTrainedTokenizerBase | None:
    """The tokenizer that came with a model, where inspection finds one (engine.inspect_model): in its
    directory (a soup: its first ingredient's; a hub id: its cached snapshot), or its spec's
    tokenizer for a model built from a config. None when it has none."""
    if model.config is not None:
        location = model.tokenizer
    elif model.path is not None or model.soup is not None:
        location = model.path or model.soup[0]
    else:
        location = _hub_snapshot(model.hub_id, role)
    if location is None or not any((Path(location) / name).is_file() for name in _TOKENIZER_FILES):
        return None
    try:
        return pretrained_tokenizer(location)
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot load the {role}'s tokenizer from {location}: {error}") from None


def measured_facts(model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase | None) -> ModelFacts:
    """The facts of a loaded model with its tokenizer (None: the tokenizer's facts are unknown). A
    PEFT-wrapped model's LoRA targets were checked before wrapping (engine.models.load_student)."""
    lm = causal_lm_of(model)
    return ModelFacts(
        tokenizer_fingerprint=tokenizer_fingerprint(tokenizer) if tokenizer is not None else None,
        vocab_size=lm.get_output_embeddings().weight.shape[0],
        max_positions=max_positions(lm.config),
        has_chat_template=bool(tokenizer.chat_template) if tokenizer is not None else None,
        linear_modules=None if lm is not model else linear_module_patterns(lm),
    )


def check_run_models(spec: RunSpec, tokenizer: PreTrainedTokenizerBase, *, student: torch.nn.Module,
                     teacher: torch.nn.Module | None = None, reference: torch.nn.Module | None = None) -> None:
    """Refuse the loaded models (the student with the run's tokenizer; the teacher with its own, when
    it has one) where engine.facts' rules say they cannot work for this run: EngineError with one
    line `field.path: message` per problem."""
    facts = {"student": measured_facts(student, tokenizer)}
    if teacher is not None:
        assert spec.teacher is not None
        facts["teacher"] = measured_facts(teacher, own_tokenizer(spec.teacher, "teacher"))
    if reference is not None:
        facts["reference"] = measured_facts(reference, None)
    training = getattr(spec.method_config, "training", None)
    problems = run_model_problems(spec, registry.get_method(spec.method).requires,
                                  training if isinstance(training, TrainingConfig) else None, facts)
    if problems:
        raise EngineError("; ".join(f"{'.'.join(map(str, loc))}: {message}" for loc, message, _ in problems))
