"""Training the comparison as a stream: the last item is exactly ``fit_mlps``' result, the snapshots
before it are true of their epoch, and the faster route through scikit-learn changes nothing."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.neural_network import MLPClassifier

import explainer.sklearn_mlp as sklearn_mlp
from explainer.sklearn_mlp import (
    DEFAULTS,
    STREAM_GRID_SIZE,
    MLPComparison,
    MLPSnapshot,
    fit_mlps,
    fit_mlps_stream,
)

SMALL = {"dataset": "moons", "hidden_layers": (8, 8), "epochs": 12, "n_samples": 120, "batch_size": 32}
DIVERGING = {
    "dataset": "circles",
    "activations": ("identity", "relu"),
    "hidden_layers": (16, 16),
    "solver": "sgd",
    "learning_rate": 1.0,
    "epochs": 30,
    "n_samples": 200,
}
FRAMES = ("history", "updates", "dead", "gradients", "summary", "grid", "points")


def assert_same_comparison(a: MLPComparison, b: MLPComparison) -> None:
    """Every frame equal to the last bit (the time spent training aside), and the same words."""
    for name in FRAMES:
        x, y = getattr(a, name), getattr(b, name)
        if name == "summary":
            x, y = x.drop(columns="fit_seconds"), y.drop(columns="fit_seconds")
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    assert a.settings == b.settings and a.notices == b.notices and a.messages == b.messages


@pytest.mark.parametrize("every", [1, 5, None])
@pytest.mark.parametrize("settings", [SMALL, DIVERGING], ids=["small", "diverging"])
def test_the_streams_last_item_equals_fit_mlps_field_by_field(settings, every):
    items = list(fit_mlps_stream(**settings, every=every))
    assert isinstance(items[-1], MLPComparison)
    assert all(isinstance(item, MLPSnapshot) for item in items[:-1])
    assert_same_comparison(items[-1], fit_mlps(**settings))


def test_the_default_scene_streamed_equals_fit_mlps_including_every_grid_probability():
    *snapshots, streamed = fit_mlps_stream(every=20)
    direct = fit_mlps()
    assert [s.epoch for s in snapshots] == list(range(20, DEFAULTS["epochs"], 20))
    np.testing.assert_array_equal(streamed.grid["probability"], direct.grid["probability"])
    pd.testing.assert_frame_equal(streamed.history, direct.history, check_exact=True)
    assert_same_comparison(streamed, direct)


def test_snapshots_come_every_k_epochs_and_hold_the_history_so_far():
    *snapshots, final = fit_mlps_stream(**SMALL, every=4)
    assert [s.epoch for s in snapshots] == [4, 8]  # the 12th epoch comes as the comparison itself
    for snapshot in snapshots:
        expected = final.history[final.history["epoch"] <= snapshot.epoch]
        pd.testing.assert_frame_equal(
            snapshot.history.reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
        )
        assert snapshot.settings == final.settings and snapshot.points is final.points
        assert snapshot.diverged == {}


def test_a_snapshots_boundary_is_the_net_after_that_epoch_on_a_coarser_grid():
    # The same net trained by hand for 4 epochs with the public API, as fit_mlps trains it.
    *snapshots, final = fit_mlps_stream(**SMALL, every=4)
    settings = final.settings
    train = final.points[final.points["split"] == "train"]
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
    for _ in range(4):
        order = rng.permutation(len(y))
        model.partial_fit(X[order], y[order], classes=[0, 1])
    grid = snapshots[0].grid
    assert len(grid) == STREAM_GRID_SIZE**2 * len(settings["activations"])
    tanh = grid[grid["activation"] == "tanh"]
    # The snapshot's grid spans the final grid's square.
    assert tanh["x0"].min() == final.grid["x0"].min() and tanh["x1"].max() == final.grid["x1"].max()
    proba = model.predict_proba(tanh[["x0", "x1"]].to_numpy())[:, 1]
    np.testing.assert_allclose(tanh["probability"].to_numpy(), proba, rtol=0, atol=1e-12)


def test_a_snapshot_kept_past_later_epochs_still_shows_its_own_epoch():
    stream = fit_mlps_stream(**SMALL, every=2)
    first = next(stream)
    read_at_once = first.grid.copy()
    rest = list(stream)
    assert first.epoch == 2 and first.history["epoch"].max() == 2
    pd.testing.assert_frame_equal(first.grid, read_at_once)
    later = rest[0]
    assert later.epoch == 4 and not np.array_equal(later.grid["probability"], read_at_once["probability"])


def test_a_diverged_net_shows_in_the_snapshots_with_its_epoch_and_no_nan():
    *snapshots, final = fit_mlps_stream(**DIVERGING, every=1)
    k = int(final.summary.set_index("activation").loc["identity", "diverged_epoch"])
    after = [s for s in snapshots if s.epoch >= k]
    assert after and all(s.diverged == {"identity": k} for s in after)
    assert all(s.diverged == {} for s in snapshots if s.epoch < k)
    for snapshot in after:
        assert np.isfinite(snapshot.grid["probability"]).all()
        assert snapshot.history.loc[snapshot.history["activation"] == "identity", "epoch"].max() == k - 1


def test_training_runs_only_while_the_caller_iterates_and_leaves_its_warning_settings_alone():
    filters, errors = list(warnings.filters), np.geterr()
    stream = fit_mlps_stream(**DIVERGING, every=1)
    snapshot = next(stream)
    # Suspended at a snapshot, the caller runs with its own warning filters and float settings.
    assert warnings.filters == filters and np.geterr() == errors
    assert snapshot.epoch == 1
    stream.close()
    assert warnings.filters == filters and np.geterr() == errors


@pytest.mark.parametrize("every", [0, -3, 2.5, True, "5"])
def test_every_must_be_a_positive_whole_number_of_epochs(every):
    with pytest.raises(ValueError, match="every must be a positive whole number of epochs"):
        next(fit_mlps_stream(**SMALL, every=every))


def test_input_errors_come_on_the_first_next_as_from_fit_mlps():
    stream = fit_mlps_stream(**{**SMALL, "dataset": "ring"})
    with pytest.raises(ValueError, match="Unknown dataset 'ring'"):
        next(stream)


# --- skipping scikit-learn's repeated input check ------------------------------------------


def test_the_repeated_input_check_is_skipped_with_this_scikit_learn(monkeypatch):
    verified: list[bool] = []
    real = sklearn_mlp._CheckedInput.verify

    def record(self):
        real(self)
        verified.append(self.verified)

    monkeypatch.setattr(sklearn_mlp._CheckedInput, "verify", record)
    fit_mlps(**SMALL)
    assert verified == [True] * len(DEFAULTS["activations"])


@pytest.mark.parametrize("settings", [SMALL, DIVERGING, {**SMALL, "solver": "sgd", "batch_size": 1}])
def test_skipping_the_repeated_input_check_changes_no_result(monkeypatch, settings):
    fast = fit_mlps(**settings)
    # Never verified: every epoch takes scikit-learn's own check, as a plain partial_fit does.
    monkeypatch.setattr(sklearn_mlp._CheckedInput, "verify", lambda self: None)
    assert_same_comparison(fast, fit_mlps(**settings))


def test_the_check_is_kept_when_scikit_learns_own_differs_from_the_prepared_arrays():
    X, y = np.zeros((4, 2)), np.array([0, 1, 1, 0])
    calls = []

    class Model:
        def _validate_input(self, X, y, incremental, reset):
            calls.append(reset)
            return X, (y == 1).reshape(-1, 1).astype(np.int64)  # not the boolean column prepared

    check = sklearn_mlp._CheckedInput(Model())
    check.prepare(X, y, (y == 1).reshape(-1, 1))
    check(X, y, True, reset=True)
    check.verify()
    assert not check.verified
    check(X, y, True, reset=False)
    assert calls == [True, False]  # scikit-learn's own check ran both times


@pytest.mark.parametrize("settings", [SMALL, DIVERGING], ids=["small", "diverging"])
def test_comparisons_of_the_activations_split_in_two_merge_into_fit_mlps_of_them_all(settings):
    """Each net trains alone (its own weights, the shared minibatch order), so halves trained
    apart, in two processes on the server, merge into the comparison of every net, diverged
    nets and sentences included."""
    keys = settings.get("activations", DEFAULTS["activations"])
    rest = {k: v for k, v in settings.items() if k != "activations"}
    half = len(keys) // 2
    parts = [fit_mlps(activations=keys[:half], **rest), fit_mlps(activations=keys[half:], **rest)]
    assert_same_comparison(sklearn_mlp.merge_comparisons(parts), fit_mlps(activations=keys, **rest))


@pytest.mark.parametrize("settings", [SMALL, DIVERGING], ids=["small", "diverging"])
def test_a_comparison_split_net_by_net_equals_each_net_trained_alone_and_merges_back(settings):
    """The MLP page keeps each net of a comparison on its own (so an activation added or taken
    away trains at most that net): each part is that net's own comparison, sentences included,
    and the parts in another order merge into the comparison of the nets in that order."""
    keys = settings.get("activations", DEFAULTS["activations"])
    rest = {k: v for k, v in settings.items() if k != "activations"}
    whole = fit_mlps(activations=keys, **rest)
    parts = sklearn_mlp.split_comparison(whole)
    assert [part.settings["activations"] for part in parts] == [(key,) for key in keys]
    for key, part in zip(keys, parts, strict=True):
        assert_same_comparison(part, fit_mlps(activations=(key,), **rest))
    backwards = tuple(reversed(keys))
    assert_same_comparison(
        sklearn_mlp.merge_comparisons(parts[::-1]), fit_mlps(activations=backwards, **rest)
    )


def test_snapshots_of_two_halves_merge_with_each_net_at_its_own_epoch():
    first = list(fit_mlps_stream(activations=("identity", "sigmoid"), **SMALL, every=1))
    second = list(fit_mlps_stream(activations=("tanh", "relu"), **SMALL, every=1))
    merged = sklearn_mlp.merge_snapshots([first[2], second[6]])  # epochs 3 and 7
    alone = fit_mlps_stream(activations=("identity", "sigmoid", "tanh", "relu"), **SMALL, every=1)
    at = {snapshot.epoch: snapshot for snapshot in alone if isinstance(snapshot, MLPSnapshot)}
    assert merged.epoch == 3 and merged.settings == at[3].settings
    last_epochs = merged.history.groupby("activation", sort=False)["epoch"].max().to_dict()
    assert last_epochs == {"identity": 3, "sigmoid": 3, "tanh": 7, "relu": 7}
    for key, epoch in last_epochs.items():
        pd.testing.assert_frame_equal(
            merged.grid[merged.grid["activation"] == key].reset_index(drop=True),
            at[epoch].grid[at[epoch].grid["activation"] == key].reset_index(drop=True),
            check_exact=True,
        )


def test_parts_trained_differently_do_not_merge():
    a = fit_mlps(activations=("relu",), **SMALL)
    b = fit_mlps(activations=("tanh",), **{**SMALL, "epochs": 13})
    with pytest.raises(ValueError, match="epochs"):
        sklearn_mlp.merge_comparisons([a, b])
    with pytest.raises(ValueError, match="share"):
        sklearn_mlp.merge_comparisons([a, a])
