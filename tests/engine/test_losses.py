"""The losses against plain float64 references written out token by token, in value and gradient."""

import itertools
import math
import zlib
from functools import partial

import pytest
import torch

from engine.core.losses import IGNORE_INDEX, causal_lm_loss
from engine.methods.distillation.losses import (
    DistillationSettings,
    distillation_loss,
    forward_kl,
    generalized_jsd,
    reverse_kl,
    skew_forward_kl,
    skew_reverse_kl,
    taid_cross_entropy,
    total_variation,
)

# --- References: one token at a time, probabilities by hand, formulas as the papers write them. ---


def softmax(z):
    e = torch.exp(z - z.max())
    return e / e.sum()


def kl(a, b):
    return (a * (torch.log(a) - torch.log(b))).sum()


def standardized(z):
    mean = z.mean()
    std = torch.sqrt(((z - mean) ** 2).sum() / (len(z) - 1))
    return (z - mean) / (std + 1e-7)


def reference_divergence(name, student_scores, teacher_scores, parameter):
    """D(p, q) for one token, from its logits already standardised and divided by T."""
    q, p = softmax(student_scores), softmax(teacher_scores)
    if name == "forward_kl":
        return kl(p, q)
    if name == "reverse_kl":
        return kl(q, p)
    if name == "jsd":
        if parameter == 0:
            return kl(p, q)
        if parameter == 1:
            return kl(q, p)
        m = parameter * p + (1 - parameter) * q
        return parameter * kl(p, m) + (1 - parameter) * kl(q, m)
    if name == "tvd":
        return 0.5 * (p - q).abs().sum()
    if name == "skew_forward_kl":
        return kl(p, parameter * p + (1 - parameter) * q)
    if name == "skew_reverse_kl":
        return kl(q, (1 - parameter) * p + parameter * q)
    if name == "taid":
        interpolated = softmax((1 - parameter) * student_scores.detach() + parameter * teacher_scores)
        return -(interpolated * torch.log(q)).sum()
    raise AssertionError(name)


def reference_distillation(name, parameter, student, teacher, labels, alpha, temperature, temperature_squared=True,
                           standardize=False, num_tokens=None):
    ce_sum = divergence_sum = student.sum() * 0
    real_tokens = 0
    for position in itertools.product(*(range(size) for size in labels.shape)):
        label = int(labels[position])
        if label == IGNORE_INDEX:
            continue
        real_tokens += 1
        s, t = student[position], teacher[position]
        ce_sum = ce_sum - torch.log(softmax(s)[label])
        if standardize:
            s, t = standardized(s), standardized(t)
        divergence_sum = divergence_sum + reference_divergence(name, s / temperature, t / temperature, parameter)
    divisor = max(num_tokens if num_tokens is not None else real_tokens, 1)
    ce, divergence = ce_sum / divisor, divergence_sum / divisor
    weight = (1 - alpha) * (temperature**2 if temperature_squared else 1)
    return alpha * ce + weight * divergence, ce, divergence


DIVERGENCES = {
    "forward_kl": lambda parameter: forward_kl,
    "reverse_kl": lambda parameter: reverse_kl,
    "jsd": lambda parameter: partial(generalized_jsd, beta=parameter),
    "tvd": lambda parameter: total_variation,
    "skew_forward_kl": lambda parameter: partial(skew_forward_kl, skew=parameter),
    "skew_reverse_kl": lambda parameter: partial(skew_reverse_kl, skew=parameter),
    "taid": lambda parameter: partial(taid_cross_entropy, t=parameter),
}
VARIANTS = [("forward_kl", None), ("reverse_kl", None), ("jsd", 0.1), ("jsd", 0.5), ("jsd", 0.9), ("tvd", None),
            ("skew_forward_kl", 0.1), ("skew_forward_kl", 0.5), ("skew_reverse_kl", 0.1), ("skew_reverse_kl", 0.5),
            ("taid", 0.4), ("taid", 1.0)]
VARIANT_IDS = [f"{name}-{parameter}" for name, parameter in VARIANTS]


