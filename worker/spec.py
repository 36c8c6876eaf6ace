"""What the engine is given on this host: a run's spec with its inputs fetched here, and the
checkpoint it resumes from."""
from __future__ import annotations

from pathlib import Path

from webapp.common import storage
from webapp.runs.engine_spec import run_spec
from webapp.runs.selectors.metrics import run_recorded_through
from webapp.runs.models import Run


def build_spec(run: Run, output_dir: Path, resume: bool = True) -> dict:
    """The engine's run spec for this run (webapp.runs.engine_spec), its inputs fetched to this
    host from the artifact store where they live there, resuming (with `resume`) from the newest
    complete checkpoint on this host or in the store. Raises StoreError if the store fails."""
    spec = run_spec(
        method=run.method, seed=run.seed, config=run.config, output_dir=str(output_dir), student=run.student,
        teacher=run.teacher, reference=run.reference, train_dataset=run.train_dataset,
        validation_dataset=run.validation_dataset, replay_dataset=run.replay_dataset,
    )
    storage.pull_spec(spec)
    checkpoint = latest_checkpoint(output_dir, recorded_through=run_recorded_through(run=run)) if resume else None
    if checkpoint is not None:
        spec["resume_from"] = str(checkpoint)
    return spec


def latest_checkpoint(output_dir: Path, recorded_through: int | None = None) -> Path | None:
    """The newest complete checkpoint, on this host's disk or in the artifact store (fetched here
    if it is only there: the run may resume on another host than the one that wrote it). The disk
    and the store, not the artifact rows, are the truth: an engine stopped by its worker's death
    writes a last checkpoint nobody was left to record. The engine writes `step-N.partial/` and
    renames it when complete (engine/checkpoint.py); the store holds a directory once its manifest
    is there (webapp.common.storage).

    With `recorded_through` (webapp.runs.selectors.metrics.run_recorded_through), the newest one at
    or before that step: a worker killed while it was behind its engine's events never stored the
    metrics of the steps before the engine's last checkpoints, and resuming after them would leave a
    gap; those steps are trained again instead (their metrics stored once). Only when no checkpoint
    is that old (the engine deleted it: keep_last_checkpoints) is the newest taken all the same."""
    found = {int(path.name[5:]): path for path in (output_dir / "checkpoints").glob("step-*")
             if path.name[5:].isdigit() and (path / "trainer_state.pt").is_file()}
    for step, path in sorted(storage.stored_checkpoints(output_dir).items(), reverse=True):
        if step <= max(found, default=-1):
            break
        if storage.pull(path) and (path / "trainer_state.pt").is_file():
            found[step] = path
            break
    if not found:
        return None
    safe = [step for step in found if recorded_through is None or step <= recorded_through]
    return found[max(safe or found)]
