"""Distillation runs end to end: every method, TAID's schedule, reductions that must agree, and a pinned trajectory."""

import math
import threading

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from engine.errors import EngineError
from engine.methods.distillation.recipe import TAIDSchedule
from tests.engine.helpers import run_in_process, tiny_spec
from tests.engine.test_training import CancelAtStep, eval_losses, train_losses

METHOD_METRICS = {
    "kd_forward_kl": "kd/kl", "kd_reverse_kl": "kd/reverse_kl", "kd_jsd": "kd/jsd", "kd_tvd": "kd/tvd",
    "kd_skew_forward_kl": "kd/skew_kl", "kd_skew_reverse_kl": "kd/skew_reverse_kl", "kd_taid": "kd/taid_ce",
}


def metric_series(events, name):
    return {e["step"]: e["values"][name] for e in events.of_kind("metric") if name in e["values"]}


@pytest.mark.parametrize("method", sorted(METHOD_METRICS))
def test_every_distillation_method_trains_and_reports_its_divergence_and_the_teacher_comparisons(
        kit, tiny_teacher_dir, tmp_path, method):
    spec = tiny_spec(kit, tmp_path / "run", method=method, teacher=tiny_teacher_dir, max_steps=2, eval_every=0,
                     checkpoint_every=0, eval_samples=0, method_config={"standardize_logits": True, "chunk_size": 16})

    result, events = run_in_process(spec)

    assert result.status == "finished"
    names = set().union(*(e["values"] for e in events.of_kind("metric")))
    assert {"train/loss", "kd/ce", METHOD_METRICS[method], "eval/loss", "eval/kl", "eval/top1_agreement",
            "eval/ece"} <= names
    assert ("kd/taid_t" in names) == (method == "kd_taid")
    values = next(e["values"] for e in events.of_kind("metric") if "train/loss" in e["values"])
    assert math.isfinite(values["train/loss"]) and values[METHOD_METRICS[method]] >= 0
    teacher = events.of_kind("metric")[0]
    assert teacher["step"] == 0 and set(teacher["values"]) == {
        "eval/teacher/loss", "eval/teacher/perplexity", "eval/teacher/ece"}


def test_the_taid_schedule_follows_the_official_update_rule():
    def official(losses, t_start, t_end, alpha, beta, total):
        # SakanaAI/TAID src/distil_losses/taid.py, update_t, with global_step = the step's 0-based index.
        t, previous, momentum, ts = t_start, math.inf, 0.0, []
        for global_step, loss in enumerate(losses):
            ts.append(t)
            if math.isinf(previous):
                previous = loss
                continue
            momentum = beta * momentum + (1 - beta) * (previous - loss) / (previous + 1e-15)
            delta = alpha * (1 / (1 + math.exp(-momentum))) * (1 - t)
            t = min(t_end, max(t_start + (t_end - t_start) * global_step / total, t + delta))
            previous = loss
        return ts

    losses = [5.0, 4.0, 3.5, 3.6, 3.0, 2.0, 2.1, 1.0] * 3
    schedule = TAIDSchedule(t_start=0.2, t_end=0.9, adapt_rate=0.05, momentum_decay=0.9, t=0.2)
    ts = []
    for index, loss in enumerate(losses):
        ts.append(schedule.t)
        schedule.update(loss, index, len(losses))

    assert ts == pytest.approx(official(losses, 0.2, 0.9, 0.05, 0.9, len(losses)), abs=1e-15)
    assert all(later >= earlier for earlier, later in zip(ts, ts[1:]))
    assert all(t >= 0.2 + 0.7 * (index - 1) / len(losses) - 1e-12 for index, t in enumerate(ts))


