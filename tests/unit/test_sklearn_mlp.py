"""The scikit-learn comparison: the claims it shows, its bookkeeping, and its handling of bad input."""

import inspect
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from explainer.datasets import DATASETS
from explainer.sklearn_mlp import (
    DEFAULTS,
    GRID_SIZE,
    LIMITS,
    PRESETS,
    SKLEARN_ACTIVATIONS,
    MLPComparison,
    _forward,
    _initial_weights,
    fit_mlps,
)

# Small settings for bookkeeping tests; the claims below use the defaults or a preset.
SMALL = {"dataset": "moons", "hidden_layers": (8, 8), "epochs": 12, "n_samples": 120, "batch_size": 32}
FRAMES = ("history", "updates", "dead", "gradients", "summary", "grid", "points")


@pytest.fixture(scope="module")
def default_run() -> MLPComparison:
    return fit_mlps()


@pytest.fixture(scope="module")
def small_run() -> MLPComparison:
    return fit_mlps(**SMALL)


@pytest.fixture(scope="module")
def diverging_run() -> MLPComparison:
    # Plain SGD at learning rate 1 blows the linear (identity) net up within a few epochs.
    return fit_mlps(
        "circles", ("identity", "relu"), (16, 16), solver="sgd", learning_rate=1.0, epochs=30, n_samples=200
    )


def _row(result: MLPComparison, key: str) -> pd.Series:
    return result.summary.set_index("activation").loc[key]


# --- the claims ---------------------------------------------------------------------------


def test_on_circles_with_the_defaults_identity_stays_at_chance_while_relu_and_tanh_exceed_095(default_run):
    assert default_run.settings["dataset"] == "circles"
    assert _row(default_run, "identity")["test_accuracy"] <= 0.6
    assert _row(default_run, "relu")["test_accuracy"] >= 0.95
    assert _row(default_run, "tanh")["test_accuracy"] >= 0.95


def test_a_sentence_says_how_far_identity_is_below_chance_on_circles(default_run):
    [sentence] = [m for m in default_run.messages if m.startswith("identity reaches")]
    accuracy, chance = _row(default_run, "identity")["test_accuracy"], default_run.settings["chance_accuracy"]
    assert round(accuracy, 2) < round(chance, 2)
    assert (
        f"{accuracy:.2f} test accuracy on circles, {round(chance - accuracy, 2):.2f} below chance" in sentence
    )
    assert "no straight line separates" in sentence


def test_at_eight_hidden_layers_sigmoids_first_layer_moves_at_least_100_times_less_than_relus():
    settings = {**PRESETS["deep_sigmoid_stalls"]["settings"], "activations": ("sigmoid", "relu")}
    assert settings["hidden_layers"] == (16,) * 8
    result = fit_mlps(**settings)
    sigmoid, relu = _row(result, "sigmoid"), _row(result, "relu")
    assert relu["first_layer_update"] >= 100 * sigmoid["first_layer_update"]
    # The cause, read from the private-API gradients: the sigmoid net's gradient shrinks over a
    # thousandfold from the output layer back to the first, ReLU's by less than tenfold.
    early = result.gradients.loc[result.gradients["epoch"] >= 10, "epoch"].min()
    g = result.gradients[result.gradients["epoch"] == early].pivot(
        index="activation", columns="layer", values="gradient_norm"
    )
    assert g.loc["sigmoid", 9] >= 1000 * g.loc["sigmoid", 1]
    assert g.loc["relu", 9] <= 10 * g.loc["relu", 1]
    # And the consequence the preset promises: sigmoid stalls at chance, ReLU learns.
    assert sigmoid["test_accuracy"] <= 0.6 and relu["test_accuracy"] >= 0.9
    assert any(m.startswith("sigmoid stalls") for m in result.messages)


def test_dying_relu_preset_kills_at_least_30_points_more_units_than_the_default_learning_rate():
    settings = PRESETS["dying_relu"]["settings"]
    high = _row(fit_mlps(**settings), "relu")
    normal = _row(fit_mlps(**{**settings, "learning_rate": DEFAULTS["learning_rate"]}), "relu")
    assert settings["learning_rate"] > DEFAULTS["learning_rate"]
    assert high["dead_fraction"] >= high["dead_fraction_initial"] + 0.3
    assert high["dead_fraction"] >= normal["dead_fraction"] + 0.3


def test_a_nets_results_do_not_depend_on_which_other_activations_train_beside_it(default_run):
    pair = fit_mlps(**PRESETS["linear_vs_nonlinear"]["settings"])
    for key in ("identity", "relu"):
        pd.testing.assert_frame_equal(
            pair.history[pair.history["activation"] == key].reset_index(drop=True),
            default_run.history[default_run.history["activation"] == key].reset_index(drop=True),
        )


# --- bookkeeping --------------------------------------------------------------------------


