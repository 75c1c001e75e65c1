"""The phase diagram: measured against mean field, the edge of chaos, and its cells and sentence."""

import math

import numpy as np
import pandas as pd
import pytest

from explainer import ACTIVATIONS
from explainer.lessons.depth.phase import (
    _chi_log10,
    critical_line,
    describe_phase,
    phase_cells,
    phase_diagram,
)
from explainer.meanfield import gradient_curve


def test_phase_diagram_measures_the_sign_that_mean_field_predicts_away_from_the_critical_line():
    diagram = phase_diagram("tanh", sigma_ws=[0.5, 1.0, 2.5], depths=[5, 20], width=64, batch=64)
    assert len(diagram) == 6
    clear = diagram[diagram["meanfield_log10_ratio"].abs() > 1.0]
    assert len(clear) >= 2
    assert (np.sign(clear["grad_log10_ratio"]) == np.sign(clear["meanfield_log10_ratio"])).all()
    assert critical_line("tanh") == pytest.approx(1.0, abs=1e-6)


def test_critical_line_of_relu_is_root_two_and_of_tanh_one():
    assert critical_line("relu") == pytest.approx(math.sqrt(2.0), rel=1e-12)
    assert critical_line("leaky_relu", {"negative_slope": 0.5}) == pytest.approx(
        math.sqrt(2 / 1.25), rel=1e-12
    )
    assert critical_line("tanh") == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("key", ["tanh", "sigmoid", "relu", "selu", "gelu"])
@pytest.mark.parametrize("sigma_w2", [0.25, 1.0, 2.0, 9.0])
def test_the_phase_diagrams_chi_per_layer_is_mean_fields(key, sigma_w2):
    expected = np.log10(gradient_curve(key, 120, sigma_w2)["chi"].to_numpy())
    np.testing.assert_allclose(
        _chi_log10(ACTIVATIONS[key], sigma_w2, 120, None), expected, rtol=1e-9, atol=1e-9
    )


def test_phase_cells_clip_the_colour_and_name_dead_and_exploded_cells():
    table = pd.DataFrame(
        {
            "sigma_w": [0.5, 1.0, 3.0],
            "depth": [10, 10, 10],
            "grad_log10_ratio": [-math.inf, -0.5, 400.0],
            "meanfield_log10_ratio": [-30.0, -0.4, 350.0],
            "status": ["dead", "ok", "exploded"],
        }
    )
    cells = phase_cells(table, 20.0)
    assert list(cells["value"]) == [-20.0, -0.5, 20.0]
    assert list(cells["text"]) == ["dead (exactly 0)", "0.316", "exploded"]
    assert "σ_w = 1" in describe_phase(table, 1.0, "tanh")


def _phase_diagram_network_by_network(act, sigma_ws, depths, width, batch, seed):
    """The phase diagram as it was computed before the stack: one ``_propagate`` and one
    ``NetworkRun`` table per σ_w, the prediction from ``_chi_log10`` directly."""
    from explainer.nn.engine import EXPLODED, OK, _functions, _propagate
    from explainer.nn.memory import _unit_weights, network_inputs
    from explainer.nn.statistics import _run_from_trace

    x, top = network_inputs(batch, width, seed)
    base = _unit_weights("lecun_normal", max(depths), width, seed)
    f, df = _functions(act, None)
    rows = []
    for sigma_w in sigma_ws:
        trace, _ = _propagate(x, base, None, f, df, top, scale=float(sigma_w) / math.sqrt(width), full=False)
        run = _run_from_trace(trace, act, None, "lecun_normal", width, batch, None)
        g = run.layers["grad_log10"].to_numpy()
        status = run.layers["backward_status"].to_list()
        half_log_chi = 0.5 * _chi_log10(act, float(sigma_w) ** 2, max(depths), None)
        predicted = -np.concatenate([[0.0], np.cumsum(half_log_chi[1:])])
        for d in depths:
            cell = EXPLODED if trace.exploded_at is not None else OK
            if cell == OK and (status[0] != OK or status[d - 1] != OK):
                cell = status[0] if status[0] != OK else status[d - 1]
            value = float(g[0] - g[d - 1]) if cell == OK else (math.inf if cell == EXPLODED else -math.inf)
            rows.append(
                {
                    "sigma_w": float(sigma_w),
                    "depth": d,
                    "grad_log10_ratio": value,
                    "meanfield_log10_ratio": float(predicted[0] - predicted[d - 1]),
                    "status": cell,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("key", "width", "batch"),
    [
        ("sigmoid", 64, 64),
        ("tanh", 64, 64),
        ("relu", 64, 64),
        ("gelu", 64, 64),
        ("selu", 48, 20),
        ("hard_tanh", 32, 16),  # a shape where BLAS takes a kernel of its own for one network
        ("exp(x) - 1", 64, 64),
        ("max(x - 2, 0)", 64, 64),
    ],
)
def test_the_phase_diagrams_stack_of_networks_gives_each_networks_own_numbers(key, width, batch):
    from explainer.expressions import parse_activation

    # exp(x) leaves float64 within a few layers at large σ_w: exploded networks leave the stack;
    # max(x - 2, 0) switches every unit off at small σ_w: dead layers.
    act = ACTIVATIONS[key] if key in ACTIVATIONS else parse_activation(key)
    sigma_ws = [0.3, 0.9, 1.0, 1.4, 2.2, 3.5, 3.9]
    depths = [1, 2, 10, 40, 60]
    expected = _phase_diagram_network_by_network(act, sigma_ws, depths, width, batch, 3)
    found = phase_diagram(act, sigma_ws, depths, width, batch, 3)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)


def test_the_stacked_traces_are_the_engines_traces_field_by_field():
    from explainer.lessons.depth.phase import _scaled_traces
    from explainer.nn.engine import _functions, _propagate
    from explainer.nn.memory import _unit_weights, network_inputs

    x, top = network_inputs(64, 64, 1)
    weights = _unit_weights("lecun_normal", 30, 64, 1)
    for key in ("tanh", "relu"):
        f, df = _functions(ACTIVATIONS[key], None)
        scales = [0.05, 0.125, 0.4]
        for trace, scale in zip(_scaled_traces(x, weights, f, df, top, scales), scales, strict=True):
            alone, _ = _propagate(x, weights, None, f, df, top, scale=scale, full=False)
            for name in ("preact_mean", "preact_std", "act_mean", "act_std", "path_derivative", "grad_ln",
                         "wgrad_ln", "saturated", "dead", "dead_units", "inactive"):  # fmt: skip
                np.testing.assert_array_equal(getattr(trace, name), getattr(alone, name), err_msg=name)
            for name in (
                "forward_status",
                "grad_status",
                "exploded_at",
                "input_grad_ln",
                "input_grad_status",
            ):
                assert getattr(trace, name) == getattr(alone, name), name
