"""The home page's line chart: activation colours where it can, a log axis without the zeros."""

import pandas as pd

from explainer import charts
from explainer.charts.home import line_chart

from .vega import rows, spec

BOUNDS = pd.DataFrame(
    {
        "key": ["sigmoid", "sigmoid", "relu", "relu"],
        "label": ["sigmoid", "sigmoid", "ReLU", "ReLU"],
        "depth": [1, 2, 1, 2],
        "bound": [0.25, 0.0625, 1.0, 0.0],
    }
)


def test_a_log_axis_drops_the_rows_it_cannot_show():
    chart = line_chart(BOUNDS, "depth", "bound", series="label", log_y=True)
    assert spec(chart)["encoding"]["y"]["scale"] == {"type": "log"}
    assert [row["bound"] for row in rows(chart)[0]] == [0.25, 0.0625, 1.0]


def test_series_of_activations_take_their_colours_and_dashes_other_series_the_category_colours():
    encoding = spec(line_chart(BOUNDS, "depth", "bound", series="label"))["encoding"]
    assert encoding["color"]["scale"]["range"] == [
        charts.activation_color("sigmoid"),
        charts.activation_color("relu"),
    ]
    assert encoding["strokeDash"]["field"] == "label"
    other = spec(line_chart(BOUNDS.drop(columns="key"), "depth", "bound", series="label"))["encoding"]
    assert other["color"]["scale"]["range"] == charts.CATEGORY_COLORS[:2] and "strokeDash" not in other


def test_a_dashed_column_draws_its_true_rows_dashed():
    frame = BOUNDS.assign(theory=[False, True, False, True])
    dash = spec(line_chart(frame, "depth", "bound", series="label", dashed="theory"))["encoding"][
        "strokeDash"
    ]
    assert dash["field"] == "theory" and dash["scale"]["range"] == [charts.SOLID, charts.DASHED]
