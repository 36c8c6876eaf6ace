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
from rest_framework import serializers

from webapp.accounts.audit import audit
from webapp.accounts.models import AuditEvent, User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.common.strict_json import NotStrictJson, json_value_problem, strict_loads
from webapp.registry.models import Dataset, DatasetKind, ModelAsset, ModelSource
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
    number = 0
    try:
        with gzip.GzipFile(fileobj=upload, mode="rb") as source:
            for number, line in enumerate(source, start=1):
                if line.strip():
                    record = strict_loads(line)
                    if not isinstance(record, dict):
                        raise Invalid(f"Line {number} of the export is not a JSON object.", field="file")
                    yield number, record
    except NotStrictJson as exc:  # NaN, Infinity, a lone surrogate: nothing the API could answer with
        raise Invalid(f"Line {number} of the export cannot be imported: {exc}.", field="file") from None
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"The file is not a gzipped Distillery history export ({exc}).", field="file") from None


# Every imported field is checked as strictly as the API checks it when a run, model or dataset is
# made there: an imported run could otherwise be `running` (never cancellable, resumable or
# deletable) or carry values no page can show.
INT32 = 2**31 - 1
INT64 = 2**63 - 1


class _JsonObject(serializers.DictField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problem = json_value_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class _RecordInput(serializers.Serializer):
    kind = serializers.CharField()
    ref = serializers.IntegerField(min_value=1, max_value=INT64)


class _ModelRecord(_RecordInput):
    name = serializers.CharField(max_length=100)
    source = serializers.CharField(required=False, allow_blank=True)
    architecture = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True,
                                         default="")
    parameter_count = serializers.IntegerField(min_value=0, max_value=INT64, required=False, allow_null=True)
    vocab_size = serializers.IntegerField(min_value=0, max_value=INT32, required=False, allow_null=True)
    config = _JsonObject(required=False, allow_null=True)
    produced_by_run = serializers.IntegerField(min_value=1, max_value=INT64, required=False, allow_null=True)


class _DatasetRecord(_RecordInput):
    name = serializers.CharField(max_length=100)
    version = serializers.IntegerField(min_value=1, max_value=INT32, required=False)
    dataset_kind = serializers.ChoiceField(choices=DatasetKind.values)
    format = serializers.ChoiceField(choices=["jsonl"], required=False, default="jsonl")
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", max_length=64)
    row_count = serializers.IntegerField(min_value=0, max_value=INT32)
    size_bytes = serializers.IntegerField(min_value=0, max_value=INT64)


class _Series(serializers.DictField):
    """{metric name: [[step, value, wall], ...]} with names as the engine writes them, whole
    non-negative steps and finite values (the worker stores no NaN or infinity either)."""

    def to_internal_value(self, data):
        series = super().to_internal_value(data)
        for name, rows in series.items():
            if not isinstance(name, str) or not 0 < len(name) <= 120:
                raise serializers.ValidationError(f"metric name {name!r} must be 1 to 120 characters")
            if not isinstance(rows, list):
                raise serializers.ValidationError(f"'{name}' must be a list of [step, value, wall] points")
            for row in rows:
                if not (isinstance(row, list) and len(row) == 3):
                    raise serializers.ValidationError(f"'{name}': a point must be [step, value, wall], got {row!r}")
                step, value, wall = row
                if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= INT32:
                    raise serializers.ValidationError(f"'{name}': step {step!r} must be a whole number from 0 to "
                                                      f"{INT32}")
                for what, number in (("value", value), ("wall", wall)):
                    if (not isinstance(number, (int, float)) or isinstance(number, bool)
                            or json_value_problem(float(number))):
                        raise serializers.ValidationError(f"'{name}' step {step}: {what} {number!r} must be a "
                                                          "finite number")
        return series


class _RunRecord(_RecordInput):
    name = serializers.CharField(max_length=200, allow_blank=True)
    method = serializers.CharField(max_length=60)
    config = _JsonObject()
    status = serializers.ChoiceField(choices=sorted(FINAL_STATUSES), error_messages={
        "invalid_choice": "'{input}' is not the status of a finished run: an export holds only succeeded, failed "
                          "and cancelled runs"})
    seed = serializers.IntegerField(min_value=-INT32 - 1, max_value=INT32)
    resources = _JsonObject()
    tags = serializers.ListField(child=serializers.CharField(max_length=60))
    notes = serializers.CharField(allow_blank=True)
    starred = serializers.BooleanField()
    error_message = serializers.CharField(allow_blank=True)
    attempt = serializers.IntegerField(min_value=0, max_value=INT32)
    progress_step = serializers.IntegerField(min_value=0, max_value=INT32)
    progress_total = serializers.IntegerField(min_value=0, max_value=INT32)
    created_at = serializers.DateTimeField()
    queued_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    student = serializers.IntegerField(min_value=1, max_value=INT64)
    teacher = serializers.IntegerField(min_value=1, max_value=INT64, allow_null=True)
    reference = serializers.IntegerField(min_value=1, max_value=INT64, allow_null=True, required=False)
    train_dataset = serializers.IntegerField(min_value=1, max_value=INT64)
    validation_dataset = serializers.IntegerField(min_value=1, max_value=INT64, allow_null=True)
    replay_dataset = serializers.IntegerField(min_value=1, max_value=INT64, allow_null=True, required=False)
    parent = serializers.IntegerField(min_value=1, max_value=INT64, allow_null=True, required=False)
    series = _Series()

    def validate_method(self, method: str) -> str:
        from engine import registry

        if method not in registry.METHODS:
            raise serializers.ValidationError(f"unknown method '{method}' (this server has "
                                              f"{', '.join(sorted(registry.METHODS))})")
        return method

    def validate_resources(self, resources: dict) -> dict:
        from webapp.runs.resources import Resources

        try:
            Resources.parse(resources)
        except Invalid as exc:
            raise serializers.ValidationError(exc.message) from None
        return resources


