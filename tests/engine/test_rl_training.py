"""grpo and kdrl end to end on a tiny llama: sampling, log-probabilities, metrics, evaluation, resume, learning."""

import copy
import json
import math
import threading
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from safetensors.torch import load_file
from transformers import AutoTokenizer

from engine import registry
from engine.core.data import Dataset
from engine.core.losses import IGNORE_INDEX
from engine.errors import EngineError
from engine.events import MemorySink
from engine.methods.rl.config import GRPOConfig, KDRLConfig
from engine.methods.rl.losses import kd_coefficient, kdrl_sequence_losses
from engine.methods.rl.recipe import GRPO, _sampling_seed
from engine.methods.rl.rewards import RewardSpec
from engine.methods.rl.rollouts import PromptSet, completion_log_probs, prompt_set, sample_completions
from engine.spec import RunSpec
from tests.engine.helpers import run_in_process, tiny_spec
from tests.engine.test_distillation import _teacher_with_tokenizer
from tests.engine.test_training import CancelAtStep, save_tiny_model

REGEX_E = [{"name": "regex", "params": {"pattern": "e"}}]
NUMERIC_AND_FORMAT = [
    {"name": "numeric", "weight": 1.0},
    {"name": "regex", "weight": 0.5, "params": {"pattern": r"\d"}, "label": "has_digit"},
    {"name": "length_penalty", "weight": 1.0, "params": {"target_length": 3, "coef": 0.1}},
]


@pytest.fixture(scope="module")
def rl_data(kit, tmp_path_factory) -> dict[str, str]:
    """Prompt-completion splits whose completions are GSM8K-style answers ('... #### 7')."""
    directory = tmp_path_factory.mktemp("rl-data")
    texts = [json.loads(line)["text"] for line in Path(kit["train"]["path"]).read_text().splitlines()]
    paths = {}
    for split, rows in (("train", texts[:24]), ("validation", texts[24:30])):
        paths[split] = str(directory / f"{split}.jsonl")
        with open(paths[split], "w") as file:
            file.writelines(json.dumps({"prompt": text[:40], "completion": f"so it is #### {index % 10}"}) + "\n"
                            for index, text in enumerate(rows))
    return paths


def rl_spec(kit, rl_data, output_dir, *, method="grpo", teacher=None, rewards=None, method_config=None, **training):
    config = {"rewards": rewards or NUMERIC_AND_FORMAT, "group_size": 3, "max_new_tokens": 4, "chunk_size": 8,
              **(method_config or {})}
    settings = {"max_steps": 3, "batch_size": 2, "eval_every": 0, "checkpoint_every": 0, "eval_batches": 1,
                "warmup_steps": 1, **training}
    return tiny_spec(kit, output_dir, method=method, teacher=teacher, method_config=config, data=rl_data, **settings)


def metrics_of(events) -> list[dict]:
    return [e for e in events.of_kind("metric")]


def series(events, name) -> dict[int, float]:
    return {e["step"]: e["values"][name] for e in events.of_kind("metric") if name in e["values"]}


RL_METRICS = {"train/loss", "rl/reward_mean", "rl/reward_std", "rl/kl", "rl/completion_length", "rl/correct_share",
              "rl/reward/numeric", "rl/reward/has_digit", "rl/reward/length_penalty"}


