"""The home page's six steps: each number the text quotes, against a direct computation."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from explainer import ACTIVATIONS
from explainer.lessons.home.story import (
    chain_rule,
    dead_relu_units,
    fixes_story,
    gated_versus_squashed,
    initialization_story,
    linear_collapse,
    scientific_columns,
    slope_bounds,
)


def test_two_linear_layers_are_one_matrix_and_relu_between_them_is_not():
    story = linear_collapse(seed=0, samples=500, hidden=8)
    assert story.linear_gap < 1e-12 and story.samples == 500
    # The same draws, fitted by scikit-learn's least squares: 1 − R² is the unexplained share.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 2))
    w1, w2 = rng.standard_normal((2, 8)), rng.standard_normal((8, 1))
    relu_out = np.maximum(x @ w1, 0.0) @ w2
    r2 = LinearRegression().fit(x, relu_out).score(x, relu_out)
    assert story.relu_unexplained == pytest.approx(1.0 - r2, rel=1e-9)
    assert story.relu_unexplained > 0.05


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_the_chain_rule_product_is_the_product_of_the_local_slopes_and_the_finite_difference(activation):
    story = chain_rule(activation, depth=6, weight=1.5, x0=0.3)
    f = ACTIVATIONS[activation]
    h, slopes = 0.3, []
    for _ in range(6):
        z = 1.5 * h
        slopes.append(1.5 * float(f.df(np.array([z]))[0]))
        h = float(f.f(np.array([z]))[0])
    assert story.local["local_derivative"].tolist() == pytest.approx(slopes, rel=1e-12)
    assert story.product == pytest.approx(math.prod(slopes), rel=1e-12)
    assert story.product == pytest.approx(story.finite_difference, rel=1e-6)
    # The gradient reaching layer l is the product of the slopes from l up.
    assert story.local["gradient_at_layer"].iloc[-1] == pytest.approx(slopes[-1])
    assert story.local["gradient_at_layer"].iloc[0] == story.product


def test_slope_bounds_are_the_peak_slope_to_the_power_of_depth():
    bounds = slope_bounds(("sigmoid", "tanh", "relu"), max_depth=12).set_index(["key", "depth"])["bound"]
    for depth in (1, 5, 12):
        assert bounds[("sigmoid", depth)] == pytest.approx(0.25**depth, rel=1e-12)
        assert bounds[("tanh", depth)] == 1.0 and bounds[("relu", depth)] == 1.0


def test_dead_units_grow_as_the_bias_falls_and_the_quoted_shift_is_on_the_curve():
    units = dead_relu_units(width=64, batch=128, seed=1, shift=-4.5)
    curve = units.curve.set_index("bias_shift")
    assert units.silent_at_zero == curve.loc[0.0, "silent_share"]
    assert 0.4 < units.silent_at_zero < 0.6  # half of a symmetric pre-activation is negative
    assert curve.loc[0.0, "dead_share"] == 0.0
    assert units.dead_at_shift == curve.loc[-4.5, "dead_share"]
    assert curve["dead_share"].is_monotonic_increasing and curve["silent_share"].is_monotonic_increasing
    assert (curve["dead_share"] <= curve["silent_share"]).all()


def test_a_gated_cell_keeps_its_forget_gate_to_the_power_of_steps_and_sigmoids_a_quarter():
    assert gated_versus_squashed(steps=50, forget=0.99) == (0.99**50, 0.25**50)


def test_the_initialization_sentence_quotes_the_last_layers_numbers():
    story = initialization_story(depth=5, width=64, seed=0)
    last = story.curves[story.curves["layer"] == 5].set_index("init")
    assert set(last.index) == {"std 0.01", "std 1", "Glorot/Xavier"}
    assert f"to {last.loc['std 0.01', 'activation_std']:.1e} by layer 5" in story.sentence
    assert (
        f"sits at {last.loc['std 1', 'activation_std']:.2f} but {last.loc['std 1', 'saturated_fraction']:.0%}"
        in story.sentence
    )
    assert f"= {math.sqrt(2 / 128):.4f} keeps" in story.sentence


def test_the_fixes_sentence_bounds_every_fix_and_names_the_farthest():
    story = fixes_story(depth=10, width=64, seed=0)
    table = story.table
    assert table["orders of magnitude"].tolist() == pytest.approx(
        np.log10(table["layer 1 ÷ layer L gradient"]).tolist()
    )
    fixes = table.iloc[1:]
    farthest = fixes.loc[fixes["orders of magnitude"].abs().idxmax()]
    bound = float(story.sentence.split("within ")[1].split(" orders")[0])
    assert abs(farthest["orders of magnitude"]) <= bound < abs(farthest["orders of magnitude"]) + 0.01
    assert f"the farthest being {farthest['setting']}" in story.sentence
    assert f"{table['layer 1 ÷ layer L gradient'].iloc[0]:.1e} of the gradient" in story.sentence


def test_scientific_columns_print_tiny_and_huge_numbers_in_scientific_notation_only():
    frame = pd.DataFrame({"v": [1.234e-12, 0.5, 12345.0, 0.0, -2e-5], "other": [1, 2, 3, 4, 5]})
    shown = scientific_columns(frame, ("v",))
    assert shown["v"].tolist() == ["1.23e-12", "0.5", "1.23e4", "0", "-2.00e-5"]
    assert shown["other"].tolist() == [1, 2, 3, 4, 5]
