"""Preference training end to end: chunked log-probabilities, the reference cache, every method's tiny run,
resume, spec checks, and DPO learning a held-out preference on the demo pairs."""

import json
import math
import shutil
import threading
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

from engine.core.losses import IGNORE_INDEX
from engine.core.objective import RunData
from engine.demo.preference import build_demo_preferences
from engine.events import MemorySink
from engine.methods.preference import recipe as preference_recipe
from engine.methods.preference.data import read_preferences, tokenize_preferences
from engine.methods.preference.reference_cache import sequence_log_probs
from engine.spec import RunSpec
from tests.engine.helpers import run_in_process, tiny_spec


@pytest.fixture(autouse=True)
def cache_directory(tmp_path, monkeypatch):
    """Every test gets its own reference cache, never the user's ~/.cache."""
    directory = tmp_path / "distillery-cache"
    monkeypatch.setenv("DISTILLERY_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(scope="module")
def preferences(tmp_path_factory):
    """Demo preference pairs from the kit's corpus (same train_bytes, so the kit's tokenizer fits them)."""
    summary = build_demo_preferences(tmp_path_factory.mktemp("preferences"), train_bytes=300_000)
    return {"train": summary["train"]["path"], "validation": summary["validation"]["path"]}


@pytest.fixture(scope="module")
def small_preferences(preferences, tmp_path_factory):
    """The first 64 training and 16 validation pairs, for runs that only need a few steps."""
    directory = tmp_path_factory.mktemp("small-preferences")
    paths = {}
    for split, count in (("train", 64), ("validation", 16)):
        lines = Path(preferences[split]).read_text().splitlines()[:count]
        paths[split] = str(directory / f"{split}.jsonl")
        Path(paths[split]).write_text("\n".join(lines) + "\n")
    return paths


def preference_spec(kit, output_dir, data, method="dpo", method_config=None, **training):
    return tiny_spec(kit, output_dir, method=method, data=data, method_config=method_config,
                     **{"eval_samples": 1, "sample_max_new_tokens": 4, **training})


def metrics(events, prefix):
    """{step: {name: value}} of the metric events with names starting with prefix."""
    found = {}
    for event in events.of_kind("metric"):
        values = {name: value for name, value in event["values"].items() if name.startswith(prefix)}
        if values:
            found.setdefault(event["step"], {}).update(values)
    return found


def logs(events):
    return [event["message"] for event in events.of_kind("log")]


def test_chunked_sequence_log_probs_equal_the_plain_full_logits_ones_in_value_and_gradient(kit, small_preferences):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    pairs, _ = tokenize_preferences(read_preferences(small_preferences["train"], role="data"), tokenizer, 32)
    batch = pairs.batch(list(range(6)))
    fields = dict(kit["tiny_config"])
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields)).double()

    chunked = sequence_log_probs(model, batch, chunk_size=5)
    torch.stack(chunked).sum().backward()
    chunked_gradient = {name: p.grad.clone() for name, p in model.named_parameters()}
    model.zero_grad()

    def plain(input_ids, attention_mask, labels):
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits.double()
        log_probs = logits.log_softmax(-1).gather(-1, labels.clamp(min=0)[..., None]).squeeze(-1)
        return torch.where(labels != IGNORE_INDEX, log_probs, 0.0).sum(-1)

    expected = (plain(batch.chosen_input_ids, batch.chosen_attention_mask, batch.chosen_labels),
                plain(batch.rejected_input_ids, batch.rejected_attention_mask, batch.rejected_labels))
    torch.stack(expected).sum().backward()
    for got, want in zip(chunked, expected):
        torch.testing.assert_close(got.double(), want, rtol=1e-6, atol=1e-5)
    for name, parameter in model.named_parameters():
        torch.testing.assert_close(chunked_gradient[name], parameter.grad, rtol=1e-4, atol=1e-6,
                                   msg=lambda message, name=name: f"{name}: {message}")


