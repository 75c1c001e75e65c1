"""The MLP comparison page's charts: decision boundaries, learning curves, layer heatmaps and shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .pictures import colour_key, grid_pictures, picture_marks, ramp_colors
from .theme import (
    ACTIVATION_STYLES,
    CELL_OVERLAP,
    CELL_SCHEME,
    CHART_HEIGHT,
    CLASS_COLORS,
    DASHED,
    GREY,
    LOG_LEGEND_LABELS,
    activation_scales,
    category_scale,
    half_spacing,
    integer_axis,
    log_axis,
    log_ticks_of,
    panel_columns,
    panel_width,
    side_legend,
    stacks,
    style,
)

PROBABILITY_RANGE = ("#3B8FCB", "#F2F2F2", "#E8844A")
PROBABILITY_STOPS = (0.0, 0.5, 1.0)  # where PROBABILITY_RANGE's colours sit
BOUNDARY_PANEL = {False: 250, True: 360}
# On a projector a lecture shows up to this many boundary panels in one row, each this wide: all
# four activations side by side across the page on the first screen.
WIDE_BOUNDARY_COLUMNS, WIDE_BOUNDARY_PANEL = 4, 290
CURVE_PANEL = {False: 250, True: 300}  # two side by side in the centred or wide layout
HEATMAP_WIDTH = {False: 470, True: 600}


def probability_colors(probability: np.ndarray) -> np.ndarray:
    """RGB bytes (``probability.shape`` + (3,)) of P(class 1) on PROBABILITY_RANGE's scale (0, ½
    and 1), interpolated in RGB as the legend's scale is."""
    return ramp_colors(probability, PROBABILITY_STOPS, PROBABILITY_RANGE)  # clamped at 0 and 1


def boundary_pictures(rows: pd.DataFrame, panel: str = "activation") -> pd.DataFrame:
    """What the boundary template draws of ``rows`` (a grid's rows with ``title`` and ``order``,
    as ``lessons.mlp.tables.titled_grid`` gives them): one row per panel, ``panel``, ``title``,
    ``order``, its square's ``left``, ``right``, ``bottom`` and ``top`` (the grid ± half a step)
    and ``url``, a PNG with one pixel per grid cell in the colours of P(class 1).

    One picture per panel rather than a rectangle per cell: a browser drew the four panels'
    10,000 rectangles in about half a second of every MLP move (and again in each frame while
    the nets train), a picture in a few milliseconds."""
    # ramp_colors gives values beyond 0 and 1 the end colours, as clipping them would.
    pictures = grid_pictures(
        rows, panel, "probability", PROBABILITY_STOPS, PROBABILITY_RANGE, keep=("title", "order")
    )
    return pictures.sort_values("order", ignore_index=True)


