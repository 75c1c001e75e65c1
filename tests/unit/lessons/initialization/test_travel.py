"""The initialization page's numbers: healthy and unhealthy heatmap cells, their curves, biases,
why not N(0, 1), and shortcuts that change no cell."""

import numpy as np
import pytest

from explainer.lessons.initialization.travel import (
    bias_comparison,
    standard_normal_story,
    variance_travel,
    variance_travel_curve,
)
from explainer.nn import engine
from explainer.nn.statistics import HEALTHY_SATURATION


def test_variance_travel_marks_healthy_cells_and_computes_equal_initializers_once():
    grid = variance_travel(
        depth=10,
        width=64,
        batch=64,
        initializers=["standard_normal", "he_normal", "glorot_normal", "lecun_normal"],
        activations=["relu", "tanh"],
    ).set_index(["init", "activation"])
    assert len(grid) == 8
    np.testing.assert_array_equal(
        grid.loc["glorot_normal"]["forward_log10"], grid.loc["lecun_normal"]["forward_log10"]
    )
    assert grid.loc[("he_normal", "relu"), "forward_healthy"]
    assert not grid.loc[("standard_normal", "relu"), "forward_healthy"]
    assert grid.loc[("standard_normal", "relu"), "forward_log10"] > 10
    kept = (grid["forward_log10"].abs() <= 1.0) & (grid["saturated_fraction"] < HEALTHY_SATURATION)
    assert (grid["forward_healthy"] == kept).all()
    assert (grid["healthy"] == (grid["forward_healthy"] & grid["backward_healthy"])).all()


@pytest.mark.parametrize(("depth", "width"), [(20, 256), (10, 64)])
def test_a_saturated_or_exploding_network_is_not_healthy_and_he_relu_still_is(depth, width):
    grid = variance_travel(
        depth,
        width,
        256,
        initializers=["standard_normal", "he_normal"],
        activations=["tanh", "relu", "hard_tanh"],
    ).set_index(["init", "activation"])
    saturated = grid.loc[("standard_normal", "tanh")]
    # Its activation variance stays flat: only the saturation (and the exploding gradient) tell.
    assert abs(saturated["forward_log10"]) <= 1.0 and saturated["saturated_fraction"] > HEALTHY_SATURATION
    assert not saturated["forward_healthy"] and not saturated["healthy"]
    assert not grid.loc[("standard_normal", "hard_tanh"), "healthy"]
    he_relu = grid.loc[("he_normal", "relu")]
    assert he_relu["healthy"] and he_relu["saturated_fraction"] == 0.0  # ReLU's off half is not saturation
    assert not grid.loc[("he_normal", "hard_tanh"), "healthy"]  # its gradient grows > 10× in variance


def test_variance_travel_curve_starts_at_zero_and_ends_at_zero():
    curve = variance_travel_curve("he_normal", "relu", depth=8, width=64, batch=32)
    assert curve["forward_log10"].iloc[0] == 0.0
    assert curve["backward_log10"].iloc[-1] == 0.0


def test_pytorch_biases_kill_more_relu_units_than_zero_biases_when_the_signal_fades():
    table = bias_comparison("relu", "torch_linear_default", depth=10, width=256, batch=256)
    last = table[table["layer"] == 10].set_index("bias")
    assert last.loc["torch_uniform", "dead_unit_fraction"] > last.loc["zeros", "dead_unit_fraction"] + 0.2
    assert last.loc["constant", "preact_mean"] > 0


def test_why_not_standard_normal_shows_relu_exploding_and_tanh_saturating():
    story = standard_normal_story(["relu", "tanh"], depth=10, width=256, batch=64).set_index(
        ["activation", "init"]
    )
    relu = story.loc[("relu", "standard_normal")]
    tanh = story.loc[("tanh", "standard_normal")]
    assert relu.preact_std_1 == pytest.approx(16.0, rel=0.05)
    assert relu.activation_std_last > 1e8
    assert tanh.saturated_last > 0.5
    assert f"{tanh.saturated_last:.0%}" in tanh.sentence


# --- shortcuts that change no cell -------------------------------------------------------------


@pytest.mark.parametrize(("depth", "width"), [(6, 32), (100, 16)])
def test_variance_travel_shortcuts_and_threads_give_exactly_the_cells_of_direct_runs(
    monkeypatch, depth, width
):
    kwargs = dict(
        depth=depth,
        width=width,
        batch=16,
        initializers=["small_normal", "lecun_normal", "he_uniform", "standard_normal", "orthogonal"],
        activations=["identity", "relu", "leaky_relu", "tanh"],
    )
    fast = variance_travel(**kwargs)
    # Direct: every (initializer, activation) network run on its own, one thread.
    monkeypatch.setattr(engine, "_HOMOGENEOUS", frozenset())
    direct = variance_travel(**kwargs, workers=1)
    for column in ("forward_status", "backward_status", "forward_healthy", "backward_healthy", "healthy"):
        assert fast[column].tolist() == direct[column].tolist()
    np.testing.assert_array_equal(fast["saturated_fraction"], direct["saturated_fraction"])
    for column in ("forward_log10", "backward_log10"):
        np.testing.assert_allclose(fast[column], direct[column], rtol=1e-9, atol=1e-9)


def test_a_heatmap_cell_is_the_network_of_its_curve():
    grid = variance_travel(
        8, 32, 16, initializers=["he_normal", "small_normal"], activations=["relu", "gelu"]
    )
    for cell in grid.itertuples():
        curve = variance_travel_curve(cell.init, cell.activation, 8, 32, 16)
        assert cell.forward_log10 == pytest.approx(curve["forward_log10"].iloc[-1], abs=1e-9)
        assert cell.backward_log10 == pytest.approx(curve["backward_log10"].iloc[0], abs=1e-9)
