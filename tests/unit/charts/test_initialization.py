"""The initialization page's charts: the variance-travel heatmaps and curve, histograms, bias panels."""

import json
import math
import re

import pandas as pd
import pytest

from explainer.charts.initialization import (
    TRAVEL_CLIP,
    TRAVEL_HEADER_ROOM,
    TRAVEL_LABEL_ROOM,
    TRAVEL_NARROW_HEADER_ROOM,
    TRAVEL_NARROW_LABEL_ROOM,
    TRAVEL_PADDING,
    TRAVEL_ROW_STEP,
    TRAVEL_SUMMARY_SLOT,
    bias_panels,
    travel_cell_centre,
    travel_cells,
    travel_curve,
    travel_curve_rows,
    travel_fill,
    travel_heatmap,
    travel_summary,
    weight_histograms,
)
from explainer.charts.theme import NARROW_GRADIENT_LENGTH, NARROW_LEGEND_LIMIT, fill_slots, narrow_legends

from .vega import rows, spec

GRID = pd.DataFrame(
    {
        "init": ["he_normal", "he_normal", "standard_normal", "standard_normal"],
        "init_label": ["He", "He", "N(0, 1)", "N(0, 1)"],
        "activation": ["relu", "tanh", "relu", "tanh"],
        "activation_label": ["ReLU", "tanh", "ReLU", "tanh"],
        "forward_log10": [0.3, -12.0, 15.0, 0.0],
        "forward_status": ["ok", "ok", "overflow", "dead"],
        "backward_log10": [0.3, -1.0, 2.0, 0.0],
        "backward_status": ["ok"] * 4,
        "healthy": [True, False, False, False],
    }
)


def test_travel_cells_are_labelled_with_their_decades_and_coloured_clipped_at_ten():
    chart = travel_heatmap(GRID, "forward", chosen=("he_normal", "relu"))
    [cells] = rows(chart)
    assert [c["cell"] for c in cells] == ["+0.3", "-12", "+∞", "−∞"]
    assert [c["shade"] for c in cells] == [0.3, -TRAVEL_CLIP, TRAVEL_CLIP, -TRAVEL_CLIP]
    assert [c["chosen"] for c in cells] == [True, False, False, False]
    assert "1 of 4 cells are healthy" in spec(chart)["description"]


def test_travel_heatmap_outlines_healthy_chosen_and_emphasised_cells_and_selects_a_cell_by_click():
    chart = spec(travel_heatmap(GRID, "backward", emphasis="standard_normal"))
    filters = [layer.get("transform", [{}])[0].get("filter") for layer in chart["layer"]]
    assert "datum.healthy" in filters and "datum.chosen" in filters
    assert "(datum.init === 'standard_normal')" in filters
    [pick] = chart["params"]
    assert pick["name"] == "cell" and pick["select"]["fields"] == ["init", "activation"]


def test_a_heatmap_on_named_cells_is_one_spec_for_every_pair_and_depth_and_draws_the_same_cells():
    """The page builds the spec once for the grid's rows and columns, and sends the cells and the
    healthy count with each drawing: the spec must depend on neither the chosen pair nor the
    cells' values, and, filled, must be the chart that carries its own cells."""
    deeper = GRID.assign(forward_log10=[1.5, -20.0, 15.0, 0.2], healthy=[True, False, False, True])
    specs = [
        spec(travel_heatmap(grid, "forward", chosen=pair, emphasis="standard_normal", cells_name="cells"))
        for grid in (GRID, deeper)
        for pair in (("he_normal", "relu"), ("standard_normal", "tanh"), None)
    ]
    assert all(s == specs[0] for s in specs)
    assert specs[0]["data"] == {"name": "cells"} and "datasets" not in specs[0]
    assert specs[0]["description"] == TRAVEL_SUMMARY_SLOT

    def drawing(chart: dict) -> str:  # everything but the data, Altair's view names made alike
        return re.sub(
            r"view_\w+", "view", json.dumps({k: v for k, v in chart.items() if k not in ("data", "datasets")})
        )

    for grid in (GRID, deeper):
        carried = spec(
            travel_heatmap(grid, "forward", chosen=("he_normal", "relu"), emphasis="standard_normal")
        )
        assert drawing(carried) == drawing(fill_slots(specs[0], travel_fill(grid, "forward")))
        [cells] = rows(travel_heatmap(grid, "forward", chosen=("he_normal", "relu")))
        sent = travel_cells(grid, "forward", ("he_normal", "relu"))
        assert sent.astype(object).where(sent.notna(), None).to_dict("records") == cells
    assert "2 of 4 cells are healthy" in travel_summary(deeper, "forward")


