"""How a run's attempt ends: what the worker records once its engine has exited, or when the
engine could not even start."""
from __future__ import annotations

import signal
import time

from django.conf import settings

from webapp.notifications.services import notify_run_event
from webapp.runs.services.reports import logs_append, run_finish, run_register_produced_model, run_requeue
from webapp.runs.models import Run, RunStatus
from worker import lifecycle
from worker.recorder import EventRecorder

ENGINE_EXIT = {0: RunStatus.SUCCEEDED, 3: RunStatus.CANCELLED}


def killed_message(signum: int) -> str:
    """Why a run failed whose engine died of signal `signum`, sent by someone other than its worker
    (the worker's own stops end as cancelled or requeued runs)."""
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = "unknown"
    said = f"The engine process was killed by signal {signum} ({name}), not sent by its worker"
    if signum == signal.SIGKILL:
        return (f"{said}: most often the kernel's out-of-memory killer (check the memory limit of the host or "
                "container; try a smaller batch or model), else an operator or a process manager. Resume the run "
                "to continue from its last checkpoint.")
    if signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        return (f"{said}: an operator, a process manager or the host shutting down stopped it before it could "
                "write a checkpoint. Resume the run to continue from its last checkpoint.")
    if signum in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT):
        return (f"{said}: a crash in native code (PyTorch, a GPU driver or a library it loaded); see the run's "
                "log, and resume the run to try again.")
    return f"{said}; see the run's log."


def store_failed(run: Run, exc: Exception) -> str:
    """The run's inputs or checkpoint could not be fetched: nothing started, the run fails saying
    why (a deployment problem: resume it once the store answers)."""
    message = f"{exc.message} Nothing was trained; resume the run once the store answers."
    logs_append(run=run, lines=[(time.time(), "error", message)])
    if run_finish(run=run, status=RunStatus.FAILED, message=message):
        notify_run_event(run=run, event="run.failed")
    return str(RunStatus.FAILED)


def finish(run: Run, recorder: EventRecorder, code: int, reason: str) -> str:
    """Records how an attempt ended, from the engine's exit `code`, its final status event and why
    the worker stopped it (`reason`, see RunSupervisor): done, failed, cancelled or back in the
    queue to resume from its checkpoint. Returns the task's result. Every write is the attempt's
    (recorder.attempt): if another attempt has taken the run meanwhile, nothing changes."""
    attempt = recorder.attempt
    if reason == "shutdown" and code != 0 and recorder.final_status != RunStatus.FAILED:
        # Back in the queue: the next worker resumes from the checkpoint the engine just wrote (or
        # from the one before, for an engine stopped while it was starting, or killed after the grace
        # period). Only the engine's own failure fails the run; a finished run finishes below.
        lifecycle.stop_consuming()  # already done at the stop; the requeued run must not come back here
        run_requeue(run=run, message="The worker shut down; the run resumes from its last checkpoint.",
                    attempt=attempt)
        return "requeued"
    if reason == "database" and recorder.final_status != RunStatus.SUCCEEDED:
        message = (f"The worker could not reach the database for over {settings.RUN_DATABASE_OUTAGE_MAX_S:.0f} s "
                   "(RUN_DATABASE_OUTAGE_MAX_S), so it stopped the engine at a checkpoint (see the run's log). "
                   "Resume the run once the database answers.")
        if run_finish(run=run, status=RunStatus.FAILED, message=message, attempt=attempt):
            notify_run_event(run=run, event="run.failed")
        return str(RunStatus.FAILED)
    if reason == "node":
        # A host of a run over several hosts went away: like a lost run, resume from the checkpoint.
        message = recorder.final_message or "A node of the run went away."
        if run.attempt < settings.RUN_MAX_ATTEMPTS:
            message = (f"{message} Resuming from the last checkpoint (attempt {run.attempt + 1} of "
                       f"{settings.RUN_MAX_ATTEMPTS}).")
            logs_append(run=run, lines=[(time.time(), "warning", message)], attempt=attempt)
            run_requeue(run=run, message=message, attempt=attempt)
            return "requeued"
        if run_finish(run=run, status=RunStatus.FAILED, attempt=attempt,
                      message=f"{message} The run has been attempted {run.attempt} times (RUN_MAX_ATTEMPTS)."):
            notify_run_event(run=run, event="run.failed")
        return str(RunStatus.FAILED)
    if reason == "cancel":
        if run_finish(run=run, status=RunStatus.CANCELLED, message="Cancelled by a user.", attempt=attempt):
            notify_run_event(run=run, event="run.cancelled")
        return "cancelled"
    status = recorder.final_status or ENGINE_EXIT.get(code, RunStatus.FAILED)
    message = recorder.final_message
    if status == RunStatus.FAILED and not message:
        if code < 0:
            message = killed_message(-code)
        else:
            message = f"The engine exited with code {code} without reporting why; see the run's log."
    finished = run_finish(run=run, status=status, message=message, attempt=attempt)
    if finished:
        notify_run_event(run=run, event=f"run.{status}")
    if finished and status == RunStatus.SUCCEEDED:
        try:
            run_register_produced_model(run=run)
        except Exception as exc:  # the run succeeded; a failed registration is reported, not fatal
            logs_append(run=run, lines=[(time.time(), "error", f"could not register the model: {exc}")])
    return str(status)
