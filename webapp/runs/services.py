"""Writes for runs: launching and cancelling (web), and recording what a worker reports (worker)."""
from __future__ import annotations

import copy
import secrets
import time
from datetime import timedelta
from typing import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from webapp.accounts.audit import audit
from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Conflict, Invalid
from webapp.common.tasks import enqueue
from webapp.registry.models import Dataset, DatasetKind, ModelAsset, ModelSource
from webapp.runs.models import (
    FINAL_STATUSES,
    Artifact,
    ROLLUP_WIDTHS,
    MetricPoint,
    MetricRollup,
    MetricSummary,
    Run,
    RunLogLine,
    RunNode,
    RunTemplate,
    ShareLink,
    RunStatus,
    Worker,
)
from webapp.runs.engine_spec import run_spec_check
from webapp.runs.state import transition

RUN_TASK = "worker.tasks.run_execute"


def _validate_method_config(method: str, config: dict):
    """Validates with the engine's own pydantic classes (no torch import); returns the method info."""
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
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            path = ".".join(["config", *(str(part) for part in error["loc"])])
            errors.setdefault(path, []).append(error["msg"].removeprefix("Value error, "))
        first_path, first_messages = next(iter(errors.items()))
        raise Invalid(f"Invalid run config: {first_path}: {first_messages[0]}", errors=errors) from None
    return info, validated.model_dump(mode="json")


MAX_NODES = 64


def run_nodes_wanted(run: Run) -> int:
    """How many hosts the run spans (resources.nodes; 1 when not given)."""
    return int(run.resources.get("nodes", 1) or 1)


def _eligible_workers(*, gpus: int) -> list[Worker]:
    """Live training workers that could hold a run asking for `gpus` GPUs (0: a CPU run). A
    light-jobs companion sees the same GPUs but trains nothing, so it never counts."""
    cutoff = timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S)
    queue = "gpu" if gpus else "cpu"
    return [w for w in Worker.objects.filter(stopped_at__isnull=True, last_heartbeat__gte=cutoff)
            if queue in (w.queues or []) and len(w.gpus or []) >= gpus]


def _check_resources(resources: dict) -> tuple[int, int]:
    """(gpus per host, hosts) of a run's resources, or a 400 saying what they must be."""
    gpus, nodes = resources.get("gpus", 0) or 0, resources.get("nodes", 1)
    if not isinstance(gpus, int) or isinstance(gpus, bool) or gpus < 0:
        raise Invalid("resources.gpus must be 0 (CPU) or a positive number of GPUs.", field="resources.gpus")
    if not isinstance(nodes, int) or isinstance(nodes, bool) or not 1 <= nodes <= MAX_NODES:
        raise Invalid(f"resources.nodes must be a whole number of hosts from 1 to {MAX_NODES} (default 1).",
                      field="resources.nodes")
    return gpus, nodes


def _queue_for(resources: dict) -> str:
    """The queue of a run with these resources, refused (400) when no live workers could take it."""
    gpus, nodes = _check_resources(resources)
    if nodes > 1:
        eligible = _eligible_workers(gpus=gpus)
        if len(eligible) < nodes:
            each = f"{gpus} GPU(s)" if gpus else "the CPU queue"
            raise Invalid(
                f"The run asks for {nodes} nodes with {each} each but {len(eligible)} live worker(s) have that: "
                "ask for fewer nodes, or start more workers (see the README's 'Adding GPU machines').",
                field="resources.nodes",
            )
        return "gpu" if gpus else "cpu"
    if gpus == 0:
        return "cpu"
    most = max((len(w.gpus) for w in _eligible_workers(gpus=1)), default=0)
    if gpus > most:
        raise Invalid(
            f"The run asks for {gpus} GPU(s) but the largest live worker has {most}: ask for fewer, "
            "or start a GPU worker (see the README's 'Adding GPU machines').",
            field="resources.gpus",
        )
    return "gpu"


def _enqueue_run(run: Run, queue: str | None = None) -> None:
    """One message per node: each worker that takes one joins the run as one of its hosts."""
    for _ in range(run_nodes_wanted(run)):
        enqueue(RUN_TASK, run.id, queue=queue or _queue_name(run))