@pytest.mark.parametrize("lecture", [False, True])
def test_a_travel_cells_centre_follows_the_fixed_axis_extents(lecture):
    x, y = travel_cell_centre(1, 2, columns=4, drawing_width=1000.0, lecture=lecture)
    step = (1000.0 - 2 * TRAVEL_PADDING - TRAVEL_LABEL_ROOM[lecture]) / 4
    assert x == pytest.approx(TRAVEL_PADDING + TRAVEL_LABEL_ROOM[lecture] + 2.5 * step)
    assert y == TRAVEL_PADDING + TRAVEL_HEADER_ROOM[lecture] + 1.5 * TRAVEL_ROW_STEP[lecture]


def test_on_a_phone_the_travel_heatmap_drops_the_cell_numbers_and_fits_its_names_and_legend():
    laptop = spec(travel_heatmap(GRID, "forward", chosen=("he_normal", "relu")))
    phone = spec(travel_heatmap(GRID, "forward", chosen=("he_normal", "relu"), screen="narrow"))

    def marks(chart: dict) -> list[str]:
        return [layer["mark"]["type"] for layer in chart["layer"]]

    # 17 columns in ~200 px leave ~12 px a cell: no room for "+0.3", so no numbers (the tooltip has them).
    assert "text" in marks(laptop) and "text" not in marks(phone)
    assert len(marks(phone)) == len(marks(laptop)) - 1
    x_axis, y_axis = (phone["layer"][0]["encoding"][c]["axis"] for c in "xy")
    assert x_axis["labelAngle"] == -90 and x_axis["minExtent"] == TRAVEL_NARROW_HEADER_ROOM
    assert y_axis["minExtent"] == y_axis["maxExtent"] == TRAVEL_NARROW_LABEL_ROOM
    # ui.chart passes every phone spec through narrow_legends, which fits the legend to the screen.
    legend = narrow_legends(phone)["layer"][0]["encoding"]["color"]["legend"]
    assert legend["gradientLength"] <= NARROW_GRADIENT_LENGTH and legend["titleLimit"] <= NARROW_LEGEND_LIMIT
    # A click's cell centre follows the phone's geometry.
    x, _ = travel_cell_centre(0, 0, columns=17, drawing_width=330.0, screen="narrow")
    assert x == pytest.approx(
        TRAVEL_PADDING
        + TRAVEL_NARROW_LABEL_ROOM
        + 0.5 * (330.0 - 2 * TRAVEL_PADDING - TRAVEL_NARROW_LABEL_ROOM) / 17
    )


def test_travel_curve_leaves_out_infinite_ratios_and_names_the_last_layer():
    curve = pd.DataFrame(
        {"layer": [1, 2, 3], "forward_log10": [0.0, 1.0, math.inf], "backward_log10": [0.0, -1.0, -2.0]}
    )
    chart = travel_curve(curve, 3)
    lines = next(d for d in rows(chart) if "series" in d[0])
    assert len(lines) == 5
    assert {row["series"] for row in lines} == {
        "activations: Var h_l ÷ Var h_1",
        "gradient: Var ∂h_l ÷ Var ∂h_3",
    }
    assert travel_curve_rows(curve, 3).to_dict("records") == lines


def test_the_curve_on_named_rows_is_one_spec_per_depth_and_marks_layers_up_to_sixty():
    named = [spec(travel_curve(None, depth, rows_name="curve")) for depth in (20, 60, 61)]
    assert named[0]["layer"][1]["data"] == {"name": "curve"}
    assert [chart["layer"][1]["mark"]["point"] for chart in named] == [True, True, False]
    assert named[0]["layer"][1]["encoding"]["x"]["scale"]["domain"] == [1, 20]


def test_weight_histograms_draw_the_sample_as_steps_and_the_exact_density_dashed():
    histogram = pd.DataFrame(
        {
            "distribution": ["normal"] * 2,
            "bin_left": [0.0, 1.0],
            "bin_right": [1.0, 2.0],
            "density": [0.5, 0.5],
            "pdf": [0.4, 0.4],
        }
    )
    steps, exact = spec(weight_histograms(histogram))["layer"]
    assert steps["mark"]["interpolate"] == "step" and exact["encoding"]["y"]["field"] == "pdf"
    assert [row["w"] for row in rows(weight_histograms(histogram))[0]] == [0.5, 1.5]


def test_bias_panels_show_the_dead_share_in_percent_beside_the_mean_pre_activation():
    table = pd.DataFrame(
        {
            "bias_label": ["zero"] * 2,
            "layer": [1, 4],
            "dead_unit_fraction": [0.0, 0.1],
            "preact_mean": [0.0, -0.1],
        }
    )
    dead, mean = spec(bias_panels(table))["hconcat"]
    assert dead["encoding"]["y"]["axis"]["format"] == "%" and dead["encoding"]["y"]["scale"] == {
        "domain": [0, 1]
    }
    assert mean["encoding"]["y"]["field"] == "preact_mean"
    assert dead["encoding"]["x"]["scale"]["domain"] == [1, 4]
