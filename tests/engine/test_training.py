"""The training loop: exact resume, gradient accumulation, schedule, checkpoints, evaluation, samples, early
stopping, LoRA, gradient checkpointing, mixed precision, outputs and errors."""

import json
import math
import shutil
import threading
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from engine.core.data import read_jsonl, tokenize_dataset
from engine.core.evaluation import evaluate
from engine.core.losses import IGNORE_INDEX
from engine.core.optim import learning_rate_multiplier
from engine.errors import EngineError
from engine.events import MemorySink
from engine.spec import RunSpec, TrainingConfig
from tests.engine.helpers import run_in_process, tiny_spec


class CancelAtStep(MemorySink):
    """Sets the cancel flag when the metrics of a given step arrive, as SIGTERM would mid-run."""

    def __init__(self, step: int, cancel: threading.Event):
        super().__init__()
        self.step, self.cancel = step, cancel

    def write(self, event):
        super().write(event)
        if event["kind"] == "metric" and event["step"] == self.step:
            self.cancel.set()


def train_losses(events: MemorySink) -> dict[int, float]:
    return {e["step"]: e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]}


def eval_losses(events: MemorySink) -> dict[int, float]:
    return {e["step"]: e["values"]["eval/loss"] for e in events.of_kind("metric") if "eval/loss" in e["values"]}


def save_tiny_model(config: dict, directory, **changes) -> str:
    fields = {**config, **changes}
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    model.save_pretrained(directory)
    return str(directory)


