"""The playground's sentences, written from a playground's numbers: the loss, where the gradient
fades (deep sigmoid), dead units (ReLU at learning rate 3), divergence, and the scenes' texts."""

import math

import pandas as pd
import pytest

from explainer.lessons import playground as lesson
from explainer.nn.playground import Playground, PlaygroundSettings
from explainer.ui import playground as page


def _stats(norms, dead=None):
    n = len(norms)
    return pd.DataFrame({"layer": range(1, n + 1), "grad_norm": norms, "dead_fraction": dead or [0.0] * n})


def test_the_loss_sentence_gives_both_losses_and_chance():
    text = lesson.loss_sentence(0.6931, 0.7, 250, 10)
    assert "After 250 updates (epoch 10)" in text and "0.693 nats" in text and "0.700" in text
    assert "coin toss." in text and "not yet learned" in text
    assert "not yet" not in lesson.loss_sentence(0.1, 0.2, 250, 10)
    assert lesson.loss_sentence(0.8, 0.8, 0, 0).startswith("Before any update")


def test_the_fade_sentence_says_layer_ones_share_of_the_output_layers_gradient():
    text = lesson.fade_sentence(_stats([1e-5, 1e-3, 0.1]), steps=10)
    assert "Layer 1's gradient norm is 1.0e-04 of the output layer's" in text
    assert "4.0 decades lost" in text
    assert "reaches the input" in lesson.fade_sentence(_stats([0.05, 0.1]), steps=10)
    assert "exactly 0" in lesson.fade_sentence(_stats([0.0, 0.1]), steps=10)
    assert "Press play" in lesson.fade_sentence(_stats([0.0, 0.0]), steps=0)
    assert "No hidden layer" in lesson.fade_sentence(_stats([0.3]), steps=3)


def test_deep_sigmoid_loses_decades_of_gradient_on_the_way_to_the_input():
    pg = Playground(PlaygroundSettings(activation="sigmoid", hidden=(6,) * 8, learning_rate=0.1))
    text = lesson.fade_sentence(pg.step(20), pg.steps)
    ratio = pg.statistics()["grad_norm"].iloc[0] / pg.statistics()["grad_norm"].iloc[-1]
    assert ratio < 1e-3 and "decades lost" in text


def test_relu_at_learning_rate_3_is_said_to_have_dead_units():
    pg = Playground(PlaygroundSettings(activation="relu", learning_rate=3.0))
    text = lesson.dead_sentence(pg.step(300), pg.settings.hidden)
    assert "of 6 hidden units are dead" in text and "Hidden layer 2 is dead whole" in text
    assert "Every hidden unit" in lesson.dead_sentence(_stats([0.0, 0.0, 0.0], [1.0, 1.0, 0.0]), (4, 2))
    assert lesson.dead_sentence(_stats([0.1, 0.1, 0.1]), (4, 2)) is None
    assert "layer 2: 1 of 2" in lesson.dead_sentence(_stats([0.1, 0.1, 0.1], [0.0, 0.5, 0.0]), (4, 2))


def test_divergence_is_said_in_words_with_the_learning_rate():
    features = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin_x1", "sin_x2")
    pg = Playground(
        PlaygroundSettings(activation="leaky_relu", hidden=(8,) * 4, learning_rate=10.0, features=features)
    )
    pg.step(300)
    assert pg.diverged_at is not None
    text = lesson.divergence_sentence(pg.message, 10.0)
    assert text.startswith("**Training stopped.** Diverged at update") and "learning rate is 10 now" in text
    assert lesson.divergence_sentence(None, 0.03) is None


@pytest.mark.parametrize("name", page.SCENES)
def test_every_scene_has_a_label_a_description_and_engine_settings(name):
    assert lesson.SCENE_LABELS[name] and lesson.SCENE_DESCRIPTIONS[name]
    chosen = {p.key: p.default for p in page.PARAMS.values()} | page.SCENES[name]
    assert isinstance(page.settings_of(chosen), PlaygroundSettings)


def test_linear_cant_do_xor_stays_at_chance():
    chosen = {p.key: p.default for p in page.PARAMS.values()} | page.SCENES["linear_cant_do_xor"]
    pg = Playground(page.settings_of(chosen))
    pg.step(500)
    assert pg.loss()[0] == pytest.approx(math.log(2), abs=0.03)
