"""Writes for datasets stored from a file: uploads (JSON Lines, CSV, Parquet) and deletion."""
from __future__ import annotations

import hashlib
import os
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
from webapp.registry.models import Dataset, DatasetKind, DatasetTask
from webapp.registry.services.common import owned_path, refuse_if_runs_use, remove_stored, require_creator_or_admin
from webapp.registry.services.conversion import convert_to_jsonl
from webapp.registry.upload_checks import check_columns, check_text_file
from webapp.registry.validation import MAX_REPORTED_ERRORS, iter_jsonl_problems

CHUNK = 1024 * 1024


def datasets_dir(workspace: Workspace) -> Path:
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


def _receive(upload: IO[bytes], fd: int) -> int:
    """Copies the upload into the open temporary file `fd` in chunks, refusing it once it passes
    DATASET_MAX_UPLOAD_BYTES (413) or when it is empty; returns its size."""
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
    return size


def _checked_rows(jsonl_path: Path, kind: str) -> tuple[str, int]:
    """(sha256, row count) of a JSON Lines file whose every row fits `kind`, in one pass; else a 400
    listing the first bad rows with their numbers."""
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
    return digest.hexdigest(), rows


def dataset_upload(*, workspace: Workspace, user: User, name: str, kind: str, upload: IO[bytes],
                   format: str | None = None) -> tuple[Dataset, bool]:
    """Validates and stores an upload (JSON Lines, CSV with a header row, or Parquet; stored as
    JSON Lines). Returns (dataset, created).

    Same name and content as an existing version -> that version, nothing stored twice.
    Same name, new content -> the next version. Any bad row -> nothing is stored, and the error
    lists the first 20 bad rows with their row numbers (data rows, counted from 1).
    """
    require_write(user=user, workspace=workspace)
    check_file_kind(kind)
    if not name.strip():
        raise Invalid("A dataset needs a name.", field="name")
    fmt = _upload_format(getattr(upload, "name", ""), format)

    target_dir = datasets_dir(workspace)
    fd, tmp_name = tempfile.mkstemp(dir=target_dir, prefix=".upload-", suffix=f".{fmt}")
    tmp_path = Path(tmp_name)
    jsonl_path = tmp_path.with_suffix(".jsonl") if fmt != "jsonl" else tmp_path
    try:
        size = _receive(upload, fd)
        if fmt != "parquet":
            check_text_file(tmp_path, fmt)
        check_columns(tmp_path, fmt, kind)
        if fmt != "jsonl":
            size = convert_to_jsonl(tmp_path, fmt, jsonl_path)
        sha, rows = _checked_rows(jsonl_path, kind)
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


def _hashing(stream: IO[bytes], digest):
    """Yields the stream's lines while feeding them to `digest`: one pass validates and hashes."""
    for line in stream:
        digest.update(line)
        yield line


def check_file_kind(kind: str) -> None:
    if kind == DatasetKind.TASK_SEQUENCE:
        raise Invalid("A task-sequence dataset is not a file: create it from existing datasets with "
                      "'tasks': [{\"name\", \"train_dataset\", \"validation_dataset\"}, ...] (JSON).", field="kind")
    if kind not in DatasetKind.values:
        raise Invalid(f"Unknown dataset kind '{kind}': use one of {', '.join(DatasetKind.values)}.", field="kind")


@transaction.atomic
def dataset_delete(*, dataset: Dataset, user: User) -> None:
    """Deletes one version of a dataset that no run or task sequence uses; other versions stay."""
    from django.db.models import Q

    from webapp.runs.models import Run

    what = f"Dataset '{dataset.name}' v{dataset.version}"
    require_creator_or_admin(user=user, workspace=dataset.workspace, created_by_id=dataset.created_by_id, what=what)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    refuse_if_runs_use(Run.objects.filter(Q(train_dataset=dataset) | Q(validation_dataset=dataset)
                                   | Q(replay_dataset=dataset)), what)
    sequences = sorted({f"{t.sequence.name} v{t.sequence.version}" for t in DatasetTask.objects.filter(
        Q(train_dataset=dataset) | Q(validation_dataset=dataset)).select_related("sequence")})
    if sequences:
        raise Conflict(f"{what} is a task of the task sequence(s) {', '.join(sequences)}: delete the sequences "
                       "first.")
    audit(workspace=dataset.workspace, actor=user, action="dataset.delete", target=dataset, name=dataset.name,
          version=dataset.version, kind=dataset.kind)
    owned = owned_path(dataset.file, "datasets")
    shared = Dataset.objects.filter(file=dataset.file).exclude(pk=dataset.pk).exists()
    dataset.delete()
    if owned is not None and not shared:
        transaction.on_commit(lambda: remove_stored(owned))