@pytest.mark.parametrize("method", ["lm_train", "kd_forward_kl"])
def test_ten_steps_then_a_resume_for_ten_more_equal_twenty_uninterrupted_steps(kit, tiny_teacher_dir, tmp_path, method):
    def spec(output_dir, **extra):
        built = tiny_spec(kit, output_dir, method=method,
                          teacher=tiny_teacher_dir if method == "kd_forward_kl" else None,
                          max_steps=20, checkpoint_every=0, eval_every=10)
        # Dropout makes the run draw from the torch RNG, so the resume must restore it too.
        built["student"]["config"] = {**kit["tiny_config"], "attention_dropout": 0.1}
        return {**built, **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    stopped, _ = run_in_process(spec(tmp_path / "split"), CancelAtStep(10, cancel), cancel)
    checkpoint = tmp_path / "split" / "checkpoints" / "step-10"
    resumed_result, resumed = run_in_process(spec(tmp_path / "split", resume_from=str(checkpoint)))

    assert (stopped.status, stopped.step, resumed_result.status) == ("cancelled", 10, "finished")
    straight_losses, resumed_losses = train_losses(straight), train_losses(resumed)
    assert sorted(resumed_losses) == list(range(11, 21))
    for step in range(11, 21):
        assert resumed_losses[step] == pytest.approx(straight_losses[step], abs=1e-6), f"step {step}"
    assert eval_losses(resumed)[20] == pytest.approx(eval_losses(straight)[20], abs=1e-6)
    straight_weights = load_file(tmp_path / "straight" / "final" / "model.safetensors")
    resumed_weights = load_file(tmp_path / "split" / "final" / "model.safetensors")
    for name, weight in straight_weights.items():
        torch.testing.assert_close(resumed_weights[name], weight, rtol=0, atol=1e-6)


def test_one_batch_of_four_gives_the_same_steps_as_two_accumulated_batches_of_two(kit, tmp_path):
    common = {"max_steps": 3, "checkpoint_every": 0, "eval_every": 0, "warmup_steps": 0}
    _, whole = run_in_process(tiny_spec(kit, tmp_path / "whole", batch_size=4, gradient_accumulation_steps=1,
                                        eval_batches=2, **common))
    _, accumulated = run_in_process(tiny_spec(kit, tmp_path / "accumulated", batch_size=2,
                                              gradient_accumulation_steps=2, eval_batches=4, **common))

    for step, loss in train_losses(whole).items():
        assert train_losses(accumulated)[step] == pytest.approx(loss, abs=1e-5)
    assert eval_losses(accumulated)[3] == pytest.approx(eval_losses(whole)[3], abs=1e-5)


def test_the_learning_rate_warms_up_linearly_then_follows_the_chosen_decay_to_zero():
    def schedule(kind):
        training = TrainingConfig(max_steps=10, warmup_steps=2, lr_scheduler=kind)
        return [learning_rate_multiplier(step, training) for step in range(10)]

    decay_progress = [(step - 2) / 8 for step in range(2, 10)]
    assert schedule("cosine") == pytest.approx([0.5, 1.0] + [0.5 * (1 + math.cos(math.pi * p)) for p in decay_progress])
    assert schedule("linear") == pytest.approx([0.5, 1.0] + [1 - p for p in decay_progress])
    assert schedule("constant") == pytest.approx([0.5, 1.0] + [1.0] * 8)


def test_a_run_reports_its_metrics_keeps_the_last_checkpoints_and_saves_a_loadable_final_model(
        kit, tiny_teacher_dir, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=tiny_teacher_dir, max_steps=6,
                     checkpoint_every=2, keep_last_checkpoints=2, log_every=3, eval_every=0)

    result, events = run_in_process(spec)

    assert result.status == "finished"
    metric_names = set().union(*(e["values"] for e in events.of_kind("metric")))
    assert metric_names == {"train/loss", "train/lr", "train/grad_norm", "train/tokens_per_s", "kd/kl", "kd/ce",
                            "eval/loss", "eval/perplexity", "eval/ece", "eval/kl", "eval/top1_agreement",
                            "eval/teacher/loss", "eval/teacher/perplexity", "eval/teacher/ece"}
    evaluation = events.of_kind("metric")[-1]["values"]
    assert evaluation["eval/perplexity"] == pytest.approx(math.exp(evaluation["eval/loss"]))
    assert [e["step"] for e in events.of_kind("progress")] == [3, 6]
    assert [e["step"] for e in events.of_kind("checkpoint")] == [2, 4, 6]
    assert sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir()) == ["step-4", "step-6"]

    [artifact] = [event for event in events.of_kind("artifact") if event["type"] == "model"]
    assert (artifact["name"], artifact["type"], artifact["step"]) == ("final", "model", 6)
    tables = [event for event in events.of_kind("artifact") if event["type"] == "table"]
    evaluated_steps = [e["step"] for e in events.of_kind("metric") if "eval/ece" in e["values"]]
    assert evaluated_steps and [table["name"] for table in tables] == [f"calibration-step-{s}" for s in evaluated_steps]
    calibration = json.loads(Path(tables[-1]["path"]).read_text())
    assert calibration["kind"] == "calibration" and calibration["step"] == 6
    assert len(calibration["bins"]) == 15 and calibration["ece"] == pytest.approx(evaluation["eval/ece"])
    # The reliability diagram adds up to the ECE it stands for.
    counts = sum(b["count"] for b in calibration["bins"])
    assert counts > 0 and calibration["ece"] == pytest.approx(
        sum(b["count"] * abs(b["accuracy"] - b["confidence"]) for b in calibration["bins"]) / counts, rel=1e-9)

    final = AutoModelForCausalLM.from_pretrained(artifact["path"])
    assert AutoTokenizer.from_pretrained(artifact["path"]).get_vocab() == AutoTokenizer.from_pretrained(
        kit["tokenizer"]["path"]).get_vocab()
    checkpoint = load_file(tmp_path / "run" / "checkpoints" / "step-6" / "model.safetensors")
    for name, weight in final.state_dict().items():
        assert torch.equal(checkpoint[name], weight), name


def test_a_missing_student_directory_is_reported_with_its_path_and_what_to_give_instead(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run")
    spec["student"] = {"path": str(tmp_path / "no-such-model")}
    spec["tokenizer"] = kit["tokenizer"]["path"]

    with pytest.raises(EngineError, match=r"student model directory .*no-such-model does not exist: give the path "
                                          r"of a directory written by save_pretrained"):
        run_in_process(spec)


def test_a_hub_model_missing_from_the_local_cache_is_refused_without_downloading(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run")
    spec["student"] = {"hub_id": "distillery-tests/not-a-cached-model", "allow_hub": True}
    spec["tokenizer"] = kit["tokenizer"]["path"]

    with pytest.raises(EngineError, match="is not in the local Hugging Face cache"):
        run_in_process(spec)


def test_a_teacher_with_fewer_token_embeddings_than_the_tokenizer_is_refused_by_name(kit, tmp_path):
    # A teacher with more (padding) rows than the tokenizer distils: test_distillation.py covers it.
    teacher = save_tiny_model(kit["tiny_config"], tmp_path / "teacher",
                              vocab_size=kit["tiny_config"]["vocab_size"] - 64)

    with pytest.raises(EngineError, match=r"the teacher has \d+ token embeddings but the tokenizer has \d+ tokens"):
        run_in_process(tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=teacher))


def test_a_teacher_whose_tokenizer_maps_tokens_to_other_ids_is_refused(kit, tiny_teacher_dir, tmp_path):
    teacher = tmp_path / "teacher"
    shutil.copytree(tiny_teacher_dir, teacher)
    shutil.copytree(kit["tokenizer"]["path"], teacher, dirs_exist_ok=True)
    tokenizer_file = json.loads((teacher / "tokenizer.json").read_text())
    vocab = tokenizer_file["model"]["vocab"]
    first, second = list(vocab)[100:102]
    vocab[first], vocab[second] = vocab[second], vocab[first]
    (teacher / "tokenizer.json").write_text(json.dumps(tokenizer_file))

    with pytest.raises(EngineError, match="the teacher uses another tokenizer than the student"):
        run_in_process(tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=str(teacher)))


