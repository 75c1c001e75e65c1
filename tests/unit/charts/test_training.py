"""The training page's charts: log-log laws, loss curves, small multiples, unit planes, early stopping."""

import numpy as np
import pandas as pd

from explainer import charts
from explainer.charts.theme import hex_rgb
from explainer.charts.training import (
    FACET_DASHES,
    PLANE_SHADES,
    early_stopping_chart,
    facet_line_rows,
    facet_lines,
    log_log_chart,
    loss_curves,
    unit_planes,
)

from .vega import decode_png, layers, rows, spec

CURVES = pd.DataFrame(
    {"step": [1, 2, 1, 2], "loss": [1.0, 0.0, 2.0, 1e9], "run": ["sgd", "sgd", "adam", "adam"]}
)


def test_log_log_chart_draws_the_law_dashed_beside_the_measured_values_without_non_positive_rows():
    data = pd.DataFrame(
        {"batch": [1, 2, 4, 8], "error": [1.0, 0.5, 0.25, 0.0], "law": [1.0, 0.5, 0.0, 0.125]}
    )
    chart = log_log_chart(data, "batch", "error", law="law", law_title="1/√B", measured_title="measured")
    encoding = spec(chart)["encoding"]
    assert encoding["x"]["scale"] == {"base": 2, "type": "log"} and encoding["y"]["scale"] == {"type": "log"}
    assert encoding["strokeDash"]["scale"] == {
        "domain": ["measured", "1/√B"],
        "range": [charts.SOLID, charts.DASHED],
    }
    # Rows 3 (law 0) and 4 (error 0) cannot sit on a log axis.
    assert sorted({row["batch"] for row in rows(chart)[0]}) == [1, 2]


def test_loss_curves_cap_the_axis_and_keep_a_colour_slot_for_a_run_absent_here():
    chart = spec(loss_curves(CURVES, "step", "loss", "run", y_max=10.0, order=["sgd", "momentum", "adam"]))
    line, ends = layers(chart)
    y = line["encoding"]["y"]["scale"]
    # From the smallest positive loss (the 0 is dropped) to the cap; 1e9 is drawn at the top edge.
    assert y["domain"] == [1.0, 10.0] and y["clamp"] is True
    color = line["encoding"]["color"]
    assert color["scale"]["domain"] == ["sgd", "momentum", "adam"]
    assert color["legend"]["values"] == ["sgd", "adam"]
    # Each run ends in a point at its last step.
    assert ends["mark"]["type"] == "point"


def test_facet_lines_share_one_log_axis_over_panels_in_the_given_order():
    data = pd.DataFrame(
        {
            "step": [1, 2] * 4,
            "value": [1.0, 2.0, 0.0, 3.0] * 2,
            "layer": [1, 1, 2, 2] * 2,
            "run": ["b"] * 4 + ["a"] * 4,
        }
    )
    chart = facet_lines(data, "step", "value", "layer", "run", facet_order=["b", "a"], log_y=True, columns=2)
    built = spec(chart)
    assert built["facet"]["sort"] == ["b", "a"] and built["columns"] == 2
    assert built["spec"]["encoding"]["y"]["scale"] == {"type": "log"}
    assert all(row["value"] > 0 for row in rows(chart)[0])


def test_coinciding_lines_of_a_panel_get_dashes_of_their_own_and_the_others_stay_solid():
    """Leaky ReLU's three layers, all without a dead unit, are one line at 0: three legend entries
    need three dashes. The ReLU panel's layers differ and stay solid."""
    data = pd.DataFrame(
        {
            "step": [0, 50, 100] * 6,
            "dead": [0.0, 0.1, 0.2, 0.0, 0.3, 0.5, 0.1, 0.4, 0.6] + [0.0] * 9,
            "layer": [1, 1, 1, 2, 2, 2, 3, 3, 3] * 2,
            "run": ["ReLU"] * 9 + ["Leaky ReLU"] * 9,
        }
    )
    frame, order = facet_line_rows(data, "step", "dead", "layer", "run")
    dashes = frame.groupby(["run", "layer"])["dash"].agg(set).map(lambda kept: kept.pop())
    assert order == ["ReLU", "Leaky ReLU"]
    assert set(dashes["ReLU"]) == {"solid"}
    assert len(set(dashes["Leaky ReLU"])) == 3
    encoding = spec(facet_lines(data, "step", "dead", "layer", "run"))["spec"]["encoding"]
    scale = encoding["strokeDash"]["scale"]
    assert encoding["strokeDash"]["field"] == "dash" and set(frame["dash"]) <= set(scale["domain"])
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == FACET_DASHES


