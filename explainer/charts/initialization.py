"""The initialization page's charts: the variance-travel heatmaps and curve, weight histograms, bias panels."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .theme import (
    CHART_HEIGHT,
    DASHED,
    GREY,
    PINK,
    category_scale,
    check_screen,
    integer_axis,
    panel_width,
    stacks,
    style,
)

# The heatmaps' colour stops at ±10 decades; the cell labels carry the exact value.
TRAVEL_CLIP = 10.0
# The travel heatmaps' geometry in pixels, per layout (lecture False/True): the axes have fixed
# extents, so a cell sits at the same place in every drawing (``travel_cell_centre``).
TRAVEL_PADDING = 5  # Vega's default padding around the drawing
TRAVEL_LABEL_ROOM = {False: 205, True: 300}  # the initializer names, left of the cells
TRAVEL_HEADER_ROOM = {False: 105, True: 140}  # the slanted activation names, above the cells
TRAVEL_ROW_STEP = {False: 21, True: 30}
TRAVEL_CELL_FONT = {False: 10, True: 16}  # the numbers in the cells
# On a phone (~330 px for the whole chart) the names get less room (long ones end in "…"; the
# tooltip and the CSV carry them whole), the activation names stand upright, and the cells are
# too narrow (~13 px) for a number: their colour and the tooltip give it.
TRAVEL_NARROW_LABEL_ROOM = 125
TRAVEL_NARROW_HEADER_ROOM = 110
HEALTHY_STROKE = "#1A1A1A"
CHOSEN_STROKE = PINK
# Two bias panels side by side fit the centred layout (704 px) and a wide one on a 1400 px screen.
BIAS_PANEL = {False: 250, True: 300}


def _travel_rooms(lecture: bool, screen: str) -> tuple[int, int]:
    """(room for the initializer names, room for the activation names) in pixels."""
    if check_screen(screen) == "narrow":
        return TRAVEL_NARROW_LABEL_ROOM, TRAVEL_NARROW_HEADER_ROOM
    return TRAVEL_LABEL_ROOM[lecture], TRAVEL_HEADER_ROOM[lecture]


def travel_cell_centre(
    row: int,
    column: int,
    *,
    columns: int,
    drawing_width: float,
    lecture: bool = False,
    screen: str = "regular",
) -> tuple[float, float]:
    """(x, y) of the centre of the cell in ``row`` (initializer) and ``column`` (activation), in
    pixels from the top left corner of a ``travel_heatmap`` drawing ``drawing_width`` wide with
    ``columns`` columns (the chart stretches to its container; the cells share what is left of
    the width beside the names). The last column's slanted name overhangs the grid by a few
    pixels, so the far columns come out a little right of their centres."""
    label_room, header_room = _travel_rooms(lecture, screen)
    step = (drawing_width - 2 * TRAVEL_PADDING - label_room) / columns
    x = TRAVEL_PADDING + label_room + (column + 0.5) * step
    y = TRAVEL_PADDING + header_room + (row + 0.5) * TRAVEL_ROW_STEP[lecture]
    return x, y


def _cell_label(value: float) -> str:
    """A heatmap cell's log10 ratio: one decimal below 10, none above; 0.0 without a sign."""
    if abs(value) < 0.05:
        return "0.0"
    return f"{value:+.1f}" if abs(value) < 9.95 else f"{value:+.0f}"


def travel_cells(grid: pd.DataFrame, direction: str, chosen: tuple[str, str] | None) -> pd.DataFrame:
    """One row per heatmap cell of ``travel_heatmap``: the value clipped for colour, its label,
    and the flags drawn (healthy, and the ``chosen`` (initializer, activation) pair)."""
    value, status = grid[f"{direction}_log10"], grid[f"{direction}_status"]
    ok = status == "ok"
    shade = value.where(ok, TRAVEL_CLIP).clip(-TRAVEL_CLIP, TRAVEL_CLIP)
    shade = shade.mask(status == "dead", -TRAVEL_CLIP)
    label = [
        _cell_label(v) if s == "ok" else ("−∞" if s == "dead" else "+∞")
        for v, s in zip(value, status, strict=True)
    ]
    pair = list(zip(grid["init"], grid["activation"], strict=True))
    return pd.DataFrame(
        {
            "init": grid["init"],
            "initializer": grid["init_label"],
            "activation": grid["activation"],
            "activation_label": grid["activation_label"],
            "log10_ratio": value.where(ok),
            "status": status,
            "shade": shade,
            "cell": label,
            "healthy": grid["healthy"],
            "chosen": [p == chosen for p in pair],
        }
    )


