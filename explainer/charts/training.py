"""The training page's charts: log-log laws, loss curves, small multiples, unit planes and early stopping."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from .pictures import colour_key, grid_pictures, picture_marks
from .theme import (
    CHART_HEIGHT,
    CLASS_COLORS,
    DASHED,
    GREEN,
    GREY,
    OVERLAP_DASHES,
    SOLID,
    VERMILLION,
    WINE,
    category_scale,
    integer_axis,
    log_axis,
    log_ticks,
    log_ticks_of,
    overlap_dashes,
    panel_columns,
    panel_width,
    side_legend,
    style,
)

# Mid-luminance hues that read on the planes' light and dark cells alike.
DEAD_COLOR, ALIVE_COLOR = WINE, GREEN
STOP_COLOR, BEST_COLOR = VERMILLION, GREY
FACET_WIDTH = {False: 580, True: 680}  # all panels of a small-multiples chart together
PLANE_PANEL = {False: 190, True: 250}
# The input planes shade the share of hidden units passing a gradient from "none" to "all" with
# these colours (the ends of Vega's "greys" scheme), named as the page's prose names them.
PLANE_SHADES = {"none": ("near-black", "#1E1E1E"), "all": ("light grey", "#E2E2E2")}
PLANE_STOPS = (0.0, 1.0)  # the shares PLANE_SHADES' "none" and "all" stand for


def log_log_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    law: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    law_title: str = "law",
    measured_title: str = "measured",
    lecture: bool = False,
    screen: str = "regular",
) -> alt.Chart:
    """Measured ``y`` against ``x`` on log–log axes (line and points), with the column ``law``
    drawn dashed beside it. Rows whose values are not strictly positive are dropped. Legends of
    the training page's stretched single charts sit on the right (see ``share_lines``)."""
    keep = data[(data[x] > 0) & (data[y] > 0)]
    if law:
        keep = keep[keep[law] > 0]
    names = {y: measured_title, **({law: law_title} if law else {})}
    long = keep.melt(id_vars=[x], value_vars=list(names), var_name="series", value_name="value")
    long["series"] = long["series"].map(names)
    series = list(names.values())
    chart = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=70 if lecture else 40))
        .encode(
            x=alt.X(f"{x}:Q", title=x_title or x, scale=alt.Scale(type="log", base=2)),
            y=alt.Y(
                "value:Q",
                title=y_title or y,
                scale=alt.Scale(type="log"),
                axis=log_axis(log_ticks_of(long["value"])),
            ),
            color=alt.Color(
                "series:N",
                scale=category_scale(series),
                legend=alt.Legend(orient=side_legend(screen), title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=series, range=[SOLID, DASHED][: len(series)]), legend=None
            ),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title or x),
                alt.Tooltip("series:N"),
                alt.Tooltip("value:Q", format=".3g"),
            ],
        )
        .properties(height=CHART_HEIGHT[lecture])
    )
    return style(chart, lecture)


def loss_curves(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    *,
    x_title: str | None = None,
    y_title: str | None = None,
    y_max: float | None = None,
    log_y: bool = True,
    order: Sequence[str] | None = None,
    lecture: bool = False,
    height: int | None = None,
    screen: str = "regular",
) -> alt.LayerChart:
    """``y`` against ``x``, one line per ``series`` (category colours, in ``order``), log y by default.

    ``y_max`` caps the axis: larger values are drawn at the top edge, so a diverging run leaves
    the chart there instead of squashing the others. Each line ends in a point, so a run that
    stopped early (diverged) shows where. ``order`` may name series absent from ``data``: they keep
    their colour slot (so a run has one colour on every chart of a section) but no legend entry.
    """
    frame, shape = loss_curve_rows(data, y, series, y_max=y_max, log_y=log_y, order=order)
    options = dict(
        x_title=x_title, y_title=y_title, log_y=log_y, lecture=lecture, height=height, screen=screen
    )
    return _loss_curves(frame, x, y, series, **shape, **options)