def test_grpo_trains_reports_the_rl_metrics_and_writes_scored_eval_samples(kit, rl_data, tmp_path):
    spec = rl_spec(kit, rl_data, tmp_path / "run", eval_samples=1)

    result, events = run_in_process(spec)

    assert result.status == "finished" and result.step == 3
    train_metrics = [e["values"] for e in metrics_of(events) if "train/loss" in e["values"]]
    assert len(train_metrics) == 3 and all(RL_METRICS <= set(values) for values in train_metrics)
    assert not any(name.startswith(("rl/teacher", "rl/kd", "rl/calibrated")) for name in train_metrics[0])
    first = train_metrics[0]
    assert first["rl/kl"] == pytest.approx(0.0, abs=1e-6), "the reference is the initial policy"
    assert 1 <= first["rl/completion_length"] <= 4
    assert 0 <= first["rl/correct_share"] <= 1 and first["rl/reward_std"] >= 0
    reward = first["rl/reward/numeric"] + 0.5 * first["rl/reward/has_digit"] + first["rl/reward/length_penalty"]
    assert first["rl/reward_mean"] == pytest.approx(reward)

    [evaluation] = [e["values"] for e in metrics_of(events) if "eval/reward_mean" in e["values"]]
    assert {"eval/reward_mean", "eval/correct_share", "eval/reward/numeric", "eval/reward/has_digit"} <= set(evaluation)
    [artifact] = [e for e in events.of_kind("artifact") if e["type"] == "samples"]
    samples = json.loads(Path(artifact["path"]).read_text())
    assert artifact["step"] == 3 and len(samples) == 2  # batch_size x eval_batches validation prompts
    assert all(set(sample) == {"prompt", "completion", "answer", "reward"} for sample in samples)
    assert samples[0]["answer"] == "so it is #### 0"
    assert sum(sample["reward"] for sample in samples) / 2 == pytest.approx(evaluation["eval/reward_mean"])


def test_kdrl_adds_the_teacher_kl_with_its_decaying_weight_and_mask(kit, rl_data, tiny_teacher_dir, tmp_path):
    spec = rl_spec(kit, rl_data, tmp_path / "run", method="kdrl", teacher=tiny_teacher_dir,
                   method_config={"kd_coef_start": 0.5, "kd_coef_end": 0.1, "kd_coef_decay": 0.3,
                                  "kd_mask": "incorrect_only", "kd_reward_threshold": 100.0})

    result, events = run_in_process(spec)

    assert result.status == "finished"
    assert series(events, "rl/kd_coef") == pytest.approx({1: 0.5, 2: 0.2, 3: 0.1})
    assert series(events, "rl/kd_coef") == pytest.approx(
        {step: kd_coefficient(step, start=0.5, end=0.1, decay=0.3) for step in (1, 2, 3)})
    assert all(value > 0 for value in series(events, "rl/teacher_kl").values()), "a different random teacher"
    assert set(series(events, "rl/kd_masked_share").values()) == {1.0}, "no reward reaches the threshold"
    assert RL_METRICS <= set(metrics_of(events)[0]["values"])


def test_kdrl_masks_out_completions_that_reach_the_reward_threshold(kit, rl_data, tiny_teacher_dir, tmp_path):
    spec = rl_spec(kit, rl_data, tmp_path / "run", method="kdrl", teacher=tiny_teacher_dir, max_steps=1,
                   rewards=[{"name": "length_penalty", "params": {"target_length": 100}}],
                   method_config={"kd_mask": "all_wrong_groups", "kd_reward_threshold": 0.0})

    _, events = run_in_process(spec)

    assert series(events, "rl/kd_masked_share") == {1: 0.0}, "every completion earns reward 0 >= threshold 0"


def test_kdrl_with_a_teacher_padded_past_the_tokenizer_trains_exactly_as_with_the_unpadded_one(
        kit, rl_data, tiny_teacher_dir, tmp_path):
    # Qwen2.5 7B (152,064 rows) teaching 0.5B (151,936) with one tokenizer: the padding rows are no tokens.
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    runs = {}
    for name, rows in (("plain", 0), ("padded", 64)):
        teacher = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / f"teacher-{name}", padded_rows=rows)
        result, runs[name] = run_in_process(rl_spec(kit, rl_data, tmp_path / name, method="kdrl", teacher=teacher))
        assert result.status == "finished"

    for metric in ("rl/teacher_kl", "train/loss", "rl/reward_mean"):
        assert series(runs["padded"], metric) == pytest.approx(series(runs["plain"], metric), rel=1e-5, abs=1e-7)


