"""Continual-learning runs end to end on the demo task sequence: every strategy fills the R matrix and
writes the cl-matrix table, a run cancelled inside the second task resumes to the same result, and
replay forgets less than sequential fine-tuning."""

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import torch
from pydantic import ValidationError
from safetensors.torch import load_file

from engine.demo.continual import build_demo_tasks
from engine.errors import EngineError
from engine.events import MemorySink
from engine.spec import RunSpec
from tests.engine.helpers import TINY_LLAMA, run_in_process

STEPS_PER_TASK = 4
SUMMARY_KEYS = {"average", "backward_transfer", "forgetting", "forward_transfer"}


@pytest.fixture(scope="session")
def cl_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two-task demo sequence (code, then docstrings) at a reduced size, with its own tokenizer."""
    return build_demo_tasks(tmp_path_factory.mktemp("cl-demo"), train_bytes=60_000, vocab_size=512,
                            replay_bytes=20_000)


def cl_spec(demo: dict[str, Any], output_dir: Path, method: str, *, method_config: dict[str, Any] | None = None,
            dropout: float = 0.0, **training: Any) -> dict[str, Any]:
    spec = {
        "method": method, "seed": 0, "output_dir": str(output_dir),
        "config": {"training": {"batch_size": 4, "warmup_steps": 1, "block_size": 32, "eval_every": 0,
                                "eval_batches": 2, "checkpoint_every": 0, "log_every": 1, "eval_samples": 1,
                                "sample_max_new_tokens": 4, **training},
                   "steps_per_task": STEPS_PER_TASK, **(method_config or {})},
        "student": {"config": {**TINY_LLAMA, "vocab_size": demo["tokenizer"]["vocab_size"],
                               "attention_dropout": dropout}},
        "tokenizer": demo["tokenizer"]["path"],
        "tasks": demo["tasks"],
    }
    if (method_config or {}).get("replay_source") == "general":
        spec["replay_data"] = demo["replay_data"]
    return spec


class CancelAtStep(MemorySink):
    """Sets the cancel flag when the metrics of a given step arrive, as SIGTERM would mid-run."""

    def __init__(self, step: int, cancel: threading.Event):
        super().__init__()
        self.step, self.cancel = step, cancel

    def write(self, event):
        super().write(event)
        if event["kind"] == "metric" and event["step"] == self.step:
            self.cancel.set()


STRATEGIES = [
    ("cl_sequential", {}),
    ("cl_replay", {"replay_per_batch": 2, "replay_buffer_size": 16}),
    ("cl_replay", {"replay_source": "general", "replay_per_batch": 2, "tm_weight": "dy"}),
    ("cl_lwf", {"lwf_weight": 1.0, "temperature": 2.0}),
    ("cl_ewc", {"fisher_batches": 2, "ewc_lambda": 1e4}),
    ("cl_hft", {}),
    ("cl_weight_averaging", {"averaging": "wise_ft", "wise_ft_alpha": 0.5}),
    ("cl_weight_averaging", {"averaging": "uniform_soup"}),
    ("cl_weight_averaging", {"averaging": "greedy_soup"}),
]
IDS = ["sequential", "replay", "gere-general-tm", "lwf", "ewc", "hft", "wise-ft", "uniform-soup", "greedy-soup"]


@pytest.mark.parametrize("method,method_config", STRATEGIES, ids=IDS)
def test_every_strategy_trains_both_tasks_and_writes_the_r_matrix(cl_demo, tmp_path, method, method_config):
    result, events = run_in_process(cl_spec(cl_demo, tmp_path / "run", method, method_config=method_config))
    assert (result.status, result.step) == ("finished", 2 * STEPS_PER_TASK)

    matrix = json.loads((tmp_path / "run" / "cl_matrix.json").read_text())
    assert set(matrix) == {"kind", "tasks", "completed", "initial", "matrices", "summary", "higher_is_better"}
    assert (matrix["kind"], matrix["tasks"], matrix["completed"]) == ("cl-matrix", ["code", "docstrings"], 2)
    assert matrix["higher_is_better"] == {"accuracy": True, "loss": False}
    for metric in ("loss", "accuracy"):
        assert len(matrix["initial"][metric]) == 2
        assert [len(row) for row in matrix["matrices"][metric]] == [2, 2]
        assert set(matrix["summary"][metric]) == SUMMARY_KEYS
        assert all(isinstance(value, float) for value in matrix["summary"][metric].values())
    rows = matrix["matrices"]["accuracy"]
    assert matrix["summary"]["accuracy"]["backward_transfer"] == pytest.approx(rows[1][0] - rows[0][0])
    assert matrix["summary"]["loss"]["average"] == pytest.approx(sum(matrix["matrices"]["loss"][1]) / 2)
    assert all(0 <= value <= 1 for row in rows for value in row)
    assert matrix["initial"]["loss"] != matrix["matrices"]["loss"][1]  # it trained

    tables = [e for e in events.of_kind("artifact") if e["name"] == "cl-matrix"]
    assert [(e["type"], e["step"]) for e in tables] == [("table", 4), ("table", 8)]
    models = {e["name"]: e for e in events.of_kind("artifact") if e["type"] == "model"}
    assert set(models) == {"task-0-code", "task-1-docstrings", "final"}
    assert Path(models["task-1-docstrings"]["path"], "model.safetensors").is_file()

    metrics = {}
    for event in events.of_kind("metric"):
        metrics.setdefault(event["step"], {}).update(event["values"])
    for name in ("cl/task/code/loss", "cl/task/code/accuracy", "cl/task/docstrings/loss",
                 "cl/task/docstrings/accuracy"):
        assert all(name in metrics[step] for step in (0, 4, 8)), name
    assert metrics[8]["cl/task/code/accuracy"] == pytest.approx(rows[1][0])
    assert metrics[4]["cl/task_index"] == 0 and metrics[8]["cl/task_index"] == 1
    assert "cl/backward_transfer" not in metrics[4]
    for name in ("cl/average_accuracy", "cl/average_loss", "cl/backward_transfer", "cl/forgetting",
                 "cl/forward_transfer"):
        assert name in metrics[8], name
    assert metrics[8]["cl/forgetting"] == pytest.approx(matrix["summary"]["accuracy"]["forgetting"])
    assert all("train/loss" in metrics[step] for step in range(1, 9))
    assert "eval/loss" in metrics[4] and "eval/loss" in metrics[8]
    progress = events.of_kind("progress")
    assert progress[-1]["total"] == 8


RESUMES = [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (8, 6), (4, 4), (6, 4)]
"""(strategy, step of the cancel): inside the second task, or at the last step of the first task, which
is checkpointed before the first task's end (Fisher, averaging, evaluation) and resumes through it."""


