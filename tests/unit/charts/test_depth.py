"""The depth page's chart templates: rows arrive by name, so one compiled spec serves every rerun."""

from explainer.charts.depth import (
    DECADE_LABELS,
    decade_lines,
    layer_histograms,
    phase_heatmap,
    share_by_layer,
)
from explainer.charts.theme import CELL_OVERLAP

from .vega import spec


def test_decade_lines_read_named_rows_on_an_axis_labelled_in_powers_of_ten():
    chart = spec(decade_lines(["a", "b"], ["#000000", "#111111"], [[1, 0], [8, 4]], y_title="gradient std"))
    assert chart["data"] == {"name": "data"} and "datasets" not in chart
    assert chart["encoding"]["y"]["axis"]["labelExpr"] == DECADE_LABELS
    assert chart["encoding"]["color"]["scale"] == {"domain": ["a", "b"], "range": ["#000000", "#111111"]}
    assert chart["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [8, 4]]


def test_decade_lines_dot_the_measured_lines_over_every_line_and_leave_a_reference_bare():
    # A prediction drawn with dots of its own covered the measured dots wherever the two agree.
    chart = spec(
        decade_lines(
            ["measured", "theory"], ["#000000", "#888888"], [[1, 0], [8, 4]], y_title="g", points=["measured"]
        )
    )
    lines, dots = chart["layer"]
    assert lines["mark"]["type"] == "line" and dots["mark"]["type"] == "point"
    assert dots["transform"] == [{"filter": {"field": "series", "oneOf": ["measured"]}}]
    # One legend, of strokes with their dashes; the dots add none.
    assert lines["encoding"]["color"]["legend"]["symbolType"] == "stroke"
    assert dots["encoding"]["color"]["legend"] is None
    every = spec(decade_lines(["a", "b"], ["#000000", "#111111"], [[1, 0], [8, 4]], y_title="g", points=True))
    assert every["layer"][1]["transform"][0]["filter"]["oneOf"] == ["a", "b"]


def test_share_by_layer_and_layer_histograms_are_templates_too():
    share = spec(share_by_layer(["saturated", "dead"]))
    assert share["data"] == {"name": "data"} and share["encoding"]["y"]["axis"] == {"format": "%"}
    histograms = spec(layer_histograms(0.5))
    assert histograms["data"] == {"name": "data"}
    # Cells overlap their neighbours a little both ways: no light seam between cells of one colour.
    calculated = {t["as"]: t["calculate"] for t in histograms["transform"]}
    assert calculated["left"] == f"datum.layer - {0.5 * CELL_OVERLAP}"
    assert calculated["right"] == f"datum.layer + {0.5 * CELL_OVERLAP}"
    assert f"datum.bin_left - {(CELL_OVERLAP - 1) / 2} *" in calculated["bottom"]
    assert histograms["encoding"]["y"]["field"] == "bottom" and histograms["encoding"]["y2"]["field"] == "top"
    assert histograms["encoding"]["color"]["scale"]["type"] == "log"


def test_phase_heatmap_selects_a_cell_by_click_and_draws_the_marks_from_their_own_rows():
    chart = spec(phase_heatmap([0.5, 3.0], [1, 50], 0.1, 2, 8.0))
    cells, edge, _, here = chart["layer"]
    assert cells["data"] == {"name": "data"} and edge["data"] == {"name": "marks"}
    assert cells["encoding"]["color"]["scale"]["domain"] == [-8.0, 8.0]
    [pick] = chart["params"]
    assert pick["name"] == "pick" and pick["select"]["fields"] == ["sigma_w", "depth"]
    assert here["transform"] == [{"filter": "datum.kind == 'here'"}]


def test_phase_cells_are_opaque_and_overlap_so_no_seam_shows_between_them():
    # Half-transparent cells a step wide let the white background through their anti-aliased
    # edges: light seams between every column (seen in Chromium).
    chart = spec(phase_heatmap([0.5, 3.0], [1, 50], 0.1, 2, 8.0))
    cells = chart["layer"][0]
    assert "opacity" not in cells["encoding"] and cells["mark"]["clip"] is True
    assert {"calculate": f"datum.sigma_w + {0.1 / 2 * CELL_OVERLAP}", "as": "x1"} in cells["transform"]
    assert {"calculate": f"datum.depth - {2 / 2 * CELL_OVERLAP}", "as": "y0"} in cells["transform"]
    assert CELL_OVERLAP > 1


def test_share_lines_take_the_dashes_given_and_are_solid_otherwise():
    names = ["saturated", "zero slope", "dead"]
    solid = spec(share_by_layer(names))["encoding"]["strokeDash"]["scale"]
    assert solid == {"domain": names, "range": [[1, 0]] * 3}
    dashed = spec(share_by_layer(names, [(1, 0), (8, 4), (2, 3)]))["encoding"]["strokeDash"]["scale"]
    assert dashed["range"] == [[1, 0], [8, 4], [2, 3]]
