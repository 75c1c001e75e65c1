"""Altair chart builders: a tidy DataFrame in, an ``alt.Chart`` out. Never imports streamlit.

Every chart takes ``lecture``: larger fonts and thicker lines for a lecture hall. Colours come
from one mapping, so an activation has the same colour (and dash) on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from .activations import ACTIVATIONS

# Okabe & Ito's colour-blind-safe palette (2008) plus two of Paul Tol's, all mid-luminance so
# they read on Streamlit's light and dark backgrounds. Related functions share a colour and
# differ by dash: a hard or capped variant is dashed, a softer relative dotted.
ORANGE, SKY, GREEN, PINK, VERMILLION, BLUE, OLIVE, WINE, GREY, RED = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#0072B2",
    "#CCBB44",
    "#AA3377",
    "#999999",
    "#EE6677",
)
SOLID, DASHED, DOTTED, DASH_DOT = [1, 0], [8, 4], [2, 3], [8, 3, 2, 3]

ACTIVATION_STYLES: dict[str, tuple[str, list[int]]] = {
    "identity": (GREY, SOLID),
    "sigmoid": (ORANGE, SOLID),
    "hard_sigmoid": (ORANGE, DASHED),
    "tanh": (SKY, SOLID),
    "hard_tanh": (SKY, DASHED),
    "softsign": (SKY, DOTTED),
    "relu": (GREEN, SOLID),
    "relu6": (GREEN, DASHED),
    "softplus": (GREEN, DOTTED),
    "leaky_relu": (PINK, SOLID),
    "elu": (VERMILLION, SOLID),
    "selu": (BLUE, SOLID),
    "gelu": (OLIVE, SOLID),
    "gelu_tanh": (OLIVE, DASHED),
    "silu": (WINE, SOLID),
    "hard_swish": (WINE, DASHED),
    "mish": (WINE, DOTTED),
    "typed": (RED, DASH_DOT),
}
assert set(ACTIVATIONS) | {"typed"} == set(ACTIVATION_STYLES), "every activation needs a style"

# A second palette for categories that are not activations (initializers, datasets, series).
CATEGORY_COLORS = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PINK, OLIVE, WINE, GREY, RED]

ZONE_COLORS = {"saturated": "#F4A582", "dead": "#B2182B"}

CHART_HEIGHT = {False: 300, True: 420}
PANEL_WIDTH = {False: 290, True: 560}


def activation_color(key: str) -> str:
    """The colour an activation is drawn in on every page."""
    return ACTIVATION_STYLES.get(key, ACTIVATION_STYLES["typed"])[0]


def activation_scales(keys: Sequence[str], labels: Sequence[str]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales mapping each label to its activation's fixed style."""
    pairs = dict(zip(labels, keys, strict=True))
    styles = [ACTIVATION_STYLES.get(key, ACTIVATION_STYLES["typed"]) for key in pairs.values()]
    domain = list(pairs)
    return (
        alt.Scale(domain=domain, range=[color for color, _ in styles]),
        alt.Scale(domain=domain, range=[dash for _, dash in styles]),
    )


def style(chart: alt.TopLevelMixin, lecture: bool = False) -> alt.TopLevelMixin:
    """Font sizes and line widths for the screen (lecture=False) or a lecture hall (True)."""
    size = 18 if lecture else 12
    return (
        chart.configure_axis(labelFontSize=size, titleFontSize=size + 2, labelLimit=260)
        .configure_legend(
            labelFontSize=size, titleFontSize=size + 1, symbolStrokeWidth=3 if lecture else 2, labelLimit=320
        )
        .configure_header(labelFontSize=size + 2, titleFontSize=size + 2)
        .configure_title(fontSize=size + 4)
        .configure_text(fontSize=size)
        .configure_line(strokeWidth=4 if lecture else 2)
    )


