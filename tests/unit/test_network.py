"""The numpy MLP: exact gradients, the claims of issue 4 as seeded tests, published numbers,
and overflow that never turns into NaN or a RuntimeWarning."""

import dataclasses
import functools
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from explainer import ACTIVATIONS, parse_activation
from explainer.initializers import INITIALIZERS
from explainer.network import (
    HEALTHY_SATURATION,
    PATH_SERIES,
    PRESETS,
    activation_comparison,
    activation_histograms,
    bias_comparison,
    claims_table,
    clipping_profile,
    critical_line,
    describe_activations,
    describe_clipping,
    describe_gradient_flow,
    describe_path,
    describe_phase,
    describe_prediction,
    describe_preset,
    fixed_settings,
    gradient_profile,
    histogram_layers,
    initializer_comparison,
    layer_statistics,
    max_slope,
    meanfield_prediction,
    network_gradients,
    network_inputs,
    network_run,
    network_weights,
    path_products,
    phase_cells,
    phase_diagram,
    preset_results,
    standard_normal_story,
    variance_travel,
    variance_travel_curve,
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


# --- the gradient check ----------------------------------------------------------------------


def _small_network(seed):
    rng = np.random.default_rng(seed)
    batch, width, depth = 4, 5, 3
    x = rng.standard_normal((batch, width))
    weights = [0.8 * rng.standard_normal((width, width)) for _ in range(depth)]
    biases = [0.3 * rng.standard_normal(width) for _ in range(depth)]
    top = rng.standard_normal((batch, width))
    return x, weights, biases, top


def _central_difference(loss, array, step=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + step
        up = loss()
        array[index] = keep - step
        down = loss()
        array[index] = keep
        grad[index] = (up - down) / (2 * step)
    return grad


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
            exact["weights"][layer], _central_difference(loss, weights[layer]), rtol=1e-6, atol=1e-7
        )
        np.testing.assert_allclose(
            exact["biases"][layer], _central_difference(loss, biases[layer]), rtol=1e-6, atol=1e-7
        )
    np.testing.assert_allclose(exact["inputs"], _central_difference(loss, x), rtol=1e-6, atol=1e-7)


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


def test_meanfield_predicts_the_measured_gradient_of_tanh_glorot_within_10_percent():
    measured = layer_statistics("tanh", 15, 512, "glorot_normal", batch=256, seed=0)
    predicted = meanfield_prediction("tanh", 15, 512, "glorot_normal")
    np.testing.assert_allclose(measured["grad_std"], predicted["grad_std"], rtol=0.1)
    np.testing.assert_allclose(measured["preact_std"], predicted["preact_std"], rtol=0.1)


@functools.cache
def _preset(key):
    return preset_results(key)


# Every number a "published" column may hold, as its source prints it (CS231n 2016 lecture 5
# slides: activation stds; Klambauer et al. 2017 Theorem 1: the fixed point (0, 1)).
PRINTED = {
    ("cs231n_tanh", "W = 0.01·randn", "activation std, layer 1"): 0.213081,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 1"): 0.825232,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 5"): 0.834092,
    ("relu_xavier_vs_he", "He, 30 layers", "activation std, layer 10"): 0.844523,
    ("selu_lecun_depth100", "SELU, LeCun normal", "activation mean, layer 100"): 0.0,
    ("selu_lecun_depth100", "SELU, LeCun normal", "activation std, layer 100"): 1.0,
}


def test_a_published_column_holds_only_numbers_the_source_prints_with_where():
    published = {
        (key, c.run, c.quantity): c.published
        for key, preset in PRESETS.items()
        for c in preset.claims
        if c.published is not None
    }
    assert published == PRINTED
    for preset in PRESETS.values():
        for c in preset.claims:
            assert (c.published is None) == (not c.where) == (not c.published_text), c
        assert "REFERENCE" not in preset.source + preset.note + preset.title


@pytest.mark.parametrize("key", ["cs231n_tanh", "relu_xavier_vs_he", "selu_lecun_depth100"])
def test_every_printed_number_lies_within_the_range_of_our_eight_seeds(key):
    claims, layers = _preset(key)
    printed = claims[claims["published"].notna()]
    assert len(printed) and printed["agrees"].map(lambda a: a is True).all(), printed.to_string()
    assert set(layers["run"]) == {run.label for run in PRESETS[key].runs}


def test_preset_results_gives_median_and_range_over_eight_seeds_and_agreement_only_where_printed():
    claims, _ = _preset("cs231n_tanh")
    assert (claims["seeds"] == "0–7").all()
    assert ((claims["low"] <= claims["median"]) & (claims["median"] <= claims["high"])).all()
    assert (claims["low"] < claims["high"]).all()  # every number here moves with the seed
    unpublished = claims[claims["published"].isna()]
    assert unpublished["agrees"].map(lambda a: a is None).all()
    assert not claims.drop(columns=["published", "agrees"]).isna().any().any()


