"""Section 2: sigmoid's first layers get a vanishing share of the gradient, ReLU's and tanh's do not."""

from explainer.lessons.training.gradients import gradient_comparison
from explainer.lessons.training.scenes import PRESETS


def test_gradient_comparison_shows_sigmoid_vanishing_and_relu_not():
    comparison = gradient_comparison("circles", steps=100)
    s = comparison.summary.set_index("run")
    assert s.loc["sigmoid", "first_over_last"] < 1e-3 < s.loc["ReLU", "first_over_last"]
    assert set(comparison.layers["run"]) == {"sigmoid", "ReLU"}
    assert "1/" in comparison.sentences[0]


def test_preset_deep_sigmoid_vanishes_while_tanh_and_relu_stay_within_a_small_factor():
    settings = PRESETS["deep_sigmoid"]["settings"]
    comparison = gradient_comparison(
        "circles",
        settings["activations"],
        (32,) * settings["depth"],
        settings["init"],
        steps=settings["steps"],
    )
    s = comparison.summary.set_index("run")
    assert s.loc["sigmoid", "first_over_last"] < 1e-4
    assert 0.05 < s.loc["tanh", "first_over_last"] < 20 and 0.05 < s.loc["ReLU", "first_over_last"] < 20