def _check_models_and_data(info, *, workspace: Workspace, student: ModelAsset, teacher: ModelAsset | None,
                           reference: ModelAsset | None, train_dataset: Dataset, validation_dataset: Dataset | None,
                           replay_dataset: Dataset | None) -> None:
    """What the method's requirements (engine registry `requires`) say about the run's models and data,
    checked before anything is queued so that a mistake is a 400 naming the field, not a failed run."""
    method = info.name
    models = (("student", student), ("teacher", teacher), ("reference", reference))
    datasets = (("train_dataset", train_dataset), ("validation_dataset", validation_dataset),
                ("replay_dataset", replay_dataset))
    for role, asset in (*models, *datasets):
        if asset is not None and asset.workspace_id != workspace.id:
            raise Invalid(f"The {role.replace('_', ' ')} belongs to another workspace.", field=role)
    for role, asset in models:
        if asset is not None and asset.source == ModelSource.IMPORTED:
            raise Invalid(f"Model '{asset.name}' came with imported run history and has no weights here: "
                          "register its weights (path, upload or run) to train with it.", field=role)
    for role, dataset in datasets:
        if dataset is not None and not dataset.file:
            raise Invalid(f"Dataset '{dataset}' came with imported run history and has no data here: "
                          "upload it to train on it.", field=role)
    if info.requires.teacher and teacher is None:
        raise Invalid(f"Method '{method}' distils from a teacher: choose a teacher model.", field="teacher")
    if teacher is not None and not info.requires.teacher:
        raise Invalid(f"Method '{method}' does not use a teacher: leave it empty.", field="teacher")
    if reference is not None and not info.requires.reference:
        raise Invalid(f"Method '{method}' does not use a reference model: leave it empty.", field="reference")
    kinds = list(info.requires.dataset_kinds)
    if info.requires.tasks:
        if train_dataset.kind != DatasetKind.TASK_SEQUENCE:
            raise Invalid(f"Method '{method}' trains on a task sequence: choose a task-sequence dataset as training "
                          f"data ('{train_dataset}' is a {train_dataset.kind} dataset).", field="train_dataset")
        if validation_dataset is not None:
            raise Invalid(f"Method '{method}' validates every task on the validation data given in the task "
                          "sequence: leave validation_dataset empty.", field="validation_dataset")
        for task in train_dataset.tasks.select_related("train_dataset", "validation_dataset"):
            for member in (task.train_dataset, task.validation_dataset):
                if kinds and member.kind not in kinds:
                    raise Invalid(f"Method '{method}' needs {' or '.join(kinds)} data, but task '{task.name}' "
                                  f"uses '{member}', a {member.kind} dataset.", field="train_dataset")
        if replay_dataset is not None and replay_dataset.kind != DatasetKind.TEXT:
            raise Invalid(f"Replay data is general text replayed alongside every task: choose a text dataset "
                          f"('{replay_dataset}' is a {replay_dataset.kind} dataset).", field="replay_dataset")
    else:
        for role, dataset in (("train_dataset", train_dataset), ("validation_dataset", validation_dataset)):
            if dataset is not None and dataset.kind == DatasetKind.TASK_SEQUENCE:
                raise Invalid(f"'{dataset}' is a task sequence, which only continual-learning methods train on; "
                              f"method '{method}' needs one dataset of {' or '.join(kinds) or 'any'} kind.",
                              field=role)
            if dataset is not None and kinds and dataset.kind not in kinds:
                raise Invalid(
                    f"Method '{method}' needs {' or '.join(kinds)} data, but '{dataset}' is a {dataset.kind} dataset.",
                    field=role,
                )
        if replay_dataset is not None:
            raise Invalid(f"Method '{method}' is not a continual-learning method and replays nothing: leave "
                          "replay_dataset empty.", field="replay_dataset")
    # Token-level methods compare the models' distributions token id by token id; a method that passes
    # only text between teacher and student (requires.shared_vocabulary false) takes any teacher.
    shared = (("teacher", teacher),) if getattr(info.requires, "shared_vocabulary", True) else ()
    for role, other in (*shared, ("reference", reference)):
        if other is not None and other.vocab_size and student.vocab_size and other.vocab_size != student.vocab_size:
            why = ("logit distillation needs a shared vocabulary (use sequence-level KD instead)" if role == "teacher"
                   else "the reference scores the policy's tokens, so it needs the student's vocabulary (tokenizer)")
            raise Invalid(
                f"{role.capitalize()} '{other.name}' has a vocabulary of {other.vocab_size} tokens and student "
                f"'{student.name}' of {student.vocab_size}: {why}.", field=role,
            )


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
    info, clean_config = _validate_method_config(method, config)
    models_and_data = dict(student=student, teacher=teacher, reference=reference, train_dataset=train_dataset,
                           validation_dataset=validation_dataset, replay_dataset=replay_dataset)
    _check_models_and_data(info, workspace=workspace, **models_and_data)
    run_spec_check(method=method, seed=seed, config=clean_config, **models_and_data)
    resources = dict(resources or {"gpus": 0})
    gpus, nodes = _check_resources(resources)
    if not info.requires.data_parallel:
        if gpus > 1:
            raise Invalid(f"Method '{method}' trains in one process and cannot use several GPUs: ask for 1 GPU.",
                          field="resources.gpus")
        if nodes > 1:
            raise Invalid(f"Method '{method}' trains in one process and cannot span several hosts: ask for 1 node.",
                          field="resources.nodes")
    queue = _queue_for(resources)
    run = Run.objects.create(
        workspace=workspace, creator=user, name=name or method, method=method, config=clean_config,
        student=student, teacher=teacher, reference=reference, train_dataset=train_dataset,
        validation_dataset=validation_dataset, replay_dataset=replay_dataset, seed=seed, resources=resources,
        tags=list(tags), notes=notes, parent=parent,
        register_model_as=register_model_as, status=RunStatus.QUEUED, queued_at=timezone.now(),
    )
    _enqueue_run(run, queue)
    audit(workspace=workspace, actor=user, action="run.create", target=run, method=method, name=run.name,
          parent=parent.id if parent else None)
    return run


