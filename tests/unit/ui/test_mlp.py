"""The MLP page's PARAMS and scenes: inside scikit-learn's limits, the defaults fit_mlps' own, every
preset a scene the widgets can show, and every corner of the widgets within the time budget."""

import math

import pytest

from explainer import ui
from explainer.lessons.mlp import budget as mlp_budget
from explainer.sklearn_mlp import DEFAULTS, LIMITS, PRESETS, SKLEARN_ACTIVATIONS
from explainer.ui import mlp as page

PARAMS = page.PARAMS


def test_the_widgets_ranges_stay_inside_the_librarys_limits():
    for key, limit in (("n", "n_samples"), ("depth", "depth"), ("width", "width"), ("epochs", "epochs")):
        assert LIMITS[limit][0] <= PARAMS[key].low and PARAMS[key].high <= LIMITS[limit][1], key
    assert (min(PARAMS["lr"].options), max(PARAMS["lr"].options)) == LIMITS["learning_rate"]
    assert LIMITS["noise"] == (PARAMS["noise"].low, PARAMS["noise"].high)
    assert set(PARAMS["act"].options) == set(SKLEARN_ACTIVATIONS)


def test_the_learning_rates_are_log_spaced_and_written_as_a_link_writes_them():
    rates = PARAMS["lr"].options
    assert list(rates) == sorted(rates) and len(rates) == 21
    assert 0.05 in rates and 0.3 in rates and all(float(f"{r:g}") == r for r in rates)


def test_the_defaults_are_fit_mlps_own():
    assert {
        key: value for key, value in ui.defaults(PARAMS.values()).items() if key != "grads"
    } == page.scene(DEFAULTS)
    assert PARAMS["noise"].default == 0.1  # circles' own noise, for DEFAULTS' noise=None


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_scene_on_the_widgets_steps(name):
    scene = page.SCENES[name]
    assert set(scene) <= set(PARAMS) and page.SCENE_LABELS[name] == PRESETS[name]["label"]
    assert scene["batch"] in page.batch_choices(scene["n"])["options"]
    for key in ("noise", "n", "epochs"):
        low, step = PARAMS[key].low, PARAMS[key].step
        assert math.isclose((scene[key] - low) / step, round((scene[key] - low) / step)), key


def test_a_preset_the_widgets_cannot_show_is_refused_with_what_it_asks_for():
    with pytest.raises(ValueError, match=r"one width; the settings ask for \(16, 8\)"):
        page.scene({**DEFAULTS, "hidden_layers": (16, 8)})
    with pytest.raises(ValueError, match=r"keeps test_fraction at 0\.25; got 0\.5"):
        page.scene({**DEFAULTS, "test_fraction": 0.5})


def test_the_batch_choices_never_exceed_the_training_set():
    choices = page.batch_choices(PARAMS["n"].low)  # 100 points, 75 to train on
    assert choices["options"] == [8, 16, 32, 64] and choices["default"] == 64
    assert choices["help"] == "Up to the 75 training points."
    assert page.batch_choices(PARAMS["n"].high)["options"] == list(PARAMS["batch"].options)


def test_the_page_caches_are_bounded():
    assert page.comparison._info.max_entries == page.COMPARISON_CACHE_ENTRIES <= 32


# Every corner of the widgets' box (points, layers, units, batch) with all four activations.
CORNERS = [
    (n, depth, width, batch)
    for n in (PARAMS["n"].low, PARAMS["n"].high)
    for depth in (PARAMS["depth"].low, PARAMS["depth"].high)
    for width in (PARAMS["width"].low, PARAMS["width"].high)
    for batch in PARAMS["batch"].options
]


@pytest.mark.parametrize(("n", "depth", "width", "batch"), CORNERS)
def test_the_epoch_budget_keeps_every_corner_of_the_widgets_within_the_time_budget(n, depth, width, batch):
    budget = mlp_budget.epoch_budget(4, depth, n, batch, width)
    seconds = mlp_budget.training_seconds(4, depth, n, batch, budget, width)
    # The floor of 10 epochs may exceed the budget only where 10 epochs are themselves over it.
    assert seconds <= mlp_budget.SECONDS_BUDGET or budget == 10


def test_every_slider_at_its_maximum_is_cut_and_the_defaults_never_are():
    # Every slider at its maximum (2,000 points, 12 layers of 64, batch 512, 1,000 epochs) was
    # estimated at 22 s by a model that counted steps only; it measured 162 s.
    n, depth, width, epochs = (PARAMS[key].high for key in ("n", "depth", "width", "epochs"))
    assert mlp_budget.training_seconds(4, depth, n, 512, epochs, width) > 120
    assert mlp_budget.epoch_budget(4, depth, n, 512, width) < epochs
    assert mlp_budget.epoch_budget(4, 2, 500, 64, 16) >= epochs
