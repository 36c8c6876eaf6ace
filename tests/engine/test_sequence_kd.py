"""seq_kd: the teacher answers in its own vocabulary, the student learns the answers as text."""

import json
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from engine.demo.corpus import train_tokenizer
from engine.methods.distillation.config import SequenceKDConfig
from tests.engine.helpers import run_in_process, tiny_spec


@pytest.fixture(scope="module")
def foreign_teacher(kit, tmp_path_factory) -> str:
    """A tiny teacher with its own 400-token tokenizer: a different vocabulary from the student's 1024."""
    directory = tmp_path_factory.mktemp("foreign-teacher")
    texts = [json.loads(line)["text"] for line in Path(kit["train"]["path"]).read_text().splitlines()]
    tokenizer = train_tokenizer(texts, 400, directory)
    config = {**kit["tiny_config"], "vocab_size": len(tokenizer)}
    torch.manual_seed(5)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(config.pop("model_type"), **config))
    model.save_pretrained(directory)
    return str(directory)


@pytest.fixture()
def small_pairs(pairs_kit, tmp_path) -> dict[str, str]:
    paths = {}
    for split, count in (("train", 24), ("validation", 8)):
        lines = Path(pairs_kit[split]).read_text().splitlines()[:count]
        paths[split] = str(tmp_path / f"{split}.jsonl")
        Path(paths[split]).write_text("\n".join(lines) + "\n")
    return paths


def spec_for(kit, output_dir, teacher, data, **training):
    return tiny_spec(kit, output_dir, method="seq_kd", teacher=teacher, data=data,
                     method_config={"max_new_tokens": 8, "generation_batch_size": 5},
                     **{"max_steps": 8, "eval_every": 4, "checkpoint_every": 4, "eval_samples": 0, **training})


def test_a_teacher_with_another_vocabulary_writes_the_answers_the_student_then_learns(kit, foreign_teacher, small_pairs,
                                                                                   tmp_path):
    result, events = run_in_process(spec_for(kit, tmp_path / "run", foreign_teacher, small_pairs))

    assert result.status == "finished", result.message
    outputs = [json.loads(line) for line in (tmp_path / "run" / "teacher_outputs.jsonl").read_text().splitlines()]
    sources = [json.loads(line) for line in Path(small_pairs["train"]).read_text().splitlines()]
    assert [row["prompt"] for row in outputs] == [row["prompt"] for row in sources]
    assert [row["completion"] for row in outputs] != [row["completion"] for row in sources]

    # The answers are the teacher's greedy continuations, decoded from its own vocabulary.
    teacher = AutoModelForCausalLM.from_pretrained(foreign_teacher)
    tokenizer = AutoTokenizer.from_pretrained(foreign_teacher)
    ids = tokenizer(sources[0]["prompt"], add_special_tokens=False, return_tensors="pt")["input_ids"]
    greedy = teacher.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=8, do_sample=False,
                              pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    assert outputs[0]["completion"] == tokenizer.decode(greedy[0, ids.shape[1]:], skip_special_tokens=True)

    generated = next(e["values"] for e in events.of_kind("metric") if "kd/teacher_generated_tokens" in e["values"])
    assert generated["kd/teacher_generated_tokens"] > 0
    losses = [e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]]
    assert losses[-1] < losses[0], "the student learns the teacher's answers"
    assert any(e["name"] == "teacher-outputs" for e in events.of_kind("artifact"))
    assert "eval/loss" in set().union(*(e["values"] for e in events.of_kind("metric")))


def test_a_resumed_run_reuses_the_teacher_answers(kit, foreign_teacher, small_pairs, tmp_path):
    spec = spec_for(kit, tmp_path / "run", foreign_teacher, small_pairs)
    run_in_process(spec)
    resumed, events = run_in_process({**spec, "resume_from": str(tmp_path / "run" / "checkpoints" / "step-4")})
    assert resumed.status == "finished"
    assert any("reusing the teacher's 24 answers" in e["message"] for e in events.of_kind("log"))
    assert not any("kd/teacher_generated_tokens" in e["values"] for e in events.of_kind("metric"))


def test_several_samples_per_prompt_need_sampling():
    with pytest.raises(ValidationError, match="set temperature > 0"):
        SequenceKDConfig(samples_per_prompt=2)
    assert SequenceKDConfig(samples_per_prompt=2, temperature=0.7).samples_per_prompt == 2


def test_text_rows_become_prompts_of_their_first_teacher_tokens(kit, foreign_teacher, tmp_path):
    lines = Path(kit["train"]["path"]).read_text().splitlines()[:6]
    (tmp_path / "train.jsonl").write_text("\n".join(lines) + "\n")
    data = {"train": str(tmp_path / "train.jsonl"), "validation": str(tmp_path / "train.jsonl")}
    spec = spec_for(kit, tmp_path / "run", foreign_teacher, data, max_steps=2, eval_every=0, checkpoint_every=0)
    spec["config"]["text_prompt_tokens"] = 5
    result, _ = run_in_process(spec)

    assert result.status == "finished"
    tokenizer = AutoTokenizer.from_pretrained(foreign_teacher)
    outputs = [json.loads(line) for line in (tmp_path / "run" / "teacher_outputs.jsonl").read_text().splitlines()]
    texts = [json.loads(line)["text"] for line in lines]
    assert [row["prompt"] for row in outputs] == [
        tokenizer.decode(tokenizer(text, add_special_tokens=False)["input_ids"][:5]) for text in texts]
