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
# Widths fit two panels with their axes and legend in the centred layout (about 720 px) and, for a
# lecture, in the wide layout of a 1280-px laptop screen with the sidebar open (about 900 px).
PANEL_WIDTH = {False: 290, True: 370}


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


# Charts are drawn on a canvas rather than as SVG (Streamlit reads vega-embed's options from
# usermeta): as SVG the MLP page's decision boundaries made 94,000 nodes, and every rerun then cost
# the browser over a second of CPU on the laptop that also runs the server. The initialization
# heatmaps too (272 cells each): as SVG each redraw wrote ~12,000 DOM changes and cost ~360 ms of
# the browser's main thread; their cells are found by the chart's fixed geometry
# (``travel_cell_centre``) and say what they are in a tooltip. SVG remains available to style().
RENDERERS = ("canvas", "svg")


def style(chart: alt.TopLevelMixin, lecture: bool = False, renderer: str = "canvas") -> alt.TopLevelMixin:
    """Font sizes and line widths for the screen (lecture=False) or a lecture hall (True), and
    the renderer the browser draws it with (one of ``RENDERERS``)."""
    if renderer not in RENDERERS:
        raise ValueError(f"Unknown renderer {renderer!r}; expected one of {list(RENDERERS)}")
    size = 18 if lecture else 12
    # One configure call: each Altair method deep-copies the whole chart.
    styled = chart.configure(
        axis=alt.AxisConfig(labelFontSize=size, titleFontSize=size + 2, labelLimit=260),
        legend=alt.LegendConfig(
            labelFontSize=size, titleFontSize=size + 1, symbolStrokeWidth=3 if lecture else 2, labelLimit=320
        ),
        header=alt.HeaderConfig(labelFontSize=size + 2, titleFontSize=size + 2),
        title=alt.TitleConfig(fontSize=size + 4),
        text=alt.MarkConfig(fontSize=size),
        line=alt.LineConfig(strokeWidth=4 if lecture else 2),
    )
    styled.usermeta = {"embedOptions": {"renderer": renderer}}
    return styled


