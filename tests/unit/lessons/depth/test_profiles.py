"""The depth page's chart rows and sentences, written from a run's numbers."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from explainer.lessons.depth.profiles import (
    PATH_SERIES,
    clipping_profile,
    describe_clipping,
    describe_path,
    describe_prediction,
    fixed_settings,
    gradient_profile,
    histogram_layers,
    path_products,
)
from explainer.network import meanfield_prediction, network_run


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
    # The forward pass exploded: every measured gradient is beyond float64, and the prediction has
    # no finite top layer to stand on, so nothing is drawn.
    assert exploded.exploded_at is not None and frame.empty
    assert "no prediction" in text


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


def test_histogram_layers_keep_every_layer_up_to_fifty_then_spread_fifty():
    assert histogram_layers(30) == list(range(1, 31))
    spread = histogram_layers(200)
    assert len(spread) == 50 and spread[0] == 1 and spread[-1] == 200


def _log10_rows_in_three_steps(layers, log10_values, series, **extra):
    """``_log10_rows`` as it was written first: a frame, its finite rows, then the text columns."""
    from explainer.lessons.depth.profiles import _power_text

    frame = pd.DataFrame(
        {"layer": np.asarray(layers, dtype=int), "log10": np.asarray(log10_values, dtype=float)}
    )
    frame = frame[np.isfinite(frame["log10"])]
    return frame.assign(series=series, text=[_power_text(v) for v in frame["log10"]], **extra)


@pytest.mark.parametrize(
    "values",
    [
        [-3.0, -1.5, 0.0, 2.25],
        [-np.inf, -2.0, np.inf, 400.0, -350.5],
        [np.inf, -np.inf],
    ],
)
def test_log10_rows_built_in_one_frame_equal_the_three_step_rows(values):
    from explainer.lessons.depth.profiles import _log10_rows

    layers = pd.Series(range(1, len(values) + 1))
    for extra in ({}, {"key": "tanh"}, {"theory": True}):
        expected = _log10_rows_in_three_steps(layers, pd.Series(values), "measured", **extra)
        found = _log10_rows(layers, pd.Series(values), "measured", **extra)
        pd.testing.assert_frame_equal(found, expected, check_exact=True)