def _field(name: str) -> str:
    # Vega-Lite reads '.', '[' and ']' in a field name as a path; labels may contain them.
    return name.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def curves_chart(curves: pd.DataFrame, lecture: bool = False) -> alt.FacetChart:
    """f(x) and f'(x) side by side, one line per activation, one hover rule shared by both.

    ``curves`` is ``activation_curves(...).curves``: key, label, x, panel, value.
    """
    labels = list(dict.fromkeys(curves["label"]))
    keys = [curves.loc[curves["label"] == label, "key"].iloc[0] for label in labels]
    color, dash = activation_scales(keys, labels)
    hover = alt.selection_point(
        name="hover", nearest=True, on="pointerover", fields=["x"], empty=False, clear="pointerout"
    )
    x = alt.X("x:Q", title="x")
    legend = alt.Legend(title="activation", orient="bottom", columns=4)
    base = alt.Chart().encode(x=x)
    lines = base.mark_line().encode(
        y=alt.Y("value:Q", title=None),
        color=alt.Color("label:N", scale=color, legend=legend, title="activation"),
        strokeDash=alt.StrokeDash("label:N", scale=dash, legend=legend, title="activation"),
    )
    tooltip = [alt.Tooltip("x:Q", format=".3f")] + [
        alt.Tooltip(field=_field(label), type="quantitative", title=label, format=".4g") for label in labels
    ]
    # Transparent points carry the nearest-x selection and a tooltip listing every function.
    selectors = (
        base.transform_pivot("label", value="value", groupby=["x", "panel"])
        .mark_rule(opacity=0, strokeWidth=12)
        .encode(tooltip=tooltip)
        .add_params(hover)
    )
    rule = base.mark_rule(color="#888888", strokeWidth=1.5).transform_filter(hover)
    points = lines.mark_point(filled=True, size=80 if lecture else 45).transform_filter(hover)
    values = (
        lines.mark_text(align="left", dx=6, dy=-8, fontWeight="bold")
        .encode(text=alt.Text("value:Q", format=".3g"), strokeDash=alt.value([1, 0]))
        .transform_filter(hover)
    )
    threshold = (
        alt.Chart()
        .mark_rect(opacity=0.15, color=ZONE_COLORS["saturated"])
        .encode(y=alt.datum(-0.01), y2=alt.datum(0.01))
        .transform_filter('datum.panel == "f\'(x)"')
    )
    layered = alt.layer(threshold, lines, selectors, rule, points, values, data=curves).properties(
        width=PANEL_WIDTH[lecture], height=CHART_HEIGHT[lecture]
    )
    chart = layered.facet(column=alt.Column("panel:N", title=None, sort=["f(x)", "f'(x)"])).resolve_scale(
        y="independent"
    )
    return style(chart, lecture)


def zones_chart(
    zones: pd.DataFrame, labels: Sequence[str], x_min: float, x_max: float, lecture: bool = False
) -> alt.Chart:
    """One row per activation in ``labels``: the x-intervals where |f'| < 0.01 (saturated) and
    f' = 0 (dead); a function with neither keeps an empty row, which is the finding."""
    width = 2 * PANEL_WIDTH[lecture] + 40
    row_height = 34 if lecture else 24
    labels = list(labels)
    chart = (
        alt.Chart(zones)
        .mark_bar(height=row_height * 0.7)
        .encode(
            x=alt.X("x_start:Q", title="x", scale=alt.Scale(domain=[x_min, x_max], nice=False, clamp=True)),
            x2="x_end:Q",
            y=alt.Y("label:N", title=None, sort=labels, scale=alt.Scale(domain=labels)),
            color=alt.Color(
                "kind:N",
                title="zone",
                scale=alt.Scale(domain=list(ZONE_COLORS), range=list(ZONE_COLORS.values())),
                legend=alt.Legend(
                    orient="bottom",
                    labelExpr="datum.label == 'saturated' ? \"saturated: |f'| < 0.01\" : \"dead: f' = 0\"",
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="activation"),
                alt.Tooltip("kind:N", title="zone"),
                alt.Tooltip("x_start:Q", format=".2f", title="from x"),
                alt.Tooltip("x_end:Q", format=".2f", title="to x"),
            ],
        )
        # A step height gives each activation its row; a fixed total would also have to hold the
        # axis and legend, which Streamlit's "fit" autosize squeezes the rows to make room for.
        .properties(width=width, height=alt.Step(row_height))
    )
    return style(chart, lecture)


def category_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale for non-activation categories, stable for a given order of names."""
    return alt.Scale(
        domain=list(names), range=[CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(names))]
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
    column drawn dashed (a theory line beside a measured one).
    """
    frame = data[data[y] > 0] if log_y else data
    encoding: dict = {
        "x": alt.X(f"{x}:Q", title=x_title or x),
        "y": alt.Y(f"{y}:Q", title=y_title or y, scale=alt.Scale(type="log") if log_y else alt.Undefined),
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
                encoding["strokeDash"] = alt.StrokeDash(f"{series}:N", scale=dash, legend=legend)
        else:
            encoding["color"] = alt.Color(f"{series}:N", scale=category_scale(names), legend=legend)
    if dashed:
        encoding["strokeDash"] = alt.StrokeDash(
            f"{dashed}:N", scale=alt.Scale(domain=[False, True], range=[SOLID, DASHED]), legend=None
        )
    chart = (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 60)
        .encode(**encoding)
        .properties(height=height or CHART_HEIGHT[lecture], width=width)
    )
    return style(chart, lecture)
