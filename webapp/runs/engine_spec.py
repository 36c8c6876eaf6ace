"""The engine's run spec (engine.config.RunSpec) of a run: how registered models and datasets become
model and data specs. The worker writes it before it starts the engine; the web tier validates the
same spec with the engine's own RunSpec when a run is created, so every cross-field rule of the
engine (a method config's own checks included) is a 400 at launch rather than a failed run later.
Importing engine.config costs no torch."""
from __future__ import annotations

from webapp.common.errors import Invalid
from webapp.registry.models import Dataset, DatasetKind, ModelAsset, ModelSource


def model_spec(model: ModelAsset) -> dict:
    """A directory, a config with its tokenizer, a hub id (the engine reads it from its local cache,
    hence allow_hub), or a soup of the ingredients' directories (in order) with the first
    ingredient's tokenizer (a soup has no directory of its own)."""
    if model.source == ModelSource.IMPORTED:
        raise Invalid(f"Model '{model.name}' came with imported run history and has no weights here.")
    if model.source == ModelSource.CONFIG:
        return {"config": model.config, "tokenizer": model.tokenizer_path}
    if model.source == ModelSource.HUB:
        return {"hub_id": model.hub_id, "allow_hub": True}
    if model.source == ModelSource.SOUP:
        links = model.ingredient_links.select_related("ingredient").order_by("position")
        spec: dict = {"soup": [link.ingredient.path for link in links]}
        if model.tokenizer_path:
            spec["tokenizer"] = model.tokenizer_path
        return spec
    return {"path": model.path}


def data_spec(dataset: Dataset) -> dict:
    return {"path": dataset.file, "format": dataset.format}


def run_spec(*, method: str, seed: int, config: dict, output_dir: str, student: ModelAsset,
             train_dataset: Dataset, teacher: ModelAsset | None = None, reference: ModelAsset | None = None,
             validation_dataset: Dataset | None = None, replay_dataset: Dataset | None = None) -> dict:
    """The run spec. A task-sequence training dataset becomes `tasks` (each task's training and
    validation data); no reference means the engine's default, the initial policy."""
    spec: dict = {"method": method, "seed": seed, "output_dir": output_dir, "config": config,
                  "student": model_spec(student)}
    if train_dataset.kind == DatasetKind.TASK_SEQUENCE:
        spec["tasks"] = [
            {"name": task.name, "train_data": data_spec(task.train_dataset),
             "validation_data": data_spec(task.validation_dataset)}
            for task in train_dataset.tasks.select_related("train_dataset", "validation_dataset").order_by("position")
        ]
    else:
        spec["train_data"] = data_spec(train_dataset)
    for role, model in (("teacher", teacher), ("reference", reference)):
        if model is not None:
            spec[role] = model_spec(model)
    if validation_dataset is not None:
        spec["validation_data"] = data_spec(validation_dataset)
    if replay_dataset is not None:
        spec["replay_data"] = data_spec(replay_dataset)
    return spec


# RunSpec field -> the run's API field that sets it.
API_FIELDS = {"train_data": "train_dataset", "tasks": "train_dataset", "validation_data": "validation_dataset",
              "replay_data": "replay_dataset"}


def invalid_from(exc, *, prefix: tuple[str, ...] = (), summary: str) -> Invalid:
    """The one translator from the engine's pydantic validation errors to the API's 400: each
    problem under the API field path that sets it (RunSpec fields renamed by API_FIELDS, a method
    config's under config.), and the first one in the message after `summary`."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        head, *rest = [*prefix, *(str(part) for part in error["loc"])] or ["run"]
        path = API_FIELDS[head] if head in API_FIELDS else ".".join([head, *rest])
        errors.setdefault(path, []).append(error["msg"].removeprefix("Value error, "))
    first_path, first_messages = next(iter(errors.items()))
    return Invalid(f"{summary}: {first_path}: {first_messages[0]}", errors=errors)


def validate_method_config(method: str, config: dict):
    """The method's info and its config as the engine's own config class validates it (no torch
    import): (info, config with defaults filled in), or a 400."""
    from pydantic import ValidationError

    from engine import registry

    try:
        info = registry.get_method(method)
    except registry.UnknownMethodError:
        known = ", ".join(sorted(registry.METHODS))
        raise Invalid(f"Unknown method '{method}'. Known methods: {known}.", field="method") from None
    try:
        validated = registry.validate_config(method, config)
    except ValidationError as exc:
        raise invalid_from(exc, prefix=("config",), summary="Invalid run config") from None
    return info, validated.model_dump(mode="json")


def run_spec_check(**fields) -> None:
    """Validates the spec a run with these fields would get (output directory aside) with the engine's
    RunSpec; its problems become a 400 whose error keys are the API's field paths."""
    from pydantic import ValidationError

    from engine.config import RunSpec

    try:
        RunSpec.model_validate(run_spec(output_dir="(decided by the worker)", **fields))
    except ValidationError as exc:
        raise invalid_from(exc, summary="Invalid run") from None
