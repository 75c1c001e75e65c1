"""The charts' shared style: the palette, one colour and dash per activation, lecture sizes, and ``style``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ..activations import ACTIVATIONS

# Okabe & Ito's colour-blind-safe palette (2008) plus two of Paul Tol's. A line or point must
# stand 3:1 against both themes' backgrounds (WCAG 1.4.11; white and Streamlit's dark #0E1117),
# which holds for a relative luminance between about 0.12 and 0.30: Okabe & Ito's orange, sky
# blue and Tol's olive (2.0–2.3:1 on white) and the grey (2.9:1) are darkened to it in their own
# hue (tests/unit/charts/test_theme.py checks every colour here). Related functions share a
# colour and differ by dash: a hard or capped variant is dashed, a softer relative dotted.
ORANGE, SKY, GREEN, PINK, VERMILLION, BLUE, OLIVE, WINE, GREY, RED = (
    "#BD8300",  # Okabe & Ito #E69F00, darkened
    "#1C96DA",  # Okabe & Ito #56B4E9, darkened
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#0072B2",
    "#9B8C2A",  # Tol #CCBB44, darkened
    "#AA3377",
    "#888888",
    "#EE6677",
)
# The two themes' backgrounds every mark colour is checked against.
BACKGROUNDS = {"light": "#FFFFFF", "dark": "#0E1117"}
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

# Amber and red, as far apart in hue as two colours of mid luminance allow.
ZONE_COLORS = {"saturated": ORANGE, "dead": "#CC1C31"}
# The two classes of a 2-D dataset: Okabe & Ito's blue and vermillion, saturated for points and
# tinted for the probability behind them, so a point stays visible on its own class's region.
CLASS_COLORS = (BLUE, VERMILLION)
CELL_SCHEME = "viridis"  # perceptually uniform and readable on light and dark backgrounds

CHART_HEIGHT = {False: 300, True: 420}
# Widths fit two panels with their axes and legend in the centred layout (about 720 px) and, for a
# lecture, in the wide layout of a 1280-px laptop screen with the sidebar open (about 900 px).
PANEL_WIDTH = {False: 290, True: 370}


# The window classes a chart is built for (``explainer.ui.viewport`` reports the visitor's): a phone,
# a column too narrow for the laptop's layout, a laptop, a projector. On a phone, and in a narrow
# column, a multi-panel chart stacks its panels in one column and keeps its legends below; on a
# projector the lecture layout's panels grow to the page.
SCREENS = ("narrow", "compact", "regular", "wide")
STACKED_SCREENS = ("narrow", "compact")
# A 360-px phone leaves 328 px inside Streamlit's margins: a panel and its y axis (~60 px).
NARROW_PANEL_WIDTH = 260
# "compact" (``explainer.ui.viewport``): a column narrower than the side-by-side panels need (up to
# 708 px, 903 in lecture type): centred, 437-695 px (windows of 769-1,027 px beside the open
# sidebar: a half-screen window, an upright tablet; 640-727 px without it); in lecture mode's wide
# layout 373-859 px (windows up to 1,255 px: a 1,024 x 768 projector). A panel and its axes fit
# the narrowest of them (437 px; 421 with lecture type's wider margin), stacked.
COMPACT_PANEL_WIDTH = {False: 320, True: 300}
WIDE_LECTURE_SCALE = 1.5


def check_screen(screen: str) -> str:
    """``screen`` if it is one of SCREENS; a ValueError naming them otherwise."""
    if screen not in SCREENS:
        raise ValueError(f"Unknown screen {screen!r}; expected one of {list(SCREENS)}")
    return screen


def stacks(screen: str) -> bool:
    """Whether panels go one under another on ``screen``: a phone's, or a column narrower than the
    side-by-side panels."""
    return check_screen(screen) in STACKED_SCREENS


def panel_width(width: int, lecture: bool = False, screen: str = "regular") -> int:
    """A panel's width, ``width`` on a laptop: narrowed to fit a phone or a narrow column, grown
    for a projector."""
    if check_screen(screen) == "narrow":
        return min(width, NARROW_PANEL_WIDTH)
    if screen == "compact":
        return min(width, COMPACT_PANEL_WIDTH[lecture])
    if screen == "wide" and lecture:
        return round(width * WIDE_LECTURE_SCALE)
    return width


def panel_columns(columns: int, screen: str = "regular") -> int:
    """How many panels sit side by side: ``columns``, or one on a phone or in a narrow column."""
    return 1 if stacks(screen) else max(1, columns)


def side_legend(screen: str = "regular") -> str:
    """Where a legend beside a chart goes: on the right, or below it on a phone or in a narrow
    column (a right-hand legend there would squeeze the plot to a strip)."""
    return "bottom" if stacks(screen) else "right"


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
            labelFontSize=size,
            titleFontSize=size + 1,
            symbolStrokeWidth=3 if lecture else 2,
            labelLimit=480 if lecture else 320,  # the same words in lecture type
        ),
        header=alt.HeaderConfig(labelFontSize=size + 2, titleFontSize=size + 2),
        title=alt.TitleConfig(fontSize=size + 4),
        text=alt.MarkConfig(fontSize=size),
        line=alt.LineConfig(strokeWidth=4 if lecture else 2),
    )
    if isinstance(chart, (alt.Chart, alt.LayerChart)):
        # Fit the width only: Streamlit stretches a single view to its column, and fitting the
        # height too would squeeze the plot to make room for a legend below it, drawing lines
        # past its frame. (Vega-Lite fits single and layered views only.)
        styled.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    styled.usermeta = {"embedOptions": {"renderer": renderer}}
    return styled


# On a phone, legends that share a side are stacked instead of set in a row wider than the screen.
# A Vega setting that Vega-Lite passes through but its JSON schema types as an expression, so it is
# added to a built spec (``narrow_legends``) rather than through Altair.
NARROW_LEGEND_LAYOUT = {side: {"direction": "vertical", "anchor": "start"} for side in ("top", "bottom")}


# Channels that draw a legend, and those of them whose quantitative legend is a colour gradient.
LEGEND_CHANNELS = ("color", "fill", "stroke", "strokeDash", "shape", "size", "opacity", "strokeWidth")
GRADIENT_CHANNELS = ("color", "fill", "stroke", "opacity")
# A phone's legend: its entries one under another, its labels and title cut with "…" where they
# would pass the screen's edge, a gradient short enough to fit (a 390 px phone leaves ~330 px).
NARROW_LEGEND_LIMIT = 300
NARROW_GRADIENT_LENGTH = 180


def narrow_legends(spec: dict) -> dict:
    """``spec`` (a built Vega-Lite dict) for a phone: legends that share a side stacked, and each
    legend's entries one under another (a row of entries runs past the screen's right edge),
    unless its chart chose its own columns; a new dict."""
    config = dict(spec.get("config", {}))
    config["legend"] = {
        **config.get("legend", {}),
        "layout": NARROW_LEGEND_LAYOUT,
        "labelLimit": NARROW_LEGEND_LIMIT,
        "titleLimit": NARROW_LEGEND_LIMIT,
    }
    return {**_stacked_entries({k: v for k, v in spec.items() if k != "config"}), "config": config}


def _stacked_entries(node: Any) -> Any:
    """``node`` (part of a built spec) with every legend of its encodings set for a phone."""
    if isinstance(node, list):
        return [_stacked_entries(item) for item in node]
    if not isinstance(node, dict):
        return node
    # Rows (``datasets``, inline ``data``) hold no legend: kept as they are, not copied.
    copied = {
        key: value if key in ("datasets", "data") else _stacked_entries(value) for key, value in node.items()
    }
    encoding = copied.get("encoding")
    if isinstance(encoding, dict):
        copied["encoding"] = {channel: _phone_legend(channel, d) for channel, d in encoding.items()}
    return copied


def _phone_legend(channel: str, definition: Any) -> Any:
    if channel not in LEGEND_CHANNELS or not isinstance(definition, dict):
        return definition
    condition = definition.get("condition")
    encodes_data = any(
        "field" in d or "aggregate" in d for d in (definition, condition) if isinstance(d, dict)
    )
    if definition.get("legend", {}) is None or not encodes_data:
        return definition  # a legend switched off (legend: null), or a constant: no legend
    legend = dict(definition.get("legend") or {})
    if definition.get("type") == "quantitative" and channel in GRADIENT_CHANNELS:
        legend["gradientLength"] = min(
            legend.get("gradientLength", NARROW_GRADIENT_LENGTH), NARROW_GRADIENT_LENGTH
        )
        legend["titleLimit"] = min(legend.get("titleLimit", NARROW_LEGEND_LIMIT), NARROW_LEGEND_LIMIT)
    elif "columns" not in legend:
        legend["direction"] = "vertical"
    return {**definition, "legend": legend}


def category_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale for non-activation categories, stable for a given order of names."""
    return alt.Scale(
        domain=list(names), range=[CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(names))]
    )


