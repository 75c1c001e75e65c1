"""The MLP page's cost model: the train split, the epoch budget and the warning when it cuts."""

import pytest

from explainer.lessons.mlp import budget as mlp_budget
from explainer.lessons.mlp.budget import budgeted_epochs, epoch_budget, train_size, training_seconds


@pytest.mark.parametrize(("n", "train"), [(100, 75), (101, 75), (500, 375), (2000, 1500)])
def test_the_train_split_rounds_the_test_set_up_as_scikit_learn_does(n, train):
    assert train_size(n) == train


def test_the_cost_counts_width_and_batch_not_only_steps():
    # One step per epoch (150 training points, batch 256) through 3 layers, for 100 epochs: the
    # wider net costs 0.8 ns more per example per extra weight, on every step.
    narrow, wide = (training_seconds(1, 2, 200, 256, 100, width) for width in (16, 64))
    extra = 100 * 3 * mlp_budget.SECONDS_PER_EXAMPLE_WEIGHT * 256 * (64**2 - 16**2)
    assert wide - narrow == pytest.approx(extra)
    # The same examples in smaller batches: more steps, each with its fixed cost.
    assert training_seconds(1, 2, 500, 8, 100, 16) > 2 * training_seconds(1, 2, 500, 64, 100, 16)
    assert training_seconds(4, 2, 500, 64, 200, 16) == pytest.approx(
        4 * training_seconds(1, 2, 500, 64, 200, 16)
    )


def test_the_budget_is_a_multiple_of_ten_at_least_ten_within_the_seconds_allowed(monkeypatch):
    budget = epoch_budget(4, 6, 1000, 32, 64)
    assert budget % 10 == 0 and budget >= 10
    assert training_seconds(4, 6, 1000, 32, budget, 64) <= mlp_budget.SECONDS_BUDGET
    assert training_seconds(4, 6, 1000, 32, budget + 10, 64) > mlp_budget.SECONDS_BUDGET
    monkeypatch.setattr(mlp_budget, "SECONDS_BUDGET", 1e-3)
    assert epoch_budget(4, 6, 1000, 32, 64) == 10  # the floor, even where 10 epochs are over budget


def test_a_setting_within_the_budget_keeps_its_epochs_and_one_beyond_is_cut_with_a_warning(monkeypatch):
    assert budgeted_epochs(4, 2, 500, 64, 200, 16) == (200, None)
    monkeypatch.setattr(mlp_budget, "SECONDS_BUDGET", 0.1)
    budget = epoch_budget(4, 1, 100, 64, 4)
    epochs, warning = budgeted_epochs(4, 1, 100, 64, 100, 4)
    assert epochs == budget < 100
    assert warning.startswith("100 epochs of this setting would take about ")
    assert f"so each net trains for {budget} epochs (about " in warning