def settings_for(name, parameter, alpha=0.3, temperature=2.0, temperature_squared=True, standardize=False):
    return DistillationSettings(DIVERGENCES[name](parameter), alpha=alpha, temperature=temperature,
                                temperature_squared=temperature_squared, standardize=standardize)


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
# alpha, temperature, temperature_squared, standardize
OPTIONS = [(0.0, 1.0, True, False), (0.5, 0.5, True, True), (0.1, 4.0, False, False), (0.7, 1.3, True, True)]


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("shape,vocab", SHAPES)
@pytest.mark.parametrize("mask", MASKS)
def test_every_divergence_matches_its_float64_reference_in_value_and_gradient(name, parameter, shape, vocab, mask):
    seed = zlib.crc32(repr((name, parameter, shape, vocab, mask)).encode())
    alpha, temperature, temperature_squared, standardize = OPTIONS[seed % len(OPTIONS)]
    if standardize and vocab == 2:
        standardize = False  # two logits standardise to +-0.707 whatever they are: no test of anything
    student, teacher, labels = make_inputs(shape, vocab, mask, seed)
    reference_student = student.detach().clone().requires_grad_()

    result = distillation_loss(student, teacher, labels, settings_for(name, parameter, alpha, temperature,
                                                                      temperature_squared, standardize))
    expected = reference_distillation(name, parameter, reference_student, teacher, labels, alpha, temperature,
                                      temperature_squared, standardize)

    for got, want in zip(result, expected):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)
    result.loss.backward()
    expected[0].backward()
    torch.testing.assert_close(student.grad, reference_student.grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("temperature,standardize", [(1.0, False), (0.5, True), (3.0, False)])
def test_the_options_combine_as_documented_for_every_divergence(name, parameter, temperature, standardize):
    student, teacher, labels = make_inputs((4, 5), 9, "random", seed=31)
    reference_student = student.detach().clone().requires_grad_()
    settings = settings_for(name, parameter, alpha=0.4, temperature=temperature, temperature_squared=False,
                            standardize=standardize)

    result = distillation_loss(student, teacher, labels, settings, num_tokens=50)
    expected = reference_distillation(name, parameter, reference_student, teacher, labels, 0.4, temperature, False,
                                      standardize, num_tokens=50)

    for got, want in zip(result, expected):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)
    result.loss.backward()
    expected[0].backward()
    torch.testing.assert_close(student.grad, reference_student.grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype,tolerance", [(torch.float32, 1e-5), (torch.bfloat16, 1e-5)])
@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
def test_low_precision_logits_match_the_reference_on_the_same_rounded_logits(dtype, tolerance, name, parameter):
    student, teacher, labels = make_inputs((3, 6), 13, "random", seed=7, dtype=dtype)

    result = distillation_loss(student, teacher, labels, settings_for(name, parameter, standardize=True))
    expected = reference_distillation(name, parameter, student.detach().double(), teacher.double(), labels, 0.3, 2.0,
                                      standardize=True)

    assert result.loss.dtype == torch.float32
    for got, want in zip(result, expected):
        assert abs(got.item() - want.item()) <= tolerance * max(1.0, abs(want.item()))


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
def test_an_all_masked_batch_gives_zero_loss_and_zero_gradient_not_nan(name, parameter):
    student, teacher, labels = make_inputs((2, 4), 6, "all", seed=3)

    result = distillation_loss(student, teacher, labels, settings_for(name, parameter, standardize=True))
    result.loss.backward()

    assert [value.item() for value in result] == [0.0, 0.0, 0.0]
    assert torch.equal(student.grad, torch.zeros_like(student))


@pytest.mark.parametrize("name,parameter", [v for v in VARIANTS if v[0] != "taid"],
                         ids=[i for i in VARIANT_IDS if not i.startswith("taid")])
@pytest.mark.parametrize("temperature,standardize", [(0.5, False), (1.0, True), (3.0, False)])
def test_identical_teacher_and_student_logits_give_a_zero_divergence_and_gradient(name, parameter, temperature,
                                                                                   standardize):
    student, _, labels = make_inputs((3, 5), 9, "random", seed=11)
    settings = settings_for(name, parameter, alpha=0.0, temperature=temperature, standardize=standardize)

    result = distillation_loss(student, student.detach().clone(), labels, settings)
    result.loss.backward()

    assert abs(result.divergence.item()) < 1e-12
    # TVD's |p - q| has a kink at 0, where autograd takes the zero subgradient.
    assert student.grad.abs().max().item() < 1e-12


def test_taid_on_identical_logits_is_the_entropy_of_the_teacher_with_zero_gradient():
    student, _, labels = make_inputs((3, 5), 9, "none", seed=12)
    settings = settings_for("taid", 0.4, alpha=0.0, temperature=1.0)

    result = distillation_loss(student, student.detach().clone(), labels, settings)
    result.loss.backward()

    probabilities = torch.softmax(student.detach(), -1)
    entropy = -(probabilities * probabilities.log()).sum(-1).mean()
    torch.testing.assert_close(result.divergence, entropy)
    assert student.grad.abs().max().item() < 1e-12


@pytest.mark.parametrize("temperature", [1.0, 2.5])
def test_jsd_at_beta_0_and_1_is_the_forward_and_reverse_kl_and_tends_to_them_scaled_by_beta(temperature):
    student, teacher, labels = make_inputs((4, 3), 8, "random", seed=13)

    def divergence(name, parameter):
        return distillation_loss(student, teacher, labels, settings_for(name, parameter, temperature=temperature))

    torch.testing.assert_close(divergence("jsd", 0.0).divergence, divergence("forward_kl", None).divergence)
    torch.testing.assert_close(divergence("jsd", 1.0).divergence, divergence("reverse_kl", None).divergence)
    # The formula itself vanishes at both ends: beta KL(p||m) + ... ~ beta KL(p||q) as beta -> 0.
    torch.testing.assert_close(divergence("jsd", 1e-7).divergence / 1e-7, divergence("forward_kl", None).divergence,
                               rtol=1e-5, atol=0)
    torch.testing.assert_close(divergence("jsd", 1 - 1e-7).divergence / 1e-7,
                               divergence("reverse_kl", None).divergence, rtol=1e-5, atol=0)


@pytest.mark.parametrize("skewed,plain", [("skew_forward_kl", "forward_kl"), ("skew_reverse_kl", "reverse_kl")])
def test_skew_lambda_zero_is_the_plain_kl_in_value_and_gradient(skewed, plain):
    student, teacher, labels = make_inputs((3, 4), 10, "random", seed=17)
    plain_student = student.detach().clone().requires_grad_()

    skew = distillation_loss(student, teacher, labels, settings_for(skewed, 0.0, standardize=True))
    reference = distillation_loss(plain_student, teacher, labels, settings_for(plain, None, standardize=True))
    skew.loss.backward()
    reference.loss.backward()

    torch.testing.assert_close(skew.loss, reference.loss, rtol=1e-14, atol=0)
    torch.testing.assert_close(student.grad, plain_student.grad, rtol=1e-12, atol=1e-15)


def test_taid_at_t_one_has_the_gradient_of_the_forward_kl_and_at_t_zero_none():
    student, teacher, labels = make_inputs((3, 4), 10, "random", seed=19)
    kl_student = student.detach().clone().requires_grad_()
    frozen_student = student.detach().clone().requires_grad_()

    distillation_loss(student, teacher, labels, settings_for("taid", 1.0)).loss.backward()
    distillation_loss(kl_student, teacher, labels, settings_for("forward_kl", None)).loss.backward()
    distillation_loss(frozen_student, teacher, labels, settings_for("taid", 0.0, alpha=0.0)).loss.backward()

    torch.testing.assert_close(student.grad, kl_student.grad, rtol=1e-12, atol=1e-15)
    assert frozen_student.grad.abs().max().item() < 1e-15


def test_standardised_logits_ignore_each_positions_shift_and_scale():
    student, teacher, labels = make_inputs((2, 5), 7, "random", seed=23)
    shift = torch.randn(2, 5, 1, dtype=torch.float64)
    scale = torch.rand(2, 5, 1, dtype=torch.float64) + 0.5
    settings = settings_for("reverse_kl", None, temperature=2.0, standardize=True)

    original = distillation_loss(student, teacher, labels, settings)
    transformed = distillation_loss(student * scale + shift, teacher * scale - shift, labels, settings)

    # Up to the 1e-7 added to the standard deviation, which does not scale.
    torch.testing.assert_close(transformed.divergence, original.divergence, rtol=1e-6, atol=0)


def test_the_t_squared_switch_only_drops_the_factor_on_the_divergence():
    student, teacher, labels = make_inputs((2, 5), 7, "random", seed=29)

    scaled = distillation_loss(student, teacher, labels, settings_for("tvd", None, alpha=0.2, temperature=3.0))
    unscaled = distillation_loss(student, teacher, labels, settings_for("tvd", None, alpha=0.2, temperature=3.0,
                                                                        temperature_squared=False))

    torch.testing.assert_close(scaled.loss, 0.2 * scaled.ce + 0.8 * 9.0 * scaled.divergence)
    torch.testing.assert_close(unscaled.loss, 0.2 * unscaled.ce + 0.8 * unscaled.divergence)
    torch.testing.assert_close(scaled.divergence, unscaled.divergence)


def test_a_batch_split_in_two_with_the_steps_token_count_adds_up_to_the_whole_batch():
    student, teacher, labels = make_inputs((4, 6), 9, "random", seed=37)
    settings = settings_for("jsd", 0.5)
    step_tokens = int((labels != IGNORE_INDEX).sum())

    whole = distillation_loss(student, teacher, labels, settings)
    halves = [distillation_loss(student[rows], teacher[rows], labels[rows], settings, num_tokens=step_tokens)
              for rows in (slice(0, 1), slice(1, 4))]

    for index in range(3):
        torch.testing.assert_close(halves[0][index] + halves[1][index], whole[index])


def test_alpha_one_is_plain_cross_entropy():
    student, teacher, labels = make_inputs((2, 5), 7, "random", seed=5)

    only_ce = distillation_loss(student, teacher, labels, settings_for("forward_kl", None, alpha=1.0))

    torch.testing.assert_close(only_ce.loss, causal_lm_loss(student, labels))


def test_padding_positions_do_not_change_the_loss_whatever_their_logits():
    student, teacher, labels = make_inputs((2, 6), 5, "trailing padding", seed=9)
    scrambled_student = student.detach().clone()
    scrambled_student[..., -2:, :] = 1e4 * torch.randn(2, 2, 5, dtype=torch.float64)

    for name, parameter in VARIANTS:
        settings = settings_for(name, parameter)
        original = distillation_loss(student, teacher, labels, settings)
        scrambled = distillation_loss(scrambled_student, teacher, labels, settings)
        torch.testing.assert_close(original.loss, scrambled.loss)


def test_causal_lm_loss_is_the_mean_negative_log_likelihood_of_the_real_tokens():
    logits = torch.log(torch.tensor([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]], dtype=torch.float64))
    labels = torch.tensor([[0, 1, IGNORE_INDEX]])

    assert causal_lm_loss(logits, labels).item() == pytest.approx(-(math.log(0.5) + math.log(0.8)) / 2, abs=1e-12)
    assert causal_lm_loss(logits, labels, num_tokens=4).item() == pytest.approx(
        -(math.log(0.5) + math.log(0.8)) / 4, abs=1e-12)


def test_teacher_and_student_logits_of_different_shapes_are_refused_with_the_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3, 5\).*\(2, 3, 6\)"):
        distillation_loss(torch.zeros(2, 3, 5), torch.zeros(2, 3, 6), torch.zeros(2, 3, dtype=torch.long),
                          settings_for("forward_kl", None))