def test_every_net_trains_for_exactly_the_requested_epochs_with_epoch_0_as_initialisation(default_run):
    epochs = DEFAULTS["epochs"]
    for key in DEFAULTS["activations"]:
        h = default_run.history[default_run.history["activation"] == key]
        assert h["epoch"].tolist() == list(range(epochs + 1))
        u = default_run.updates[default_run.updates["activation"] == key]
        assert sorted(set(u["epoch"])) == list(range(1, epochs + 1))
        assert sorted(set(u["layer"])) == [1, 2, 3]
    assert (default_run.summary["epochs"] == epochs).all()
    assert not default_run.summary["diverged"].any()


def test_gradient_norms_are_kept_for_about_fifty_evenly_spaced_epochs(default_run):
    for key in DEFAULTS["activations"]:
        g = default_run.gradients[default_run.gradients["activation"] == key]
        assert sorted(set(g["epoch"])) == list(range(0, DEFAULTS["epochs"] + 1, 4))
        assert sorted(set(g["layer"])) == [1, 2, 3]
        assert (g["gradient_norm"] > 0).all()


def test_same_parameters_give_identical_results(small_run):
    again = fit_mlps(**SMALL)
    for name in FRAMES:
        a, b = getattr(small_run, name), getattr(again, name)
        if name == "summary":
            a, b = a.drop(columns="fit_seconds"), b.drop(columns="fit_seconds")
        pd.testing.assert_frame_equal(a, b)
    assert small_run.messages == again.messages and small_run.settings == again.settings


def test_a_different_seed_gives_a_different_run(small_run):
    other = fit_mlps(**{**SMALL, "seed": 1})
    assert not small_run.history["loss"].equals(other.history["loss"])


def test_history_and_boundary_match_a_plain_mlpclassifier_trained_by_hand(small_run):
    settings = small_run.settings
    train = small_run.points[small_run.points["split"] == "train"]
    X, y = train[["x0", "x1"]].to_numpy(), train["y"].to_numpy()
    model = MLPClassifier(
        hidden_layer_sizes=settings["hidden_layers"],
        activation="tanh",
        solver=settings["solver"],
        alpha=settings["alpha"],
        batch_size=settings["batch_size"],
        learning_rate_init=settings["learning_rate"],
        shuffle=False,
        random_state=settings["seed"],
    )
    rng = np.random.default_rng(settings["seed"])
    for _ in range(settings["epochs"]):
        order = rng.permutation(len(y))
        model.partial_fit(X[order], y[order], classes=[0, 1])
    h = small_run.history[small_run.history["activation"] == "tanh"]
    np.testing.assert_array_equal(h["loss"].to_numpy()[1:], model.loss_curve_)
    grid = small_run.grid[small_run.grid["activation"] == "tanh"]
    proba = model.predict_proba(grid[["x0", "x1"]].to_numpy())[:, 1]
    np.testing.assert_allclose(grid["probability"].to_numpy(), proba, rtol=0, atol=1e-12)


@pytest.mark.parametrize("key", SKLEARN_ACTIVATIONS)
def test_epoch_0_starts_from_scikit_learns_glorot_uniform_weights(key):
    # REFERENCE.md §3: U(±sqrt(f / (fan_in + fan_out))), f = 2 for logistic and 6 otherwise,
    # weights then biases, layer by layer, from RandomState(seed).
    X, y = DATASETS["circles"](60, 0.1, 0)
    params = {
        "hidden_layer_sizes": (5, 3),
        "activation": SKLEARN_ACTIVATIONS[key],
        "solver": "adam",
        "batch_size": 16,
        "learning_rate_init": 0.01,
        "shuffle": False,
        "random_state": 11,
    }
    probe = _initial_weights(params, X, y)
    rs = np.random.RandomState(11)
    factor = 2.0 if key == "sigmoid" else 6.0
    for W, b, (fan_in, fan_out) in zip(
        probe.coefs_, probe.intercepts_, [(2, 5), (5, 3), (3, 1)], strict=True
    ):
        bound = np.sqrt(factor / (fan_in + fan_out))
        np.testing.assert_array_equal(W, rs.uniform(-bound, bound, (fan_in, fan_out)))
        np.testing.assert_array_equal(b, rs.uniform(-bound, bound, fan_out))


@pytest.mark.parametrize("key", SKLEARN_ACTIVATIONS)
def test_epoch_0_loss_is_the_loss_scikit_learn_reports_for_the_initial_weights(key):
    # The probe's single full-batch step reports, as loss_, the loss of the weights before it.
    result = fit_mlps("moons", (key,), (6, 5), epochs=1, n_samples=80, batch_size=16, seed=3)
    train = result.points[result.points["split"] == "train"]
    X, y = train[["x0", "x1"]].to_numpy(), train["y"].to_numpy()
    params = {
        "hidden_layer_sizes": (6, 5),
        "activation": SKLEARN_ACTIVATIONS[key],
        "alpha": result.settings["alpha"],
        "random_state": 3,
        "shuffle": False,
    }
    probe = _initial_weights(params, X, y)
    epoch_0 = result.history.loc[result.history["epoch"] == 0, "loss"].item()
    assert epoch_0 == pytest.approx(probe.loss_, rel=1e-12)