def template_create(
    *,
    workspace: Workspace,
    user: User,
    name: str,
    method: str,
    config: dict,
    student: ModelAsset,
    train_dataset: Dataset,
    description: str = "",
    teacher: ModelAsset | None = None,
    reference: ModelAsset | None = None,
    validation_dataset: Dataset | None = None,
    replay_dataset: Dataset | None = None,
    seed: int = 0,
    register_model_as: str = "",
) -> RunTemplate:
    """Saves a run's settings under a name, to launch again later ("save as template").

    The config is validated now and the models and data must fit the method as for a run; the
    template keeps their names, so launching it later uses the newest version of each dataset."""
    require_write(user=user, workspace=workspace)
    name = name.strip()
    if not name:
        raise Invalid("A template needs a name.", field="name")
    if RunTemplate.objects.filter(workspace=workspace, name=name).exists():
        raise Invalid(f"The workspace already has a template called '{name}': choose another name.", field="name")
    info, clean_config = _validate_method_config(method, config)
    _check_models_and_data(info, workspace=workspace, student=student, teacher=teacher, reference=reference,
                           train_dataset=train_dataset, validation_dataset=validation_dataset,
                           replay_dataset=replay_dataset)
    template = RunTemplate.objects.create(
        workspace=workspace, name=name, description=description, method=method, config=clean_config,
        student=student.name, teacher=teacher.name if teacher else "", reference=reference.name if reference else "",
        train_dataset=train_dataset.name, validation_dataset=validation_dataset.name if validation_dataset else "",
        replay_dataset=replay_dataset.name if replay_dataset else "", seed=seed, register_model_as=register_model_as,
    )
    audit(workspace=workspace, actor=user, action="template.create", target=template)
    return template


def template_delete(*, template: RunTemplate, user: User) -> None:
    require_write(user=user, workspace=template.workspace)
    audit(workspace=template.workspace, actor=user, action="template.delete", target=template)
    template.delete()


def template_launch(*, template: RunTemplate, user: User) -> Run:
    """Launches a run from a template, resolving its model and dataset names now."""
    workspace = template.workspace

    def model(name: str, role: str) -> ModelAsset | None:
        if not name:
            return None
        found = ModelAsset.objects.filter(workspace=workspace, name=name).first()
        if found is None:
            raise Invalid(
                f"Template '{template.name}' needs the {role} model '{name}', which is not registered yet: "
                "register it (or run the template that produces it) first.",
                field=role,
            )
        return found

    def dataset(name: str, role: str) -> Dataset | None:
        if not name:
            return None
        found = Dataset.objects.filter(workspace=workspace, name=name).order_by("-version").first()
        if found is None:
            raise Invalid(f"Template '{template.name}' needs the dataset '{name}', which does not exist.", field=role)
        return found

    return run_create(
        workspace=workspace, user=user, name=template.name, method=template.method, config=template.config,
        student=model(template.student, "student"), teacher=model(template.teacher, "teacher"),
        reference=model(template.reference, "reference"),
        train_dataset=dataset(template.train_dataset, "train_dataset"),
        validation_dataset=dataset(template.validation_dataset, "validation_dataset"),
        replay_dataset=dataset(template.replay_dataset, "replay_dataset"),
        seed=template.seed, register_model_as=template.register_model_as,
    )


