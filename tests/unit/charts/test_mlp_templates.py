"""The MLP page's charts as templates: rows by name only, one spec for every setting."""

import json

import pandas as pd

from explainer.charts.mlp import learning_curves, probability_panels

from .vega import layers, spec

HISTORY = pd.DataFrame(
    {
        "key": ["relu", "relu", "tanh", "tanh"],
        "label": ["ReLU", "ReLU", "tanh", "tanh"],
        "epoch": [0, 1, 0, 1],
        "loss": [0.7, 0.5, 0.7, 0.6],
        "test_accuracy": [0.5, 0.8, 0.5, 0.7],
    }
)


def named_data(chart_spec: dict) -> set[str]:
    """The names of every dataset the spec reads, anywhere in it."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and "name" in node["data"]:
                found.add(node["data"]["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart_spec)
    return found


def test_the_boundary_template_reads_grid_and_points_by_name_and_carries_no_rows():
    chart = spec(probability_panels(None, None, {"tanh": "tanh", "relu": "relu"}, named=True))
    # A page replaces the spec's datasets with its own: a template must not bring any.
    assert "datasets" not in chart
    assert named_data(chart) == {"grid", "points"}
    assert chart["facet"]["sort"] == {"field": "order", "op": "min"}
    cells, dots, strip = layers(chart)
    # The square comes from the cells, whose size comes from the rows' own spacing.
    assert "domain" not in cells["encoding"]["x"]["scale"]
    # Per panel: Vega-Lite 6.4 fails to compile a facet's joinaggregate without a groupby.
    [join] = [t for t in cells["transform"] if "joinaggregate" in t]
    assert join["groupby"] == ["activation"]
    assert dots["data"] == {"name": "points"}
    assert strip["encoding"]["x"]["field"] == "left"


def test_the_boundary_template_is_one_spec_whatever_the_grid():
    a = probability_panels(None, None, {"relu": "ReLU: test accuracy 0.50"}, named=True).to_dict()
    b = probability_panels(
        None, None, {"relu": "ReLU: test accuracy 0.97"}, named=True, lecture=False
    ).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_curves_template_reads_the_history_by_name_chance_included():
    chart = spec(learning_curves(HISTORY, chance=0.55, epochs=200, named=True))
    assert "datasets" not in chart and named_data(chart) == {"history"}
    loss, accuracy = chart["hconcat"]
    assert loss["encoding"]["x"]["scale"]["domain"] == [0, 200]
    [rule] = [layer for layer in accuracy["layer"] if layer["mark"]["type"] == "rule"]
    assert {"calculate": "0.55", "as": "chance"} in rule["transform"]


def test_the_template_pads_each_cell_by_1_1_half_steps_as_the_inline_chart_does():
    # The inline chart's square is the grid's ± half a step; the template's, the cells' own
    # extent, ± 1.1 half steps: the same picture, clipped a tenth of half a cell wider.
    grid = pd.DataFrame(
        {"activation": "relu", "x0": [0.0, 1.0, 0.0, 1.0], "x1": [0.0, 0.0, 1.0, 1.0], "probability": 0.5}
    )
    inline = layers(spec(probability_panels(grid, grid.iloc[:0], {"relu": "ReLU"})))[0]
    named = layers(spec(probability_panels(None, None, {"relu": "ReLU"}, named=True)))[0]
    assert inline["encoding"]["x"]["scale"]["domain"] == [-0.5, 1.5]
    [pads] = [t for t in named["transform"] if "calculate" in t and t["as"] == "pad_x"]
    assert pads["calculate"].startswith("1.1 * ")