def test_kdrl_refuses_a_teacher_with_another_tokenizer_and_points_to_seq_kd(kit, rl_data, tiny_teacher_dir, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.add_tokens(["<teacher-only>"])
    teacher = _teacher_with_tokenizer(tiny_teacher_dir, tokenizer, tmp_path / "teacher", padded_rows=8)
    spec = rl_spec(kit, rl_data, tmp_path / "run", method="kdrl", teacher=teacher)
    with pytest.raises(EngineError, match=r"^teacher: the teacher uses another tokenizer .* seq_kd, instead"):
        run_in_process(spec)


def test_infalign_calibrates_rewards_against_reference_samples(kit, rl_data, tmp_path):
    spec = rl_spec(kit, rl_data, tmp_path / "run", max_steps=2, rewards=REGEX_E,
                   method_config={"reward_transform": "infalign_ctrl", "calibration_samples": 5, "transform_t": 2.0,
                                  "transform_mode": "worst_of_n"})
    spec["seed"] = 2**32 - 1  # the largest run seed still gives valid sampling seeds

    result, events = run_in_process(spec)

    assert result.status == "finished"
    calibrated = series(events, "rl/calibrated_reward_mean")
    assert set(calibrated) == {1, 2} and all(0 <= value <= 1 for value in calibrated.values())
    assert "rl/correct_share" not in metrics_of(events)[0]["values"], "a regex reward does not judge correctness"


def test_grpo_trains_on_chat_rows_whose_last_assistant_message_is_the_answer(kit, rl_data, tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
                               "{% if add_generation_prompt %}<assistant>{% endif %}")
    tokenizer.save_pretrained(tmp_path / "chat-tokenizer")
    rows = [{"messages": [{"role": "user", "content": f"What is {n} + 1?"},
                          {"role": "assistant", "content": str(n + 1)}]} for n in range(6)]
    (tmp_path / "chat.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    chat = {"train": str(tmp_path / "chat.jsonl"), "validation": str(tmp_path / "chat.jsonl")}
    spec = rl_spec(kit, chat, tmp_path / "run", max_steps=2, eval_samples=1,
                   rewards=[{"name": "numeric"}, {"name": "exact_match"}])
    spec["tokenizer"] = str(tmp_path / "chat-tokenizer")

    result, events = run_in_process(spec)

    assert result.status == "finished"
    assert "rl/correct_share" in metrics_of(events)[0]["values"]
    [artifact] = [e for e in events.of_kind("artifact") if e["type"] == "samples"]
    samples = json.loads(Path(artifact["path"]).read_text())
    assert [(s["prompt"], s["answer"]) for s in samples] == [("<user>What is 0 + 1?\n<assistant>", "1"),
                                                             ("<user>What is 1 + 1?\n<assistant>", "2")]


def test_a_soup_reference_as_in_salsa_gives_a_kl_from_the_first_step(kit, rl_data, tmp_path):
    torch.manual_seed(3)
    first = save_tiny_model(kit["tiny_config"], tmp_path / "sft-1")
    second = save_tiny_model(kit["tiny_config"], tmp_path / "sft-2")
    spec = rl_spec(kit, rl_data, tmp_path / "run", max_steps=1)
    spec["student"] = {"path": first, "tokenizer": kit["tokenizer"]["path"]}
    spec["reference"] = {"soup": [first, second]}

    _, events = run_in_process(spec)

    assert [log["message"] for log in events.of_kind("log") if "reference model" in log["message"]] == [
        f"reference model: uniform soup of {first}, {second}"]
    assert series(events, "rl/kl")[1] > 1e-4


def test_a_resumed_run_samples_and_trains_exactly_like_the_uninterrupted_one(kit, rl_data, tmp_path):
    def spec(output_dir, **extra):
        return {**rl_spec(kit, rl_data, output_dir, max_steps=4, rewards=REGEX_E, learning_rate=3e-2), **extra}

    _, straight = run_in_process(spec(tmp_path / "straight"))
    cancel = threading.Event()
    run_in_process(spec(tmp_path / "split"), CancelAtStep(2, cancel), cancel)
    _, resumed = run_in_process(spec(tmp_path / "split", resume_from=str(tmp_path / "split/checkpoints/step-2")))

    for name in ("rl/reward_mean", "rl/kl", "rl/completion_length", "train/loss"):
        assert series(resumed, name) == {step: series(straight, name)[step] for step in (3, 4)}, name
    final_straight = load_file(tmp_path / "straight/final/model.safetensors")
    final_resumed = load_file(tmp_path / "split/final/model.safetensors")
    assert all(torch.equal(final_straight[name], final_resumed[name]) for name in final_straight)


def test_grpo_raises_the_mean_reward_of_a_tiny_model_within_thirty_steps(kit, rl_data, tmp_path):
    # The reward: the completion (2 tokens) contains the letter 'e'. A random tiny llama does so about
    # half the time; GRPO should make it (almost) always do so. Deterministic: the run is seeded.
    spec = rl_spec(kit, rl_data, tmp_path / "run", max_steps=30, batch_size=4, learning_rate=3e-2, warmup_steps=0,
                   lr_scheduler="constant", rewards=REGEX_E, method_config={"group_size": 8, "max_new_tokens": 2,
                                                                            "kl_coef": 0.0})

    _, events = run_in_process(spec)

    rewards = [value for _, value in sorted(series(events, "rl/reward_mean").items())]
    assert len(rewards) == 30
    assert sum(rewards[:5]) / 5 < 0.7
    assert sum(rewards[-5:]) / 5 > 0.9  # 0.99 to 1.0 over seeds 0 to 6 (margin for other CPUs' rounding)
    assert series(events, "eval/reward_mean")[30] >= 0.5  # greedy completions of 2 validation prompts
    assert series(events, "rl/kl")[30] > series(events, "rl/kl")[2], "the policy moved away from the reference"


@pytest.fixture(scope="module")
def tokenizer(kit):
    return AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])