def test_taid_reports_a_rising_t_and_resumes_with_its_schedule_state(kit, tiny_teacher_dir, tmp_path):
    def spec(output_dir, **extra):
        return {**tiny_spec(kit, output_dir, method="kd_taid", teacher=tiny_teacher_dir, max_steps=8,
                            checkpoint_every=0, eval_every=0, eval_samples=0,
                            method_config={"t_start": 0.2, "t_adapt_rate": 0.05}), **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    run_in_process(spec(tmp_path / "split"), CancelAtStep(4, cancel), cancel)
    _, resumed = run_in_process(spec(tmp_path / "split", resume_from=str(tmp_path / "split/checkpoints/step-4")))

    t = metric_series(straight, "kd/taid_t")
    assert t[1] == t[2] == 0.2, "the first step only records the loss"
    assert all(t[step + 1] > t[step] for step in range(2, 8))
    assert all(t[step] >= 0.2 + 0.8 * (step - 2) / 8 for step in range(2, 9))
    for step in range(5, 9):
        assert metric_series(resumed, "kd/taid_t")[step] == pytest.approx(t[step], abs=1e-12)
        assert train_losses(resumed)[step] == pytest.approx(train_losses(straight)[step], abs=1e-6)


def test_a_batch_of_eight_equals_four_accumulated_twice_with_uneven_token_counts(kit, pairs_kit, tiny_teacher_dir,
                                                                                 tmp_path):
    common = {"max_steps": 3, "checkpoint_every": 0, "eval_every": 0, "warmup_steps": 0, "eval_samples": 0}

    def run(name, **training):
        return run_in_process(tiny_spec(kit, tmp_path / name, method="kd_jsd", teacher=tiny_teacher_dir,
                                        data=pairs_kit, method_config={"chunk_size": 5}, **common, **training))[1]

    whole = run("whole", batch_size=8, gradient_accumulation_steps=1, eval_batches=1)
    accumulated = run("accumulated", batch_size=4, gradient_accumulation_steps=2, eval_batches=2)

    for step, loss in train_losses(whole).items():
        assert train_losses(accumulated)[step] == pytest.approx(loss, abs=1e-5)
        assert metric_series(accumulated, "kd/jsd")[step] == pytest.approx(metric_series(whole, "kd/jsd")[step],
                                                                           abs=1e-5)
    assert eval_losses(accumulated)[3] == pytest.approx(eval_losses(whole)[3], abs=1e-5)
    whole_weights = load_file(tmp_path / "whole/final/model.safetensors")
    accumulated_weights = load_file(tmp_path / "accumulated/final/model.safetensors")
    for name, weight in whole_weights.items():
        torch.testing.assert_close(accumulated_weights[name], weight, rtol=0, atol=1e-5)


def test_a_run_gives_the_same_trajectory_whatever_the_chunk_size(kit, tiny_teacher_dir, tmp_path):
    def losses(name, chunk_size):
        spec = tiny_spec(kit, tmp_path / name, method="kd_skew_reverse_kl", teacher=tiny_teacher_dir, max_steps=4,
                         checkpoint_every=0, eval_every=0, eval_samples=0, method_config={"chunk_size": chunk_size})
        return run_in_process(spec)[1]

    one_token, whole_batch = losses("one", 1), losses("whole", 4096)

    for step, loss in train_losses(whole_batch).items():
        assert train_losses(one_token)[step] == pytest.approx(loss, abs=1e-5)
    assert eval_losses(one_token)[4] == pytest.approx(eval_losses(whole_batch)[4], abs=1e-5)


# Written by this test's run on CPU (torch 2.13, one thread) when the chunked losses were added.
PINNED = {
    "kd_jsd": [0.90539914, 0.90386158, 0.89915550, 0.89949155, 0.89664221],
    "kd_taid": [27.72462845, 27.72466087, 27.72601700, 27.72721291, 27.72826767],
}


@pytest.mark.parametrize("method", sorted(PINNED))
def test_a_tiny_seeded_run_reproduces_its_pinned_losses(kit, tiny_teacher_dir, tmp_path, method):
    spec = tiny_spec(kit, tmp_path / "run", method=method, teacher=tiny_teacher_dir, max_steps=5, checkpoint_every=0,
                     eval_every=0, eval_samples=0, method_config={"chunk_size": 7, "temperature": 2.0,
                                                                  "standardize_logits": method == "kd_jsd"})

    _, events = run_in_process(spec)

    losses = [train_losses(events)[step] for step in range(1, 6)]
    assert losses == pytest.approx(PINNED[method], abs=1e-5)


def _teacher_with_tokenizer(teacher_dir: str, tokenizer, directory, *, padded_rows: int = 0) -> str:
    """The tiny teacher saved with `tokenizer`, its embedding and output layer grown by padded_rows
    rows whose logits are large (they would dominate a softmax they entered)."""
    teacher = AutoModelForCausalLM.from_pretrained(teacher_dir)
    if padded_rows:
        rows = teacher.get_output_embeddings().weight.shape[0]
        teacher.resize_token_embeddings(rows + padded_rows, mean_resizing=False)
        with torch.no_grad():
            torch.manual_seed(5)
            teacher.get_output_embeddings().weight[rows:] = 30 * torch.randn(padded_rows, teacher.config.hidden_size)
    teacher.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)


