"""GRPO / KDRL / InfAlign math against plain float64 references written here, in value and gradient."""

import math
import statistics

import pytest
import torch

from engine.methods.rl.losses import (
    calibrated_rewards,
    group_advantages,
    grpo_sequence_losses,
    infalign_transform,
    k2_kl,
    k3_kl,
    kd_coefficient,
    kd_weights,
    kdrl_sequence_losses,
    masked_sequence_mean,
)

TOLERANCE = {torch.float32: {"rtol": 1e-5, "atol": 1e-6}, torch.float64: {"rtol": 1e-12, "atol": 1e-12}}


def reference_advantages(rewards: list[list[float]], scale: bool, eps: float) -> list[list[float]]:
    result = []
    for group in rewards:
        mean = sum(group) / len(group)
        spread = statistics.stdev(group) + eps if scale else 1.0
        result.append([(r - mean) / spread for r in group])
    return result


@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("shape", [(1, 2), (3, 4), (2, 7)])
def test_group_advantages_match_the_per_group_formula(shape, scale):
    rewards = torch.randn(*shape, generator=torch.Generator().manual_seed(shape[1]), dtype=torch.float64)
    expected = torch.tensor(reference_advantages(rewards.tolist(), scale, 1e-4), dtype=torch.float64)
    torch.testing.assert_close(group_advantages(rewards, scale=scale, eps=1e-4), expected, rtol=1e-12, atol=1e-12)


