"""`python -m engine` as the worker uses it: a child process writing JSON-lines events to a descriptor."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from engine import registry
from tests.engine.helpers import ENGINE_ENV, REPO_ROOT, engine, tiny_spec, write_spec


def run_with_events_fd(spec_path: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd) as events_stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine", "run", str(spec_path), "--events-fd", str(write_fd)],
            cwd=REPO_ROOT, env=ENGINE_ENV, pass_fds=(write_fd,), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        os.close(write_fd)
        events = [json.loads(line) for line in events_stream]
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), events


def test_a_run_writes_started_metric_progress_checkpoint_artifact_and_finished_events_on_its_fd(kit, tiny_teacher_dir,
                                                                                               tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=tiny_teacher_dir, max_steps=4,
                     checkpoint_every=2, keep_last_checkpoints=1, eval_every=2, log_every=2)

    completed, events = run_with_events_fd(write_spec(spec, tmp_path / "spec.json"))

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "", "events go to the descriptor only"
    # transformers 5 draws a progress bar for every weight load and save: the run's log (stderr) gets none.
    assert "Loading weights" not in completed.stderr and "Writing model shards" not in completed.stderr
    assert all({"kind", "time"} <= set(event) for event in events)
    assert events[0] == {"kind": "status", "time": events[0]["time"], "status": "started"}
    assert events[-1]["kind"] == "status" and events[-1]["status"] == "finished"
    kinds = {event["kind"] for event in events}
    assert kinds == {"status", "log", "metric", "progress", "checkpoint", "artifact"}

    metrics = [event for event in events if event["kind"] == "metric"]
    assert all(isinstance(m["step"], int) and isinstance(m["wall"], float) for m in metrics)
    assert metrics[0]["step"] == 0 and "eval/teacher/loss" in metrics[0]["values"]
    assert {"train/loss", "train/lr", "train/grad_norm", "kd/kl", "kd/ce"} <= set(metrics[1]["values"])
    assert {m["step"] for m in metrics if "eval/loss" in m["values"]} == {2, 4}
    progress = [event for event in events if event["kind"] == "progress"]
    assert [(p["step"], p["total"]) for p in progress] == [(2, 4), (4, 4)]
    assert progress[-1]["eta_s"] == 0 and progress[-1]["tokens_per_s"] > 0

    checkpoints = [event for event in events if event["kind"] == "checkpoint"]
    assert [c["step"] for c in checkpoints] == [2, 4]
    assert not Path(checkpoints[0]["path"]).exists(), "keep_last_checkpoints=1 deletes the older one"
    last = Path(checkpoints[1]["path"])
    assert {"model.safetensors", "trainer_state.pt", "config.json"} <= {p.name for p in last.iterdir()}
    assert checkpoints[1]["size_bytes"] == sum(p.stat().st_size for p in last.iterdir())

    [artifact] = [event for event in events if event["kind"] == "artifact" and event["type"] == "model"]
    assert (artifact["type"], artifact["path"], artifact["step"]) == ("model", str(tmp_path / "run" / "final"), 4)
    assert {"model.safetensors", "config.json", "tokenizer.json"} <= {p.name for p in Path(artifact["path"]).iterdir()}


def test_sigterm_mid_run_finishes_the_step_saves_a_checkpoint_and_exits_cancelled_with_code_3(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", max_steps=100_000, checkpoint_every=0, eval_every=0, log_every=2)
    process = subprocess.Popen([sys.executable, "-m", "engine", "run", str(write_spec(spec, tmp_path / "spec.json"))],
                               cwd=REPO_ROOT, env=ENGINE_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = []
    for line in process.stdout:
        events.append(json.loads(line))
        if events[-1]["kind"] == "progress" and events[-1]["step"] >= 2:
            process.send_signal(signal.SIGTERM)
            break
    events += [json.loads(line) for line in process.stdout]
    process.wait(timeout=60)

    assert process.returncode == 3, process.stderr.read()
    assert events[-1]["kind"] == "status" and events[-1]["status"] == "cancelled"
    [checkpoint] = [event for event in events if event["kind"] == "checkpoint"]
    assert checkpoint["step"] >= 2
    last_metrics = [event for event in events if event["kind"] == "metric"][-1]
    assert last_metrics["step"] == checkpoint["step"] and "train/loss" in last_metrics["values"], \
        "the metrics of the last step are reported even between log_every steps"
    assert f"cancelled at step {checkpoint['step']}; resume from {checkpoint['path']}" == events[-1]["message"]
    assert (Path(checkpoint["path"]) / "trainer_state.pt").is_file()
    assert not any(event["kind"] == "artifact" for event in events)


def test_an_invalid_spec_exits_with_code_2_naming_the_field_on_stderr_and_in_a_failed_event(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", max_steps=0)

    completed = engine("run", str(write_spec(spec, tmp_path / "spec.json")))

    assert completed.returncode == 2
    assert "config.training.max_steps: Input should be greater than or equal to 1" in completed.stderr
    [event] = [json.loads(line) for line in completed.stdout.splitlines()]
    assert event["kind"] == "status" and event["status"] == "failed"
    assert "config.training.max_steps" in event["message"]


def test_a_run_that_cannot_start_exits_with_code_1_and_a_failed_event_saying_what_to_do(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run")
    spec["train_data"]["path"] = str(tmp_path / "missing.jsonl")

    completed = engine("run", str(write_spec(spec, tmp_path / "spec.json")))

    assert completed.returncode == 1
    events = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [e["status"] for e in events if e["kind"] == "status"] == ["started", "failed"]
    assert events[-1]["message"].startswith(f"training data file {tmp_path / 'missing.jsonl'} does not exist: give "
                                            'the path of a JSON Lines file with one object per line, {"text": "..."}, '
                                            '{"prompt": "...", "completion": "..."} or {"messages": [')


def test_methods_and_schema_print_the_registry_as_json():
    methods = json.loads(engine("methods").stdout)
    assert [m["name"] for m in methods] == [m.name for m in registry.list_methods()]
    assert set(methods[0]) == {"name", "family", "description", "paper", "requires"}

    assert json.loads(engine("schema", "kd_forward_kl").stdout) == registry.method_schema("kd_forward_kl")
    assert set(json.loads(engine("schema").stdout)) == set(registry.METHODS)

    unknown = engine("schema", "nope")
    assert unknown.returncode == 2 and "unknown method 'nope'; known methods:" in unknown.stderr


def test_the_rewards_command_lists_every_reward_with_its_parameter_schema():
    completed = subprocess.run([sys.executable, "-m", "engine", "rewards"], cwd=REPO_ROOT, env=ENGINE_ENV,
                               capture_output=True, text=True, check=True)
    rewards = {reward["name"]: reward for reward in json.loads(completed.stdout)}
    assert {"exact_match", "regex", "numeric", "length_penalty"} <= set(rewards)
    assert rewards["regex"]["params"]["properties"]["pattern"]["type"] == "string"
