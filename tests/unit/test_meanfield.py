"""Mean field: the variance map, its fixed point, χ and the edge of chaos (REFERENCE.md §5)."""

import math
import warnings

import numpy as np
import pytest

from explainer import ACTIVATIONS, parse_activation
from explainer.meanfield import (
    activation_moments,
    chi,
    chi_at_fixed_point,
    chi_curve,
    critical_sigma_w,
    edge_of_chaos,
    fixed_point,
    gaussian_expectation,
    gradient_curve,
    variance_map,
)
from explainer.network import critical_line, phase_edge

# Their χ(q*) jumps over 1 where q* jumps from 0 to ∞ (f(0) = 0, 1/f'(0) > √2: two attractors).
JUMPERS = ("gelu", "gelu_tanh", "silu", "mish", "hard_swish")


@pytest.mark.parametrize("sigma_w2", [0.5, 1.0, 2.0, 3.7])
@pytest.mark.parametrize("q", [1e-6, 0.3, 1.0, 25.0, 1e8])
def test_meanfield_chi_for_relu_equals_half_sigma_w_squared_at_every_q(sigma_w2, q):
    assert chi("relu", q, sigma_w2) == pytest.approx(sigma_w2 / 2.0, rel=1e-12)


@pytest.mark.parametrize("sigma_b2", [0.0, 0.05])
@pytest.mark.parametrize("q", [0.1, 1.0, 9.0])
def test_relu_variance_map_halves_the_second_moment_times_sigma_w_squared(sigma_b2, q):
    assert variance_map("relu", q, 2.0, sigma_b2) == pytest.approx(q + sigma_b2, rel=1e-12)


@pytest.mark.parametrize(
    ("sigma_w2", "sigma_b2", "q_star", "chi_star"),
    [(2.0, 0.0, 0.618, 1.106), (1.76, 0.05, 0.569, 0.9998), (0.5, 0.0, 0.0, 0.5)],
)
def test_tanh_fixed_points_and_chi_match_the_published_values(sigma_w2, sigma_b2, q_star, chi_star):
    q = fixed_point("tanh", sigma_w2, sigma_b2)
    assert q == pytest.approx(q_star, abs=1e-3)
    assert chi("tanh", q, sigma_w2) == pytest.approx(chi_star, abs=1e-3)


def test_fixed_point_is_a_fixed_point_of_the_variance_map():
    for key in ("tanh", "sigmoid", "selu", "gelu", "softsign"):
        q = fixed_point(key, 1.5, 0.1)
        assert variance_map(key, q, 1.5, 0.1) == pytest.approx(q, rel=1e-9), key


def test_fixed_point_near_the_critical_point_is_found_by_bracketing_not_left_unconverged():
    # Just above sigma_w = 1 the iteration for tanh approaches q* only algebraically.
    sigma_w2 = 1.0001**2
    q = fixed_point("tanh", sigma_w2)
    assert q > 0.0
    assert variance_map("tanh", q, sigma_w2) == pytest.approx(q, rel=1e-9)


def test_relu_fixed_point_diverges_above_he_and_collapses_below():
    assert fixed_point("relu", 2.5) == math.inf
    assert fixed_point("relu", 1.5) == 0.0
    assert fixed_point("relu", 2.0) == pytest.approx(1.0)


@pytest.mark.parametrize(("key", "expected"), [("relu", math.sqrt(2.0)), ("tanh", 1.0), ("identity", 1.0)])
def test_critical_sigma_w_is_he_for_relu_and_one_for_tanh(key, expected):
    assert critical_sigma_w(key) == pytest.approx(expected, abs=1e-6)


