"""Chart hygiene: log axes tick at 1-2-5 or whole decades and keep 1, counts tick at whole
numbers, a line that would hide under another is dashed, lines stay inside fixed frames."""

from __future__ import annotations

import itertools
import json
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer import charts
from explainer.charts.theme import DASHED, LOG_LABELS, SOLID
from explainer.lessons.home.story import slope_bounds
from tests.specs import mantissa, spec_nodes


def encodings(spec: dict) -> list[dict]:
    """Every encoding of a built spec."""
    return [node["encoding"] for node in spec_nodes(spec) if isinstance(node.get("encoding"), dict)]


def marks(spec: dict) -> list[dict]:
    """Every mark of a built spec, as a dict."""
    return [
        node["mark"] if isinstance(node["mark"], dict) else {"type": node["mark"]}
        for node in spec_nodes(spec)
        if "mark" in node
    ]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.6, 9.0, [0.1, 0.2, 0.5, 1, 2, 5, 10]),
        (0.3, 0.35, [0.1, 0.2, 0.5, 1]),
        (2e-5, 0.7, [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1]),
        (1e-12, 1.0, [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]),
    ],
)
def test_log_ticks_are_one_two_five_or_decades(low, high, expected):
    assert charts.log_ticks(low, high) == pytest.approx(expected)


@pytest.mark.parametrize(("low", "high"), [(0, 1), (-1, 2), (math.nan, 1), (1, math.inf), (2, 1)])
def test_log_ticks_of_a_range_a_log_axis_cannot_show_are_left_to_vega(low, high):
    assert charts.log_ticks(low, high) == []


@given(st.floats(-30, 30), st.floats(0, 40))
def test_log_ticks_cover_the_range_keep_one_and_stay_few(log_low, span):
    low, high = 10.0**log_low, 10.0 ** (log_low + span)
    ticks = charts.log_ticks(low, high)
    assert 2 <= len(ticks) <= charts.LOG_TICKS_MOST
    # Within one tick step of either end (every k-th decade may stop short of the last).
    step = max(b / a for a, b in itertools.pairwise(ticks))
    assert ticks[0] <= low * step * (1 + 1e-9) and ticks[-1] * step >= high * (1 - 1e-9)
    assert {mantissa(t) for t in ticks} <= {1, 2, 5}
    if ticks[0] <= 1 <= ticks[-1]:
        assert 1.0 in ticks


def test_the_slope_bound_chart_keeps_tanh_visible_over_relu_and_ticks_at_one():
    bounds = slope_bounds()
    spec = charts.line_chart(bounds, "depth", "bound", series="label", log_y=True).to_dict()
    encoding = spec["encoding"]
    scale = encoding["strokeDash"]["scale"]
    dashes = dict(zip(scale["domain"], scale["range"], strict=True))
    ones = [label for label, group in bounds.groupby("label") if (group["bound"] == 1).all()]
    assert len(ones) >= 2, "tanh and ReLU both bound the slope by 1"
    assert len({tuple(dashes[label]) for label in ones}) == len(ones), dashes
    values = encoding["y"]["axis"]["values"]
    assert 1.0 in values and {mantissa(v) for v in values} <= {1, 2, 5}
    assert encoding["x"]["axis"] == {"format": "d", "tickMinStep": 1}


def test_overlap_dashes_dash_only_a_line_drawn_over_an_earlier_one():
    frame = pd.DataFrame(
        {"x": [0, 1, 2] * 3, "y": [1, 2, 3, 1, 2, 3, 3, 2, 1], "s": ["a"] * 3 + ["b"] * 3 + ["c"] * 3}
    )
    assert charts.overlap_dashes(frame, "x", "y", "s", ["a", "b", "c"], [SOLID] * 3) == [SOLID, DASHED, SOLID]
    # A line already dashed keeps its dash; a third copy takes a dash the two under it lack.
    frame = pd.concat([frame, frame[frame["s"] == "a"].assign(s="d")])
    assert charts.overlap_dashes(frame, "x", "y", "s", ["a", "b", "c", "d"], [SOLID] * 4)[3] not in (
        SOLID,
        DASHED,
    )