@pytest.mark.parametrize("method,method_config", [
    ("dpo", {}), ("ipo", {"beta": 0.5}), ("dpo_hinge", {}), ("dpo_robust", {"variant": "conservative"}),
    ("dpo_robust", {"variant": "robust", "label_smoothing": 0.2}),
    ("f_dpo", {"divergence": "alpha_divergence", "alpha": 0.3}),
    ("simpo", {}), ("bco", {}),
])
def test_every_preference_method_trains_a_few_steps_and_reports_its_metrics(kit, small_preferences, tmp_path,
                                                                            method, method_config):
    result, events = run_in_process(preference_spec(kit, tmp_path / "run", small_preferences, method=method,
                                                    method_config=method_config, max_steps=4, eval_every=2,
                                                    checkpoint_every=0))

    assert result.status == "finished" and result.step == 4
    train = metrics(events, "align/")
    assert sorted(train) == [1, 2, 3, 4]
    expected = {"align/reward_chosen", "align/reward_rejected", "align/margin", "align/accuracy", "align/logp_chosen",
                "align/logp_rejected"}
    if method != "simpo":
        expected |= {"align/ref_logp_chosen", "align/ref_logp_rejected", "align/kl"}
    if method == "bco":
        expected.add("align/bco_delta")
    assert set(train[4]) == expected
    for values in train.values():
        assert values["align/margin"] == pytest.approx(values["align/reward_chosen"] - values["align/reward_rejected"],
                                                       abs=1e-5)
        assert 0 <= values["align/accuracy"] <= 1
    if method != "simpo":
        # Step 1 trains the initial policy, which is the reference: every reward is 0.
        assert train[1]["align/reward_chosen"] == pytest.approx(0, abs=1e-5)
        assert train[1]["align/logp_chosen"] == pytest.approx(train[1]["align/ref_logp_chosen"], abs=1e-4)
    evaluation = metrics(events, "eval/")
    assert sorted(evaluation) == [2, 4]
    assert set(evaluation[4]) == {"eval/loss", "eval/accuracy", "eval/margin", "eval/reward_chosen",
                                  "eval/reward_rejected"} | ({"eval/kl"} if method != "simpo" else set())
    assert all(value is not None for step in evaluation.values() for value in step.values())
    assert (tmp_path / "run" / "final" / "model.safetensors").is_file()
    if method == "simpo":
        assert not any(message.startswith("reference") for message in logs(events)), "SimPO has no reference"


def test_dpo_at_the_first_step_has_the_loss_log_2(kit, small_preferences, tmp_path):
    _, events = run_in_process(preference_spec(kit, tmp_path / "run", small_preferences, max_steps=1, warmup_steps=0,
                                               checkpoint_every=0))
    assert metrics(events, "train/loss")[1]["train/loss"] == pytest.approx(0.693147, abs=1e-5)


def train_losses(events):
    return {step: values["train/loss"] for step, values in metrics(events, "train/loss").items()}


def test_a_second_run_hits_the_cache_without_loading_the_reference_and_gives_identical_losses(
        kit, small_preferences, tmp_path, monkeypatch):
    spec = preference_spec(kit, tmp_path / "first", small_preferences, max_steps=3, checkpoint_every=0)
    _, first = run_in_process(spec)
    assert sum("cache miss" in message for message in logs(first)) == 2, "training and validation splits"

    def no_reference(*args, **kwargs):
        raise AssertionError("the reference model was loaded although every split is cached")

    monkeypatch.setattr(preference_recipe, "load_reference", no_reference)
    _, second = run_in_process({**spec, "output_dir": str(tmp_path / "second")})
    assert sum("cache hit" in message for message in logs(second)) == 2
    assert train_losses(second) == train_losses(first)
    assert metrics(second, "eval/") == metrics(first, "eval/")