def test_a_block_size_beyond_the_models_positions_is_refused(kit, tmp_path):
    with pytest.raises(EngineError, match=r"block_size 128 exceeds the student's maximum positions \(64"):
        run_in_process(tiny_spec(kit, tmp_path / "run", block_size=128))


def test_a_loss_that_becomes_nan_stops_the_run_with_advice(kit, tmp_path):
    teacher = AutoModelForCausalLM.from_config(AutoConfig.for_model(**kit["tiny_config"]))
    with torch.no_grad():
        teacher.lm_head.weight.fill_(math.nan)
    teacher.save_pretrained(tmp_path / "teacher")

    with pytest.raises(EngineError, match="the training loss is nan at step 1: lower training.learning_rate"):
        run_in_process(tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=str(tmp_path / "teacher")))


def test_evaluation_metrics_match_a_reference_on_full_logits(kit, tiny_teacher_dir):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    blocks, _ = tokenize_dataset(read_jsonl(kit["validation"]["path"], role="validation data"), tokenizer, 32)
    torch.manual_seed(3)
    student = AutoModelForCausalLM.from_config(AutoConfig.for_model(**kit["tiny_config"]))
    teacher = AutoModelForCausalLM.from_pretrained(tiny_teacher_dir)
    with torch.no_grad():
        student.lm_head.weight.mul_(30)  # confident enough to fill several calibration bins

    metrics = evaluate(student, blocks, batch_size=4, max_batches=2, chunk_size=5, teacher=teacher)

    with torch.no_grad():
        batch = blocks.batch(list(range(8)))
        real = batch.labels != IGNORE_INDEX
        inputs = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
        q = torch.softmax(student(**inputs).logits.double(), -1)[real]
        p = torch.softmax(teacher(**inputs).logits.double(), -1)[real]
    labels = batch.labels[real]
    confidence, prediction = q.max(-1)
    correct = (prediction == labels).double()
    ece = 0.0
    for lower in [b / 15 for b in range(15)]:
        in_bin = (confidence > lower) & (confidence <= lower + 1 / 15)
        if in_bin.any():
            ece += abs(correct[in_bin].mean() - confidence[in_bin].mean()).item() * in_bin.sum().item() / len(labels)
    cross_entropy = -torch.log(q.gather(-1, labels[:, None])).mean().item()
    assert len({int(b) for b in (confidence * 15).ceil()}) >= 3
    assert metrics["eval/loss"] == pytest.approx(cross_entropy, rel=1e-5)
    assert metrics["eval/perplexity"] == pytest.approx(math.exp(cross_entropy), rel=1e-5)
    assert metrics["eval/ece"] == pytest.approx(ece, abs=1e-5)
    assert metrics["eval/kl"] == pytest.approx((p * (p.log() - q.log())).sum(-1).mean().item(), rel=1e-4)
    assert metrics["eval/top1_agreement"] == pytest.approx((p.argmax(-1) == prediction).double().mean().item())


def test_every_evaluation_writes_greedy_samples_for_the_first_validation_prompts(kit, tmp_path):
    result, events = run_in_process(tiny_spec(kit, tmp_path / "run", max_steps=4, eval_every=2, eval_samples=2,
                                              sample_max_new_tokens=5, checkpoint_every=0))

    assert result.status == "finished"

    samples = [event for event in events.of_kind("artifact") if event["type"] == "samples"]
    assert [(event["name"], event["step"]) for event in samples] == [("samples-step-2", 2), ("samples-step-4", 4)]
    pairs = json.loads(open(samples[-1]["path"]).read())
    assert samples[-1]["path"] == str(tmp_path / "run" / "samples" / "step-4.json")
    assert samples[-1]["size_bytes"] == (tmp_path / "run" / "samples" / "step-4.json").stat().st_size
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    first_rows = read_jsonl(kit["validation"]["path"], role="validation data").rows[:2]
    assert [pair["prompt"] for pair in pairs] == [
        tokenizer.decode(tokenizer(row, add_special_tokens=False)["input_ids"][:16]) for row in first_rows]
    assert all(isinstance(pair["completion"], str) and pair["completion"] for pair in pairs)


