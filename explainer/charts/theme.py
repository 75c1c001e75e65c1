"""The charts' shared style: the palette, one colour and dash per activation, lecture sizes, and ``style``."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from ..activations import ACTIVATIONS

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
# The two classes of a 2-D dataset: Okabe & Ito's blue and vermillion, saturated for points and
# tinted for the probability behind them, so a point stays visible on its own class's region.
CLASS_COLORS = (BLUE, VERMILLION)
CELL_SCHEME = "viridis"  # perceptually uniform and readable on light and dark backgrounds

CHART_HEIGHT = {False: 300, True: 420}
# Widths fit two panels with their axes and legend in the centred layout (about 720 px) and, for a
# lecture, in the wide layout of a 1280-px laptop screen with the sidebar open (about 900 px).
PANEL_WIDTH = {False: 290, True: 370}


def activation_style(key: str) -> tuple[str, list[int]]:
    """(colour, dash) of activation ``key`` on every page; a typed activation's for any other key."""
    return ACTIVATION_STYLES.get(key, ACTIVATION_STYLES["typed"])


def activation_color(key: str) -> str:
    """The colour an activation is drawn in on every page."""
    return activation_style(key)[0]


def activation_scales(keys: Sequence[str], labels: Sequence[str]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales mapping each label to its activation's fixed style."""
    pairs = dict(zip(labels, keys, strict=True))
    styles = [activation_style(key) for key in pairs.values()]
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


def category_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale for non-activation categories, stable for a given order of names."""
    return alt.Scale(
        domain=list(names), range=[CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(names))]
    )


def half_spacing(values: pd.Series) -> float:
    """Half the spacing of an evenly spaced grid axis (0.5 when there is a single value)."""
    steps = pd.Series(values.unique(), dtype=float).sort_values().diff().dropna()
    return float(steps.min()) / 2.0 if len(steps) else 0.5
