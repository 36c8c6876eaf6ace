"""What a run must satisfy before it is queued, besides what the engine's RunSpec checks
(webapp.runs.engine_spec): the models and data the web knows about, and the resources the live
workers can give; and how a run is queued."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from webapp.accounts.models import Workspace
from webapp.common.errors import Invalid
from webapp.common.tasks import enqueue
from webapp.registry.models import Dataset, ModelAsset, ModelSource
from webapp.runs.models import Run, Worker
from webapp.runs.resources import Resources

RUN_TASK = "worker.tasks.run_execute"


def eligible_workers(*, gpus: int) -> list[Worker]:
    """Live training workers that could hold a run asking for `gpus` GPUs (0: a CPU run). A
    light-jobs companion sees the same GPUs but trains nothing, so it never counts."""
    cutoff = timezone.now() - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT_S)
    queue = Resources(gpus=gpus).queue
    return [w for w in Worker.objects.filter(stopped_at__isnull=True, last_heartbeat__gte=cutoff)
            if queue in (w.queues or []) and len(w.gpus or []) >= gpus]


def check_resources(info, resources: Resources) -> None:
    """What the method and the live workers allow, or a 400 naming resources.gpus or resources.nodes."""
    method, gpus, nodes = info.name, resources.gpus, resources.nodes
    if not info.requires.data_parallel:
        if gpus > 1:
            raise Invalid(f"Method '{method}' trains in one process and cannot use several GPUs: ask for 1 GPU.",
                          field="resources.gpus")
        if nodes > 1:
            raise Invalid(f"Method '{method}' trains in one process and cannot span several hosts: ask for 1 node.",
                          field="resources.nodes")
    if resources.multi_host:
        eligible = eligible_workers(gpus=gpus)
        if len(eligible) < nodes:
            each = f"{gpus} GPU(s)" if gpus else "the CPU queue"
            raise Invalid(
                f"The run asks for {nodes} nodes with {each} each but {len(eligible)} live worker(s) have that: "
                "ask for fewer nodes, or start more workers (see the README's 'Adding GPU machines').",
                field="resources.nodes",
            )
        return
    if gpus == 0:
        return
    most = max((len(w.gpus) for w in eligible_workers(gpus=1)), default=0)
    if gpus > most:
        raise Invalid(
            f"The run asks for {gpus} GPU(s) but the largest live worker has {most}: ask for fewer, "
            "or start a GPU worker (see the README's 'Adding GPU machines').",
            field="resources.gpus",
        )


def enqueue_run(run: Run) -> None:
    """One message per node: each worker that takes one joins the run as one of its hosts."""
    resources = Resources.of(run)
    for _ in range(resources.nodes):
        enqueue(RUN_TASK, run.id, queue=resources.queue)


def check_models_and_data(*, workspace: Workspace, student: ModelAsset, teacher: ModelAsset | None,
                          reference: ModelAsset | None, train_dataset: Dataset, validation_dataset: Dataset | None,
                          replay_dataset: Dataset | None) -> None:
    """What only the web knows about the run's models and data, checked before the engine's RunSpec
    (webapp.runs.engine_spec.run_spec_check), which decides whether the method gets the teacher,
    reference, task sequence, validation and replay data it needs, whether the datasets are of the
    kinds the method trains on, and whether the models fit the run by the facts inspection recorded
    (shared vocabulary, positions, LoRA targets, chat template; engine.facts): that the objects are in
    the workspace and have their files here. A mistake is a 400 naming the field, not a failed run."""
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
