"""The activation registry: derivatives, published constants, stability, scikit-learn as an oracle."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from sklearn.neural_network._base import ACTIVATIONS as SK_ACTIVATIONS
from sklearn.neural_network._base import DERIVATIVES as SK_DERIVATIVES

from explainer import ACTIVATIONS, get_activation, torch_gain
from explainer.activations import SELU_ALPHA, SELU_LAMBDA

KEYS = list(ACTIVATIONS)


def _param_settings(activation):
    """The defaults, and every parameter at both ends of its slider."""
    settings_ = [{}]
    for p in activation.params:
        settings_ += [{p.name: p.low}, {p.name: p.high}]
    return settings_


def _away_from_kinks(activation, x, step):
    mask = np.ones_like(x, dtype=bool)
    for kink in activation.kinks:
        mask &= np.abs(x - kink) > 10 * step
    return x[mask]


@pytest.mark.parametrize("key", KEYS)
def test_grad_matches_central_difference_away_from_kinks(key):
    activation = ACTIVATIONS[key]
    x = np.linspace(-8.0, 8.0, 1601)
    step = 1e-6
    for params in _param_settings(activation):
        xs = _away_from_kinks(activation, x, step)
        numerical = (activation.f(xs + step, params) - activation.f(xs - step, params)) / (2 * step)
        np.testing.assert_allclose(
            activation.df(xs, params), numerical, rtol=1e-6, atol=1e-7, err_msg=str(params)
        )


@pytest.mark.parametrize("key", [k for k in KEYS if ACTIVATIONS[k].kinks])
def test_grad_at_a_kink_is_the_derivative_from_the_left(key):
    activation = ACTIVATIONS[key]
    step = 1e-7
    for kink in activation.kinks:
        left = (activation.f(kink) - activation.f(kink - step)) / step
        assert activation.df(kink) == pytest.approx(float(left), abs=1e-5)


def test_relu_derivative_at_zero_is_zero_as_in_scikit_learn():
    assert float(ACTIVATIONS["relu"].df(0.0)) == 0.0


@pytest.mark.parametrize("key", [k for k in KEYS if not ACTIVATIONS[k].kinks or k == "elu"])
def test_smooth_functions_have_no_jump_in_the_derivative(key):
    activation = ACTIVATIONS[key]
    x = np.linspace(-10.0, 10.0, 200001)
    assert np.max(np.abs(np.diff(activation.df(x)))) < 1e-3


@pytest.mark.parametrize(
    ("key", "x", "expected"),
    [
        ("sigmoid", 0.0, 0.25),
        ("tanh", 0.0, 1.0),
        ("relu", 1.0, 1.0),
        ("softplus", 0.0, 0.5),
        ("gelu", 0.0, 0.5),
        ("silu", 0.0, 0.5),
        ("softsign", 0.0, 1.0),
        ("hard_sigmoid", 0.0, 1.0 / 6.0),
    ],
)
def test_published_derivative_values(key, x, expected):
    assert float(ACTIVATIONS[key].df(x)) == pytest.approx(expected, rel=1e-12)


def test_published_function_values():
    assert float(ACTIVATIONS["softplus"].f(0.0)) == pytest.approx(math.log(2.0), rel=1e-15)
    assert float(ACTIVATIONS["gelu"].f(1.0)) == pytest.approx(float(special.ndtr(1.0)), rel=1e-15)
    assert float(ACTIVATIONS["sigmoid"].f(0.0)) == 0.5
    assert float(ACTIVATIONS["elu"].f(-1.0)) == pytest.approx(math.exp(-1.0) - 1.0, rel=1e-15)
    assert float(ACTIVATIONS["hard_swish"].f(1.0)) == pytest.approx(4.0 / 6.0, rel=1e-15)


def test_selu_constants_are_klambauers():
    assert pytest.approx(1.0507009873554804934193349852946, rel=1e-15) == SELU_LAMBDA
    assert pytest.approx(1.6732632423543772848170429916717, rel=1e-15) == SELU_ALPHA
    assert float(ACTIVATIONS["selu"].f(-50.0)) == pytest.approx(-SELU_LAMBDA * SELU_ALPHA, rel=1e-12)


def test_gelu_tanh_stays_within_published_error_of_exact_gelu():
    x = np.linspace(-10, 10, 200001)
    error = np.max(np.abs(ACTIVATIONS["gelu_tanh"].f(x) - ACTIVATIONS["gelu"].f(x)))
    assert 4e-4 < error < 5e-4


@pytest.mark.parametrize(
    ("key", "peak", "where"), [("gelu", 1.1289, math.sqrt(2)), ("silu", 1.0998, 2.40), ("mish", 1.0885, 1.49)]
)
def test_peak_slopes_match_reference(key, peak, where):
    x = np.linspace(-10, 10, 200001)
    slope = ACTIVATIONS[key].df(x)
    assert float(slope.max()) == pytest.approx(peak, abs=1e-4)
    assert float(x[np.argmax(slope)]) == pytest.approx(where, abs=0.01)


def test_parameter_defaults_are_pytorchs():
    assert ACTIVATIONS["leaky_relu"].defaults == {"negative_slope": 0.01}
    assert ACTIVATIONS["elu"].defaults == {"alpha": 1.0}
    assert ACTIVATIONS["softplus"].defaults == {"beta": 1.0}


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("identity", "identity"), ("sigmoid", "logistic"), ("tanh", "tanh"), ("relu", "relu")],
)
def test_scikit_learn_agrees_on_value_and_derivative(ours, theirs):
    assert ACTIVATIONS[ours].sklearn_name == theirs
    x = np.random.default_rng(0).standard_normal((50, 8)) * 4
    z = x.copy()
    SK_ACTIVATIONS[theirs](z)
    np.testing.assert_allclose(ACTIVATIONS[ours].f(x), z, rtol=1e-13, atol=1e-15)
    delta = np.ones_like(x)
    SK_DERIVATIVES[theirs](z, delta)  # scikit-learn's derivatives are written in terms of the output
    np.testing.assert_allclose(ACTIVATIONS[ours].df(x), delta, rtol=1e-9, atol=1e-12)


def test_torch_gains_follow_calculate_gain():
    assert torch_gain("relu") == pytest.approx(math.sqrt(2))
    assert torch_gain("tanh") == pytest.approx(5 / 3)
    assert torch_gain("selu") == 0.75
    assert torch_gain("sigmoid") == 1.0
    assert torch_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert torch_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert torch_gain("gelu") is None


def test_unknown_key_names_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown activation 'gelu2'; expected one of"):
        get_activation("gelu2")


EXTREMES = np.array(
    [
        -1.7976931348623157e308,
        -1e300,
        -1e4,
        -745.2,
        -40.0,
        -1e-300,
        0.0,
        1e-300,
        40.0,
        710.0,
        1e4,
        1e300,
        1.7976931348623157e308,
    ]
)


@pytest.mark.parametrize("key", KEYS)
def test_finite_without_warning_at_extreme_inputs(key):
    activation = ACTIVATIONS[key]
    for params in _param_settings(activation):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                values, slopes = activation.f(EXTREMES, params), activation.df(EXTREMES, params)
        assert np.isfinite(values).all() and np.isfinite(slopes).all(), (key, params)


@pytest.mark.parametrize("key", KEYS)
@settings(max_examples=150, deadline=None)
@given(x=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_finite_for_every_finite_input(key, x):
    activation = ACTIVATIONS[key]
    array = np.array(x, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(activation.f(array)).all()
        assert np.isfinite(activation.df(array)).all()


@pytest.mark.parametrize("key", KEYS)
def test_functions_return_float64_of_the_input_shape(key):
    x = np.zeros((3, 4), dtype=np.float32)
    assert ACTIVATIONS[key].f(x).dtype == np.float64
    assert ACTIVATIONS[key].df(x).shape == (3, 4)


def test_saturating_functions_keep_a_nonzero_derivative_where_float_allows():
    # 1 - tanh(x)**2 cancels to 0 at x = 20; the stable forms keep the true tiny slope.
    assert 0 < float(ACTIVATIONS["tanh"].df(20.0)) == pytest.approx(4 * math.exp(-40), rel=1e-9)
    assert 0 < float(ACTIVATIONS["sigmoid"].df(40.0)) == pytest.approx(math.exp(-40), rel=1e-9)


@pytest.mark.parametrize("key", KEYS)
def test_value_and_grad_equals_fn_and_grad(key):
    activation = ACTIVATIONS[key]
    x = np.concatenate([np.linspace(-40, 40, 8001), EXTREMES])
    for params in _param_settings(activation):
        value, slope = activation.value_and_grad(x, params)
        np.testing.assert_allclose(value, activation.f(x, params), rtol=1e-13, atol=0)
        np.testing.assert_allclose(slope, activation.df(x, params), rtol=1e-12, atol=1e-300)