def run_register_produced_model(*, run: Run) -> None:
    """Registers a succeeded run's final model under the name the run asked for, if any."""
    from webapp.registry.services import model_register_from_run

    if (run.register_model_as
            and not ModelAsset.objects.filter(workspace=run.workspace, name=run.register_model_as).exists()):
        model_register_from_run(workspace=run.workspace, user=run.creator, name=run.register_model_as, run=run)


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
def share_link_create(*, workspace: Workspace, user: User, runs: list[Run], title: str = "") -> ShareLink:
    require_write(user=user, workspace=workspace)
    if not runs:
        raise Invalid("A share link needs at least one run.", field="runs")
    if len(runs) > 50:
        raise Invalid("A share link can show at most 50 runs.", field="runs")
    if any(run.workspace_id != workspace.id for run in runs):
        raise Invalid("Every shared run must belong to the workspace the link is made in.", field="runs")
    link = ShareLink.objects.create(workspace=workspace, token=secrets.token_urlsafe(32), title=title, created_by=user)
    link.runs.set(runs)
    audit(workspace=workspace, actor=user, action="share.create", target=link, runs=[r.id for r in runs], title=title)
    return link


def share_link_revoke(*, link: ShareLink, user: User) -> None:
    require_write(user=user, workspace=link.workspace)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit(workspace=link.workspace, actor=user, action="share.revoke", target=link)


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


