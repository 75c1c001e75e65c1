"""Mean field: the variance map, its fixed point, χ and the edge of chaos (REFERENCE.md §5)."""

import math

import numpy as np
import pytest

from explainer import ACTIVATIONS, parse_activation
from explainer.meanfield import (
    activation_moments,
    chi,
    critical_sigma_w,
    fixed_point,
    gradient_curve,
    variance_map,
)


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
