"""Export and import of a workspace's run history (configs, statuses, summaries, full series) as
one gzipped JSON Lines file, so a team can move its history between installations.

Models and datasets travel as descriptions (architecture, sizes, hashes), not weights or data:
imported ones are marked as such and cannot be trained with until the real files are registered.
"""
from __future__ import annotations

import gzip
import json
import tempfile
import uuid
from datetime import datetime
from typing import IO

from django.db import transaction
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import AuditEvent, User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.models import Dataset, ModelAsset, ModelSource
from webapp.runs.models import FINAL_STATUSES, MetricPoint, Run
from webapp.runs.services.metrics import metrics_ingest

FORMAT = "distillery-history/1"
RUN_FIELDS = ("name", "method", "config", "status", "seed", "resources", "tags", "notes", "starred", "error_message",
              "attempt", "progress_step", "progress_total")
TIMES = ("created_at", "queued_at", "started_at", "finished_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def history_export(*, workspace: Workspace, user: User) -> IO[bytes]:
    """A temporary gzip file (positioned at 0) with the workspace's finished runs and everything
    they refer to. Series are read run by run, so memory stays bounded."""
    out = tempfile.TemporaryFile()
    with gzip.GzipFile(fileobj=out, mode="wb") as sink:
        def write(record: dict) -> None:
            sink.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")

        write({"kind": "header", "format": FORMAT, "exported_at": timezone.now().isoformat(),
               "export_id": uuid.uuid4().hex, "workspace": {"name": workspace.name, "slug": workspace.slug}})
        runs = list(Run.objects.filter(workspace=workspace, status__in=FINAL_STATUSES).order_by("id"))
        model_ids = {i for r in runs for i in (r.student_id, r.teacher_id, r.reference_id) if i}
        model_ids |= set(ModelAsset.objects.filter(produced_by_run__in=runs).values_list("id", flat=True))
        for model in ModelAsset.objects.filter(id__in=model_ids).order_by("id"):
            write({"kind": "model", "ref": model.id, "name": model.name, "source": model.source,
                   "architecture": model.architecture, "parameter_count": model.parameter_count,
                   "vocab_size": model.vocab_size, "config": model.config, "produced_by_run": model.produced_by_run_id})
        dataset_ids = {i for r in runs for i in (r.train_dataset_id, r.validation_dataset_id, r.replay_dataset_id) if i}
        for dataset in Dataset.objects.filter(id__in=dataset_ids).order_by("id"):
            write({"kind": "dataset", "ref": dataset.id, "name": dataset.name, "version": dataset.version,
                   "dataset_kind": dataset.kind, "format": dataset.format, "sha256": dataset.sha256,
                   "row_count": dataset.row_count, "size_bytes": dataset.size_bytes})
        for run in runs:
            series: dict[str, list] = {}
            for name, step, value, wall in MetricPoint.objects.filter(run=run).order_by("name", "step").values_list(
                    "name", "step", "value", "wall"):
                series.setdefault(name, []).append([step, value, wall])
            write({"kind": "run", "ref": run.id, **{f: getattr(run, f) for f in RUN_FIELDS},
                   **{t: _iso(getattr(run, t)) for t in TIMES}, "student": run.student_id, "teacher": run.teacher_id,
                   "reference": run.reference_id, "train_dataset": run.train_dataset_id,
                   "validation_dataset": run.validation_dataset_id, "replay_dataset": run.replay_dataset_id,
                   "parent": run.parent_id, "series": series})
    audit(workspace=workspace, actor=user, action="history.export", target=workspace, runs=len(runs))
    out.seek(0)
    return out


def _records(upload: IO[bytes]):
    try:
        with gzip.GzipFile(fileobj=upload, mode="rb") as source:
            for number, line in enumerate(source, start=1):
                if line.strip():
                    yield number, json.loads(line)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"The file is not a gzipped Distillery history export ({exc}).", field="file") from None


def _free_name(workspace: Workspace, name: str) -> str:
    candidate, n = name, 1
    while ModelAsset.objects.filter(workspace=workspace, name=candidate).exists():
        n += 1
        candidate = f"{name} (imported {n})" if n > 2 else f"{name} (imported)"
    return candidate