def test_changing_the_data_or_the_reference_misses_the_cache(kit, small_preferences, tmp_path):
    spec = preference_spec(kit, tmp_path / "run", small_preferences, max_steps=1, warmup_steps=0, checkpoint_every=0)
    run_in_process(spec)

    changed = tmp_path / "train.jsonl"
    changed.write_text(Path(small_preferences["train"]).read_text().replace('"chosen": " ', '"chosen": "  ', 1))
    _, events = run_in_process({**spec, "train_data": {"path": str(changed)}})
    messages = logs(events)
    assert any("of the training pairs: cache miss" in message for message in messages), "new training data misses"
    assert any("of the validation pairs: cache hit" in message for message in messages), "unchanged validation hits"

    rechunked = {**spec, "config": {**spec["config"], "chunk_size": 7}}
    _, events = run_in_process(rechunked)
    assert sum("cache hit" in message for message in logs(events)) == 2, "the key does not depend on chunk_size"

    _, events = run_in_process({**spec, "seed": 1})
    assert sum("cache miss" in message for message in logs(events)) == 2, "another seed builds another initial policy"

    reference_dir = tmp_path / "reference"
    fields = dict(kit["tiny_config"])
    torch.manual_seed(5)
    model_type = fields.pop("model_type")
    AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **fields)).save_pretrained(reference_dir)
    with_reference = {**spec, "reference": {"path": str(reference_dir)}}
    _, events = run_in_process(with_reference)
    assert sum("cache miss" in message for message in logs(events)) == 2
    _, events = run_in_process(with_reference)
    assert sum("cache hit" in message for message in logs(events)) == 2
    torch.manual_seed(6)  # new weights in the same directory: new file size or modification time
    AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **fields)).save_pretrained(reference_dir)
    _, events = run_in_process(with_reference)
    assert sum("cache miss" in message for message in logs(events)) == 2


def test_past_its_bound_the_cache_deletes_the_least_recently_used_entries_and_they_are_computed_again(
        kit, small_preferences, tmp_path, cache_directory, monkeypatch):
    monkeypatch.setenv("DISTILLERY_CACHE_MAX_GB", "1e-9")  # about one byte: only the run's own entries stay
    spec = preference_spec(kit, tmp_path / "run", small_preferences, max_steps=1, warmup_steps=0, checkpoint_every=0)
    result, events = run_in_process(spec)
    assert result.status == "finished", logs(events)
    first_entries = {path.parent.name for path in cache_directory.rglob("logprobs.safetensors")}
    assert len(first_entries) == 2, [m for m in logs(events) if "cache" in m]

    _, events = run_in_process({**spec, "seed": 1})  # another initial policy: two new entries
    entries = {path.parent.name for path in cache_directory.rglob("logprobs.safetensors")}
    assert len(entries) == 2 and not entries & first_entries, "the earlier run's entries were deleted"
    assert not list((cache_directory / "reference-logprobs").glob(f"{next(iter(first_entries))}*"))
    assert any("deleted the 2 least recently used entries" in message for message in logs(events))

    _, events = run_in_process(spec)
    assert sum("cache miss" in message for message in logs(events)) == 2, "an evicted entry is computed again"


def test_a_damaged_cache_entry_is_recomputed(kit, small_preferences, tmp_path, cache_directory):
    spec = preference_spec(kit, tmp_path / "run", small_preferences, max_steps=2, checkpoint_every=0)
    _, first = run_in_process(spec)
    for path in cache_directory.rglob("logprobs.safetensors"):
        path.write_bytes(b"not a safetensors file")
    _, second = run_in_process(spec)
    assert sum("cache miss" in message for message in logs(second)) == 2
    assert train_losses(second) == train_losses(first)


def test_without_the_cache_the_reference_is_computed_every_step_with_the_same_losses(
        kit, small_preferences, tmp_path, cache_directory):
    cached_spec = preference_spec(kit, tmp_path / "cached", small_preferences, max_steps=3, checkpoint_every=0)
    _, cached = run_in_process(cached_spec)
    uncached_spec = preference_spec(kit, tmp_path / "uncached", small_preferences,
                                    method_config={"reference_cache": False}, max_steps=3, checkpoint_every=0)
    shutil.rmtree(cache_directory)
    _, uncached = run_in_process(uncached_spec)

    assert not cache_directory.exists(), "reference_cache false writes nothing"
    assert not any("cache" in message for message in logs(uncached))
    for step, loss in train_losses(cached).items():
        assert train_losses(uncached)[step] == pytest.approx(loss, abs=1e-5)
    for name, value in metrics(cached, "eval/")[3].items():
        assert metrics(uncached, "eval/")[3][name] == pytest.approx(value, abs=1e-5)