# A NUL cannot come from a label or a number, so the slot is never a real description.
TRAVEL_SUMMARY_SLOT = "\x00travel-summary"


def travel_summary(grid: pd.DataFrame, direction: str) -> str:
    """The heatmap's description for a screen reader: what it shows and how many cells are healthy."""
    rows, columns = grid["init"].nunique(), grid["activation"].nunique()
    return (
        f"Heatmap of log10 {_travel_title(direction)} for {rows} initializers by {columns} activations; "
        f"{int(grid['healthy'].sum())} of {len(grid)} cells are healthy (outlined): both variances within "
        "one order of magnitude, and less than half of the last layer saturated."
    )


def travel_fill(grid: pd.DataFrame, direction: str) -> dict[str, str]:
    """What the slot of ``travel_heatmap(..., cells_name=...)`` stands for with this grid."""
    return {TRAVEL_SUMMARY_SLOT: travel_summary(grid, direction)}


def _travel_title(direction: str) -> str:
    return (
        "activation variance, layer L ÷ layer 1"
        if direction == "forward"
        else "gradient variance, layer 1 ÷ layer L"
    )


def travel_heatmap(
    grid: pd.DataFrame,
    direction: str,
    *,
    chosen: tuple[str, str] | None = None,
    emphasis: str | None = None,
    lecture: bool = False,
    cells_name: str | None = None,
    screen: str = "regular",
) -> alt.LayerChart:
    """Initializers (rows) × activations (columns) from ``network.variance_travel``: colour and
    label = log10 of the ``direction`` ("forward" or "backward") variance ratio, blue where it
    vanishes and orange where it explodes (clipped at ±10 decades; −∞ dead, +∞ beyond float64).
    Healthy cells (``healthy``: both ratios within one decade and the last layer less than half
    saturated — the same cells on both heatmaps) are outlined dark, the ``chosen`` (init, activation) pair
    in pink, the cells of initializer ``emphasis`` dashed. A click selects a cell: the point
    selection ``cell`` carries its ``init`` and ``activation``.

    With ``cells_name`` the chart reads its cells from that named dataset (``travel_cells``' rows,
    given with each drawing) instead of carrying them: the spec is then the same whichever pair
    is chosen, and its description (the healthy count) is the slot ``TRAVEL_SUMMARY_SLOT``, which
    ``travel_fill`` names: a page builds the spec once and fills it for every depth and pair
    (building it costs ~65 ms of Altair work a heatmap; filling it well under one).

    On a phone (``screen`` "narrow") the names get less room, the activation names stand upright
    and the cells carry no number: their colour and tooltip give it."""
    cells = travel_cells(grid, direction, chosen)
    rows = list(dict.fromkeys(cells["initializer"]))
    columns = list(dict.fromkeys(cells["activation_label"]))
    narrow = check_screen(screen) == "narrow"
    label_room, header_room = _travel_rooms(lecture, screen)
    pick = alt.selection_point(name="cell", fields=["init", "activation"], on="click", clear=False)
    x = alt.X(
        "activation_label:N",
        sort=columns,
        title=None,
        axis=alt.Axis(
            labelAngle=-90 if narrow else -45,
            orient="top",
            labelOverlap=False,
            labelLimit=header_room - 5 if narrow else 150,
            minExtent=header_room,
            maxExtent=header_room,
        ),
    )
    # Fixed axis extents: the cells then sit at the same pixels whatever the label font measured
    # when the chart was first drawn (a link reopened elsewhere draws identical pixels).
    y = alt.Y(
        "initializer:N",
        sort=rows,
        title=None,
        axis=alt.Axis(labelLimit=label_room - 5, minExtent=label_room, maxExtent=label_room),
    )
    title = _travel_title(direction)
    base = alt.Chart(alt.NamedData(cells_name) if cells_name else cells).encode(x=x, y=y)
    tiles = (
        base.mark_rect()
        .encode(
            color=alt.Color(
                "shade:Q",
                title=f"log10 ratio (colour stops at ±{TRAVEL_CLIP:g})",
                scale=alt.Scale(scheme="blueorange", domain=[-TRAVEL_CLIP, TRAVEL_CLIP], domainMid=0),
                legend=alt.Legend(
                    orient="bottom", gradientLength=300, titleLimit=600, direction="horizontal"
                ),
            ),
        )
        .add_params(pick)
    )
    healthy = base.transform_filter("datum.healthy").mark_rect(
        fillOpacity=0, stroke=HEALTHY_STROKE, strokeWidth=2.5 if lecture else 1.8
    )
    labels = base.mark_text(fontSize=TRAVEL_CELL_FONT[lecture]).encode(
        text="cell:N",
        color=alt.condition("abs(datum.shade) > 6", alt.value("white"), alt.value("black")),
    )
    layers = [tiles, healthy] if narrow else [tiles, healthy, labels]
    if emphasis is not None:
        layers.append(
            base.transform_filter(alt.datum.init == emphasis).mark_rect(
                fillOpacity=0, stroke=CHOSEN_STROKE, strokeWidth=2, strokeDash=[4, 3]
            )
        )
    layers.append(
        base.transform_filter("datum.chosen").mark_rect(
            fillOpacity=0, stroke=CHOSEN_STROKE, strokeWidth=4.5 if lecture else 3.5
        )
    )
    # Every layer says what its cell holds: the pointer finds the topmost mark, which over an
    # outlined cell is the outline or the printed number, not the tile.
    tooltip = [
        alt.Tooltip("initializer:N"),
        alt.Tooltip("activation_label:N", title="activation"),
        alt.Tooltip("cell:N", title=f"log10 {title}"),
        alt.Tooltip("healthy:N", title="healthy (both ways, not saturated)"),
    ]
    chart = alt.layer(*(layer.encode(tooltip=tooltip) for layer in layers)).properties(
        height=alt.Step(TRAVEL_ROW_STEP[lecture]),
        # On a canvas the cells have no labels of their own: a screen reader gets this summary,
        # and every cell's number is in the CSV beside the chart.
        description=TRAVEL_SUMMARY_SLOT if cells_name else travel_summary(grid, direction),
    )
    axis_font = 10 if narrow else 15 if lecture else 11
    return style(chart, lecture).configure_axis(labelFontSize=axis_font, labelLimit=260)


