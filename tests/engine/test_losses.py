"""The losses against plain float64 references written out token by token, in value and gradient."""

import itertools
import math
import zlib

import pytest
import torch

from engine.losses import IGNORE_INDEX, causal_lm_loss, forward_kl_distillation_loss


def reference_distillation(student, teacher, labels, alpha, temperature):
    """Hinton et al. 2015 written the slow, obvious way: one token at a time, softmax by hand."""
    ce_sum = student.new_zeros(())
    kl_sum = student.new_zeros(())
    real_tokens = 0
    for position in itertools.product(*(range(size) for size in labels.shape)):
        label = int(labels[position])
        if label == IGNORE_INDEX:
            continue
        real_tokens += 1
        s, t = student[position], teacher[position]
        log_q = s / temperature - torch.log(torch.exp(s / temperature).sum())
        p = torch.exp(t / temperature) / torch.exp(t / temperature).sum()
        kl_sum = kl_sum + sum(p[v] * (torch.log(p[v]) - log_q[v]) for v in range(len(p)))
        ce_sum = ce_sum - (s[label] - torch.log(torch.exp(s).sum()))
    if real_tokens == 0:
        return student.sum() * 0, student.sum() * 0, student.sum() * 0
    ce, kl = ce_sum / real_tokens, kl_sum / real_tokens
    return alpha * ce + (1 - alpha) * temperature**2 * kl, ce, kl


def make_inputs(shape, vocab, mask, seed, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    student = (3 * torch.randn(*shape, vocab, generator=generator, dtype=torch.float64)).to(dtype)
    teacher = (3 * torch.randn(*shape, vocab, generator=generator, dtype=torch.float64)).to(dtype)
    labels = torch.randint(0, vocab, shape, generator=generator)
    if mask == "random":
        labels[torch.rand(shape, generator=generator) < 0.4] = IGNORE_INDEX
    elif mask == "all":
        labels[...] = IGNORE_INDEX
    elif mask == "trailing padding":
        labels[..., -2:] = IGNORE_INDEX
    return student.requires_grad_(), teacher, labels


SHAPES = [((1, 1), 2), ((2, 3), 5), ((3, 7), 11), ((5,), 3), ((2, 1, 4), 7)]
MASKS = ["none", "random", "trailing padding"]


@pytest.mark.parametrize("shape,vocab", SHAPES)
@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("alpha,temperature", [(0.0, 1.0), (1.0, 2.0), (0.5, 0.5), (0.1, 4.0), (0.7, 1.3)])
def test_distillation_loss_matches_the_float64_reference_in_value_and_gradient(shape, vocab, mask, alpha, temperature):
    student, teacher, labels = make_inputs(shape, vocab, mask, seed=zlib.crc32(repr((shape, vocab, mask)).encode()))
    reference_student = student.detach().clone().requires_grad_()

    result = forward_kl_distillation_loss(student, teacher, labels, alpha=alpha, temperature=temperature)
    expected = reference_distillation(reference_student, teacher, labels, alpha, temperature)

    for got, want in zip(result, expected):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)
    result.loss.backward()
    expected[0].backward()
    torch.testing.assert_close(student.grad, reference_student.grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype,tolerance", [(torch.float32, 1e-5), (torch.bfloat16, 1e-5)])
def test_distillation_loss_in_low_precision_matches_the_reference_on_the_same_rounded_logits(dtype, tolerance):
    student, teacher, labels = make_inputs((3, 6), 13, "random", seed=7, dtype=dtype)

    result = forward_kl_distillation_loss(student, teacher, labels, alpha=0.3, temperature=2.0)
    expected = reference_distillation(student.detach().double(), teacher.double(), labels, 0.3, 2.0)

    assert result.loss.dtype == torch.float32
    for got, want in zip(result, expected):
        assert abs(got.item() - want.item()) <= tolerance * max(1.0, abs(want.item()))


def test_an_all_masked_batch_gives_zero_loss_and_zero_gradient_not_nan():
    student, teacher, labels = make_inputs((2, 4), 6, "all", seed=3)

    result = forward_kl_distillation_loss(student, teacher, labels, alpha=0.5, temperature=2.0)
    result.loss.backward()

    assert result.loss.item() == 0.0 and result.ce.item() == 0.0 and result.kl.item() == 0.0
    assert torch.equal(student.grad, torch.zeros_like(student))


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0])
def test_identical_teacher_and_student_logits_give_a_zero_kl_term(temperature):
    student, _, labels = make_inputs((3, 5), 9, "random", seed=11)

    result = forward_kl_distillation_loss(student, student.detach().clone(), labels, alpha=0.25, temperature=temperature)

    assert abs(result.kl.item()) < 1e-12
    torch.testing.assert_close(result.loss, 0.25 * result.ce)


def test_alpha_one_is_plain_cross_entropy_and_alpha_zero_is_pure_scaled_kl():
    student, teacher, labels = make_inputs((2, 5), 7, "random", seed=5)

    only_ce = forward_kl_distillation_loss(student, teacher, labels, alpha=1.0, temperature=3.0)
    only_kl = forward_kl_distillation_loss(student, teacher, labels, alpha=0.0, temperature=3.0)

    torch.testing.assert_close(only_ce.loss, causal_lm_loss(student, labels))
    torch.testing.assert_close(only_kl.loss, 9.0 * only_kl.kl)


def test_padding_positions_do_not_change_the_loss_whatever_their_logits():
    student, teacher, labels = make_inputs((2, 6), 5, "trailing padding", seed=9)
    scrambled_student = student.detach().clone()
    scrambled_student[..., -2:, :] = 1e4 * torch.randn(2, 2, 5, dtype=torch.float64)

    original = forward_kl_distillation_loss(student, teacher, labels, alpha=0.5, temperature=2.0)
    scrambled = forward_kl_distillation_loss(scrambled_student, teacher, labels, alpha=0.5, temperature=2.0)

    torch.testing.assert_close(original.loss, scrambled.loss)


def test_causal_lm_loss_is_the_mean_negative_log_likelihood_of_the_real_tokens():
    logits = torch.log(torch.tensor([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]], dtype=torch.float64))
    labels = torch.tensor([[0, 1, IGNORE_INDEX]])

    assert causal_lm_loss(logits, labels).item() == pytest.approx(-(math.log(0.5) + math.log(0.8)) / 2, abs=1e-12)


def test_teacher_and_student_logits_of_different_shapes_are_refused_with_the_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3, 5\).*\(2, 3, 6\)"):
        forward_kl_distillation_loss(torch.zeros(2, 3, 5), torch.zeros(2, 3, 6), torch.zeros(2, 3, dtype=torch.long),
                                     alpha=0.5, temperature=1.0)