@pytest.fixture(scope="module")
def tiny_policy(kit):
    config = dict(kit["tiny_config"])
    from transformers import AutoConfig, AutoModelForCausalLM

    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(config.pop("model_type"), **config))


def test_completion_log_probs_are_the_full_softmax_log_probs_of_the_completion_tokens(tiny_policy):
    prompts = [[5, 6, 7], [8]]
    completions = [[9, 10], [11, 12, 13, 2], [14], [15, 16, 17, 18]]  # group_size 2: prompt 0 twice, prompt 1 twice

    log_probs, mask = completion_log_probs(tiny_policy, prompts, completions, 2, pad_id=0, chunk_size=3)

    assert mask.sum(-1).tolist() == [2, 4, 1, 4]
    for b, completion in enumerate(completions):
        sequence = torch.tensor([prompts[b // 2] + completion])
        with torch.no_grad():
            logits = tiny_policy(input_ids=sequence).logits[0].double()
        expected = torch.log_softmax(logits, -1)[len(prompts[b // 2]) - 1: -1].gather(
            -1, torch.tensor(completion)[:, None]).squeeze(-1)
        torch.testing.assert_close(log_probs[b][mask[b]].double(), expected, rtol=1e-5, atol=1e-5)
        assert (log_probs[b][~mask[b]] == 0).all()


@pytest.mark.parametrize("temperature", [0.5, 1.7])
def test_completion_log_probs_at_a_sampling_temperature_match_float64_in_value_and_gradient(tiny_policy,
                                                                                          temperature):
    prompts, completions = [[5, 6, 7]], [[9, 10, 11], [12]]
    log_probs, mask = completion_log_probs(tiny_policy, prompts, completions, 2, pad_id=0, chunk_size=2,
                                           temperature=temperature)
    (log_probs * mask).sum().backward()
    head = tiny_policy.get_output_embeddings().weight
    got_gradient, head.grad = head.grad.double().clone(), None

    reference = copy.deepcopy(tiny_policy).double()
    expected_total = torch.zeros((), dtype=torch.float64)
    for b, completion in enumerate(completions):
        sequence = torch.tensor([prompts[0] + completion])
        logits = reference(input_ids=sequence).logits[0]
        expected = torch.log_softmax(logits / temperature, -1)[len(prompts[0]) - 1: -1].gather(
            -1, torch.tensor(completion)[:, None]).squeeze(-1)
        torch.testing.assert_close(log_probs[b][mask[b]].double(), expected.detach(), rtol=1e-5, atol=1e-5)
        expected_total = expected_total + expected.sum()
    expected_total.backward()
    torch.testing.assert_close(got_gradient, reference.get_output_embeddings().weight.grad, rtol=1e-4, atol=1e-5)
    tiny_policy.zero_grad(set_to_none=True)


def _padded_copy(model: torch.nn.Module, rows: int) -> torch.nn.Module:
    """The model with `rows` more output rows whose logits dwarf the real ones (a checkpoint's padding)."""
    padded = copy.deepcopy(model)
    size = padded.get_output_embeddings().weight.shape[0]
    padded.resize_token_embeddings(size + rows, mean_resizing=False)
    with torch.no_grad():
        padded.get_output_embeddings().weight[size:] = 30 * torch.randn(
            rows, padded.config.hidden_size, generator=torch.Generator().manual_seed(7))
    return padded


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_kdrl_loss_with_a_padded_teacher_matches_float64_over_the_tokenizers_vocabulary(kit, tiny_policy, dtype):
    vocab = kit["tiny_config"]["vocab_size"]
    torch.manual_seed(1)
    config = dict(kit["tiny_config"])
    from transformers import AutoConfig, AutoModelForCausalLM

    teacher = AutoModelForCausalLM.from_config(AutoConfig.for_model(config.pop("model_type"), **config))
    padded_teacher = _padded_copy(teacher, 40).to(dtype)
    policy = copy.deepcopy(tiny_policy).to(dtype)
    prompts, completions = [[5, 6, 7], [8]], [[9, 10], [11, 12, 13], [14], [15, 16, 17, 18]]
    temperature, kl_coef, kd_coef = 0.8, 0.05, 0.3
    advantages = torch.tensor([0.5, -0.5, 1.0, -1.0], dtype=dtype)
    kd_mask = torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=dtype)

    settings = {"pad_id": 0, "chunk_size": 3, "temperature": temperature, "vocab_size": vocab}
    log_probs, mask = completion_log_probs(policy, prompts, completions, 2, **settings)
    with torch.no_grad():
        teacher_log_probs, _ = completion_log_probs(padded_teacher, prompts, completions, 2, **settings)
    losses, _, teacher_kl = kdrl_sequence_losses(log_probs.to(dtype), log_probs.detach().to(dtype),
                                                 teacher_log_probs.to(dtype), advantages, mask, kd_mask,
                                                 kl_coef=kl_coef, kd_coef=kd_coef)
    losses.sum().backward()
    gradient = policy.get_output_embeddings().weight.grad.double()

    # float64, token by token, the teacher without its padding: the softmax over the tokenizer's vocabulary
    policy64, teacher64 = copy.deepcopy(tiny_policy).double(), teacher.double()
    total = torch.zeros((), dtype=torch.float64)
    for b, completion in enumerate(completions):
        sequence = torch.tensor([prompts[b // 2] + completion])
        start, targets = len(prompts[b // 2]) - 1, torch.tensor(completion)[:, None]
        mine = torch.log_softmax(policy64(input_ids=sequence).logits[0] / temperature, -1)[start:-1]
        mine = mine.gather(-1, targets).squeeze(-1)
        with torch.no_grad():
            theirs = torch.log_softmax(teacher64(input_ids=sequence).logits[0] / temperature, -1)[start:-1]
            theirs = theirs.gather(-1, targets).squeeze(-1)
        k2 = 0.5 * (theirs - mine) ** 2
        torch.testing.assert_close(teacher_kl[b].double(), k2.mean().detach(), rtol=1e-5, atol=1e-6)
        grpo = -torch.exp(mine - mine.detach()) * float(advantages[b])  # k3 to itself is 0
        total = total + (grpo + kd_coef * float(kd_mask[b]) * k2).mean()
    torch.testing.assert_close(losses.sum().double(), total.detach(), rtol=1e-5, atol=1e-6)
    total.backward()
    torch.testing.assert_close(gradient, policy64.get_output_embeddings().weight.grad, rtol=1e-4, atol=1e-6)


def test_sampling_with_the_vocabulary_size_never_picks_a_padding_row(kit, tiny_policy):
    vocab = kit["tiny_config"]["vocab_size"]
    padded = _padded_copy(tiny_policy, 16)
    settings = {"num_samples": 4, "max_new_tokens": 6, "eos_id": 2, "pad_id": 0, "seed": 3, "temperature": 1.0}
    unguarded = sample_completions(padded, [[5, 6, 7]], **settings)
    assert any(token >= vocab for completion in unguarded for token in completion), "the padding dwarfs the rest"
    guarded = sample_completions(padded, [[5, 6, 7]], **settings, vocab_size=vocab)
    assert all(token < vocab for completion in guarded for token in completion)


def test_completion_log_probs_carry_gradients_to_the_policy(tiny_policy):
    log_probs, _ = completion_log_probs(tiny_policy, [[5, 6]], [[7, 8], [9]], 2, pad_id=0, chunk_size=2)
    log_probs.sum().backward()
    gradient = tiny_policy.get_output_embeddings().weight.grad
    assert gradient is not None and gradient.abs().sum() > 0
    tiny_policy.zero_grad(set_to_none=True)


def test_sampling_is_seeded_grouped_by_prompt_cut_after_eos_and_leaves_the_global_rng_alone(tiny_policy):
    prompts = [[5, 6, 7, 8], [9]]
    settings = {"num_samples": 3, "max_new_tokens": 5, "eos_id": 2, "pad_id": 0, "temperature": 1.0, "top_p": 1.0}
    torch.manual_seed(123)
    before = torch.get_rng_state()

    first = sample_completions(tiny_policy, prompts, seed=7, **settings)
    again = sample_completions(tiny_policy, prompts, seed=7, **settings)
    other = sample_completions(tiny_policy, prompts, seed=8, **settings)

    assert torch.equal(torch.get_rng_state(), before)
    assert tiny_policy.training, "the policy goes back to train mode"
    assert first == again and first != other
    assert len(first) == 6 and all(1 <= len(c) <= 5 for c in first)
    assert all(2 not in c[:-1] for c in first), "nothing is kept after an EOS"
    greedy = sample_completions(tiny_policy, prompts, seed=1, greedy=True, **{**settings, "num_samples": 1})
    assert greedy == sample_completions(tiny_policy, prompts, seed=2, greedy=True, **{**settings, "num_samples": 1})


def test_sampling_ignores_the_generation_defaults_a_checkpoint_ships(tiny_policy):
    saved = copy.deepcopy(tiny_policy.generation_config)
    tiny_policy.generation_config.suppress_tokens = list(range(1000))  # e.g. a generation_config.json's settings
    tiny_policy.generation_config.top_k = 1
    try:
        completions = sample_completions(tiny_policy, [[5, 6]], num_samples=8, max_new_tokens=4, eos_id=2, pad_id=0,
                                         seed=0)
    finally:
        tiny_policy.generation_config = saved
    tokens = [token for completion in completions for token in completion]
    assert min(tokens) < 1000 and len(set(map(tuple, completions))) > 1


def test_greedy_completions_stop_at_the_eos_token_which_they_keep(tiny_policy):
    settings = {"num_samples": 1, "max_new_tokens": 6, "pad_id": 0, "seed": 0, "greedy": True}
    [free] = sample_completions(tiny_policy, [[5, 6]], eos_id=1023, **settings)
    assert len(free) == 6 and 1023 not in free
    eos = free[2]  # pretend the third generated token is the end-of-sequence token

    [stopped] = sample_completions(tiny_policy, [[5, 6]], eos_id=eos, **settings)

    assert stopped == free[: free.index(eos) + 1]


@pytest.mark.parametrize("temperature", [1.0, 0.6])
def test_the_objective_loss_is_the_step_mean_over_prompts_of_group_means_of_token_means(tiny_policy, tokenizer,
                                                                                         tmp_path, temperature):
    # At a sampling temperature T the policy and reference log-probs are those of softmax(logits / T).
    reference = copy.deepcopy(tiny_policy).eval().requires_grad_(False)
    with torch.no_grad():
        reference.get_output_embeddings().weight.mul_(1.5)  # a reference that differs: the KL term is not 0
    config = GRPOConfig(rewards=REGEX_E, group_size=3, max_new_tokens=3, kl_coef=0.5, chunk_size=4,
                        temperature=temperature)
    objective = GRPO(policy=tiny_policy, reference=reference, tokenizer=tokenizer, config=config, run_seed=0,
                     output_dir=tmp_path, events=MemorySink())
    batch = PromptSet([[5, 6, 7], [8, 9]], ["a", "b"], [None, None]).batch([0, 1])

    loss, extra = objective.loss(batch, 4)  # the step has another micro-batch of 2 prompts

    completions = sample_completions(tiny_policy, batch.prompt_ids, num_samples=3, max_new_tokens=3,
                                     eos_id=tokenizer.eos_token_id, pad_id=tokenizer.eos_token_id,
                                     seed=_sampling_seed(0, 1, 0, 0), temperature=temperature)
    rewards = [float("e" in tokenizer.decode(c, skip_special_tokens=True)) for c in completions]
    assert len(set(rewards)) == 2, "the advantages are not all 0 in this seeded case"
    expected_loss = 0.0
    for p in range(2):
        group = rewards[3 * p: 3 * p + 3]
        mean, spread = sum(group) / 3, math.sqrt(sum((r - sum(group) / 3) ** 2 for r in group) / 2) + 1e-4
        for b in range(3 * p, 3 * p + 3):
            sequence = torch.tensor([batch.prompt_ids[p] + completions[b]])
            with torch.no_grad():
                policy_lp = torch.log_softmax(tiny_policy(input_ids=sequence).logits[0].double() / temperature, -1)
                reference_lp = torch.log_softmax(reference(input_ids=sequence).logits[0].double() / temperature, -1)
            positions = range(len(batch.prompt_ids[p]) - 1, sequence.shape[1] - 1)
            terms = []
            for position, token in zip(positions, completions[b]):
                log_ratio = float(reference_lp[position, token] - policy_lp[position, token])
                terms.append(-(rewards[b] - mean) / spread + 0.5 * (math.exp(log_ratio) - log_ratio - 1))
            expected_loss += sum(terms) / len(terms) / 3 / 4
    assert loss.item() == pytest.approx(expected_loss, rel=1e-4, abs=1e-6)
    assert extra["rl/reward_mean"] == pytest.approx(sum(rewards) / 6 * 2 / 4)
    assert extra["rl/kl"] > 0
    tiny_policy.zero_grad(set_to_none=True)


def test_prompt_completion_rows_give_prompts_and_answers_and_long_prompts_keep_their_end(tokenizer):
    rows = [{"prompt": "def add(a, b):\n    return a + b\n" * 3, "completion": "#### 4"},
            {"prompt": "x = 1", "completion": "#### 1"}]
    dataset = Dataset("prompt-completion", rows, Path("rows.jsonl"))
    prompts, note = prompt_set(dataset, tokenizer, max_prompt_tokens=6, rewards=[RewardSpec(name="numeric")])

    full = tokenizer(dataset.rows[0]["prompt"], add_special_tokens=False)["input_ids"]
    assert prompts.prompt_ids[0] == full[-6:]
    assert prompts.answers == ["#### 4", "#### 1"] and prompts.prompts[1] == "x = 1"
    assert "1 prompts longer than 6 tokens" in note
    batch = prompts.batch([1, 0])
    assert batch.loss_units == 2 and batch.answers == ["#### 1", "#### 4"] and batch.indices == [1, 0]


def test_chat_rows_end_with_the_answer_and_need_a_chat_template(tokenizer):
    messages = [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "3"},
                {"role": "user", "content": "Sure?"}, {"role": "assistant", "content": "4"}]
    dataset = Dataset("chat", [messages], Path("chat.jsonl"))
    with pytest.raises(EngineError, match="has no chat template"):
        prompt_set(dataset, tokenizer, max_prompt_tokens=100, rewards=[RewardSpec(name="exact_match")])

    templated = AutoTokenizer.from_pretrained(tokenizer.name_or_path)
    templated.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
                               "{% if add_generation_prompt %}<assistant>{% endif %}")
    prompts, _ = prompt_set(dataset, templated, max_prompt_tokens=100, rewards=[RewardSpec(name="exact_match")])
    assert prompts.prompts == ["<user>2+2?\n<assistant>3\n<user>Sure?\n<assistant>"]
    assert prompts.answers == ["4"]


def test_text_data_and_answers_the_rewards_cannot_use_are_refused_before_training(tokenizer):
    with pytest.raises(EngineError, match="RL methods need prompts with reference answers"):
        prompt_set(Dataset("text", ["plain"], Path("t.jsonl")), tokenizer, max_prompt_tokens=8, rewards=[])
    rows = [{"prompt": "a", "completion": "#### 1"}, {"prompt": "b", "completion": "no idea"}]
    with pytest.raises(EngineError, match=r"rows.jsonl row 2: reward 'numeric': the reference answer contains no"):
        prompt_set(Dataset("prompt-completion", rows, Path("rows.jsonl")), tokenizer, max_prompt_tokens=8,
                   rewards=[RewardSpec(name="numeric")])


def test_grpo_and_kdrl_are_registered_as_alignment_methods_on_prompt_data():
    grpo, kdrl = registry.get_method("grpo"), registry.get_method("kdrl")
    assert (grpo.family, kdrl.family) == ("alignment", "alignment")
    assert grpo.requires.dataset_kinds == kdrl.requires.dataset_kinds == ("prompt-completion", "chat")
    assert (grpo.requires.teacher, kdrl.requires.teacher) == (False, True)
    assert grpo.requires.reference and kdrl.requires.reference
    assert "2402.03300" in grpo.paper.url and "2506.02208" in kdrl.paper.url
    assert "SALSA" in grpo.description and "InfAlign" in kdrl.description
    assert registry.config_class("grpo") is GRPOConfig and registry.config_class("kdrl") is KDRLConfig
    schema = registry.method_schema("kdrl")
    fields = {"rewards", "group_size", "kl_coef", "kd_coef_start", "kd_mask", "reward_transform", "calibration_samples"}
    assert fields <= set(schema["properties"])
    assert GRPOConfig(rewards=REGEX_E).kl_coef == 0.04


def base_spec(**changes):
    spec = {"method": "grpo", "output_dir": "/tmp/run", "config": {"rewards": REGEX_E},
            "student": {"path": "/tmp/model"}, "train_data": {"path": "/tmp/train.jsonl"}}
    return {**spec, **changes}


@pytest.mark.parametrize("changes, path, message", [
    ({"config": {"rewards": [{"name": "bleu"}]}}, "config.rewards.0", "unknown reward 'bleu'; known rewards:"),
    ({"config": {"rewards": []}}, "config.rewards", "at least 1 item"),
    ({"config": {"rewards": [{"name": "regex", "params": {}}]}}, "config.rewards.0", "params are invalid"),
    ({"config": {"rewards": REGEX_E, "group_size": 1}}, "config.group_size", "greater than or equal to 2"),
    ({"config": {"rewards": REGEX_E, "max_new_tokens": 128}}, "config", "must be below training.block_size"),
    ({"config": {"rewards": REGEX_E, "training": {"early_stopping_patience": 2}}}, "config", "early stopping"),
    ({"config": {"rewards": REGEX_E, "reward_transform": "rank"}}, "config.reward_transform",
     "'none' or 'infalign_ctrl'"),
    ({"config": {"rewards": REGEX_E + REGEX_E}}, "config", "give each a distinct 'label'"),
    ({"method": "kdrl", "teacher": {"path": "/tmp/t"}, "config": {"rewards": REGEX_E, "kd_coef_end": 0.1}},
     "config", "must not exceed kd_coef_start"),
    ({"method": "kdrl"}, "teacher", "needs a teacher model"),
    ({"teacher": {"path": "/tmp/t"}}, "teacher", "does not use a teacher"),
])
def test_bad_rl_specs_are_refused_with_the_field_path(changes, path, message):
    with pytest.raises(ValidationError) as raised:
        RunSpec.model_validate(base_spec(**changes))
    problems = {".".join(str(part) for part in e["loc"]): e["msg"] for e in raised.value.errors()}
    assert path in problems and message in problems[path], problems


def test_a_reference_soup_is_accepted_in_an_rl_spec():
    spec = RunSpec.model_validate(base_spec(reference={"soup": ["/tmp/a", "/tmp/b"]}))
    assert spec.reference.soup == ["/tmp/a", "/tmp/b"]
    assert IGNORE_INDEX == -100


@pytest.mark.parametrize("disable_dropout", [True, False])
def test_the_policy_starts_with_no_kl_to_its_reference_because_dropout_is_off_by_default(kit, rl_data, tmp_path,
                                                                                         disable_dropout):
    spec = rl_spec(kit, rl_data, tmp_path / "run", max_steps=1,
                   method_config={} if disable_dropout else {"disable_dropout": False})
    spec["student"]["config"] = {**kit["tiny_config"], "attention_dropout": 0.5}

    _, events = run_in_process(spec)

    if disable_dropout:
        assert series(events, "rl/kl")[1] == pytest.approx(0.0, abs=1e-6)
    else:
        assert series(events, "rl/kl")[1] > 1e-4