def test_glorot_tanh_scene_reproduces_fig_7_and_the_sigmoid_scene_says_it_does_not_hold():
    tanh, _ = _preset("glorot_bengio_tanh")
    ratio = tanh[tanh["metric"] == "grad_ratio"].set_index("run")["median"]
    assert ratio["standard U[±1/√n]"] < 0.2 and 0.3 < ratio["normalized (Glorot)"] < 1.0
    assert {r.activation for r in PRESETS["glorot_bengio_tanh"].runs} == {"tanh"}
    assert {r.width for r in PRESETS["glorot_bengio_tanh"].runs} == {1000}
    assert "our re-run with tanh agrees" in " ".join(describe_preset("glorot_bengio_tanh", tanh))
    sigmoid, _ = _preset("glorot_bengio_sigmoid")
    text = " ".join(describe_preset("glorot_bengio_sigmoid", sigmoid))
    assert "our re-run with sigmoid does not show it" in text
    assert "for tanh" in text


# --- overflow, dead networks and bad input ---------------------------------------------------------


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
    assert run.sentence


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


# --- sentences ---------------------------------------------------------------------------------------


def test_the_gradient_sentence_is_written_from_the_measured_numbers():
    frame = layer_statistics("sigmoid", 20, 128, "glorot_normal", batch=64)
    decades = frame["grad_log10"].iloc[0] - frame["grad_log10"].iloc[-1]
    sentence = describe_gradient_flow(frame)
    assert f"{-decades:.1f} orders of magnitude" in sentence
    assert f"a factor of about {10 ** (decades / 19):.2g} per layer" in sentence
    assert "layer 20" in describe_activations(frame)


# --- the builders the pages call ------------------------------------------------------------------------


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


def test_phase_diagram_measures_the_sign_that_mean_field_predicts_away_from_the_critical_line():
    diagram = phase_diagram("tanh", sigma_ws=[0.5, 1.0, 2.5], depths=[5, 20], width=64, batch=64)
    assert len(diagram) == 6
    clear = diagram[diagram["meanfield_log10_ratio"].abs() > 1.0]
    assert len(clear) >= 2
    assert (np.sign(clear["grad_log10_ratio"]) == np.sign(clear["meanfield_log10_ratio"])).all()
    assert critical_line("tanh") == pytest.approx(1.0, abs=1e-6)


def test_variance_travel_marks_healthy_cells_and_computes_equal_initializers_once():
    grid = variance_travel(
        depth=10,
        width=64,
        batch=64,
        initializers=["standard_normal", "he_normal", "glorot_normal", "lecun_normal"],
        activations=["relu", "tanh"],
    ).set_index(["init", "activation"])
    assert len(grid) == 8
    np.testing.assert_array_equal(
        grid.loc["glorot_normal"]["forward_log10"], grid.loc["lecun_normal"]["forward_log10"]
    )
    assert grid.loc[("he_normal", "relu"), "forward_healthy"]
    assert not grid.loc[("standard_normal", "relu"), "forward_healthy"]
    assert grid.loc[("standard_normal", "relu"), "forward_log10"] > 10
    kept = (grid["forward_log10"].abs() <= 1.0) & (grid["saturated_fraction"] < HEALTHY_SATURATION)
    assert (grid["forward_healthy"] == kept).all()
    assert (grid["healthy"] == (grid["forward_healthy"] & grid["backward_healthy"])).all()


@pytest.mark.parametrize(("depth", "width"), [(20, 256), (10, 64)])
def test_a_saturated_or_exploding_network_is_not_healthy_and_he_relu_still_is(depth, width):
    grid = variance_travel(
        depth,
        width,
        256,
        initializers=["standard_normal", "he_normal"],
        activations=["tanh", "relu", "hard_tanh"],
    ).set_index(["init", "activation"])
    saturated = grid.loc[("standard_normal", "tanh")]
    # Its activation variance stays flat: only the saturation (and the exploding gradient) tell.
    assert abs(saturated["forward_log10"]) <= 1.0 and saturated["saturated_fraction"] > HEALTHY_SATURATION
    assert not saturated["forward_healthy"] and not saturated["healthy"]
    assert not grid.loc[("standard_normal", "hard_tanh"), "healthy"]
    he_relu = grid.loc[("he_normal", "relu")]
    assert he_relu["healthy"] and he_relu["saturated_fraction"] == 0.0  # ReLU's off half is not saturation
    assert not grid.loc[("he_normal", "hard_tanh"), "healthy"]  # its gradient grows > 10× in variance


