"""The playground's engine: its regularised gradient against finite differences, learning XOR (and
not, without a hidden non-linearity), seeded determinism however the steps are split, reset, the
neurons' images, refused settings, and a diverging run that leaves no NaN behind."""

import copy
import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

import explainer
from explainer.nn.model import predict_proba, seeded_state
from explainer.nn.playground import (
    FEATURES,
    PLANE,
    Playground,
    PlaygroundSettings,
    features,
    regularized_loss_and_gradients,
)

from .test_model import finite_difference

ALL_FEATURES = tuple(FEATURES)
STEP_COLUMNS = ["grad_norm", "update_ratio", "dead_fraction", "saturated_fraction"]


def settings(**changes) -> PlaygroundSettings:
    return PlaygroundSettings(**changes)


def train_inputs(pg: Playground) -> tuple[np.ndarray, np.ndarray]:
    """The training points' features and labels, rebuilt from the public tables."""
    train = pg.points().query("split == 'train'")
    X = features(train[["x1", "x2"]].to_numpy(), pg.settings.features)
    return X, train["label"].to_numpy(dtype=float)


def tables(pg: Playground) -> dict[str, pd.DataFrame]:
    return {
        "statistics": pg.statistics(),
        "links": pg.links(),
        "history": pg.history(),
        "neuron_images": pg.neuron_images(8),
        "boundary": pg.boundary(8),
        "points": pg.points(),
    }