def test_leaky_relu_is_critical_at_pytorchs_gain():
    slope = 0.2
    expected = math.sqrt(2.0 / (1.0 + slope * slope))
    assert critical_sigma_w("leaky_relu", params={"negative_slope": slope}) == pytest.approx(
        expected, abs=1e-6
    )


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_variance_map_and_chi_agree_with_monte_carlo(key):
    act = ACTIVATIONS[key]
    q, sigma_w2, sigma_b2 = 0.8, 1.7, 0.1
    x = math.sqrt(q) * np.random.default_rng(1).standard_normal(1_000_000)
    squares = act.f(x) ** 2
    slopes = act.df(x) ** 2
    tolerance = 5.0 * sigma_w2 / math.sqrt(x.size)
    assert variance_map(key, q, sigma_w2, sigma_b2) == pytest.approx(
        sigma_w2 * squares.mean() + sigma_b2, abs=tolerance * squares.std() + 1e-12
    )
    assert chi(key, q, sigma_w2) == pytest.approx(
        sigma_w2 * slopes.mean(), abs=tolerance * slopes.std() + 1e-12
    )


def test_activation_moments_of_selu_are_the_fixed_point_zero_and_one():
    mean, second, _ = activation_moments("selu")
    assert mean == pytest.approx(0.0, abs=1e-12)
    assert second == pytest.approx(1.0, abs=1e-12)


def test_gradient_curve_multiplies_root_chi_from_the_top_down():
    curve = gradient_curve("tanh", 12, 1.5, 0.02)
    assert list(curve["layer"]) == list(range(1, 13))
    assert curve["grad_log10"].iloc[-1] == 0.0
    steps = curve["grad_log10"].to_numpy()[:-1] - curve["grad_log10"].to_numpy()[1:]
    np.testing.assert_allclose(steps, 0.5 * np.log10(curve["chi"].to_numpy()[1:]), rtol=1e-12)
    np.testing.assert_allclose(curve["preact_std"] ** 2, curve["q"], rtol=1e-12)
    # q_1 comes from unit-variance inputs, then the variance map.
    assert curve["q"].iloc[0] == pytest.approx(1.5 + 0.02)
    assert curve["q"].iloc[1] == pytest.approx(variance_map("tanh", curve["q"].iloc[0], 1.5, 0.02))


def test_gradient_curve_for_relu_at_he_keeps_the_gradient_exactly():
    curve = gradient_curve("relu", 30, 2.0)
    np.testing.assert_allclose(curve["grad_std"], 1.0, rtol=1e-12)


def test_gradient_curve_survives_a_variance_beyond_float64_without_nan():
    curve = gradient_curve("relu", 300, 100.0)  # q grows 50-fold per layer: 1e509 by the top
    assert not curve.isna().any().any()
    assert np.isinf(curve["q"].iloc[-1])
    np.testing.assert_allclose(curve["chi"], 50.0, rtol=1e-12)
    assert np.isfinite(curve["grad_log10"]).all()


def test_a_typed_activation_works_in_the_variance_map():
    typed = parse_activation("tanh(x)")
    assert variance_map(typed, 0.7, 1.3) == pytest.approx(variance_map("tanh", 0.7, 1.3), rel=1e-12)


# --- gaussian_expectation: the range follows the integrand ------------------------------------


@pytest.mark.parametrize("q", [1.0, 25.0, 100.0])
def test_gaussian_expectation_of_exp_is_exp_half_q_even_where_the_mass_lies_beyond_12_sd(q):
    # exp(x) φ peaks at z = √q: at q = 100 a range of |z| <= 12 missed 2.3% of it.
    assert gaussian_expectation(np.exp, q) == pytest.approx(math.exp(q / 2.0), rel=1e-14)


@pytest.mark.parametrize("q", [1e-6, 0.3, 1.0, 100.0, 1e6])
def test_gaussian_expectation_of_x_squared_is_q_and_of_relu_is_exact(q):
    assert gaussian_expectation(np.square, q) == pytest.approx(q, rel=1e-14)
    relu = gaussian_expectation(lambda x: np.maximum(x, 0.0), q)
    assert relu == pytest.approx(math.sqrt(q / (2.0 * math.pi)), rel=1e-14)
    # hard tanh's slope is 1 on |x| < 1: P(|x| < 1), with its kinks at ±1 split on.
    slope = gaussian_expectation(lambda x: (np.abs(x) < 1.0).astype(float), q, kinks=(-1.0, 1.0))
    assert slope == pytest.approx(math.erf(1.0 / math.sqrt(2.0 * q)), rel=1e-13)