@pytest.mark.parametrize("method,method_config,cancel_step", [(*STRATEGIES[i], step) for i, step in RESUMES],
                         ids=[f"{IDS[i]}-at-step-{step}" for i, step in RESUMES])
def test_a_cancelled_run_resumes_to_the_uninterrupted_result(cl_demo, tmp_path, method, method_config, cancel_step):
    def spec(output_dir, **extra):
        return {**cl_spec(cl_demo, output_dir, method, method_config=method_config, dropout=0.1), **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    stopped, _ = run_in_process(spec(tmp_path / "split"), CancelAtStep(cancel_step, cancel), cancel)
    assert (stopped.status, stopped.step) == ("cancelled", cancel_step)
    checkpoint = tmp_path / "split" / "checkpoints" / f"step-{cancel_step}"
    resumed_result, resumed = run_in_process(spec(tmp_path / "split", resume_from=str(checkpoint)))
    assert resumed_result.status == "finished"

    def losses(events):
        return {e["step"]: e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]}

    assert sorted(losses(resumed)) == list(range(cancel_step + 1, 9))
    for step in range(cancel_step + 1, 9):
        assert losses(resumed)[step] == pytest.approx(losses(straight)[step], abs=1e-6), step
    straight_matrix = json.loads((tmp_path / "straight" / "cl_matrix.json").read_text())
    resumed_matrix = json.loads((tmp_path / "split" / "cl_matrix.json").read_text())
    assert resumed_matrix["initial"] == straight_matrix["initial"]
    for metric in ("loss", "accuracy"):
        for row in (0, 1):
            for got, want in zip(resumed_matrix["matrices"][metric][row], straight_matrix["matrices"][metric][row]):
                assert got == pytest.approx(want, abs=1e-5)
    straight_weights = load_file(tmp_path / "straight" / "final" / "model.safetensors")
    resumed_weights = load_file(tmp_path / "split" / "final" / "model.safetensors")
    for name, weight in straight_weights.items():
        torch.testing.assert_close(resumed_weights[name], weight, rtol=0, atol=1e-6)


def test_on_the_demo_sequence_replay_forgets_the_first_task_less_than_sequential_fine_tuning(cl_demo, tmp_path):
    training = {"batch_size": 8, "learning_rate": 5e-3, "warmup_steps": 2, "eval_batches": 4, "log_every": 50,
                "eval_samples": 0}
    summaries = {}
    for method, method_config in (("cl_sequential", {}), ("cl_replay", {"replay_per_batch": 4})):
        spec = cl_spec(cl_demo, tmp_path / method, method, method_config={**method_config, "steps_per_task": 150},
                       **training)
        run_in_process(spec)
        summaries[method] = json.loads((tmp_path / method / "cl_matrix.json").read_text())["summary"]
    sequential, replay = summaries["cl_sequential"], summaries["cl_replay"]
    # Sequential fine-tuning on docstrings loses part of what it learned about code...
    assert sequential["loss"]["forgetting"] > 0.1
    assert sequential["accuracy"]["forgetting"] > 0.01
    # ...and replaying code blocks while learning docstrings keeps more of it.
    assert replay["loss"]["forgetting"] < sequential["loss"]["forgetting"] - 0.1
    assert replay["accuracy"]["forgetting"] < sequential["accuracy"]["forgetting"]


