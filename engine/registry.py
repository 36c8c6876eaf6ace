"""The method registry: every training method by name, with what it needs and where its code is.

Discovery only: each method family is a package engine.methods.<family> whose catalog module lists
its methods (MethodInfo); the registry reads the catalogs of FAMILIES in order. Config classes and
recipes are named by import path and imported on demand, so listing methods and their JSON Schemas
never imports torch. docs/ENGINE_CONTRACT.md ("Adding a method") says what a new family writes.
"""

import importlib
from typing import Any, Callable

from pydantic import BaseModel

from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

__all__ = ["FAMILIES", "METHODS", "MethodInfo", "Paper", "Requirements", "TOKEN_DATASET_KINDS", "UnknownMethodError",
           "get_method", "list_methods", "config_class", "method_schema", "validate_config", "recipe"]

FAMILIES = ("lm", "distillation", "preference", "rl", "continual")
"""The packages under engine.methods, in the order their methods are listed."""


def _discover() -> dict[str, MethodInfo]:
    methods: dict[str, MethodInfo] = {}
    for family in FAMILIES:
        catalog = f"engine.methods.{family}.catalog"
        for info in importlib.import_module(catalog).METHODS:
            if info.name in methods:
                raise RuntimeError(f"method {info.name!r} is registered twice ({catalog})")
            methods[info.name] = info
    return methods


METHODS: dict[str, MethodInfo] = _discover()



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