def test_variance_travel_curve_starts_at_zero_and_ends_at_zero():
    curve = variance_travel_curve("he_normal", "relu", depth=8, width=64, batch=32)
    assert curve["forward_log10"].iloc[0] == 0.0
    assert curve["backward_log10"].iloc[-1] == 0.0


def test_pytorch_biases_kill_more_relu_units_than_zero_biases_when_the_signal_fades():
    table = bias_comparison("relu", "torch_linear_default", depth=10, width=256, batch=256)
    last = table[table["layer"] == 10].set_index("bias")
    assert last.loc["torch_uniform", "dead_unit_fraction"] > last.loc["zeros", "dead_unit_fraction"] + 0.2
    assert last.loc["constant", "preact_mean"] > 0


def test_why_not_standard_normal_shows_relu_exploding_and_tanh_saturating():
    story = standard_normal_story(["relu", "tanh"], depth=10, width=256, batch=64).set_index(
        ["activation", "init"]
    )
    relu = story.loc[("relu", "standard_normal")]
    tanh = story.loc[("tanh", "standard_normal")]
    assert relu.preact_std_1 == pytest.approx(16.0, rel=0.05)
    assert relu.activation_std_last > 1e8
    assert tanh.saturated_last > 0.5
    assert f"{tanh.saturated_last:.0%}" in tanh.sentence


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


def test_the_buffer_pool_stays_within_its_budget_and_results_do_not_depend_on_it():
    from explainer import network

    small = layer_statistics("tanh", 10, 64, "he_normal", batch=32)
    layer_statistics("relu", 40, 256, "he_normal", batch=256)  # 40 × 256 × 256 values: beyond the pool
    assert network._pool_bytes[0] <= network.WORKSPACE_BYTES
    assert sum(a.nbytes for arrays in network._pool.values() for a in arrays) == network._pool_bytes[0]
    network.clear_workspace()
    assert layer_statistics("tanh", 10, 64, "he_normal", batch=32).equals(small)


# --- the depth page's chart data and sentences ------------------------------------------------------


def test_critical_line_of_relu_is_root_two_and_of_tanh_one():
    assert critical_line("relu") == pytest.approx(math.sqrt(2.0), rel=1e-12)
    assert critical_line("leaky_relu", {"negative_slope": 0.5}) == pytest.approx(
        math.sqrt(2 / 1.25), rel=1e-12
    )
    assert critical_line("tanh") == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("key", ["tanh", "sigmoid", "relu", "selu", "gelu"])
@pytest.mark.parametrize("sigma_w2", [0.25, 1.0, 2.0, 9.0])
def test_the_phase_diagrams_chi_per_layer_is_mean_fields(key, sigma_w2):
    from explainer.meanfield import gradient_curve
    from explainer.network import _chi_log10

    expected = np.log10(gradient_curve(key, 120, sigma_w2)["chi"].to_numpy())
    np.testing.assert_allclose(
        _chi_log10(ACTIVATIONS[key], sigma_w2, 120, None), expected, rtol=1e-9, atol=1e-9
    )


def test_path_products_stop_where_a_relu_unit_on_the_path_is_off():
    run = network_run("relu", 40, 32, "he_normal", batch=8)
    frame = path_products(run)
    product = frame[frame["series"] == PATH_SERIES[0]]
    k = int(run.layers.loc[run.layers["path_derivative"] == 0, "layer"].min())
    # Before the first unit that is off, every factor on the path is exactly 1.
    assert list(product["layer"]) == list(range(1, k)) and (product["log10"] == 0).all()
    assert f"exactly 0 at layer {k}" in describe_path(run)


