"""The forward and backward pass: exact gradients against central differences, batch norm, the
path product, overflow that never turns into NaN or a RuntimeWarning, and shortcuts that give the
numbers of the plain computation."""

import dataclasses
import math
import warnings

import numpy as np
import pytest

from explainer import ACTIVATIONS, parse_activation
from explainer.nn.engine import max_slope
from explainer.nn.memory import network_inputs, network_weights
from explainer.nn.statistics import describe_gradient_flow, layer_statistics, network_gradients, network_run

from .differences import central_difference
from .test_statistics import NUMERIC

# --- the gradient check ----------------------------------------------------------------------


def _small_network(seed):
    rng = np.random.default_rng(seed)
    batch, width, depth = 4, 5, 3
    x = rng.standard_normal((batch, width))
    weights = [0.8 * rng.standard_normal((width, width)) for _ in range(depth)]
    biases = [0.3 * rng.standard_normal(width) for _ in range(depth)]
    top = rng.standard_normal((batch, width))
    return x, weights, biases, top


@pytest.mark.parametrize("key", ["tanh", "sigmoid", "relu", "leaky_relu", "selu", "gelu", "softplus", "mish"])
@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("residual", [False, True])
def test_backprop_through_the_whole_network_matches_central_differences(key, batchnorm, residual):
    x, weights, biases, top = _small_network(seed=len(key) + 2 * batchnorm + residual)

    def loss():
        return network_gradients(x, weights, top, key, biases, batchnorm, residual)["loss"]

    exact = network_gradients(x, weights, top, key, biases, batchnorm, residual)
    for layer in range(3):
        np.testing.assert_allclose(
            exact["weights"][layer], central_difference(loss, weights[layer]), rtol=1e-6, atol=1e-7
        )
        np.testing.assert_allclose(
            exact["biases"][layer], central_difference(loss, biases[layer]), rtol=1e-6, atol=1e-7
        )
    np.testing.assert_allclose(exact["inputs"], central_difference(loss, x), rtol=1e-6, atol=1e-7)


def test_layer_statistics_measures_the_gradients_that_pass_the_check():
    depth, width, batch = 4, 16, 8
    frame = layer_statistics("tanh", depth, width, "glorot_normal", batch=batch, seed=3)
    x, top = network_inputs(batch, width, seed=3)
    weights = network_weights("glorot_normal", depth, width, seed=3)
    exact = network_gradients(x, weights, top, "tanh")
    np.testing.assert_allclose(
        frame["weight_grad_norm"], [np.linalg.norm(w) for w in exact["weights"]], rtol=1e-12
    )
    np.testing.assert_allclose(frame["grad_std"], [np.std(g) for g in exact["hidden"]], rtol=1e-12)


def test_batchnorm_keeps_every_pre_activation_at_unit_std():
    frame = layer_statistics("relu", 20, 64, "standard_normal", batch=64, batchnorm=True)
    np.testing.assert_allclose(frame["preact_std"], 1.0, atol=1e-4)
    np.testing.assert_allclose(frame["preact_mean"], 0.0, atol=1e-12)


def test_the_path_product_is_the_cumulative_product_of_local_derivatives_and_below_the_bound():
    frame = layer_statistics("sigmoid", 30, 32, "he_normal", batch=8)
    expected = np.cumsum(np.log10(np.abs(frame["path_derivative"])))
    np.testing.assert_allclose(frame["path_log10_product"], expected, rtol=1e-12)
    np.testing.assert_allclose(frame["bound_log10"], frame["layer"] * math.log10(0.25), rtol=1e-12)
    assert (frame["path_log10_product"] <= frame["bound_log10"] + 1e-12).all()


@pytest.mark.parametrize(
    ("key", "expected"), [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0), ("hard_sigmoid", 1 / 6)]
)
def test_max_slope_is_the_largest_local_derivative(key, expected):
    assert max_slope(key) == pytest.approx(expected, rel=1e-12)


# --- overflow, dead networks ---------------------------------------------------------------------


EXPLODING = [
    ("relu", "standard_normal", 1000.0, {}),
    ("tanh", "standard_normal", 1000.0, {}),
    ("leaky_relu", "standard_normal", 300.0, {"residual": True}),
    ("selu", "he_normal", 1000.0, {"batchnorm": True}),
    ("softplus", "standard_normal", 500.0, {}),
]