def _field(name: str) -> str:
    # Vega-Lite reads '.', '[' and ']' in a field name as a path; labels may contain them.
    return name.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def curves_chart(curves: pd.DataFrame, lecture: bool = False) -> alt.FacetChart:
    """f(x) and f'(x) side by side, one line per activation, one hover rule shared by both.

    ``curves`` is ``activation_curves(...).curves``: key, label, x, panel, value, segment. Each
    segment is drawn as its own line, so a curve breaks where f is undefined or jumps.
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
        detail="segment:N",
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
        # fit-x: the width follows the page, the height is the plot's own, so a legend below
        # adds to the chart instead of squeezing the plot (Streamlit's default, "fit", squeezes).
        .properties(
            height=height or CHART_HEIGHT[lecture],
            width=width,
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )
    return style(chart, lecture)


# --- the MLP comparison page ---------------------------------------------------------

# The two classes of a 2-D dataset: Okabe & Ito's blue and vermillion, saturated for points and
# tinted for the probability behind them, so a point stays visible on its own class's region.
CLASS_COLORS = (BLUE, VERMILLION)
PROBABILITY_RANGE = ("#3B8FCB", "#F2F2F2", "#E8844A")
CELL_SCHEME = "viridis"  # perceptually uniform and readable on light and dark backgrounds
BOUNDARY_PANEL = {False: 250, True: 360}
CURVE_PANEL = {False: 250, True: 300}  # two side by side in the centred or wide layout
HEATMAP_WIDTH = {False: 470, True: 600}


def _cell_edges(values: pd.Series) -> float:
    """Half the spacing of an evenly spaced grid axis (1 when there is a single value)."""
    steps = pd.Series(values.unique(), dtype=float).sort_values().diff().dropna()
    return float(steps.min()) / 2.0 if len(steps) else 0.5


def probability_panels(
    grid: pd.DataFrame,
    points: pd.DataFrame,
    titles: dict[str, str],
    *,
    panel: str = "activation",
    lecture: bool = False,
    columns: int = 2,
) -> alt.FacetChart:
    """One panel per key of ``titles`` (in that order): a classifier's P(class 1) over the plane,
    with the data on top.

    ``grid`` has ``panel``, x0, x1, probability on an evenly spaced grid; ``points`` has x0, x1,
    y (0 or 1) and split ("train" or "test"), drawn in every panel (train as circles, test as
    triangles). When the panel keys are activations, a strip along each panel's top carries the
    activation's colour. One faceted chart, not one chart per panel: it builds and serialises
    several times faster, which a page rerun feels.
    """
    half_x, half_y = _cell_edges(grid["x0"]), _cell_edges(grid["x1"])
    x_low, x_high = float(grid["x0"].min()) - half_x, float(grid["x0"].max()) + half_x
    y_low, y_high = float(grid["x1"].min()) - half_y, float(grid["x1"].max()) + half_y
    x_scale = alt.Scale(domain=[x_low, x_high], nice=False, zero=False)
    y_scale = alt.Scale(domain=[y_low, y_high], nice=False, zero=False)
    # Neighbouring cells overlap by a tenth, which hides the seams anti-aliasing leaves.
    pad_x, pad_y = half_x * 1.1, half_y * 1.1
    size = BOUNDARY_PANEL[lecture]
    data = grid[grid[panel].isin(list(titles))].assign(title=lambda g: g[panel].map(titles))
    cells = (
        alt.Chart()
        .transform_calculate(
            x0_low=f"datum.x0 - {pad_x}",
            x0_high=f"datum.x0 + {pad_x}",
            x1_low=f"datum.x1 - {pad_y}",
            x1_high=f"datum.x1 + {pad_y}",
        )
        .mark_rect(clip=True)
        .encode(
            x=alt.X("x0_low:Q", title="x₀", scale=x_scale),
            x2="x0_high:Q",
            y=alt.Y("x1_low:Q", title="x₁", scale=y_scale),
            y2="x1_high:Q",
            color=alt.Color(
                "probability:Q",
                scale=alt.Scale(domain=[0.0, 0.5, 1.0], range=list(PROBABILITY_RANGE)),
                legend=alt.Legend(
                    title="P(class 1)", orient="bottom", gradientLength=size, format=".1f", values=[0, 0.5, 1]
                ),
            ),
            tooltip=[
                alt.Tooltip("title:N", title="net"),
                alt.Tooltip("x0:Q", format=".2f", title="x₀"),
                alt.Tooltip("x1:Q", format=".2f", title="x₁"),
                alt.Tooltip("probability:Q", format=".3f", title="P(class 1)"),
            ],
        )
    )
    # Points carry their own data, so every panel draws all of them.
    dots = (
        alt.Chart(points)
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
    layers = [cells, dots]
    keys = list(titles)
    if all(key in ACTIVATION_STYLES for key in keys):
        # Facet headers cannot take a colour per panel, so a strip inside each panel does.
        color, _ = activation_scales(keys, keys)
        strip = (
            alt.Chart()
            .transform_aggregate(groupby=[panel])
            .mark_rule(strokeWidth=10 if lecture else 6, strokeCap="butt")
            .encode(
                x=alt.datum(x_low, scale=x_scale),
                x2=alt.datum(x_high),
                y=alt.datum(y_high, scale=y_scale),
                stroke=alt.Stroke(f"{panel}:N", scale=color, legend=None),
            )
        )
        layers.append(strip)
    chart = (
        alt.layer(*layers, data=data)
        .properties(width=size, height=size)
        .facet(
            facet=alt.Facet(
                "title:N",
                sort=list(titles.values()),
                title=None,
                header=alt.Header(labelFontWeight="bold", labelAnchor="start", labelOrient="top"),
            ),
            columns=columns,
            spacing=36 if lecture else 20,
        )
    )
    return style(chart, lecture)


def learning_curves(
    history: pd.DataFrame, lecture: bool = False, *, chance: float | None = None
) -> alt.HConcatChart:
    """Training loss (log axis) and test accuracy per epoch, one line per activation.

    ``history`` has key (registry key), label, epoch, loss and test_accuracy. ``chance``, if
    given, draws the accuracy of always guessing the larger class as a dashed rule.
    """
    labels = list(dict.fromkeys(history["label"]))
    keys = [history.loc[history["label"] == label, "key"].iloc[0] for label in labels]
    color, dash = activation_scales(keys, labels)
    legend = alt.Legend(orient="bottom", title=None, labelLimit=320)
    width = CURVE_PANEL[lecture]
    base = alt.Chart(history).encode(
        x=alt.X("epoch:Q", title="epoch"),
        color=alt.Color("label:N", scale=color, legend=legend),
        strokeDash=alt.StrokeDash("label:N", scale=dash, legend=legend),
    )
    tooltip = [alt.Tooltip("label:N", title="activation"), alt.Tooltip("epoch:Q")]
    loss = (
        base.transform_filter("datum.loss > 0")
        .mark_line()
        .encode(
            y=alt.Y("loss:Q", title="training loss (log)", scale=alt.Scale(type="log")),
            tooltip=[*tooltip, alt.Tooltip("loss:Q", format=".4f")],
        )
        .properties(width=width, height=CHART_HEIGHT[lecture])
    )
    accuracy = base.mark_line().encode(
        y=alt.Y("test_accuracy:Q", title="test accuracy", scale=alt.Scale(domain=[0, 1])),
        tooltip=[*tooltip, alt.Tooltip("test_accuracy:Q", format=".3f", title="test accuracy")],
    )
    if chance is not None:
        rule = (
            alt.Chart(pd.DataFrame({"chance": [chance]}))
            .mark_rule(color=GREY, strokeDash=DASHED, strokeWidth=1.5)
            .encode(y="chance:Q", tooltip=[alt.Tooltip("chance:Q", format=".2f", title="chance")])
        )
        accuracy = alt.layer(accuracy, rule)
    accuracy = accuracy.properties(width=width, height=CHART_HEIGHT[lecture])
    return style(alt.hconcat(loss, accuracy), lecture)


def heatmap(
    data: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    rows: str | None = None,
    row_order: Sequence[str] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    value_title: str | None = None,
    log_color: bool = True,
    lecture: bool = False,
    width: int | None = None,
    value_format: str = ".3g",
) -> alt.Chart | alt.FacetChart:
    """``value`` as colour over a grid of ``x`` (evenly spaced numbers, e.g. epochs) by ``y``
    (categories, e.g. layers), one heatmap per value of ``rows`` when given, stacked, with
    ``y_title`` once beside them.

    ``log_color`` uses a log colour scale and drops rows whose value is not strictly positive
    (a log scale cannot show them; callers say so in words). The colour scale is shared by all
    rows, so cells compare across heatmaps.
    """
    frame = data[data[value] > 0] if log_color else data
    half = _cell_edges(frame[x]) if len(frame) else 0.5
    cell = 24 if lecture else 16
    chart = (
        alt.Chart(frame)
        .transform_calculate(x_low=f"datum['{x}'] - {half}", x_high=f"datum['{x}'] + {half}")
        .mark_rect()
        .encode(
            x=alt.X("x_low:Q", title=x_title or x, scale=alt.Scale(nice=False, zero=False)),
            x2="x_high:Q",
            y=alt.Y(f"{y}:O", title=None if rows else y_title or y, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                f"{value}:Q",
                title=value_title or value,
                scale=alt.Scale(type="log", scheme=CELL_SCHEME)
                if log_color
                else alt.Scale(scheme=CELL_SCHEME),
                legend=alt.Legend(
                    orient="right", format=".0e" if log_color else value_format, gradientLength=160
                ),
            ),
            tooltip=[
                *([alt.Tooltip(f"{rows}:N")] if rows else []),
                alt.Tooltip(f"{x}:Q", title=x_title or x),
                alt.Tooltip(f"{y}:O", title=y_title or y),
                alt.Tooltip(f"{value}:Q", format=value_format, title=value_title or value),
            ],
        )
        .properties(width=width or HEATMAP_WIDTH[lecture], height=alt.Step(cell))
    )
    if rows:
        order = list(row_order) if row_order is not None else list(dict.fromkeys(frame[rows]))
        chart = chart.facet(
            row=alt.Row(
                f"{rows}:N",
                sort=order,
                title=y_title or y,
                header=alt.Header(labelAngle=0, labelAlign="left"),
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
                f"{series}:N", scale=category_scale(names), legend=alt.Legend(orient="right", title=None)
            ),
            tooltip=[alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".1%")],
        )
        .properties(height=CHART_HEIGHT[lecture] * 2 // 3)
    )
    return style(chart, lecture)


# --- the training page ---------------------------------------------------------------------

# Mid-luminance hues that read on the planes' light and dark cells alike.
DEAD_COLOR, ALIVE_COLOR = WINE, GREEN
STOP_COLOR, BEST_COLOR = VERMILLION, GREY
FACET_WIDTH = {False: 580, True: 680}  # all panels of a small-multiples chart together
PLANE_PANEL = {False: 190, True: 250}
# The input planes shade the share of hidden units passing a gradient from "none" to "all" with
# these colours (the ends of Vega's "greys" scheme), named as the page's prose names them.
PLANE_SHADES = {"none": ("near-black", "#1E1E1E"), "all": ("light grey", "#E2E2E2")}


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
            y=alt.Y("value:Q", title=y_title or y, scale=alt.Scale(type="log")),
            color=alt.Color(
                "series:N", scale=category_scale(series), legend=alt.Legend(orient="right", title=None)
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
) -> alt.LayerChart:
    """``y`` against ``x``, one line per ``series`` (category colours, in ``order``), log y by default.

    ``y_max`` caps the axis: larger values are drawn at the top edge, so a diverging run leaves
    the chart there instead of squashing the others. Each line ends in a point, so a run that
    stopped early (diverged) shows where. ``order`` may name series absent from ``data``: they keep
    their colour slot (so a run has one colour on every chart of a section) but no legend entry.
    """
    frame = data[data[y] > 0] if log_y else data
    present = list(dict.fromkeys(frame[series]))
    names = list(order) if order is not None else present
    bottom = float(frame[y].min()) if len(frame) else 1e-3
    domain = alt.Undefined if y_max is None else [min(bottom, y_max / 10), y_max]
    scale = alt.Scale(type="log" if log_y else "linear", domain=domain, clamp=y_max is not None)
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:Q", title=x_title or x),
        y=alt.Y(f"{y}:Q", title=y_title or y, scale=scale),
        color=alt.Color(
            f"{series}:N",
            scale=category_scale(names),
            legend=alt.Legend(
                orient="right", title=None, labelLimit=320, values=[n for n in names if n in present]
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
) -> alt.FacetChart:
    """Small multiples: ``y`` against ``x``, one line per ``series`` (ordinal colours, e.g. layers),
    one panel per ``facet`` value, axes shared so the panels compare."""
    frame = data[data[y] > 0] if log_y else data
    order = list(facet_order) if facet_order is not None else list(dict.fromkeys(frame[facet]))
    if log_y:
        scale = alt.Scale(type="log")
    else:
        scale = alt.Scale(domain=list(y_domain)) if y_domain else alt.Undefined
    panels = max(1, min(columns, len(order)))
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X(f"{x}:Q", title=x_title or x),
            y=alt.Y(
                f"{y}:Q", title=y_title or y, scale=scale, axis=alt.Axis(format=y_format or alt.Undefined)
            ),
            color=alt.Color(
                f"{series}:O",
                title=series_title or series,
                scale=alt.Scale(scheme="viridis"),
                legend=alt.Legend(orient="right"),
            ),
            tooltip=[
                alt.Tooltip(f"{facet}:N"),
                alt.Tooltip(f"{series}:O", title=series_title or series),
                alt.Tooltip(f"{x}:Q", title=x_title or x),
                alt.Tooltip(f"{y}:Q", format=".3g", title=y_title or y),
            ],
        )
        .properties(
            width=FACET_WIDTH[lecture] // panels - 20,
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
) -> alt.FacetChart:
    """One input-plane panel per run: the share of hidden units active at each point (shaded), the
    first hidden layer's units as their lines w·x + b = 0 (dead ones thick and coloured), and the
    training points by class. ``plane``: run, x0, x1, active_share on an even grid; ``lines``:
    run, unit, dead, x0_start, x1_start, x0_end, x1_end; ``points``: x0, x1, y.

    One faceted chart over one stacked table (a ``layer`` column says which mark a row feeds):
    a concatenation of three layered panels costs Altair about 40× more to build.
    """
    # Cells overlapping their neighbours a little, so no hairline seams show between them.
    half = 1.2 * _cell_edges(plane["x0"])
    size = PLANE_PANEL[lecture]
    domain = [-limit, limit]
    states = ["alive", "dead"]
    stacked = pd.concat(
        [
            plane.assign(layer="plane"),
            lines.assign(layer="line", state=lines["dead"].map({True: "dead", False: "alive"})),
            *(points.assign(layer="point", run=run) for run in runs),
        ],
        ignore_index=True,
    )
    x = alt.X("x0:Q", title="x₀", scale=alt.Scale(domain=domain, nice=False, zero=False))
    y = alt.Y("x1:Q", title="x₁", scale=alt.Scale(domain=domain, nice=False, zero=False))
    cells = (
        alt.Chart()
        .transform_filter("datum.layer == 'plane'")
        .transform_calculate(
            x0_low=f"datum.x0 - {half}",
            x0_high=f"datum.x0 + {half}",
            x1_low=f"datum.x1 - {half}",
            x1_high=f"datum.x1 + {half}",
        )
        .mark_rect()
        .encode(
            x=alt.X("x0_low:Q", title="x₀", scale=alt.Scale(domain=domain, nice=False, zero=False)),
            x2="x0_high:Q",
            y=alt.Y("x1_low:Q", title="x₁", scale=alt.Scale(domain=domain, nice=False, zero=False)),
            y2="x1_high:Q",
            color=alt.Color(
                "active_share:Q",
                title="units with f′ > 0",
                scale=alt.Scale(domain=[0, 1], range=[PLANE_SHADES["none"][1], PLANE_SHADES["all"][1]]),
                legend=alt.Legend(orient="bottom", format=".0%", gradientLength=size),
            ),
            tooltip=[
                alt.Tooltip("x0:Q", format=".2f", title="x₀"),
                alt.Tooltip("x1:Q", format=".2f", title="x₁"),
                alt.Tooltip("active_share:Q", format=".0%", title="hidden units with f′ > 0"),
            ],
        )
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
        alt.layer(cells, segments, dots, data=stacked)
        .properties(width=size, height=size)
        .facet(
            column=alt.Column("run:N", sort=list(runs), title=None, header=alt.Header(labelFontWeight="bold"))
        )
    )
    return style(chart, lecture)


def early_stopping_chart(
    curves: pd.DataFrame, best_step: int, stop_step: int | None, *, lecture: bool = False
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
            x=alt.X("step:Q", title="step"),
            y=alt.Y("loss:Q", title="loss (log)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "series:N", scale=category_scale(names), legend=alt.Legend(orient="right", title=None)
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
                legend=alt.Legend(orient="right", title=None),
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


# --- the initialization page ---------------------------------------------------------------

# The heatmaps' colour stops at ±10 decades; the cell labels carry the exact value.
TRAVEL_CLIP = 10.0
# The travel heatmaps' geometry in pixels, per layout (lecture False/True): the axes have fixed
# extents, so a cell sits at the same place in every drawing (``travel_cell_centre``).
TRAVEL_PADDING = 5  # Vega's default padding around the drawing
TRAVEL_LABEL_ROOM = {False: 205, True: 300}  # the initializer names, left of the cells
TRAVEL_HEADER_ROOM = {False: 105, True: 140}  # the slanted activation names, above the cells
TRAVEL_ROW_STEP = {False: 21, True: 30}
HEALTHY_STROKE = "#1A1A1A"
CHOSEN_STROKE = PINK
# Two bias panels side by side fit the centred layout (704 px) and a wide one on a 1400 px screen.
BIAS_PANEL = {False: 250, True: 300}


def travel_cell_centre(
    row: int, column: int, *, columns: int, drawing_width: float, lecture: bool = False
) -> tuple[float, float]:
    """(x, y) of the centre of the cell in ``row`` (initializer) and ``column`` (activation), in
    pixels from the top left corner of a ``travel_heatmap`` drawing ``drawing_width`` wide with
    ``columns`` columns (the chart stretches to its container; the cells share what is left of
    the width beside the names). The last column's slanted name overhangs the grid by a few
    pixels, so the far columns come out a little right of their centres."""
    step = (drawing_width - 2 * TRAVEL_PADDING - TRAVEL_LABEL_ROOM[lecture]) / columns
    x = TRAVEL_PADDING + TRAVEL_LABEL_ROOM[lecture] + (column + 0.5) * step
    y = TRAVEL_PADDING + TRAVEL_HEADER_ROOM[lecture] + (row + 0.5) * TRAVEL_ROW_STEP[lecture]
    return x, y


def _cell_label(value: float) -> str:
    """A heatmap cell's log10 ratio: one decimal below 10, none above; 0.0 without a sign."""
    if abs(value) < 0.05:
        return "0.0"
    return f"{value:+.1f}" if abs(value) < 9.95 else f"{value:+.0f}"


