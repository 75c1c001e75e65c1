"""Section 1: a minibatch gradient's error falls as 1/√b; the batch-size race gives every run the
same examples."""

import numpy as np
import pytest

from explainer.lessons.training.minibatch import (
    batch_size_race,
    describe_minibatch_error,
    minibatch_gradient_error,
    minibatch_state,
)
from explainer.nn.model import initial_state


@pytest.mark.parametrize("trained", [False, True], ids=["at initialization", "after training"])
def test_minibatch_gradient_error_falls_as_one_over_root_b(trained):
    state = minibatch_state("circles", trained=trained)
    frame = minibatch_gradient_error("circles", state, trials=200)
    slope = frame["fitted_slope"].iloc[0]
    assert -0.6 <= slope <= -0.4
    # The law from the per-example variance predicts the measured error within 25% from b = 8 on;
    # below that, after training, a few misfit points dominate the variance and 200 draws of one
    # example rarely hit them.
    large = frame[frame["batch_size"] >= 8]
    np.testing.assert_allclose(large["relative_error"], large["law"], rtol=0.25)
    assert frame["cosine"].iloc[-1] > frame["cosine"].iloc[0]
    assert list(frame.columns) == [
        "batch_size",
        "trials",
        "relative_error",
        "cosine",
        "law",
        "examples_per_step",
        "seconds_per_step",
        "fitted_slope",
    ]
    assert f"b to the power {slope:.2f}".replace("-", "−") in describe_minibatch_error(frame)


def test_minibatch_error_refuses_batch_size_one_with_batch_norm():
    state = initial_state("relu", (4,), "he_normal", batchnorm=True)
    with pytest.raises(ValueError, match="at least 2"):
        minibatch_gradient_error("circles", state, (1, 4), trials=5)


def test_batch_size_race_processes_the_same_examples_in_every_run():
    race = batch_size_race("circles", examples=480)
    assert race.summary["steps"].tolist() == [480, 30, 3, 2]
    assert race.summary["run"].iloc[-1] == "full batch (240)"
    slowest = race.summary["final_loss"].idxmax()
    assert race.summary.loc[slowest, "examples_to_target"] <= 480
    assert race.curves.groupby("run")["examples"].max().le(480).all()


@pytest.mark.parametrize("learning_rate", [0.001, 10.0])
def test_batch_size_race_writes_finite_sentences_at_extreme_learning_rates(learning_rate):
    race = batch_size_race("circles", examples=1200, learning_rate=learning_rate)
    assert race.sentences[0].startswith("Every run")
    assert not any("nan" in s or "inf" in s for s in race.sentences)