def test_group_advantages_have_zero_mean_and_unit_std_in_every_group():
    rewards = torch.tensor([[0.0, 1.0, 1.0, 0.0], [3.0, -1.0, 2.0, 10.0], [0.0, 0.0, 0.0, 1.0]], dtype=torch.float64)
    advantages = group_advantages(rewards, scale=True, eps=1e-8)
    torch.testing.assert_close(advantages.mean(-1), torch.zeros(3, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close(advantages.std(-1), torch.ones(3, dtype=torch.float64), atol=1e-6, rtol=0)
    centred = group_advantages(rewards, scale=False)
    torch.testing.assert_close(centred, rewards - rewards.mean(-1, keepdim=True))


@pytest.mark.parametrize("value", [0.0, 1.0, -3.5, 1e6])
def test_a_group_of_equal_rewards_gets_zero_advantages_not_nan(value):
    rewards = torch.full((2, 4), value)
    rewards[1] = torch.tensor([0.0, 1.0, 0.0, 1.0])
    advantages = group_advantages(rewards, scale=True)
    assert torch.isfinite(advantages).all()
    assert (advantages[0] == 0).all() and (advantages[1] != 0).all()


def test_a_group_of_one_is_refused():
    with pytest.raises(ValueError, match="group_size >= 2"):
        group_advantages(torch.zeros(3, 1))


def random_log_probs(shape, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    return -torch.rand(*shape, generator=generator, dtype=torch.float64).mul(4).to(dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_k3_matches_float64_in_value_and_gradient_and_is_never_negative(dtype):
    log_probs = random_log_probs((3, 5), dtype, 1).requires_grad_()
    reference = random_log_probs((3, 5), dtype, 2)
    k3 = k3_kl(log_probs, reference)
    k3.sum().backward()

    lp, ref = log_probs.detach().double(), reference.double()
    expected = torch.exp(ref - lp) - (ref - lp) - 1
    expected_gradient = 1 - torch.exp(ref - lp)
    torch.testing.assert_close(k3.double(), expected, **TOLERANCE[dtype])
    torch.testing.assert_close(log_probs.grad.double(), expected_gradient, **TOLERANCE[dtype])
    assert (k3 >= 0).all()


def test_k3_is_zero_with_zero_gradient_when_the_policy_is_the_reference():
    log_probs = random_log_probs((2, 6), torch.float32, 3).requires_grad_()
    k3 = k3_kl(log_probs, log_probs.detach().clone())
    k3.sum().backward()
    assert (k3 == 0).all() and (log_probs.grad == 0).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_k2_matches_float64_in_value_and_gradient_with_the_teacher_detached(dtype):
    log_probs = random_log_probs((4, 3), dtype, 4).requires_grad_()
    teacher = random_log_probs((4, 3), dtype, 5).requires_grad_()
    k2 = k2_kl(log_probs, teacher)
    k2.sum().backward()

    lp, t = log_probs.detach().double(), teacher.detach().double()
    torch.testing.assert_close(k2.double(), 0.5 * (t - lp) ** 2, **TOLERANCE[dtype])
    torch.testing.assert_close(log_probs.grad.double(), lp - t, **TOLERANCE[dtype])
    assert teacher.grad is None


def completion_masks(lengths: list[int], width: int) -> torch.Tensor:
    return torch.tensor([[1.0] * n + [0.0] * (width - n) for n in lengths])


def reference_grpo(log_probs, reference, advantages, mask, kl_coef, teacher=None, kd_coef=0.0, kd_weights=None):
    """Plain loops in float64: per sequence (1/n) sum_t [-A + kl_coef k3 (+ w kd_coef k2)], and d/d logp."""
    losses, gradients = [], []
    for i, row in enumerate(mask.tolist()):
        n = max(sum(row), 1)
        total, gradient = 0.0, []
        for t, inside in enumerate(row):
            lp, ref = float(log_probs[i, t]), float(reference[i, t])
            if not inside:
                gradient.append(0.0)
                continue
            k3 = math.exp(ref - lp) - (ref - lp) - 1
            term = -float(advantages[i]) + kl_coef * k3
            d_term = -float(advantages[i]) + kl_coef * (1 - math.exp(ref - lp))
            if teacher is not None:
                w, teach = float(kd_weights[i]), float(teacher[i, t])
                term += w * kd_coef * 0.5 * (teach - lp) ** 2
                d_term += w * kd_coef * (lp - teach)
            total += term
            gradient.append(d_term / n)
        losses.append(total / n)
        gradients.append(gradient)
    return torch.tensor(losses, dtype=torch.float64), torch.tensor(gradients, dtype=torch.float64)


def test_masked_sequence_means_count_only_masked_in_tokens_and_give_zero_for_an_empty_row():
    values = torch.tensor([[1.0, 2.0, 30.0], [4.0, 50.0, 60.0], [7.0, 8.0, 9.0]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0], [0, 0, 0]]).bool()
    assert masked_sequence_mean(values, mask).tolist() == [1.5, 4.0, 0.0]


GRPO_CASES = [
    ([5, 3, 1, 4], 5, 0.04),
    ([1, 7, 2], 7, 0.0),
    ([3, 0, 6, 6, 2], 6, 1.5),  # a row without tokens gives loss 0 and no gradient
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("lengths, width, kl_coef", GRPO_CASES)
def test_the_grpo_loss_matches_float64_in_value_and_gradient_per_token(lengths, width, kl_coef, dtype):
    batch = len(lengths)
    mask = completion_masks(lengths, width).to(dtype)
    log_probs = (random_log_probs((batch, width), dtype, 6) * mask).requires_grad_()
    reference = random_log_probs((batch, width), dtype, 7) * mask
    advantages = torch.randn(batch, generator=torch.Generator().manual_seed(8), dtype=torch.float64).to(dtype)

    losses, kl = grpo_sequence_losses(log_probs, reference, advantages, mask.bool(), kl_coef=kl_coef)
    losses.sum().backward()

    expected, expected_gradient = reference_grpo(log_probs.detach().double(), reference.double(), advantages.double(),
                                                 mask.double(), kl_coef)
    torch.testing.assert_close(losses.double(), expected, **TOLERANCE[dtype])
    torch.testing.assert_close(log_probs.grad.double(), expected_gradient, **TOLERANCE[dtype])
    # With zero advantages and kl_coef 1 the reference loss is the mean k3 per sequence.
    expected_kl, _ = reference_grpo(log_probs.detach().double(), reference.double(),
                                    torch.zeros(batch, dtype=torch.float64), mask.double(), 1.0)
    torch.testing.assert_close(kl.double(), expected_kl, **TOLERANCE[dtype])
    assert not kl.requires_grad


def test_the_grpo_kl_metric_is_the_mean_k3_over_each_completions_tokens():
    mask = completion_masks([2, 3], 3).bool()
    log_probs = torch.tensor([[-1.0, -2.0, 0.0], [-0.5, -0.5, -3.0]])
    reference = torch.tensor([[-1.5, -1.0, 0.0], [-0.5, -1.5, -2.0]])
    _, kl = grpo_sequence_losses(log_probs, reference, torch.zeros(2), mask, kl_coef=0.0)

    def k3(lp: float, ref: float) -> float:
        return math.exp(ref - lp) - (ref - lp) - 1

    expected = [(k3(-1, -1.5) + k3(-2, -1)) / 2, (k3(-0.5, -0.5) + k3(-0.5, -1.5) + k3(-3, -2)) / 3]
    torch.testing.assert_close(kl.double(), torch.tensor(expected, dtype=torch.float64), rtol=1e-6, atol=1e-7)


def test_with_the_policy_as_reference_the_grpo_loss_is_minus_the_mean_advantage_and_kl_is_zero():
    mask = completion_masks([2, 4, 1], 4).bool()
    log_probs = random_log_probs((3, 4), torch.float32, 9)
    advantages = torch.tensor([1.0, -0.5, -0.5])
    losses, kl = grpo_sequence_losses(log_probs, log_probs.clone(), advantages, mask, kl_coef=0.5)
    torch.testing.assert_close(losses, -advantages)
    assert (kl == 0).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_kdrl_loss_adds_the_masked_k2_term_in_value_and_gradient(dtype):
    lengths, width = [4, 1, 3, 2], 4
    mask = completion_masks(lengths, width).to(dtype)
    log_probs = (random_log_probs((4, width), dtype, 10) * mask).requires_grad_()
    reference = random_log_probs((4, width), dtype, 11) * mask
    teacher = random_log_probs((4, width), dtype, 12) * mask
    advantages = torch.tensor([0.5, -1.0, 1.5, -1.0], dtype=dtype)
    weights = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=dtype)

    losses, _, teacher_kl = kdrl_sequence_losses(log_probs, reference, teacher, advantages, mask.bool(), weights,
                                                  kl_coef=0.04, kd_coef=0.3)
    losses.sum().backward()

    args = (log_probs.detach().double(), reference.double(), advantages.double(), mask.double(), 0.04)
    expected, expected_gradient = reference_grpo(*args, teacher=teacher.double(), kd_coef=0.3, kd_weights=weights)
    torch.testing.assert_close(losses.double(), expected, **TOLERANCE[dtype])
    torch.testing.assert_close(log_probs.grad.double(), expected_gradient, **TOLERANCE[dtype])
    k2 = 0.5 * (teacher.double() - log_probs.detach().double()) ** 2
    expected_teacher_kl = (k2 * mask.double()).sum(-1) / mask.double().sum(-1)
    torch.testing.assert_close(teacher_kl.double(), expected_teacher_kl, **TOLERANCE[dtype])


def test_the_kd_coefficient_decays_linearly_from_start_to_its_floor():
    coefficients = [kd_coefficient(step, start=5e-3, end=1e-3, decay=5e-5) for step in (1, 2, 3, 41, 80, 81, 82, 1000)]
    assert coefficients == pytest.approx([5e-3, 4.95e-3, 4.9e-3, 3e-3, 1.05e-3, 1e-3, 1e-3, 1e-3], abs=1e-15)
    assert kd_coefficient(7, start=0.2, end=0.2, decay=0.1) == 0.2
    assert kd_coefficient(7, start=0.2, end=0.0, decay=0.0) == 0.2


def test_kd_masks_select_all_incorrect_completions_or_all_wrong_groups():
    correct = torch.tensor([[True, False, False], [False, False, False], [True, True, True]])
    assert kd_weights(correct, "none").tolist() == [[1.0] * 3] * 3
    assert kd_weights(correct, "incorrect_only").tolist() == [[0, 1, 1], [1, 1, 1], [0, 0, 0]]
    assert kd_weights(correct, "all_wrong_groups").tolist() == [[0, 0, 0], [1, 1, 1], [0, 0, 0]]
    with pytest.raises(ValueError, match="unknown kd_mask 'some'"):
        kd_weights(correct, "some")


def test_calibrated_rewards_are_mid_ranks_among_the_reference_rewards():
    reference = torch.tensor([0.0, 1.0, 1.0, 2.0, 5.0])
    policy = torch.tensor([-1.0, 0.0, 1.0, 1.5, 2.0, 5.0, 9.0])
    # C = (#below + 0.5 #equal) / 5
    expected = [0.0, 0.5 / 5, (1 + 1.0) / 5, 3 / 5, (3 + 0.5) / 5, (4 + 0.5) / 5, 1.0]
    assert calibrated_rewards(policy, reference).tolist() == pytest.approx(expected, abs=1e-15)
    assert calibrated_rewards(torch.ones(2, 3), torch.ones(4)).tolist() == [[0.5] * 3] * 2


def test_binary_rewards_calibrate_by_the_reference_success_rate():
    reference = torch.tensor([1.0, 0.0, 0.0, 0.0])  # the reference solves the prompt a quarter of the time
    c_right, c_wrong = calibrated_rewards(torch.tensor([1.0, 0.0]), reference).tolist()
    assert (c_right, c_wrong) == pytest.approx((0.75 + 0.125, 0.375))


@pytest.mark.parametrize("mode", ["best_of_n", "worst_of_n"])
@pytest.mark.parametrize("t", [0.5, 1.0, 4.0])
def test_the_infalign_transforms_are_the_stated_exponentials_and_rise_with_c(mode, t):
    calibrated = torch.linspace(0, 1, 11, dtype=torch.float64)
    transformed = infalign_transform(calibrated, t=t, mode=mode)
    expected = [math.exp(t * c) if mode == "best_of_n" else -math.exp(-t * c) for c in calibrated.tolist()]
    assert transformed.tolist() == pytest.approx(expected, rel=1e-14)
    assert (transformed.diff() > 0).all()
    with pytest.raises(ValueError, match="unknown transform_mode"):
        infalign_transform(calibrated, t=t, mode="median_of_n")


def test_transformed_rewards_change_the_group_advantages_as_the_transform_says():
    # Best-of-N stretches the top of the calibrated range, worst-of-N the bottom.
    calibrated = torch.tensor([[0.1, 0.5, 0.9]], dtype=torch.float64)
    best = group_advantages(infalign_transform(calibrated, t=4.0, mode="best_of_n"), scale=False)
    worst = group_advantages(infalign_transform(calibrated, t=4.0, mode="worst_of_n"), scale=False)
    assert best[0, 2] - best[0, 1] > best[0, 1] - best[0, 0]
    assert worst[0, 1] - worst[0, 0] > worst[0, 2] - worst[0, 1]
