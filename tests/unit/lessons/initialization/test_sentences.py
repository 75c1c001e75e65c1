"""The initialization page's tables and sentences: the gains table, formulas as text, and what the
variance table and the variance-travel heatmaps say, each checked against the numbers it quotes."""

import math

import pandas as pd
import pytest

from explainer import ACTIVATIONS
from explainer.initializers import INITIALIZERS, variance_table
from explainer.lessons.initialization.sentences import (
    FIVE_SIGMA_TAIL,
    describe_standard_normal_row,
    describe_travel,
    describe_travel_pair,
    describe_variance_table,
    formula_text,
    gains_table,
)


def test_gains_table_has_a_row_per_activation_and_sentences_written_from_its_numbers():
    table = gains_table().set_index("key")
    assert list(table.index) == list(ACTIVATIONS)
    relu, tanh, sigmoid, selu = (table.loc[k] for k in ("relu", "tanh", "sigmoid", "selu"))
    assert "All three agree" in relu.sentence and "√2" in relu.sentence
    assert "5/3" in tanh.sentence and f"{tanh.forward_gain:.4g}" in tanh.sentence
    assert f"{tanh.backward_gain:.4g}" in tanh.sentence
    assert f"{sigmoid['mean']:.3g}" in sigmoid.sentence and "squared mean" in sigmoid.sentence
    assert "3/4" in selu.sentence and "nonlinearity='linear'" in selu.sentence
    # tanh at PyTorch's 5/3 sits on the chaotic side of the edge of chaos (REFERENCE.md §5).
    assert tanh.torch_chi > 1.0
    assert table["sentence"].str.len().gt(0).all()


@pytest.mark.parametrize("key", INITIALIZERS)
def test_formula_text_evaluates_to_the_variance_it_states(key):
    text = formula_text(key)
    assert text.startswith("σ² = ") or key == "orthogonal"
    fan_in, fan_out = 300, 100
    expression = text.split("σ² = ")[-1].split(";")[0].split(" = ")[-1].replace("²", "**2").replace("·", "*")
    value = eval(expression, {"fan_in": fan_in, "fan_out": fan_out, "max": max})
    assert value == pytest.approx(INITIALIZERS[key].variance(fan_in, fan_out), rel=1e-12)
    if INITIALIZERS[key].distribution == "uniform":
        bound = text.split("a = √(")[1][:-1].replace("·", "*")
        assert math.sqrt(eval(bound, {"fan_in": fan_in, "fan_out": fan_out})) == pytest.approx(
            INITIALIZERS[key].bound(fan_in, fan_out), rel=1e-12
        )


def test_variance_table_sentences_name_the_worst_gap_and_the_initializers_that_keep_relu():
    table = variance_table(256, 128, "relu")
    check, scale = describe_variance_table(table, "ReLU")
    assert check.startswith("All 16 freshly drawn matrices (at least 32,768 weights each)")
    gaps = (table["empirical_variance"] - table["variance"]).abs() / table["standard_error"]
    assert f"{gaps.max():.1f} standard errors" in check
    assert "He (Kaiming) normal, He (Kaiming) uniform, He normal (Keras, truncated) keep it" in scale
    assert "from 0.0128 (N(0, 0.01²)) to 128 (N(0, 1))" in scale


def test_a_sample_outside_five_standard_errors_is_named_with_the_chance_of_that():
    table = variance_table(16, 16, "relu")
    table.loc[0, "agrees"] = False
    check, _ = describe_variance_table(table, "ReLU")
    assert check.startswith("1 of 16 samples fall outside 5 standard errors (N(0, 1))")
    assert f"{FIVE_SIGMA_TAIL:.1e}" in check
    assert math.erfc(5 / math.sqrt(2)) == pytest.approx(FIVE_SIGMA_TAIL, rel=1e-12)


def _grid(rows):
    base = {"init_label": "", "activation_label": "", "backward_log10": 0.0, "backward_status": "ok"}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    if "saturated_fraction" not in frame:
        frame["saturated_fraction"] = 0.0
    frame["saturated_fraction"] = frame["saturated_fraction"].fillna(0.0)
    frame["forward_healthy"] = (
        (frame["forward_status"] == "ok")
        & (frame["forward_log10"].abs() <= 1)
        & (frame["saturated_fraction"] < 0.5)
    )
    frame["backward_healthy"] = (frame["backward_status"] == "ok") & (frame["backward_log10"].abs() <= 1)
    frame["healthy"] = frame["forward_healthy"] & frame["backward_healthy"]
    return frame