@pytest.mark.parametrize("key", SKLEARN_ACTIVATIONS)
def test_the_forward_pass_from_public_weights_matches_predict_proba(key):
    X, y = DATASETS["xor"](80, 0.05, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((6, 4), activation=SKLEARN_ACTIVATIONS[key], max_iter=30, random_state=0).fit(
            X, y
        )
    _, proba = _forward(key, (model.coefs_, model.intercepts_), X)
    np.testing.assert_allclose(proba, model.predict_proba(X)[:, 1], rtol=0, atol=1e-14)


def test_frames_have_the_documented_columns_and_sizes(small_run):
    r, s = small_run, small_run.settings
    assert list(r.history.columns) == ["activation", "epoch", "loss", "train_accuracy", "test_accuracy"]
    assert list(r.updates.columns) == ["activation", "epoch", "layer", "relative_update"]
    assert list(r.dead.columns) == ["activation", "epoch", "layer", "dead_fraction"]
    assert list(r.gradients.columns) == ["activation", "epoch", "layer", "gradient_norm"]
    assert list(r.grid.columns) == ["activation", "x0", "x1", "probability"]
    assert list(r.points.columns) == ["x0", "x1", "y", "split"]
    assert list(r.summary["activation"]) == list(DEFAULTS["activations"])
    assert len(r.grid) == GRID_SIZE**2 * len(s["activations"])
    assert r.grid["probability"].between(0.0, 1.0).all()
    assert r.points["split"].value_counts().to_dict() == {"train": s["n_train"], "test": s["n_test"]}
    assert s["n_train"] + s["n_test"] == s["n_samples"]
    # Only ReLU has dead units; the grid covers every point.
    assert set(r.dead["activation"]) == {"relu"}
    assert r.grid["x0"].min() < r.points["x0"].min() and r.grid["x1"].max() > r.points["x1"].max()
    assert (r.updates["relative_update"] > 0).all()


def test_progress_rises_monotonically_and_ends_at_exactly_one():
    calls: list[float] = []
    fit_mlps(**SMALL, progress=calls.append)
    assert calls[-1] == 1.0
    assert all(0.0 < f <= 1.0 for f in calls)
    assert all(a < b for a, b in itertools.pairwise(calls))
    assert len(calls) <= 102


def test_progress_reaches_one_when_a_net_diverges_early():
    calls: list[float] = []
    fit_mlps(
        "circles",
        ("identity",),
        (16, 16),
        solver="sgd",
        learning_rate=1.0,
        epochs=30,
        n_samples=200,
        progress=calls.append,
    )
    assert calls[-1] == 1.0 and all(a < b for a, b in itertools.pairwise(calls))


# --- divergence and warnings --------------------------------------------------------------


def test_a_diverging_net_reports_the_epoch_instead_of_nan(diverging_run):
    identity, relu = _row(diverging_run, "identity"), _row(diverging_run, "relu")
    assert identity["diverged"] and not relu["diverged"]
    k = int(identity["diverged_epoch"])
    h = diverging_run.history[diverging_run.history["activation"] == "identity"]
    assert h["epoch"].max() == k - 1 == identity["epochs"]
    assert any(f"identity diverged at epoch {k}" in m for m in diverging_run.messages)
    assert relu["epochs"] == 30


def test_a_diverging_run_contains_no_nan_or_infinity(diverging_run):
    for name in ("history", "updates", "gradients", "grid", "points"):
        numbers = getattr(diverging_run, name).select_dtypes("number").to_numpy()
        assert np.isfinite(numbers).all(), name
    summary = diverging_run.summary
    for column in ("initial_loss", "final_loss", "train_accuracy", "test_accuracy", "first_layer_update"):
        assert np.isfinite(summary[column].to_numpy()).all(), column
    assert not any("nan" in m.lower().replace("infinity or nan", "") for m in diverging_run.messages)


def test_scikit_learn_would_warn_but_no_warning_escapes_fit_mlps():
    X, y = DATASETS["circles"](100, 0.1, 0)
    with pytest.warns(ConvergenceWarning):
        MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="batch_size"):
        MLPClassifier((4,), batch_size=1000, random_state=0).partial_fit(X, y, classes=[0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_mlps(**{**SMALL, "epochs": 3, "batch_size": 10**6})
        fit_mlps(
            "circles", ("identity",), (16, 16), solver="sgd", learning_rate=1.0, epochs=30, n_samples=200
        )


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "used"),
    [
        ("n_samples", 0, LIMITS["n_samples"][0]),
        ("n_samples", 10**7, LIMITS["n_samples"][1]),
        ("learning_rate", 0, LIMITS["learning_rate"][0]),
        ("learning_rate", 100, LIMITS["learning_rate"][1]),
        ("epochs", 0, 1),
        ("test_fraction", 0.9, LIMITS["test_fraction"][1]),
    ],
)
def test_out_of_range_numbers_are_clamped_with_a_notice(name, value, used):
    settings = {**SMALL, "activations": ("relu",), "hidden_layers": (4,), "epochs": 1, name: value}
    result = fit_mlps(**settings)
    assert result.settings[name] == used
    bound = "minimum" if value < used else "maximum"
    expected = (
        f"{name}={value:g} is {'below' if value < used else 'above'} the {bound} of {used:g}; used {used:g}."
    )
    assert expected in result.notices


