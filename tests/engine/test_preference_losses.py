"""Preference losses against plain float64 references written here: values, gradients, limits, BCO's delta."""

import math
from functools import partial

import pytest
import torch

from engine.methods.preference.losses import (
    BCODelta,
    bco_loss,
    conservative_dpo_loss,
    dpo_loss,
    f_dpo_loss,
    hinge_loss,
    ipo_loss,
    robust_dpo_loss,
    simpo_loss,
)


def log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


# Plain per-pair references on Python floats (float64), straight from the papers' formulas.

def ref_dpo(pc, pr, rc, rr, beta):
    return -log_sigmoid(beta * ((pc - rc) - (pr - rr)))


def ref_ipo(pc, pr, rc, rr, lc, lr, beta):
    h = (pc - rc) / lc - (pr - rr) / lr
    return (h - 1 / (2 * beta)) ** 2


def ref_hinge(pc, pr, rc, rr, beta):
    return max(0.0, 1 - beta * ((pc - rc) - (pr - rr)))


def ref_conservative(pc, pr, rc, rr, beta, eps):
    h = (pc - rc) - (pr - rr)
    return (1 - eps) * -log_sigmoid(beta * h) + eps * -log_sigmoid(-beta * h)


def ref_robust(pc, pr, rc, rr, beta, eps):
    h = (pc - rc) - (pr - rr)
    return ((1 - eps) * -log_sigmoid(beta * h) - eps * -log_sigmoid(-beta * h)) / (1 - 2 * eps)


def ref_f_prime(log_u, divergence, alpha):
    u = math.exp(log_u)
    if divergence == "reverse_kl":
        return math.log(u) + 1
    if divergence == "forward_kl":
        return -1 / u
    if divergence == "js_divergence":
        return math.log(2 * u / (1 + u))
    return (1 - u ** -alpha) / alpha


def ref_f_dpo(pc, pr, rc, rr, beta, divergence, alpha):
    return -log_sigmoid(beta * (ref_f_prime(pc - rc, divergence, alpha) - ref_f_prime(pr - rr, divergence, alpha)))


def ref_simpo(pc, pr, lc, lr, beta, gamma):
    return -log_sigmoid(beta * (pc / lc - pr / lr) - gamma)


def ref_bco(pc, pr, rc, rr, beta, delta):
    return (-log_sigmoid(beta * (pc - rc) - delta) - log_sigmoid(-(beta * (pr - rr) - delta))) / 2


def numerical_gradient(function, values, index, step=1e-6):
    """d function / d values[index] by central differences (float64)."""
    up, down = list(values), list(values)
    up[index] += step
    down[index] -= step
    return (function(*up) - function(*down)) / (2 * step)


def pairs(seed: int, count: int = 7):
    """Awkward log-probabilities: long and short responses, policy close to and far from the reference."""
    generator = torch.Generator().manual_seed(seed)
    lengths_chosen = torch.randint(1, 40, (count,), generator=generator).double()
    lengths_rejected = torch.randint(1, 40, (count,), generator=generator).double()
    reference_chosen = -lengths_chosen * (1 + 3 * torch.rand(count, generator=generator, dtype=torch.float64))
    reference_rejected = -lengths_rejected * (1 + 3 * torch.rand(count, generator=generator, dtype=torch.float64))
    drift = torch.tensor([0.0, 1e-4, 0.5, -0.5, 3.0, -3.0, 8.0], dtype=torch.float64)[:count]
    policy_chosen = reference_chosen + drift * torch.rand(count, generator=generator, dtype=torch.float64)
    policy_rejected = reference_rejected - drift * torch.rand(count, generator=generator, dtype=torch.float64)
    return policy_chosen, policy_rejected, reference_chosen, reference_rejected, lengths_chosen, lengths_rejected


