"""The engine's run spec (engine.spec.RunSpec) of a run: how registered models and datasets become
model and data specs. The worker writes it before it starts the engine; the web tier validates the
same spec with the engine's own RunSpec when a run is created, so every cross-field rule of the
engine (a method config's own checks included) is a 400 at launch rather than a failed run later.
Importing engine.spec costs no torch."""
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


def model_facts(model: ModelAsset) -> dict:
    """What inspection recorded about the model, as the engine's ModelFacts (engine.facts): RunSpec
    validation refuses a run its models cannot do from these, at launch. Unknown facts are left out,
    and the engine judges them when the run starts."""
    facts = {"tokenizer_fingerprint": model.tokenizer_fingerprint or None, "vocab_size": model.vocab_size,
             "max_positions": model.max_positions, "has_chat_template": model.has_chat_template,
             "linear_modules": model.linear_modules}
    return {name: value for name, value in facts.items() if value is not None}


def data_spec(dataset: Dataset) -> dict:
    """The file, and its kind for the RunSpec to check against the kinds the method trains on."""
    return {"path": dataset.file, "format": dataset.format, "kind": dataset.kind}


def run_spec(*, method: str, seed: int, config: dict, output_dir: str, student: ModelAsset,
             train_dataset: Dataset, teacher: ModelAsset | None = None, reference: ModelAsset | None = None,
             validation_dataset: Dataset | None = None, replay_dataset: Dataset | None = None) -> dict:
    """The run spec, each model with the facts inspection recorded about it. A task-sequence training
    dataset becomes `tasks` (each task's training and validation data); no reference means the
    engine's default, the initial policy."""
    spec: dict = {"method": method, "seed": seed, "output_dir": output_dir, "config": config,
                  "student": {**model_spec(student), "facts": model_facts(student)}}
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
            spec[role] = {**model_spec(model), "facts": model_facts(model)}
    if validation_dataset is not None:
        spec["validation_data"] = data_spec(validation_dataset)
    if replay_dataset is not None:
        spec["replay_data"] = data_spec(replay_dataset)
    return spec


# RunSpec field -> the run's API field that sets it.
API_FIELDS = {"train_data": "train_dataset", "tasks": "train_dataset", "validation_data": "validation_dataset",
              "replay_data": "replay_dataset"}


def invalid_from(exc, *, prefix: tuple[str, ...] = (), summary: str, wording=None) -> Invalid:
    """The one translator from the engine's pydantic validation errors to the API's 400: each
    problem under the API field path that sets it (RunSpec fields renamed by API_FIELDS, a method
    config's under config.). `wording(loc)` may say a problem in the API's terms (its fields rather
    than the spec's); the first problem is the message: as worded, or `summary: path: message`."""
    errors: dict[str, list[str]] = {}
    detail = None
    for error in exc.errors():
        loc = (*prefix, *(str(part) for part in error["loc"]))
        head, *rest = loc or ("run",)
        path = API_FIELDS[head] if head in API_FIELDS else ".".join([head, *rest])
        worded = wording(loc) if wording else None
        message = worded or error["msg"].removeprefix("Value error, ")
        if message not in errors.setdefault(path, []):
            errors[path].append(message)
        if detail is None:
            detail = worded or f"{summary}: {path}: {message}"
    return Invalid(detail, errors=errors)


def _requirement_wording(info, fields: dict):
    """How the API says the RunSpec's problems with what the method needs (a teacher, a reference,
    a task sequence instead of one dataset, no validation or replay data), naming its own fields
    and datasets; the engine decides whether there is a problem. Other problems keep the engine's
    words (None)."""
    method, requires = info.name, info.requires
    train = fields["train_dataset"]

    def wording(loc: tuple[str, ...]) -> str | None:
        if loc[-1] == "kind":
            return _kind_wording(info, fields, loc)
        if len(loc) != 1:
            return None
        field = loc[0]
        # A teacher or reference the method needs or refuses; other problems with them (their
        # vocabulary, engine.facts) keep the engine's words.
        if field == "teacher" and fields.get("teacher") is None and requires.teacher:
            return f"Method '{method}' distils from a teacher: choose a teacher model."
        if field == "teacher" and fields.get("teacher") is not None and not requires.teacher:
            return f"Method '{method}' does not use a teacher: leave it empty."
        if field == "reference" and fields.get("reference") is not None and not requires.reference:
            return f"Method '{method}' does not use a reference model: leave it empty."
        if field in ("tasks", "train_data") and requires.tasks:
            return (f"Method '{method}' trains on a task sequence: choose a task-sequence dataset as training data "
                    f"('{train}' is a {train.kind} dataset).")
        if field in ("tasks", "train_data") and train.kind == DatasetKind.TASK_SEQUENCE:
            kinds = " or ".join(requires.dataset_kinds) or "any"
            return (f"'{train}' is a task sequence, which only continual-learning methods train on; method "
                    f"'{method}' needs one dataset of {kinds} kind.")
        if field == "validation_data" and requires.tasks and fields.get("validation_dataset") is not None:
            return (f"Method '{method}' validates every task on the validation data given in the task sequence: "
                    "leave validation_dataset empty.")
        if field == "replay_data" and not requires.tasks:
            return (f"Method '{method}' is not a continual-learning method and replays nothing: leave "
                    "replay_dataset empty.")
        return None

    return wording


def _kind_wording(info, fields: dict, loc: tuple[str, ...]) -> str | None:
    """A dataset of a kind the method does not train on, named as the API names it."""
    kinds = " or ".join(info.requires.dataset_kinds)
    if loc == ("replay_data", "kind"):
        replay = fields["replay_dataset"]
        return (f"Replay data is general text replayed alongside every task: choose a text dataset "
                f"('{replay}' is a {replay.kind} dataset).")
    if loc[0] == "tasks":
        task = list(fields["train_dataset"].tasks.select_related("train_dataset", "validation_dataset")
                    .order_by("position"))[int(loc[1])]
        member = getattr(task, loc[2].replace("_data", "_dataset"))
        return (f"Method '{info.name}' needs {kinds} data, but task '{task.name}' uses '{member}', "
                f"a {member.kind} dataset.")
    dataset = fields.get(API_FIELDS.get(loc[0], ""))
    if dataset is None:
        return None
    return f"Method '{info.name}' needs {kinds} data, but '{dataset}' is a {dataset.kind} dataset."


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


def run_spec_check(*, info, **fields) -> None:
    """Validates the spec a run with these fields would get (output directory aside) with the engine's
    RunSpec, the one judge of what the method `info` needs; its problems become a 400 whose error keys
    are the API's field paths."""
    from pydantic import ValidationError

    from engine.spec import RunSpec

    try:
        RunSpec.model_validate(run_spec(output_dir="(decided by the worker)", **fields))
    except ValidationError as exc:
        raise invalid_from(exc, summary="Invalid run", wording=_requirement_wording(info, fields)) from None
