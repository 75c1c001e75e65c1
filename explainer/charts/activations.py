"""The activations page's charts: f and f' side by side, and where each activation saturates or dies."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..activations import ACTIVATIONS
from ..curves import SATURATION_THRESHOLD
from .theme import (
    CHART_HEIGHT,
    GREY,
    PANEL_WIDTH,
    ZONE_COLORS,
    activation_scales,
    overlap_dashes,
    panel_columns,
    panel_width,
    stacks,
    style,
)

# Where two chosen functions are compared for overlap: a line drawn over an earlier one on at
# least half of this grid (ReLU under Leaky ReLU or ELU for x > 0) is dashed.
OVERLAP_PROBE = np.linspace(-4.0, 4.0, 81)


def curve_dashes(keys: Sequence[str], labels: Sequence[str], dashes: Sequence[list[int]]) -> list[list[int]]:
    """Each activation's dash, with a solid line that would run on an earlier one over most of
    ``OVERLAP_PROBE`` dashed (``overlap_dashes``); functions outside the registry (typed ones)
    keep theirs. Known from the keys alone, so a template's spec need not see the rows."""
    rows = [
        pd.DataFrame({"x": OVERLAP_PROBE, "value": ACTIVATIONS[key].f(OVERLAP_PROBE), "label": label})
        for key, label in zip(keys, labels, strict=True)
        if key in ACTIVATIONS
    ]
    if not rows:
        return [list(dash) for dash in dashes]
    return overlap_dashes(pd.concat(rows), "x", "value", "label", list(labels), dashes)


