"""Celery tasks. They take ids, load the row, and hand over to a service or the executor."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile

from celery import Task, shared_task
from celery.exceptions import Reject

from webapp.common import storage

log = logging.getLogger("worker")


class StartsOnlyOnALiveWorker(Task):
    """A task that a worker shutting down does not start: its message goes back to the broker
    untouched, for the next worker (Celery's blocking loop reads the broker once more after it has
    decided to stop; worker.lifecycle)."""

    def before_start(self, task_id, args, kwargs) -> None:
        from worker import lifecycle

        if lifecycle.shutting_down.is_set():
            lifecycle.stop_consuming()
            log.warning("%s%s arrived while this worker shuts down: handed back to the queue", self.name, args)
            raise Reject("the worker is shutting down", requeue=True)


def worker_task(name: str, **options):
    """Every task of the worker: acknowledged once done (a worker lost mid-task leaves it queued),
    never started by a worker that shuts down."""
    return shared_task(name=name, base=StartsOnlyOnALiveWorker, acks_late=True, ignore_result=True, **options)


@worker_task("worker.tasks.run_execute", bind=True, reject_on_worker_lost=True)
def run_execute(self, run_id: int) -> str:
    """Executes the run. Without the database (a worker cut off from it, or an outage as the run
    ended) the message is sent again later instead of being dropped: the run must not stay queued
    for ever. Sent again, it finds the run claimed by another worker (skipped), still running with
    a fresh heartbeat (skipped), or lost (claimed: it resumes from its checkpoint)."""
    from webapp.runs.models import Run
    from worker.executor import execute
    from worker.outage import OUTAGE_ERRORS, drop_connection

    try:
        run = Run.objects.filter(pk=run_id).first()
        if run is None:
            log.warning("run %s does not exist (deleted before it started); dropping the message", run_id)
            return "missing"
        return execute(run)
    except OUTAGE_ERRORS as exc:
        drop_connection()
        delay = min(60, 5 * 2 ** min(self.request.retries, 4))
        log.warning("run %s: the database did not answer (%s); trying again in %s s", run_id, exc, delay)
        raise self.retry(countdown=delay, max_retries=None) from exc


@worker_task("worker.tasks.model_inspect")
def model_inspect(model_id: int) -> str:
    """Builds the model once (on the meta device, in a child process so torch stays out of the
    worker) and stores what engine.inspect_model finds: architecture, parameter count, vocabulary size,
    dtype, tokenizer presence, and the facts a run's models are judged by at launch (engine.facts)."""
    from django.conf import settings

    from webapp.registry.models import ModelAsset
    from webapp.registry.services.inspection import model_inspection_record
    from webapp.runs.engine_spec import model_spec

    model = ModelAsset.objects.filter(pk=model_id).first()
    if model is None or model.source == "imported":
        return "skipped"
    spec = model_spec(model)
    if "soup" in spec:
        # The ingredients share one architecture (checked at registration): the first one describes the soup.
        spec = {"path": spec["soup"][0]}
    try:
        storage.pull_spec(spec)  # uploaded through another host: fetched from the artifact store
    except storage.StoreError as exc:
        model_inspection_record(model=model, facts={"error": exc.message})
        return "error"
    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
        json.dump(spec, handle)
        handle.flush()
        result = subprocess.run([settings.ENGINE_PYTHON or sys.executable, "-m", "engine.inspect_model", handle.name],
                                cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600,
                                env={**os.environ, "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""})
    try:
        facts = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        facts = {"error": f"inspection exited with code {result.returncode}: {result.stderr.strip()[-500:]}"}
    model_inspection_record(model=model, facts=facts)
    return "error" if "error" in facts else "inspected"


@worker_task("worker.tasks.playground_generate")
def playground_generate(session_id: int) -> str:
    """Runs `python -m engine.generate` for a playground session and stores its stream as it comes."""
    from django.conf import settings

    from webapp.runs.models import PlaygroundSession
    from webapp.runs.services.playground import playground_finish, playground_record
    from webapp.runs.engine_spec import model_spec

    session = PlaygroundSession.objects.filter(pk=session_id, status="queued").first()
    if session is None:
        return "skipped"
    PlaygroundSession.objects.filter(pk=session.pk).update(status="running")
    spec = {"models": [{"ref": str(m.id), "model": model_spec(m)} for m in session.chosen_models.all()],
            "prompts": session.prompts, **session.sampling}
    try:
        storage.pull_spec(spec)
    except storage.StoreError as exc:
        playground_finish(session=session, error=exc.message)
        return "failed"
    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle, tempfile.TemporaryFile("w+") as stderr:
        json.dump(spec, handle)
        handle.flush()
        process = subprocess.Popen(
            [settings.ENGINE_PYTHON or sys.executable, "-m", "engine.generate", handle.name], cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE, stderr=stderr, text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""},
        )
        for line in process.stdout:
            try:
                playground_record(session=session, event=json.loads(line))
            except (json.JSONDecodeError, KeyError, ValueError):
                log.warning("playground %s: unreadable line %r", session_id, line[:200])
        code = process.wait()
        stderr.seek(0)
        error = "" if code == 0 else f"generation exited with code {code}: {stderr.read()[-500:]}"
    playground_finish(session=session, error=error)
    return "failed" if error else "done"


@worker_task("worker.tasks.dataset_import")
def dataset_import(job_id: int) -> str:
    from webapp.registry.models import DatasetImport
    from webapp.registry.services.dataset_imports import dataset_import_run

    job = DatasetImport.objects.select_related("workspace", "created_by").filter(pk=job_id, status="queued").first()
    if job is None:
        return "skipped"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    dataset_import_run(job=job)
    return DatasetImport.objects.get(pk=job_id).status