class CancelAtStep(MemorySink):
    def __init__(self, step, cancel):
        super().__init__()
        self.step, self.cancel = step, cancel

    def write(self, event):
        super().write(event)
        if event["kind"] == "metric" and event["step"] == self.step:
            self.cancel.set()


@pytest.mark.parametrize("method", ["dpo", "bco"])
def test_a_resumed_run_equals_the_uninterrupted_one(kit, small_preferences, tmp_path, method):
    def spec(output_dir, **extra):
        built = preference_spec(kit, output_dir, small_preferences, method=method, max_steps=6, checkpoint_every=0,
                                eval_every=3)
        built["student"]["config"] = {**kit["tiny_config"], "attention_dropout": 0.1}
        return {**built, **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    stopped, _ = run_in_process(spec(tmp_path / "split"), CancelAtStep(3, cancel), cancel)
    resumed_result, resumed = run_in_process(spec(tmp_path / "split",
                                                  resume_from=str(tmp_path / "split" / "checkpoints" / "step-3")))

    assert (stopped.status, stopped.step, resumed_result.status) == ("cancelled", 3, "finished")
    assert sorted(train_losses(resumed)) == [4, 5, 6]
    straight_align, resumed_align = metrics(straight, "align/"), metrics(resumed, "align/")
    for step in (4, 5, 6):
        assert train_losses(resumed)[step] == pytest.approx(train_losses(straight)[step], abs=1e-6)
        for name, value in straight_align[step].items():
            assert resumed_align[step][name] == pytest.approx(value, abs=1e-5), (step, name)
    for name, value in metrics(straight, "eval/")[6].items():
        assert metrics(resumed, "eval/")[6][name] == pytest.approx(value, abs=1e-6)


def test_spec_checks_for_preference_methods(kit, small_preferences, tmp_path):
    base = preference_spec(kit, tmp_path, small_preferences, method="simpo")
    with pytest.raises(ValidationError, match="does not use a reference model"):
        RunSpec.model_validate({**base, "reference": {"path": str(tmp_path)}})
    dpo = preference_spec(kit, tmp_path, small_preferences, early_stopping_patience=2,
                          early_stopping_metric="eval/accuracy")
    assert RunSpec.model_validate(dpo).method_config.training.early_stopping_maximises
    dpo["config"]["training"]["early_stopping_metric"] = "eval/kl"
    RunSpec.model_validate(dpo)
    dpo["config"]["training"]["early_stopping_metric"] = "eval/perplexity"
    with pytest.raises(ValidationError, match="does not report eval/perplexity"):
        RunSpec.model_validate(dpo)
    lm = tiny_spec(kit, tmp_path, early_stopping_patience=2, early_stopping_metric="eval/margin")
    with pytest.raises(ValidationError, match="reported by preference methods only"):
        RunSpec.model_validate(lm)
    with pytest.raises(ValidationError, match="label_smoothing"):
        RunSpec.model_validate(preference_spec(kit, tmp_path, small_preferences, method="dpo_robust",
                                               method_config={"label_smoothing": 0.5}))


def test_dpo_on_the_demo_pairs_learns_the_held_out_preference(kit, preferences, tmp_path):
    """Chosen = the real continuation, rejected = its words shuffled; validation pairs come from unseen files."""
    spec = preference_spec(kit, tmp_path / "run", preferences, max_steps=120, batch_size=16, learning_rate=3e-3,
                           warmup_steps=10, eval_every=0, eval_batches=16, checkpoint_every=0, log_every=20)
    validated = RunSpec.model_validate(spec)
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    validation, _ = tokenize_preferences(read_preferences(preferences["validation"], role="data"), tokenizer, 32)
    objective_config = validated.method_config

    # Step 0: the policy is the reference, so every implicit reward is 0 and no pair is ranked right;
    # the model's own likelihood ranks the pairs no better than chance.
    torch.manual_seed(0)
    fields = dict(kit["tiny_config"])
    initial = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    objective = preference_recipe.PreferenceOptimisation(initial, objective_config, reference=initial,
                                                         uses_reference=True)
    step_zero = objective.evaluate(initial, RunData(None, validation, []), objective_config.training)
    with torch.no_grad():
        chosen, rejected = sequence_log_probs(initial, validation.batch(list(range(len(validation)))), chunk_size=256)
    likelihood_accuracy = float((chosen > rejected).float().mean())

    result, events = run_in_process(spec)

    final = metrics(events, "eval/")[120]
    assert result.status == "finished"
    assert final["eval/accuracy"] > 0.5
    assert final["eval/accuracy"] > step_zero["eval/accuracy"]
    assert final["eval/accuracy"] > likelihood_accuracy
    assert final["eval/margin"] > 0


def test_one_batch_of_four_pairs_gives_the_same_steps_as_two_accumulated_batches_of_two(kit, small_preferences,
                                                                                        tmp_path):
    _, whole = run_in_process(preference_spec(kit, tmp_path / "whole", small_preferences, max_steps=3, batch_size=4,
                                              checkpoint_every=0))
    _, accumulated = run_in_process(preference_spec(kit, tmp_path / "accumulated", small_preferences, max_steps=3,
                                                    batch_size=2, gradient_accumulation_steps=2, checkpoint_every=0))
    for step, values in metrics(whole, "align/").items():
        assert train_losses(accumulated)[step] == pytest.approx(train_losses(whole)[step], abs=1e-6)
        for name, value in values.items():
            assert metrics(accumulated, "align/")[step][name] == pytest.approx(value, abs=1e-5), (step, name)


def test_dpo_trains_on_chat_preference_pairs_with_the_tokenizers_chat_template(kit, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.chat_template = (
        "{% for message in messages %}<|bos|>{{ message['role'] }}\n{{ message['content'] }}<|eos|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|bos|>assistant\n{% endif %}")
    tokenizer.save_pretrained(tmp_path / "chat-tokenizer")
    rows = [{"prompt": [{"role": "user", "content": f"Is {i} even?"}],
             "chosen": "yes" if i % 2 == 0 else "no", "rejected": "no" if i % 2 == 0 else "yes"} for i in range(12)]
    paths = {}
    for split in ("train", "validation"):
        paths[split] = tmp_path / f"{split}.jsonl"
        paths[split].write_text("".join(json.dumps(row) + "\n" for row in rows))
    spec = preference_spec(kit, tmp_path / "run", {split: str(path) for split, path in paths.items()}, max_steps=3,
                           checkpoint_every=0)
    spec["student"]["tokenizer"] = str(tmp_path / "chat-tokenizer")

    result, events = run_in_process(spec)

    assert result.status == "finished"
    assert any("12 chat preference pairs" in message for message in logs(events))
    assert metrics(events, "eval/")[3]["eval/loss"] is not None


def test_the_reference_identity_follows_soup_ingredients_configs_and_seeds_and_the_key_the_tokenizer(kit, tmp_path):
    from engine.methods.preference.reference_cache import cache_key, reference_identity, tokenizer_hash

    fields = dict(kit["tiny_config"])
    model_type = fields.pop("model_type")
    for name in ("a", "b"):
        AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **fields)).save_pretrained(tmp_path / name)

    def spec(**changes):
        return RunSpec.model_validate({**preference_spec(kit, tmp_path / "run", {"train": "t", "validation": "v"}),
                                       **changes})

    soup = {"reference": {"soup": [str(tmp_path / "a"), str(tmp_path / "b")]}}
    first = reference_identity(spec(**soup))
    assert reference_identity(spec(**soup)) == first
    torch.manual_seed(3)
    AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **fields)).save_pretrained(tmp_path / "b")
    assert reference_identity(spec(**soup)) != first, "an ingredient was rewritten"
    initial = reference_identity(spec())
    assert reference_identity(spec(seed=2)) != initial
    changed_config = preference_spec(kit, tmp_path / "run", {"train": "t", "validation": "v"})
    changed_config["student"]["config"] = {**kit["tiny_config"], "hidden_size": 16}
    assert reference_identity(RunSpec.model_validate(changed_config)) != initial

    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    plain = tokenizer_hash(tokenizer)
    tokenizer.chat_template = "{{ messages }}"
    assert tokenizer_hash(tokenizer) != plain
    key = {"reference": initial, "data_sha256": "0" * 64, "tokenizer": plain, "block_size": 32,
           "dtype": torch.float32}
    assert cache_key(**key) != cache_key(**{**key, "block_size": 64})
    assert cache_key(**key) != cache_key(**{**key, "dtype": torch.bfloat16})


