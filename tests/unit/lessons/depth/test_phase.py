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
