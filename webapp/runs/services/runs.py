"""Writes for runs that users make: launch, edit, delete, clone, resume, cancel."""
from __future__ import annotations

import copy
import time
from typing import Iterable

from django.db import transaction
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Conflict, Invalid
from webapp.registry.models import Dataset, ModelAsset
from webapp.runs.engine_spec import run_spec_check, validate_method_config
from webapp.runs.models import FINAL_STATUSES, Run, RunStatus
from webapp.runs.resources import Resources
from webapp.runs.services.launch import check_models_and_data, check_resources, enqueue_run
from webapp.runs.services.reports import logs_append
from webapp.runs.state import transition


@transaction.atomic
def run_create(
    *,
    workspace: Workspace,
    user: User,
    name: str,
    method: str,
    config: dict,
    student: ModelAsset,
    train_dataset: Dataset,
    teacher: ModelAsset | None = None,
    reference: ModelAsset | None = None,
    validation_dataset: Dataset | None = None,
    replay_dataset: Dataset | None = None,
    seed: int = 0,
    resources: dict | None = None,
    tags: Iterable[str] = (),
    notes: str = "",
    parent: Run | None = None,
    register_model_as: str = "",
) -> Run:
    require_write(user=user, workspace=workspace)
    info, clean_config = validate_method_config(method, config)
    models_and_data = dict(student=student, teacher=teacher, reference=reference, train_dataset=train_dataset,
                           validation_dataset=validation_dataset, replay_dataset=replay_dataset)
    check_models_and_data(workspace=workspace, **models_and_data)
    run_spec_check(info=info, method=method, seed=seed, config=clean_config, **models_and_data)
    resources = dict(resources or {"gpus": 0})
    check_resources(info, Resources.parse(resources))
    run = Run.objects.create(
        workspace=workspace, creator=user, name=name or method, method=method, config=clean_config,
        student=student, teacher=teacher, reference=reference, train_dataset=train_dataset,
        validation_dataset=validation_dataset, replay_dataset=replay_dataset, seed=seed, resources=resources,
        tags=list(tags), notes=notes, parent=parent,
        register_model_as=register_model_as, status=RunStatus.QUEUED, queued_at=timezone.now(),
    )
    enqueue_run(run)
    audit(workspace=workspace, actor=user, action="run.create", target=run, method=method, name=run.name,
          parent=parent.id if parent else None)
    return run


def run_cancel(*, run: Run, user: User) -> Run:
    """A queued run is cancelled at once (its task finds it cancelled and does nothing); a running
    run is flagged, and its worker sends the engine SIGTERM, then SIGKILL after a grace period."""
    require_write(user=user, workspace=run.workspace)
    if run.status in FINAL_STATUSES:
        raise Conflict(f"Run {run.id} already {run.status}: there is nothing to cancel.")
    audit(workspace=run.workspace, actor=user, action="run.cancel", target=run, status=run.status)
    if (run.status == RunStatus.QUEUED
            and transition(run, RunStatus.CANCELLED, error_message="Cancelled before it started.")):
        return run
    # The worker may have claimed it in between: then it is running and gets the flag.
    Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


@transaction.atomic
def run_delete(*, run: Run, user: User) -> None:
    """Deletes a finished run with its metrics, logs and artifact rows; its files (on this host and
    in the artifact store) go once the deletion commits. Its creator, or an owner or admin, may;
    a queued or running run is cancelled first, and a run that produced registered models is kept
    (their lineage needs it)."""
    from webapp.accounts.models import Role
    from webapp.accounts.selectors import role_in
    from webapp.common.errors import Forbidden

    require_write(user=user, workspace=run.workspace)
    if run.creator_id != user.id and role_in(user=user, workspace=run.workspace) not in (Role.OWNER, Role.ADMIN):
        raise Forbidden(f"Run {run.id} was launched by someone else: only they, or an owner or admin of "
                        f"'{run.workspace.slug}', can delete it.")
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status not in FINAL_STATUSES:
        raise Conflict(f"Run {run.id} is {run.status}: cancel it first, then delete it.")
    produced = list(run.produced_models.values_list("name", flat=True))
    if produced:
        raise Conflict(f"Run {run.id} produced the registered model(s) {', '.join(produced)}, whose lineage "
                       "points at it: the run is kept while they exist.")
    audit(workspace=run.workspace, actor=user, action="run.delete", target=run, name=run.name, method=run.method,
          status=run.status)
    output_dir = run.output_dir
    run.delete()
    if output_dir:
        transaction.on_commit(lambda: _remove_run_files(output_dir))


def _remove_run_files(output_dir: str) -> None:
    import shutil
    from pathlib import Path

    from webapp.common import storage

    if storage.key_of(output_dir) is None:
        return  # not under ARTIFACT_ROOT: not ours to remove
    shutil.rmtree(Path(output_dir), ignore_errors=True)
    try:
        storage.forget(output_dir)
    except storage.StoreError as exc:  # the run is deleted; its objects stay until the store answers
        import logging

        logging.getLogger("distillery").warning("run files left in the artifact store: %s", exc.message)


def run_update(*, run: Run, user: User, **changes) -> Run:
    """Edits what a user may change on a run at any time: name, notes, tags, starred."""
    require_write(user=user, workspace=run.workspace)
    allowed = {"name", "notes", "tags", "starred"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(run, field, value)
    run.save(update_fields=list(changes))
    return run


def deep_merge(base: dict, edits: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in edits.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def run_clone(*, run: Run, user: User, edits: dict | None = None) -> Run:
    """A new run from this one's method, models, data and config, with `edits` applied (config
    edits are deep-merged); its parent is the original. With no edits this is a retry."""
    edits = dict(edits or {})
    fields = {
        "name": run.name, "config": run.config, "student": run.student, "teacher": run.teacher,
        "reference": run.reference, "train_dataset": run.train_dataset, "validation_dataset": run.validation_dataset,
        "replay_dataset": run.replay_dataset, "seed": run.seed,
        "resources": run.resources, "tags": run.tags, "notes": "", "register_model_as": "",
    }
    if "config" in edits:
        fields["config"] = deep_merge(run.config, edits.pop("config") or {})
    fields.update(edits)
    return run_create(workspace=run.workspace, user=user, method=run.method, parent=run, **fields)


def run_resume(*, run: Run, user: User) -> Run:
    """Puts a failed or cancelled run back in the queue; it continues from its last checkpoint."""
    require_write(user=user, workspace=run.workspace)
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise Conflict(f"Run {run.id} is {run.status}: only a failed or cancelled run can be resumed.")
    checkpoint = run.artifacts.filter(kind="checkpoint").order_by("-step").first()
    if checkpoint is None:
        raise Conflict(f"Run {run.id} has no checkpoint to resume from: use retry to start it again.")
    message = f"Resumed by {user.username} from step {checkpoint.step}."
    if not transition(run, RunStatus.QUEUED, error_message=message):
        raise Conflict(f"Run {run.id} changed status meanwhile ({run.status}): reload and try again.")
    logs_append(run=run, lines=[(time.time(), "info", message)])
    enqueue_run(run)
    audit(workspace=run.workspace, actor=user, action="run.resume", target=run, step=checkpoint.step)
    return run
