"""Writes for continual-learning task sequences composed of stored datasets."""
from __future__ import annotations

import hashlib
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Max

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write, workspace_object
from webapp.common import storage
from webapp.common.errors import Conflict, Invalid
from webapp.registry.models import TOKEN_KINDS, Dataset, DatasetKind, DatasetTask
from webapp.registry.services.datasets import datasets_dir


def _task_member(workspace: Workspace, pk, where: str) -> Dataset:
    missing = f"{where}: there is no dataset with id {pk} in '{workspace.slug}'."
    dataset = workspace_object(Dataset, pk, workspace=workspace, field=where, missing=missing)
    if dataset is None:  # no id at all
        raise Invalid(missing, field=where)
    if dataset.kind not in TOKEN_KINDS:
        raise Invalid(f"{where}: '{dataset}' is a {dataset.kind} dataset; the tasks of a sequence train on "
                      f"token data ({', '.join(TOKEN_KINDS)}).", field=where)
    if not dataset.file:
        raise Invalid(f"{where}: '{dataset}' came with imported run history and has no data here: upload it first.",
                      field=where)
    return dataset


MIN_TASKS, MAX_TASKS = 2, 64  # the engine's RunSpec.tasks bounds


def dataset_task_sequence_create(*, workspace: Workspace, user: User, name: str,
                                 tasks: list[dict]) -> tuple[Dataset, bool]:
    """A continual-learning task sequence made of datasets already in the workspace: an ordered list
    of {name, train_dataset, validation_dataset}. Returns (dataset, created).

    Stored as a version of its own whose sha256 hashes the task names and the members' hashes,
    so the same sequence of the same data under the same name is the same version; its file is a
    JSON Lines manifest, one task a line."""
    import json

    require_write(user=user, workspace=workspace)
    if not name.strip():
        raise Invalid("A dataset needs a name.", field="name")
    if not isinstance(tasks, list) or not MIN_TASKS <= len(tasks) <= MAX_TASKS:
        raise Invalid(f"A task sequence needs between {MIN_TASKS} and {MAX_TASKS} tasks, in training order.",
                      field="tasks")
    resolved, seen = [], set()
    for index, task in enumerate(tasks):
        where = f"tasks.{index}"
        if not isinstance(task, dict) or set(task) != {"name", "train_dataset", "validation_dataset"}:
            raise Invalid(f"{where} must be {{\"name\", \"train_dataset\", \"validation_dataset\"}} "
                          "(dataset ids), nothing else.", field=where)
        task_name = task["name"].strip() if isinstance(task["name"], str) else ""
        if not task_name or len(task_name) > 100:
            raise Invalid(f"{where}.name must be a non-empty name of at most 100 characters.", field=f"{where}.name")
        if task_name in seen:
            raise Invalid(f"{where}.name: two tasks are named '{task_name}': give every task its own name.",
                          field=f"{where}.name")
        seen.add(task_name)
        train = _task_member(workspace, task["train_dataset"], f"{where}.train_dataset")
        validation = _task_member(workspace, task["validation_dataset"], f"{where}.validation_dataset")
        if train.kind != validation.kind:
            raise Invalid(f"{where}.validation_dataset: '{validation}' is {validation.kind} data but the task "
                          f"trains on {train.kind} data: validate on data of the same kind.",
                          field=f"{where}.validation_dataset")
        resolved.append((task_name, train, validation))

    def member(dataset: Dataset) -> dict:
        return {"id": dataset.id, "name": dataset.name, "version": dataset.version, "kind": dataset.kind,
                "sha256": dataset.sha256}

    sha = hashlib.sha256(json.dumps([[n, t.sha256, v.sha256] for n, t, v in resolved]).encode()).hexdigest()
    existing = Dataset.objects.filter(workspace=workspace, name=name, sha256=sha).first()
    if existing:
        return existing, False
    manifest = "".join(json.dumps({"name": n, "train_dataset": member(t), "validation_dataset": member(v)}) + "\n"
                       for n, t, v in resolved).encode()
    final_path = datasets_dir(workspace) / f"{uuid.uuid4().hex}.jsonl"
    with transaction.atomic():
        version = (Dataset.objects.filter(workspace=workspace, name=name).aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            dataset = Dataset.objects.create(
                workspace=workspace, name=name, version=version, kind=DatasetKind.TASK_SEQUENCE, format="jsonl",
                file=str(final_path), sha256=sha, row_count=len(resolved), size_bytes=len(manifest), created_by=user,
            )
        except IntegrityError:
            raise Conflict(f"Another version of '{name}' was stored at the same moment: try again.") from None
        DatasetTask.objects.bulk_create([
            DatasetTask(sequence=dataset, position=position, name=n, train_dataset=t, validation_dataset=v)
            for position, (n, t, v) in enumerate(resolved)
        ])
        final_path.write_bytes(manifest)
        try:
            storage.push(final_path)
        except BaseException:
            final_path.unlink(missing_ok=True)
            raise
        audit(workspace=workspace, actor=user, action="dataset.create", target=dataset, name=name,
              version=version, kind=DatasetKind.TASK_SEQUENCE, tasks=len(resolved))
    return dataset, True
