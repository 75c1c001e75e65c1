"""The "Through time" page's charts: the gradient through time per cell with Pascanu's bound (as
``depth.decade_lines``), the LSTM's forget gates over t × unit, the adding problem's losses against
the 1/6 baseline, and the per-step gradient as training goes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from ..nn.recurrent import CELL_LABELS
from .depth import decade_axis, decade_lines
from .theme import (
    BLUE,
    CELL_OVERLAP,
    CELL_SCHEME,
    CHART_HEIGHT,
    DASHED,
    GREEN,
    GREY,
    PINK,
    SOLID,
    VERMILLION,
    category_scale,
    integer_axis,
    log_axis,
    log_ticks,
    panel_columns,
    panel_width,
    side_legend,
    style,
)

# One colour per cell on every chart of the page; the bound is grey and dashed.
CELL_COLORS = {"rnn": VERMILLION, "rnn_relu": PINK, "gru": GREEN, "lstm": BLUE}
BOUND_NAME = "bound σ_max^(T−t) (RNN)"
CELL_STATE_SUFFIX = ": cell state c_t"
FORGET_PANEL = {False: 600, True: 760}
BASELINE_COLOR = GREY


def through_time_rows(
    frames: Mapping[str, pd.DataFrame], *, bound: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows of ``through_time``: t, series, log10, text, one line per cell (``frames``: cell
    key → ``recurrent_gradients``), and the bound's line from the plain RNN's ``bound_log10``."""
    parts = []
    for key, frame in frames.items():
        parts.append(
            pd.DataFrame({"t": frame["t"], "series": CELL_LABELS[key], "log10": frame["grad_log10"]})
        )
    if bound is not None:
        parts.append(pd.DataFrame({"t": bound["t"], "series": BOUND_NAME, "log10": bound["bound_log10"]}))
    rows = pd.concat(parts, ignore_index=True)
    rows["text"] = [f"1e{v:.1f}" for v in rows["log10"]]
    return rows


