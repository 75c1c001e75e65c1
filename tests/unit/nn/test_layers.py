"""The shared layer arithmetic: batch norm forward and backward against its definition and central
differences, also where squares overflow, and a standard deviation that survives overflow."""

import math

import numpy as np
import pytest

from explainer.nn.layers import BN_EPS, batch_norm, batch_norm_backward, overflow_safe_std


def test_batch_norm_normalises_each_column_in_place_and_returns_the_batch_moments():
    rng = np.random.default_rng(0)
    z = 3.0 + 2.0 * rng.standard_normal((32, 5))
    original = z.copy()
    xhat, inv, mean, var = batch_norm(z)
    assert xhat is z  # in place
    np.testing.assert_allclose(mean, original.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(var, original.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(inv, 1.0 / np.sqrt(original.var(axis=0) + BN_EPS), rtol=1e-12)
    np.testing.assert_allclose(xhat, (original - mean) * inv, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_norm_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((6, 4)) * rng.uniform(0.5, 3.0, 4) + rng.standard_normal(4)
    upstream = rng.standard_normal((6, 4))

    def loss(values):
        return float(np.sum(batch_norm(values.copy())[0] * upstream))

    xhat, inv, _, _ = batch_norm(z.copy())
    exact = batch_norm_backward(upstream, xhat, inv)
    numeric = np.zeros_like(z)
    step = 1e-6
    for index in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (loss(up) - loss(down)) / (2 * step)
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-8)
    # The batch mean and variance take out every constant and linear component per column.
    np.testing.assert_allclose(exact.sum(axis=0), 0.0, atol=1e-12)


def test_batch_norm_of_values_whose_squares_overflow_is_that_of_the_shrunk_values():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((16, 3))
    huge = z * 1e200
    expected, _, _, _ = batch_norm(z / float(np.max(np.abs(z - z.mean(axis=0)))))
    xhat, inv, _, var = batch_norm(huge)
    assert np.isfinite(xhat).all() and np.isfinite(inv).all()
    np.testing.assert_allclose(xhat, expected, rtol=1e-9, atol=1e-12)
    assert np.isinf(var).all()  # the variance itself is beyond float64


def test_overflow_safe_std_is_numpys_and_survives_squares_beyond_float64():
    rng = np.random.default_rng(4)
    a = rng.standard_normal(1000)
    assert overflow_safe_std(a) == float(np.std(a))
    assert overflow_safe_std(a * 1e200) == pytest.approx(float(np.std(a)) * 1e200, rel=1e-12)
    assert not math.isfinite(overflow_safe_std(np.array([1.0, math.inf])))