def test_a_teacher_padded_past_the_tokenizer_distils_exactly_as_the_unpadded_one(kit, tiny_teacher_dir, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    plain = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "plain")
    padded = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "padded", padded_rows=64)
    runs = {}
    for name, teacher in (("plain", plain), ("padded", padded)):
        spec = tiny_spec(kit, tmp_path / name, method="kd_forward_kl", teacher=teacher, max_steps=3, eval_every=3,
                         checkpoint_every=3)
        result, events = run_in_process(spec)
        assert result.status == "finished"
        runs[name] = events

    losses = [train_losses(runs["padded"])[step] for step in range(1, 4)]
    assert all(math.isfinite(loss) for loss in losses)
    assert losses == pytest.approx([train_losses(runs["plain"])[step] for step in range(1, 4)], rel=1e-6)
    assert metric_series(runs["padded"], "eval/kl") == pytest.approx(metric_series(runs["plain"], "eval/kl"), rel=1e-6)


def test_a_teacher_with_another_tokenizer_is_refused_with_sequence_level_distillation_as_the_way_out(
        kit, tiny_teacher_dir, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.add_tokens(["<teacher-only>"])
    teacher = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "teacher", padded_rows=8)

    with pytest.raises(EngineError, match=r"use sequence-level KD, seq_kd, instead"):
        run_in_process(tiny_spec(kit, tmp_path / "run", method="kd_reverse_kl", teacher=teacher))


def test_a_student_that_soft_caps_its_logits_distils_on_its_soft_capped_logits(kit, tiny_teacher_dir, tmp_path):
    # Gemma 2 soft-caps its logits (c tanh(z / c)); the engine applies the cap in its chunked loss,
    # so such a student passes the output-layer check it used to fail and trains.
    config = {"model_type": "gemma2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
              "num_attention_heads": 2, "num_key_value_heads": 2, "head_dim": 16, "max_position_embeddings": 64,
              "final_logit_softcapping": 1.0, "vocab_size": kit["tiny_config"]["vocab_size"]}
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=tiny_teacher_dir, max_steps=2,
                     eval_every=2, checkpoint_every=2, warmup_steps=1)
    spec["student"]["config"] = config

    result, _ = run_in_process(spec)

    assert result.status == "finished"


def test_inspection_fingerprints_the_tokenizer_not_the_embedding_size(kit, tiny_teacher_dir, tmp_path):
    from engine.inspect_model import inspect

    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    plain = inspect({"path": _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "plain")})
    padded = inspect({"path": _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "padded",
                                                      padded_rows=64)})
    student = inspect({"config": kit["tiny_config"], "tokenizer": kit["tokenizer"]["path"]})
    tokenizer.add_tokens(["<teacher-only>"])
    other = inspect({"path": _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "other")})
    untokenized = inspect({"path": tiny_teacher_dir})

    assert padded["vocab_size"] == plain["vocab_size"] + 64
    assert plain["tokenizer_fingerprint"] == padded["tokenizer_fingerprint"] == student["tokenizer_fingerprint"]
    assert other["tokenizer_fingerprint"] != student["tokenizer_fingerprint"]
    assert untokenized["tokenizer_fingerprint"] is None