def _field(name: str) -> str:
    # Vega-Lite reads '.', '[' and ']' in a field name as a path; labels may contain them.
    return name.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def curve_series(curves: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(keys, labels) of the activations ``curves`` draws, in their order: all that the curves
    chart takes from its rows besides the rows themselves."""
    labels = list(dict.fromkeys(curves["label"]))
    keys = [curves.loc[curves["label"] == label, "key"].iloc[0] for label in labels]
    return keys, labels


def curves_chart(curves: pd.DataFrame, lecture: bool = False, screen: str = "regular") -> alt.FacetChart:
    """f(x) and f'(x) side by side (stacked on a phone: ``screen``), one line per activation, one
    hover rule shared by both.

    ``curves`` is ``activation_curves(...).curves``: key, label, x, panel, value, segment. Each
    segment is drawn as its own line, so a curve breaks where f is undefined or jumps.
    """
    keys, labels = curve_series(curves)
    colors, dashes = series_style(keys, labels)
    return _curves(labels, [_field(label) for label in labels], colors, dashes, curves, lecture, screen)


def curves_template(
    keys: Sequence[str], labels: Sequence[str], lecture: bool = False, screen: str = "regular"
) -> alt.FacetChart:
    """``curves_chart`` as a template: the rows arrive by name ("data"), the activations drawn are
    ``curve_series`` of them, so one compiled spec serves every x range."""
    colors, dashes = series_style(keys, labels)
    return _curves(list(labels), [_field(label) for label in labels], colors, dashes, alt.NamedData("data"),
                   lecture, screen)  # fmt: skip


def series_style(keys: Sequence[str], labels: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """Each activation's colour and dash on the curves chart (``curve_dashes`` applied)."""
    color, dash = activation_scales(keys, labels)
    return list(color.range), curve_dashes(keys, labels, dash.range)


def _slot(kind: str, i: int) -> str:
    # A NUL cannot come from a label (the registry's or a typed formula's), so a slot is never one.
    return f"\x00{kind}{i}"


def curves_slots(count: int, lecture: bool = False, screen: str = "regular") -> alt.FacetChart:
    """``curves_template`` for any ``count`` activations: every label, field name, colour and
    dash is a slot that ``curves_fill`` names. A spec built once per count, lecture mode and
    screen then serves every choice of activations (building one costs ~100 ms of Altair work;
    filling its slots well under one)."""
    labels, fields, colors, dashes = ([_slot(kind, i) for i in range(count)] for kind in "lfcd")
    return _curves(labels, fields, colors, dashes, alt.NamedData("data"), lecture, screen)


def curves_fill(keys: Sequence[str], labels: Sequence[str]) -> dict[str, object]:
    """What each slot of ``curves_slots(len(labels))`` stands for with these activations."""
    colors, dashes = series_style(keys, labels)
    values: dict[str, object] = {}
    for i, (label, color, dash) in enumerate(zip(labels, colors, dashes, strict=True)):
        values |= {
            _slot("l", i): label,
            _slot("f", i): _field(label),
            _slot("c", i): color,
            _slot("d", i): dash,
        }
    return values


def _curves(
    labels: list[str], fields: list[str], colors: list[str], dashes: list, data, lecture: bool, screen: str
) -> alt.FacetChart:
    color = alt.Scale(domain=labels, range=colors)
    dash = alt.Scale(domain=labels, range=dashes)
    hover = alt.selection_point(
        name="hover", nearest=True, on="pointerover", fields=["x"], empty=False, clear="pointerout"
    )
    x = alt.X("x:Q", title="x")
    legend = alt.Legend(title="activation", orient="bottom", columns=2 if stacks(screen) else 4)
    base = alt.Chart().encode(x=x)
    lines = base.mark_line().encode(
        y=alt.Y("value:Q", title=None),
        color=alt.Color("label:N", scale=color, legend=legend, title="activation"),
        strokeDash=alt.StrokeDash("label:N", scale=dash, legend=legend, title="activation"),
        detail="segment:N",
    )
    tooltip = [alt.Tooltip("x:Q", format=".3f")] + [
        alt.Tooltip(field=field, type="quantitative", title=label, format=".4g")
        for label, field in zip(labels, fields, strict=True)
    ]
    # Transparent points carry the nearest-x selection and a tooltip listing every function.
    selectors = (
        base.transform_pivot("label", value="value", groupby=["x", "panel"])
        .mark_rule(opacity=0, strokeWidth=12)
        .encode(tooltip=tooltip)
        .add_params(hover)
    )
    rule = base.mark_rule(color=GREY, strokeWidth=1.5).transform_filter(hover)
    points = lines.mark_point(filled=True, size=80 if lecture else 45).transform_filter(hover)
    values = (
        lines.mark_text(align="left", dx=6, dy=-8, fontWeight="bold")
        .encode(text=alt.Text("value:Q", format=".3g"), strokeDash=alt.value([1, 0]))
        .transform_filter(hover)
    )
    threshold = (
        alt.Chart()
        .mark_rect(opacity=0.15, color=ZONE_COLORS["saturated"])
        .encode(y=alt.datum(-SATURATION_THRESHOLD), y2=alt.datum(SATURATION_THRESHOLD))
        .transform_filter('datum.panel == "f\'(x)"')
        # One band per panel: a rect drawn once per row of the curves would stack to opaque.
        .transform_aggregate(rows="count()", groupby=["panel"])
    )
    layered = alt.layer(threshold, lines, selectors, rule, points, values, data=data).properties(
        width=panel_width(PANEL_WIDTH[lecture], lecture, screen), height=CHART_HEIGHT[lecture]
    )
    chart = layered.facet(
        facet=alt.Facet("panel:N", title=None, sort=["f(x)", "f'(x)"]), columns=panel_columns(2, screen)
    ).resolve_scale(y="independent")
    return style(chart, lecture)


def zones_chart(
    zones: pd.DataFrame, labels: Sequence[str], x_min: float, x_max: float, lecture: bool = False
) -> alt.Chart:
    """One row per activation in ``labels``: the x-intervals where |f'| < 0.01 (saturated) and
    f' = 0 (dead); a function with neither keeps an empty row, which is the finding."""
    return _zones(list(labels), [x_min, x_max], zones, lecture)


def zones_slots(count: int, lecture: bool = False) -> alt.Chart:
    """``zones_chart`` for any ``count`` activations as a template: its rows arrive by name
    ("data"), and the labels and x range are slots that ``zones_fill`` names, so one spec serves
    every choice of that many functions (an Altair build is ~7 ms of a move)."""
    return _zones([_slot("l", i) for i in range(count)], [_slot("x", 0), _slot("x", 1)],
                  alt.NamedData("data"), lecture)  # fmt: skip


def zones_fill(labels: Sequence[str], x_min: float, x_max: float) -> dict[str, object]:
    """What each slot of ``zones_slots(len(labels))`` stands for."""
    return {_slot("l", i): label for i, label in enumerate(labels)} | {
        _slot("x", 0): float(x_min),
        _slot("x", 1): float(x_max),
    }


def _zones(labels: list, x_domain: list, data, lecture: bool) -> alt.Chart:
    width = 2 * PANEL_WIDTH[lecture] + 40
    row_height = 34 if lecture else 24
    chart = (
        alt.Chart(data)
        .mark_bar(height=row_height * 0.7)
        .encode(
            x=alt.X("x_start:Q", title="x", scale=alt.Scale(domain=x_domain, nice=False, clamp=True)),
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