def check_against_reference(loss_of_policy, reference_of_pair, policy_chosen, policy_rejected, *, tolerance=1e-9):
    """The loss's values and its gradients w.r.t. both policy log-probabilities, pair by pair."""
    chosen = policy_chosen.clone().requires_grad_()
    rejected = policy_rejected.clone().requires_grad_()
    losses = loss_of_policy(chosen, rejected).losses
    losses.sum().backward()
    losses = losses.detach()
    for pair in range(len(policy_chosen)):
        inputs = [float(policy_chosen[pair]), float(policy_rejected[pair])]
        expected = reference_of_pair(pair, *inputs)
        assert float(losses[pair]) == pytest.approx(expected, rel=tolerance, abs=tolerance), f"pair {pair} value"
        for index, gradient in enumerate((chosen.grad, rejected.grad)):
            expected_gradient = numerical_gradient(partial(reference_of_pair, pair), inputs, index)
            assert float(gradient[pair]) == pytest.approx(expected_gradient, rel=1e-5, abs=1e-7), \
                f"pair {pair} gradient {index}"


@pytest.mark.parametrize("beta", [0.01, 0.1, 1.0, 5.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_dpo_matches_the_reference_in_value_and_gradient(beta, seed):
    pc, pr, rc, rr, _, _ = pairs(seed)
    check_against_reference(lambda c, r: dpo_loss(c, r, rc, rr, beta=beta),
                            lambda i, c, r: ref_dpo(c, r, float(rc[i]), float(rr[i]), beta), pc, pr)


@pytest.mark.parametrize("beta", [0.05, 0.1, 1.0])
@pytest.mark.parametrize("seed", [0, 3])
def test_ipo_matches_the_length_normalised_reference(beta, seed):
    pc, pr, rc, rr, lc, lr = pairs(seed)
    check_against_reference(
        lambda c, r: ipo_loss(c, r, rc, rr, lc, lr, beta=beta),
        lambda i, c, r: ref_ipo(c, r, float(rc[i]), float(rr[i]), float(lc[i]), float(lr[i]), beta), pc, pr,
        tolerance=1e-8)


@pytest.mark.parametrize("beta", [0.1, 1.0, 4.0])
def test_hinge_matches_the_reference(beta):
    pc, pr, rc, rr, _, _ = pairs(5)
    # The hinge's kink (beta h = 1) is avoided: the numerical gradient is undefined there.
    check_against_reference(lambda c, r: hinge_loss(c, r, rc, rr, beta=beta),
                            lambda i, c, r: ref_hinge(c, r, float(rc[i]), float(rr[i]), beta), pc, pr)


@pytest.mark.parametrize("beta", [0.1, 1.0])
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.25, 0.45])
def test_conservative_and_robust_dpo_match_their_references(beta, eps):
    pc, pr, rc, rr, _, _ = pairs(2)
    check_against_reference(lambda c, r: conservative_dpo_loss(c, r, rc, rr, beta=beta, label_smoothing=eps),
                            lambda i, c, r: ref_conservative(c, r, float(rc[i]), float(rr[i]), beta, eps), pc, pr)
    check_against_reference(lambda c, r: robust_dpo_loss(c, r, rc, rr, beta=beta, label_smoothing=eps),
                            lambda i, c, r: ref_robust(c, r, float(rc[i]), float(rr[i]), beta, eps), pc, pr,
                            tolerance=1e-8)


@pytest.mark.parametrize("divergence,alpha", [("reverse_kl", 0.5), ("forward_kl", 0.5), ("js_divergence", 0.5),
                                              ("alpha_divergence", 0.1), ("alpha_divergence", 0.5),
                                              ("alpha_divergence", 0.9)])
@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_f_dpo_matches_the_reference_for_every_divergence(divergence, alpha, beta):
    pc, pr, rc, rr, _, _ = pairs(4, count=6)  # drifts up to 3: inside the exponent cap
    check_against_reference(
        lambda c, r: f_dpo_loss(c, r, rc, rr, beta=beta, divergence=divergence, alpha=alpha),
        lambda i, c, r: ref_f_dpo(c, r, float(rc[i]), float(rr[i]), beta, divergence, alpha), pc, pr,
        tolerance=1e-8)


