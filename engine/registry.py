"""The method registry: every training method by name, with what it needs and where its code is.

Config classes and recipes are named by import path and imported on demand, so listing methods and
their JSON Schemas never imports torch. A new method is one entry here, a config class in
engine.config and a recipe module in engine.recipes.
"""

import importlib
from dataclasses import asdict, dataclass
from typing import Any, Callable, Literal

from pydantic import BaseModel


@dataclass(frozen=True)
class Paper:
    title: str
    url: str


@dataclass(frozen=True)
class Requirements:
    """What a run of the method must provide besides a student and training data."""

    teacher: bool
    reference: bool
    dataset_kinds: tuple[str, ...]


@dataclass(frozen=True)
class MethodInfo:
    name: str
    family: Literal["distillation", "alignment", "continual"]
    description: str
    paper: Paper
    config: str
    """Import path `module:Class` of the pydantic config class (in engine.config)."""
    recipe: str
    """Import path `module:function` of the run function, `run(spec, events, cancel) -> RunResult`."""
    requires: Requirements

    def to_json(self) -> dict[str, Any]:
        """The public description served by `python -m engine methods` and the API."""
        return {
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "paper": asdict(self.paper),
            "requires": {**asdict(self.requires), "dataset_kinds": list(self.requires.dataset_kinds)},
        }


METHODS: dict[str, MethodInfo] = {
    info.name: info
    for info in [
        MethodInfo(
            name="lm_train",
            family="distillation",
            description=(
                "Causal language-model training: the model learns to predict each next token of "
                "a text dataset (cross-entropy, mean over real tokens). Use it to train a teacher "
                "from scratch, to fine-tune a model, or as the no-teacher baseline that a "
                "distilled student is compared against."
            ),
            paper=Paper(
                title="A Neural Probabilistic Language Model (Bengio et al., 2003)",
                url="https://www.jmlr.org/papers/v3/bengio03a.html",
            ),
            config="engine.config:LMTrainConfig",
            recipe="engine.recipes.lm_train:run",
            requires=Requirements(teacher=False, reference=False, dataset_kinds=("text",)),
        ),
        MethodInfo(
            name="kd_forward_kl",
            family="distillation",
            description=(
                "Knowledge distillation with soft targets: at every token the student matches "
                "the frozen teacher's next-token distribution, softened by a temperature T, "
                "through the forward KL divergence KL(teacher || student) scaled by T^2, mixed "
                "with the ordinary cross-entropy on the gold token. Teacher and student must "
                "share a tokenizer."
            ),
            paper=Paper(
                title="Distilling the Knowledge in a Neural Network (Hinton, Vinyals, Dean, 2015)",
                url="https://arxiv.org/abs/1503.02531",
            ),
            config="engine.config:KDForwardKLConfig",
            recipe="engine.recipes.kd_forward_kl:run",
            requires=Requirements(teacher=True, reference=False, dataset_kinds=("text",)),
        ),
    ]
}


class UnknownMethodError(ValueError):
    """Raised for a method name that is not in the registry."""


def list_methods() -> list[MethodInfo]:
    """All registered methods, in registration order."""
    return list(METHODS.values())


def get_method(name: str) -> MethodInfo:
    """The method called `name`; UnknownMethodError names the known ones otherwise."""
    try:
        return METHODS[name]
    except KeyError:
        known = ", ".join(sorted(METHODS))
        raise UnknownMethodError(f"unknown method {name!r}; known methods: {known}") from None


def _import(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def config_class(name: str) -> type[BaseModel]:
    """The pydantic class that validates the method's `config`."""
    return _import(get_method(name).config)


def method_schema(name: str) -> dict[str, Any]:
    """JSON Schema of the method's config (defaults, bounds, descriptions)."""
    return config_class(name).model_json_schema()


def validate_config(name: str, data: dict[str, Any]) -> BaseModel:
    """Validate a config dict for the method; raises pydantic.ValidationError with field paths."""
    return config_class(name).model_validate(data)


def recipe(name: str) -> Callable[..., Any]:
    """The method's run function (imports torch and the method's code)."""
    return _import(get_method(name).recipe)