def _deep_merge(base: dict, edits: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in edits.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
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
        fields["config"] = _deep_merge(run.config, edits.pop("config") or {})
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
    _enqueue_run(run)
    audit(workspace=run.workspace, actor=user, action="run.resume", target=run, step=checkpoint.step)
    return run


# --- what workers report ----------------------------------------------------------------------


SQLITE_ROWS_PER_STATEMENT = 2000  # 5 parameters a row, under SQLite's 32,766-variable limit


def _pg_array(values, *, text: bool = False) -> str:
    """A PostgreSQL array literal. psycopg adapts a list element by element in Python, which
    costs more than the INSERT itself at ingestion rates; one joined string costs next to nothing."""
    if text:
        return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"
    return "{" + ",".join(map(repr, values)) + "}"


def _insert_new_points(run_id: int, rows: list[tuple[str, int, float, float]]) -> list[tuple[str, int, float, float]]:
    """SQLite: INSERT ... ON CONFLICT DO NOTHING RETURNING stores the batch, skips points already
    stored, and says which points were new."""
    table = MetricPoint._meta.db_table
    conflict = "ON CONFLICT (run_id, name, step) DO NOTHING RETURNING name, step, value, wall"
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
            chunk = rows[start:start + SQLITE_ROWS_PER_STATEMENT]
            placeholders = ",".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params = [item for name, step, value, wall in chunk for item in (run_id, name, step, value, wall)]
            cursor.execute(f"INSERT INTO {table} (run_id, name, step, value, wall) VALUES {placeholders} {conflict}",
                           params)
            inserted.extend(cursor.fetchall())
    return inserted


ROLLUP_UPDATE = (
    "min = {least}(r.min, excluded.min), max = {greatest}(r.max, excluded.max), "
    "last = CASE WHEN excluded.last_step >= r.last_step THEN excluded.last ELSE r.last END, "
    "last_wall = CASE WHEN excluded.last_step >= r.last_step THEN excluded.last_wall ELSE r.last_wall END, "
    "last_step = {greatest}(r.last_step, excluded.last_step), count = r.count + excluded.count"
)
# max(ARRAY[step, value, ...]) picks the row with the highest step in one plain aggregate (arrays
# compare element by element), much cheaper than array_agg(... ORDER BY ...).
ROLLUP_COLUMNS = "(run_id, name, width, bucket, min, max, last, last_step, last_wall, count)"


def _update_rollups(run_id: int, inserted: list[tuple[str, int, float, float]]) -> None:
    """SQLite: folds new points into the rollup buckets of every width."""
    buckets: dict[tuple[str, int, int], list] = {}
    for width in ROLLUP_WIDTHS:
        for name, step, value, wall in inserted:
            key = (name, width, step // width)
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [value, value, value, step, wall, 1]
                continue
            if value < bucket[0]:
                bucket[0] = value
            if value > bucket[1]:
                bucket[1] = value
            if step > bucket[3]:
                bucket[2], bucket[3], bucket[4] = value, step, wall
            bucket[5] += 1
    rows = [(name, width, index, *agg) for (name, width, index), agg in buckets.items()]
    table = MetricRollup._meta.db_table
    update = ROLLUP_UPDATE.format(least="min", greatest="max").replace("r.", f"{table}.")
    per_statement = SQLITE_ROWS_PER_STATEMENT // 2
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            placeholders = ",".join(["(" + ", ".join(["%s"] * 10) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} {ROLLUP_COLUMNS} VALUES {placeholders} "
                f"ON CONFLICT (run_id, name, width, bucket) DO UPDATE SET {update}",
                [item for row in chunk for item in (run_id, *row)],
            )


PG_INGEST = """
WITH new AS (
    INSERT INTO {points} (run_id, name, step, value, wall)
    SELECT %(run)s, * FROM unnest(%(names)s::varchar[], %(steps)s::int[], %(values)s::float8[], %(walls)s::float8[])
    ON CONFLICT (run_id, name, step) DO NOTHING
    RETURNING name, step, value, wall
), rolled AS (
    INSERT INTO {rollups} AS r (run_id, name, width, bucket, min, max, last, last_step, last_wall, count)
    SELECT %(run)s, name, width, step / width, min(value), max(value),
           (max(ARRAY[step, value, wall]))[2], max(step), (max(ARRAY[step, value, wall]))[3], count(*)
    FROM new CROSS JOIN unnest(%(widths)s::int[]) AS width
    GROUP BY name, width, step / width
    ON CONFLICT (run_id, name, width, bucket) DO UPDATE SET {rollup_update}
), summarised AS (
    INSERT INTO {summaries} AS m (run_id, name, last, last_step, min, min_step, max, max_step, count)
    SELECT %(run)s, name, (max(ARRAY[step, value]))[2], max(step),
           min(value), (min(ARRAY[value, step]))[2]::int,
           max(value), (-(max(ARRAY[value, -step]))[2])::int, count(*)
    FROM new GROUP BY name
    ON CONFLICT (run_id, name) DO UPDATE SET
        last = CASE WHEN excluded.last_step >= m.last_step THEN excluded.last ELSE m.last END,
        last_step = GREATEST(m.last_step, excluded.last_step),
        min_step = CASE WHEN excluded.min < m.min THEN excluded.min_step ELSE m.min_step END,
        min = LEAST(m.min, excluded.min),
        max_step = CASE WHEN excluded.max > m.max THEN excluded.max_step ELSE m.max_step END,
        max = GREATEST(m.max, excluded.max),
        count = m.count + excluded.count
)
SELECT count(*) FROM new
"""


def _ingest_postgres(run_id: int, rows: list[tuple[str, int, float, float]]) -> int:
    """Points, rollups and summaries in one statement: the new points (ON CONFLICT DO NOTHING
    drops the ones already stored) feed the rollup and summary upserts through data-modifying
    CTEs, so nothing travels back to Python but a count."""
    names, steps, values, walls = zip(*rows)
    sql = PG_INGEST.format(
        points=MetricPoint._meta.db_table, rollups=MetricRollup._meta.db_table,
        summaries=MetricSummary._meta.db_table, rollup_update=ROLLUP_UPDATE.format(least="LEAST", greatest="GREATEST"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"run": run_id, "names": _pg_array(names, text=True), "steps": _pg_array(steps),
                             "values": _pg_array(values), "walls": _pg_array(walls),
                             "widths": _pg_array(ROLLUP_WIDTHS)})
        return cursor.fetchone()[0]


def metrics_ingest(*, run: Run, points: list[tuple[str, int, float, float]]) -> int:
    """Stores (name, step, value, wall) points; a point already stored for (run, name, step) is
    skipped, so a resent batch changes nothing. Updates the per-metric summaries from the points
    that were new, in the same transaction. Returns the number of new points."""
    if not points:
        return 0
    unique = {(name, step): (value, wall) for name, step, value, wall in points}
    rows = [(name, step, value, wall) for (name, step), (value, wall) in unique.items()]
    if connection.vendor == "postgresql":
        return _ingest_postgres(run.pk, rows)
    with transaction.atomic():
        inserted = _insert_new_points(run.pk, rows)
        if not inserted:
            return 0
        _update_rollups(run.pk, inserted)
        by_name: dict[str, list[tuple[int, float]]] = {}
        for name, step, value, _ in inserted:
            by_name.setdefault(name, []).append((step, value))
        summaries = {s.name: s for s in MetricSummary.objects.select_for_update().filter(run=run, name__in=by_name)}
        changed, created = [], []
        for name, values in by_name.items():
            summary = summaries.get(name)
            if summary is None:
                first_step, first_value = values[0]
                summary = MetricSummary(run=run, name=name, last=first_value, last_step=first_step, min=first_value,
                                        min_step=first_step, max=first_value, max_step=first_step, count=0)
                created.append(summary)
            else:
                changed.append(summary)
            last_step, last = max(values)
            low_value, low_step = min((v, s) for s, v in values)
            high_value, high_step = max((v, -s) for s, v in values)
            if last_step >= summary.last_step:
                summary.last, summary.last_step = last, last_step
            if low_value < summary.min:
                summary.min, summary.min_step = low_value, low_step
            if high_value > summary.max:
                summary.max, summary.max_step = high_value, -high_step
            summary.count += len(values)
        MetricSummary.objects.bulk_create(created)
        MetricSummary.objects.bulk_update(changed, ["last", "last_step", "min", "min_step", "max", "max_step", "count"])
    return len(inserted)


def logs_append(*, run: Run, lines: list[tuple[float, str, str]]) -> None:
    """Appends (time, level, message) lines after the run's last sequence number. Several
    processes append to one run (the nodes of a run over several hosts, the web on a resume), so
    the run's row is locked while the next numbers are taken (SQLite: the IMMEDIATE transaction)."""
    if not lines:
        return
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).values_list("pk", flat=True).first()
        last = RunLogLine.objects.filter(run=run).order_by("-seq").values_list("seq", flat=True).first() or 0
        RunLogLine.objects.bulk_create(
            [RunLogLine(run=run, seq=last + i, time=t, level=level, message=message[:10000])
             for i, (t, level, message) in enumerate(lines, start=1)]
        )


def artifact_record(*, run: Run, kind: str, name: str, path: str, step: int | None, size_bytes: int) -> Artifact:
    artifact, _ = Artifact.objects.update_or_create(
        run=run, path=path, defaults={"kind": kind, "name": name, "step": step, "size_bytes": size_bytes}
    )
    return artifact


def artifacts_prune_missing(*, run: Run, among: set[str] | None = None) -> list[str]:
    """Drops checkpoint rows whose directories the engine deleted (it keeps only the last K), and
    returns their paths. With a remote artifact store each host has only some of a run's
    checkpoints on its disk, so only `among` (those this attempt's engine had) are candidates."""
    from pathlib import Path

    candidates = run.artifacts.filter(kind="checkpoint")
    if among is not None:
        candidates = candidates.filter(path__in=among)
    gone = {a.pk: a.path for a in candidates if not Path(a.path).exists()}
    Artifact.objects.filter(pk__in=gone).delete()
    return list(gone.values())


def run_progress(*, run: Run, step: int, total: int, eta_s: float | None, tokens_per_s: float | None) -> None:
    Run.objects.filter(pk=run.pk).update(
        progress_step=step, progress_total=total, eta_s=eta_s, tokens_per_s=tokens_per_s, heartbeat_at=timezone.now()
    )


def run_heartbeat(*, run: Run) -> bool:
    """Records that the run is alive; returns whether a cancel was requested."""
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    return Run.objects.filter(pk=run.pk, cancel_requested=True).exists()


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S)


