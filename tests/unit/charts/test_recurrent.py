"""The "Through time" charts: built from real runs, they validate against Vega-Lite, draw the
fields the page's rows carry, label log10 axes as powers of ten, and hold no NaN."""

import json

import pandas as pd
import pytest

from explainer.charts import recurrent as charts
from explainer.charts.depth import DECADE_LABELS
from explainer.charts.theme import CELL_OVERLAP
from explainer.lessons import recurrent as lesson
from explainer.nn.recurrent import ADDING_BASELINE, CELL_LABELS, gradient_trace, train_recurrent
from tests.specs import spec_nodes

from .vega import spec


@pytest.fixture(scope="module")
def traces():
    return {key: gradient_trace(key, 60, 8, spectral_radius=0.9, seed=1) for key in ("rnn", "gru", "lstm")}


@pytest.fixture(scope="module")
def runs():
    return {
        CELL_LABELS[key]: train_recurrent(key, "adding", 6, 4, iterations=30, seed=0)
        for key in ("rnn", "lstm")
    }


def _encodings(built) -> list[dict]:
    return [node["encoding"] for node in spec_nodes(spec(built)) if isinstance(node.get("encoding"), dict)]


def test_the_gradient_chart_has_one_line_per_cell_and_the_bound_on_a_decade_axis(traces):
    rows = charts.through_time_rows({k: t.frame for k, t in traces.items()}, bound=traces["rnn"].frame)
    names = list(dict.fromkeys(rows["series"]))
    assert names == ["RNN (tanh)", "GRU", "LSTM", charts.BOUND_NAME]
    assert set(rows.columns) == {"t", "series", "log10", "text"} and not rows.isna().any().any()
    colors, dashes = charts.through_time_styles(names)
    assert colors[:3] == [charts.CELL_COLORS[k] for k in ("rnn", "gru", "lstm")] and dashes[3] != dashes[0]
    for lecture in (False, True):
        built = charts.through_time(tuple(names), lecture=lecture)
        (encoding,) = _encodings(built)
        assert encoding["x"]["field"] == "t" and encoding["y"]["field"] == "log10"
        assert encoding["y"]["axis"]["labelExpr"] == DECADE_LABELS
        assert spec(built)["data"] == {"name": "data"}


def test_the_products_chart_draws_the_forget_gates_and_the_jacobians(traces):
    products = lesson.product_rows(traces["rnn"].frame, traces["lstm"].frame, traces["lstm"].forget_gates)
    names = tuple(dict.fromkeys(products["series"]))
    (encoding,) = _encodings(charts.products(names, screen="narrow"))
    assert encoding["y"]["axis"]["labelExpr"] == DECADE_LABELS
    assert encoding["color"]["scale"]["domain"] == list(names)


def test_the_forget_gate_heatmap_colours_zero_to_one(traces):
    cells = lesson.forget_gate_rows(traces["lstm"].forget_gates)
    assert set(cells.columns) == {"t_start", "t_end", "unit", "forget_gate"} and not cells.isna().any().any()
    built = charts.forget_heatmap(screen="narrow")
    assert spec(built)["data"] == {"name": "data"}
    (encoding,) = _encodings(built)
    assert encoding["color"]["field"] == "forget_gate" and encoding["color"]["scale"]["domain"] == [0, 1]
    # Cells a little wider and taller than their bin and unit, so no seam shows between them.
    assert encoding["x"]["field"] == "left" and encoding["x2"]["field"] == "right"
    assert encoding["y"]["field"] == "top" and encoding["y"]["scale"]["reverse"] is True
    grow = (CELL_OVERLAP - 1) / 2
    assert grow > 0
    right = {"calculate": f"datum.t_end + {grow} * (datum.t_end - datum.t_start)", "as": "right"}
    assert right in spec(built)["transform"]


def test_the_loss_chart_is_logarithmic_with_the_baseline_rule(runs):
    losses = lesson.smoothed_losses(runs)
    built = charts.adding_losses(losses, ADDING_BASELINE, lecture=True)
    encodings = _encodings(built)
    assert encodings[0]["y"]["scale"]["type"] == "log" and encodings[0]["y"]["field"] == "loss"
    assert "values" in encodings[0]["y"]["axis"]
    datasets = list(spec(built)["datasets"].values())
    assert any(
        row.get("loss") == pytest.approx(ADDING_BASELINE) and "text" in row for d in datasets for row in d
    )
    assert "NaN" not in json.dumps(spec(built))


def test_the_training_gradients_are_one_panel_per_run(runs):
    rows = lesson.training_gradient_rows(runs)
    assert not rows.isna().any().any()
    for screen in ("narrow", "regular"):
        built = spec(charts.training_gradients(rows, list(runs), screen=screen))
        assert built["facet"]["field"] == "run" and built["columns"] == (1 if screen == "narrow" else 2)
        assert built["spec"]["encoding"]["y"]["axis"]["labelExpr"] == DECADE_LABELS


def test_a_run_that_kept_no_rows_still_draws_the_baseline():
    empty = pd.DataFrame({"iteration": [1], "run": ["a"], "loss": [0.2]})
    assert _encodings(charts.adding_losses(empty, ADDING_BASELINE))
