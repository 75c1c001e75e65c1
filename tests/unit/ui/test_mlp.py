"""The MLP page's PARAMS and scenes: inside scikit-learn's limits, the defaults fit_mlps' own, every
preset a scene the widgets can show, and every corner of the widgets within the time budget."""

import math

import pandas as pd
import pytest

from explainer import ui
from explainer.lessons.mlp import budget as mlp_budget
from explainer.sklearn_mlp import DEFAULTS, LIMITS, PRESETS, SKLEARN_ACTIVATIONS
from explainer.ui import mlp as page
from tests.pages.conftest import trainings_counted

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


def test_a_change_of_the_activations_alone_trains_only_the_nets_it_adds(monkeypatch):
    """The nets are kept one by one (``NETS``): taking an activation away trains nothing, adding
    one trains that net alone, and each comparison equals ``fit_mlps`` of its activations."""
    import inspect

    from explainer import sklearn_mlp
    from explainer.ui import remembered

    remembered.clear_all()
    comparison = inspect.unwrap(page.comparison, stop=lambda f: hasattr(f, "store_name"))
    common = dict(dataset="moons", depth=1, width=4, solver="adam", learning_rate=0.01, batch_size=32,
                  epochs=8, n_samples=100, noise=0.2, seed=1)  # fmt: skip
    fit = {**{k: v for k, v in common.items() if k not in ("depth", "width")}, "hidden_layers": (4,)}
    asked = [("sigmoid", "relu"), ("relu",), ("tanh", "relu", "sigmoid")]
    expected = {activations: sklearn_mlp.fit_mlps(activations=activations, **fit) for activations in asked}
    trained = trainings_counted(monkeypatch)

    def same(got, activations):
        for name in ("history", "updates", "dead", "gradients", "grid"):
            pd.testing.assert_frame_equal(
                getattr(got, name), getattr(expected[activations], name), check_exact=True
            )
        assert (
            got.settings == expected[activations].settings and got.messages == expected[activations].messages
        )

    same(comparison(activations=("sigmoid", "relu"), **common), ("sigmoid", "relu"))
    assert trained == [("sigmoid", "relu")]
    same(comparison(activations=("relu",), **common), ("relu",))
    assert trained == [("sigmoid", "relu")]  # taken away: nothing trained
    same(comparison(activations=("tanh", "relu", "sigmoid"), **common), ("tanh", "relu", "sigmoid"))
    assert trained == [("sigmoid", "relu"), ("tanh",)]  # added: that net alone
    # Another setting is other nets.
    comparison(activations=("relu",), **{**common, "seed": 2})
    assert trained[-1] == ("relu",) and len(trained) == 3


def test_the_nets_of_a_comparison_shown_are_split_from_it_only_when_the_activations_change(monkeypatch):
    """A scene read from the store on a fresh server is noted as shown, not split (a split on
    every comparison read would cost each of them tens of milliseconds); taking an activation
    away afterwards takes the nets from it, with no training, equal to fit_mlps of the rest."""
    import inspect

    from explainer import sklearn_mlp
    from explainer.ui import remembered

    remembered.clear_all()
    settings = dict(dataset="moons", activations=("identity", "tanh", "relu"), depth=1, width=4, solver="adam",
                    learning_rate=0.01, batch_size=32, epochs=5, n_samples=100, noise=0.2, seed=1)  # fmt: skip
    fit = dict(dataset="moons", hidden_layers=(4,), learning_rate=0.01, batch_size=32, epochs=5, n_samples=100,
               noise=0.2, seed=1)  # fmt: skip
    whole = sklearn_mlp.fit_mlps(activations=("identity", "tanh", "relu"), **fit)
    expected = sklearn_mlp.fit_mlps(activations=("relu", "identity"), **fit)
    splits = []
    real_split = sklearn_mlp.split_comparison
    monkeypatch.setattr(sklearn_mlp, "split_comparison", lambda c: splits.append(c) or real_split(c))
    monkeypatch.setattr(sklearn_mlp, "fit_mlps_stream", lambda *a, **k: pytest.fail(f"trained {k}"))
    page.note_shown(whole, settings)
    assert splits == []
    comparison = inspect.unwrap(page.comparison, stop=lambda f: hasattr(f, "store_name"))
    fewer = comparison(**{**settings, "activations": ("relu", "identity")})
    assert len(splits) == 1
    for name in ("history", "updates", "dead", "gradients", "grid"):
        pd.testing.assert_frame_equal(getattr(fewer, name), getattr(expected, name), check_exact=True)
    assert fewer.messages == expected.messages
    comparison(**{**settings, "activations": ("tanh",)})
    assert len(splits) == 1  # its nets are kept since