def run_claim(*, run: Run, worker: str, output_dir: str) -> bool:
    """The worker takes the run: queued -> running. A message redelivered for a run that is still
    running is claimed only if that run's heartbeat has gone silent, so a run never runs twice."""
    return transition(
        run, RunStatus.RUNNING,
        only_if=Q(status=RunStatus.QUEUED) | Q(heartbeat_at__lt=_stale_before()) | Q(heartbeat_at__isnull=True),
        worker=worker, heartbeat_at=timezone.now(), output_dir=output_dir, attempt=F("attempt") + 1, error_message="",
    )


def runs_recover_lost() -> list[int]:
    """Running runs whose worker stopped sending heartbeats go back to the queue (and resume from
    their last checkpoint on another worker), until RUN_MAX_ATTEMPTS; then they fail with the
    reason. Any live worker calls this periodically; the compare-and-set moves make that safe."""
    recovered = []
    for run in Run.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=_stale_before()):
        silent_for = int((timezone.now() - run.heartbeat_at).total_seconds())
        checkpoint = run.artifacts.filter(kind="checkpoint").order_by("-step").first()
        where = f"step {checkpoint.step}" if checkpoint else "the start (no checkpoint yet)"
        stale = Q(heartbeat_at__lt=_stale_before())
        if run.attempt < settings.RUN_MAX_ATTEMPTS:
            message = (f"Worker {run.worker or '?'} stopped sending heartbeats {silent_for} s ago; "
                       f"resuming from {where} (attempt {run.attempt + 1} of {settings.RUN_MAX_ATTEMPTS}).")
            if transition(run, RunStatus.QUEUED, only_if=stale, error_message=message, worker=""):
                logs_append(run=run, lines=[(time.time(), "warning", message)])
                _enqueue_run(run)
                recovered.append(run.id)
        else:
            message = (f"Worker {run.worker or '?'} stopped sending heartbeats {silent_for} s ago, and the run "
                       f"has already been attempted {run.attempt} times (RUN_MAX_ATTEMPTS): giving up.")
            if transition(run, RunStatus.FAILED, only_if=stale, error_message=message):
                recovered.append(run.id)
        if run.id in recovered:
            from webapp.notifications.services import notify_run_event

            notify_run_event(run=run, event="run.lost")
    return recovered