def _travel_cells(grid: pd.DataFrame, direction: str, chosen: tuple[str, str] | None) -> pd.DataFrame:
    """One row per heatmap cell: the value clipped for colour, its label, and the flags drawn."""
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


def travel_heatmap(
    grid: pd.DataFrame,
    direction: str,
    *,
    chosen: tuple[str, str] | None = None,
    emphasis: str | None = None,
    lecture: bool = False,
) -> alt.LayerChart:
    """Initializers (rows) × activations (columns) from ``network.variance_travel``: colour and
    label = log10 of the ``direction`` ("forward" or "backward") variance ratio, blue where it
    vanishes and orange where it explodes (clipped at ±10 decades; −∞ dead, +∞ beyond float64).
    Healthy cells (``healthy``: both ratios within one decade and the last layer less than half
    saturated — the same cells on both heatmaps) are outlined dark, the ``chosen`` (init, activation) pair
    in pink, the cells of initializer ``emphasis`` dashed. A click selects a cell: the point
    selection ``cell`` carries its ``init`` and ``activation``."""
    cells = _travel_cells(grid, direction, chosen)
    rows = list(dict.fromkeys(cells["initializer"]))
    columns = list(dict.fromkeys(cells["activation_label"]))
    size = 13 if lecture else 10
    pick = alt.selection_point(name="cell", fields=["init", "activation"], on="click", clear=False)
    x = alt.X(
        "activation_label:N",
        sort=columns,
        title=None,
        axis=alt.Axis(
            labelAngle=-45,
            orient="top",
            labelOverlap=False,
            labelLimit=150,
            minExtent=TRAVEL_HEADER_ROOM[lecture],
            maxExtent=TRAVEL_HEADER_ROOM[lecture],
        ),
    )
    # Fixed axis extents: the cells then sit at the same pixels whatever the label font measured
    # when the chart was first drawn (a link reopened elsewhere draws identical pixels).
    label_room = TRAVEL_LABEL_ROOM[lecture]
    y = alt.Y(
        "initializer:N",
        sort=rows,
        title=None,
        axis=alt.Axis(labelLimit=label_room - 5, minExtent=label_room, maxExtent=label_room),
    )
    title = (
        "activation variance, layer L ÷ layer 1"
        if direction == "forward"
        else "gradient variance, layer 1 ÷ layer L"
    )
    base = alt.Chart(cells).encode(x=x, y=y)
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
    labels = base.mark_text(fontSize=size).encode(
        text="cell:N",
        color=alt.condition("abs(datum.shade) > 6", alt.value("white"), alt.value("black")),
    )
    layers = [tiles, healthy, labels]
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
    healthy_count = int(cells["healthy"].sum())
    chart = alt.layer(*(layer.encode(tooltip=tooltip) for layer in layers)).properties(
        height=alt.Step(TRAVEL_ROW_STEP[lecture]),
        # On a canvas the cells have no labels of their own: a screen reader gets this summary,
        # and every cell's number is in the CSV beside the chart.
        description=f"Heatmap of log10 {title} for {len(rows)} initializers by {len(columns)} "
        f"activations; {healthy_count} of {len(cells)} cells are healthy (outlined): both variances within "
        "one order of magnitude, and less than half of the last layer saturated.",
    )
    return style(chart, lecture).configure_axis(labelFontSize=size + 2 if lecture else 11, labelLimit=260)


