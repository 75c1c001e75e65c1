"""Curves, zones and the sentences written from them."""

import numpy as np
import pytest

from explainer import ACTIVATIONS, Chosen, activation_curves, parse_activation
from explainer.curves import CLIP_LIMIT, describe_slopes, describe_zones, intervals, power_text, sanitize


def test_curves_are_tidy_with_both_panels_for_each_activation():
    chosen = [Chosen(ACTIVATIONS[k]) for k in ("sigmoid", "relu")]
    curves = activation_curves(chosen, -4, 4, points=81).curves
    assert list(curves.columns) == ["key", "label", "x", "panel", "value"]
    assert len(curves) == 2 * 2 * 81
    relu_grad = curves[(curves["key"] == "relu") & (curves["panel"] == "f'(x)")]
    np.testing.assert_array_equal(relu_grad["value"], (relu_grad["x"] > 0).astype(float))


def test_relu_is_dead_left_of_zero_and_sigmoid_saturates_on_both_sides():
    zones = activation_curves([Chosen(ACTIVATIONS["relu"]), Chosen(ACTIVATIONS["sigmoid"])], -6, 6).zones
    relu_dead = zones[(zones["key"] == "relu") & (zones["kind"] == "dead")]
    assert relu_dead[["x_start", "x_end"]].values.tolist() == [[-6.0, 0.0]]
    sigmoid = zones[(zones["key"] == "sigmoid") & (zones["kind"] == "saturated")]
    assert len(sigmoid) == 2 and (zones[zones["key"] == "sigmoid"]["kind"] != "dead").all()


def test_zone_sentences_quote_the_share_of_the_range():
    curve_set = activation_curves([Chosen(ACTIVATIONS["relu"])], -6, 6)
    (sentence,) = describe_zones(curve_set)
    assert "f' = 0 exactly for x < 0 (50% of the range shown)" in sentence


def test_x_range_is_ordered_and_clamped():
    curves = activation_curves([Chosen(ACTIVATIONS["tanh"])], 1e9, -1e9, points=11).curves
    assert curves["x"].min() == -50 and curves["x"].max() == 50
    degenerate = activation_curves([Chosen(ACTIVATIONS["tanh"])], 2.0, 2.0, points=11).curves
    assert degenerate["x"].max() > degenerate["x"].min()


def test_overflow_is_clipped_with_a_message_and_nan_left_as_a_gap():
    curve_set = activation_curves(
        [Chosen(parse_activation("exp(1000*x)")), Chosen(parse_activation("log(x)"))], -2, 2
    )
    values = curve_set.curves["value"]
    assert values.abs().max() <= CLIP_LIMIT and not np.isinf(values).any()
    assert any("clipped" in m for m in curve_set.messages)
    assert any("undefined (NaN)" in m and "gap" in m for m in curve_set.messages)
    log_f = curve_set.curves[
        (curve_set.curves["label"] == "typed: log(x)") & (curve_set.curves["panel"] == "f(x)")
    ]
    assert log_f.loc[log_f["x"] < 0, "value"].isna().all()


def test_sanitize_counts():
    clean, over, nan = sanitize(np.array([1.0, np.inf, -1e9, np.nan]))
    assert (over, nan) == (2, 1)
    assert clean[:3].tolist() == [1.0, CLIP_LIMIT, -CLIP_LIMIT]


def test_intervals_finds_runs():
    x = np.arange(6.0)
    assert intervals(x, np.array([1, 1, 0, 0, 1, 0], dtype=bool)) == [(0.0, 1.0), (4.0, 4.0)]
    assert intervals(x, np.zeros(6, dtype=bool)) == []


def test_slope_sentence_is_written_from_the_peak_slopes():
    text = describe_slopes([Chosen(ACTIVATIONS["sigmoid"]), Chosen(ACTIVATIONS["tanh"])], depth=10)
    assert "max |f'| = 0.25" in text and "0.25^10 = 9.5e-07" in text and "tanh allows up to 1^10 = 1" in text


@pytest.mark.parametrize(
    ("base", "exponent", "text"),
    [(0.25, 10, "9.5e-07"), (1e300, 10, "1.0e+3000"), (1e-300, 3, "1.0e-900"), (0.0, 5, "0")],
)
def test_power_text_never_overflows(base, exponent, text):
    assert power_text(base, exponent) == text