def _travel_curve_names(depth: int) -> dict[str, str]:
    return {
        "forward_log10": "activations: Var h_l ÷ Var h_1",
        "backward_log10": f"gradient: Var ∂h_l ÷ Var ∂h_{depth}",
    }


def travel_curve_rows(curve: pd.DataFrame, depth: int) -> pd.DataFrame:
    """``travel_curve``'s lines as rows: ``layer``, ``series``, ``log10_ratio``; infinite values
    (dead, beyond float64) left out."""
    names = _travel_curve_names(depth)
    long = curve.melt(id_vars=["layer"], value_vars=list(names), var_name="series", value_name="log10_ratio")
    long["series"] = long["series"].map(names)
    return long[long["log10_ratio"].abs() < float("inf")]


def travel_curve(
    curve: pd.DataFrame | None, depth: int, *, lecture: bool = False, rows_name: str | None = None
) -> alt.LayerChart:
    """The per-layer curve behind one heatmap cell (``network.variance_travel_curve``): log10 of
    Var h_l / Var h_1 and of Var ∂h_l / Var ∂h_L against the layer, with the healthy band
    (within one decade) shaded and a dot on every layer up to 60. Infinite values (dead, beyond
    float64) are left out. With ``rows_name`` the lines read ``travel_curve_rows`` from that named
    dataset (``curve`` unused): one spec per depth, whichever cell it shows."""
    names = _travel_curve_names(depth)
    long = alt.NamedData(rows_name) if rows_name else travel_curve_rows(curve, depth)
    series = list(names.values())
    band = (
        alt.Chart(pd.DataFrame({"low": [-1.0], "high": [1.0]}))
        .mark_rect(opacity=0.15, color=GREY)
        .encode(
            y="low:Q",
            y2="high:Q",
            tooltip=[alt.Tooltip("low:Q", title="healthy from"), alt.Tooltip("high:Q", title="to")],
        )
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=depth <= 60)
        .encode(
            x=alt.X(
                "layer:Q",
                title="layer l",
                scale=alt.Scale(domain=[1, depth], nice=False),
                axis=integer_axis(),
            ),
            y=alt.Y(
                "log10_ratio:Q",
                title="log10 of the variance ratio",
                scale=alt.Scale(domain={"unionWith": [-2.0, 2.0]}),
            ),
            color=alt.Color(
                "series:N",
                scale=category_scale(series),
                legend=alt.Legend(orient="bottom", title=None, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("layer:Q"),
                alt.Tooltip("log10_ratio:Q", format="+.2f"),
            ],
        )
    )
    chart = alt.layer(band, lines).properties(height=CHART_HEIGHT[lecture])
    return style(chart, lecture)