@pytest.mark.parametrize(("key", "init", "g", "options"), EXPLODING)
def test_exploding_settings_give_no_runtime_warning_and_no_nan(key, init, g, options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = network_run(key, 120, 128, init, g, batch=32, **options)
    frame = run.layers
    assert not frame[NUMERIC].isna().any().any()
    assert len(frame) == 120
    assert run.sentence == describe_gradient_flow(frame)
    if run.exploded_at is not None:
        assert f"exploded at layer {run.exploded_at}" in run.sentence


def test_an_overflowing_forward_pass_reports_the_layer_it_exploded_at():
    run = network_run("relu", 200, 512, "standard_normal", 1000.0, batch=32)
    k = run.exploded_at
    assert k is not None and 1 < k < 200
    frame = run.layers
    assert (frame["forward_status"].iloc[: k - 1] == "ok").all()
    assert (frame["forward_status"].iloc[k - 1 :] == "exploded").all()
    assert np.isposinf(frame["grad_std"]).all()
    assert f"exploded at layer {k}" in describe_gradient_flow(frame)


def test_a_typed_activation_that_overflows_or_is_undefined_is_reported_not_raised():
    exploded = network_run(parse_activation("exp(x)"), 10, 32, "he_normal", batch=8)
    assert exploded.exploded_at is not None
    assert "exploded" in exploded.sentence
    undefined = network_run(parse_activation("log(x)"), 10, 32, "he_normal", batch=8)
    assert set(undefined.layers["forward_status"]) == {"undefined"}
    assert "undefined" in undefined.sentence
    assert not undefined.layers[NUMERIC].isna().any().any()


def test_a_gradient_far_below_float64_is_still_measured_exactly_in_logs():
    frame = layer_statistics("sigmoid", 200, 64, "small_normal", batch=32, seed=0)
    assert frame["grad_log10"].iloc[0] < -330
    assert np.isfinite(frame["grad_log10"]).all()
    assert (np.diff(frame["grad_log10"]) > 0).all()


def test_exact_zeros_are_reported_as_dead_not_as_tiny_numbers():
    run = network_run("relu", 8, 64, "he_normal", batch=32, bias="constant", bias_value=-5.0)
    frame = run.layers
    assert run.dead_at == 2
    assert (frame["forward_status"].iloc[1:] == "dead").all()
    assert (frame["grad_std"].iloc[:-1] == 0.0).all()
    assert (frame["backward_status"].iloc[:-1] == "dead").all()
    assert "dead" in describe_gradient_flow(frame)


# --- the engine's shortcuts give the numbers of the plain computation ------------------------------


@pytest.mark.parametrize("key", ["relu", "tanh", "sigmoid", "selu", "gelu"])
@pytest.mark.parametrize("residual", [False, True])
def test_weight_gradient_norms_from_gram_matrices_match_the_products_themselves(key, residual):
    # A batch at most half the width takes ‖hᵀδ‖² = Σ (h·hᵀ) ⊙ (δ·δᵀ); compare with hᵀδ itself.
    depth, width, batch = 6, 64, 16
    frame = layer_statistics(
        key, depth, width, "he_normal", batch=batch, seed=4, residual=residual, bias="torch_uniform"
    )
    x, top = network_inputs(batch, width, seed=4)
    weights = network_weights("he_normal", depth, width, seed=4)
    bound = 1.0 / math.sqrt(width)
    rng = np.random.default_rng(np.random.SeedSequence(4).spawn(3)[2])
    biases = [rng.uniform(-bound, bound, width) for _ in range(depth)]
    exact = network_gradients(x, weights, top, key, biases, residual=residual)
    norms = [np.linalg.norm(w) for w in exact["weights"]]
    np.testing.assert_allclose(frame["weight_grad_norm"], norms, rtol=1e-9)
    np.testing.assert_allclose(frame["grad_std"], [np.std(g) for g in exact["hidden"]], rtol=1e-12)


def test_relu_takes_a_fast_path_with_the_numbers_of_the_general_one():
    relu = ACTIVATIONS["relu"]
    # The same functions behind new names: the pass cannot tell them from any other activation.
    general = dataclasses.replace(relu, fn=lambda x: relu.fn(x), grad=lambda x: relu.grad(x))
    for batch in (16, 128):  # with and without Gram matrices
        fast = layer_statistics(relu, 12, 64, "glorot_normal", batch=batch, seed=2)
        slow = layer_statistics(general, 12, 64, "glorot_normal", batch=batch, seed=2)
        for column in (
            "preact_std",
            "activation_std",
            "dead_fraction",
            "dead_unit_fraction",
            "saturated_fraction",
        ):
            np.testing.assert_allclose(fast[column], slow[column], rtol=1e-12, err_msg=column)
        np.testing.assert_allclose(fast["grad_log10"], slow["grad_log10"], rtol=1e-9)
        np.testing.assert_allclose(fast["weight_grad_log10"], slow["weight_grad_log10"], rtol=1e-9)