def test_early_stopping_stops_after_patience_evaluations_without_improvement_and_resumes_its_count(kit, tmp_path):
    def spec(output_dir, **extra):
        return {**tiny_spec(kit, output_dir, max_steps=30, eval_every=2, checkpoint_every=2, eval_samples=0,
                            keep_last_checkpoints=3, early_stopping_patience=2, early_stopping_min_delta=1e6), **extra}

    result, events = run_in_process(spec(tmp_path / "run"))

    # Step 2 sets the best value; with min_delta 1e6 nothing improves on it, so 4 and 6 exhaust the patience.
    assert (result.status, result.step) == ("finished", 6)
    assert "stopped early at step 6: eval/loss has not improved for 2 evaluations (best" in result.message
    assert events.of_kind("progress")[-1]["step"] == 6
    # The final model is the best one (step 2), not the last: equal to the step-2 weights, not step 6's.
    assert "the final model holds the best weights, from step 2" in result.message
    final = load_file(tmp_path / "run" / "final" / "model.safetensors")
    at_best = load_file(tmp_path / "run" / "checkpoints" / "step-2" / "model.safetensors")
    last = load_file(tmp_path / "run" / "checkpoints" / "step-6" / "model.safetensors")
    assert any(not torch.equal(final[name], last[name]) for name in final)
    assert all(torch.equal(final[name], at_best[name]) for name in final)
    assert not (tmp_path / "run" / "best").exists()

    resumed, _ = run_in_process(spec(tmp_path / "run", resume_from=str(tmp_path / "run" / "checkpoints" / "step-4")))
    assert resumed.step == 6, "the resumed run remembers one evaluation without improvement"