def test_user_errors_are_reported_with_what_to_do(cl_demo, tmp_path):
    spec = cl_spec(cl_demo, tmp_path / "run", "cl_replay", method_config={"replay_source": "general"})
    del spec["replay_data"]
    with pytest.raises(ValidationError, match="replay_data\n.*add 'replay_data'"):
        RunSpec.model_validate(spec)
    with_replay = cl_spec(cl_demo, tmp_path / "run", "cl_sequential")
    with_replay["replay_data"] = cl_demo["replay_data"]
    with pytest.raises(ValidationError, match="does not replay general data: remove 'replay_data'"):
        RunSpec.model_validate(with_replay)
    with_replay["method"] = "cl_replay"
    with pytest.raises(ValidationError, match="only read with replay_source 'general'"):
        RunSpec.model_validate(with_replay)
    with pytest.raises(ValidationError, match="training.max_steps .* and steps_per_task .* disagree"):
        RunSpec.model_validate(cl_spec(cl_demo, tmp_path / "run", "cl_sequential", max_steps=50))
    with pytest.raises(ValidationError, match="tm_weight needs replay_source 'general'"):
        RunSpec.model_validate(cl_spec(cl_demo, tmp_path / "run", "cl_replay", method_config={"tm_weight": 1.0}))
    with pytest.raises(ValidationError, match="lora_rank to 0"):
        RunSpec.model_validate(cl_spec(cl_demo, tmp_path / "run", "cl_ewc", lora_rank=4))
    duplicate = cl_spec(cl_demo, tmp_path / "run", "cl_sequential")
    duplicate["tasks"] = [duplicate["tasks"][0], duplicate["tasks"][0]]
    with pytest.raises(EngineError, match="'code' appears more than once"):
        run_in_process(duplicate)


def test_steps_per_task_defaults_to_max_steps_and_must_agree_with_it():
    from pydantic import ValidationError

    from engine.methods.continual.config import CLSequentialConfig

    assert CLSequentialConfig(training={"max_steps": 30}).steps_per_task == 30
    assert CLSequentialConfig(steps_per_task=50).training.max_steps == 50
    assert CLSequentialConfig(steps_per_task=50, training={"max_steps": 50}).steps_per_task == 50
    with pytest.raises(ValidationError, match=r"training.max_steps \(70\) and steps_per_task \(50\) disagree"):
        CLSequentialConfig(steps_per_task=50, training={"max_steps": 70})


def test_a_gemma3_student_learns_two_tasks_with_lwf(cl_demo, tmp_path):
    from tests.engine.families import TINY_FAMILIES

    spec = cl_spec(cl_demo, tmp_path / "run", "cl_lwf", method_config={"lwf_weight": 1.0, "temperature": 2.0})
    spec["student"]["config"] = {**TINY_FAMILIES["gemma3_text"], "vocab_size": cl_demo["tokenizer"]["vocab_size"]}

    result, _ = run_in_process(spec)

    assert (result.status, result.step) == ("finished", 2 * STEPS_PER_TASK)


def test_a_bf16_student_keeps_bf16_in_its_checkpoints_task_models_and_final_model(cl_demo, tmp_path):
    from transformers import AutoConfig, AutoModelForCausalLM

    from tests.engine.test_training import safetensors_dtypes

    fields = {**TINY_LLAMA, "vocab_size": cl_demo["tokenizer"]["vocab_size"]}
    torch.manual_seed(0)
    student = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    student.to(torch.bfloat16).save_pretrained(tmp_path / "bf16-student")
    spec = cl_spec(cl_demo, tmp_path / "run", "cl_lwf", method_config={"lwf_weight": 1.0, "temperature": 2.0},
                   checkpoint_every=2, eval_samples=0)
    spec["student"] = {"path": str(tmp_path / "bf16-student")}

    result, events = run_in_process(spec)

    assert result.status == "finished", result.message
    models = [Path(e["path"]) for e in events.of_kind("artifact") if e["type"] == "model"]
    checkpoints = [Path(e["path"]) for e in events.of_kind("checkpoint")]
    assert len(models) == 3 and checkpoints
    for directory in models + checkpoints[-1:]:
        assert safetensors_dtypes(directory / "model.safetensors") == {"BF16"}, directory
        assert json.loads((directory / "config.json").read_text())["dtype"] == "bfloat16", directory
