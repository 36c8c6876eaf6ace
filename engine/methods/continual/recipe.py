"""Continual learning: one model trained on the run's tasks in order, with a strategy against forgetting.

For every task the recipe runs an engine.core.training.Trainer for steps_per_task steps (a fresh
optimizer and schedule; steps numbered globally, task i covering i * steps_per_task + 1 ..
(i + 1) * steps_per_task), with the strategy of the method (engine.methods.continual.strategies)
supplying the batches and the loss. The initial model and the model after every task are evaluated
on every task's validation split (its first training.eval_batches batches), which fills the
matrices R[i][j] of loss and accuracy (engine.methods.continual.losses.task_scores; summaries
in engine.methods.continual.metrics); after each task the
recipe reports cl/ metrics, rewrites the cl-matrix table artifact and saves the model as the
artifact task-i-NAME. A checkpoint holds the task index, the matrices so far and the strategy's
state, so a cancelled run resumes inside the right task at the right step.
"""

import json
import re
import threading
from pathlib import Path
from typing import Any, Callable

import torch

from engine.checkpoint import directory_size, load_trainer_state, save_final_model
from engine.core.data import TokenBlocks, read_jsonl, sample_prompts, tokenize_dataset
from engine.core.model_checks import check_run_models
from engine.core.objective import Objective, RunData, RunResult
from engine.core.reference import load_reference
from engine.core.training import Trainer, default_device, seed_everything
from engine.errors import EngineError
from engine.events import EventSink
from engine.methods.continual import metrics as continual_metrics
from engine.methods.continual.config import CLWeightAveragingConfig, ContinualConfig
from engine.methods.continual.data import TaskData, selection_split
from engine.methods.continual.losses import task_scores
from engine.methods.continual.strategies import STRATEGIES, ContinualContext, Strategy
from engine.models import (
    check_output_layer_gives_logits,
    load_causal_lm,
    load_student,
    load_tokenizer,
    source_dtype,
)
from engine.spec import ModelSpec, RunSpec

MATRIX_FILE = "cl_matrix.json"


class ContinualObjective(Objective):
    """The strategy's loss for one task; checkpoints carry the whole continual state.

    The recipe restores that state itself before calling train (it needs the task index to know
    which task to resume), so load_state_dict, called again by train, has nothing left to do.
    """

    def __init__(self, strategy: Strategy, progress: "Progress", task_index: int, chunk_size: int):
        self.strategy, self.progress, self.task_index = strategy, progress, task_index
        self.chunk_size = chunk_size

    def loss(self, batch: Any, num_tokens: int) -> tuple[torch.Tensor, dict[str, float]]:
        return self.strategy.loss(batch, num_tokens)

    def state_dict(self) -> dict[str, Any]:
        return {"task_index": self.task_index, "progress": self.progress.state_dict(),
                "strategy": self.strategy.state_dict()}


class Progress:
    """The initial scores b[j] and the rows R[i][j] of loss and accuracy finished so far."""

    METRICS = ("loss", "accuracy")
    HIGHER_IS_BETTER = {"loss": False, "accuracy": True}

    def __init__(self, task_names: list[str]):
        self.task_names = task_names
        self.initial: dict[str, list[float]] = {}
        self.rows: dict[str, list[list[float]]] = {metric: [] for metric in self.METRICS}

    def summary(self) -> dict[str, dict[str, float | None]]:
        return {metric: continual_metrics.summary(self.rows[metric], self.initial[metric],
                                                  higher_is_better=self.HIGHER_IS_BETTER[metric])
                for metric in self.METRICS}

    def to_json(self) -> dict[str, Any]:
        """The cl-matrix table (after at least one finished task), the shape the web UI draws."""
        return {
            "kind": "cl-matrix",
            "tasks": self.task_names,
            "completed": len(self.rows["loss"]),
            "initial": self.initial,
            "matrices": self.rows,
            "summary": self.summary(),
            "higher_is_better": self.HIGHER_IS_BETTER,
        }

    def state_dict(self) -> dict[str, Any]:
        return {"tasks": self.task_names, "initial": self.initial, "rows": self.rows}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state["tasks"] != self.task_names:
            raise EngineError(
                f"the checkpoint was written for the tasks {state['tasks']} but this run has {self.task_names}: "
                "resume with the task sequence of the run that wrote it"
            )
        self.initial, self.rows = state["initial"], state["rows"]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "task"


