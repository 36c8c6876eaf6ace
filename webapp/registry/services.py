"""Writes for the registry: dataset uploads and model registration."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common import storage
from webapp.common.errors import Conflict, Invalid, TooLarge
from webapp.registry.archives import extract_model_archive
from webapp.registry.inspect import inspect_model_config, inspect_model_dir
from webapp.registry.models import (
    TOKEN_KINDS,
    Dataset,
    DatasetKind,
    DatasetTask,
    ModelAsset,
    ModelSource,
    SoupIngredient,
)
from webapp.registry.validation import MAX_REPORTED_ERRORS, iter_jsonl_problems

CHUNK = 1024 * 1024


def _datasets_dir(workspace: Workspace) -> Path:
    path = Path(settings.ARTIFACT_ROOT) / "datasets" / workspace.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


UPLOAD_FORMATS = ("jsonl", "csv", "parquet")
FORMAT_BY_EXTENSION = {"jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl", "csv": "csv", "parquet": "parquet",
                       "pq": "parquet"}


def _upload_format(filename: str, declared: str | None) -> str:
    if declared:
        if declared not in UPLOAD_FORMATS:
            raise Invalid(f"Unknown format '{declared}': use one of {', '.join(UPLOAD_FORMATS)}.", field="format")
        return declared
    return FORMAT_BY_EXTENSION.get(Path(filename or "").suffix.lower().lstrip("."), "jsonl")


def _to_jsonl(raw: Path, fmt: str, out: Path) -> None:
    """CSV (header row) and Parquet uploads become JSON Lines, the one format the engine reads."""
    import csv
    import json

    with out.open("w", encoding="utf-8") as sink:
        if fmt == "csv":
            try:
                with raw.open(newline="", encoding="utf-8") as source:
                    for row in csv.DictReader(source):
                        sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            except (UnicodeDecodeError, csv.Error) as exc:
                raise Invalid(f"The CSV file cannot be read ({exc}): it must be UTF-8 with a header row.",
                              field="file") from None
            return
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(raw)
            for batch in table.iter_batches(batch_size=10_000):
                for row in batch.to_pylist():
                    sink.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
            raise Invalid(f"The file is not a readable Parquet file ({type(exc).__name__}: {exc}).",
                          field="file") from None


def dataset_upload(*, workspace: Workspace, user: User, name: str, kind: str, upload: IO[bytes],
                   format: str | None = None) -> tuple[Dataset, bool]:
    """Validates and stores an upload (JSON Lines, CSV with a header row, or Parquet; stored as
    JSON Lines). Returns (dataset, created).

    Same name and content as an existing version -> that version, nothing stored twice.
    Same name, new content -> the next version. Any bad row -> nothing is stored, and the error
    lists the first 20 bad rows with their row numbers (data rows, counted from 1).
    """
    require_write(user=user, workspace=workspace)
    _check_file_kind(kind)
    if not name.strip():
        raise Invalid("A dataset needs a name.", field="name")
    fmt = _upload_format(getattr(upload, "name", ""), format)

    target_dir = _datasets_dir(workspace)
    fd, tmp_name = tempfile.mkstemp(dir=target_dir, prefix=".upload-", suffix=f".{fmt}")
    tmp_path = Path(tmp_name)
    jsonl_path = tmp_path.with_suffix(".jsonl") if fmt != "jsonl" else tmp_path
    try:
        size = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: upload.read(CHUNK), b""):
                size += len(chunk)
                if size > settings.DATASET_MAX_UPLOAD_BYTES:
                    raise TooLarge(
                        f"The file is larger than the {settings.DATASET_MAX_UPLOAD_BYTES // (1024 * 1024)} MiB "
                        "upload limit: split it, or ask the operator to raise DATASET_MAX_UPLOAD_BYTES."
                    )
                out.write(chunk)
        if size == 0:
            raise Invalid("The uploaded file is empty.", field="file")
        if fmt != "jsonl":
            _to_jsonl(tmp_path, fmt, jsonl_path)
            size = jsonl_path.stat().st_size

        digest = hashlib.sha256()
        rows, bad_rows, reported = 0, 0, []
        with jsonl_path.open("rb") as stream:
            for number, problem in iter_jsonl_problems(_hashing(stream, digest), kind):
                rows += 1
                if problem:
                    bad_rows += 1
                    if len(reported) < MAX_REPORTED_ERRORS:
                        reported.append((number, problem))
        if bad_rows:
            first_row, first_problem = reported[0]
            raise Invalid(
                f"{bad_rows} bad row(s); nothing was stored. Row {first_row}: {first_problem}. "
                f"Fix the rows listed in 'errors' (the first {MAX_REPORTED_ERRORS} are shown) and upload again.",
                errors={f"file.row.{number}": [problem] for number, problem in reported},
            )
        if rows == 0:
            raise Invalid("The file has no rows: a dataset needs at least one record.", field="file")

        sha = digest.hexdigest()
        existing = Dataset.objects.filter(workspace=workspace, name=name, sha256=sha).first()
        if existing:
            return existing, False
        final_path = target_dir / f"{uuid.uuid4().hex}.jsonl"
        with transaction.atomic():
            version = (Dataset.objects.filter(workspace=workspace, name=name).aggregate(v=Max("version"))["v"] or 0) + 1
            try:
                dataset = Dataset.objects.create(
                    workspace=workspace, name=name, version=version, kind=kind, format="jsonl",
                    file=str(final_path), sha256=sha, row_count=rows, size_bytes=size, created_by=user,
                )
            except IntegrityError:
                raise Conflict(f"Another upload of '{name}' finished at the same moment: try again.") from None
            # Move the file into place only once the row exists, and put it in the artifact store
            # (webapp.common.storage) before the row commits: if either fails the transaction rolls
            # back and the file is removed, so no dataset exists without its data.
            os.replace(jsonl_path, final_path)
            try:
                storage.push(final_path)
            except BaseException:
                final_path.unlink(missing_ok=True)
                raise
            audit(workspace=workspace, actor=user, action="dataset.create", target=dataset, name=name,
                  version=version, kind=kind, rows=rows)
        return dataset, True
    finally:
        tmp_path.unlink(missing_ok=True)
        jsonl_path.unlink(missing_ok=True)


def _check_file_kind(kind: str) -> None:
    if kind == DatasetKind.TASK_SEQUENCE:
        raise Invalid("A task-sequence dataset is not a file: create it from existing datasets with "
                      "'tasks': [{\"name\", \"train_dataset\", \"validation_dataset\"}, ...] (JSON).", field="kind")
    if kind not in DatasetKind.values:
        raise Invalid(f"Unknown dataset kind '{kind}': use one of {', '.join(DatasetKind.values)}.", field="kind")


def _task_member(workspace: Workspace, pk, where: str) -> Dataset:
    dataset = Dataset.objects.filter(pk=pk, workspace=workspace).first() if isinstance(pk, int) else None
    if dataset is None:
        raise Invalid(f"{where}: there is no dataset with id {pk} in '{workspace.slug}'.", field=where)
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
    final_path = _datasets_dir(workspace) / f"{uuid.uuid4().hex}.jsonl"
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


def _hashing(stream: IO[bytes], digest):
    """Yields the stream's lines while feeding them to `digest`: one pass validates and hashes."""
    for line in stream:
        digest.update(line)
        yield line