@pytest.mark.parametrize("beta,gamma", [(2.0, 1.0), (2.5, 0.0), (0.5, 3.0)])
def test_simpo_matches_the_reference(beta, gamma):
    pc, pr, _, _, lc, lr = pairs(6)
    check_against_reference(lambda c, r: simpo_loss(c, r, lc, lr, beta=beta, gamma=gamma),
                            lambda i, c, r: ref_simpo(c, r, float(lc[i]), float(lr[i]), beta, gamma), pc, pr)


@pytest.mark.parametrize("beta,delta", [(0.1, 0.0), (0.1, 0.3), (1.0, -2.0)])
def test_bco_matches_the_reference(beta, delta):
    pc, pr, rc, rr, _, _ = pairs(7)
    check_against_reference(lambda c, r: bco_loss(c, r, rc, rr, beta=beta, delta=delta),
                            lambda i, c, r: ref_bco(c, r, float(rc[i]), float(rr[i]), beta, delta), pc, pr)


@pytest.mark.parametrize("beta", [0.1, 2.0])
def test_f_dpo_with_reverse_kl_is_dpo(beta):
    pc, pr, rc, rr, _, _ = pairs(8)
    torch.testing.assert_close(f_dpo_loss(pc, pr, rc, rr, beta=beta, divergence="reverse_kl").losses,
                               dpo_loss(pc, pr, rc, rr, beta=beta).losses, rtol=1e-12, atol=1e-12)


