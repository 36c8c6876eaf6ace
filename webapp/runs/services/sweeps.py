"""Sweeps: expand named config fields over a grid or a seeded random sample into runs, all
validated before any is created, and rank the runs by one metric."""
from __future__ import annotations

import itertools
import math
import random

from django.db import transaction

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.runs.models import Run, Sweep
from webapp.runs.services.runs import deep_merge, run_create

MAX_SWEEP_RUNS = 100
SWEEPABLE_ROOTS = ("config.", "seed")


def _choices(path: str, spec, rng: random.Random | None):
    """Grid: the list of values. Random: one draw from a list, or from {min, max[, log]}."""
    if isinstance(spec, list) and spec:
        return spec if rng is None else rng.choice(spec)
    if rng is not None and isinstance(spec, dict) and {"min", "max"} <= set(spec):
        low, high = float(spec["min"]), float(spec["max"])
        if not low < high or (spec.get("log") and low <= 0):
            raise Invalid(f"parameters.{path}: need min < max (and min > 0 with log).", field=f"parameters.{path}")
        if spec.get("log"):
            return math.exp(rng.uniform(math.log(low), math.log(high)))
        return rng.uniform(low, high)
    shape = "a non-empty list" if rng is None else "a non-empty list or {min, max, log}"
    raise Invalid(f"parameters.{path} must be {shape}.", field=f"parameters.{path}")


def expand(parameters: dict, strategy: str, count: int, seed: int) -> list[dict[str, object]]:
    """The assignments {path: value} of every run in the sweep."""
    if not parameters:
        raise Invalid("A sweep needs at least one parameter.", field="parameters")
    for path in parameters:
        if not (path.startswith("config.") or path == "seed"):
            raise Invalid(f"parameters: '{path}' cannot be swept; use config.<field path> or seed.",
                          field=f"parameters.{path}")
    if strategy == "grid":
        axes = [[(path, value) for value in _choices(path, spec, None)] for path, spec in parameters.items()]
        assignments = [dict(combination) for combination in itertools.product(*axes)]
    elif strategy == "random":
        if not 1 <= count <= MAX_SWEEP_RUNS:
            raise Invalid(f"count must be between 1 and {MAX_SWEEP_RUNS}.", field="count")
        rng = random.Random(seed)
        assignments = [{path: _choices(path, spec, rng) for path, spec in parameters.items()} for _ in range(count)]
    else:
        raise Invalid("strategy must be 'grid' or 'random'.", field="strategy")
    if len(assignments) > MAX_SWEEP_RUNS:
        raise Invalid(f"The grid has {len(assignments)} runs; the limit is {MAX_SWEEP_RUNS}: use fewer values or "
                      "a random sweep.", field="parameters")
    return assignments


def _nested(path: str, value) -> dict:
    result: dict = value
    for key in reversed(path.split(".")):
        result = {key: result}
    return result


@transaction.atomic
def sweep_create(*, workspace: Workspace, user: User, name: str, base: dict, parameters: dict, strategy: str,
                 count: int = 0, metric: str = "eval/loss", goal: str = "min") -> Sweep:
    """Creates the sweep and all its runs, or nothing: the first invalid run config (named by its
    index and values) rolls everything back before a single run is queued."""
    require_write(user=user, workspace=workspace)
    if goal not in ("min", "max"):
        raise Invalid("goal must be 'min' or 'max'.", field="goal")
    assignments = expand(parameters, strategy, count, seed=int(base.get("seed", 0)))
    sweep = Sweep.objects.create(workspace=workspace, creator=user, name=name, method=base["method"],
                                 strategy=strategy, parameters=parameters, metric=metric, goal=goal)
    for index, assignment in enumerate(assignments):
        fields = dict(base)
        config = fields.pop("config", {}) or {}
        for path, value in assignment.items():
            if path == "seed":
                fields["seed"] = int(value)
            else:
                config = deep_merge(config, _nested(path.removeprefix("config."), value))
        label = ", ".join(f"{path.removeprefix('config.')}={value:.4g}" if isinstance(value, float)
                          else f"{path.removeprefix('config.')}={value}" for path, value in assignment.items())
        try:
            run = run_create(workspace=workspace, user=user, config=config, **{**fields, "name": f"{name} [{label}]"})
        except Invalid as exc:
            raise Invalid(f"Sweep run {index + 1} ({label}) is invalid: {exc.message}", errors=exc.errors) from None
        Run.objects.filter(pk=run.pk).update(sweep=sweep)
    audit(workspace=workspace, actor=user, action="sweep.create", target=sweep, runs=len(assignments))
    return sweep


def sweep_best(*, sweep: Sweep, summaries: dict[int, dict]) -> dict | None:
    """The run with the best value of the sweep's metric (its min when minimising, max otherwise)."""
    scored = [(getattr(s[sweep.metric], sweep.goal), run_id) for run_id, s in summaries.items() if sweep.metric in s]
    if not scored:
        return None
    value, run_id = (min if sweep.goal == "min" else max)(scored)
    return {"run": run_id, "value": value}
