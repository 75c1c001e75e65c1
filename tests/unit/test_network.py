"""The public runs: mean field's prediction against the measured network, comparisons across
activations and initializers, histograms, and every name ``explainer.network`` has exported."""

import numpy as np
import pytest

from explainer import network
from explainer.lessons.depth import profiles as depth
from explainer.network import (
    activation_comparison,
    activation_histograms,
    initializer_comparison,
    layer_statistics,
    meanfield_prediction,
)


def test_meanfield_predicts_the_measured_gradient_of_tanh_glorot_within_10_percent():
    measured = layer_statistics("tanh", 15, 512, "glorot_normal", batch=256, seed=0)
    predicted = meanfield_prediction("tanh", 15, 512, "glorot_normal")
    np.testing.assert_allclose(measured["grad_std"], predicted["grad_std"], rtol=0.1)
    np.testing.assert_allclose(measured["preact_std"], predicted["preact_std"], rtol=0.1)


def test_comparisons_stack_one_line_per_activation_or_initializer():
    by_activation = activation_comparison(["relu", "tanh"], depth=6, width=32, batch=16)
    assert by_activation.groupby("key").size().to_dict() == {"relu": 6, "tanh": 6}
    by_init = initializer_comparison("relu", ["he_normal", "glorot_normal"], depth=6, width=32, batch=16)
    assert by_init.groupby("init").size().to_dict() == {"glorot_normal": 6, "he_normal": 6}


def test_activation_histograms_hold_every_value_of_every_chosen_layer():
    histograms = activation_histograms(
        "tanh", 10, 64, "standard_normal", batch=32, layers=[1, 5, 10], bins=20
    )
    assert sorted(histograms["layer"].unique()) == [1, 5, 10]
    np.testing.assert_allclose(histograms.groupby("layer")["fraction"].sum(), 1.0, rtol=1e-12)
    # N(0, 1) weights saturate tanh: most values sit in the outermost bins.
    first = histograms[histograms["layer"] == 1]["fraction"].to_numpy()
    assert first[0] + first[-1] > 0.5


@pytest.mark.parametrize(
    "settings",
    [
        dict(activation="sigmoid", depth=30, width=128, init="glorot_normal", batch=128),
        dict(activation="relu", depth=120, width=64, init="he_normal", batch=32, residual=True),
        dict(
            activation="tanh", depth=40, width=32, init="standard_normal", gain=3.0, batch=16, batchnorm=True
        ),
        # Explodes at layer 158: the histograms stop at the last layer reached.
        dict(activation="relu", depth=200, width=1000, init="standard_normal", gain=4.0, batch=16),
    ],
)
def test_a_run_bins_its_histograms_from_its_own_forward_pass_as_a_second_pass_would(settings):
    layers = depth.histogram_layers(settings["depth"])
    run = network.network_run(**settings, histogram_layers=layers)
    separate = activation_histograms(**settings, layers=layers)
    assert run.histograms.equals(separate)
    if run.exploded_at is not None:
        assert separate["layer"].max() < run.exploded_at < settings["depth"]


# Every name the app, the tests, the benchmarks and notebooks have read from ``explainer.network``.
EXPORTED = [
    "ACTIVATIONS",
    "BIASES",
    "BN_EPS",
    "CACHE_BYTES",
    "CLIP_SERIES",
    "Claim",
    "DEAD",
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_CACHE_BYTES",
    "DEFAULT_WORKSPACE_BYTES",
    "EXPLODED",
    "FLOAT64_LOG10_MAX",
    "FRACTION_SERIES",
    "GRADIENT_SERIES",
    "HEALTHY_DECADES",
    "HEALTHY_SATURATION",
    "INITIALIZERS",
    "LN10",
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_WIDTH",
    "NetworkRun",
    "OK",
    "PATH_SERIES",
    "PRESETS",
    "PRESET_SEEDS",
    "Preset",
    "PresetRun",
    "RELU_FAMILY",
    "UNDEFINED",
    "WORKSPACE_BYTES",
    "Activation",
    "activation_comparison",
    "activation_histograms",
    "bias_comparison",
    "check_network",
    "claims_table",
    "clear_weight_cache",
    "clear_workspace",
    "clipping_profile",
    "compare_profile",
    "critical_line",
    "describe_activations",
    "describe_biases",
    "describe_clipping",
    "describe_comparison",
    "describe_fixes",
    "describe_gradient_flow",
    "describe_path",
    "describe_phase",
    "describe_prediction",
    "describe_preset",
    "fixed_settings",
    "fraction_profile",
    "get_initializer",
    "gradient_profile",
    "histogram_layers",
    "initializer_comparison",
    "layer_statistics",
    "max_slope",
    "meanfield_prediction",
    "network_gradients",
    "network_inputs",
    "network_run",
    "network_weights",
    "path_products",
    "phase_cells",
    "phase_diagram",
    "phase_edge",
    "preset_profile",
    "preset_results",
    "set_memory_limits",
    "slope_range",
    "standard_normal_story",
    "variance_travel",
    "variance_travel_curve",
]


@pytest.mark.parametrize("name", EXPORTED)
def test_every_name_explainer_network_exported_is_still_there(name):
    assert getattr(network, name) is not None


def test_path_products_keeps_its_public_path():
    assert network.path_products is depth.path_products