def test_early_stopping_needs_validation_data_and_a_metric_the_method_reports(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", early_stopping_patience=2)
    del spec["validation_data"]
    with pytest.raises(ValidationError, match="early stopping .* add 'validation_data'"):
        RunSpec.model_validate(spec)

    spec = tiny_spec(kit, tmp_path / "run", early_stopping_patience=2, early_stopping_metric="eval/top1_agreement")
    with pytest.raises(ValidationError, match="eval/top1_agreement compares the student with a teacher"):
        RunSpec.model_validate(spec)


def test_lora_trains_adapters_only_checkpoints_them_resumes_exactly_and_saves_a_merged_model(kit, tiny_teacher_dir,
                                                                                             tmp_path):
    lora = {"lora_rank": 4, "lora_alpha": 8, "lora_dropout": 0.1, "lora_target_modules": ["q_proj", "v_proj"]}

    def spec(output_dir, **extra):
        return {**tiny_spec(kit, output_dir, method="kd_forward_kl", teacher=tiny_teacher_dir, max_steps=6,
                            checkpoint_every=0, eval_every=6, eval_samples=1, **lora), **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    run_in_process(spec(tmp_path / "split"), CancelAtStep(3, cancel), cancel)
    checkpoint = tmp_path / "split" / "checkpoints" / "step-3"
    _, resumed = run_in_process(spec(tmp_path / "split", resume_from=str(checkpoint)))

    assert {"adapter_model.safetensors", "adapter_config.json"} <= {p.name for p in checkpoint.iterdir()}
    for step in range(4, 7):
        assert train_losses(resumed)[step] == pytest.approx(train_losses(straight)[step], abs=1e-6)
    final = AutoModelForCausalLM.from_pretrained(tmp_path / "straight" / "final")
    torch.manual_seed(0)
    initial = AutoModelForCausalLM.from_config(AutoConfig.for_model(**kit["tiny_config"]))
    changed = {name for name, weight in final.state_dict().items()
               if not torch.equal(weight, initial.state_dict()[name])}
    assert changed == {f"model.layers.0.self_attn.{p}_proj.weight" for p in "qv"}, "only adapted layers change"

    with pytest.raises(EngineError, match=r"holds LoRA adapters but training.lora_rank is 0"):
        run_in_process({**spec(tmp_path / "split", resume_from=str(checkpoint)),
                        "config": tiny_spec(kit, tmp_path, max_steps=6)["config"] | {"alpha": 0.1}})


def test_gradient_checkpointing_gives_the_same_trajectory(kit, tiny_teacher_dir, tmp_path):
    def losses(name, checkpointing):
        spec = tiny_spec(kit, tmp_path / name, method="kd_tvd", teacher=tiny_teacher_dir, max_steps=3,
                         checkpoint_every=0, eval_every=0, eval_samples=0, gradient_checkpointing=checkpointing)
        spec["student"]["config"] = {**kit["tiny_config"], "num_hidden_layers": 2}
        return train_losses(run_in_process(spec)[1])

    assert losses("checkpointed", True) == pytest.approx(losses("plain", False), abs=1e-6)


def test_bf16_mixed_precision_runs_with_a_bf16_teacher_and_stays_close_to_float32(kit, tiny_teacher_dir, tmp_path):
    def run(name, precision):
        spec = tiny_spec(kit, tmp_path / name, method="kd_forward_kl", teacher=tiny_teacher_dir, max_steps=3,
                         checkpoint_every=0, eval_every=3, eval_samples=1, mixed_precision=precision)
        return run_in_process(spec)

    bf16_result, bf16 = run("bf16", "bf16")
    _, float32 = run("float32", "no")

    assert bf16_result.status == "finished"
    assert train_losses(bf16) == pytest.approx(train_losses(float32), rel=2e-2)
    assert eval_losses(bf16)[3] == pytest.approx(eval_losses(float32)[3], rel=2e-2)
    assert load_file(tmp_path / "bf16" / "final" / "model.safetensors")["lm_head.weight"].dtype == torch.float32


def test_a_lora_run_with_early_stopping_keeps_training_after_a_best_evaluation_and_ends_with_the_best(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", max_steps=30, eval_every=2, checkpoint_every=2, eval_samples=0,
                     keep_last_checkpoints=5, early_stopping_patience=2, early_stopping_min_delta=1e6, lora_rank=4,
                     learning_rate=1e-2)
    result, events = run_in_process(spec)

    assert (result.status, result.step) == ("finished", 6), result.message
    assert "the final model holds the best weights, from step 2" in result.message
    losses = [e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]]
    assert len(losses) == 6 and losses[3] != losses[2], "training went on after the best evaluation"
    final = AutoModelForCausalLM.from_pretrained(tmp_path / "run" / "final")
    assert not any("lora" in name for name in final.state_dict())


def safetensors_dtypes(path: Path) -> set[str]:
    """The dtypes the file's header names, read without converting anything."""
    with open(path, "rb") as file:
        header = json.loads(file.read(int.from_bytes(file.read(8), "little")))
    return {entry["dtype"] for name, entry in header.items() if name != "__metadata__"}


def test_a_bf16_student_is_checkpointed_and_saved_in_bf16_and_resumes_exactly_from_its_bf16_checkpoint(kit, tmp_path):
    torch.manual_seed(0)
    fields = dict(kit["tiny_config"])
    student = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    student.to(torch.bfloat16).save_pretrained(tmp_path / "bf16-student")

    def spec(output_dir, **extra):
        built = tiny_spec(kit, output_dir, max_steps=4, warmup_steps=1, checkpoint_every=2, eval_every=0)
        built["student"] = {"path": str(tmp_path / "bf16-student"), "tokenizer": kit["tokenizer"]["path"]}
        return {**built, **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    checkpoint = tmp_path / "straight" / "checkpoints" / "step-2"
    _, resumed = run_in_process(spec(tmp_path / "resumed", resume_from=str(checkpoint)))

    for directory in (checkpoint, tmp_path / "straight" / "final", tmp_path / "resumed" / "final"):
        assert safetensors_dtypes(directory / "model.safetensors") == {"BF16"}, directory
        assert json.loads((directory / "config.json").read_text())["dtype"] == "bfloat16"
    for step in (3, 4):
        assert train_losses(resumed)[step] == train_losses(straight)[step], f"step {step}"
    straight_weights = load_file(tmp_path / "straight" / "final" / "model.safetensors")
    resumed_weights = load_file(tmp_path / "resumed" / "final" / "model.safetensors")
    for name, weight in straight_weights.items():
        assert torch.equal(resumed_weights[name], weight), name
