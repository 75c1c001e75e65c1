"""Curves, zones and the sentences written from them."""

import math
import re

import numpy as np
import pytest

from explainer import ACTIVATIONS, Chosen, activation_curves, parse_activation
from explainer.curves import (
    CLIP_LIMIT,
    X_LIMIT,
    breaks_of,
    describe_slopes,
    describe_zones,
    find_breaks,
    intervals,
    markdown_escape,
    power_text,
    sanitize,
)


def test_curves_are_tidy_with_both_panels_for_each_activation():
    chosen = [Chosen(ACTIVATIONS[k]) for k in ("sigmoid", "relu")]
    curves = activation_curves(chosen, -4, 4, points=81).curves
    assert list(curves.columns) == ["key", "label", "x", "panel", "value", "segment"]
    assert (curves["segment"] == 1).all()  # continuous: one unbroken line each
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


def test_overflow_is_clipped_with_a_message_and_undefined_values_are_a_gap_without_nan():
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
    assert log_f["x"].min() > 0 and not curve_set.curves["value"].isna().any()


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


def test_slope_sentence_is_computed_on_the_range_shown_and_names_it():
    text = describe_slopes(
        [Chosen(ACTIVATIONS["sigmoid"]), Chosen(parse_activation("exp(x)"))], x_min=-6, x_max=6
    )
    assert "x from −6 to 6" in text
    assert f"up to {math.exp(6):.3g}^10" in text  # 403: the chart's top, not e^50 = 5.18e+21
    assert "5.18e+21" not in text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("1/x", "next to x ≈ 0, where f is infinite"),
        ("tan(x)", "next to x ≈ −4.712, −1.571"),
        ("sqrt(x)", "towards x ≈ 0, where f' stops being defined"),
    ],
)
def test_slope_sentence_says_a_slope_that_grows_without_bound_has_no_peak(text, where):
    sentence = describe_slopes([Chosen(parse_activation(text))], x_min=-6, x_max=6)
    assert where in sentence and "grows without bound" in sentence
    assert "^10" not in sentence  # no number raised to the depth for it


def test_typed_labels_are_escaped_for_markdown_in_every_sentence():
    chosen = [Chosen(parse_activation("x**2"))]
    curve_set = activation_curves(chosen, -6, 6, points=201)
    for sentence in [*describe_zones(curve_set), describe_slopes(chosen, x_min=-6, x_max=6)]:
        assert "x\\*\\*2" in sentence
    assert markdown_escape("where(x < 0, x, $1)") == "where(x \\< 0, x, \\$1)"


def test_a_pole_is_a_gap_in_both_panels_with_a_message_not_a_spike():
    curve_set = activation_curves([Chosen(parse_activation("1/x"))], -6, 6, points=201)
    curves = curve_set.curves
    assert 0.0 not in set(curves["x"])  # no point drawn at the pole, in either panel
    slope = curves[curves["panel"] == "f'(x)"]
    assert (slope["value"] < 0).all()  # -1/x², never the old +2.8e10 spike across the pole
    for panel in ("f(x)", "f'(x)"):
        line = curves[curves["panel"] == panel]
        assert sorted(line["segment"].unique()) == [1, 2]
        assert (
            line.loc[line["x"] < 0, "segment"].nunique() == 1
            and line.loc[line["x"] > 0, "segment"].nunique() == 1
        )
    assert any("f is infinite (undefined) at x ≈ 0" in m and "gap" in m for m in curve_set.messages)


def test_a_pole_between_grid_points_and_a_jump_break_the_line_too():
    tan = activation_curves([Chosen(parse_activation("tan(x)"))], -3, 3, points=200)
    assert tan.curves.groupby("panel")["segment"].nunique().tolist() == [3, 3]  # poles at ±π/2
    assert any("x ≈ −1.571, 1.571" in m for m in tan.messages)
    step = activation_curves([Chosen(parse_activation("where(x >= 0, 1, -1)"))], -6, 6, points=201)
    assert step.curves.groupby("panel")["segment"].nunique().tolist() == [2, 2]
    assert any("f jumps at x ≈ 0" in m for m in step.messages)
    assert (step.curves.loc[step.curves["panel"] == "f'(x)", "value"] == 0).all()  # no spike at the jump


def test_continuous_functions_are_not_broken_even_when_steep_or_kinked():
    texts = ["exp(x)", "sin(1e10*x)", "max(0, x)", "abs(x)", "sigmoid(1000*x)", "x**2"]
    curve_set = activation_curves([Chosen(parse_activation(t)) for t in texts], -6, 6, points=201)
    assert (curve_set.curves["segment"] == 1).all() and not curve_set.messages


@pytest.mark.parametrize("text", ["x**2", "abs(x)", "x**3", "0*x", "log(x)", "1/x"])
def test_zones_and_sentences_have_no_degenerate_interval_and_no_nan(text):
    curve_set = activation_curves([Chosen(parse_activation(text))], -6, 6, points=201)
    assert (curve_set.zones["x_end"] > curve_set.zones["x_start"]).all()
    for sentence in describe_zones(curve_set):
        assert not re.search(r"([-−]?[\d.]+) < x < \1\b", sentence), sentence
        assert "nan" not in sentence.lower() and "for everywhere" not in sentence


def test_zone_sentence_for_a_function_undefined_on_the_whole_range():
    curve_set = activation_curves([Chosen(parse_activation("log(x)"))], -6, -1, points=51)
    (sentence,) = describe_zones(curve_set)
    assert "undefined everywhere shown" in sentence and "nan" not in sentence.lower()
    assert "undefined on the whole range shown" in describe_slopes(
        [Chosen(parse_activation("log(x)"))], x_min=-6, x_max=-1
    )


