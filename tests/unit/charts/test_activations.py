"""The activations page's charts: f and f' side by side, and the saturated and dead zones."""

import json
import re

import pandas as pd

from explainer import ACTIVATIONS, Chosen, activation_curves, charts, parse_activation
from explainer.charts.activations import curves_chart, zones_chart
from explainer.curves import SATURATION_THRESHOLD

from .vega import layers, rows, spec


def test_curves_chart_draws_f_and_its_derivative_in_two_columns_in_each_activations_style():
    curves = activation_curves(
        [Chosen(ACTIVATIONS[k]) for k in ("relu", "tanh")], x_min=-3.0, x_max=3.0
    ).curves
    chart = spec(curves_chart(curves))
    assert chart["facet"]["sort"] == ["f(x)", "f'(x)"] and chart["columns"] == 2
    assert chart["resolve"]["scale"]["y"] == "independent"
    [lines] = [
        layer for layer in layers(chart) if layer["mark"] == "line" or layer["mark"].get("type") == "line"
    ]
    color = lines["encoding"]["color"]["scale"]
    labels = list(dict.fromkeys(curves["label"]))
    assert color["domain"] == labels
    assert color["range"] == [charts.activation_color("relu"), charts.activation_color("tanh")]
    # One line per continuous segment, so a curve breaks where f jumps.
    assert lines["encoding"]["detail"]["field"] == "segment"


def test_the_saturation_band_is_one_faint_rect_per_panel_not_one_per_row_of_the_curves():
    """A rect per row (hundreds, at 15% each) stacked to an opaque band along f′ = 0 that hid
    sigmoid's derivative near 0 (seen in Chromium): the band must aggregate to one row."""
    curves = activation_curves([Chosen(ACTIVATIONS["sigmoid"])], x_min=-6.0, x_max=6.0).curves
    chart = spec(curves_chart(curves))
    [band] = [
        layer for layer in layers(chart) if layer["mark"] == "rect" or layer["mark"].get("type") == "rect"
    ]
    assert band["mark"]["opacity"] == 0.15
    [aggregate] = [t for t in band["transform"] if "aggregate" in t]
    assert aggregate["groupby"] == ["panel"]
    assert band["encoding"]["y"]["datum"] == -SATURATION_THRESHOLD


def test_zones_chart_keeps_a_row_for_an_activation_without_any_zone():
    zones = pd.DataFrame({"label": ["tanh"], "kind": ["saturated"], "x_start": [3.0], "x_end": [6.0]})
    built = zones_chart(zones, ["tanh", "ReLU", "GELU"], -6.0, 6.0)
    y = spec(built)["encoding"]["y"]
    assert y["scale"]["domain"] == ["tanh", "ReLU", "GELU"] and y["sort"] == ["tanh", "ReLU", "GELU"]
    assert spec(built)["encoding"]["x"]["scale"] == {"clamp": True, "domain": [-6.0, 6.0], "nice": False}
    assert rows(built) == [zones.to_dict("records")]


def test_the_curves_template_is_the_curves_chart_with_its_rows_by_name():
    from explainer.charts.activations import curve_series, curves_template

    chosen = [Chosen(ACTIVATIONS[k]) for k in ("sigmoid", "relu", "leaky_relu")]
    curves = activation_curves(chosen, x_min=-4.0, x_max=2.5).curves
    inline = spec(curves_chart(curves, lecture=True))
    template = spec(curves_template(*curve_series(curves), lecture=True))
    assert template["data"] == {"name": "data"} and "datasets" not in template
    [name] = inline.pop("datasets")
    assert inline.pop("data") == {"name": name}
    del template["data"]
    assert template == inline


def test_the_slotted_template_filled_is_the_template_of_those_activations():
    """One spec per number of functions serves every choice: filling its slots gives exactly the
    spec built for the choice, labels Vega-Lite reads as paths and a typed formula included."""
    from explainer.charts.activations import curves_fill, curves_slots, curves_template

    for keys, labels in [
        (["sigmoid", "relu", "leaky_relu"], ["sigmoid", "ReLU", "Leaky ReLU"]),
        (["relu", "leaky_relu", "elu", "typed"], ["ReLU", "Leaky ReLU", "ELU", "typed: x.y[0]**2"]),
    ]:
        for lecture, screen in [(False, "regular"), (True, "wide"), (False, "narrow"), (True, "compact")]:
            filled = charts.fill_slots(
                spec(curves_slots(len(labels), lecture, screen)), curves_fill(keys, labels)
            )
            direct = spec(curves_template(keys, labels, lecture, screen))
            # Altair names the hover's view after a hash of the whole chart, slots included.
            assert views(filled) == views(direct) and "\\u0000" not in json.dumps(filled)


def views(chart_spec: dict) -> str:
    """``chart_spec`` as JSON with Altair's hashed view names made one name."""
    return re.sub(r"view_[0-9a-f]+_", "view_", json.dumps(chart_spec, sort_keys=True))


def test_the_zones_template_filled_is_the_zones_chart_with_its_rows_by_name():
    """One zones spec per number of functions serves every choice and x range: its slots filled
    give the chart built for them, but for the rows, which arrive by name."""
    from explainer.charts.activations import zones_fill, zones_slots

    chosen = [Chosen(ACTIVATIONS[k]) for k in ("sigmoid", "relu", "elu")]
    chosen.append(Chosen(parse_activation("x**2/10")))
    curve_set = activation_curves(chosen, x_min=-4.0, x_max=2.5)
    for lecture in (False, True):
        inline = spec(zones_chart(curve_set.zones, curve_set.labels, -4.0, 2.5, lecture))
        filled = charts.fill_slots(
            spec(zones_slots(len(curve_set.labels), lecture)), zones_fill(curve_set.labels, -4.0, 2.5)
        )
        [name] = inline.pop("datasets")
        assert inline.pop("data") == {"name": name} and filled.pop("data") == {"name": "data"}
        assert filled == inline and "\\u0000" not in json.dumps(filled)
        assert filled["encoding"]["x"]["scale"]["domain"] == [-4.0, 2.5]
