"""One seeded network measured layer by layer: the table's shape and seeds, clipping, the claims
of issue 4 as seeded tests, bad input, and the sentence written from the numbers."""

import math

import numpy as np
import pytest

from explainer import ACTIVATIONS
from explainer.initializers import INITIALIZERS
from explainer.nn.memory import network_weights
from explainer.nn.statistics import (
    describe_activations,
    describe_gradient_flow,
    layer_statistics,
    network_run,
)

COLUMNS = [
    "layer",
    "preact_std",
    "activation_mean",
    "activation_std",
    "saturated_fraction",
    "dead_fraction",
    "grad_std",
    "weight_grad_norm",
]


NUMERIC = [
    "preact_mean",
    "preact_std",
    "activation_mean",
    "activation_std",
    "saturated_fraction",
    "dead_fraction",
    "dead_unit_fraction",
    "grad_std",
    "grad_log10",
    "weight_grad_norm",
    "weight_grad_log10",
    "clipped_weight_grad_norm",
    "path_derivative",
    "path_log10_product",
    "bound_log10",
]


# --- the table ---------------------------------------------------------------------------------


def test_layer_statistics_has_one_row_per_hidden_layer_numbered_from_the_input():
    frame = layer_statistics("relu", 7, 32, "he_normal", batch=16)
    assert list(frame["layer"]) == list(range(1, 8))
    assert set(COLUMNS) <= set(frame.columns)
    assert not frame[NUMERIC].isna().any().any()
    assert (frame["forward_status"] == "ok").all() and (frame["backward_status"] == "ok").all()
    # The gradient arriving at the top is N(0, 1) per unit.
    assert frame["grad_std"].iloc[-1] == pytest.approx(1.0, abs=0.1)


def test_a_seed_reproduces_the_table_exactly_and_another_seed_changes_it():
    a = layer_statistics("gelu", 5, 24, "he_uniform", batch=12, seed=9)
    b = layer_statistics("gelu", 5, 24, "he_uniform", batch=12, seed=9)
    c = layer_statistics("gelu", 5, 24, "he_uniform", batch=12, seed=10)
    assert a.equals(b)
    assert not a["grad_std"].equals(c["grad_std"])


@pytest.mark.parametrize("init", INITIALIZERS)
def test_every_initializer_runs_through_the_network(init):
    frame = layer_statistics("tanh", 4, 32, init, batch=16)
    assert not frame[NUMERIC].isna().any().any()


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_every_activation_runs_through_the_network_with_batchnorm_and_residual(key):
    frame = layer_statistics(key, 4, 32, "he_normal", batch=16, batchnorm=True, residual=True)
    assert not frame[NUMERIC].isna().any().any()


def test_clipping_by_global_norm_scales_every_layer_by_one_factor_as_pytorch_does():
    clip = 1e-3
    run = network_run("tanh", 10, 32, "standard_normal", batch=16, clip_norm=clip)
    frame = run.layers
    assert run.grad_norm == pytest.approx(math.sqrt((frame["weight_grad_norm"] ** 2).sum()), rel=1e-12)
    assert run.clip_coefficient == pytest.approx(clip / (run.grad_norm + 1e-6), rel=1e-12)
    np.testing.assert_allclose(
        frame["clipped_weight_grad_norm"], run.clip_coefficient * frame["weight_grad_norm"], rtol=1e-12
    )
    assert run.clipped_norm == pytest.approx(clip, rel=1e-6)
    loose = network_run("tanh", 10, 32, "standard_normal", batch=16, clip_norm=1e9)
    assert loose.clip_coefficient == 1.0
    np.testing.assert_array_equal(loose.layers["clipped_weight_grad_norm"], loose.layers["weight_grad_norm"])


# --- the claims of issue 4, seeded ---------------------------------------------------------------


def test_sigmoid_gradient_ratio_over_l_layers_is_below_a_quarter_to_the_l_times_the_weight_norms():
    depth, width = 12, 64
    run = network_run("sigmoid", depth, width, "glorot_normal", batch=128, seed=0)
    weights = network_weights("glorot_normal", depth, width, seed=0)
    bound = 0.25**depth * math.prod(np.linalg.norm(w, 2) for w in weights)
    assert run.input_grad_std / run.layers["grad_std"].iloc[-1] < bound
    # Between the outputs of layer 1 and layer L the gradient passes L - 1 layers.
    inner = 0.25 ** (depth - 1) * math.prod(np.linalg.norm(w, 2) for w in weights[1:])
    assert run.layers["grad_std"].iloc[0] / run.layers["grad_std"].iloc[-1] < inner