def test_travel_sentences_count_healthy_cells_and_name_the_extremes():
    grid = _grid(
        [
            {
                "init": "a",
                "init_label": "A",
                "activation": "x",
                "activation_label": "X",
                "forward_log10": 0.5,
                "forward_status": "ok",
            },
            {
                "init": "a",
                "init_label": "A",
                "activation": "y",
                "activation_label": "Y",
                "forward_log10": -3.0,
                "forward_status": "ok",
            },
            {
                "init": "b",
                "init_label": "B",
                "activation": "x",
                "activation_label": "X",
                "forward_log10": 12.0,
                "forward_status": "ok",
            },
            {
                "init": "b",
                "init_label": "B",
                "activation": "y",
                "activation_label": "Y",
                "forward_log10": -math.inf,
                "forward_status": "dead",
            },
        ]
    )
    counts, best, extremes = describe_travel(grid, 10, 32)
    assert counts.startswith("Over 10 layers of width 32, 1 of 4 cells keep the activation variance")
    assert "and 4 keep the gradient's" in counts
    assert "1 of the 4 are healthy (outlined)" in counts
    assert best == "Most activations healthy: A (1 of 2)."
    assert "B with X multiplies the variance by $10^{+12.0}$; A with Y by $10^{-3.0}$" in extremes


def test_a_pair_sentence_gives_both_ratios_per_layer_and_a_verdict():
    cell = _grid(
        [
            {
                "init": "a",
                "init_label": "A",
                "activation": "x",
                "activation_label": "X",
                "forward_log10": -9.0,
                "forward_status": "ok",
            }
        ]
    ).iloc[0]
    text = describe_travel_pair(cell, 10)
    assert text.startswith(
        "A with X: the activation variance at layer 10 is $10^{-9.0}$ (×0.1 per layer: vanishing)"
    )
    assert "the gradient variance at layer 1 is $10^{0.0}$ (×1 per layer: kept) times layer 10's" in text
    assert text.endswith("Not healthy: the activation variance vanishes.")
    dead = cell.copy()
    dead["forward_status"], dead["forward_log10"] = "dead", -math.inf
    assert "is exactly 0 times layer 1's" in describe_travel_pair(dead, 10)


def test_the_standard_normal_sentences_split_exploding_from_saturating_activations():
    grid = _grid(
        [
            {
                "init": "standard_normal",
                "activation": "relu",
                "activation_label": "ReLU",
                "forward_log10": 40.1,
                "forward_status": "ok",
            },
            {
                "init": "standard_normal",
                "activation": "tanh",
                "activation_label": "tanh",
                "forward_log10": 0.0,
                "forward_status": "ok",
                "backward_log10": 17.8,
                "saturated_fraction": 0.85,
            },
            {
                "init": "he_normal",
                "activation": "relu",
                "activation_label": "ReLU",
                "forward_log10": 0.1,
                "forward_status": "ok",
            },
        ]
    )
    fan, grows, bounded, gradient = describe_standard_normal_row(grid, 20, 256)
    assert "sums 256 products" in fan and "std ≈ 16" in fan
    assert (
        grows == "Over 20 layers the activation variance grows by $10^{+40.1}$ for 1 of 2 activations (ReLU)."
    )
    assert bounded.startswith("tanh stay within one decade")
    assert "tanh 85%" in bounded and bounded.endswith("A flat variance is not a healthy network.")
    assert "$10^{+17.8}$ times layer 20's for tanh" in gradient
    assert describe_standard_normal_row(grid[grid["init"] == "he_normal"], 20, 256) == []


def test_a_flat_but_saturated_cell_is_called_saturated_not_healthy():
    cell = _grid(
        [
            {
                "init": "standard_normal",
                "init_label": "N(0, 1)",
                "activation": "tanh",
                "activation_label": "tanh",
                "forward_log10": 0.0,
                "forward_status": "ok",
                "saturated_fraction": 0.85,
            }
        ]
    )
    text = describe_travel_pair(cell.iloc[0], 20)
    assert "healthy" not in text.replace("Not healthy", "")
    assert text.endswith("Not healthy: 85% of layer 20's unit-inputs are saturated (|f′| < 0.01).")
    counts = describe_travel(cell, 20, 256)[0]
    assert "0 of the 1 are healthy" in counts and "1 keep a flat activation variance only because" in counts