def test_unit_planes_stack_pictures_lines_and_points_and_shade_by_the_named_colours():
    plane = pd.DataFrame(
        {
            "run": ["r"] * 4,
            "x0": [0.0, 1.0, 0.0, 1.0],
            "x1": [0.0, 0.0, 1.0, 1.0],
            "active_share": [0, 0.5, 0.5, 1],
        }
    )
    lines = pd.DataFrame(
        {
            "run": ["r"],
            "unit": [1],
            "dead": [True],
            "x0_start": [0.0],
            "x1_start": [0.0],
            "x0_end": [1.0],
            "x1_end": [1.0],
        }
    )
    points = pd.DataFrame({"x0": [0.5], "x1": [0.5], "y": [1]})
    chart = unit_planes(plane, lines, points, ["r", "s"], limit=2.0)
    [stacked] = rows(chart)
    assert [row["layer"] for row in stacked].count("point") == 2  # the points, once per run
    assert next(row for row in stacked if row["layer"] == "line")["state"] == "dead"
    # The plane is one picture per run (no rectangle per cell), its square the grid ± half a step.
    [picture] = [row for row in stacked if row["layer"] == "picture"]
    assert (picture["run"], picture["left"], picture["right"], picture["bottom"], picture["top"]) == (
        "r",
        -0.5,
        1.5,
        -0.5,
        1.5,
    )
    pixels = decode_png(picture["url"])
    none, every = hex_rgb(PLANE_SHADES["none"][1]), hex_rgb(PLANE_SHADES["all"][1])
    half = (none + every) / 2
    # Top row first: (0, 1) and (1, 1) share 0.5 and 1; bottom row (0, 0) and (1, 0) share 0 and 0.5.
    assert (pixels[1, 0] == none).all() and (pixels[0, 1] == every).all()
    assert np.abs(pixels[1, 1] - half).max() <= 0.5 and np.abs(pixels[0, 0] - half).max() <= 0.5
    marks = [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in layers(spec(chart))
    ]
    assert marks.count("rect") == 0 and marks.count("image") == 1
    # The legend's scale is the pictures': the named colours, interpolated in RGB as the pixels are.
    [legend] = [layer for layer in layers(spec(chart)) if "color" in layer.get("encoding", {})]
    scale = legend["encoding"]["color"]["scale"]
    assert (
        scale["range"] == [PLANE_SHADES["none"][1], PLANE_SHADES["all"][1]] and scale["interpolate"] == "rgb"
    )
    assert scale["domain"] == [0.0, 1.0]


def test_early_stopping_shades_the_patience_window_only_when_training_stopped():
    curves = pd.DataFrame(
        {
            "step": [1, 2, 1, 2],
            "series": ["training loss"] * 2 + ["validation loss"] * 2,
            "loss": [1.0, 0.5, 1.0, 0.7],
        }
    )
    stopped = spec(early_stopping_chart(curves, 1, 2))
    assert len(stopped["layer"]) == 3 and stopped["layer"][0]["mark"]["type"] == "rect"
    running = spec(early_stopping_chart(curves, 1, None))
    assert len(running["layer"]) == 2
    events = [d for d in running["datasets"].values() if "event" in d[0]]
    assert events == [[{"step": 1, "event": "best validation loss"}]]


def _without_data(chart_spec: dict) -> dict:
    """A spec with its rows taken out: the inline dataset and whatever names it."""
    chart_spec = {k: v for k, v in chart_spec.items() if k != "datasets"}
    data = chart_spec.pop("data", None)
    assert data is not None and set(data) == {"name"}
    return chart_spec


def test_the_loss_curve_template_is_loss_curves_with_its_rows_by_name():
    from explainer.charts.training import loss_curve_rows, loss_curves_template

    for options in ({}, {"y_max": 10.0, "order": ["sgd", "momentum", "adam"]}, {"log_y": False}):
        inline = loss_curves(CURVES, "step", "loss", "run", x_title="step", lecture=True, **options)
        rows_drawn, shape = loss_curve_rows(CURVES, "loss", "run", **options)
        log_y = options.get("log_y", True)
        template = loss_curves_template(
            "step", "loss", "run", **shape, x_title="step", log_y=log_y, lecture=True
        )
        assert spec(template)["data"] == {"name": "data"}
        assert _without_data(spec(template)) == _without_data(spec(inline))
        assert rows(inline) == [rows_drawn.to_dict("records")]


def test_the_facet_lines_template_is_facet_lines_with_its_rows_by_name():
    from explainer.charts.training import facet_line_rows, facet_lines_template

    data = pd.DataFrame(
        {
            "step": [0, 1, 0, 1],
            "value": [1.0, 0.0, 2.0, 3.0],
            "layer": [1, 1, 2, 2],
            "run": ["a", "a", "b", "b"],
        }
    )
    for options in ({"log_y": True, "facet_order": ["b", "a"]}, {"y_domain": (0, 1), "y_format": "%"}):
        inline = facet_lines(data, "step", "value", "layer", "run", columns=2, **options)
        drawn, order = facet_line_rows(data, "step", "value", "layer", "run", facet_order=options.get("facet_order"),
                                       log_y=options.get("log_y", False))  # fmt: skip
        extra = {k: v for k, v in options.items() if k != "facet_order"}
        template = facet_lines_template("step", "value", "layer", "run", order=order, columns=2, **extra)
        assert _without_data(spec(template)) == _without_data(spec(inline))
        assert rows(inline) == [drawn.to_dict("records")]