def test_loss_curves_tick_their_log_axis_from_the_rows_and_the_template_agrees():
    data = pd.DataFrame(
        {"step": [0, 1, 2, 0, 1, 2], "loss": [0.7, 0.5, 0.3, 0.7, 0.6, 0.55], "run": list("aaabbb")}
    )
    _, shape = charts.loss_curve_rows(data, "loss", "run")
    assert shape["y_ticks"] == (0.1, 0.2, 0.5, 1.0)
    built = charts.loss_curves(data, "step", "loss", "run").to_dict()
    template = charts.loss_curves_template("step", "loss", "run", **shape).to_dict()
    for spec in (built, template):
        [y] = {str(e["y"]["axis"]["values"]) for e in encodings(spec) if "y" in e and "axis" in e["y"]}
        assert y == str([0.1, 0.2, 0.5, 1.0])


def test_learning_curves_tick_loss_at_one_two_five_and_epochs_at_integers():
    history = pd.DataFrame(
        {
            "key": ["relu"] * 3,
            "label": ["ReLU"] * 3,
            "epoch": [1, 2, 3],
            "loss": [0.69, 0.4, 0.2],
            "test_accuracy": [0.5, 0.7, 0.9],
        }
    )
    spec = charts.learning_curves(history).to_dict()
    loss = [e for e in encodings(spec) if e.get("y", {}).get("field") == "loss"]
    assert loss and loss[0]["y"]["axis"]["values"] == [0.1, 0.2, 0.5, 1.0]
    assert all(
        e["x"]["axis"]["format"] == "d" for e in encodings(spec) if e.get("x", {}).get("field") == "epoch"
    )


def test_facet_lines_with_a_fixed_domain_clip_and_clamp_their_lines():
    data = pd.DataFrame(
        {"t": [0, 1, 0, 1], "v": [0.5, 9.0, 0.2, 0.1], "s": ["a", "a", "b", "b"], "f": ["p", "p", "q", "q"]}
    )
    spec = charts.facet_lines(data, "t", "v", "s", "f", y_domain=(0, 1)).to_dict()
    assert all(mark.get("clip") for mark in marks(spec) if mark["type"] == "line")
    y = [e["y"] for e in encodings(spec) if "y" in e]
    assert y and all(axis["scale"].get("clamp") for axis in y)


def test_relu_stays_visible_under_leaky_relu_and_elu_on_the_activation_curves():
    spec = charts.curves_template(["relu", "leaky_relu", "elu"], ["ReLU", "Leaky ReLU", "ELU"]).to_dict()
    [dash] = {
        json.dumps(e["strokeDash"]["scale"]) for e in encodings(spec) if "field" in e.get("strokeDash", {})
    }
    ranges = json.loads(dash)["range"]
    assert ranges[0] == SOLID and len({tuple(r) for r in ranges}) == 3, ranges


def test_a_capped_log_loss_axis_starts_at_a_decade_and_ticks_only_inside_its_domain():
    # The clipping section's chart: a scale clamped to [low, cap]. A tick below the domain was
    # drawn at the bottom edge, labelling a loss of 0.046 as 0.01.
    for losses, cap, domain in (([24.6, 0.3, 0.046], 100.0, [0.01, 100.0]), ([3.0, 0.7], 50.0, [0.1, 50.0])):
        data = pd.DataFrame({"step": range(len(losses)), "loss": losses, "run": "a"})
        _, shape = charts.loss_curve_rows(data, "loss", "run", y_max=cap)
        assert shape["y_domain"] == domain
        low, high = shape["y_domain"]
        assert shape["y_ticks"][0] == low and all(low <= t <= high for t in shape["y_ticks"])
        spec = charts.loss_curves(data, "step", "loss", "run", y_max=cap).to_dict()
        axes = [e["y"] for e in encodings(spec) if "y" in e and "axis" in e["y"]]
        assert axes and all(y["axis"]["values"] == list(shape["y_ticks"]) for y in axes)
        assert all(e["y"]["scale"]["domain"] == domain for e in encodings(spec) if "scale" in e.get("y", {}))


def test_log_axes_label_small_values_as_powers_of_ten():
    # "~g" alone wrote 0.00001 and 0.000001, then 1e-7, on one axis (the home page's charts).
    data = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 1e-3, 2e-7], "run": "a"})
    axes = [e["y"]["axis"] for e in encodings(charts.loss_curves(data, "step", "loss", "run").to_dict())]
    assert axes and all(axis["labelExpr"] == LOG_LABELS for axis in axes if "values" in axis)
    assert "'.0e'" in LOG_LABELS and "< 0.001" in LOG_LABELS and ">= 1e5" in LOG_LABELS