def test_the_alpha_divergence_tends_to_reverse_kl_near_0_and_to_forward_kl_near_1():
    pc, pr, rc, rr, _, _ = pairs(9, count=6)
    dpo = dpo_loss(pc, pr, rc, rr, beta=0.5).losses
    forward = f_dpo_loss(pc, pr, rc, rr, beta=0.5, divergence="forward_kl").losses
    torch.testing.assert_close(f_dpo_loss(pc, pr, rc, rr, beta=0.5, divergence="alpha_divergence", alpha=1e-6).losses,
                               dpo, rtol=1e-4, atol=1e-5)
    # f'(u) = (1 - u^-alpha)/alpha -> 1 - 1/u at alpha = 1: forward KL's -1/u up to a constant.
    torch.testing.assert_close(
        f_dpo_loss(pc, pr, rc, rr, beta=0.5, divergence="alpha_divergence", alpha=1 - 1e-6).losses,
        forward, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("loss", ["dpo", "cdpo", "rdpo", "f_dpo_js", "f_dpo_forward", "bco"])
@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_a_policy_equal_to_the_reference_gives_log_2_and_zero_rewards(loss, beta):
    pc, pr, _, _, _, _ = pairs(10)
    computed = {
        "dpo": lambda: dpo_loss(pc, pr, pc, pr, beta=beta),
        "cdpo": lambda: conservative_dpo_loss(pc, pr, pc, pr, beta=beta, label_smoothing=0.2),
        "rdpo": lambda: robust_dpo_loss(pc, pr, pc, pr, beta=beta, label_smoothing=0.2),
        "f_dpo_js": lambda: f_dpo_loss(pc, pr, pc, pr, beta=beta, divergence="js_divergence"),
        "f_dpo_forward": lambda: f_dpo_loss(pc, pr, pc, pr, beta=beta, divergence="forward_kl"),
        "bco": lambda: bco_loss(pc, pr, pc, pr, beta=beta, delta=0.0),
    }[loss]()
    torch.testing.assert_close(computed.losses, torch.full_like(pc, math.log(2)), rtol=1e-12, atol=1e-12)
    assert (computed.chosen_rewards == 0).all() and (computed.rejected_rewards == 0).all()


def test_robust_dpo_with_no_label_noise_is_dpo():
    pc, pr, rc, rr, _, _ = pairs(11)
    torch.testing.assert_close(robust_dpo_loss(pc, pr, rc, rr, beta=0.3, label_smoothing=0.0).losses,
                               dpo_loss(pc, pr, rc, rr, beta=0.3).losses, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(conservative_dpo_loss(pc, pr, rc, rr, beta=0.3, label_smoothing=0.0).losses,
                               dpo_loss(pc, pr, rc, rr, beta=0.3).losses, rtol=1e-12, atol=1e-12)


def test_ipo_and_simpo_hand_computed_cases():
    def one(value):
        return torch.tensor([value], dtype=torch.float64)

    # IPO: chosen log-ratio +2 over 4 tokens (0.5/token), rejected -1 over 2 tokens (-0.5/token): h = 1;
    # beta = 0.25 -> target 1/(2 beta) = 2, loss (1 - 2)^2 = 1; rewards beta * summed log-ratio.
    ipo = ipo_loss(one(-10.0), one(-6.0), one(-12.0), one(-5.0), one(4.0), one(2.0), beta=0.25)
    assert float(ipo.losses) == pytest.approx(1.0)
    assert (float(ipo.chosen_rewards), float(ipo.rejected_rewards)) == pytest.approx((0.5, -0.25))
    # SimPO: averages -1 (chosen, -3 over 3) and -2 (rejected, -8 over 4); beta 2, gamma 1:
    # -log sigmoid(2 * 1 - 1) = log(1 + e^-1).
    simpo = simpo_loss(one(-3.0), one(-8.0), one(3.0), one(4.0), beta=2.0, gamma=1.0)
    assert float(simpo.losses) == pytest.approx(math.log(1 + math.exp(-1)))
    assert (float(simpo.chosen_rewards), float(simpo.rejected_rewards)) == pytest.approx((-2.0, -4.0))
    # Hinge: margin h = 3, beta = 0.5 -> relu(1 - 1.5) = 0, and no gradient.
    chosen = one(-1.0).requires_grad_()
    hinge = hinge_loss(chosen, one(-5.0), one(-2.0), one(-3.0), beta=0.5)
    hinge.losses.sum().backward()
    assert float(hinge.losses.detach()) == 0.0 and float(chosen.grad) == 0.0


def test_f_dpo_exponentials_are_capped_so_a_far_drifted_policy_gives_a_finite_loss_and_gradient():
    chosen = torch.tensor([-500.0], dtype=torch.float32, requires_grad=True)
    out = f_dpo_loss(chosen, torch.tensor([-1.0]), torch.tensor([-1.0]), torch.tensor([-1.0]), beta=0.1,
                     divergence="forward_kl")
    out.losses.sum().backward()
    assert torch.isfinite(out.losses).all() and torch.isfinite(chosen.grad).all()


def ref_f_dpo_gradient(pc, pr, rc, rr, beta, divergence, alpha):
    """Analytic d loss / d (pc, pr) in float64: central differences cancel catastrophically on a loss of e^100."""
    rate = 1.0 if divergence == "forward_kl" else alpha
    x = beta * (ref_f_prime(pc - rc, divergence, alpha) - ref_f_prime(pr - rr, divergence, alpha))
    weight = 1 / (1 + math.exp(x)) if x > -700 else 1.0  # sigmoid(-x) = -d(-log sigmoid(x))/dx
    return -weight * beta * math.exp(-rate * (pc - rc)), weight * beta * math.exp(-rate * (pr - rr))


@pytest.mark.parametrize("log_ratio", [-25.0, -100.0, 100.0])
@pytest.mark.parametrize("divergence,alpha", [("forward_kl", 0.5), ("alpha_divergence", 0.5)])
def test_f_dpo_is_exact_in_value_and_gradient_far_from_the_reference(log_ratio, divergence, alpha):
    # A chosen log-ratio of -25 or -100 nats used to hit an exponent cap of 20: zero gradient.
    values = {"pc": -30.0 + log_ratio, "pr": -40.5, "rc": -30.0, "rr": -40.0}
    chosen = torch.tensor([values["pc"]], dtype=torch.float64, requires_grad=True)
    rejected = torch.tensor([values["pr"]], dtype=torch.float64, requires_grad=True)
    out = f_dpo_loss(chosen, rejected, torch.tensor([values["rc"]], dtype=torch.float64),
                     torch.tensor([values["rr"]], dtype=torch.float64), beta=0.1, divergence=divergence, alpha=alpha)
    out.losses.sum().backward()
    assert float(out.losses.detach()) == pytest.approx(ref_f_dpo(**values, beta=0.1, divergence=divergence,
                                                                 alpha=alpha), rel=1e-12)
    expected = ref_f_dpo_gradient(**values, beta=0.1, divergence=divergence, alpha=alpha)
    assert (float(chosen.grad), float(rejected.grad)) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert float(chosen.grad) != 0.0


def test_f_dpo_in_float32_keeps_the_gradient_of_a_chosen_response_25_nats_below_the_reference():
    chosen = torch.tensor([-26.0], requires_grad=True)
    out = f_dpo_loss(chosen, torch.tensor([-1.5]), torch.tensor([-1.0]), torch.tensor([-1.0]), beta=0.1,
                     divergence="forward_kl")
    out.losses.sum().backward()
    expected = ref_f_dpo(-26.0, -1.5, -1.0, -1.0, 0.1, "forward_kl", 0.5)
    assert float(out.losses.detach()) == pytest.approx(expected, rel=1e-5)
    expected_gradient = numerical_gradient(lambda c: ref_f_dpo(c, -1.5, -1.0, -1.0, 0.1, "forward_kl", 0.5),
                                           [-26.0], 0)
    assert float(chosen.grad) == pytest.approx(expected_gradient, rel=1e-4)


@pytest.mark.parametrize("dtype,tolerance", [(torch.float16, 2e-3), (torch.bfloat16, 2e-2), (torch.float32, 1e-6)])
def test_f_dpo_in_a_narrow_dtype_is_exact_within_its_range(dtype, tolerance):
    values = [torch.tensor([value], dtype=dtype) for value in (-4.0, -2.5, -1.0, -2.0)]
    losses = f_dpo_loss(*values, beta=0.5, divergence="forward_kl").losses
    assert float(losses) == pytest.approx(ref_f_dpo(-4.0, -2.5, -1.0, -2.0, 0.5, "forward_kl", 0.5), rel=tolerance)


def test_f_dpo_far_beyond_the_float32_range_still_pulls_the_policy_back():
    chosen = torch.tensor([-500.0], requires_grad=True)
    f_dpo_loss(chosen, torch.tensor([-1.0]), torch.tensor([-1.0]), torch.tensor([-1.0]), beta=0.1,
               divergence="forward_kl").losses.sum().backward()
    assert torch.isfinite(chosen.grad).all() and float(chosen.grad) < 0


def test_alpha_outside_0_1_is_refused():
    value = torch.zeros(1)
    with pytest.raises(ValueError, match=r"alpha in \(0, 1\)"):
        f_dpo_loss(value, value, value, value, beta=0.1, divergence="alpha_divergence", alpha=1.0)


def test_bco_delta_is_the_count_weighted_mean_of_all_rewards_including_the_current_batch():
    delta = BCODelta()
    assert delta.update(torch.tensor([1.0, 3.0]), torch.tensor([-1.0, 1.0])) == pytest.approx(1.0)
    # Second batch: 1 pair (2 samples) with rewards 4 and 6 -> (4 * 1.0 + 10) / 6.
    assert delta.update(torch.tensor([4.0]), torch.tensor([6.0])) == pytest.approx(14 / 6)
    assert (delta.count, delta.value) == (6, pytest.approx(14 / 6))
    # An empty batch changes nothing; the value is read without updating (evaluation).
    assert delta.update(torch.tensor([]), torch.tensor([])) == pytest.approx(14 / 6)
    assert delta.count == 6


def test_bco_delta_ignores_gradients_and_matches_a_float64_running_mean_over_many_batches():
    generator = torch.Generator().manual_seed(0)
    delta = BCODelta()
    everything = []
    for size in (1, 5, 2, 8, 3):
        chosen = torch.randn(size, generator=generator, requires_grad=True)
        rejected = torch.randn(size, generator=generator)
        everything += chosen.tolist() + rejected.tolist()
        delta.update(chosen, rejected)
        assert delta.value == pytest.approx(sum(everything) / len(everything), rel=1e-12)