def travel_curve(curve: pd.DataFrame, depth: int, *, lecture: bool = False) -> alt.LayerChart:
    """The per-layer curve behind one heatmap cell (``network.variance_travel_curve``): log10 of
    Var h_l / Var h_1 and of Var ∂h_l / Var ∂h_L against the layer, with the healthy band
    (within one decade) shaded. Infinite values (dead, beyond float64) are left out."""
    names = {
        "forward_log10": "activations: Var h_l ÷ Var h_1",
        "backward_log10": f"gradient: Var ∂h_l ÷ Var ∂h_{depth}",
    }
    long = curve.melt(id_vars=["layer"], value_vars=list(names), var_name="series", value_name="log10_ratio")
    long["series"] = long["series"].map(names)
    long = long[long["log10_ratio"].abs() < float("inf")]
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
        .mark_line(point=len(long) <= 120)
        .encode(
            x=alt.X("layer:Q", title="layer l", scale=alt.Scale(domain=[1, depth], nice=False)),
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


def bias_panels(table: pd.DataFrame, *, lecture: bool = False) -> alt.HConcatChart:
    """Two panels from ``network.bias_comparison``, one line per bias option (``bias_label``),
    against the layer: the share of units dead for every input (0–100 %) and the mean
    pre-activation. One legend below. Axis extents are fixed, so the panels sit at the same pixels
    whatever font the labels were measured in."""
    names = list(dict.fromkeys(table["bias_label"]))
    color = alt.Color(
        "bias_label:N", scale=category_scale(names), legend=alt.Legend(orient="bottom", title=None)
    )
    x = alt.X("layer:Q", title="layer", scale=alt.Scale(domain=[1, int(table["layer"].max())], nice=False))
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
            .properties(width=BIAS_PANEL[lecture], height=CHART_HEIGHT[lecture] * 2 // 3)
        )
    return style(alt.hconcat(*panels, spacing=30).resolve_scale(color="shared"), lecture)


# --- the depth page ---------------------------------------------------------------------------
# Templates: the rows enter by name (``alt.NamedData``: "data", and "marks" for the phase
# diagram), and everything else a builder needs is an argument, so a page can compile a spec
# once and send new rows with it on every rerun without building the chart again.

# Whole decades as 1e-8, 1, 1e4; a tick between decades (an axis spanning less than one) as the number.
DECADE_LABELS = "datum.value % 1 != 0 ? format(pow(10, datum.value), '.3~g') : datum.value == 0 ? '1' : '1e' + datum.value"


def _decades(title: str) -> alt.Axis:
    """An axis of log10 values labelled as powers of ten (1e-8, 1, 1e4), one tick per decade at most."""
    return alt.Axis(title=title, tickMinStep=1, labelExpr=DECADE_LABELS, labelOverlap="greedy")


def decade_lines(
    names: Sequence[str],
    colors: Sequence[str],
    dashes: Sequence[Sequence[int]],
    *,
    y_title: str,
    x_title: str = "layer (1 = nearest the input)",
    points: bool = False,
    lecture: bool = False,
    height: int | None = None,
) -> alt.Chart:
    """Lines of ``log10`` against ``layer`` on an axis labelled in powers of ten, one per
    ``series`` (in the order ``names``, drawn in ``colors`` with ``dashes``).

    Rows (named "data"): layer, series, log10, text (the value as shown in the tooltip). A log10
    axis instead of a log scale: values far beyond float64 (a gradient of 1e-400, measured in
    logs) stay drawable, and rows that are exactly 0 are simply absent.
    """
    legend = alt.Legend(orient="right", title=None, labelLimit=260)
    chart = (
        alt.Chart(alt.NamedData("data"))
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60 if lecture else 30) if points else False)
        .encode(
            x=alt.X("layer:Q", title=x_title, axis=alt.Axis(tickMinStep=1), scale=alt.Scale(zero=False)),
            y=alt.Y("log10:Q", axis=_decades(y_title), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N", scale=alt.Scale(domain=list(names), range=list(colors)), legend=legend
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=list(names), range=[list(d) for d in dashes]),
                legend=legend,
            ),
            tooltip=[
                alt.Tooltip("series:N", title="line"),
                alt.Tooltip("layer:Q", title="layer"),
                alt.Tooltip("text:N", title="value"),
            ],
        )
        .properties(height=height or CHART_HEIGHT[lecture], width="container")
    )
    return style(chart, lecture)