def through_time_styles(names: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """(colours, dashes) of ``through_time``'s series: each cell its colour, the bound grey and dashed."""
    by_label = {label: key for key, label in CELL_LABELS.items()}
    colors = [CELL_COLORS[by_label[n]] if n in by_label else GREY for n in names]
    dashes = [SOLID if n in by_label else DASHED for n in names]
    return colors, dashes


def through_time(
    names: Sequence[str],
    *,
    y_title: str = "‖∂L/∂h_t‖ (log scale)",
    lecture: bool = False,
    screen: str = "regular",
) -> alt.Chart:
    """‖∂L/∂h_t‖ against t, one line per series (cells and the bound) on an axis of log10 values
    labelled as powers of ten; rows named "data" from ``through_time_rows``."""
    colors, dashes = through_time_styles(names)
    return decade_lines(
        names, colors, dashes, y_title=y_title, x_title="time step t (the loss is at t = T)", x="t",
        lecture=lecture, screen=screen,
    )  # fmt: skip


def products(names: Sequence[str], *, lecture: bool = False, screen: str = "regular") -> alt.Chart:
    """The product of the LSTM's forget gates and of the RNN's Jacobian norms from t + 1 to T (rows
    named "data": t, series, log10, text), as ``through_time``'s lines."""
    colors = [BLUE if "LSTM" in n else VERMILLION for n in names]
    dashes = [DASHED if "typical" in n else SOLID for n in names]
    return decade_lines(
        names, colors, dashes, y_title="product from t + 1 to T (log scale)", x="t",
        x_title="time step t", lecture=lecture, screen=screen,
    )  # fmt: skip


def forget_heatmap(*, lecture: bool = False, screen: str = "regular") -> alt.Chart:
    """The LSTM's forget gate f over time bins (``t_start`` to ``t_end``) × ``unit``, coloured from
    0 (forgets) to 1 (keeps); rows named "data" from ``lessons.recurrent.forget_gate_rows``."""
    # Each cell reaches a little into its neighbours (CELL_OVERLAP), so no light seam shows
    # between them; units run down from 1 at the top, ticked at whole numbers.
    grow = (CELL_OVERLAP - 1) / 2
    chart = (
        alt.Chart(alt.NamedData("data"))
        .transform_calculate(
            left=f"datum.t_start - {grow} * (datum.t_end - datum.t_start)",
            right=f"datum.t_end + {grow} * (datum.t_end - datum.t_start)",
            top=f"datum.unit - {CELL_OVERLAP / 2}",
            bottom=f"datum.unit + {CELL_OVERLAP / 2}",
        )
        .mark_rect()
        .encode(
            x=alt.X("left:Q", title="time step t", scale=alt.Scale(nice=False, zero=False)),
            x2="right:Q",
            y=alt.Y(
                "top:Q",
                title="unit",
                scale=alt.Scale(reverse=True, nice=False, zero=False),
                axis=integer_axis(),
            ),
            y2="bottom:Q",
            color=alt.Color(
                "forget_gate:Q",
                title="forget gate f",
                scale=alt.Scale(scheme=CELL_SCHEME, domain=[0, 1]),
                legend=alt.Legend(orient=side_legend(screen), gradientLength=160),
            ),
            tooltip=[
                alt.Tooltip("t_start:Q", title="from t"),
                alt.Tooltip("t_end:Q", title="to t"),
                alt.Tooltip("unit:O"),
                alt.Tooltip("forget_gate:Q", format=".3f", title="mean f"),
            ],
        )
        .properties(width=panel_width(FORGET_PANEL[lecture], lecture, screen), height=CHART_HEIGHT[lecture])
    )
    return style(chart, lecture)


def adding_losses(
    data: pd.DataFrame, baseline: float, *, lecture: bool = False, screen: str = "regular"
) -> alt.LayerChart:
    """Each run's (smoothed) ``loss`` against ``iteration`` on a log axis, one colour per ``run``
    (a cell's colour when the run is named by a cell), and the baseline as a dashed grey rule."""
    names = list(dict.fromkeys(data["run"]))
    by_label = {label: key for key, label in CELL_LABELS.items()}
    colors = category_scale(names).range
    colors = [CELL_COLORS[by_label[n]] if n in by_label else c for n, c in zip(names, colors, strict=True)]
    positive = data[data["loss"] > 0]
    low = min(float(positive["loss"].min()) if len(positive) else baseline, baseline / 10)
    high = max(float(positive["loss"].max()) if len(positive) else baseline, baseline * 2)
    scale = alt.Scale(type="log", domain=[low, high], nice=False)
    lines = (
        alt.Chart(positive)
        .mark_line()
        .encode(
            x=alt.X("iteration:Q", title="iteration"),
            y=alt.Y(
                "loss:Q",
                title="loss, mean of 20 iterations (log)",
                scale=scale,
                axis=log_axis(log_ticks(low, high)),
            ),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(domain=names, range=colors),
                legend=alt.Legend(orient=side_legend(screen), title=None, labelLimit=320),
            ),
            tooltip=[alt.Tooltip("run:N"), alt.Tooltip("iteration:Q"), alt.Tooltip("loss:Q", format=".4g")],
        )
    )
    rule_data = pd.DataFrame(
        {"loss": [baseline], "text": [f"baseline 1/6 ≈ {baseline:.3f} (always answer 1)"]}
    )
    rule = (
        alt.Chart(rule_data)
        .mark_rule(color=BASELINE_COLOR, strokeDash=DASHED, strokeWidth=2)
        .encode(y=alt.Y("loss:Q", scale=scale))
    )
    label = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=4, dy=-8, color=BASELINE_COLOR)
        .encode(y=alt.Y("loss:Q", scale=scale), x=alt.value(0), text="text:N")
    )
    chart = alt.layer(lines, rule, label).properties(height=CHART_HEIGHT[lecture])
    return style(chart, lecture)


def training_gradients(
    data: pd.DataFrame, runs: Sequence[str], *, lecture: bool = False, screen: str = "regular"
) -> alt.FacetChart:
    """log10 ‖∂loss/∂h_t‖ against t at a few iterations of training (viridis: dark early, yellow late),
    one panel per run (rows: t, series, run, log10)."""
    series = list(dict.fromkeys(data["series"]))
    width = panel_width(
        FORGET_PANEL[lecture] // max(1, panel_columns(len(runs), screen)) - 40, lecture, screen
    )
    chart = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("t:Q", title="time step t"),
            y=alt.Y(
                "log10:Q",
                axis=decade_axis("‖∂loss/∂h_t‖ (log scale)"),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "series:N",
                sort=series,
                scale=alt.Scale(domain=series, scheme="viridis"),
                legend=alt.Legend(orient=side_legend(screen), title=None),
            ),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("series:N"),
                alt.Tooltip("t:Q"),
                alt.Tooltip("log10:Q", format=".2f"),
            ],
        )
        .properties(width=width, height=CHART_HEIGHT[lecture] * 2 // 3)
        .facet(
            facet=alt.Facet("run:N", sort=list(runs), title=None), columns=panel_columns(len(runs), screen)
        )
    )
    return style(chart, lecture)