def test_a_batch_larger_than_the_training_set_is_clipped_like_scikit_learn_and_said_so():
    result = fit_mlps(**{**SMALL, "batch_size": 10**6, "epochs": 2})
    n_train = result.settings["n_train"]
    assert result.settings["batch_size"] == n_train and result.settings["steps_per_epoch"] == 1
    assert any("clipped" in m and "scikit-learn" in m and str(n_train) in m for m in result.notices)


def test_a_batch_size_below_one_becomes_one_with_a_notice():
    result = fit_mlps(**{**SMALL, "activations": ("relu",), "batch_size": 0, "epochs": 1})
    assert result.settings["batch_size"] == 1
    assert "batch_size=0 is below 1; used 1." in result.notices


def test_depth_and_width_beyond_the_limits_are_clamped():
    result = fit_mlps(**{**SMALL, "activations": ("relu",), "hidden_layers": (0,) + (3,) * 14, "epochs": 1})
    assert result.settings["hidden_layers"] == (1,) + (3,) * 11
    assert len(result.notices) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dataset": "ring"}, "Unknown dataset 'ring'"),
        ({"activations": ("swish2",)}, "Unknown activation 'swish2'"),
        ({"activations": ("gelu",)}, "No activation scikit-learn supports"),
        ({"activations": None}, "activations must be a sequence"),
        ({"solver": "lbfgs"}, "Unknown solver 'lbfgs'"),
        ({"hidden_layers": ()}, "at least one hidden layer"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number"),
        ({"learning_rate": "fast"}, "learning_rate must be a finite number"),
        ({"epochs": 2.5}, "epochs must be a whole number"),
        ({"batch_size": None}, "batch_size must be a whole number"),
        ({"seed": -1}, "seed must be a whole number"),
    ],
)
def test_meaningless_input_is_refused_saying_what_was_expected(change, message):
    with pytest.raises(ValueError, match=message):
        fit_mlps(**{**SMALL, **change})


def test_activations_scikit_learn_lacks_are_skipped_and_its_own_names_accepted():
    result = fit_mlps(**{**SMALL, "activations": ("logistic", "gelu", "sigmoid"), "epochs": 1})
    assert list(result.summary["activation"]) == ["sigmoid"]
    assert result.summary["sklearn_name"].tolist() == ["logistic"]
    assert any("GELU" in m and "skipped" in m for m in result.notices)


# --- the private gradient route -----------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [TypeError("_backprop() takes 6 positional arguments but 8 were given"), AttributeError("_backprop")],
)
def test_a_changed_private_backprop_leaves_a_notice_not_a_crash(monkeypatch, failure):
    original = MLPClassifier._backprop

    def changed(self, X, y, *rest):
        # A future scikit-learn whose own training still runs (it passes boolean targets), while
        # a call shaped as REFERENCE.md §3 describes no longer works.
        if y.dtype != bool:
            raise failure
        return original(self, X, y, *rest)

    monkeypatch.setattr(MLPClassifier, "_backprop", changed)
    result = fit_mlps(**{**SMALL, "epochs": 3})
    assert result.gradients.empty
    assert any("_backprop" in m and "unavailable" in m for m in result.notices)
    assert len(result.history) == 4 * 4 and not result.updates.empty


def test_gradient_norms_can_be_switched_off():
    result = fit_mlps(**{**SMALL, "epochs": 2, "gradient_norms": False})
    assert result.gradients.empty and not result.notices


# --- presets ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_presets_are_plain_data_that_fit_mlps_accepts(name):
    preset = PRESETS[name]
    assert set(preset) == {"label", "description", "settings"}
    inspect.signature(fit_mlps).bind(**preset["settings"])
    assert set(preset["settings"]) == set(DEFAULTS)
    assert all(k in SKLEARN_ACTIVATIONS for k in preset["settings"]["activations"])