def loss_curve_rows(
    data: pd.DataFrame,
    y: str,
    series: str,
    *,
    y_max: float | None = None,
    log_y: bool = True,
    order: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """(the rows ``loss_curves`` draws, the arguments of ``loss_curves_template`` that follow
    from them: ``names``, ``present`` and ``y_domain``)."""
    frame = data[data[y] > 0] if log_y else data
    present = list(dict.fromkeys(frame[series]))
    names = list(order) if order is not None else present
    bottom = float(frame[y].min()) if len(frame) else 1e-3
    y_domain = None
    if y_max is not None:
        low = min(bottom, y_max / 10)
        if log_y and 0 < low < math.inf:
            # Down to the decade below, where log_ticks puts the lowest tick: a clamped scale draws
            # a tick below its domain at the bottom edge, labelling the edge with the wrong value.
            low = float(f"1e{math.floor(math.log10(low) + 1e-9)}")
        y_domain = [low, y_max]
    y_ticks = None
    if log_y and len(frame):
        ticks = log_ticks(*y_domain) if y_domain else log_ticks_of(frame[y])
        if y_domain:  # none beyond the cap either
            ticks = [t for t in ticks if y_domain[0] <= t <= y_domain[1]]
        y_ticks = tuple(ticks) or None
    return frame, {"names": names, "present": present, "y_domain": y_domain, "y_ticks": y_ticks}


def loss_curves_template(
    x: str,
    y: str,
    series: str,
    *,
    names: Sequence[str],
    present: Sequence[str],
    y_domain: Sequence[float] | None = None,
    y_ticks: Sequence[float] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    log_y: bool = True,
    lecture: bool = False,
    height: int | None = None,
    screen: str = "regular",
) -> alt.LayerChart:
    """``loss_curves`` as a template: the rows arrive by name ("data"); ``loss_curve_rows`` gives
    them and the other arguments (``y_ticks``: the log axis's ticks, which change only when the
    rows cross a power of ten), so one compiled spec serves every run with the same series."""
    options = dict(
        x_title=x_title, y_title=y_title, log_y=log_y, lecture=lecture, height=height, screen=screen
    )
    return _loss_curves(alt.NamedData("data"), x, y, series, names, present, y_domain, y_ticks, **options)


def _loss_curves(
    data, x, y, series, names, present, y_domain, y_ticks, *, x_title, y_title, log_y, lecture, height, screen
) -> alt.LayerChart:
    domain = alt.Undefined if y_domain is None else list(y_domain)
    scale = alt.Scale(type="log" if log_y else "linear", domain=domain, clamp=y_domain is not None)
    axis = log_axis(y_ticks) if log_y and y_ticks else alt.Undefined
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:Q", title=x_title or x),
        y=alt.Y(f"{y}:Q", title=y_title or y, scale=scale, axis=axis),
        color=alt.Color(
            f"{series}:N",
            scale=category_scale(list(names)),
            legend=alt.Legend(
                orient=side_legend(screen),
                title=None,
                labelLimit=320,
                values=[n for n in names if n in present],
            ),
        ),
        tooltip=[
            alt.Tooltip(f"{series}:N"),
            alt.Tooltip(f"{x}:Q", title=x_title or x),
            alt.Tooltip(f"{y}:Q", format=".4g", title=y_title or y),
        ],
    )
    ends = (
        base.transform_window(rank="rank()", sort=[alt.SortField(x, order="descending")], groupby=[series])
        .transform_filter("datum.rank == 1")
        .mark_point(filled=True, size=90 if lecture else 50)
    )
    chart = alt.layer(base.mark_line(), ends).properties(height=height or CHART_HEIGHT[lecture])
    return style(chart, lecture)