def hex_rgb(color: str) -> np.ndarray:
    """The red, green and blue of a "#RRGGBB" colour, 0–255 as floats."""
    return np.array([int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two "#RRGGBB" colours, from 1 (equal) to 21 (black on white)."""

    def luminance(color: str) -> float:
        channels = [float(c) / 255 for c in hex_rgb(color)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# A grid cell drawn as a rect reaches this many half-steps from its centre: neighbours overlap by
# a tenth, which hides the light seams anti-aliasing leaves between cells on a canvas.
CELL_OVERLAP = 1.1


def half_spacing(values: pd.Series) -> float:
    """Half the spacing of an evenly spaced grid axis (0.5 when there is a single value)."""
    steps = pd.Series(values.unique(), dtype=float).sort_values().diff().dropna()
    return float(steps.min()) / 2.0 if len(steps) else 0.5


# A log axis labels 1, 2 and 5 of each decade when that makes at most this many ticks, else
# whole decades (Vega would otherwise pick 10, 4, 2, 0.5, skipping 1).
LOG_TICKS_MOST = 10


def log_ticks(low: float, high: float, most: int = LOG_TICKS_MOST) -> list[float]:
    """Tick values of a log axis whose data runs from ``low`` to ``high``: 1, 2 and 5 of every
    decade the nice scale spans when at most ``most`` of them, else every decade, else every k-th
    decade (always keeping 1). The range is first widened to whole decades, as Vega-Lite's nice
    log scale does, so the ticks change only when the data crosses a power of ten. Empty when the
    range is not positive and finite (the axis then keeps Vega's own ticks)."""
    if not (math.isfinite(low) and math.isfinite(high) and 0 < low <= high):
        return []
    first = math.floor(math.log10(low) + 1e-9)
    last = max(math.ceil(math.log10(high) - 1e-9), first + 1)
    steps = [float(f"{m}e{e}") for e in range(first, last) for m in (1, 2, 5)] + [float(f"1e{last}")]
    if len(steps) <= most:
        return steps
    every = math.ceil((last - first + 1) / most)
    return [float(f"1e{e}") for e in range(first, last + 1) if e % every == 0]


def log_ticks_of(values: Sequence[float] | pd.Series) -> list[float]:
    """``log_ticks`` of the range of ``values`` that a log axis shows (positive and finite)."""
    positive = pd.Series(values, dtype=float)
    positive = positive[(positive > 0) & positive.map(math.isfinite)]
    return log_ticks(float(positive.min()), float(positive.max())) if len(positive) else []


# A log axis's labels: plain from 0.001 to 50,000 (0.001, 0.5, 20), in powers of ten outside
# (1e-4, 2e-7, 1e5). "~g" alone writes 0.00001 and 0.000001, then 1e-7 on the same axis.
LOG_LABELS = (
    "datum.value < 0.001 || datum.value >= 1e5 ? replace(format(datum.value, '.0e'), 'e+', 'e')"
    " : format(datum.value, '~g')"
)


# A log colour legend's labels, by the same rule, to one significant digit: Vega labels a
# gradient at its data's ends (0.275631 would be read to six digits; 0.3 is what it shows).
LOG_LEGEND_LABELS = (
    "datum.value < 0.001 || datum.value >= 1e5 ? replace(format(datum.value, '.0e'), 'e+', 'e')"
    " : format(datum.value, '.1~g')"
)


def log_axis(ticks: Sequence[float], **axis: object) -> alt.Axis:
    """An ``alt.Axis`` for a log scale ticked at ``ticks`` (``log_ticks``; none leaves Vega's
    own), labelled plainly (``LOG_LABELS``); ``axis`` adds or overrides Axis settings."""
    values = {"values": list(ticks)} if len(ticks) else {}
    settings: dict = {"format": "~g", "labelExpr": LOG_LABELS, **values, **axis}
    return alt.Axis(**settings)


def integer_axis(**axis: object) -> alt.Axis:
    """An ``alt.Axis`` for counts (layers, units, epochs): ticks at whole numbers, labelled as such."""
    return alt.Axis(**{"tickMinStep": 1, "format": "d", **axis})


# The dashes a line takes when it would hide under an earlier one, tried in this order.
OVERLAP_DASHES = (DASHED, DOTTED, DASH_DOT)


def overlap_dashes(
    frame: pd.DataFrame, x: str, y: str, series: str, names: Sequence[str], dashes: Sequence[list[int]]
) -> list[list[int]]:
    """``dashes`` (one per name, in drawing order) with every solid line that runs on an earlier
    line over at least half its points (same x, y equal to 1e-9 relative) given a dash the lines
    under it do not have, so both stay visible: e.g. tanh's and ReLU's slope bound, both 1."""
    result = [list(dash) for dash in dashes]
    xs, ys = frame[x].to_numpy(dtype=np.float64), frame[y].to_numpy(dtype=np.float64)
    groups = frame[series].to_numpy()
    lines = {}  # name: (its distinct x, sorted; y at the first row of each)
    for name in dict.fromkeys(groups):
        mine = groups == name
        distinct, first = np.unique(xs[mine], return_index=True)
        lines[name] = distinct, ys[mine][first]
    for i, name in enumerate(names):
        if result[i] != SOLID or name not in lines:
            continue
        mine_x, mine_y = lines[name]
        under = []
        for j, earlier in enumerate(names[:i]):
            if earlier not in lines:
                continue
            earlier_x, earlier_y = lines[earlier]
            shared, mine_at, earlier_at = np.intersect1d(
                mine_x, earlier_x, assume_unique=True, return_indices=True
            )
            a, b = mine_y[mine_at], earlier_y[earlier_at]
            same = np.abs(a - b) <= 1e-9 * np.maximum(np.abs(a), 1.0)
            if shared.size and same.sum() >= mine_x.size / 2:
                under.append(result[j])
        if under:
            result[i] = next((dash for dash in OVERLAP_DASHES if dash not in under), DASHED)
    return result


def fill_slots(spec, values: dict[str, object]):
    """``spec`` (a Vega-Lite dict) with every string equal to a slot of ``values`` replaced by
    what it stands for."""
    if isinstance(spec, dict):
        return {k: fill_slots(v, values) for k, v in spec.items()}
    if isinstance(spec, list):
        return [fill_slots(v, values) for v in spec]
    if isinstance(spec, str):
        return values.get(spec, spec)
    return spec
