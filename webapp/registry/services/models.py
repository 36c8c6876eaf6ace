"""Writes for registered models: registration from each source, and deletion."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common import storage
from webapp.common.errors import Conflict, Invalid
from webapp.registry.archives import extract_model_archive
from webapp.registry.inspect import inspect_model_config, inspect_model_dir
from webapp.registry.models import ModelAsset, ModelSource
from webapp.registry.services.common import (
    allowed_path,
    owned_path,
    refuse_if_runs_use,
    remove_stored,
    require_creator_or_admin,
)
from webapp.registry.services.inspection import model_inspection_enqueue


def check_unique_model_name(workspace: Workspace, name: str) -> None:
    if not name.strip():
        raise Invalid("A model needs a name.", field="name")
    if ModelAsset.objects.filter(workspace=workspace, name=name).exists():
        raise Conflict(f"A model named '{name}' already exists in '{workspace.slug}': choose another name.")


def model_register_from_config(*, workspace: Workspace, user: User, name: str, config: dict,
                               tokenizer_path: str) -> ModelAsset:
    """A model built from scratch by the engine from a transformers config dict."""
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    facts = inspect_model_config(config)
    tokenizer = (allowed_path(tokenizer_path, field="tokenizer_path", what="tokenizer directory")
                 if tokenizer_path else "")
    if not tokenizer:
        raise Invalid(
            "A model built from a config needs a tokenizer: set tokenizer_path to a tokenizer directory on the server.",
            field="tokenizer_path",
        )
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.CONFIG, config=config, tokenizer_path=str(tokenizer),
        created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model


def model_register_from_path(*, workspace: Workspace, user: User, name: str, path: str) -> ModelAsset:
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    directory = allowed_path(path, field="path", what="model directory")
    facts = inspect_model_dir(directory, field="path")
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.PATH, path=str(directory), tokenizer_path=str(directory),
        created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model


def model_register_from_run(*, workspace: Workspace, user: User, name: str, run,
                            artifact_id: int | None = None) -> ModelAsset:
    """Registers the final model a finished run produced, or (artifact_id) one of its checkpoints,
    which are save_pretrained directories too; lineage: the model points at the run either way."""
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    if run.workspace_id != workspace.id:
        raise Invalid("That run belongs to another workspace.", field="run")
    if artifact_id is not None:
        artifact = run.artifacts.filter(pk=artifact_id).first()
        if artifact is None or artifact.kind != "checkpoint":
            what = f"a {artifact.kind}" if artifact else "not one of its artifacts"
            raise Invalid(f"Artifact {artifact_id} of run {run.id} is {what}: give one of the run's checkpoints "
                          "(GET /runs/{id}/artifacts/), or leave 'artifact' out for its final model.",
                          field="artifact")
    else:
        artifact = run.artifacts.filter(kind="model").order_by("-created_at").first()
        if run.status != "succeeded" or artifact is None:
            raise Invalid(
                f"Run {run.id} is {run.status} and has no final model: only a succeeded run's model can be "
                "registered; give 'artifact' to register one of its checkpoints instead.",
                field="run",
            )
    directory = Path(artifact.path)
    storage.pull(directory)  # the run may have trained on another host
    facts = inspect_model_dir(directory, field="artifact" if artifact_id is not None else "run")
    if artifact_id is None:
        return _create_run_model(workspace=workspace, user=user, name=name, run=run, directory=directory, facts=facts)
    # The engine keeps only its last few checkpoints: the model gets a copy of its own (weights,
    # config and tokenizer; the optimizer and trainer state stay behind).
    copy = Path(settings.ARTIFACT_ROOT) / "models" / workspace.slug / uuid.uuid4().hex
    shutil.copytree(directory, copy, ignore=shutil.ignore_patterns("trainer_state.pt"))
    try:
        with transaction.atomic():
            model = _create_run_model(workspace=workspace, user=user, name=name, run=run, directory=copy, facts=facts)
            storage.push(copy)
            return model
    except BaseException:
        shutil.rmtree(copy, ignore_errors=True)
        raise


def _create_run_model(*, workspace, user, name, run, directory: Path, facts: dict) -> ModelAsset:
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.RUN, path=str(directory), tokenizer_path=str(directory),
        produced_by_run=run, created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model


def model_register_from_upload(*, workspace: Workspace, user: User, name: str, upload: IO[bytes]) -> ModelAsset:
    """A model from an uploaded archive of its directory, extracted safely under ARTIFACT_ROOT."""
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    directory = Path(settings.ARTIFACT_ROOT) / "models" / workspace.slug / uuid.uuid4().hex
    extract_model_archive(upload, directory, max_bytes=settings.MODEL_MAX_UPLOAD_BYTES,
                          max_ratio=settings.MODEL_MAX_UNPACK_RATIO)
    try:
        facts = inspect_model_dir(directory, field="file")
        with transaction.atomic():
            model = ModelAsset.objects.create(
                workspace=workspace, name=name, source=ModelSource.UPLOAD, path=str(directory),
                tokenizer_path=str(directory), created_by=user, **facts,
            )
            storage.push(directory)
            model_inspection_enqueue(model=model)
            return model
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


@transaction.atomic
def model_delete(*, model: ModelAsset, user: User) -> None:
    """Deletes a registered model that no run, soup or unfinished playground session uses."""
    from django.db.models import Q

    from webapp.runs.models import PlaygroundSession, Run

    require_creator_or_admin(user=user, workspace=model.workspace, created_by_id=model.created_by_id,
                              what=f"Model '{model.name}'")
    model = ModelAsset.objects.select_for_update().get(pk=model.pk)
    refuse_if_runs_use(Run.objects.filter(Q(student=model) | Q(teacher=model) | Q(reference=model)),
                f"Model '{model.name}'")
    soups = list(ModelAsset.objects.filter(ingredient_links__ingredient=model).values_list("name", flat=True))
    if soups:
        raise Conflict(f"Model '{model.name}' is an ingredient of the soup(s) {', '.join(sorted(soups))}: "
                       "delete the soups first.")
    if PlaygroundSession.objects.filter(chosen_models=model, status__in=("queued", "running")).exists():
        raise Conflict(f"Model '{model.name}' is generating in the playground: wait until the session "
                       "finishes, then delete it.")
    audit(workspace=model.workspace, actor=user, action="model.delete", target=model, name=model.name,
          source=model.source)
    # Only uploads and checkpoint copies were stored by the registry; a `path` model is the
    # operator's directory even where an allowed root lies under ARTIFACT_ROOT.
    owned = owned_path(model.path, "models") if model.source in (ModelSource.UPLOAD, ModelSource.RUN) else None
    model.delete()
    if owned is not None:
        transaction.on_commit(lambda: remove_stored(owned))
