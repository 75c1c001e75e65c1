"""The MLP page's charts as templates: rows by name only, one spec for every setting."""

import json

import pandas as pd

from explainer.charts.mlp import heatmap, heatmap_rows, heatmap_template, learning_curves, probability_panels
from explainer.charts.theme import SCREENS

from .vega import decode_png, layers, spec

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


def test_the_boundary_template_reads_pictures_and_points_by_name_and_carries_no_rows():
    chart = spec(probability_panels(None, None, {"tanh": "tanh", "relu": "relu"}, named=True))
    # A page replaces the spec's datasets with its own: a template must not bring any.
    assert "datasets" not in chart
    assert named_data(chart) == {"pictures", "points"}
    assert chart["facet"]["sort"] == {"field": "order", "op": "min"}
    picture, key, dots, strip = layers(chart)
    # One image per panel spanning its square, which the pictures' own extent sets.
    assert picture["mark"]["type"] == "image" and picture["mark"]["aspect"] is False
    assert [picture["encoding"][c]["field"] for c in ("x", "x2", "y", "y2", "url")] == [
        "left", "right", "bottom", "top", "url"
    ]  # fmt: skip
    assert "domain" not in picture["encoding"]["x"]["scale"]
    # The legend of P(class 1) comes from a layer that draws nothing, on the pictures' scale.
    assert key["mark"]["opacity"] == 0
    assert key["encoding"]["color"]["scale"]["interpolate"] == "rgb"
    assert dots["data"] == {"name": "points"}
    assert strip["encoding"]["x"]["field"] == "left" and strip["encoding"]["y"]["field"] == "top"


def test_a_boundary_picture_has_a_pixel_per_grid_cell_in_the_colour_of_its_probability():
    import numpy as np

    from explainer.charts.mlp import PROBABILITY_RANGE, boundary_pictures, probability_colors
    from explainer.lessons.mlp.tables import titled_grid

    x0, x1 = np.meshgrid(np.linspace(-1.0, 2.0, 4), np.linspace(0.0, 1.0, 3))
    probability = np.linspace(0.0, 1.0, x0.size)
    grid = pd.concat(
        [
            pd.DataFrame({"activation": key, "x0": x0.ravel(), "x1": x1.ravel(), "probability": p})
            for key, p in (("relu", probability), ("tanh", 1.0 - probability))
        ]
    )
    pictures = boundary_pictures(titled_grid(grid, {"tanh": "tanh first", "relu": "ReLU"}))
    assert pictures["activation"].tolist() == ["tanh", "relu"] and pictures["order"].tolist() == [0, 1]
    relu = pictures.set_index("activation").loc["relu"]
    # The square is the grid ± half a step: 1 wide in x0, 0.5 high in x1.
    assert (relu["left"], relu["right"], relu["bottom"], relu["top"]) == (-1.5, 2.5, -0.25, 1.25)
    pixels = decode_png(relu["url"])
    assert pixels.shape == (3, 4, 3)
    for value, a, b in zip(probability, x0.ravel(), x1.ravel(), strict=True):
        row, column = 2 - round(b / 0.5), round(a + 1.0)  # the top row is the largest x1
        assert (pixels[row, column] == probability_colors(np.array([value]))[0]).all()
    ends = probability_colors(np.array([0.0, 0.5, 1.0]))
    assert [f"#{r:02X}{g:02X}{b:02X}" for r, g, b in ends] == list(PROBABILITY_RANGE)


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


def test_the_pictures_square_is_the_inline_charts():
    # The inline chart's square is the grid's ± half a step; so is each picture's.
    from explainer.charts.mlp import boundary_pictures
    from explainer.lessons.mlp.tables import titled_grid

    grid = pd.DataFrame(
        {"activation": "relu", "x0": [0.0, 1.0, 0.0, 1.0], "x1": [0.0, 0.0, 1.0, 1.0], "probability": 0.5}
    )
    inline = layers(spec(probability_panels(grid, grid.iloc[:0], {"relu": "ReLU"})))[0]
    [picture] = boundary_pictures(titled_grid(grid, {"relu": "ReLU"})).to_dict("records")
    assert inline["encoding"]["x"]["scale"]["domain"] == [picture["left"], picture["right"]] == [-0.5, 1.5]
    assert inline["encoding"]["y"]["scale"]["domain"] == [picture["bottom"], picture["top"]] == [-0.5, 1.5]


def _layer_rows(scale: float, runs=("sigmoid", "ReLU")) -> pd.DataFrame:
    """Two runs' per-layer values at steps 0, 15, 30, 40; one value 0 (a dead layer's)."""
    rows = [
        {"run": run, "step": step, "layer": layer, "v": scale * (k + 1) * layer * (step + 1)}
        for k, run in enumerate(runs)
        for step in (0, 15, 30, 40)
        for layer in (1, 2, 3)
    ]
    rows[4]["v"] = 0.0
    return pd.DataFrame(rows)


def test_the_heatmap_template_given_its_rows_is_the_heatmap_chart():
    options = dict(rows="run", x_title="step", y_title="layer", value_title="‖∂loss/∂W‖", lecture=True)
    for screen in SCREENS:
        data = _layer_rows(1e-3)
        inline = spec(heatmap(data, "step", "layer", "v", **options, screen=screen))
        frame, shape = heatmap_rows(data, "step", "v", rows="run")
        assert shape == {"half": 5.0, "x_domain": (-5.0, 45.0), "row_order": ["sigmoid", "ReLU"]}
        assert len(frame) == len(data) - 1
        template = spec(heatmap_template("step", "layer", "v", **shape, **options, screen=screen))
        assert template["data"] == {"name": "data"} and "datasets" not in template
        [(name, drawn)] = inline.pop("datasets").items()
        assert inline.pop("data") == {"name": name}
        assert drawn == json.loads(frame.to_json(orient="records"))
        del template["data"]
        assert template == inline


def test_the_heatmap_template_is_one_spec_for_every_run_with_the_same_blocks_and_steps():
    first = heatmap_rows(_layer_rows(1e-3), "step", "v", rows="run")
    second = heatmap_rows(_layer_rows(7.0), "step", "v", rows="run")
    assert not first[0]["v"].equals(second[0]["v"]) and first[1] == second[1]
    other = heatmap_rows(_layer_rows(1e-3, runs=("tanh", "ReLU")), "step", "v", rows="run")
    assert other[1]["row_order"] == ["tanh", "ReLU"]


def test_heatmap_cells_overlap_their_neighbours_but_the_axis_ends_at_the_grids_edges():
    # Cells exactly a step wide leave anti-aliased seams between them; the overlap hides them,
    # and the clipped scale keeps the first and last columns as wide as the others.
    chart = spec(heatmap(_layer_rows(1.0), "step", "layer", "v", rows="run"))
    inner = chart["spec"]
    assert {"calculate": "datum['step'] + 5.5", "as": "x_high"} in inner["transform"]
    assert inner["encoding"]["x"]["scale"]["domain"] == [-5.0, 45.0]
    assert inner["mark"] == {"type": "rect", "clip": True}
