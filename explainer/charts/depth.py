"""The depth page's charts, as templates: the rows enter by name (``alt.NamedData``: "data", and
"marks" for the phase diagram), and everything else a builder needs is an argument, so a page can
compile a spec once and send new rows with it on every rerun without building the chart again."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from .theme import CELL_OVERLAP, CELL_SCHEME, CHART_HEIGHT, DASHED, SOLID, category_scale, side_legend, style

# An axis of log10 values labelled as the numbers, by ``LOG_LABELS``' rule: plain from 0.001 to
# 50,000 (0.01, 1, 10000), powers of ten outside (1e-8, 1e5; 3e-4 between decades).
DECADE_LABELS = (
    "datum.value < -3 || datum.value >= 5"
    " ? (datum.value % 1 == 0 ? '1e' + datum.value : replace(format(pow(10, datum.value), '.1~e'), 'e+', 'e'))"
    " : format(pow(10, datum.value), '.3~g')"
)


def decade_axis(title: str) -> alt.Axis:
    """An axis of log10 values labelled as powers of ten (1e-8, 1, 1e4), one tick per decade at most.
    Its end labels are centred on their ticks: Streamlit's theme moves them inward, flush with the
    plot, where the overlap check then dropped their neighbours (1e-26 beside 1e-28)."""
    return alt.Axis(
        title=title, tickMinStep=1, labelExpr=DECADE_LABELS, labelOverlap="greedy", labelFlush=False
    )


def decade_lines(
    names: Sequence[str],
    colors: Sequence[str],
    dashes: Sequence[Sequence[int]],
    *,
    y_title: str,
    x_title: str = "layer (1 = nearest the input)",
    x: str = "layer",
    points: bool | Sequence[str] = False,
    lecture: bool = False,
    height: int | None = None,
    screen: str = "regular",
) -> alt.Chart:
    """Lines of ``log10`` against ``layer`` on an axis labelled in powers of ten, one per
    ``series`` (in the order ``names``, drawn in ``colors`` with ``dashes``).

    ``points``: a dot on every row of every line (True), or of the lines named (a measured line
    beside its prediction or bound: the dots go over every line, so a prediction that agrees
    shows as a dashed line through the measured dots instead of hiding them under its own).

    Rows (named "data"): layer (or the column ``x``: a time step, say), series, log10, text (the
    value as shown in the tooltip). A log10
    axis instead of a log scale: values far beyond float64 (a gradient of 1e-400, measured in
    logs) stay drawable, and rows that are exactly 0 are simply absent.
    """
    legend = alt.Legend(orient=side_legend(screen), title=None, labelLimit=260, symbolType="stroke")
    color_scale = alt.Scale(domain=list(names), range=list(colors))
    dotted = list(names) if points is True else [n for n in names if n in points] if points else []
    base = alt.Chart(alt.NamedData("data")).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(tickMinStep=1), scale=alt.Scale(zero=False)),
        y=alt.Y("log10:Q", axis=decade_axis(y_title), scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=color_scale, legend=legend),
        tooltip=[
            alt.Tooltip("series:N", title="line"),
            alt.Tooltip(f"{x}:Q", title=x),
            alt.Tooltip("text:N", title="value"),
        ],
    )
    chart: alt.Chart | alt.LayerChart = base.mark_line().encode(
        strokeDash=alt.StrokeDash(
            "series:N", scale=alt.Scale(domain=list(names), range=[list(d) for d in dashes]), legend=legend
        )
    )
    if dotted:
        # The legend shows each line as a stroke with its dash: a dot there would stand for both.
        dots = (
            base.transform_filter(alt.FieldOneOfPredicate(field="series", oneOf=dotted))
            .mark_point(filled=True, opacity=1, size=60 if lecture else 30)
            .encode(color=alt.Color("series:N", scale=color_scale, legend=None))
        )
        chart = alt.layer(chart, dots)
    return style(chart.properties(height=height or CHART_HEIGHT[lecture], width="container"), lecture)


def share_by_layer(
    names: Sequence[str],
    dashes: Sequence[Sequence[int]] | None = None,
    *,
    lecture: bool = False,
    height: int | None = None,
    screen: str = "regular",
) -> alt.Chart:
    """Fractions (0 to 1, shown as percentages) against ``layer``, one line per ``series`` in the
    order ``names``, drawn with ``dashes`` (solid when not given; ``overlap_dashes`` gives a line
    lying on an earlier one a dash of its own). Rows (named "data"): layer, series, value."""
    legend = alt.Legend(orient=side_legend(screen), title=None, labelLimit=260)
    chart = (
        alt.Chart(alt.NamedData("data"))
        .mark_line()
        .encode(
            x=alt.X("layer:Q", title="layer (1 = nearest the input)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "value:Q",
                title="share of batch × units",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("series:N", scale=category_scale(names), legend=legend),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=list(names), range=[list(d) for d in dashes or [SOLID] * len(names)]),
                legend=legend,
            ),
            tooltip=[
                alt.Tooltip("series:N", title="share"),
                alt.Tooltip("layer:Q"),
                alt.Tooltip("value:Q", format=".1%", title="value"),
            ],
        )
        .properties(height=height or CHART_HEIGHT[lecture] * 2 // 3, width="container")
    )
    return style(chart, lecture)


def layer_histograms(half_step: float, *, lecture: bool = False, screen: str = "regular") -> alt.Chart:
    """A layer × value heatmap: for each layer (x, input at the left) the share of its outputs in
    each value bin (y), on a log colour scale. Rows (named "data"): layer, bin_left, bin_right,
    fraction (> 0; empty bins are absent). ``half_step`` is half the spacing of the layers shown."""
    chart = (
        alt.Chart(alt.NamedData("data"))
        # Each cell reaches a little past its neighbours' edges (CELL_OVERLAP), both ways, so no
        # light seam shows between cells of one colour.
        .transform_calculate(
            left=f"datum.layer - {half_step * CELL_OVERLAP}",
            right=f"datum.layer + {half_step * CELL_OVERLAP}",
            bottom=f"datum.bin_left - {(CELL_OVERLAP - 1) / 2} * (datum.bin_right - datum.bin_left)",
            top=f"datum.bin_right + {(CELL_OVERLAP - 1) / 2} * (datum.bin_right - datum.bin_left)",
        )
        .mark_rect()
        .encode(
            x=alt.X("left:Q", title="layer (1 = nearest the input)", scale=alt.Scale(zero=False, nice=False)),
            x2="right:Q",
            y=alt.Y("bottom:Q", title="activation value h", scale=alt.Scale(zero=False, nice=False)),
            y2="top:Q",
            color=alt.Color(
                "fraction:Q",
                title="share of values",
                scale=alt.Scale(type="log", scheme=CELL_SCHEME, domain=[1e-4, 1], clamp=True),
                legend=alt.Legend(
                    orient=side_legend(screen), format=".2~%", values=[1e-4, 1e-3, 1e-2, 0.1, 1]
                ),
            ),
            tooltip=[
                alt.Tooltip("layer:Q"),
                alt.Tooltip("bin_left:Q", format=".3g", title="from h"),
                alt.Tooltip("bin_right:Q", format=".3g", title="to h"),
                alt.Tooltip("fraction:Q", format=".2%", title="share"),
            ],
        )
        .properties(height=CHART_HEIGHT[lecture], width="container")
    )
    return style(chart, lecture)


def phase_heatmap(
    sigma_range: Sequence[float],
    depth_range: Sequence[float],
    sigma_step: float,
    depth_step: float,
    limit: float,
    *,
    lecture: bool = False,
    screen: str = "regular",
) -> alt.LayerChart:
    """Weight scale σ_w (x) × depth (y), each cell coloured by log10 of layer 1's gradient over
    layer d's (blue: vanishing, orange: exploding, clipped at ±``limit`` decades), with the
    mean-field edge of chaos χ = 1 as a dashed vertical rule and the page's own network as a
    cross. A click on a cell selects it (selection parameter "pick", fields sigma_w and depth).

    Rows named "data": sigma_w, depth, value, text, predicted, status. Rows named "marks": kind
    ("critical" or "here"), sigma_w, depth; marks outside the ranges are not drawn.
    """
    x_scale = alt.Scale(domain=list(sigma_range), nice=False, zero=False)
    y_scale = alt.Scale(domain=list(depth_range), nice=False, zero=False)
    pick = alt.selection_point(name="pick", fields=["sigma_w", "depth"], on="click", clear=False)
    # Cells overlap their neighbours a little (CELL_OVERLAP) and are opaque, so no seam shows
    # between them; the plot clips the outer ones at the grid's edges.
    pad_x, pad_y = sigma_step / 2 * CELL_OVERLAP, depth_step / 2 * CELL_OVERLAP
    cells = (
        alt.Chart(alt.NamedData("data"))
        .transform_calculate(
            x0=f"datum.sigma_w - {pad_x}",
            x1=f"datum.sigma_w + {pad_x}",
            y0=f"datum.depth - {pad_y}",
            y1=f"datum.depth + {pad_y}",
        )
        .mark_rect(cursor="pointer", clip=True)
        .encode(
            x=alt.X("x0:Q", title="weight scale σ_w = √(width · Var W)", scale=x_scale),
            x2="x1:Q",
            y=alt.Y("y0:Q", title="depth (layers)", scale=y_scale),
            y2="y1:Q",
            color=alt.Color(
                "value:Q",
                title=["layer 1 ÷ layer d", "gradient std"],
                scale=alt.Scale(scheme="blueorange", domain=[-limit, limit], domainMid=0, clamp=True),
                legend=alt.Legend(orient=side_legend(screen), labelExpr=DECADE_LABELS, gradientLength=200),
            ),
            tooltip=[
                alt.Tooltip("sigma_w:Q", format=".2f", title="σ_w"),
                alt.Tooltip("depth:Q", title="depth"),
                alt.Tooltip("text:N", title="measured layer 1 ÷ layer d"),
                alt.Tooltip("predicted:N", title="mean field predicts"),
            ],
        )
        .add_params(pick)
    )
    marks = alt.Chart(alt.NamedData("marks"))
    edge = (
        marks.transform_filter("datum.kind == 'critical'")
        .mark_rule(strokeDash=DASHED, strokeWidth=3 if lecture else 2, color="#222222", clip=True)
        .encode(
            x=alt.X("sigma_w:Q", scale=x_scale),
            tooltip=[alt.Tooltip("sigma_w:Q", format=".3f", title="χ = 1 at σ_w")],
        )
    )
    label = (
        marks.transform_filter("datum.kind == 'critical'")
        .mark_text(align="left", dx=5, dy=8, fontWeight="bold", color="#222222", clip=True)
        .encode(x=alt.X("sigma_w:Q", scale=x_scale), y=alt.value(0), text=alt.value("χ = 1"))
    )
    here = (
        marks.transform_filter("datum.kind == 'here'")
        .mark_point(
            shape="cross",
            filled=True,
            size=260 if lecture else 180,
            color="#222222",
            stroke="white",
            strokeWidth=1,
            clip=True,
        )
        .encode(
            x=alt.X("sigma_w:Q", scale=x_scale),
            y=alt.Y("depth:Q", scale=y_scale),
            tooltip=[
                alt.Tooltip("sigma_w:Q", format=".3f", title="this network: σ_w"),
                alt.Tooltip("depth:Q"),
            ],
        )
    )
    chart = alt.layer(cells, edge, label, here).properties(
        height=CHART_HEIGHT[lecture] + 60, width="container"
    )
    return style(chart, lecture)