def run_requeue(*, run: Run, message: str) -> bool:
    """Puts a running run back in the queue (its worker is shutting down); it resumes from its
    last checkpoint wherever it is picked up next."""
    moved = transition(run, RunStatus.QUEUED, error_message=message, worker="")
    if moved:
        _enqueue_run(run)
    return moved


def _queue_name(run: Run) -> str:
    return "gpu" if int(run.resources.get("gpus", 0) or 0) else "cpu"


def run_finish(*, run: Run, status: str, message: str = "") -> bool:
    return transition(run, status, error_message=message)


# --- runs over several hosts ----------------------------------------------------------------
# Each of a run's M messages is taken by one worker, which joins the run's current attempt as the
# next node. Node 0 claims the run (queued -> running) and hosts the rendezvous; when M nodes have
# joined, every node starts its torchrun. The run row stays node 0's; the others report on their
# RunNode rows, which node 0 watches.


def run_node_join(*, run: Run, worker: str, address: str, port: int, output_dir: str) -> RunNode | None:
    """This worker joins the run as its next node, or gets None (the run is not waiting for nodes,
    every node of its attempt is taken, or this worker already holds one). Node 0 claims the run
    the way a one-host run is claimed, and offers `address:port` for the rendezvous."""
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        lost = locked.heartbeat_at is None or locked.heartbeat_at < _stale_before()
        if locked.status == RunStatus.QUEUED or (locked.status == RunStatus.RUNNING and lost):
            if not run_claim(run=locked, worker=worker, output_dir=output_dir):
                return None
            node = RunNode.objects.create(run=locked, attempt=locked.attempt, node_rank=0, worker=worker,
                                          address=address, port=port, heartbeat_at=timezone.now())
        elif locked.status == RunStatus.RUNNING:
            taken = list(RunNode.objects.filter(run=locked, attempt=locked.attempt))
            if (not taken or len(taken) >= run_nodes_wanted(locked) or any(n.worker == worker for n in taken)
                    or any(n.status != RunNode.Status.WAITING for n in taken)):
                return None
            node = RunNode.objects.create(run=locked, attempt=locked.attempt, node_rank=len(taken), worker=worker,
                                          address=address, heartbeat_at=timezone.now())
        else:
            return None
    run.refresh_from_db()
    return node


def _node_attempt_current(node: RunNode) -> Run | None:
    """The run, if it is still running the attempt this node joined (else None: it was requeued,
    cancelled or finished, or the attempt was given up)."""
    run = Run.objects.filter(pk=node.run_id, status=RunStatus.RUNNING, attempt=node.attempt).first()
    if run is None or not RunNode.objects.filter(pk=node.pk).exists():
        return None
    return run


def run_gang_poll(*, node: RunNode) -> tuple[str, list[RunNode]]:
    """A waiting node's heartbeat. Returns ("ready", nodes) once every node has joined,
    ("waiting", nodes) before, and ("gone", []) when the attempt no longer exists."""
    now = timezone.now()
    RunNode.objects.filter(pk=node.pk).update(heartbeat_at=now)
    run = _node_attempt_current(node)
    if run is None:
        return "gone", []
    if node.node_rank == 0:
        Run.objects.filter(pk=run.pk).update(heartbeat_at=now)
    nodes = list(RunNode.objects.filter(run=run, attempt=node.attempt))
    return ("ready" if len(nodes) >= run_nodes_wanted(run) else "waiting"), nodes