def probability_panels(
    grid: pd.DataFrame,
    points: pd.DataFrame,
    titles: dict[str, str],
    *,
    panel: str = "activation",
    lecture: bool = False,
    columns: int = 2,
    named: bool = False,
    screen: str = "regular",
) -> alt.FacetChart:
    """One panel per key of ``titles`` (in that order): a classifier's P(class 1) over the plane,
    with the data on top.

    ``grid`` has ``panel``, x0, x1, probability on an evenly spaced grid; ``points`` has x0, x1,
    y (0 or 1) and split ("train" or "test"), drawn in every panel (train as circles, test as
    triangles). When the panel keys are activations, a strip along each panel's top carries the
    activation's colour. One faceted chart, not one chart per panel: it builds and serialises
    several times faster, which a page rerun feels.

    ``named`` makes the chart a template that reads its rows by name: "pictures" (one per panel,
    as ``boundary_pictures`` makes them of the grid's rows) and "points"; ``grid`` and ``points``
    are not read, ``titles`` fixes only which panels there are. The square comes from the
    pictures themselves, so a page builds the spec once for all settings and sends new rows (the
    nets as they train) with it.
    """
    # On a projector the panels grow by columns, not size.
    size = _kept_on_a_projector(BOUNDARY_PANEL[lecture], lecture, screen)
    keys = list(titles)
    if lecture and screen == "wide" and len(keys) > columns:
        columns, size = min(len(keys), WIDE_BOUNDARY_COLUMNS), WIDE_BOUNDARY_PANEL
    probability = alt.Color(
        "probability:Q",
        scale=alt.Scale(domain=list(PROBABILITY_STOPS), range=list(PROBABILITY_RANGE), interpolate="rgb"),
        legend=alt.Legend(
            title="P(class 1)", orient="bottom", gradientLength=size, format=".1f", values=[0, 0.5, 1]
        ),
    )
    if named:
        data, point_data = alt.NamedData("pictures"), alt.NamedData("points")
        sort: list[str] | alt.EncodingSortField = alt.EncodingSortField("order", op="min")
        # The scales take the pictures' extent (each panel's grid ± half a step).
        x_scale = y_scale = alt.Scale(nice=False, zero=False)
        picture = picture_marks(alt.Chart(), x_scale, y_scale, [alt.Tooltip("title:N", title="net")])
        key = colour_key("probability", probability)
        layers = [picture, key]
    else:
        data = grid[grid[panel].isin(keys)].assign(title=lambda g: g[panel].map(titles))
        point_data, sort = points, list(titles.values())
        half_x, half_y = half_spacing(grid["x0"]), half_spacing(grid["x1"])
        x_low, x_high = float(grid["x0"].min()) - half_x, float(grid["x0"].max()) + half_x
        y_low, y_high = float(grid["x1"].min()) - half_y, float(grid["x1"].max()) + half_y
        x_scale = alt.Scale(domain=[x_low, x_high], nice=False, zero=False)
        y_scale = alt.Scale(domain=[y_low, y_high], nice=False, zero=False)
        cells = _cell_edges(alt.Chart(), (half_x * CELL_OVERLAP, half_y * CELL_OVERLAP))
        cells = cells.mark_rect(clip=True).encode(
            x=alt.X("x0_low:Q", title="x₀", scale=x_scale),
            x2="x0_high:Q",
            y=alt.Y("x1_low:Q", title="x₁", scale=y_scale),
            y2="x1_high:Q",
            color=probability,
            tooltip=[
                alt.Tooltip("title:N", title="net"),
                alt.Tooltip("x0:Q", format=".2f", title="x₀"),
                alt.Tooltip("x1:Q", format=".2f", title="x₁"),
                alt.Tooltip("probability:Q", format=".3f", title="P(class 1)"),
            ],
        )
        layers = [cells]
    # Points carry their own data, so every panel draws all of them.
    dots = (
        alt.Chart(point_data)
        .mark_point(filled=True, size=70 if lecture else 28, stroke="white", strokeWidth=0.8, opacity=1)
        .encode(
            x=alt.X("x0:Q", scale=x_scale),
            y=alt.Y("x1:Q", scale=y_scale),
            fill=alt.Fill(
                "y:N",
                scale=alt.Scale(domain=[0, 1], range=list(CLASS_COLORS)),
                legend=alt.Legend(title="class", orient="bottom"),
            ),
            shape=alt.Shape(
                "split:N",
                scale=alt.Scale(domain=["train", "test"], range=["circle", "triangle-up"]),
                legend=alt.Legend(title="points", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x0:Q", format=".2f", title="x₀"),
                alt.Tooltip("x1:Q", format=".2f", title="x₁"),
                alt.Tooltip("y:N", title="class"),
                alt.Tooltip("split:N", title="set"),
            ],
        )
    )
    layers.append(dots)
    if all(key in ACTIVATION_STYLES for key in keys):
        # Facet headers cannot take a colour per panel, so a strip inside each panel does.
        color, _ = activation_scales(keys, keys)
        stroke = alt.Stroke(f"{panel}:N", scale=color, legend=None)
        strip = alt.Chart().mark_rule(strokeWidth=10 if lecture else 6, strokeCap="butt")
        if named:
            strip = strip.encode(
                x=alt.X("left:Q", scale=x_scale), x2="right:Q", y=alt.Y("top:Q", scale=y_scale)
            )
        else:
            strip = strip.transform_aggregate(groupby=[panel]).encode(
                x=alt.datum(x_low, scale=x_scale), x2=alt.datum(x_high), y=alt.datum(y_high, scale=y_scale)
            )
        layers.append(strip.encode(stroke=stroke))
    chart = (
        alt.layer(*layers, data=data)
        .properties(width=size, height=size)
        .facet(
            facet=alt.Facet(
                "title:N",
                sort=sort,
                title=None,
                header=alt.Header(labelFontWeight="bold", labelAnchor="start", labelOrient="top"),
            ),
            columns=panel_columns(columns, screen),
            spacing=36 if lecture else 20,
        )
    )
    return style(chart, lecture)


def _cell_edges(chart: alt.Chart, pads: tuple[float, float]) -> alt.Chart:
    """``chart`` with each grid row's cell edges (x0_low, x0_high, x1_low, x1_high), ``pads`` from
    its centre."""
    pad_x, pad_y = pads
    return chart.transform_calculate(
        x0_low=f"datum.x0 - {pad_x}",
        x0_high=f"datum.x0 + {pad_x}",
        x1_low=f"datum.x1 - {pad_y}",
        x1_high=f"datum.x1 + {pad_y}",
    )


def learning_curves(
    history: pd.DataFrame,
    lecture: bool = False,
    *,
    chance: float | None = None,
    epochs: int | None = None,
    named: bool = False,
    loss_ticks: Sequence[float] | None = None,
    screen: str = "regular",
) -> alt.HConcatChart | alt.VConcatChart:
    """Training loss (log axis) and test accuracy per epoch, one line per activation; side by side,
    or one above the other on a phone or in a narrow column (``stacks(screen)``).

    ``history`` has key (registry key), label, epoch, loss and test_accuracy. ``chance``, if
    given, draws the accuracy of always guessing the larger class as a dashed rule. ``epochs``,
    if given, fixes the epoch axis at 0 to ``epochs``, so curves drawn while training grow
    along it. ``named`` makes the chart a template that reads its rows by name ("history"):
    ``history`` then fixes only the lines (their keys and labels, in order), and ``loss_ticks``
    (``log_ticks_of`` the losses to come) the loss axis's ticks.
    """
    labels = list(dict.fromkeys(history["label"]))
    keys = [history.loc[history["label"] == label, "key"].iloc[0] for label in labels]
    color, dash = activation_scales(keys, labels)
    legend = alt.Legend(orient="bottom", title=None, labelLimit=320)
    width = panel_width(CURVE_PANEL[lecture], lecture, screen)
    epoch_scale = alt.Undefined if epochs is None else alt.Scale(domain=[0, epochs], nice=False)
    if loss_ticks is None and not named:
        loss_ticks = log_ticks_of(history["loss"])
    loss_axis = log_axis(loss_ticks) if loss_ticks else alt.Undefined
    base = alt.Chart(alt.NamedData("history") if named else history).encode(
        x=alt.X("epoch:Q", title="epoch", scale=epoch_scale, axis=integer_axis()),
        color=alt.Color("label:N", scale=color, legend=legend),
        strokeDash=alt.StrokeDash("label:N", scale=dash, legend=legend),
    )
    tooltip = [alt.Tooltip("label:N", title="activation"), alt.Tooltip("epoch:Q")]
    loss = (
        base.transform_filter("datum.loss > 0")
        .mark_line()
        .encode(
            y=alt.Y("loss:Q", title="training loss (log)", scale=alt.Scale(type="log"), axis=loss_axis),
            tooltip=[*tooltip, alt.Tooltip("loss:Q", format=".4f")],
        )
        .properties(width=width, height=CHART_HEIGHT[lecture])
    )
    accuracy = base.mark_line().encode(
        y=alt.Y("test_accuracy:Q", title="test accuracy", scale=alt.Scale(domain=[0, 1])),
        tooltip=[*tooltip, alt.Tooltip("test_accuracy:Q", format=".3f", title="test accuracy")],
    )
    if chance is not None:
        if named:
            # A template carries no rows of its own (a page sends them all by name): one row
            # made from the history's, holding the number.
            source = (
                alt.Chart(alt.NamedData("history"))
                .transform_aggregate(rows="count()")
                .transform_calculate(chance=repr(float(chance)))
            )
        else:
            source = alt.Chart(pd.DataFrame({"chance": [chance]}))
        rule = source.mark_rule(color=GREY, strokeDash=DASHED, strokeWidth=1.5).encode(
            y="chance:Q", tooltip=[alt.Tooltip("chance:Q", format=".2f", title="chance")]
        )
        accuracy = alt.layer(accuracy, rule)
    accuracy = accuracy.properties(width=width, height=CHART_HEIGHT[lecture])
    concat = alt.vconcat if stacks(screen) else alt.hconcat
    return style(concat(loss, accuracy), lecture)


def _kept_on_a_projector(width: int, lecture: bool, screen: str) -> int:
    """A boundary panel's or a heatmap's width: narrowed like any panel on a phone or in a narrow
    column, kept on a projector (which shows more boundary panels a row, and as many heatmap
    cells as epochs, rather than larger ones)."""
    return width if screen == "wide" else panel_width(width, lecture, screen)


def heatmap(
    data: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    rows: str | None = None,
    row_order: Sequence[str] | None = None,
    log_color: bool = True,
    **options: Any,
) -> alt.Chart | alt.FacetChart:
    """``value`` as colour over a grid of ``x`` (evenly spaced numbers, e.g. epochs) by ``y``
    (categories, e.g. layers), one heatmap per value of ``rows`` when given, stacked, with
    ``y_title`` once beside them.

    ``log_color`` uses a log colour scale and drops rows whose value is not strictly positive
    (a log scale cannot show them; callers say so in words). The colour scale is shared by all
    rows, so cells compare across heatmaps. ``options``: ``heatmap_template``'s titles, lecture,
    width, value_format and screen.
    """
    frame, shape = heatmap_rows(data, x, value, rows=rows, row_order=row_order, log_color=log_color)
    return _heatmap(frame, x, y, value, rows=rows, log_color=log_color, **shape, **options)


def heatmap_rows(
    data: pd.DataFrame,
    x: str,
    value: str,
    *,
    rows: str | None = None,
    row_order: Sequence[str] | None = None,
    log_color: bool = True,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The rows ``heatmap`` draws (on a log colour scale, only strictly positive values) and
    what else they fix for ``heatmap_template``: ``half`` half the cells' width in ``x``,
    ``x_domain`` the grid's extent in ``x`` (None when no row is left), and ``row_order`` the blocks'
    order (``rows``' values as they come, unless given)."""
    frame = data[data[value] > 0] if log_color else data
    half = half_spacing(frame[x]) if len(frame) else 0.5
    x_domain = (float(frame[x].min()) - half, float(frame[x].max()) + half) if len(frame) else None
    order = None
    if rows:
        order = list(row_order) if row_order is not None else list(dict.fromkeys(frame[rows]))
    return frame, {"half": half, "x_domain": x_domain, "row_order": order}


def heatmap_template(
    x: str,
    y: str,
    value: str,
    *,
    half: float,
    x_domain: Sequence[float] | None = None,
    rows: str | None = None,
    row_order: Sequence[str] | None = None,
    log_color: bool = True,
    **options: Any,
) -> alt.Chart | alt.FacetChart:
    """``heatmap`` as a template: its rows arrive by name ("data"), and ``heatmap_rows`` gives
    them, ``half`` and ``row_order``; one compiled spec then serves every run with the same
    blocks and spacing (building one costs ~15-30 ms of Altair work, a new run's rows nothing)."""
    return _heatmap(
        alt.NamedData("data"),
        x,
        y,
        value,
        half=half,
        x_domain=x_domain,
        rows=rows,
        row_order=row_order,
        log_color=log_color,
        **options,
    )


def _heatmap(
    data: pd.DataFrame | alt.NamedData,
    x: str,
    y: str,
    value: str,
    *,
    half: float,
    x_domain: Sequence[float] | None,
    rows: str | None,
    row_order: Sequence[str] | None,
    log_color: bool,
    x_title: str | None = None,
    y_title: str | None = None,
    value_title: str | None = None,
    lecture: bool = False,
    width: int | None = None,
    value_format: str = ".3g",
    screen: str = "regular",
) -> alt.Chart | alt.FacetChart:
    cell = 24 if lecture else 16
    # Each cell reaches a tenth of a half-step into its neighbours, hiding the seams anti-aliasing
    # leaves between narrow cells (200 epochs on 470 px); the scale ends at the grid's own edges.
    pad = half * CELL_OVERLAP
    domain = alt.Undefined if x_domain is None else list(x_domain)
    chart = (
        alt.Chart(data)
        .transform_calculate(x_low=f"datum['{x}'] - {pad}", x_high=f"datum['{x}'] + {pad}")
        .mark_rect(clip=True)
        .encode(
            x=alt.X("x_low:Q", title=x_title or x, scale=alt.Scale(domain=domain, nice=False, zero=False)),
            x2="x_high:Q",
            y=alt.Y(f"{y}:O", title=None if rows else y_title or y, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                f"{value}:Q",
                title=value_title or value,
                scale=alt.Scale(type="log", scheme=CELL_SCHEME)
                if log_color
                else alt.Scale(scheme=CELL_SCHEME),
                legend=alt.Legend(
                    orient=side_legend(screen),
                    format=".0e" if log_color else value_format,
                    gradientLength=160,
                    **({"labelExpr": LOG_LEGEND_LABELS} if log_color else {}),
                ),
            ),
            tooltip=[
                *([alt.Tooltip(f"{rows}:N")] if rows else []),
                alt.Tooltip(f"{x}:Q", title=x_title or x),
                alt.Tooltip(f"{y}:O", title=y_title or y),
                alt.Tooltip(f"{value}:Q", format=value_format, title=value_title or value),
            ],
        )
        .properties(
            width=_kept_on_a_projector(width or HEATMAP_WIDTH[lecture], lecture, screen),
            height=alt.Step(cell),
        )
    )
    if rows:
        chart = chart.facet(
            row=alt.Row(
                f"{rows}:N",
                sort=list(row_order or ()),
                title=y_title or y,
                # On a phone or in a narrow column each block's name goes above it, leaving its
                # width to the cells.
                header=alt.Header(
                    labelAngle=0, labelAlign="left", labelOrient="top" if stacks(screen) else "left"
                ),
            ),
            spacing=8,
        )
    return style(chart, lecture)


def share_lines(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    *,
    x_title: str | None = None,
    y_title: str | None = None,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.Chart:
    """A share (0 to 1, shown as a percentage) against ``x``, one line per value of ``series``.

    The legend sits on the right: Streamlit 1.67 squeezes a stretched single chart whose legend
    is at the bottom, drawing its lines outside the axes.
    """
    names = list(dict.fromkeys(data[series]))
    chart = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X(f"{x}:Q", title=x_title or x),
            y=alt.Y(f"{y}:Q", title=y_title or y, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color(
                f"{series}:N",
                scale=category_scale(names),
                legend=alt.Legend(orient=side_legend(screen), title=None),
            ),
            tooltip=[alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".1%")],
        )
        .properties(height=CHART_HEIGHT[lecture] * 2 // 3)
    )
    return style(chart, lecture)
