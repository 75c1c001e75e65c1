"""Section 3: a too-high learning rate kills ReLU units and no Leaky ReLU one; dead units, their
lines on the plane, and revivals."""

import math

import numpy as np
import pandas as pd
import pytest

from explainer.lessons.training.dying import PLANE_LIMIT, _revival_sentence, dead_units, dying_relu
from explainer.lessons.training.runs import _dead_share
from explainer.lessons.training.scenes import PRESETS
from explainer.nn.loop import TrainingRun
from explainer.nn.model import training_data

from .fake_runs import fake_parts, fake_run


def test_dying_relu_refuses_two_equal_learning_rates():
    with pytest.raises(ValueError, match="The two learning rates are the same"):
        dying_relu("circles", learning_rate=0.1, high_learning_rate=0.1, steps=10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_high_learning_rate_kills_more_relu_units_and_leaky_relu_none(seed):
    dying = dying_relu("circles", seed=seed)
    normal, high, leaky = dying.comparison.runs.values()
    assert _dead_share(high) > _dead_share(normal) + 0.3
    assert (leaky.layers["dead_fraction"] == 0).all()


def test_dead_first_layer_units_have_every_training_point_on_their_inactive_side():
    dying = dying_relu("circles")
    high = list(dying.comparison.runs)[1]
    state = dying.comparison.runs[high].state
    X = training_data("circles").X_train
    z = X @ state.weights[0] + state.biases[0]
    lines = dying.lines[dying.lines["run"] == high]
    for row in lines.itertuples():
        assert row.dead == bool(np.all(z[:, row.unit - 1] <= 0))
    box = lines[["x0_start", "x1_start", "x0_end", "x1_end"]].abs().to_numpy()
    assert (box <= PLANE_LIMIT + 1e-12).all()
    assert dying.plane["active_share"].between(0, 1).all()


def test_dead_units_revive_only_beyond_layer_one_and_the_sentence_counts_them():
    dying = dying_relu("circles", high_learning_rate=3.0)
    high = dying.comparison.runs["ReLU, learning rate 3"]
    counts = dead_units(high).set_index("step")
    falls = (-counts.diff()).clip(lower=0).fillna(0)
    # Layer 1 sees the fixed data: a unit dead there gets no gradient and never comes back.
    for run in dying.comparison.runs.values():
        assert (dead_units(run).set_index("step")[1].diff().dropna() >= 0).all()
    revived = int(falls.to_numpy().sum())
    assert revived > 0 and falls[1].sum() == 0
    [sentence] = [line for line in dying.sentences if line.startswith("**ReLU, learning rate 3**")]
    assert f"came back at least {revived} times" in sentence
    assert "no update can revive" not in " ".join(dying.sentences)
    start = counts.iloc[0].sum() / sum(high.settings["hidden_layers"])
    assert f"against {start:.0%} at step 0" in sentence


def test_a_run_whose_dead_count_never_falls_claims_no_revival():
    run = fake_run([1.0, 0.9, 0.8])
    widths = run.settings["hidden_layers"]
    layers = pd.DataFrame({"step": [0, 1, 2], "layer": 1, "dead_fraction": [0.0, 0.25, 0.5]})
    assert widths == (4,)
    assert _revival_sentence(TrainingRun(run.settings, run.history, layers, *fake_parts(run))) == ""
    layers["dead_fraction"] = [0.5, 0.25, 0.75]
    said = _revival_sentence(TrainingRun(run.settings, run.history, layers, *fake_parts(run)))
    assert "came back at least 1 time," in said and "from 50% at step 0 to 25% at step 1" in said


def test_plane_sentences_count_every_dead_first_layer_unit_not_only_the_drawn_lines():
    dying = dying_relu("circles", high_learning_rate=5.0)
    for name, run in dying.comparison.runs.items():
        last = run.layers[(run.layers["step"] == run.layers["step"].max()) & (run.layers["layer"] == 1)]
        dead = round(float(last["dead_fraction"].iloc[0]) * run.settings["hidden_layers"][0])
        [sentence] = [line for line in dying.plane_sentences if line.startswith(f"**{name}**")]
        assert f"{dead} of the {run.settings['hidden_layers'][0]} first-layer units are dead" in sentence
    # At learning rate 5 most dead units' lines lie outside the panel: the count must not shrink to the drawn ones.
    high = dying.lines[dying.lines["run"] == "ReLU, learning rate 5"]
    assert int(high["dead"].sum()) < dead_first_layer(dying.comparison.runs["ReLU, learning rate 5"])


def dead_first_layer(run: TrainingRun) -> int:
    return int(dead_units(run).iloc[-1][1])


def test_preset_relu_massacre_kills_nearly_every_relu_unit_and_no_leaky_one():
    dying = dying_relu(
        "circles", high_learning_rate=PRESETS["relu_massacre"]["settings"]["high_learning_rate"]
    )
    s = dying.comparison.summary.set_index("run")
    assert s.loc["ReLU, learning rate 5", "dead_fraction"] > 0.9
    assert s.loc["ReLU, learning rate 5", "final_loss"] == pytest.approx(math.log(2), abs=0.01)
    assert s.loc["Leaky ReLU, learning rate 5", "dead_fraction"] == 0
