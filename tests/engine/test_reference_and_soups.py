"""Model soups, the reference-model loader, and the run-spec rules for reference, tasks and replay data."""

import pytest
import torch
from pydantic import ValidationError
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from engine.core.model_checks import check_run_models
from engine.core.reference import describe_reference, load_reference
from engine.errors import EngineError
from engine.models import load_causal_lm, load_tokenizer
from engine.spec import ModelSpec, RunSpec
from tests.engine.helpers import tiny_spec


def _saved_model(config: dict, seed: int, directory) -> str:
    fields = dict(config)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    model.save_pretrained(directory)
    return str(directory)


def test_a_soup_is_the_uniform_average_of_its_ingredients(kit, tmp_path):
    paths = [_saved_model(kit["tiny_config"], seed, tmp_path / f"m{seed}") for seed in (1, 2, 3)]
    soup = load_causal_lm(ModelSpec(soup=paths), role="teacher", vocab_size=kit["tokenizer"]["vocab_size"])
    ingredients = [AutoModelForCausalLM.from_pretrained(path).state_dict() for path in paths]
    for name, tensor in soup.state_dict().items():
        expected = sum(state[name].double() for state in ingredients) / 3
        torch.testing.assert_close(tensor.double(), expected, rtol=1e-6, atol=1e-7)
    assert not torch.equal(soup.state_dict()["lm_head.weight"], ingredients[0]["lm_head.weight"])


def test_a_soup_of_different_sizes_is_refused_with_the_ingredient_named(kit, tmp_path):
    small = _saved_model(kit["tiny_config"], 1, tmp_path / "small")
    wider = _saved_model({**kit["tiny_config"], "intermediate_size": 96}, 2, tmp_path / "wider")
    with pytest.raises(EngineError, match="soup ingredient 2 .*wider.* same architecture and size"):
        load_causal_lm(ModelSpec(soup=[small, wider]), role="reference", vocab_size=kit["tokenizer"]["vocab_size"])


def test_a_soup_needs_two_ingredients():
    with pytest.raises(ValidationError, match="at least 2"):
        ModelSpec(soup=["/only/one"])


def test_the_default_reference_is_the_initial_student_even_for_a_config_built_one(kit, tmp_path):
    spec = RunSpec.model_validate({**tiny_spec(kit, tmp_path), "method": "lm_train"})
    tokenizer = load_tokenizer(spec)
    torch.manual_seed(spec.seed)
    student = load_causal_lm(spec.student, role="student", vocab_size=len(tokenizer))
    torch.manual_seed(123)  # whatever the global state, the reference is drawn from the run's seed
    reference = load_reference(spec, tokenizer, torch.float32)
    for (name, mine), theirs in zip(reference.state_dict().items(), student.state_dict().values()):
        assert torch.equal(mine, theirs), name
    assert not reference.training and not any(p.requires_grad for p in reference.parameters())
    assert "initial policy" in describe_reference(spec)


def test_a_reference_with_another_vocabulary_is_refused(kit, tmp_path):
    wide = AutoModelForCausalLM.from_config(AutoConfig.for_model(**{**kit["tiny_config"], "vocab_size": 2000}))
    policy = AutoModelForCausalLM.from_config(AutoConfig.for_model(**kit["tiny_config"]))
    spec = RunSpec.model_validate(tiny_spec(kit, tmp_path / "run", method="dpo"))
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    with pytest.raises(EngineError, match="^reference: the reference has an output vocabulary of 2000 tokens"):
        check_run_models(spec, tokenizer, student=policy, reference=wide)


def _problems(spec: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        RunSpec.model_validate(spec)
    return {".".join(map(str, e["loc"])): e["msg"] for e in error.value.errors()}


def test_a_method_without_a_reference_refuses_one(kit, tmp_path):
    spec = {**tiny_spec(kit, tmp_path), "reference": {"path": "/somewhere"}}
    assert "does not use a reference model" in _problems(spec)["reference"]


def test_tasks_and_replay_data_belong_to_continual_methods_only(kit, tmp_path):
    data = {"path": kit["train"]["path"]}
    task = {"name": "a", "train_data": data, "validation_data": data}
    spec = {**tiny_spec(kit, tmp_path), "tasks": [task, {**task, "name": "b"}], "replay_data": data}
    problems = _problems(spec)
    assert "not a continual-learning method" in problems["tasks"]
    assert "not a continual-learning method" in problems["replay_data"]


def test_training_data_is_required_for_methods_that_do_not_read_tasks(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path)
    del spec["train_data"]
    assert "needs training data" in _problems(spec)["train_data"]


def test_a_config_built_reference_is_drawn_from_the_run_seed_whatever_the_random_state(kit, tmp_path):
    spec = RunSpec.model_validate({**tiny_spec(kit, tmp_path, method="dpo"),
                                   "reference": {"config": kit["tiny_config"], "tokenizer": kit["tokenizer"]["path"]}})
    tokenizer = load_tokenizer(spec)
    torch.manual_seed(1)
    first = load_reference(spec, tokenizer, torch.float32)
    torch.manual_seed(2)
    second = load_reference(spec, tokenizer, torch.float32)
    for name, tensor in first.state_dict().items():
        assert torch.equal(tensor, second.state_dict()[name]), name


def test_a_soup_student_speaks_its_first_ingredients_tokenizer(kit, tmp_path):
    from transformers import AutoTokenizer

    paths = [_saved_model(kit["tiny_config"], seed, tmp_path / f"m{seed}") for seed in (1, 2)]
    AutoTokenizer.from_pretrained(kit["tokenizer"]["path"]).save_pretrained(paths[0])
    spec = RunSpec.model_validate({**tiny_spec(kit, tmp_path / "run"), "student": {"soup": paths}})
    assert len(load_tokenizer(spec)) == kit["tokenizer"]["vocab_size"]
