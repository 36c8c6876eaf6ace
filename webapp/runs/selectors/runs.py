"""Reads of runs, scoped to the caller's workspaces."""
from __future__ import annotations

import json

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import member_of, workspace_object
from webapp.common.errors import NotFound
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.filters import RunFilter
from webapp.runs.models import Run
from webapp.runs.resources import Resources


def runs_for(*, user: User) -> QuerySet[Run]:
    # Only what the run's output shows (its workspace's slug, its creator's name): the models and
    # datasets appear as ids, and the few writes that need the objects load them. Joining all six
    # in made an 11-table join that PostgreSQL took about 12 ms to plan (and 0.2 ms to run) on every
    # read of a run or a runs page.
    return Run.objects.filter(member_of(user)).select_related("workspace", "creator")


def runs_list(*, user: User, params) -> QuerySet[Run]:
    """The caller's runs, filtered and ordered by the runs list's query parameters
    (webapp.runs.filters.RunFilter); a malformed parameter is a 400."""
    return RunFilter(params, queryset=runs_for(user=user)).qs


def run_get(*, user: User, pk: int) -> Run:
    return get_object_or_404(runs_for(user=user), pk=pk)


def runs_get_many(*, user: User, ids: list[int]) -> list[Run]:
    """The runs with these ids, in the order asked; 404 if any is missing or not the caller's."""
    runs = {run.id: run for run in runs_for(user=user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in runs]
    if missing:
        raise NotFound(f"Runs {', '.join(map(str, missing))} do not exist or are not in your workspaces: "
                       "leave them out.", errors={"runs": [str(i) for i in missing]})
    return [runs[i] for i in ids]


def run_nodes_by_run(*, runs: list[Run]) -> dict[int, list]:
    """The nodes of each multi-host run's current attempt, for a page of runs in one query (runs on
    one host have none and cost nothing)."""
    from webapp.runs.models import RunNode

    attempts = {run.id: run.attempt for run in runs if Resources.of(run).multi_host}
    found: dict[int, list] = {run_id: [] for run_id in attempts}
    if attempts:
        for node in RunNode.objects.filter(run_id__in=list(attempts)).order_by("node_rank"):
            if node.attempt == attempts[node.run_id]:
                found[node.run_id].append(node)
    return found


def flatten_config(config: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            flat.update(flatten_config(value, path))
        else:
            flat[path] = value
    return flat


def config_diff(runs: list[Run]) -> dict:
    """{path: {run id: value}} over every config path, plus which paths differ between runs.
    The method, models, data and seed count as config here: they change results as much."""
    flats = []
    for run in runs:
        flat = flatten_config(run.config)
        flat.update({"method": run.method, "seed": run.seed, "student": run.student_id, "teacher": run.teacher_id,
                     "reference": run.reference_id, "train_dataset": run.train_dataset_id,
                     "validation_dataset": run.validation_dataset_id, "replay_dataset": run.replay_dataset_id})
        flats.append(flat)
    paths = sorted(set().union(*flats)) if flats else []
    values = {path: {str(run.id): flat.get(path) for run, flat in zip(runs, flats)} for path in paths}
    differing = [path for path in paths if len({json.dumps(v, sort_keys=True) for v in values[path].values()}) > 1]
    return {"values": values, "differing": differing}


MODEL_ROLES = ("student", "teacher", "reference")
DATASET_ROLES = ("train_dataset", "validation_dataset", "replay_dataset")


def run_inputs(*, workspace: Workspace, ids: dict) -> dict:
    """The models and datasets a request names by id for a run (student, teacher, reference,
    train_dataset, validation_dataset, replay_dataset: those of them in `ids`), each looked up in
    the workspace; a 400 on the first one it does not have."""
    return {role: workspace_object(ModelAsset if role in MODEL_ROLES else Dataset, ids[role], workspace=workspace,
                                   field=role)
            for role in (*MODEL_ROLES, *DATASET_ROLES) if role in ids}