def test_gradient_profile_anchors_the_prediction_at_the_measured_top_and_drops_what_exploded():
    run = network_run("tanh", 20, 64, "glorot_normal", batch=32)
    prediction = meanfield_prediction("tanh", 20, 64, "glorot_normal")
    frame = gradient_profile(run, prediction)
    top = frame[frame["layer"] == 20].set_index("series")["log10"]
    assert top["measured"] == pytest.approx(top["mean-field prediction"])
    assert "predicted" in describe_prediction(run, prediction)
    exploded = network_run("relu", 200, 512, "standard_normal", 4.0, batch=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = gradient_profile(exploded, meanfield_prediction("relu", 200, 512, "standard_normal", 4.0))
        text = describe_prediction(exploded, None)
    assert set(frame["series"]) == {"mean-field prediction"} or frame.empty
    assert np.isfinite(frame["log10"]).all() and "no prediction" in text


def test_fixes_swap_in_relu_and_the_matching_initializer_at_gain_one():
    assert fixed_settings("sigmoid", "small_normal", 3.0, True, True) == ("relu", "he_normal", 1.0)
    assert fixed_settings("selu", "small_normal", 3.0, True, True) == ("selu", "lecun_normal", 1.0)
    assert fixed_settings("gelu", "glorot_normal", 2.0, True, False) == ("gelu", "glorot_normal", 2.0)


def test_clipping_profile_moves_every_layer_by_the_same_factor():
    run = network_run("relu", 10, 32, "standard_normal", batch=8, clip_norm=1.0)
    frame = clipping_profile(run)
    before = frame[frame["series"] == "before clipping"].set_index("layer")["log10"]
    after = frame[frame["series"] == "after clipping"].set_index("layer")["log10"]
    np.testing.assert_allclose(before - after, -math.log10(run.clip_coefficient), rtol=1e-12)
    assert "unchanged" in describe_clipping(run, 1.0)


def test_phase_cells_clip_the_colour_and_name_dead_and_exploded_cells():
    table = pd.DataFrame(
        {
            "sigma_w": [0.5, 1.0, 3.0],
            "depth": [10, 10, 10],
            "grad_log10_ratio": [-math.inf, -0.5, 400.0],
            "meanfield_log10_ratio": [-30.0, -0.4, 350.0],
            "status": ["dead", "ok", "exploded"],
        }
    )
    cells = phase_cells(table, 20.0)
    assert list(cells["value"]) == [-20.0, -0.5, 20.0]
    assert list(cells["text"]) == ["dead (exactly 0)", "0.316", "exploded"]
    assert "σ_w = 1" in describe_phase(table, 1.0, "tanh")


def test_histogram_layers_keep_every_layer_up_to_fifty_then_spread_fifty():
    assert histogram_layers(30) == list(range(1, 31))
    spread = histogram_layers(200)
    assert len(spread) == 50 and spread[0] == 1 and spread[-1] == 200


def test_claims_table_keeps_our_re_run_in_its_own_columns_and_shows_a_share_as_a_percentage():
    claims, _ = _preset("cs231n_tanh")
    table = claims_table(claims)
    assert list(table.columns) == [
        "network",
        "quantity",
        "published",
        "where printed",
        "our re-run: median (seeds 0–7)",
        "our re-run: range",
        "agrees",
    ]
    printed = table[table["published"] != "—"]
    assert printed["published"].tolist() == ["0.213081"]
    assert (printed["agrees"] == "✓").all() and (table.loc[table["published"] == "—", "agrees"] == "—").all()
    row = table[table["quantity"].str.startswith("saturated")].iloc[0]
    assert row["our re-run: median (seeds 0–7)"].endswith("%") and row["published"] == "—"


# --- the initialization page's heatmap: shortcuts that change no cell --------------------------


@pytest.mark.parametrize(("depth", "width"), [(6, 32), (100, 16)])
def test_variance_travel_shortcuts_and_threads_give_exactly_the_cells_of_direct_runs(
    monkeypatch, depth, width
):
    import explainer.network as network

    kwargs = dict(
        depth=depth,
        width=width,
        batch=16,
        initializers=["small_normal", "lecun_normal", "he_uniform", "standard_normal", "orthogonal"],
        activations=["identity", "relu", "leaky_relu", "tanh"],
    )
    fast = variance_travel(**kwargs)
    # Direct: every (initializer, activation) network run on its own, one thread.
    monkeypatch.setattr(network, "_HOMOGENEOUS", frozenset())
    direct = variance_travel(**kwargs, workers=1)
    for column in ("forward_status", "backward_status", "forward_healthy", "backward_healthy", "healthy"):
        assert fast[column].tolist() == direct[column].tolist()
    np.testing.assert_array_equal(fast["saturated_fraction"], direct["saturated_fraction"])
    for column in ("forward_log10", "backward_log10"):
        np.testing.assert_allclose(fast[column], direct[column], rtol=1e-9, atol=1e-9)


def test_a_heatmap_cell_is_the_network_of_its_curve():
    grid = variance_travel(
        8, 32, 16, initializers=["he_normal", "small_normal"], activations=["relu", "gelu"]
    )
    for cell in grid.itertuples():
        curve = variance_travel_curve(cell.init, cell.activation, 8, 32, 16)
        assert cell.forward_log10 == pytest.approx(curve["forward_log10"].iloc[-1], abs=1e-9)
        assert cell.backward_log10 == pytest.approx(curve["backward_log10"].iloc[0], abs=1e-9)
