"""The numerical pieces of the continual strategies against plain float64 references: GeRe's margin
loss, LwF's distillation term, EWC's Fisher and penalty, HFT's selection, WiSE-FT and soups, and
the task scores that fill the R matrix."""

from types import SimpleNamespace

import pytest
import torch
from torch import nn
from transformers import AutoConfig, AutoModelForCausalLM

from engine.core.data import TokenBlocks
from engine.core.losses import IGNORE_INDEX
from engine.errors import EngineError
from engine.events import MemorySink
from engine.methods.continual.losses import (
    band_statistics,
    diagonal_fisher,
    ewc_penalty,
    lwf_loss,
    margin_loss,
    task_scores,
)
from engine.methods.continual.strategies import ContinualContext, HalfFineTuning
from engine.methods.continual.weights import (
    HFT_ATTENTION,
    HFT_MLP,
    HFT_NORMS,
    greedy_soup,
    hft_frozen_parameters,
    hft_selection,
    interpolate,
    uniform_average,
)
from tests.engine.helpers import TINY_LLAMA

VOCAB = 40


def tiny_llama(**changes) -> nn.Module:
    fields = {**TINY_LLAMA, "vocab_size": VOCAB, **changes}
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))


def random_blocks(rows: int, length: int = 8, seed: int = 0) -> TokenBlocks:
    generator = torch.Generator().manual_seed(seed)
    input_ids = torch.randint(0, VOCAB, (rows, length), generator=generator)
    labels = torch.randint(0, VOCAB, (rows, length), generator=generator)
    attention_mask = torch.ones(rows, length, dtype=torch.long)
    attention_mask[0, -3:] = 0  # a padded row: no label there
    labels[0, -3:] = IGNORE_INDEX
    labels[1, :2] = IGNORE_INDEX  # a prompt: attended, not a target
    return TokenBlocks(input_ids, attention_mask, labels)


# --- GeRe's threshold-based margin loss ---------------------------------------------------------


def reference_margin_loss(hidden, reference, mean, std, mask):
    """Element by element in float64, as METHODS.md section 6 states it."""
    terms = []
    for b in range(hidden.shape[0]):
        for t in range(hidden.shape[1]):
            if not mask[b, t]:
                continue
            for d in range(hidden.shape[2]):
                h, saved = hidden[b, t, d], float(reference[b, t, d])
                lower, upper = float(mean[d] - std[d]), float(mean[d] + std[d])
                if saved <= lower:
                    terms.append(torch.clamp(h - lower, min=0))
                elif saved >= upper:
                    terms.append(torch.clamp(upper - h, min=0))
                else:
                    terms.append(torch.clamp(h - upper, min=0) + torch.clamp(lower - h, min=0))
    nonzero = sum(1 for term in terms if float(term.detach()) > 0)
    return sum(terms) / max(nonzero, 1)