def facet_lines(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    facet: str,
    *,
    facet_order: Sequence[str] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    series_title: str | None = None,
    log_y: bool = False,
    y_domain: Sequence[float] | None = None,
    y_format: str | None = None,
    columns: int = 3,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.FacetChart:
    """Small multiples: ``y`` against ``x``, one line per ``series`` (ordinal colours, e.g. layers),
    one panel per ``facet`` value, axes shared so the panels compare."""
    frame, order = facet_line_rows(data, x, y, series, facet, facet_order=facet_order, log_y=log_y)
    options = dict(
        x_title=x_title,
        y_title=y_title,
        series_title=series_title,
        log_y=log_y,
        y_domain=y_domain,
        y_format=y_format,
        columns=columns,
        lecture=lecture,
        screen=screen,
    )
    return _facet_lines(frame, x, y, series, facet, order, **options)


# The dashes a small-multiples line may get, by name: lines that coincide in a panel (three layers
# with no dead unit, all at 0) get different ones, so each legend entry stays visible.
FACET_DASHES = {"solid": SOLID, **{f"dash{i}": dash for i, dash in enumerate(OVERLAP_DASHES)}}


def facet_line_rows(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    facet: str,
    *,
    facet_order: Sequence[str] | None = None,
    log_y: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """(the rows ``facet_lines`` draws, the panels in order: ``facet_lines_template``'s ``order``).
    Each row's ``dash`` names its line's dash in ``FACET_DASHES``: solid, unless the line runs on
    an earlier line of its panel (``overlap_dashes``)."""
    frame = data[data[y] > 0] if log_y else data
    order = list(facet_order) if facet_order is not None else list(dict.fromkeys(frame[facet]))
    names = {tuple(dash): name for name, dash in FACET_DASHES.items()}
    dash_of: dict[tuple, str] = {}
    for panel, group in frame.groupby(facet, sort=False):
        lines = list(dict.fromkeys(group[series]))
        dashes = overlap_dashes(group, x, y, series, lines, [SOLID] * len(lines))
        dash_of |= {
            (panel, line): names.get(tuple(dash), "dash0") for line, dash in zip(lines, dashes, strict=True)
        }
    keys = pd.Series(list(zip(frame[facet], frame[series], strict=True)), index=frame.index, dtype=object)
    return frame.assign(dash=keys.map(dash_of).fillna("solid")), order


def facet_lines_template(
    x: str,
    y: str,
    series: str,
    facet: str,
    *,
    order: Sequence[str],
    x_title: str | None = None,
    y_title: str | None = None,
    series_title: str | None = None,
    log_y: bool = False,
    y_domain: Sequence[float] | None = None,
    y_format: str | None = None,
    columns: int = 3,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.FacetChart:
    """``facet_lines`` as a template: the rows arrive by name ("data"); ``facet_line_rows`` gives
    them and ``order``, so one compiled spec serves every run with the same panels."""
    options = dict(
        x_title=x_title,
        y_title=y_title,
        series_title=series_title,
        log_y=log_y,
        y_domain=y_domain,
        y_format=y_format,
        columns=columns,
        lecture=lecture,
        screen=screen,
    )
    return _facet_lines(alt.NamedData("data"), x, y, series, facet, list(order), **options)


def _facet_lines(
    data,
    x,
    y,
    series,
    facet,
    order,
    *,
    x_title,
    y_title,
    series_title,
    log_y,
    y_domain,
    y_format,
    columns,
    lecture,
    screen,
) -> alt.FacetChart:
    if log_y:
        scale = alt.Scale(type="log")
    else:
        # Clamped and clipped: a value past the fixed domain stays inside the panel's frame.
        scale = alt.Scale(domain=list(y_domain), clamp=True) if y_domain else alt.Undefined
    columns = panel_columns(columns, screen)
    panels = max(1, min(columns, len(order)))
    chart = (
        alt.Chart(data)
        .mark_line(clip=True)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title or x),
            y=alt.Y(
                f"{y}:Q", title=y_title or y, scale=scale, axis=alt.Axis(format=y_format or alt.Undefined)
            ),
            color=alt.Color(
                f"{series}:O",
                title=series_title or series,
                scale=alt.Scale(scheme="viridis"),
                legend=alt.Legend(orient=side_legend(screen)),
            ),
            # The dash tells coinciding lines apart (``facet_line_rows``); the colour names them.
            strokeDash=alt.StrokeDash(
                "dash:N",
                scale=alt.Scale(domain=list(FACET_DASHES), range=list(FACET_DASHES.values())),
                legend=None,
            ),
            detail=alt.Detail(f"{series}:O"),
            tooltip=[
                alt.Tooltip(f"{facet}:N"),
                alt.Tooltip(f"{series}:O", title=series_title or series),
                alt.Tooltip(f"{x}:Q", title=x_title or x),
                alt.Tooltip(f"{y}:Q", format=".3g", title=y_title or y),
            ],
        )
        .properties(
            width=panel_width(FACET_WIDTH[lecture] // panels - 20, lecture, screen),
            height=CHART_HEIGHT[lecture] * 2 // 3,
        )
        .facet(facet=alt.Facet(f"{facet}:N", sort=order, title=None), columns=columns)
    )
    return style(chart, lecture)


def unit_planes(
    plane: pd.DataFrame,
    lines: pd.DataFrame,
    points: pd.DataFrame,
    runs: Sequence[str],
    *,
    limit: float,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.FacetChart:
    """One input-plane panel per run: the share of hidden units active at each point (shaded), the
    first hidden layer's units as their lines w·x + b = 0 (dead ones thick and coloured), and the
    training points by class. ``plane``: run, x0, x1, active_share on an even grid; ``lines``:
    run, unit, dead, x0_start, x1_start, x0_end, x1_end; ``points``: x0, x1, y.

    One faceted chart over one stacked table (a ``layer`` column says which mark a row feeds):
    a concatenation of three layered panels costs Altair about 40× more to build. Each run's
    shading is one picture (``plane_pictures``), not a rectangle per grid cell: Chromium spent
    a large part of the training page's drawing on the ~5,000 cells and their placing.
    """
    size = panel_width(PLANE_PANEL[lecture], lecture, screen)
    domain = [-limit, limit]
    states = ["alive", "dead"]
    stacked = pd.concat(
        [
            plane_pictures(plane).assign(layer="picture"),
            lines.assign(layer="line", state=lines["dead"].map({True: "dead", False: "alive"})),
            *(points.assign(layer="point", run=run) for run in runs),
        ],
        ignore_index=True,
    )
    x = alt.X("x0:Q", title="x₀", scale=alt.Scale(domain=domain, nice=False, zero=False))
    y = alt.Y("x1:Q", title="x₁", scale=alt.Scale(domain=domain, nice=False, zero=False))
    pictures = picture_marks(
        alt.Chart().transform_filter("datum.layer == 'picture'"),
        alt.Scale(domain=domain, nice=False, zero=False),
        alt.Scale(domain=domain, nice=False, zero=False),
        [alt.Tooltip("run:N", title="network")],
        clip=True,
    )
    shades = colour_key(
        "active_share",
        alt.Color(
            "active_share:Q",
            title="units with f′ > 0",
            scale=alt.Scale(
                domain=list(PLANE_STOPS),
                range=[PLANE_SHADES["none"][1], PLANE_SHADES["all"][1]],
                interpolate="rgb",
            ),
            legend=alt.Legend(orient="bottom", format=".0%", gradientLength=size),
        ),
        PLANE_STOPS,
    )
    segments = (
        alt.Chart()
        .transform_filter("datum.layer == 'line'")
        .mark_rule()
        .encode(
            x=alt.X("x0_start:Q", title="x₀", scale=alt.Scale(domain=domain, nice=False, zero=False)),
            y=alt.Y("x1_start:Q", title="x₁", scale=alt.Scale(domain=domain, nice=False, zero=False)),
            x2="x0_end:Q",
            y2="x1_end:Q",
            stroke=alt.Stroke(
                "state:N",
                title="first-layer unit",
                scale=alt.Scale(domain=states, range=[ALIVE_COLOR, DEAD_COLOR]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeWidth=alt.StrokeWidth(
                "state:N", scale=alt.Scale(domain=states, range=[1, 3.5 if lecture else 2.5]), legend=None
            ),
            tooltip=[alt.Tooltip("unit:Q"), alt.Tooltip("state:N")],
        )
    )
    dots = (
        alt.Chart()
        .transform_filter("datum.layer == 'point'")
        .mark_circle(size=40 if lecture else 14, opacity=0.9)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "y:N",
                title="class",
                scale=alt.Scale(domain=[0, 1], range=list(CLASS_COLORS)),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("y:N", title="class")],
        )
    )
    chart = (
        alt.layer(pictures, shades, segments, dots, data=stacked)
        .properties(width=size, height=size)
        .facet(
            facet=alt.Facet("run:N", sort=list(runs), title=None, header=alt.Header(labelFontWeight="bold")),
            columns=panel_columns(len(runs), screen),
        )
    )
    return style(chart, lecture)


def plane_pictures(plane: pd.DataFrame) -> pd.DataFrame:
    """What ``unit_planes`` draws of ``plane`` (run, x0, x1, active_share): one row per run with
    its square (the grid ± half a step) and ``url``, a PNG with one pixel per grid cell shaded
    from PLANE_SHADES' "none" to "all" by the share of units with f′ > 0."""
    colors = (PLANE_SHADES["none"][1], PLANE_SHADES["all"][1])
    return grid_pictures(plane, "run", "active_share", PLANE_STOPS, colors)


def early_stopping_chart(
    curves: pd.DataFrame,
    best_step: int,
    stop_step: int | None,
    *,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.LayerChart:
    """Training, validation and test loss against step (log y), the patience window shaded from
    the best validation step to the stop, and a rule at each. ``curves``: step, series, loss."""
    names = ["training loss", "validation loss", "test loss"]
    marks = ["best validation loss", "stop"]
    frame = curves[curves["loss"] > 0]
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("step:Q", title="step", axis=integer_axis()),
            y=alt.Y(
                "loss:Q",
                title="loss (log)",
                scale=alt.Scale(type="log"),
                axis=log_axis(log_ticks_of(frame["loss"])),
            ),
            color=alt.Color(
                "series:N",
                scale=category_scale(names),
                legend=alt.Legend(orient=side_legend(screen), title=None),
            ),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".4f")],
        )
    )
    events = pd.DataFrame(
        [{"step": best_step, "event": marks[0]}]
        + ([{"step": stop_step, "event": marks[1]}] if stop_step is not None else [])
    )
    rules = (
        alt.Chart(events)
        .mark_rule(strokeDash=DASHED, strokeWidth=3 if lecture else 2)
        .encode(
            x="step:Q",
            stroke=alt.Stroke(
                "event:N",
                scale=alt.Scale(domain=marks, range=[BEST_COLOR, STOP_COLOR]),
                legend=alt.Legend(orient=side_legend(screen), title=None),
            ),
            tooltip=[alt.Tooltip("event:N"), alt.Tooltip("step:Q")],
        )
    )
    layers = [lines, rules]
    if stop_step is not None:
        window = (
            alt.Chart(pd.DataFrame({"start": [best_step], "end": [stop_step]}))
            .mark_rect(opacity=0.12, color=STOP_COLOR)
            .encode(
                x="start:Q",
                x2="end:Q",
                tooltip=[
                    alt.Tooltip("start:Q", title="patience from step"),
                    alt.Tooltip("end:Q", title="to step"),
                ],
            )
        )
        layers.insert(0, window)
    chart = alt.layer(*layers).properties(height=CHART_HEIGHT[lecture])
    return style(chart, lecture)
