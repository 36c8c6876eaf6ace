"""token_log_probs against a plain float64 reference: values, gradients, masks, chunking."""

import pytest
import torch

from engine.core.losses import IGNORE_INDEX
from engine.core.token_logprobs import token_log_probs


def reference(hidden: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
              labels: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    logits = (hidden.double() @ weight.double().T + (bias.double() if bias is not None else 0)) / temperature
    log_probs = logits - logits.logsumexp(-1, keepdim=True)
    real = labels != IGNORE_INDEX
    picked = log_probs.gather(-1, torch.where(real, labels, 0)[..., None]).squeeze(-1)
    return torch.where(real, picked, torch.zeros_like(picked))


def _inputs(batch: int, length: int, width: int, vocab: int, masked: float, seed: int, with_bias: bool):
    generator = torch.Generator().manual_seed(seed)
    hidden = torch.randn(batch, length, width, generator=generator, dtype=torch.float64)
    weight = torch.randn(vocab, width, generator=generator, dtype=torch.float64) / width ** 0.5
    bias = torch.randn(vocab, generator=generator, dtype=torch.float64) if with_bias else None
    labels = torch.randint(0, vocab, (batch, length), generator=generator)
    labels[torch.rand(batch, length, generator=generator) < masked] = IGNORE_INDEX
    return hidden, weight, bias, labels


@pytest.mark.parametrize("batch,length,width,vocab", [(1, 1, 3, 5), (3, 7, 5, 11), (2, 13, 8, 37)])
@pytest.mark.parametrize("masked", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
@pytest.mark.parametrize("with_bias", [False, True])
def test_value_and_gradient_match_the_float64_reference(batch, length, width, vocab, masked, chunk_size, with_bias):
    hidden, weight, bias, labels = _inputs(batch, length, width, vocab, masked, seed=length * 31 + vocab,
                                           with_bias=with_bias)
    leaves = [t.clone().requires_grad_() for t in (hidden, weight) + ((bias,) if with_bias else ())]
    got = token_log_probs(leaves[0], leaves[1], leaves[2] if with_bias else None, labels, chunk_size=chunk_size)
    reference_leaves = [t.clone().requires_grad_() for t in (hidden, weight) + ((bias,) if with_bias else ())]
    expected = reference(reference_leaves[0], reference_leaves[1], reference_leaves[2] if with_bias else None, labels)
    assert got.dtype == torch.float32 or hidden.dtype == torch.float64
    torch.testing.assert_close(got.double(), expected, rtol=1e-6, atol=1e-6)
    assert bool((got[labels == IGNORE_INDEX] == 0).all())

    upstream = torch.randn(batch, length, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    (got.double() * upstream).sum().backward()
    (expected * upstream).sum().backward()
    for mine, theirs in zip(leaves, reference_leaves):
        if bool((labels == IGNORE_INDEX).all()):
            assert mine.grad is None or bool((mine.grad == 0).all())
        else:
            torch.testing.assert_close(mine.grad, theirs.grad, rtol=1e-6, atol=1e-6)


def test_sequence_sums_are_log_probabilities_of_the_targets():
    hidden, weight, bias, labels = _inputs(2, 6, 4, 9, 0.3, seed=3, with_bias=False)
    per_token = token_log_probs(hidden, weight, None, labels, chunk_size=2)
    assert per_token.shape == (2, 6)
    assert bool((per_token <= 0).all())
    torch.testing.assert_close(per_token.sum(-1).double(), reference(hidden, weight, None, labels).sum(-1))


def test_float32_inputs_agree_with_float64_within_float32_tolerance():
    hidden, weight, bias, labels = _inputs(2, 9, 16, 50, 0.2, seed=5, with_bias=True)
    got = token_log_probs(hidden.float(), weight.float(), bias.float(), labels, chunk_size=5)
    torch.testing.assert_close(got.double(), reference(hidden, weight, bias, labels), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("batch,length,width,vocab", [(1, 1, 3, 5), (3, 7, 5, 11), (2, 13, 8, 37)])
@pytest.mark.parametrize("masked", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
@pytest.mark.parametrize("with_bias", [False, True])
def test_a_frozen_output_layer_gives_the_hidden_states_the_reference_gradient(batch, length, width, vocab, masked,
                                                                             chunk_size, with_bias):
    hidden, weight, bias, labels = _inputs(batch, length, width, vocab, masked, seed=length * 7 + vocab,
                                           with_bias=with_bias)
    mine = hidden.clone().requires_grad_()
    got = token_log_probs(mine, weight, bias, labels, chunk_size=chunk_size)  # weight and bias need no grad
    theirs = hidden.clone().requires_grad_()
    expected = reference(theirs, weight, bias, labels)
    torch.testing.assert_close(got.double(), expected, rtol=1e-6, atol=1e-6)
    upstream = torch.randn(batch, length, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    (got.double() * upstream).sum().backward()
    (expected * upstream).sum().backward()
    if bool((labels == IGNORE_INDEX).all()):
        assert mine.grad is None or bool((mine.grad == 0).all())
    else:
        torch.testing.assert_close(mine.grad, theirs.grad, rtol=1e-6, atol=1e-6)


def test_the_frozen_head_path_is_taken_and_float32_stays_within_tolerance():
    from engine.core.token_logprobs import _FrozenHeadLogProbs

    hidden, weight, bias, labels = _inputs(2, 9, 16, 50, 0.2, seed=5, with_bias=False)
    leaf = hidden.float().requires_grad_()
    got = token_log_probs(leaf, weight.float(), None, labels, chunk_size=5)

    def graph_names(node, seen=()):
        if node is None or node in seen:
            return set()
        names = {type(node).__name__}
        for child, _ in node.next_functions:
            names |= graph_names(child, (*seen, node))
        return names

    assert _FrozenHeadLogProbs.__name__ + "Backward" in graph_names(got.grad_fn)
    torch.testing.assert_close(got.double(), reference(hidden, weight, None, labels), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("temperature", [0.3, 0.7, 2.5])
@pytest.mark.parametrize("frozen_head", [False, True])
@pytest.mark.parametrize("chunk_size", [3, 1000])
def test_log_probs_at_a_sampling_temperature_match_the_float64_reference(temperature, frozen_head, chunk_size):
    # GRPO scores its rollouts at the temperature they were sampled at: log_softmax(logits / T).
    hidden, weight, bias, labels = _inputs(3, 7, 5, 11, 0.3, seed=11, with_bias=True)
    leaves = [t.clone().requires_grad_(not frozen_head or t is hidden) for t in (hidden, weight, bias)]
    got = token_log_probs(leaves[0], leaves[1], leaves[2], labels, chunk_size=chunk_size, temperature=temperature)
    reference_leaves = [t.clone().requires_grad_() for t in (hidden, weight, bias)]
    expected = reference(*reference_leaves, labels, temperature=temperature)
    torch.testing.assert_close(got.double(), expected, rtol=1e-6, atol=1e-6)
    assert not torch.allclose(got.double(), reference(hidden, weight, bias, labels)), "T changes the values"

    upstream = torch.randn(3, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    (got.double() * upstream).sum().backward()
    (expected * upstream).sum().backward()
    for mine, theirs in zip(leaves, reference_leaves):
        if mine.requires_grad:
            torch.testing.assert_close(mine.grad, theirs.grad, rtol=1e-6, atol=1e-6)


def test_a_temperature_that_is_not_positive_is_refused():
    hidden, weight, _, labels = _inputs(1, 2, 3, 5, 0.0, seed=1, with_bias=False)
    with pytest.raises(ValueError, match="temperature must be positive"):
        token_log_probs(hidden, weight, None, labels, chunk_size=4, temperature=0.0)