def margin_inputs(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    mean = torch.tensor([0.0, 1.0, -0.5, 0.2], dtype=torch.float64)
    std = torch.tensor([1.0, 0.5, 0.3, 0.0], dtype=torch.float64)
    # The initial model's values: below the band, above it, inside it, and exactly on its lower edge.
    cases = torch.stack([mean - 2 * std - 0.1, mean + 2 * std + 0.1, mean, mean - std])
    reference = cases[torch.randint(0, 4, (2, 3, 4), generator=generator), torch.arange(4)]
    hidden = (mean + 1.5 * torch.randn(2, 3, 4, generator=generator, dtype=torch.float64)).requires_grad_()
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    return hidden, reference, mean, std, mask


def test_margin_loss_matches_the_elementwise_float64_reference_in_value_and_gradient():
    hidden, reference, mean, std, mask = margin_inputs()
    below, above = reference <= mean - std, reference >= mean + std
    assert below.any() and above.any() and (~below & ~above).any()  # the grid hits every case
    value = margin_loss(hidden, reference, mean, std, mask)
    (gradient,) = torch.autograd.grad(value, hidden)
    expected = reference_margin_loss(hidden, reference, mean, std, mask)
    (expected_gradient,) = torch.autograd.grad(expected, hidden)
    assert value.item() > 0
    torch.testing.assert_close(value, expected, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(gradient, expected_gradient, rtol=1e-12, atol=1e-12)
    assert torch.all(gradient[1, 2] == 0)  # the padded position


@pytest.mark.parametrize("case", ["below", "above", "inside"])
def test_each_case_pushes_the_hidden_state_to_the_initial_models_side_of_the_band(case):
    mean, std = torch.zeros(1, dtype=torch.float64), torch.ones(1, dtype=torch.float64)
    saved = {"below": -2.0, "above": 2.0, "inside": 0.0}[case]
    reference = torch.full((1, 1, 1), saved, dtype=torch.float64)
    mask = torch.ones(1, 1)
    for current, expected in {"below": [(-1.5, 0.0), (0.5, 1.5)], "above": [(1.5, 0.0), (-0.5, 1.5)],
                              "inside": [(0.3, 0.0), (1.75, 0.75), (-3.0, 2.0)]}[case]:
        hidden = torch.full((1, 1, 1), current, dtype=torch.float64)
        assert margin_loss(hidden, reference, mean, std, mask).item() == pytest.approx(expected)


def test_the_margin_loss_divides_by_the_non_zero_elements_and_is_zero_when_there_are_none():
    mean, std = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    reference = torch.zeros(1, 2, 2, dtype=torch.float64)  # inside the band everywhere
    hidden = torch.tensor([[[3.0, 0.0], [0.0, -2.0]]], dtype=torch.float64)  # two violations: 2 and 1
    assert margin_loss(hidden, reference, mean, std, torch.ones(1, 2)).item() == pytest.approx((2.0 + 1.0) / 2)
    assert margin_loss(hidden, reference, mean, std, torch.zeros(1, 2)).item() == 0.0
    assert margin_loss(torch.zeros(1, 2, 2, dtype=torch.float64), reference, mean, std,
                       torch.ones(1, 2)).item() == 0.0


def test_band_statistics_are_the_mean_and_population_std_over_real_tokens():
    model = tiny_llama()
    blocks = random_blocks(5)
    mean, std = band_statistics(model, blocks, batch_size=2)
    with torch.no_grad():
        hidden = model.model(input_ids=blocks.input_ids, attention_mask=blocks.attention_mask).last_hidden_state
    values = hidden[blocks.attention_mask.bool()].double()
    torch.testing.assert_close(mean, values.mean(0).float(), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(std, values.std(0, unbiased=False).float(), rtol=1e-4, atol=1e-5)


# --- LwF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight,temperature,chunk_size", [(1.0, 2.0, 3), (0.5, 1.0, 64), (0.0, 2.0, 5), (4.0, 3.0, 1)])
def test_lwf_is_cross_entropy_plus_lambda_t_squared_kl_in_value_and_gradient(weight, temperature, chunk_size):
    generator = torch.Generator().manual_seed(3)
    hidden = torch.randn(2, 5, 6, generator=generator, dtype=torch.float64, requires_grad=True)
    old_hidden = torch.randn(2, 5, 6, generator=generator, dtype=torch.float64)
    head, old_head = nn.Linear(6, 11, dtype=torch.float64), nn.Linear(6, 11, dtype=torch.float64)
    labels = torch.randint(0, 11, (2, 5), generator=generator)
    labels[0, :2] = IGNORE_INDEX
    labels[1, 4] = IGNORE_INDEX
    num_tokens = 12  # more than this micro-batch's 7: another micro-batch shares the step

    loss, ce, kl = lwf_loss(hidden, head, old_hidden, old_head, labels, weight=weight, temperature=temperature,
                            chunk_size=chunk_size, num_tokens=num_tokens)
    gradients = torch.autograd.grad(loss, [hidden, head.weight, head.bias])

    real = labels != IGNORE_INDEX
    logits, old_logits = head(hidden)[real], old_head(old_hidden)[real].detach()
    cross_entropy = -torch.log_softmax(logits, -1).gather(-1, labels[real][:, None]).sum()
    old_probs = torch.softmax(old_logits / temperature, -1)
    divergence = (old_probs * (torch.log(old_probs) - torch.log_softmax(logits / temperature, -1))).sum()
    expected = (cross_entropy + weight * temperature**2 * divergence) / num_tokens
    expected_gradients = torch.autograd.grad(expected, [hidden, head.weight, head.bias])

    torch.testing.assert_close(loss, expected, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(ce, cross_entropy.detach() / num_tokens, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(kl, divergence.detach() / num_tokens, rtol=1e-10, atol=1e-12)
    for got, want in zip(gradients, expected_gradients):
        torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-12)


def test_lwf_against_an_identical_old_model_is_the_plain_cross_entropy():
    generator = torch.Generator().manual_seed(4)
    hidden = torch.randn(1, 4, 6, generator=generator, dtype=torch.float64)
    head = nn.Linear(6, 9, dtype=torch.float64)
    labels = torch.randint(0, 9, (1, 4), generator=generator)
    loss, ce, kl = lwf_loss(hidden, head, hidden, head, labels, weight=3.0, temperature=2.0, chunk_size=2)
    assert kl.item() == pytest.approx(0.0, abs=1e-12)
    assert loss.item() == pytest.approx(ce.item(), abs=1e-12)


# --- EWC ------------------------------------------------------------------------------------


def test_the_ewc_penalty_is_zero_at_the_anchor_and_its_gradient_is_lambda_f_times_the_displacement():
    generator = torch.Generator().manual_seed(5)
    anchor = {"a": torch.randn(3, 4, generator=generator), "b": torch.randn(5, generator=generator)}
    fisher = {name: torch.rand(value.shape, generator=generator) for name, value in anchor.items()}
    at_anchor = {name: value.clone().requires_grad_() for name, value in anchor.items()}
    penalty = ewc_penalty(at_anchor, fisher, anchor, 7.0)
    assert penalty.item() == 0.0
    assert all(torch.all(g == 0) for g in torch.autograd.grad(penalty, list(at_anchor.values())))

    moved = {name: (value + torch.randn(value.shape, generator=generator)).requires_grad_()
             for name, value in anchor.items()}
    moved["frozen"] = torch.randn(2)  # a parameter without a Fisher entry is not penalised
    penalty = ewc_penalty(moved, fisher, anchor, 7.0)
    gradients = torch.autograd.grad(penalty, [moved["a"], moved["b"]])
    expected = sum(0.5 * 7.0 * (fisher[n].double() * (moved[n].detach().double() - anchor[n].double()) ** 2).sum()
                   for n in ("a", "b"))
    assert penalty.item() == pytest.approx(expected.item(), rel=1e-6)
    for name, gradient in zip(("a", "b"), gradients):
        want = 7.0 * fisher[name].double() * (moved[name].detach().double() - anchor[name].double())
        torch.testing.assert_close(gradient.double(), want, rtol=1e-5, atol=1e-7)


def test_the_diagonal_fisher_is_the_mean_squared_gradient_of_each_batchs_mean_log_likelihood():
    model = tiny_llama(attention_dropout=0.0)
    blocks = random_blocks(6, seed=1)
    batches = [blocks.batch([0, 1]), blocks.batch([2, 3, 4]), blocks.batch([5])]
    fisher = diagonal_fisher(model, batches)

    expected = {name: torch.zeros_like(p, dtype=torch.float64) for name, p in model.named_parameters()}
    for batch in batches:
        model.zero_grad()
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits.double()
        real = batch.labels != IGNORE_INDEX
        log_likelihood = torch.log_softmax(logits[real], -1).gather(-1, batch.labels[real][:, None]).mean()
        log_likelihood.backward()
        for name, p in model.named_parameters():
            if p.grad is not None:
                expected[name] += p.grad.double() ** 2 / len(batches)
    model.zero_grad()
    assert set(fisher) == set(expected)
    for name, values in fisher.items():
        torch.testing.assert_close(values.double(), expected[name], rtol=1e-4, atol=1e-12, msg=name)
    assert sum(float(values.sum()) for values in fisher.values()) > 0
    assert all(p.grad is None or torch.all(p.grad == 0) for p in model.parameters())


# --- HFT ------------------------------------------------------------------------------------


def category_counts(frozen: list[str], layers: int) -> dict[str, list[int]]:
    counts = {"attention": [0] * layers, "mlp": [0] * layers, "norm": [0] * layers}
    for name in frozen:
        layer = int(name.split("layers.")[1].split(".")[0])
        module = name.split(".")[-2]
        kind = "attention" if module in HFT_ATTENTION else "mlp" if module in HFT_MLP else "norm"
        assert module in (*HFT_ATTENTION, *HFT_MLP, *HFT_NORMS)
        counts[kind][layer] += 1
    return counts


def hft_context(model: nn.Module, seed: int = 0) -> ContinualContext:
    return ContinualContext(spec=SimpleNamespace(seed=seed), config=SimpleNamespace(chunk_size=8), model=model,
                            tokenizer=None, tasks=[], events=MemorySink(), replay_blocks=None,
                            task_start_model=lambda index: model, task_model_dir=lambda index: None)


def test_hft_freezes_exactly_the_documented_half_of_a_four_layer_llama():
    model = tiny_llama(num_hidden_layers=4)
    strategy = HalfFineTuning(hft_context(model))
    strategy.begin_task(0)
    frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
    assert frozen == strategy.frozen
    counts = category_counts(frozen, 4)
    assert counts["attention"] == [2, 2, 2, 2]
    assert sorted(counts["mlp"]) == [1, 1, 2, 2]
    assert counts["norm"] == [1, 1, 1, 1]
    for name in ("model.embed_tokens.weight", "lm_head.weight", "model.norm.weight"):
        assert dict(model.named_parameters())[name].requires_grad, name
    assert "HFT task 0: froze 18 parameter tensors" in strategy.context.events.of_kind("log")[0]["message"]
    strategy.end_task(0)
    assert all(p.requires_grad for p in model.parameters())


def test_hft_draws_a_new_selection_for_every_task_and_the_same_one_for_the_same_seed():
    model = tiny_llama(num_hidden_layers=4)
    assert hft_selection(4, 123) == hft_selection(4, 123)
    strategy = HalfFineTuning(hft_context(model, seed=7))
    strategy.begin_task(0)
    first = list(strategy.frozen)
    strategy.begin_task(1)
    assert strategy.frozen != first
    again = HalfFineTuning(hft_context(tiny_llama(num_hidden_layers=4), seed=7))
    again.begin_task(1)
    assert again.frozen == strategy.frozen
    assert hft_frozen_parameters(model, 7 * 1_000_003 + 1) == strategy.frozen


def test_hft_refuses_an_architecture_without_llama_style_names():
    gpt2 = AutoModelForCausalLM.from_config(AutoConfig.for_model("gpt2", n_layer=2, n_embd=16, n_head=2,
                                                                 vocab_size=VOCAB, n_positions=16))
    with pytest.raises(EngineError, match="llama-style.*q_proj.*GPT2LMHeadModel"):
        HalfFineTuning(hft_context(gpt2))


# --- Weight averaging -----------------------------------------------------------------------


def test_wise_ft_interpolates_each_tensor_between_the_start_and_the_fine_tuned_weights():
    start = {"w": torch.tensor([0.0, 2.0]), "b": torch.tensor([1.0])}
    tuned = {"w": torch.tensor([4.0, 6.0]), "b": torch.tensor([-1.0])}
    mixed = interpolate(start, tuned, 0.25)
    torch.testing.assert_close(mixed["w"], torch.tensor([1.0, 3.0]))
    torch.testing.assert_close(mixed["b"], torch.tensor([0.5]))
    assert torch.equal(interpolate(start, tuned, 0.0)["w"], start["w"])
    assert torch.equal(interpolate(start, tuned, 1.0)["w"], tuned["w"])


def test_a_uniform_soup_is_the_mean_of_its_ingredients():
    states = [{"w": torch.tensor([1.0, 0.0])}, {"w": torch.tensor([2.0, 3.0])}, {"w": torch.tensor([6.0, 0.0])}]
    torch.testing.assert_close(uniform_average(states)["w"], torch.tensor([3.0, 1.0]))


def test_the_greedy_soup_adds_ingredients_best_first_only_on_a_strict_held_out_improvement():
    scores = [0.50, 0.70, 0.60, 0.65]  # by score: 1, 3, 2, 0
    soups = {frozenset({1, 3}): 0.69, frozenset({1, 2}): 0.72, frozenset({1, 2, 0}): 0.72}
    asked = []

    def soup_score(members):
        asked.append(members)
        return soups[frozenset(members)]

    assert greedy_soup(scores, soup_score) == [1, 2]
    assert asked == [[1, 3], [1, 2], [1, 2, 0]]  # 3 lowers the score, 2 raises it, 0 only ties
    assert greedy_soup([0.3], soup_score) == [0]


# --- Task scores ----------------------------------------------------------------------------


def test_task_scores_are_the_token_mean_cross_entropy_and_top1_accuracy_on_target_tokens():
    model = tiny_llama()
    blocks = random_blocks(5, seed=2)
    loss, accuracy = task_scores(model, blocks, batch_size=2, max_batches=10, chunk_size=3)
    with torch.no_grad():
        logits = model(input_ids=blocks.input_ids, attention_mask=blocks.attention_mask).logits.double()
    real = blocks.labels != IGNORE_INDEX
    log_probs = torch.log_softmax(logits[real], -1)
    assert loss == pytest.approx(-log_probs.gather(-1, blocks.labels[real][:, None]).mean().item(), rel=1e-5)
    assert accuracy == pytest.approx((log_probs.argmax(-1) == blocks.labels[real]).double().mean().item())
    first_batch = task_scores(model, blocks, batch_size=2, max_batches=1, chunk_size=64)
    first_real = real[:2]
    assert first_batch[0] == pytest.approx(
        -log_probs[: int(first_real.sum())].gather(-1, blocks.labels[:2][first_real][:, None]).mean().item(), rel=1e-5)