def share_by_layer(names: Sequence[str], *, lecture: bool = False, height: int | None = None) -> alt.Chart:
    """Fractions (0 to 1, shown as percentages) against ``layer``, one line per ``series`` in the
    order ``names``. Rows (named "data"): layer, series, value."""
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
            color=alt.Color(
                "series:N",
                scale=category_scale(names),
                legend=alt.Legend(orient="right", title=None, labelLimit=260),
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


def layer_histograms(half_step: float, *, lecture: bool = False) -> alt.Chart:
    """A layer × value heatmap: for each layer (x, input at the left) the share of its outputs in
    each value bin (y), on a log colour scale. Rows (named "data"): layer, bin_left, bin_right,
    fraction (> 0; empty bins are absent). ``half_step`` is half the spacing of the layers shown."""
    chart = (
        alt.Chart(alt.NamedData("data"))
        .transform_calculate(left=f"datum.layer - {half_step}", right=f"datum.layer + {half_step}")
        .mark_rect()
        .encode(
            x=alt.X("left:Q", title="layer (1 = nearest the input)", scale=alt.Scale(zero=False, nice=False)),
            x2="right:Q",
            y=alt.Y("bin_left:Q", title="activation value h", scale=alt.Scale(zero=False, nice=False)),
            y2="bin_right:Q",
            color=alt.Color(
                "fraction:Q",
                title="share of values",
                scale=alt.Scale(type="log", scheme=CELL_SCHEME, domain=[1e-4, 1], clamp=True),
                legend=alt.Legend(orient="right", format=".2~%", values=[1e-4, 1e-3, 1e-2, 0.1, 1]),
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
    cells = (
        alt.Chart(alt.NamedData("data"))
        .transform_calculate(
            x0=f"datum.sigma_w - {sigma_step / 2}",
            x1=f"datum.sigma_w + {sigma_step / 2}",
            y0=f"datum.depth - {depth_step / 2}",
            y1=f"datum.depth + {depth_step / 2}",
        )
        .mark_rect(cursor="pointer")
        .encode(
            x=alt.X("x0:Q", title="weight scale σ_w = √(width · Var W)", scale=x_scale),
            x2="x1:Q",
            y=alt.Y("y0:Q", title="depth (layers)", scale=y_scale),
            y2="y1:Q",
            color=alt.Color(
                "value:Q",
                title=["layer 1 ÷ layer d", "gradient std"],
                scale=alt.Scale(scheme="blueorange", domain=[-limit, limit], domainMid=0, clamp=True),
                legend=alt.Legend(orient="right", labelExpr=DECADE_LABELS, gradientLength=200),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.85)),
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