def weight_histograms(histogram: pd.DataFrame, *, lecture: bool = False) -> alt.LayerChart:
    """Overlaid histograms (as steps) of one family's normal, uniform and truncated-normal
    samples at the same variance, with each exact density dashed
    (``initializers.distribution_comparison(...).histogram``)."""
    frame = histogram.assign(w=0.5 * (histogram["bin_left"] + histogram["bin_right"]))
    names = list(dict.fromkeys(frame["distribution"]))
    color = alt.Color(
        "distribution:N", scale=category_scale(names), legend=alt.Legend(orient="bottom", title=None)
    )
    x = alt.X("w:Q", title="weight w")
    steps = (
        alt.Chart(frame)
        .mark_line(interpolate="step")
        .encode(
            x=x,
            y=alt.Y("density:Q", title="density"),
            color=color,
            tooltip=[
                alt.Tooltip("distribution:N"),
                alt.Tooltip("bin_left:Q", format=".4f", title="from w"),
                alt.Tooltip("bin_right:Q", format=".4f", title="to w"),
                alt.Tooltip("density:Q", format=".3g", title="sampled density"),
                alt.Tooltip("pdf:Q", format=".3g", title="exact density"),
            ],
        )
    )
    exact = (
        alt.Chart(frame)
        .mark_line(strokeDash=DASHED, strokeWidth=1.2, opacity=0.8)
        .encode(x=x, y="pdf:Q", color=color)
    )
    chart = alt.layer(steps, exact).properties(height=CHART_HEIGHT[lecture])
    return style(chart, lecture)


def bias_panels(
    table: pd.DataFrame, *, lecture: bool = False, screen: str = "regular"
) -> alt.HConcatChart | alt.VConcatChart:
    """Two panels from ``network.bias_comparison``, one line per bias option (``bias_label``),
    against the layer: the share of units dead for every input (0–100 %) and the mean
    pre-activation. One legend below. Axis extents are fixed, so the panels sit at the same pixels
    whatever font the labels were measured in."""
    names = list(dict.fromkeys(table["bias_label"]))
    color = alt.Color(
        "bias_label:N", scale=category_scale(names), legend=alt.Legend(orient="bottom", title=None)
    )
    x = alt.X(
        "layer:Q",
        title="layer",
        scale=alt.Scale(domain=[1, int(table["layer"].max())], nice=False),
        axis=integer_axis(),
    )
    panels = []
    for column, title, share in (
        ("dead_unit_fraction", "units dead for every input", True),
        ("preact_mean", "mean pre-activation", False),
    ):
        panels.append(
            alt.Chart(table)
            .mark_line(point=len(table) <= 90)
            .encode(
                x=x,
                y=alt.Y(
                    f"{column}:Q",
                    title=title,
                    axis=alt.Axis(format="%" if share else "~g", minExtent=55, maxExtent=55),
                    scale=alt.Scale(domain=[0, 1]) if share else alt.Undefined,
                ),
                color=color,
                tooltip=[
                    alt.Tooltip("bias_label:N", title="biases"),
                    alt.Tooltip("layer:Q"),
                    alt.Tooltip(f"{column}:Q", format=".1%" if share else ".3g", title=title),
                ],
            )
            .properties(
                width=panel_width(BIAS_PANEL[lecture], lecture, screen), height=CHART_HEIGHT[lecture] * 2 // 3
            )
        )
    concat = alt.vconcat if stacks(screen) else alt.hconcat  # stacked on a phone or in a narrow column
    return style(concat(*panels, spacing=30).resolve_scale(color="shared"), lecture)