def _check_unique_model_name(workspace: Workspace, name: str) -> None:
    if not name.strip():
        raise Invalid("A model needs a name.", field="name")
    if ModelAsset.objects.filter(workspace=workspace, name=name).exists():
        raise Conflict(f"A model named '{name}' already exists in '{workspace.slug}': choose another name.")


def model_register_from_config(*, workspace: Workspace, user: User, name: str, config: dict,
                               tokenizer_path: str) -> ModelAsset:
    """A model built from scratch by the engine from a transformers config dict."""
    require_write(user=user, workspace=workspace)
    _check_unique_model_name(workspace, name)
    facts = inspect_model_config(config)
    tokenizer = (_allowed_path(tokenizer_path, field="tokenizer_path", what="tokenizer directory")
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


def _allowed_path(raw: str, *, field: str, what: str) -> Path:
    """Resolves a server-local path and refuses anything outside the operator's allowed roots."""
    path = Path(raw)
    if not path.is_absolute():
        raise Invalid(f"The {what} must be an absolute path on the server, got '{raw}'.", field=field)
    resolved = path.resolve()
    roots = settings.MODEL_PATH_ALLOWED_ROOTS
    if not any(resolved == root or root in resolved.parents for root in roots):
        raise Invalid(
            f"'{raw}' is outside the directories this server allows models to be loaded from "
            f"({', '.join(str(r) for r in roots)}). Ask the operator to add it to MODEL_PATH_ALLOWED_ROOTS.",
            field=field,
        )
    if not resolved.is_dir():
        raise Invalid(f"There is no {what} at '{raw}' on the server.", field=field)
    return resolved


def model_register_from_path(*, workspace: Workspace, user: User, name: str, path: str) -> ModelAsset:
    require_write(user=user, workspace=workspace)
    _check_unique_model_name(workspace, name)
    directory = _allowed_path(path, field="path", what="model directory")
    facts = inspect_model_dir(directory, field="path")
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.PATH, path=str(directory), tokenizer_path=str(directory),
        created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache this process and the engine it starts read, resolved from the
    environment now (huggingface_hub reads it once at import, which would miss a changed HF_HOME):
    HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub, as huggingface_hub does."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def hub_snapshot(hub_id: str, *, field: str = "hub_id") -> Path:
    """The local snapshot directory of a hub model, found the way the engine finds it
    (`snapshot_download(hub_id, local_files_only=True)`): nothing is ever downloaded."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(hub_id)
    except HFValidationError as exc:
        raise Invalid(f"'{hub_id}' is not a Hugging Face hub id: give it as 'org/name' (or 'name'), "
                      f"letters, digits, '-', '_' and '.' ({exc}).", field=field) from None
    cache = hub_cache_dir()
    try:
        return Path(snapshot_download(hub_id, local_files_only=True, cache_dir=cache))
    except LocalEntryNotFoundError:
        raise Invalid(
            f"'{hub_id}' is not in this server's Hugging Face cache ({cache}) and the server never downloads. "
            f"On a machine with internet access run `huggingface-cli download {hub_id}` with the same HF_HOME "
            "(or HF_HUB_CACHE) and copy the cache here, or register the model from a directory instead.",
            field=field,
        ) from None


def model_register_from_hub(*, workspace: Workspace, user: User, name: str, hub_id: str) -> ModelAsset:
    """A Hugging Face hub model that is already in the server's local cache. Runs load it by id
    (the engine resolves it in the same cache), so a refreshed cache serves its newer snapshot;
    the snapshot found now gives the facts and the tokenizer for token statistics."""
    require_write(user=user, workspace=workspace)
    _check_unique_model_name(workspace, name)
    hub_id = hub_id.strip()
    snapshot = hub_snapshot(hub_id)
    facts = inspect_model_dir(snapshot, field="hub_id")
    model = ModelAsset.objects.create(
        workspace=workspace, name=name, source=ModelSource.HUB, hub_id=hub_id, tokenizer_path=str(snapshot),
        created_by=user, **facts,
    )
    model_inspection_enqueue(model=model)
    return model


def model_register_from_run(*, workspace: Workspace, user: User, name: str, run,
                            artifact_id: int | None = None) -> ModelAsset:
    """Registers the final model a finished run produced, or (artifact_id) one of its checkpoints,
    which are save_pretrained directories too; lineage: the model points at the run either way."""
    require_write(user=user, workspace=workspace)
    _check_unique_model_name(workspace, name)
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
    _check_unique_model_name(workspace, name)
    directory = Path(settings.ARTIFACT_ROOT) / "models" / workspace.slug / uuid.uuid4().hex
    extract_model_archive(upload, directory, max_bytes=settings.MODEL_MAX_UPLOAD_BYTES)
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


MIN_INGREDIENTS, MAX_INGREDIENTS = 2, 64  # the engine's ModelSpec.soup bounds


def model_register_soup(*, workspace: Workspace, user: User, name: str, ingredients: list[int]) -> ModelAsset:
    """A model soup: the uniform weight average of two or more registered models with weights, of one
    architecture and vocabulary (Wortsman et al. 2022). The engine averages the ingredients when a
    run loads the soup; nothing is written here. The soup's facts are its first ingredient's."""
    require_write(user=user, workspace=workspace)
    _check_unique_model_name(workspace, name)
    if not isinstance(ingredients, list) or not MIN_INGREDIENTS <= len(ingredients) <= MAX_INGREDIENTS:
        raise Invalid(f"A soup needs between {MIN_INGREDIENTS} and {MAX_INGREDIENTS} ingredients (model ids).",
                      field="ingredients")
    if len(set(ingredients)) != len(ingredients):
        raise Invalid("An ingredient is listed twice: list each model once (a soup averages uniformly).",
                      field="ingredients")
    found = {m.id: m for m in ModelAsset.objects.filter(workspace=workspace, pk__in=ingredients)}
    missing = [str(pk) for pk in ingredients if pk not in found]
    if missing:
        raise Invalid(f"There is no model with id {', '.join(missing)} in '{workspace.slug}'.", field="ingredients")
    chosen = [found[pk] for pk in ingredients]
    for model in chosen:
        if model.source == ModelSource.SOUP:
            raise Invalid(f"'{model.name}' is itself a soup: list its ingredients instead.", field="ingredients")
        if not model.path:
            why = {ModelSource.IMPORTED: "came with imported run history",
                   ModelSource.HUB: "is a hub model the engine resolves by id, not a directory"
                   }.get(model.source, "is built from a config with random weights")
            raise Invalid(f"'{model.name}' {why} and has no weights to average: choose models registered from a "
                          "directory, an upload or a run.", field="ingredients")
    first = chosen[0]
    for model in chosen[1:]:
        for fact, label in (("architecture", "architecture"), ("vocab_size", "vocabulary size"),
                            ("parameter_count", "parameter count")):
            mine, theirs = getattr(first, fact), getattr(model, fact)
            if mine and theirs and mine != theirs:
                raise Invalid(f"'{model.name}' has {label} {theirs} but '{first.name}' has {mine}: a soup averages "
                              "the weights of models of one architecture and shape (checkpoints of one run, or "
                              "fine-tunes of one base model).", field="ingredients")
    with transaction.atomic():
        soup = ModelAsset.objects.create(
            workspace=workspace, name=name, source=ModelSource.SOUP, tokenizer_path=first.tokenizer_path,
            architecture=first.architecture, parameter_count=first.parameter_count, vocab_size=first.vocab_size,
            dtype=first.dtype, has_tokenizer=first.has_tokenizer, created_by=user,
        )
        SoupIngredient.objects.bulk_create([SoupIngredient(soup=soup, ingredient=model, position=position)
                                            for position, model in enumerate(chosen)])
        model_inspection_enqueue(model=soup)
    return soup


INSPECT_TASK = "worker.tasks.model_inspect"


def model_inspection_enqueue(*, model: ModelAsset) -> None:
    """A worker builds the model (on the meta device) once and records what it found."""
    from webapp.common.tasks import LIGHT_QUEUE, enqueue

    enqueue(INSPECT_TASK, model.id, queue=LIGHT_QUEUE)


def model_inspection_record(*, model: ModelAsset, facts: dict) -> None:
    from django.utils import timezone

    if "error" in facts:
        ModelAsset.objects.filter(pk=model.pk).update(inspection_error=facts["error"][:2000],
                                                      inspected_at=timezone.now())
        return
    ModelAsset.objects.filter(pk=model.pk).update(
        architecture=facts["architecture"], parameter_count=facts["parameter_count"], vocab_size=facts["vocab_size"],
        dtype=facts["dtype"], has_tokenizer=facts["has_tokenizer"], inspection_error="", inspected_at=timezone.now(),
    )


IMPORT_TASK = "worker.tasks.dataset_import"


def dataset_import_create(*, workspace: Workspace, user: User, name: str, kind: str, hub_id: str = "",
                          path: str = "", split: str = "train"):
    from webapp.common.tasks import LIGHT_QUEUE, enqueue
    from webapp.registry.models import DatasetImport

    require_write(user=user, workspace=workspace)
    _check_file_kind(kind)
    if bool(hub_id) == bool(path):
        raise Invalid("Give either hub_id (read from the server's Hugging Face cache) or path (a dataset saved "
                      "with save_to_disk on the server).", field="hub_id")
    if path:
        path = str(_allowed_path(path, field="path", what="dataset directory"))
    job = DatasetImport.objects.create(workspace=workspace, name=name, kind=kind, hub_id=hub_id, path=path,
                                       split=split, created_by=user)
    enqueue(IMPORT_TASK, job.id, queue=LIGHT_QUEUE)
    return job


def dataset_import_run(*, job) -> None:
    """Worker side: loads the split with the `datasets` library (offline), writes JSON Lines and
    stores them through the same validation, versioning and dedup as an upload."""
    import json

    from webapp.registry.models import DatasetImport

    DatasetImport.objects.filter(pk=job.pk).update(status="running")
    try:
        import datasets

        if job.path:
            loaded = datasets.load_from_disk(job.path)
            if isinstance(loaded, datasets.DatasetDict):
                if job.split not in loaded:
                    raise Invalid(f"The saved dataset has no split '{job.split}' (it has {', '.join(loaded)}).")
                loaded = loaded[job.split]
        else:
            try:
                loaded = datasets.load_dataset(job.hub_id, split=job.split)
            except Exception as exc:  # offline: anything not in the local cache fails here
                raise Invalid(f"'{job.hub_id}' (split {job.split}) is not in this server's Hugging Face cache "
                              f"and nothing can be downloaded ({type(exc).__name__}).") from None
        with tempfile.TemporaryFile("w+b") as handle:
            for row in loaded:
                handle.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode())
            handle.seek(0)
            dataset, _ = dataset_upload(workspace=job.workspace, user=job.created_by, name=job.name, kind=job.kind,
                                        upload=handle, format="jsonl")
        DatasetImport.objects.filter(pk=job.pk).update(status="done", dataset=dataset, error_message="")
    except Invalid as exc:
        DatasetImport.objects.filter(pk=job.pk).update(status="failed", error_message=exc.message)
    except Exception as exc:  # a broken file on disk: say what it was
        DatasetImport.objects.filter(pk=job.pk).update(status="failed", error_message=f"{type(exc).__name__}: {exc}")


# --- deletion ----------------------------------------------------------------------------------
# A model or dataset goes only when nothing depends on it: runs keep their inputs (a run's page, its
# clone and its retry need them) and soups and task sequences keep their members. The 409 names
# what holds it, so the user knows what to delete first. Files go once the deletion commits, and
# only the ones the registry itself stored under ARTIFACT_ROOT: a server-local directory belongs to
# the operator and a run's final model to the run.

def _require_creator_or_admin(*, user: User, workspace: Workspace, created_by_id, what: str) -> None:
    from webapp.accounts.models import Role
    from webapp.accounts.selectors import role_in
    from webapp.common.errors import Forbidden

    require_write(user=user, workspace=workspace)
    if created_by_id != user.id and role_in(user=user, workspace=workspace) not in (Role.OWNER, Role.ADMIN):
        raise Forbidden(f"{what} was registered by someone else: only they, or an owner or admin of "
                        f"'{workspace.slug}', can delete it.")


def _named(items: list[str], total: int) -> str:
    more = f" and {total - len(items)} more" if total > len(items) else ""
    return ", ".join(items) + more


def _runs_using(queryset, what: str) -> None:
    total = queryset.count()
    if total:
        runs = [f"{run.id} ({run.name})" for run in queryset.order_by("id")[:5]]
        raise Conflict(f"{what} is used by run(s) {_named(runs, total)}: delete those runs first (their history "
                       "needs it), or keep it.")


def _owned_path(path: str, folder: str) -> Path | None:
    """The path when the registry stored it itself (under ARTIFACT_ROOT/<folder>/), else None."""
    if not path:
        return None
    root = (Path(settings.ARTIFACT_ROOT) / folder).resolve()
    resolved = Path(path).resolve()
    return resolved if resolved.is_relative_to(root) and resolved != root else None


def _remove_stored(path: Path) -> None:
    import logging

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    try:
        storage.forget(path)
    except storage.StoreError as exc:  # the row is gone; its objects stay until the store answers
        logging.getLogger("distillery").warning("registry files left in the artifact store: %s", exc.message)


@transaction.atomic
def model_delete(*, model: ModelAsset, user: User) -> None:
    """Deletes a registered model that no run, soup or unfinished playground session uses."""
    from django.db.models import Q

    from webapp.runs.models import PlaygroundSession, Run

    _require_creator_or_admin(user=user, workspace=model.workspace, created_by_id=model.created_by_id,
                              what=f"Model '{model.name}'")
    model = ModelAsset.objects.select_for_update().get(pk=model.pk)
    _runs_using(Run.objects.filter(Q(student=model) | Q(teacher=model) | Q(reference=model)),
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
    owned = _owned_path(model.path, "models") if model.source in (ModelSource.UPLOAD, ModelSource.RUN) else None
    model.delete()
    if owned is not None:
        transaction.on_commit(lambda: _remove_stored(owned))


@transaction.atomic
def dataset_delete(*, dataset: Dataset, user: User) -> None:
    """Deletes one version of a dataset that no run or task sequence uses; other versions stay."""
    from django.db.models import Q

    from webapp.runs.models import Run

    what = f"Dataset '{dataset.name}' v{dataset.version}"
    _require_creator_or_admin(user=user, workspace=dataset.workspace, created_by_id=dataset.created_by_id, what=what)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _runs_using(Run.objects.filter(Q(train_dataset=dataset) | Q(validation_dataset=dataset)
                                   | Q(replay_dataset=dataset)), what)
    sequences = sorted({f"{t.sequence.name} v{t.sequence.version}" for t in DatasetTask.objects.filter(
        Q(train_dataset=dataset) | Q(validation_dataset=dataset)).select_related("sequence")})
    if sequences:
        raise Conflict(f"{what} is a task of the task sequence(s) {', '.join(sequences)}: delete the sequences "
                       "first.")
    audit(workspace=dataset.workspace, actor=user, action="dataset.delete", target=dataset, name=dataset.name,
          version=dataset.version, kind=dataset.kind)
    owned = _owned_path(dataset.file, "datasets")
    shared = Dataset.objects.filter(file=dataset.file).exclude(pk=dataset.pk).exists()
    dataset.delete()
    if owned is not None and not shared:
        transaction.on_commit(lambda: _remove_stored(owned))
