"""The rules a run's models must satisfy (engine.facts): refused by RunSpec validation when the spec
carries the models' facts, and by the engine at run start with the same message when it does not."""

import json
import re

import pytest
from pydantic import ValidationError
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from engine.errors import EngineError
from engine.facts import ModelFacts, lora_targets_problem
from engine.inspect_model import inspect
from engine.spec import RunSpec
from tests.engine.helpers import run_in_process, tiny_spec
from tests.engine.test_architectures import TINY_FAMILIES
from tests.engine.test_distillation import _teacher_with_tokenizer
from tests.engine.test_training import save_tiny_model

CHAT_TEMPLATE = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}<assistant>{% endif %}")


def problems(spec: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        RunSpec.model_validate(spec)
    return {".".join(map(str, e["loc"])): e["msg"] for e in error.value.errors()}


def refused_at_start(spec: dict) -> str:
    with pytest.raises(EngineError) as error:
        run_in_process(spec)
    return str(error.value)


@pytest.fixture(scope="module")
def student_facts(kit) -> dict:
    """What inspection records about the kit's tiny config-built student."""
    found = inspect({"config": kit["tiny_config"], "tokenizer": kit["tokenizer"]["path"]})
    return {name: found[name] for name in ModelFacts.model_fields}


def test_inspection_records_the_facts_a_run_is_judged_by(kit, student_facts):
    assert student_facts["max_positions"] == 64 and student_facts["has_chat_template"] is False
    assert student_facts["vocab_size"] == kit["tiny_config"]["vocab_size"]
    assert student_facts["linear_modules"] == [
        "model.layers.*.self_attn.q_proj", "model.layers.*.self_attn.k_proj", "model.layers.*.self_attn.v_proj",
        "model.layers.*.self_attn.o_proj", "model.layers.*.mlp.gate_proj", "model.layers.*.mlp.up_proj",
        "model.layers.*.mlp.down_proj"], "the output layer takes no adapters"
    gpt2 = inspect({"config": {"model_type": "gpt2", "n_embd": 16, "n_layer": 2, "n_head": 2, "n_positions": 48,
                               "vocab_size": 64}})
    assert gpt2["max_positions"] == 48 and gpt2["has_chat_template"] is None and gpt2["tokenizer_fingerprint"] is None
    assert "transformer.h.*.attn.c_attn" in gpt2["linear_modules"], "GPT-2's Conv1D layers take LoRA adapters"


def test_a_block_size_beyond_the_students_positions_is_refused_at_launch_and_at_start_alike(
        kit, student_facts, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", block_size=128)
    spec["student"]["facts"] = student_facts
    found = problems(spec)
    assert list(found) == ["config.training.block_size"]
    assert found["config.training.block_size"] == (
        "block_size 128 exceeds the student's maximum positions (64, its config's max_position_embeddings): "
        "lower config.training.block_size to 64 or less")

    del spec["student"]["facts"]  # a model inspected before facts were recorded: the engine decides at start
    assert refused_at_start(spec) == f"config.training.block_size: {found['config.training.block_size']}"


def test_a_block_size_beyond_a_token_level_teachers_positions_is_refused_but_not_a_text_teachers(
        kit, tiny_teacher_dir, tmp_path):
    short = save_tiny_model(kit["tiny_config"], tmp_path / "short-teacher", max_position_embeddings=16)
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=short, block_size=32)
    spec["teacher"]["facts"] = {"max_positions": 16}
    message = problems(spec)["config.training.block_size"]
    assert "exceeds the teacher's maximum positions (16" in message

    del spec["teacher"]["facts"]
    assert refused_at_start(spec) == f"config.training.block_size: {message}"

    text_teacher = tiny_spec(kit, tmp_path / "seq", method="seq_kd", teacher=short, block_size=32)
    text_teacher["teacher"]["facts"] = {"max_positions": 16}
    RunSpec.model_validate(text_teacher)  # seq_kd's teacher writes text within its own positions


def test_lora_targets_the_student_lacks_are_refused_at_launch_and_at_start_alike(kit, student_facts, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", lora_rank=4, lora_target_modules=["q_proj", "qkv_proj"])
    spec["student"]["facts"] = student_facts
    message = problems(spec)["config.training.lora_target_modules"]
    assert message.startswith("the student has no linear layer named 'qkv_proj' to put LoRA adapters on (its "
                              "linear layers: down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj;")

    del spec["student"]["facts"]
    assert refused_at_start(spec) == f"config.training.lora_target_modules: {message}"


@pytest.mark.parametrize("targets", [["q_proj", "v_proj"], ["self_attn.q_proj"], ["layers.0.mlp.up_proj"],
                                     ["model.layers.0.self_attn.o_proj"]])
def test_lora_targets_match_as_peft_matches_them(student_facts, targets):
    assert lora_targets_problem(targets, student_facts["linear_modules"]) is None


@pytest.mark.parametrize("targets", [["lm_head"], ["mlp.q_proj"], ["proj"]])
def test_lora_targets_that_are_no_linear_layer_of_the_trunk_are_problems(student_facts, targets):
    assert lora_targets_problem(targets, student_facts["linear_modules"]) is not None


def test_chat_data_for_a_tokenizer_without_a_chat_template_is_refused_at_launch_and_at_start_alike(
        kit, student_facts, tmp_path):
    rows = [{"messages": [{"role": "user", "content": f"hi {n}"}, {"role": "assistant", "content": "hello"}]}
            for n in range(8)]
    chat = tmp_path / "chat.jsonl"
    chat.write_text("".join(json.dumps(row) + "\n" for row in rows))
    spec = tiny_spec(kit, tmp_path / "run", data={"train": str(chat), "validation": str(chat)})
    spec["train_data"]["kind"] = "chat"
    spec["student"]["facts"] = student_facts
    found = problems(spec)
    assert list(found) == ["train_data"]
    assert found["train_data"].startswith("the student's tokenizer has no chat template, which chat data needs")

    del spec["student"]["facts"]
    assert refused_at_start(spec) == f"train_data: {found['train_data']}"
    del spec["train_data"]["kind"]  # no declared kind: the data reader finds chat rows and says the same
    assert refused_at_start(spec) == found["train_data"]

    templated = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    templated.chat_template = CHAT_TEMPLATE
    templated.save_pretrained(tmp_path / "chat-tokenizer")
    spec["student"]["tokenizer"] = str(tmp_path / "chat-tokenizer")
    spec["student"]["facts"] = {**student_facts, "has_chat_template": True}
    spec["train_data"]["kind"] = "chat"
    RunSpec.model_validate(spec)


def test_a_text_teacher_needs_a_chat_template_for_chat_training_data(kit, tiny_teacher_dir, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", method="seq_kd", teacher=tiny_teacher_dir)
    spec["train_data"]["kind"] = spec["validation_data"]["kind"] = "chat"
    spec["student"]["facts"] = {"has_chat_template": True}
    spec["teacher"]["facts"] = {"has_chat_template": False}
    assert problems(spec)["teacher"].startswith("the teacher's tokenizer has no chat template")


def test_a_teacher_is_judged_by_its_tokenizer_not_its_embedding_rows(kit, student_facts, tiny_teacher_dir, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    padded = inspect({"path": _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "padded",
                                                      padded_rows=64)})
    tokenizer.add_tokens(["<teacher-only>"])
    other_dir = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "other", padded_rows=8)
    other = inspect({"path": other_dir})

    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=other_dir)
    spec["student"]["facts"] = student_facts
    spec["teacher"]["facts"] = {name: padded[name] for name in ModelFacts.model_fields}
    RunSpec.model_validate(spec)  # same tokenizer, 64 more rows: distils over the shared vocabulary

    spec["teacher"]["facts"] = {name: other[name] for name in ModelFacts.model_fields}
    message = problems(spec)["teacher"]
    assert message.startswith("the teacher uses another tokenizer than the student")
    assert "use sequence-level KD, seq_kd, instead" in message
    seq_kd = {**spec, "method": "seq_kd", "config": {"training": spec["config"]["training"]}}
    RunSpec.model_validate(seq_kd)  # only text passes between seq_kd's models

    del spec["teacher"]["facts"]
    assert refused_at_start(spec) == f"teacher: {message}"


def test_a_reference_with_another_vocabulary_is_refused_at_launch_and_at_start_alike(kit, pairs_kit, tmp_path):
    wide = save_tiny_model(kit["tiny_config"], tmp_path / "wide", vocab_size=2000)
    spec = tiny_spec(kit, tmp_path / "run", method="grpo", data=pairs_kit, block_size=32,
                     method_config={"rewards": [{"name": "regex", "params": {"pattern": "e"}}], "group_size": 2,
                                    "max_new_tokens": 2})
    spec["reference"] = {"path": wide, "facts": {"vocab_size": 2000}}
    spec["student"]["facts"] = {"vocab_size": kit["tiny_config"]["vocab_size"]}
    message = problems(spec)["reference"]
    assert message.startswith(f"the reference has an output vocabulary of 2000 tokens and the student of "
                              f"{kit['tiny_config']['vocab_size']}")

    del spec["reference"]["facts"], spec["student"]["facts"]
    assert refused_at_start(spec) == f"reference: {message}"


def test_facts_left_unknown_decide_nothing(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher="/nowhere", block_size=32, lora_rank=2,
                     lora_target_modules=["anything"])
    spec["student"]["facts"] = {}
    spec["teacher"]["facts"] = {"tokenizer_fingerprint": "a" * 64}
    RunSpec.model_validate(spec)


def test_measured_facts_of_a_loaded_model_are_what_inspection_records(kit, student_facts):
    from engine.core.model_checks import measured_facts

    config = dict(kit["tiny_config"])
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(config.pop("model_type"), **config))
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    assert measured_facts(model, tokenizer).model_dump() == student_facts


def test_the_facts_are_part_of_the_model_spec_schema_and_refuse_unknown_fields(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run")
    spec["student"]["facts"] = {"colour": "blue"}
    assert any(re.fullmatch(r"student\.facts\.colour", path) for path in problems(spec))


@pytest.mark.parametrize("family", sorted(TINY_FAMILIES))
def test_every_familys_recorded_linear_layers_take_lora_adapters_and_its_positions_are_known(family):
    from peft import LoraConfig, get_peft_model

    config = {**TINY_FAMILIES[family], "vocab_size": 1024}
    found = inspect({"config": config})
    assert found["max_positions"] == 64
    names = sorted({path.rsplit(".", 1)[-1] for path in found["linear_modules"]})
    assert names and lora_targets_problem(names, found["linear_modules"]) is None
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(**config))
    wrapped = get_peft_model(model, LoraConfig(r=2, target_modules=names))  # PEFT takes every one of them
    assert wrapped.get_output_embeddings() is model.get_output_embeddings(), "the output layer stays plain"