@pytest.mark.parametrize(
    ("base", "exponent", "text"),
    [(0.25, 10, "9.5e-07"), (1e300, 10, "1.0e+3000"), (1e-300, 3, "1.0e-900"), (0.0, 5, "0")],
)
def test_power_text_never_overflows(base, exponent, text):
    assert power_text(base, exponent) == text


def _parameter_settings(activation):
    """Defaults, then each parameter alone at the ends of its slider."""
    yield {}
    for param in activation.params:
        yield {param.name: param.low}
        yield {param.name: param.high}


@pytest.mark.parametrize("key", sorted(ACTIVATIONS))
def test_every_registry_function_is_continuous_so_its_breaks_can_be_skipped(key):
    """``breaks_of`` skips the search for a registry function (``Activation.continuous``): the
    search itself must find nothing, at every parameter's ends, on the page's grids (201 points
    of a range, 4001 for the slope sentence), around the kinks too."""
    activation = ACTIVATIONS[key]
    assert activation.continuous and not parse_activation("x").continuous
    # The slider's ranges where the search once found a jump in rounding noise: tanh beyond 17.7,
    # hard sigmoid at 3 and hard swish at its minimum (−1.5), once even "infinite" there.
    ranges = [(-20, 20), (-10, 18), (-11.5, 17.5), (-15.5, 16.5), (-8.5, 7.5), (-6, 6), (-1e-3, 2e-3)]
    grids = [np.linspace(-X_LIMIT, X_LIMIT, 4001)] + [np.linspace(a, b, 201) for a, b in ranges]
    for params in _parameter_settings(activation):
        item = Chosen(activation, params)
        for x in grids:
            f = activation.f(x, params)
            found = find_breaks(lambda z, params=params: activation.f(z, params), x, f)
            skipped = breaks_of(item, x, f)
            assert not found.points.any() and not found.steps.any(), (key, params)
            assert np.array_equal(found.points, skipped.points) and np.array_equal(found.steps, skipped.steps)
            assert found.where.size == skipped.where.size == 0 and skipped.sentence(x) == ""


def test_a_typed_function_is_searched_for_breaks():
    x = np.linspace(-6, 6, 201)
    item = Chosen(parse_activation("where(x >= 0, 1, -1)"))
    breaks = breaks_of(item, x, item.activation.f(x))
    assert breaks.steps.sum() == 1 and "f jumps at x ≈ 0" in breaks.sentence(x)


def test_where_f_has_rounded_to_a_constant_it_does_not_jump_but_a_real_jump_is_still_found():
    """On x in [−50, 50], tanh(x) is ±1 in float64 beyond 19, sigmoid 1 beyond 37, and
    log(1 + exp(x)) is rounding noise below −35: a last ulp of change there once read "f jumps
    at x ≈ 35.13" beside a gap in the line. A jump next to a huge f (exp(x) near 50) is kept."""
    smooth = ["tanh(x)", "sigmoid(x)", "log(1+exp(x))", "x*(1+erf(x/sqrt(2)))/2"]
    for points in (201, 4001):
        curve_set = activation_curves([Chosen(parse_activation(t)) for t in smooth], -50, 50, points)
        assert not curve_set.messages and (curve_set.curves["segment"] == 1).all()
    for text, where in [("exp(x)+where(x>=0.05,1,0)", "0.05"), ("where(x>=0.1, 1e-300, 0)", "0.1")]:
        (message, *_) = activation_curves([Chosen(parse_activation(text))], -50, 50, 201).messages
        assert f"f jumps at x ≈ {where}." in message


@pytest.mark.parametrize("x_range", [(-6.0, 6.0), (-20.0, 20.0), (-2.0, 3.0), (-3.5, -2.5)])
def test_a_typed_copy_of_a_registry_function_gets_the_same_zones_and_sentence(x_range):
    """Typed Leaky ReLU once "dipped below 0.01" all along x < 0 (its numerical f' is 0.01 less
    rounding), and typed tanh(x) was "f' = 0 exactly for x < −16" where float64 rounds it to −1.
    One exception stays: typed GELU's 1 + erf(x/√2) is exactly 0 below x ≈ −10 in float64, so
    on a range wholly there its f is 0 and so is its f'."""
    from tests.unit.test_properties import TYPED_COPIES

    for key, text in TYPED_COPIES.items():
        if key == "gelu" and x_range[1] < -10:
            continue
        registry = activation_curves([Chosen(ACTIVATIONS[key])], *x_range)
        typed = activation_curves([Chosen(parse_activation(text))], *x_range)
        assert describe_zones(typed)[0].split("**: ")[1] == describe_zones(registry)[0].split("**: ")[1], key
        columns = ["kind", "x_start", "x_end"]
        assert typed.zones[columns].equals(registry.zones[columns]), key


def test_isolated_dips_are_listed_apart_with_a_true_minus_sign():
    """f' = sin(πx/0.4) is 0 at every other point of a 0.2-step grid: those dips once read
    "x = -20, -20, -19" (two digits for −20, −19.6, −19.2)."""
    text = "-0.4/3.141592653589793*cos(x*3.141592653589793/0.4)"
    (sentence,) = describe_zones(activation_curves([Chosen(parse_activation(text))], -20, 20, 201))
    assert "only near x = −20, −19.6, −19.2 …, on no stretch as wide as the grid step (0.2)" in sentence
