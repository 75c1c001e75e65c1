"""The home page's charts: lines of one quantity against another, in the activations' colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .theme import (
    CHART_HEIGHT,
    DASHED,
    SOLID,
    activation_scales,
    category_scale,
    integer_axis,
    log_axis,
    log_ticks_of,
    overlap_dashes,
    style,
)


def line_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    series: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    log_y: bool = False,
    lecture: bool = False,
    height: int | None = None,
    width: int | str = "container",
    dashed: str | None = None,
    tooltip_format: str = ".3g",
) -> alt.Chart:
    """Lines of ``y`` against ``x``, one per value of ``series``.

    When ``data`` has a ``key`` column of activation keys, the series take the activations'
    colours and dashes. ``log_y`` drops rows whose y is not strictly positive (a log axis cannot
    show them; callers say in words where a value is exactly 0). ``dashed`` names a boolean
    column drawn dashed (a theory line beside a measured one). A log axis ticks at 1-2-5 or whole
    decades (``log_axis``), an integer ``x`` at whole numbers, and a line that would hide under an
    earlier one is dashed (``overlap_dashes``).
    """
    frame = data[data[y] > 0] if log_y else data
    integer_x = pd.api.types.is_integer_dtype(frame[x])
    encoding: dict = {
        "x": alt.X(f"{x}:Q", title=x_title or x, axis=integer_axis() if integer_x else alt.Undefined),
        "y": alt.Y(
            f"{y}:Q",
            title=y_title or y,
            scale=alt.Scale(type="log") if log_y else alt.Undefined,
            axis=log_axis(log_ticks_of(frame[y])) if log_y else alt.Undefined,
        ),
        "tooltip": [alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=tooltip_format)]
        + ([alt.Tooltip(f"{series}:N")] if series else []),
    }
    if series:
        names = list(dict.fromkeys(frame[series]))
        legend = alt.Legend(orient="bottom", title=None, labelLimit=320)
        if "key" in frame.columns and series == "label":
            keys = [frame.loc[frame[series] == name, "key"].iloc[0] for name in names]
            color, dash = activation_scales(keys, names)
            encoding["color"] = alt.Color(f"{series}:N", scale=color, legend=legend)
            if dashed is None:
                dash.range = overlap_dashes(frame, x, y, series, names, dash.range)
                encoding["strokeDash"] = alt.StrokeDash(f"{series}:N", scale=dash, legend=legend)
        else:
            encoding["color"] = alt.Color(f"{series}:N", scale=category_scale(names), legend=legend)
            solid = [SOLID] * len(names)
            dashes = solid if dashed else overlap_dashes(frame, x, y, series, names, solid)
            if dashes != solid:
                encoding["strokeDash"] = alt.StrokeDash(
                    f"{series}:N", scale=alt.Scale(domain=names, range=dashes), legend=legend
                )
    if dashed:
        encoding["strokeDash"] = alt.StrokeDash(
            f"{dashed}:N", scale=alt.Scale(domain=[False, True], range=[SOLID, DASHED]), legend=None
        )
    chart = (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 60)
        .encode(**encoding)
        # fit-x: the width follows the page, the height is the plot's own, so a legend below
        # adds to the chart instead of squeezing the plot (Streamlit's default, "fit", squeezes).
        .properties(
            height=height or CHART_HEIGHT[lecture],
            width=width,
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )
    return style(chart, lecture)