def test_relu_he_keeps_activation_std_within_a_factor_of_two_over_50_layers_at_width_512():
    std = layer_statistics("relu", 50, 512, "he_normal", batch=256, seed=0)["activation_std"]
    assert std.max() / std.iloc[0] <= 2.0 and std.iloc[0] / std.min() <= 2.0


def test_relu_glorot_loses_about_half_the_variance_per_layer():
    frame = layer_statistics("relu", 20, 256, "glorot_normal", batch=256, seed=0)
    per_layer = (frame["preact_std"].iloc[-1] / frame["preact_std"].iloc[0]) ** (2 / 19)
    assert per_layer == pytest.approx(0.5, abs=0.05)


def test_tanh_with_w_times_001_collapses_below_1e_5_by_layer_10_at_width_500():
    frame = layer_statistics("tanh", 10, 500, "small_normal", batch=500, seed=0)
    assert frame["activation_std"].iloc[9] < 1e-5


def test_selu_with_lecun_normal_stays_within_10_percent_of_mean_0_std_1_at_depth_100():
    frame = layer_statistics("selu", 100, 256, "lecun_normal", batch=256, seed=0)
    assert frame["activation_mean"].abs().max() < 0.1
    assert (frame["activation_std"] - 1.0).abs().max() < 0.1


# --- bad input and sentences ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, r"depth must be a whole number between 1 and 1,000; got 0"),
        ({"depth": 10_000}, r"depth must be a whole number between 1 and 1,000; got 10000"),
        ({"width": 0}, r"width must be a whole number between 1 and 4,096; got 0"),
        ({"width": math.nan}, r"width must be a whole number between 1 and 4,096; got nan"),
        ({"gain": 1e6}, r"gain must be a number in \(0, 1000\]; got 1000000.0"),
        ({"gain": math.nan}, r"gain must be a number in \(0, 1000\]; got nan"),
        ({"init": "he"}, r"Unknown initializer 'he'; expected one of"),
        (
            {"bias": "random"},
            r"Unknown bias option 'random'; expected one of \['zeros', 'constant', 'torch_uniform'\]",
        ),
        ({"clip_norm": -1.0}, r"clip_norm must be None or a positive number; got -1.0"),
        ({"batchnorm": True, "batch": 1}, r"Batch norm needs a batch of at least 2"),
    ],
)
def test_bad_input_is_refused_with_a_message_saying_what_was_expected(kwargs, message):
    arguments = {"activation": "relu", "depth": 3, "width": 8, "batch": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        layer_statistics(**arguments)


def test_the_gradient_sentence_is_written_from_the_measured_numbers():
    frame = layer_statistics("sigmoid", 20, 128, "glorot_normal", batch=64)
    decades = frame["grad_log10"].iloc[0] - frame["grad_log10"].iloc[-1]
    sentence = describe_gradient_flow(frame)
    assert f"{-decades:.1f} orders of magnitude" in sentence
    assert f"a factor of about {10 ** (decades / 19):.2g} per layer" in sentence
    assert "layer 20" in describe_activations(frame)


@pytest.mark.parametrize(
    ("key", "depth", "width", "init", "gain", "batch"),
    [
        ("sigmoid", 30, 128, "glorot_normal", 1.0, 128),
        ("relu", 40, 32, "he_normal", 0.5, 8),  # a batch at most half the width: Gram norms
        ("selu", 20, 48, "lecun_normal", 2.0, 32),
        ("exp(x)", 12, 64, "standard_normal", 1.0, 16),  # the forward pass leaves float64
        ("max(x - 3, 0)", 8, 16, "lecun_normal", 1.0, 4),  # every unit off: dead layers
    ],
)
def test_gradient_flow_is_the_network_runs_gradient_without_the_rest(key, depth, width, init, gain, batch):
    from explainer.expressions import parse_activation
    from explainer.nn.statistics import gradient_flow, network_run

    act = ACTIVATIONS[key] if key in ACTIVATIONS else parse_activation(key)
    run = network_run(act, depth, width, init, gain, batch, 5)
    flow = gradient_flow(act, depth, width, init, gain, batch, 5)
    np.testing.assert_array_equal(flow.layers["layer"], run.layers["layer"])
    np.testing.assert_array_equal(flow.layers["grad_log10"], run.layers["grad_log10"])
    assert (flow.depth, flow.exploded_at, flow.grad_dead_at) == (run.depth, run.exploded_at, run.grad_dead_at)