class _WorkspaceRef(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True)


class _HeaderRecord(serializers.Serializer):
    kind = serializers.CharField()
    format = serializers.CharField()
    exported_at = serializers.CharField(max_length=64, required=False, allow_blank=True)
    export_id = serializers.RegexField(r"^[0-9a-f]{1,64}$", required=False)
    workspace = _WorkspaceRef(required=False)


RECORD_INPUTS = {"model": _ModelRecord, "dataset": _DatasetRecord, "run": _RunRecord}


def _flat(messages) -> str:
    """DRF's error detail (a list, or a dict by list index for a list field's items) as one line."""
    if isinstance(messages, dict):
        return " ".join(_flat(value) if key == "non_field_errors" else f"[{key}] {_flat(value)}"
                        for key, value in messages.items())
    if isinstance(messages, list):
        return " ".join(_flat(m) for m in messages)
    return str(messages)


def _checked(number: int, record: dict) -> dict:
    """The record with its fields converted, or a 400 naming the line and every bad field."""
    kind = record.get("kind")
    form = RECORD_INPUTS.get(kind) if isinstance(kind, str) else None
    if form is None:
        raise Invalid(f"Line {number}: unknown record kind {kind!r} (a history export has model, dataset and run "
                      "lines after its header).", field="file")
    data = form(data=record)
    if not data.is_valid():
        problems = "; ".join(f"{field}: {_flat(messages)}" for field, messages in data.errors.items())
        raise Invalid(f"Line {number} ({kind} record) cannot be imported: {problems.rstrip('.')}. "
                      "Nothing was imported.", field="file")
    return {**data.validated_data, "kind": kind}


def _free_name(workspace: Workspace, name: str) -> str:
    candidate, n = name, 1
    while ModelAsset.objects.filter(workspace=workspace, name=candidate).exists():
        n += 1
        suffix = f" (imported {n})" if n > 2 else " (imported)"
        candidate = name[:100 - len(suffix)] + suffix  # a model name has at most 100 characters
    return candidate


def _ref(objects: dict, ref: int | None):
    """The object an optional reference names; a reference no earlier line defines is a KeyError."""
    return None if ref is None else objects[ref]


@transaction.atomic
def history_import(*, workspace: Workspace, user: User, upload: IO[bytes]) -> dict:
    """Recreates the exported runs in `workspace`, all or nothing. Returns what was created."""
    require_write(user=user, workspace=workspace)
    records = _records(upload)
    first = next(records, (0, {}))[1]
    if first.get("kind") != "header" or first.get("format") != FORMAT:
        raise Invalid(f"The file is not a Distillery history export (expected a {FORMAT} header line).", field="file")
    header = _HeaderRecord(data=first)
    if not header.is_valid():
        problems = "; ".join(f"{field}: {_flat(messages)}" for field, messages in header.errors.items())
        raise Invalid(f"Line 1 (the header) cannot be imported: {problems.rstrip('.')}. Nothing was imported.",
                      field="file")
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
        for number, raw in records:
            record = _checked(number, raw)
            kind = record["kind"]
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
                    student=models[record["student"]], teacher=_ref(models, record["teacher"]),
                    reference=_ref(models, record.get("reference")),
                    train_dataset=datasets[record["train_dataset"]],
                    validation_dataset=_ref(datasets, record["validation_dataset"]),
                    replay_dataset=_ref(datasets, record.get("replay_dataset")),
                )
                Run.objects.filter(pk=run.pk).update(**{t: record[t] for t in TIMES})
                runs[record["ref"]] = run
                if record.get("parent"):
                    parents.append((run, record["parent"]))
                points += metrics_ingest(run=run, points=[(name, step, float(value), float(wall))
                                                          for name, rows in record["series"].items()
                                                          for step, value, wall in rows])
    except KeyError as exc:
        raise Invalid(f"Line {number} of the export refers to {exc.args[0]!r}, which no earlier line of the file "
                      "defines: the file is incomplete or was edited.", field="file") from None
    for model, run_ref in produced:
        if run_ref in runs:
            ModelAsset.objects.filter(pk=model.pk).update(produced_by_run=runs[run_ref])
    for run, parent_ref in parents:
        if parent_ref in runs:
            Run.objects.filter(pk=run.pk).update(parent=runs[parent_ref])
    summary = {"runs": len(runs), "models": len(models), "datasets": len(datasets), "points": points}
    audit(workspace=workspace, actor=user, action="history.import", target=workspace, export_key=export_key, **summary)
    return summary