def test_gaussian_expectation_is_inf_without_a_warning_where_exp_overflows():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gaussian_expectation(np.exp, 1e4) == math.inf
        assert gaussian_expectation(lambda x: -np.exp(x), 1e4) == -math.inf
        assert gaussian_expectation(np.exp, 1e300) == math.inf


def test_gaussian_expectation_evaluates_every_registered_activation_on_one_range_only():
    # The range grows only for integrands with mass beyond 12 sd: the usual ones cost one call.
    calls = []

    def counted(g):
        def wrapped(x):
            calls.append(x.size)
            return g(x)

        return wrapped

    for act in ACTIVATIONS.values():
        for q in (1e-4, 1.0, 25.0, 1e4):
            calls.clear()
            gaussian_expectation(counted(lambda x, a=act: a.f(x) ** 2), q, act.kinks or (0.0,))
            gaussian_expectation(counted(lambda x, a=act: a.df(x) ** 2), q, act.kinks or (0.0,))
            assert len(calls) == 2, (act.key, q)


# --- the edge of chaos: χ(q*) = 1 where a σ_w is claimed, a jump where it is not --------------


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_chi_at_the_fixed_point_is_one_at_every_claimed_critical_sigma_w(key):
    for claimed in (critical_sigma_w(key), critical_line(key)):
        if claimed is not None:
            q_star, value = chi_at_fixed_point(key, claimed)
            assert value == pytest.approx(1.0, abs=1e-9), (key, claimed, q_star)


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_every_activation_either_crosses_chi_one_or_is_said_to_jump_over_it(key):
    edge = phase_edge(key)
    assert (edge.sigma_w is None) == (key in JUMPERS)
    # χ(q*) changes side of 1 once on a grid, next to the σ_w claimed or the jump.
    curve = chi_curve(key, np.geomspace(0.1, 15.0, 41))
    above = curve["chi"].to_numpy() > 1.0
    flips = np.flatnonzero(above[1:] != above[:-1])
    assert len(flips) == 1
    where = edge.sigma_w if edge.sigma_w is not None else edge.jump_at
    assert curve["sigma_w"].iloc[flips[0]] <= where <= curve["sigma_w"].iloc[flips[0] + 1]


@pytest.mark.parametrize("key", JUMPERS)
def test_gelu_like_chi_jumps_over_one_where_q_star_jumps_from_zero_to_infinity(key):
    act = ACTIVATIONS[key]
    edge = edge_of_chaos(key)
    assert edge.sigma_w is None and critical_sigma_w(key) is None and critical_line(key) is None
    (q_below, chi_below), (q_above, chi_above) = edge.below, edge.above
    assert q_below == 0.0 and q_above == math.inf
    # Independent of the search: χ at q → 0 is σ_w² f'(0)², at q → ∞ σ_w²/2 (f is ReLU there).
    slope0 = float(act.df(np.zeros(1))[0])
    assert chi_below == pytest.approx(edge.jump_at**2 * slope0**2, rel=1e-5)
    assert chi_above == pytest.approx(edge.jump_at**2 / 2.0, rel=1e-5)
    assert chi_below < 0.8 and chi_above > 1.05
    # It is where unit-variance inputs sit on the repelling fixed point: V(σ_w²) = σ_w².
    sigma_w2 = edge.jump_at**2
    assert variance_map(key, sigma_w2, sigma_w2) == pytest.approx(sigma_w2, rel=1e-9)


def test_gelu_jumps_at_1_468_from_chi_0_539_to_1_078():
    edge = edge_of_chaos("gelu")
    assert edge.jump_at == pytest.approx(1.4680, abs=1e-4)
    assert edge.below[1] == pytest.approx(0.5388, abs=1e-4) and edge.above[1] == pytest.approx(
        1.0775, abs=1e-4
    )


def test_softplus_reaches_chi_one_at_root_two_as_q_star_grows_without_bound():
    assert critical_sigma_w("softplus") == pytest.approx(math.sqrt(2.0), rel=1e-12)
    below = chi_curve("softplus", [1.3, 1.4, 1.41])
    assert (below["chi"] < 1.0).all() and below["q_star"].is_monotonic_increasing