# --- the objective --------------------------------------------------------------------------------


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_regularized_gradient_agrees_with_finite_differences(activation, regularization):
    names = ("x1", "x2", "x1sq", "x1x2", "sin_x2")
    rng = np.random.default_rng(5)
    X = features(rng.uniform(-PLANE, PLANE, size=(9, 2)), names)
    y = (rng.random(9) > 0.5).astype(float)
    state = seeded_state(activation, (3, 2), "glorot_normal", seed=2, n_inputs=len(names))
    state = state.with_parameters([a + rng.normal(scale=0.3, size=a.shape) for a in state.parameters()])
    _, exact = regularized_loss_and_gradients(state, X, y, regularization, 0.3)
    numeric = finite_difference(
        state, X, y, objective=lambda s, a, b: regularized_loss_and_gradients(s, a, b, regularization, 0.3)
    )
    for a, b in zip(exact, numeric, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


def test_the_penalty_is_rate_times_the_l1_or_half_the_squared_l2_norm_of_the_weights_only():
    state = seeded_state("tanh", (3,), "glorot_normal", seed=1, n_inputs=2)
    X, y = np.ones((4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
    base, _ = regularized_loss_and_gradients(state, X, y)
    l1, _ = regularized_loss_and_gradients(state, X, y, "l1", 0.5)
    l2, _ = regularized_loss_and_gradients(state, X, y, "l2", 0.5)
    assert l1 - base == pytest.approx(0.5 * sum(np.abs(W).sum() for W in state.weights))
    assert l2 - base == pytest.approx(0.25 * sum((W**2).sum() for W in state.weights))


@pytest.mark.parametrize("regularization", ["none", "l2"])
def test_a_full_batch_update_is_the_learning_rate_times_the_regularized_gradient(regularization):
    # 300 points, 10 % for training: one batch of 30 is the whole training set, in some order.
    s = settings(n_samples=300, train_fraction=0.1, batch_size=30, learning_rate=0.3, hidden=(4, 3))
    pg = Playground(dataclasses.replace(s, regularization=regularization, regularization_rate=0.1))
    before = [a.copy() for a in pg.state.parameters()]
    X, y = train_inputs(pg)
    _, grads = regularized_loss_and_gradients(pg.state, X, y, regularization, 0.1)
    pg.step(1)
    for a, a0, g in zip(pg.state.parameters(), before, grads, strict=True):
        np.testing.assert_allclose(a, a0 - 0.3 * g, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_the_training_set_gradient_is_the_unpenalised_losss_over_every_training_point(activation):
    pg = Playground(settings(activation=activation, hidden=(4, 3), regularization="l2", regularization_rate=0.1))
    X, y = train_inputs(pg)
    _, grads = regularized_loss_and_gradients(pg.state, X, y)
    numeric = finite_difference(pg.state, X, y, objective=lambda s, a, b: regularized_loss_and_gradients(s, a, b))
    exact = pg.training_set_gradients()
    assert len(exact) == len(pg.state.weights) == 3
    for i, g in enumerate(exact):
        assert g.shape == pg.state.weights[i].shape
        np.testing.assert_allclose(g, grads[2 * i], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g, numeric[2 * i], rtol=1e-5, atol=1e-8)
    assert pg.steps == 0 and (pg.statistics()["grad_norm"] == 0).all()  # nothing was updated


def test_l1_stops_a_weight_at_zero_rather_than_pushing_it_across():
    s = settings(n_samples=300, train_fraction=0.1, batch_size=30, learning_rate=1.0, hidden=(4, 3))
    pg = Playground(dataclasses.replace(s, regularization="l1", regularization_rate=0.3))
    before = [W.copy() for W in pg.state.weights]
    X, y = train_inputs(pg)
    _, data_grads = regularized_loss_and_gradients(pg.state, X, y)
    pg.step(1)
    zeros = 0
    for W, W0, g in zip(pg.state.weights, before, data_grads[::2], strict=True):
        data_only = W0 - 1.0 * g
        assert np.all(W * data_only >= 0), "the penalty never flips a weight's sign"
        zeros += int(np.sum(W == 0.0))
    assert zeros > 0


# --- learning ------------------------------------------------------------------------------------


XOR = settings(dataset="xor", hidden=(8, 8), learning_rate=0.1, noise=0.05)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_hidden_nonlinearity_learns_xor(activation):
    pg = Playground(dataclasses.replace(XOR, activation=activation))
    start, _ = pg.loss()
    pg.step(1000)
    train, test = pg.loss()
    assert train < min(0.15, start / 4) and test < 0.2


def test_identity_units_stay_at_chance_on_xor_with_only_x1_and_x2():
    pg = Playground(dataclasses.replace(XOR, activation="identity"))
    pg.step(1000)
    assert pg.loss() == pytest.approx((math.log(2), math.log(2)), abs=0.02)


def test_relu_at_learning_rate_3_dies():
    pg = Playground(settings(activation="relu", learning_rate=3.0))
    stats = pg.step(300)
    assert stats["dead_fraction"].max() == 1.0
    assert stats["grad_norm"].max() == 0.0
    assert pg.loss()[0] > 0.65


# --- determinism and reset -------------------------------------------------------------------------


def test_same_settings_give_the_same_tables_bit_for_bit():
    a, b = Playground(settings(seed=3)), Playground(settings(seed=3))
    pd.testing.assert_frame_equal(a.step(7), b.step(7), check_exact=True)
    for name, frame in tables(a).items():
        pd.testing.assert_frame_equal(frame, tables(b)[name], check_exact=True, obj=name)


def test_another_seed_gives_other_weights_and_points():
    a, b = Playground(settings(seed=3)), Playground(settings(seed=4))
    assert not np.array_equal(a.state.weights[0], b.state.weights[0])
    assert not a.points().equals(b.points())


def test_five_steps_twice_are_ten_steps():
    # Everything but grad_norm_mean, a mean over one call's updates by definition.
    s = settings(activation="relu", hidden=(8, 8, 8), features=ALL_FEATURES, regularization="l2")
    split = Playground(dataclasses.replace(s, regularization_rate=0.01))
    whole = Playground(dataclasses.replace(s, regularization_rate=0.01))
    split.step(5)
    split.step(5)
    whole.step(10)
    assert split.steps == whole.steps == 10
    for a, b in zip(split.state.parameters(), whole.state.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)
    one, other = tables(split), tables(whole)
    for name, frame in one.items():
        drop = ["grad_norm_mean"] if name == "statistics" else []
        pd.testing.assert_frame_equal(
            frame.drop(columns=drop), other[name].drop(columns=drop), check_exact=True, obj=name
        )


def test_grad_norm_mean_is_the_mean_over_the_calls_updates():
    pg = Playground(settings(hidden=(4,)))
    norms = [pg.step(1)["grad_norm"].to_numpy() for _ in range(4)]
    twin = Playground(settings(hidden=(4,)))
    np.testing.assert_allclose(twin.step(4)["grad_norm_mean"], np.mean(norms, axis=0), rtol=1e-12)


def test_reset_returns_to_the_initial_network_and_batches():
    pg, fresh = Playground(settings(seed=9)), Playground(settings(seed=9))
    pg.step(25)
    pg.reset()
    assert pg.steps == pg.epoch == 0 and len(pg.history()) == 1
    for a, b in zip(pg.state.parameters(), fresh.state.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(pg.step(3), fresh.step(3), check_exact=True)


def test_retune_changes_the_rates_and_keeps_the_network_and_batches():
    pg = Playground(settings(seed=4))
    pg.step(5)
    pg.retune(learning_rate=0.3, regularization="l2", regularization_rate=0.01)
    assert (pg.settings.learning_rate, pg.settings.regularization) == (0.3, "l2")
    assert pg.steps == 5
    # From here it is the run that had these rates from the start, given the same network.
    twin = Playground(settings(seed=4, learning_rate=0.3, regularization="l2", regularization_rate=0.01))
    twin.step(5)  # the same batches; then its weights are set to pg's
    for a, b in zip(twin.state.parameters(), pg.state.parameters(), strict=True):
        np.copyto(a, b)
    pd.testing.assert_frame_equal(pg.step(4), twin.step(4), check_exact=True)
    pg.reset()
    assert pg.settings.learning_rate == 0.3


def test_retune_refuses_a_bad_rate_and_keeps_the_old_one():
    pg = Playground(settings())
    with pytest.raises(ValueError, match="learning_rate"):
        pg.retune(learning_rate=50.0)
    assert pg.settings.learning_rate == 0.03 and pg._optimizer.lr == 0.03


def test_a_deep_copy_runs_on_alone():
    pg = Playground(settings())
    pg.step(4)
    twin = copy.deepcopy(pg)
    pd.testing.assert_frame_equal(pg.step(6), twin.step(6), check_exact=True)


def test_counters_and_history():
    pg = Playground(settings(batch_size=10))  # 250 training points: 25 updates per epoch
    pg.step(60)
    assert (pg.steps, pg.epoch) == (60, 2)
    history = pg.history()
    assert list(history.columns) == ["step", "epoch", "train_loss", "test_loss"]
    assert history["step"].tolist() == list(range(61))
    assert tuple(history.iloc[-1][["train_loss", "test_loss"]]) == pg.loss()


def test_step_zero_reports_without_updating():
    pg = Playground(settings())
    first = pg.step(0)
    assert pg.steps == 0 and (first[["grad_norm", "grad_norm_mean", "update_ratio"]] == 0).all().all()
    stats = pg.step(3)
    pd.testing.assert_frame_equal(pg.step(0), stats, check_exact=True)


# --- tables -----------------------------------------------------------------------------------------


def test_statistics_have_one_row_per_weight_layer():
    pg = Playground(settings(hidden=(5, 4, 3)))
    stats = pg.step(2)
    assert list(stats.columns) == ["layer", "grad_norm", "grad_norm_mean", *STEP_COLUMNS[1:]]
    assert stats["layer"].tolist() == [1, 2, 3, 4]
    assert stats.iloc[-1][["dead_fraction", "saturated_fraction"]].tolist() == [0.0, 0.0]
    assert (stats["update_ratio"] > 0).all()


@pytest.mark.parametrize("hidden", [(), (3,), (8, 8, 8, 8)])
def test_neuron_images_cover_every_node_and_out_is_predict_proba(hidden):
    names = ("x1", "x2", "x1sq", "sin_x2")
    pg = Playground(settings(hidden=hidden, features=names, activation="relu"))
    pg.step(20)
    images = pg.neuron_images(12)
    nodes = [*names, *(f"h{layer}.{u}" for layer, w in enumerate(hidden, 1) for u in range(1, w + 1)), "out"]
    assert list(images.columns) == ["node", "layer", "unit", "x1", "x2", "value"]
    assert len(images) == len(nodes) * 144
    assert images["node"].unique().tolist() == nodes
    assert images.groupby("node", observed=True)["layer"].first().loc["out"] == len(hidden) + 1
    assert images["x1"].abs().max() < PLANE and images["x2"].abs().max() < PLANE
    out = images[images["node"] == "out"]
    grid = features(out[["x1", "x2"]].to_numpy(), names)
    np.testing.assert_allclose(out["value"], predict_proba(pg.state, grid), rtol=1e-12, atol=0)
    sin_x2 = images[images["node"] == "sin_x2"]
    np.testing.assert_array_equal(sin_x2["value"], np.sin(sin_x2["x2"]))
    boundary = pg.boundary(12)
    np.testing.assert_allclose(boundary["probability"], out["value"], rtol=1e-12, atol=0)


def test_links_list_every_weight_with_its_endpoints():
    pg = Playground(settings(hidden=(3, 2)))
    links = pg.links()
    assert list(links.columns) == ["layer", "source", "target", "weight", "grad_mean_abs"]
    assert len(links) == 2 * 3 + 3 * 2 + 2 * 1
    assert (links["grad_mean_abs"] == 0).all()
    first = links[(links["source"] == "x2") & (links["target"] == "h1.3")]
    assert first["weight"].item() == pg.state.weights[0][1, 2]
    pg.step(1)
    # One update: the bias-corrected average is that update's |∂L/∂w|.
    assert (pg.links()["grad_mean_abs"] > 0).any()


def test_points_are_the_data_in_plane_units_split_by_train_fraction():
    pg = Playground(settings(train_fraction=0.3, n_samples=200, dataset="spiral"))
    points = pg.points()
    assert list(points.columns) == ["x1", "x2", "label", "split"]
    assert (points["split"] == "train").sum() == 60 == pg.n_train
    assert set(points["label"]) == {0, 1}
    assert points[["x1", "x2"]].abs().max().max() <= PLANE


# --- settings -----------------------------------------------------------------------------------


def test_defaults_are_tensorflow_playgrounds():
    s = PlaygroundSettings()
    assert (s.dataset, s.noise, s.train_fraction, s.batch_size, s.learning_rate) == (
        "circles",
        0,
        0.5,
        10,
        0.03,
    )
    assert (s.activation, s.regularization, s.regularization_rate) == ("tanh", "none", 0.0)
    assert (s.features, s.hidden, s.n_samples) == (("x1", "x2"), (4, 2), 500)
    assert s.init in explainer.INITIALIZERS


def test_settings_are_normalised_and_hashable():
    s = PlaygroundSettings(features=["x2", "x1sq", "x1"], hidden=[3, 2])
    assert s.features == ("x1", "x2", "x1sq") and s.hidden == (3, 2)
    assert s == PlaygroundSettings(features=("x1", "x2", "x1sq"), hidden=(3, 2))
    assert len({s, PlaygroundSettings(features=("x1", "x2", "x1sq"), hidden=(3, 2))}) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dataset": "moon"}, "Unknown dataset 'moon'"),
        ({"noise": 0.6}, "noise must be a number between 0 and 0.5"),
        ({"noise": float("nan")}, "noise must be a number"),
        ({"train_fraction": 0.95}, "train_fraction must be a number between 0.1 and 0.9"),
        ({"batch_size": 31}, "batch_size must be a whole number between 1 and 30"),
        ({"batch_size": 2.5}, "batch_size must be a whole number"),
        ({"learning_rate": 0.0}, "learning_rate must be a number between 1e-05 and 10"),
        ({"learning_rate": 11}, "learning_rate must be a number between 1e-05 and 10"),
        ({"activation": "gelu2"}, "Unknown activation 'gelu2'"),
        ({"regularization": "l3"}, "Unknown regularization 'l3'"),
        ({"regularization_rate": -1}, "regularization_rate must be a number between 0 and 10"),
        ({"features": ()}, "features must be a non-empty sequence"),
        ({"features": "x1"}, "features must be a non-empty sequence"),
        ({"features": ("x1", "x3")}, "Unknown feature 'x3'"),
        ({"features": ("x1", "x1")}, "features must not repeat"),
        ({"hidden": (4,) * 11}, "hidden must be a sequence of 0 to 10"),
        ({"hidden": (4, 9)}, "Each hidden layer's units must be a whole number between 1 and 8"),
        ({"hidden": (4, 0)}, "Each hidden layer's units must be a whole number between 1 and 8"),
        ({"n_samples": 10}, "n_samples must be a whole number between 40 and 4,000"),
        ({"n_samples": 40, "train_fraction": 0.1}, "batch_size must be at most the 4 training points"),
        ({"init": "xavier"}, "Unknown initializer 'xavier'"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"batch_size": True}, "batch_size must be a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_message(changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        PlaygroundSettings(**changes)


@pytest.mark.parametrize(
    ("call", "message"), [("step", "n must be"), ("neuron_images", "resolution must be")]
)
def test_bad_arguments_are_refused_with_a_message(call, message):
    with pytest.raises(ValueError, match=message):
        getattr(Playground(), call)(-1)


# --- divergence --------------------------------------------------------------------------------


def all_finite(pg: Playground) -> bool:
    numbers = [frame.select_dtypes("number").to_numpy(dtype=float) for frame in tables(pg).values()]
    numbers.append(pg.neuron_images(40)["value"].to_numpy())
    return all(np.isfinite(a).all() for a in numbers) and all(map(math.isfinite, pg.loss()))


@pytest.mark.parametrize(
    "changes",
    [
        {"activation": "relu", "init": "he_normal", "hidden": (8,) * 10},
        {"activation": "leaky_relu", "hidden": (8, 8, 8, 8)},
    ],
    ids=["relu_he_10x8", "leaky_relu_4x8"],
)
def test_a_diverging_run_stops_at_its_last_finite_network_without_nan(changes):
    pg = Playground(settings(learning_rate=10.0, features=ALL_FEATURES, **changes))
    pg.step(300)
    assert pg.diverged_at is not None and pg.steps == pg.diverged_at - 1
    assert 1 <= pg.diverged_layer <= len(changes["hidden"]) + 1
    assert f"Diverged at update {pg.diverged_at}" in pg.message
    assert all_finite(pg)
    weights = [W.copy() for W in pg.state.weights]
    stats = pg.step(5)
    assert pg.steps == pg.diverged_at - 1 and all_finite(pg)
    assert all(np.array_equal(a, b) for a, b in zip(weights, pg.state.weights, strict=True))
    assert np.isfinite(stats.to_numpy(dtype=float)).all()
    pg.reset()
    assert pg.diverged_at is None and pg.message is None


def test_the_playground_is_public():
    assert explainer.Playground is Playground and explainer.PlaygroundSettings is PlaygroundSettings
    assert {"Playground", "PlaygroundSettings"} <= set(explainer.__all__)