def test_bco_updates_delta_with_each_training_batch_before_its_loss_and_leaves_it_alone_in_evaluation(
        kit, small_preferences):
    from engine.methods.preference.config import BCOConfig

    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    pairs, _ = tokenize_preferences(read_preferences(small_preferences["train"], role="data"), tokenizer, 32)
    fields = dict(kit["tiny_config"])
    torch.manual_seed(0)
    policy = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    config = BCOConfig(beta=0.5, training={"eval_batches": 1})
    # A reference that differs from the policy, so that rewards are not all 0.
    pairs = pairs.with_reference(-100 * torch.ones(len(pairs)), -50 * torch.ones(len(pairs)))
    objective = preference_recipe.PreferenceOptimisation(policy, config, reference=None, uses_reference=True)

    rewards = []
    for indices in ([0, 1, 2], [3, 4]):
        batch = pairs.batch(indices)
        with torch.no_grad():
            chosen, rejected = sequence_log_probs(policy, batch, chunk_size=256)
        rewards += (0.5 * (chosen + 100)).tolist() + (0.5 * (rejected + 50)).tolist()
        loss, _ = objective.loss(batch, len(indices))
        delta = sum(rewards) / len(rewards)
        assert objective.bco_delta.value == pytest.approx(delta, rel=1e-6)
        expected = (-torch.nn.functional.logsigmoid(0.5 * (chosen + 100) - delta)
                    - torch.nn.functional.logsigmoid(-(0.5 * (rejected + 50) - delta))).sum() / 2 / len(indices)
        assert float(loss.detach()) == pytest.approx(float(expected), rel=1e-5)

    before = (objective.bco_delta.mean, objective.bco_delta.count)
    objective.evaluate(policy, RunData(pairs, pairs, []), config.training)
    assert (objective.bco_delta.mean, objective.bco_delta.count) == before
    restored = preference_recipe.PreferenceOptimisation(policy, config, reference=None, uses_reference=True)
    restored.load_state_dict(objective.state_dict())
    assert (restored.bco_delta.mean, restored.bco_delta.count) == before