def _load_tasks(spec: RunSpec, tokenizer: Any, config: ContinualConfig, events: EventSink) -> list[TaskData]:
    assert spec.tasks is not None, "the run spec validator requires tasks for continual methods"
    names = [task.name for task in spec.tasks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise EngineError(f"task names must be unique, {', '.join(map(repr, duplicates))} appears more than once: "
                          "rename the tasks")
    tasks = []
    block_size = config.training.block_size
    for index, task in enumerate(spec.tasks):
        train = read_jsonl(task.train_data.path, role=f"task {task.name!r} training data")
        train_blocks, train_note = tokenize_dataset(train, tokenizer, block_size)
        validation = read_jsonl(task.validation_data.path, role=f"task {task.name!r} validation data")
        validation_blocks, validation_note = tokenize_dataset(validation, tokenizer, block_size)
        selection_blocks = None
        if isinstance(config, CLWeightAveragingConfig) and config.averaging == "greedy_soup":
            validation_blocks, selection_blocks = selection_split(validation_blocks, task.name)
            validation_note += (f"; the last {len(selection_blocks)} blocks choose the greedy soup, the other "
                                f"{len(validation_blocks)} are reported")
        events.log("info", f"task {index} {task.name!r}: training {train_note}, validation {validation_note}")
        tasks.append(TaskData(task.name, train_blocks, validation_blocks,
                              sample_prompts(validation, tokenizer, config.training.eval_samples), selection_blocks))
    return tasks


def _evaluate_all(model: torch.nn.Module, tasks: list[TaskData], config: ContinualConfig) -> dict[str, list[float]]:
    training = config.training
    device_type = next(model.parameters()).device.type
    with torch.autocast(device_type, dtype=torch.bfloat16, enabled=training.mixed_precision == "bf16"):
        scores = [task_scores(model, task.validation_blocks, batch_size=training.batch_size,
                              max_batches=training.eval_batches, chunk_size=config.chunk_size) for task in tasks]
    return {"loss": [loss for loss, _ in scores], "accuracy": [accuracy for _, accuracy in scores]}


def _task_metrics(progress: Progress, scores: dict[str, list[float]]) -> dict[str, float]:
    return {f"cl/task/{name}/{metric}": scores[metric][j]
            for j, name in enumerate(progress.task_names) for metric in Progress.METRICS}


def _resume_state(spec: RunSpec) -> dict[str, Any] | None:
    """The continual recipe's own state in spec.resume_from's checkpoint (None for a fresh run)."""
    if spec.resume_from is None:
        return None
    resume_state = load_trainer_state(spec.resume_from).get("objective", {})
    if "task_index" not in resume_state:
        raise EngineError(f"resume_from {spec.resume_from} was not written by a continual-learning run: resume "
                          "from a checkpoint of this run (OUTPUT_DIR/checkpoints/step-N)")
    return resume_state


def _replay_blocks(spec: RunSpec, tokenizer: Any, config: ContinualConfig, events: EventSink) -> TokenBlocks | None:
    if spec.replay_data is None:
        return None
    replay = read_jsonl(spec.replay_data.path, role="replay data")
    replay_blocks, note = tokenize_dataset(replay, tokenizer, config.training.block_size)
    events.log("info", f"replay data: {note} from {replay.path}")
    return replay_blocks


def _report_task(index: int, step: int, strategy_metrics: dict[str, float], model: torch.nn.Module,
                 tasks: list[TaskData], config: ContinualConfig, progress: Progress,
                 events: EventSink) -> dict[str, dict[str, float | None]]:
    """Score every task after task `index`, add the row to R, report the cl/ metrics; the summary."""
    scores = _evaluate_all(model, tasks, config)
    for metric in Progress.METRICS:
        progress.rows[metric].append(scores[metric])
    summary = progress.summary()
    metrics = {**_task_metrics(progress, scores), **strategy_metrics, "cl/task_index": float(index)}
    for metric in Progress.METRICS:
        metrics[f"cl/average_{metric}"] = summary[metric]["average"]  # type: ignore[assignment]
    for name in ("backward_transfer", "forgetting", "forward_transfer"):
        if summary["accuracy"][name] is not None:
            metrics[f"cl/{name}"] = summary["accuracy"][name]  # type: ignore[assignment]
    events.metric(step, metrics)
    return summary


def _save_task(index: int, name: str, step: int, model: torch.nn.Module, tokenizer: Any, task_dir: Path,
               dtype: torch.dtype, progress: Progress, events: EventSink) -> None:
    """Save the model after task `index` (in the student's own dtype) as an artifact, and rewrite the
    cl-matrix table beside the tasks."""
    save_final_model(model, tokenizer, task_dir, dtype)
    events.artifact(f"task-{index}-{name}", "model", str(task_dir), step, directory_size(task_dir))
    matrix = task_dir.parent.parent / MATRIX_FILE
    matrix.write_text(json.dumps(progress.to_json(), allow_nan=False) + "\n", encoding="utf-8")
    events.artifact("cl-matrix", "table", str(matrix), step, matrix.stat().st_size)


def _task_start_models(spec: RunSpec, tokenizer: Any, task_dirs: list[Path],
                       device: torch.device) -> Callable[[int], torch.nn.Module]:
    """ContinualContext.task_start_model: the initial model (the reference) for task 0, else the model
    saved after the task before, frozen on `device`."""

    def task_start_model(index: int) -> torch.nn.Module:
        if index == 0:
            start = load_reference(spec, tokenizer, torch.float32)
        else:
            start = load_causal_lm(ModelSpec(path=str(task_dirs[index - 1])), role=f"model after task {index - 1}",
                                   vocab_size=len(tokenizer))
        start.eval()
        start.requires_grad_(False)
        return start.to(device)

    return task_start_model


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, ContinualConfig)
    training = config.training
    steps_per_task = config.steps_per_task
    seed_everything(spec.seed)

    device = default_device()
    tokenizer = load_tokenizer(spec)
    resume_state = _resume_state(spec)
    model = load_student(spec, tokenizer, training).to(device)
    check_run_models(spec, tokenizer, student=model)
    # Losses and task scores compute logits chunk by chunk from the final hidden states.
    check_output_layer_gives_logits(model, "student")
    tasks = _load_tasks(spec, tokenizer, config, events)
    replay_blocks = _replay_blocks(spec, tokenizer, config, events)

    output_dir = Path(spec.output_dir)
    # The task models and the final model keep the student's dtype (a bf16 student: bf16 files), as the
    # checkpoints and the other recipes' final models do; training itself runs in float32.
    saved_dtype = source_dtype(spec.student, role="student")
    task_dirs = [output_dir / "tasks" / f"task-{index}-{_slug(task.name)}" for index, task in enumerate(tasks)]

    context = ContinualContext(spec=spec, config=config, model=model, tokenizer=tokenizer, tasks=tasks, events=events,
                               replay_blocks=replay_blocks,
                               task_start_model=_task_start_models(spec, tokenizer, task_dirs, device),
                               task_model_dir=lambda index: task_dirs[index])
    strategy = STRATEGIES[type(config)](context)
    progress = Progress([task.name for task in tasks])
    total_steps = steps_per_task * len(tasks)

    first_task = 0
    if resume_state is not None:
        first_task = resume_state["task_index"]
        progress.load_state_dict(resume_state["progress"])
        events.log("info", f"resuming task {first_task} ({tasks[first_task].name!r}) from {spec.resume_from}")
    else:
        progress.initial = _evaluate_all(model, tasks, config)
        events.metric(0, _task_metrics(progress, progress.initial))
    strategy.setup()

    step = first_task * steps_per_task
    for index in range(first_task, len(tasks)):
        task = tasks[index]
        resuming = resume_state is not None and index == first_task
        strategy.begin_task(index)
        if resuming:
            assert resume_state is not None
            strategy.load_state_dict(resume_state["strategy"])
        else:
            events.log("info", f"task {index} {task.name!r}: steps {index * steps_per_task + 1} to "
                               f"{(index + 1) * steps_per_task}")
        result = Trainer(
            spec=spec if resuming else spec.model_copy(update={"resume_from": None}),
            training=training, model=model, tokenizer=tokenizer,
            data=RunData(strategy.train_blocks(index), task.validation_blocks, task.sample_prompts),
            objective=ContinualObjective(strategy, progress, index, config.chunk_size),
            events=events, cancel=cancel, step_offset=index * steps_per_task, total_steps=total_steps,
            save_final=False,
        ).fit()
        if result.status == "cancelled":
            return result
        step = (index + 1) * steps_per_task
        strategy_metrics = strategy.end_task(index)

        summary = _report_task(index, step, strategy_metrics, model, tasks, config, progress, events)
        _save_task(index, task.name, step, model, tokenizer, task_dirs[index], saved_dtype, progress, events)
        events.log("info", f"task {index} {task.name!r} done: average accuracy {summary['accuracy']['average']:.4f}")

    final = output_dir / "final"
    save_final_model(model, tokenizer, final, saved_dtype)
    events.artifact("final", "model", str(final), step, directory_size(final))
    summary = progress.summary()["accuracy"]
    described = ", ".join(f"{name} {value:.4f}" for name, value in summary.items() if value is not None)
    return RunResult("finished", step, f"finished {len(tasks)} tasks ({step} steps): accuracy {described}; "
                                       f"model in {final}")