def run_gang_start(*, node: RunNode, resume_from: str = "") -> None:
    fields = {"status": RunNode.Status.RUNNING, "heartbeat_at": timezone.now()}
    if node.node_rank == 0:
        fields["resume_from"] = resume_from
    RunNode.objects.filter(pk=node.pk).update(**fields)


def run_gang_abandon(*, run: Run, node: RunNode, waited_s: float) -> str:
    """Node 0, when the other nodes did not all join in time: the attempt is given up (it does not
    count as one), and the run goes back to the queue, or fails when fewer live workers could take
    a node than it needs. Returns the message that says which."""
    wanted = run_nodes_wanted(run)
    gpus = int(run.resources.get("gpus", 0) or 0)
    with transaction.atomic():
        Run.objects.select_for_update().filter(pk=run.pk).first()
        joined = RunNode.objects.filter(run=run, attempt=node.attempt).count()
        RunNode.objects.filter(run=run, attempt=node.attempt).delete()
        eligible = len(_eligible_workers(gpus=gpus))
        if eligible < wanted:
            message = (f"Only {joined} of {wanted} nodes joined in {waited_s:.0f} s, and {eligible} live worker(s) "
                       f"can take a node: start more workers, or run it on fewer nodes.")
            transition(run, RunStatus.FAILED, only_if=Q(attempt=node.attempt), error_message=message)
        else:
            message = (f"Only {joined} of {wanted} nodes joined in {waited_s:.0f} s (the other workers are busy): "
                       "back in the queue.")
            if transition(run, RunStatus.QUEUED, only_if=Q(attempt=node.attempt), error_message=message, worker="",
                          attempt=F("attempt") - 1):
                _enqueue_run(run)
    logs_append(run=run, lines=[(time.time(), "warning", message)])
    return message


def run_node_heartbeat(*, node: RunNode) -> bool:
    """A follower node's heartbeat while it trains; returns whether its attempt is over (the run
    was requeued, cancelled or finished), so it should stop."""
    RunNode.objects.filter(pk=node.pk).update(heartbeat_at=timezone.now())
    return _node_attempt_current(node) is None


def run_node_leave(*, node: RunNode) -> None:
    """The follower's worker is shutting down: node 0 sees it, checkpoints and requeues the run."""
    RunNode.objects.filter(pk=node.pk).update(status=RunNode.Status.LEAVING, heartbeat_at=timezone.now())


def run_node_exit(*, node: RunNode, code: int) -> None:
    RunNode.objects.filter(pk=node.pk).update(status=RunNode.Status.EXITED, exit_code=code,
                                              heartbeat_at=timezone.now())


def run_nodes_lost(*, run: Run, attempt: int) -> list[RunNode]:
    """Follower nodes of this attempt that are leaving, or whose worker went silent."""
    return list(RunNode.objects.filter(run=run, attempt=attempt, node_rank__gt=0).filter(
        Q(status=RunNode.Status.LEAVING)
        | Q(status__in=[RunNode.Status.WAITING, RunNode.Status.RUNNING], heartbeat_at__lt=_stale_before())))


def run_nodes_of(*, run: Run, attempt: int) -> list[RunNode]:
    return list(RunNode.objects.filter(run=run, attempt=attempt))


def worker_heartbeat(*, hostname: str, queues: list[str], gpus: list[dict], pid: int, current_run: Run | None) -> None:
    Worker.objects.update_or_create(
        hostname=hostname,
        defaults={"queues": queues, "gpus": gpus, "pid": pid, "current_run": current_run,
                  "last_heartbeat": timezone.now(), "stopped_at": None},
    )


def worker_stopped(*, hostname: str) -> None:
    Worker.objects.filter(hostname=hostname).update(stopped_at=timezone.now(), current_run=None)


def workers_prune(*, older_than: timedelta) -> int:
    """Deletes the rows of workers stopped, or silent, for longer than `older_than`, so the table
    holds the fleet of the recent past rather than every worker that ever started. Runs keep the
    hostname they ran on (Run.worker is text), so no history is lost. Returns how many went."""
    from django.db.models import Q

    cutoff = timezone.now() - older_than
    deleted, _ = Worker.objects.filter(
        Q(stopped_at__lt=cutoff) | Q(stopped_at__isnull=True, last_heartbeat__lt=cutoff)).delete()
    return deleted
