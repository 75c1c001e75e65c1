"""The MLP comparison page's charts: decision boundaries, learning curves, heatmaps and shares."""

import numpy as np
import pandas as pd

from explainer import charts
from explainer.charts.mlp import heatmap, learning_curves, probability_panels, share_lines
from explainer.charts.theme import LOG_LEGEND_LABELS

from .vega import layers, rows, spec

GRID = pd.DataFrame(
    {
        "activation": ["relu"] * 4 + ["tanh"] * 4,
        "x0": [0.0, 1.0, 0.0, 1.0] * 2,
        "x1": [0.0, 0.0, 1.0, 1.0] * 2,
        "probability": np.linspace(0.0, 1.0, 8),
    }
)
POINTS = pd.DataFrame({"x0": [0.1, 0.9], "x1": [0.2, 0.8], "y": [0, 1], "split": ["train", "test"]})


def test_probability_panels_cover_the_grid_cells_and_mark_activation_panels_with_their_colour():
    chart = spec(probability_panels(GRID, POINTS, {"tanh": "tanh", "relu": "ReLU"}))
    assert chart["facet"]["sort"] == ["tanh", "ReLU"]
    cells, dots, strip = layers(chart)
    # Cells of a 1-spaced grid reach half a step past the outer centres.
    assert cells["encoding"]["x"]["scale"]["domain"] == [-0.5, 1.5]
    assert dots["encoding"]["shape"]["scale"]["range"] == ["circle", "triangle-up"]
    assert strip["encoding"]["stroke"]["scale"]["range"] == [
        charts.activation_color("tanh"),
        charts.activation_color("relu"),
    ]
    # Panels named by something else than an activation get no strip.
    other = GRID.assign(activation=GRID["activation"].map({"relu": "a", "tanh": "b"}))
    assert len(layers(spec(probability_panels(other, POINTS, {"a": "A", "b": "B"})))) == 2


def test_learning_curves_draw_chance_as_a_rule_only_when_given():
    history = pd.DataFrame(
        {"key": "relu", "label": "ReLU", "epoch": [0, 1], "loss": [0.7, 0.2], "test_accuracy": [0.5, 0.9]}
    )
    loss, accuracy = spec(learning_curves(history, chance=0.55))["hconcat"]
    assert loss["encoding"]["y"]["scale"] == {"type": "log"}
    chance = next(
        d for d in spec(learning_curves(history, chance=0.55))["datasets"].values() if "chance" in d[0]
    )
    assert chance == [{"chance": 0.55}] and len(accuracy["layer"]) == 2
    assert "layer" not in spec(learning_curves(history))["hconcat"][1]


def test_a_log_heatmap_drops_non_positive_cells_and_stacks_one_heatmap_per_row_value():
    data = pd.DataFrame(
        {"epoch": [1, 2, 1, 2], "layer": [1, 1, 2, 2], "v": [0.1, 0.0, 1e-3, 2.0], "net": list("aabb")}
    )
    chart = heatmap(data, "epoch", "layer", "v", rows="net", row_order=["b", "a"])
    assert [row["v"] for row in rows(chart)[0]] == [0.1, 1e-3, 2.0]
    assert spec(chart)["facet"]["row"]["sort"] == ["b", "a"]
    linear = heatmap(data, "epoch", "layer", "v", log_color=False)
    assert len(rows(linear)[0]) == 4 and "type" not in spec(linear)["encoding"]["color"]["scale"]
    # The log legend's ends are the data's: labelled to one digit by the log rule (0.3, 2e-6),
    # not to six (0.275631, seen in Chromium) nor as 3e-1.
    assert spec(chart)["spec"]["encoding"]["color"]["legend"]["labelExpr"] == LOG_LEGEND_LABELS
    assert "labelExpr" not in spec(linear)["encoding"]["color"]["legend"]


def test_share_lines_show_zero_to_one_as_percentages():
    data = pd.DataFrame({"epoch": [1, 2], "share": [0.0, 0.4], "layer": ["1", "1"]})
    y = spec(share_lines(data, "epoch", "share", "layer"))["encoding"]["y"]
    assert y["scale"] == {"domain": [0, 1]} and y["axis"] == {"format": "%"}
