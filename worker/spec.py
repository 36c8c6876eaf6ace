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
    complete checkpoint on this host or in the store (preferring one the run has recorded, see
    latest_checkpoint). Raises StoreError if the store fails."""
    spec = run_spec(
        method=run.method, seed=run.seed, config=run.config, output_dir=str(output_dir), student=run.student,
        teacher=run.teacher, reference=run.reference, train_dataset=run.train_dataset,
        validation_dataset=run.validation_dataset, replay_dataset=run.replay_dataset,
    )
    storage.pull_spec(spec)
    recorded = set(run.artifacts.filter(kind="checkpoint", step__isnull=False).values_list("step", flat=True))
    through = run_recorded_through(run=run) if resume else None
    checkpoint = latest_checkpoint(output_dir, recorded, recorded_through=through) if resume else None
    if checkpoint is not None:
        spec["resume_from"] = str(checkpoint)
    return spec


ATTEMPT_FILE = "attempt"


def fence(run: Run, output_dir: Path, spec: dict) -> None:
    """Makes this attempt the owner of the run's directory: its number goes into OUTPUT_DIR/attempt
    (replaced whole, never half written) and into the spec, whose engine then writes checkpoints and
    models only while no newer attempt has written that file (engine.checkpoint.check_fence)."""
    path = output_dir / ATTEMPT_FILE
    partial = output_dir / f"{ATTEMPT_FILE}.{run.attempt}.partial"
    partial.write_text(f"{run.attempt}\n")
    partial.replace(path)
    spec["fence"] = {"file": str(path), "attempt": run.attempt}


def latest_checkpoint(output_dir: Path, recorded: set[int] = frozenset(),
                      recorded_through: int | None = None) -> Path | None:
    """The newest complete checkpoint, on this host's disk or in the artifact store (fetched here
    if it is only there: the run may resume on another host than the one that wrote it). The disk
    and the store are the truth about what exists: an engine stopped by its worker's death writes a
    last checkpoint nobody was left to record. The engine writes `step-N.partial/` and renames it
    when complete (engine/checkpoint.py); the store holds a directory once its manifest is there
    (webapp.common.storage).

    But a checkpoint after which no metric is missing comes first: one among the `recorded` steps
    (a checkpoint is recorded after every point the engine reported before it), or one at or before
    `recorded_through` (webapp.runs.selectors.metrics.run_recorded_through: every metric up to that
    step is stored). Resuming after an unrecorded one would leave the points before it, which its
    worker lost (it died, or lost the run during a database outage), never stored; resuming at a
    safe one trains those steps again and stores their metrics once. Only when no checkpoint is safe
    (the engine deleted it: keep_last_checkpoints) is the newest taken all the same."""
    on_disk = {int(path.name[5:]): path for path in (output_dir / "checkpoints").glob("step-*")
               if path.name[5:].isdigit() and (path / "trainer_state.pt").is_file()}
    in_store = storage.stored_checkpoints(output_dir)
    steps = sorted(set(on_disk) | set(in_store), reverse=True)
    safe = [s for s in steps if s in recorded or (recorded_through is not None and s <= recorded_through)]
    for step in safe + steps:
        if step in on_disk:
            return on_disk[step]
        if storage.pull(in_store[step]) and (in_store[step] / "trainer_state.pt").is_file():
            return in_store[step]
    return None
