"""Charts built for a window's class: on a phone ("narrow") every multi-panel chart stacks its
panels in one column no wider than a phone holds, with its legends below; on a laptop the panels
sit side by side as before; on a projector a lecture's panels grow."""

import altair as alt
import pandas as pd
import pytest

from explainer import ACTIVATIONS, Chosen, activation_curves, charts
from explainer.charts import theme
from explainer.charts.activations import curves_chart
from explainer.charts.depth import decade_lines, layer_histograms, phase_heatmap, share_by_layer
from explainer.charts.initialization import bias_panels
from explainer.charts.mlp import heatmap, learning_curves, probability_panels, share_lines
from explainer.charts.training import (
    early_stopping_chart,
    facet_lines,
    log_log_chart,
    loss_curves,
    unit_planes,
)
from tests.specs import spec_nodes

from .test_mlp import GRID, POINTS
from .vega import spec

CURVES = activation_curves([Chosen(ACTIVATIONS[k]) for k in ("relu", "tanh")], x_min=-3.0, x_max=3.0).curves
HISTORY = pd.DataFrame(
    {"key": "relu", "label": "ReLU", "epoch": [0, 1], "loss": [0.7, 0.2], "test_accuracy": [0.5, 0.9]}
)
HEAT = pd.DataFrame(
    {"epoch": [1, 2, 1, 2], "layer": [1, 1, 2, 2], "v": [0.1, 0.2, 1e-3, 2.0], "net": list("aabb")}
)
BIASES = pd.DataFrame(
    {
        "bias_label": ["zero"] * 2,
        "layer": [1, 4],
        "dead_unit_fraction": [0.0, 0.1],
        "preact_mean": [0.0, -0.1],
    }
)
FACETS = pd.DataFrame(
    {
        "step": [1, 2] * 4,
        "value": [1.0, 2.0, 1.5, 3.0] * 2,
        "layer": [1, 1, 2, 2] * 2,
        "run": ["b"] * 4 + ["a"] * 4,
    }
)
PLANE = pd.DataFrame(
    {
        "run": ["r"] * 4,
        "x0": [0.0, 1.0, 0.0, 1.0],
        "x1": [0.0, 0.0, 1.0, 1.0],
        "active_share": [0, 0.5, 0.5, 1],
    }
)
LINES = pd.DataFrame(
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
LOSSES = pd.DataFrame(
    {"step": [1, 2, 1, 2], "loss": [1.0, 0.5, 2.0, 1.0], "run": ["sgd", "sgd", "adam", "adam"]}
)
STOPPING = pd.DataFrame(
    {
        "step": [1, 2, 3] * 3,
        "series": [s for s in ("training loss", "validation loss", "test loss") for _ in range(3)],
        "loss": [1.0, 0.5, 0.4] * 3,
    }
)
ERRORS = pd.DataFrame({"batch_size": [1, 2, 4], "relative_error": [1.0, 0.7, 0.5], "law": [1.0, 0.71, 0.5]})

# Every builder that draws several panels or a legend beside its plot, with inputs of its own.
BUILDERS = {
    "curves_chart": lambda screen, lecture=False: curves_chart(CURVES, lecture=lecture, screen=screen),
    "probability_panels": lambda screen, lecture=False: probability_panels(
        GRID, POINTS, {"tanh": "tanh", "relu": "ReLU"}, lecture=lecture, screen=screen
    ),
    "learning_curves": lambda screen, lecture=False: learning_curves(
        HISTORY, chance=0.5, lecture=lecture, screen=screen
    ),
    "heatmap": lambda screen, lecture=False: heatmap(
        HEAT, "epoch", "layer", "v", rows="net", lecture=lecture, screen=screen
    ),
    "share_lines": lambda screen, lecture=False: share_lines(
        HEAT, "epoch", "v", "net", lecture=lecture, screen=screen
    ),
    "bias_panels": lambda screen, lecture=False: bias_panels(BIASES, lecture=lecture, screen=screen),
    "facet_lines": lambda screen, lecture=False: facet_lines(
        FACETS, "step", "value", "layer", "run", columns=2, lecture=lecture, screen=screen
    ),
    "unit_planes": lambda screen, lecture=False: unit_planes(
        PLANE, LINES, POINTS, ["r", "s", "t"], limit=2.0, lecture=lecture, screen=screen
    ),
    "loss_curves": lambda screen, lecture=False: loss_curves(
        LOSSES, "step", "loss", "run", lecture=lecture, screen=screen
    ),
    "log_log_chart": lambda screen, lecture=False: log_log_chart(
        ERRORS, "batch_size", "relative_error", law="law", lecture=lecture, screen=screen
    ),
    "early_stopping_chart": lambda screen, lecture=False: early_stopping_chart(
        STOPPING, 2, 3, lecture=lecture, screen=screen
    ),
    "decade_lines": lambda screen, lecture=False: decade_lines(
        ["a"], ["#000000"], [[1, 0]], y_title="g", lecture=lecture, screen=screen
    ),
    "share_by_layer": lambda screen, lecture=False: share_by_layer(["a"], lecture=lecture, screen=screen),
    "layer_histograms": lambda screen, lecture=False: layer_histograms(0.5, lecture=lecture, screen=screen),
    "phase_heatmap": lambda screen, lecture=False: phase_heatmap(
        [0.5, 3.0], [2, 50], 0.25, 2, 10.0, lecture=lecture, screen=screen
    ),
}


def legend_orients(built: dict) -> list[str]:
    return [
        node["legend"]["orient"]
        for node in spec_nodes(built)
        if isinstance(node.get("legend"), dict) and "orient" in node["legend"]
    ]


def panel_widths(built: dict) -> list[int]:
    return [node["width"] for node in spec_nodes(built) if isinstance(node.get("width"), int)]


def assert_stacked(built: dict, widest: int) -> None:
    """Panels in one column, none wider than ``widest``, legends below."""
    assert not any("hconcat" in node for node in spec_nodes(built)), "panels side by side"
    assert all(node["columns"] == 1 for node in spec_nodes(built) if "facet" in node and "columns" in node)
    assert not any(
        "column" in node["facet"] for node in spec_nodes(built) if isinstance(node.get("facet"), dict)
    )
    assert all(width <= widest for width in panel_widths(built)), panel_widths(built)
    assert "right" not in legend_orients(built) and "left" not in legend_orients(built)


@pytest.mark.parametrize("name", BUILDERS)
def test_on_a_phone_panels_stack_in_one_column_no_wider_than_a_phone_with_legends_below(name):
    assert_stacked(spec(BUILDERS[name]("narrow")), theme.NARROW_PANEL_WIDTH)


@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
@pytest.mark.parametrize("name", BUILDERS)
def test_in_a_column_too_narrow_for_the_laptop_layout_panels_stack_with_legends_below(name, lecture):
    """A half-screen window or a tablet beside the sidebar, a 1,024-px projector in lecture mode:
    the laptop's side-by-side panels ran up to 336 px past the window's edge."""
    assert_stacked(spec(BUILDERS[name]("compact", lecture)), theme.COMPACT_PANEL_WIDTH[lecture])


@pytest.mark.parametrize("name", BUILDERS)
def test_the_default_is_the_laptop_and_a_phone_gets_a_chart_of_its_own(name):
    regular = spec(BUILDERS[name]("regular"))
    assert "right" in legend_orients(regular) or spec(BUILDERS[name]("narrow")) != regular


@pytest.mark.parametrize(
    "name", ["curves_chart", "learning_curves", "bias_panels", "facet_lines", "unit_planes"]
)
def test_several_panels_sit_side_by_side_on_a_laptop(name):
    built = spec(BUILDERS[name]("regular"))
    side_by_side = any("hconcat" in node for node in spec_nodes(built)) or any(
        node.get("columns", 1) > 1 for node in spec_nodes(built) if "facet" in node
    )
    assert side_by_side


def test_a_lecture_on_a_projector_grows_the_panels_and_the_laptop_keeps_them():
    lecture = curves_chart(CURVES, lecture=True, screen="wide")
    assert spec(lecture)["spec"]["width"] == round(theme.PANEL_WIDTH[True] * theme.WIDE_LECTURE_SCALE)
    assert spec(curves_chart(CURVES, lecture=True))["spec"]["width"] == theme.PANEL_WIDTH[True]
    # Without lecture mode the page is the centred column on any screen.
    assert spec(curves_chart(CURVES, screen="wide"))["spec"]["width"] == theme.PANEL_WIDTH[False]


def test_screen_helpers_refuse_an_unknown_screen_by_name():
    with pytest.raises(ValueError, match="phone"):
        theme.panel_width(100, screen="phone")
    assert (
        theme.panel_columns(3, "narrow") == 1 and theme.panel_columns(3) == 3 and theme.panel_columns(0) == 1
    )
    assert theme.side_legend("narrow") == "bottom" and theme.side_legend("wide") == "right"
    assert theme.panel_columns(3, "compact") == 1 and theme.side_legend("compact") == "bottom"
    assert [theme.stacks(screen) for screen in theme.SCREENS] == [True, True, False, False]
    assert theme.panel_width(500, True, "compact") == theme.COMPACT_PANEL_WIDTH[True]
    assert theme.panel_width(200, False, "compact") == 200


def test_narrow_legends_stack_legends_and_their_entries_and_change_nothing_else():
    built = spec(BUILDERS["probability_panels"]("narrow"))
    stacked = theme.narrow_legends(built)
    assert stacked["config"]["legend"]["layout"]["bottom"]["direction"] == "vertical"
    assert stacked["config"]["legend"]["labelFontSize"] == built["config"]["legend"]["labelFontSize"]
    assert stacked["config"]["legend"]["labelLimit"] == theme.NARROW_LEGEND_LIMIT
    assert "layout" not in built["config"]["legend"]  # a new dict; the built one is unchanged

    def without_legends(node):
        if isinstance(node, dict):
            return {k: without_legends(v) for k, v in node.items() if k not in ("legend", "config")}
        return [without_legends(v) for v in node] if isinstance(node, list) else node

    assert without_legends(stacked) == without_legends(built)


def _legends(built: dict) -> dict[str, dict]:
    """Each encoding channel's legend settings in ``built``, by channel."""
    return {
        channel: definition.get("legend")
        for node in spec_nodes(built)
        for channel, definition in node.get("encoding", {}).items()
        if isinstance(definition, dict) and "legend" in definition
    }


def test_a_phone_legend_lists_its_entries_one_under_another_unless_its_chart_chose_columns():
    rows = pd.DataFrame({"x": [0, 1], "y": [0.0, 1.0], "series": ["a long series name", "another one"]})
    lines = (
        alt.Chart(rows)
        .mark_line()
        .encode(x="x:Q", y="y:Q", color=alt.Color("series:N", legend=alt.Legend(orient="bottom")))
    )
    # Entries in a row below the chart run past a phone's right edge: one column instead.
    assert _legends(theme.narrow_legends(spec(lines)))["color"]["direction"] == "vertical"
    # A channel without a legend of its own (Vega-Lite's default one) gets the same.
    plain = alt.Chart(rows).mark_line().encode(x="x:Q", y="y:Q", strokeDash="series:N")
    assert _legends(theme.narrow_legends(spec(plain)))["strokeDash"]["direction"] == "vertical"
    # A chart that chose its columns for a phone keeps them; a switched-off legend stays off.
    chosen = lines.encode(
        color=alt.Color("series:N", legend=alt.Legend(columns=2)), opacity=alt.Opacity("y:Q", legend=None)
    )
    legends = _legends(theme.narrow_legends(spec(chosen)))
    assert legends["color"] == {"columns": 2} and legends["opacity"] is None


def test_a_phone_gradient_legend_is_short_enough_for_the_screen():
    rows = pd.DataFrame({"x": [0, 1], "y": [0, 1], "v": [0.0, 1.0]})
    legend = alt.Legend(orient="bottom", gradientLength=300, titleLimit=600, direction="horizontal")
    cells = alt.Chart(rows).mark_rect().encode(x="x:O", y="y:O", color=alt.Color("v:Q", legend=legend))
    phone = _legends(theme.narrow_legends(spec(cells)))["color"]
    assert phone["gradientLength"] == theme.NARROW_GRADIENT_LENGTH
    assert phone["titleLimit"] == theme.NARROW_LEGEND_LIMIT and phone["direction"] == "horizontal"


def test_single_views_fit_their_width_only_so_a_legend_below_adds_height_instead_of_squeezing():
    single = spec(BUILDERS["share_lines"]("narrow"))
    assert single["autosize"] == {"type": "fit-x", "contains": "padding"}
    # Vega-Lite cannot fit a facet or a concatenation: they keep the default.
    assert "autosize" not in spec(BUILDERS["probability_panels"]("narrow"))
    assert isinstance(BUILDERS["learning_curves"]("narrow"), alt.VConcatChart)


def test_a_projected_lecture_sets_four_boundary_panels_in_one_row():
    titles = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
    wide = spec(probability_panels(GRID, POINTS, titles, lecture=True, screen="wide"))
    laptop = spec(probability_panels(GRID, POINTS, titles, lecture=True))
    assert wide["columns"] == 4 and wide["spec"]["width"] == charts.WIDE_BOUNDARY_PANEL
    assert laptop["columns"] == 2 and laptop["spec"]["width"] == charts.BOUNDARY_PANEL[True]
