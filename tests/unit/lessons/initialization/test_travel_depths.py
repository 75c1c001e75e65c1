"""Every depth of the heatmaps from one forward pass per network: the same numbers as a separate
run at each depth, exploded and dead networks included."""

import pandas as pd
import pytest

from explainer.expressions import parse_activation
from explainer.lessons.initialization.travel import variance_travel, variance_travel_depths


def _at(grids: pd.DataFrame, depth: int) -> pd.DataFrame:
    return grids[grids["depth"] == depth].drop(columns="depth").reset_index(drop=True)


@pytest.mark.parametrize("width", [16, 48])
def test_every_depth_of_the_sweep_equals_its_own_run_exactly(width):
    depths = [1, 2, 5, 13, 40]
    grids = variance_travel_depths(depths, width, batch=32, seed=3)
    assert sorted(grids["depth"].unique()) == depths
    for depth in depths:
        pd.testing.assert_frame_equal(
            _at(grids, depth), variance_travel(depth, width, batch=32, seed=3), check_exact=True
        )


def test_a_network_that_explodes_partway_matches_at_depths_before_and_after_the_explosion():
    # exp(exp(x)) with N(0, 1) weights leaves float64 within a few layers.
    typed = parse_activation("exp(exp(x))")
    depths = [1, 2, 3, 4, 8, 30]
    kwargs = {
        "initializers": ["standard_normal", "he_normal", "small_normal"],
        "activations": [typed, "relu", "tanh"],
    }
    grids = variance_travel_depths(depths, 32, batch=16, **kwargs)
    statuses = set(grids["forward_status"])
    assert {"ok", "exploded"} <= statuses, statuses
    for depth in depths:
        pd.testing.assert_frame_equal(
            _at(grids, depth), variance_travel(depth, 32, batch=16, **kwargs), check_exact=True
        )


def test_depths_are_checked():
    with pytest.raises(ValueError):
        variance_travel_depths([], 16)
    with pytest.raises(ValueError):
        variance_travel_depths([0, 3], 16)
    with pytest.raises(ValueError):
        variance_travel_depths([3, 10**7], 16)