@pytest.mark.parametrize("disable_dropout", [True, False])
def test_the_policy_starts_equal_to_its_reference_because_dropout_is_off_by_default(kit, small_preferences, tmp_path,
                                                                                    disable_dropout):
    spec = preference_spec(kit, tmp_path / "run", small_preferences, max_steps=1, warmup_steps=0, eval_every=0,
                           checkpoint_every=0, method_config={} if disable_dropout else {"disable_dropout": False})
    spec["student"]["config"] = {**kit["tiny_config"], "attention_dropout": 0.5}

    _, events = run_in_process(spec)

    [first] = metrics(events, "align/").values()
    first_loss = train_losses(events)[1]
    if disable_dropout:
        assert first_loss == pytest.approx(math.log(2), abs=1e-6)
        assert first["align/kl"] == pytest.approx(0.0, abs=1e-6)
    else:
        assert abs(first_loss - math.log(2)) > 1e-4 and abs(first["align/kl"]) > 1e-4


def test_a_gemma3_student_trains_with_dpo(kit, small_preferences, tmp_path):
    from tests.engine.families import TINY_FAMILIES

    spec = preference_spec(kit, tmp_path / "run", small_preferences, max_steps=2, eval_every=2, checkpoint_every=2,
                           warmup_steps=1)
    spec["student"]["config"] = {**TINY_FAMILIES["gemma3_text"], "vocab_size": kit["tiny_config"]["vocab_size"]}

    result, events = run_in_process(spec)

    assert result.status == "finished"
    losses = [values["train/loss"] for values in metrics(events, "train/").values() if "train/loss" in values]
    assert len(losses) == 2 and all(torch.isfinite(torch.tensor(losses)))