@transaction.atomic
def history_import(*, workspace: Workspace, user: User, upload: IO[bytes]) -> dict:
    """Recreates the exported runs in `workspace`, all or nothing. Returns what was created."""
    require_write(user=user, workspace=workspace)
    records = _records(upload)
    first = next(records, (0, {}))[1]
    if first.get("kind") != "header" or first.get("format") != FORMAT:
        raise Invalid(f"The file is not a Distillery history export (expected a {FORMAT} header line).", field="file")
    # One export goes into a workspace once: a second import would duplicate every run. Exports
    # made before export ids existed are told apart by their source workspace and time.
    export_key = first.get("export_id") or f"{(first.get('workspace') or {}).get('slug')}@{first.get('exported_at')}"
    earlier = AuditEvent.objects.filter(workspace=workspace, action="history.import",
                                        detail__export_key=export_key).order_by("created_at").first()
    if earlier is not None:
        raise Invalid(
            f"This export (from workspace '{(first.get('workspace') or {}).get('slug')}', made "
            f"{first.get('exported_at')}) was already imported into this workspace on "
            f"{earlier.created_at:%Y-%m-%d %H:%M} UTC ({earlier.detail.get('runs', '?')} runs): importing it again "
            "would duplicate them: import it into another workspace instead.",
            field="file")
    models: dict[int, ModelAsset] = {}
    datasets: dict[int, Dataset] = {}
    runs: dict[int, Run] = {}
    produced: list[tuple[ModelAsset, int]] = []
    parents: list[tuple[Run, int]] = []
    points = 0
    try:
        for number, record in records:
            kind = record.get("kind")
            if kind == "model":
                model = ModelAsset.objects.create(
                    workspace=workspace, name=_free_name(workspace, record["name"]), source=ModelSource.IMPORTED,
                    config=record.get("config"), architecture=record.get("architecture") or "",
                    parameter_count=record.get("parameter_count"), vocab_size=record.get("vocab_size"), created_by=user)
                models[record["ref"]] = model
                if record.get("produced_by_run"):
                    produced.append((model, record["produced_by_run"]))
            elif kind == "dataset":
                existing = Dataset.objects.filter(workspace=workspace, name=record["name"],
                                                  sha256=record["sha256"]).first()
                if existing is None:
                    latest = Dataset.objects.filter(workspace=workspace,
                                                    name=record["name"]).order_by("-version").first()
                    existing = Dataset.objects.create(
                        workspace=workspace, name=record["name"], version=(latest.version + 1) if latest else 1,
                        kind=record["dataset_kind"], format=record.get("format", "jsonl"), file="",
                        sha256=record["sha256"], row_count=record["row_count"], size_bytes=record["size_bytes"],
                        created_by=user)
                datasets[record["ref"]] = existing
            elif kind == "run":
                run = Run.objects.create(
                    workspace=workspace, creator=user, **{f: record[f] for f in RUN_FIELDS},
                    student=models[record["student"]], teacher=models.get(record["teacher"]),
                    reference=models.get(record.get("reference")),
                    train_dataset=datasets[record["train_dataset"]],
                    validation_dataset=datasets.get(record["validation_dataset"]),
                    replay_dataset=datasets.get(record.get("replay_dataset")),
                )
                Run.objects.filter(pk=run.pk).update(**{t: record[t] for t in TIMES})
                runs[record["ref"]] = run
                if record.get("parent"):
                    parents.append((run, record["parent"]))
                points += metrics_ingest(run=run, points=[(name, step, value, wall)
                                                          for name, rows in record["series"].items()
                                                          for step, value, wall in rows])
            else:
                raise Invalid(f"Line {number}: unknown record kind {kind!r}.", field="file")
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid(f"Line {number} of the export is incomplete or refers to something missing ({exc!r}).",
                      field="file") from None
    for model, run_ref in produced:
        if run_ref in runs:
            ModelAsset.objects.filter(pk=model.pk).update(produced_by_run=runs[run_ref])
    for run, parent_ref in parents:
        if parent_ref in runs:
            Run.objects.filter(pk=run.pk).update(parent=runs[parent_ref])
    summary = {"runs": len(runs), "models": len(models), "datasets": len(datasets), "points": points}
    audit(workspace=workspace, actor=user, action="history.import", target=workspace, export_key=export_key, **summary)
    return summary
