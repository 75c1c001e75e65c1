"""The training module: exact gradients, clipping, batch norm's two modes, minibatch noise, dying
ReLU, divergence, early stopping and refused input."""

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from explainer import training as T

SMALL = (4, 3)
ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def perturbed_state(activation: str, batchnorm: bool, seed: int = 3) -> T.ModelState:
    """A tiny network with γ, β, biases and running statistics away from their initial values."""
    state = T.initial_state(activation, SMALL, "glorot_normal", batchnorm=batchnorm, seed=seed)
    rng = np.random.default_rng(seed)
    state = state.with_parameters([a + rng.normal(scale=0.3, size=a.shape) for a in state.parameters()])
    for rm, rv in zip(state.running_means, state.running_vars, strict=True):
        rm += rng.normal(size=rm.shape)
        rv *= rng.uniform(0.5, 2.0, size=rv.shape)
    return state


def finite_difference(state: T.ModelState, X, y, h: float = 1e-6, training: bool = True) -> list[np.ndarray]:
    """Central differences of the loss (in batch norm's training or inference mode) in every parameter."""
    grads = []
    for a in state.parameters():
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + h
            plus, _ = T.loss_and_gradients(state, X, y, training=training)
            a[idx] = old - h
            minus, _ = T.loss_and_gradients(state, X, y, training=training)
            a[idx] = old
            g[idx] = (plus - minus) / (2 * h)
        grads.append(g)
    return grads


def max_relative_error(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(
        float(np.max(np.abs(x - z) / (np.abs(x) + np.abs(z) + 1e-7))) for x, z in zip(a, b, strict=True)
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(7, 2)), (rng.random(7) > 0.5).astype(float)


# --- exact gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("training", [True, False], ids=["training_mode", "inference_mode"])
@pytest.mark.parametrize("batchnorm", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("activation", ACTS)
def test_backward_pass_agrees_with_finite_differences(data, activation, batchnorm, training):
    X, y = data
    state = perturbed_state(activation, batchnorm)
    _, exact = T.loss_and_gradients(state, X, y, training=training)
    assert max_relative_error(exact, finite_difference(state, X, y, training=training)) < 1e-5


def reference_clip(grads, clip):
    """Clipping written out from PyTorch's clip_grad_norm_ / clip_grad_value_ (REFERENCE.md §5)."""
    if clip is None:
        return grads
    mode, t = clip
    if mode == "value":
        return [np.minimum(np.maximum(g, -t), t) for g in grads]
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    return [g * min(1.0, t / (total + 1e-6)) for g in grads]


@pytest.mark.parametrize("batchnorm", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("mode", [None, "norm", "value"])
def test_one_training_step_moves_by_the_clipped_finite_difference_gradient(batchnorm, mode):
    split = T.training_data("moons", 40)
    lr = 0.3
    first = T.train(
        "moons",
        "tanh",
        SMALL,
        "glorot_normal",
        learning_rate=lr,
        batch_size=split.n_train,
        steps=1,
        n_samples=40,
        batchnorm=batchnorm,
    )
    fd = finite_difference(first.initial_state.copy(), split.X_train, split.y_train)
    flat = np.concatenate([g.ravel() for g in fd])
    # Thresholds that bite: half the norm, the median entry.
    clip = (
        None
        if mode is None
        else (mode, 0.5 * float(np.linalg.norm(flat)) if mode == "norm" else float(np.median(np.abs(flat))))
    )
    run = T.train(
        "moons",
        "tanh",
        SMALL,
        "glorot_normal",
        learning_rate=lr,
        batch_size=split.n_train,
        steps=1,
        n_samples=40,
        batchnorm=batchnorm,
        clip=clip,
    )
    expected = [
        a - lr * g for a, g in zip(run.initial_state.parameters(), reference_clip(fd, clip), strict=True)
    ]
    for got, want, before in zip(
        run.state.parameters(), expected, run.initial_state.parameters(), strict=True
    ):
        step = np.max(np.abs(want - before)) + 1e-12
        assert np.max(np.abs(got - want)) < 1e-6 * max(step, 1e-3)


def test_global_norm_does_not_overflow_for_huge_finite_gradients():
    g = [np.full(3, 1e200), np.full(2, -1e200)]
    assert T.global_norm(g) == pytest.approx(math.sqrt(5) * 1e200)
    assert T.global_norm([np.array([np.inf])]) == math.inf


# --- clipping -------------------------------------------------------------------------------------


def test_clip_by_norm_keeps_the_direction_and_caps_the_length():
    rng = np.random.default_rng(0)
    g = [rng.normal(size=(5, 4)) * 10, rng.normal(size=4)]
    clipped = T.clip_gradients(g, ("norm", 1.0))
    assert T.global_norm(clipped) == pytest.approx(1.0, rel=1e-5)
    assert T.cosine(clipped, g) == pytest.approx(1.0, abs=1e-12)
    unclipped = T.clip_gradients(g, ("norm", 1e6))
    assert all(np.array_equal(a, b) for a, b in zip(unclipped, g, strict=True))


def test_clip_by_value_bounds_every_entry_and_turns_the_gradient():
    g = [np.array([[10.0, 0.1], [0.2, -5.0]]), np.array([0.05])]
    clipped = T.clip_gradients(g, ("value", 0.5))
    assert max(float(np.max(np.abs(a))) for a in clipped) == 0.5
    assert T.cosine(clipped, g) < 0.99


def test_in_training_clipping_by_norm_has_cosine_one_and_by_value_does_not():
    comparison = T.clipping_comparison("circles", steps=60)
    by_norm = comparison.runs["clip by norm (1)"].steps
    by_value = comparison.runs["clip by value (0.1)"].steps
    assert (by_norm["clipped_norm"] < by_norm["grad_norm"]).any()
    np.testing.assert_allclose(by_norm["cosine"], 1.0, atol=1e-12)
    assert by_norm["clipped_norm"].max() <= 1.0 + 1e-9
    assert by_value["cosine"].min() < 0.9
    assert T.clipping_effect(comparison.runs["clip by value (0.1)"])["median_angle"] > 5


def test_clipping_sentences_say_how_far_each_mode_turned_the_update():
    sentences = T.clipping_comparison("circles", steps=60).sentences
    assert "diverged at step 6" in sentences[0]
    assert "turned the update by a median" in sentences[1]
    assert "turned none of them" in sentences[2]


# --- batch norm -----------------------------------------------------------------------------------


def manual_inference(state: T.ModelState, X: np.ndarray) -> np.ndarray:
    """Inference-mode batch norm written out with the running statistics (PyTorch's eval())."""
    f = lambda u: T.ACTIVATIONS[state.activation].f(u)
    h = X
    for i in range(state.depth):
        z = h @ state.weights[i]
        u = (
            state.gammas[i] * (z - state.running_means[i]) / np.sqrt(state.running_vars[i] + T.BN_EPS)
            + state.betas[i]
        )
        h = f(u)
    logits = h @ state.weights[-1][:, 0] + state.biases[-1][0]
    return 1.0 / (1.0 + np.exp(-logits))


def test_inference_mode_batch_norm_uses_the_running_statistics():
    run = T.train(
        "circles", "tanh", (8, 8), "glorot_uniform", learning_rate=0.1, batch_size=16, steps=5, batchnorm=True
    )
    X = T.training_data("circles").X_val
    inference = T.predict_proba(run.state, X)
    np.testing.assert_allclose(inference, manual_inference(run.state, X), rtol=1e-10)
    # Batch statistics give other numbers, and make a point's prediction depend on its batch.
    training_mode = T.predict_proba(run.state, X, training=True)
    assert np.max(np.abs(training_mode - inference)) > 1e-3
    alone = np.array([T.predict_proba(run.state, X[i : i + 1])[0] for i in range(5)])
    np.testing.assert_allclose(alone, inference[:5], rtol=1e-12)


def test_running_statistics_follow_pytorch_momentum_and_unbiased_variance():
    split = T.training_data("circles", 40)
    run = T.train(
        "circles",
        "relu",
        (6,),
        "he_normal",
        learning_rate=0.1,
        batch_size=split.n_train,
        steps=1,
        batchnorm=True,
        n_samples=40,
    )
    z = split.X_train @ run.initial_state.weights[0]
    np.testing.assert_allclose(run.state.running_means[0], 0.1 * z.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(run.state.running_vars[0], 0.9 + 0.1 * z.var(axis=0, ddof=1), rtol=1e-12)


def test_batch_norm_rescues_the_deep_sigmoid_net_and_reports_both_modes():
    comparison = T.batchnorm_comparison("circles", steps=300)
    s = comparison.summary.set_index("run")
    assert s.loc["with batch norm", "final_loss"] < 0.5 < s.loc["without batch norm", "final_loss"]
    gap = comparison.runs["with batch norm"].history["output_gap"]
    assert (gap >= 0).all() and gap.max() > 0
    assert "inference mode" in comparison.sentences[-1]


# --- minibatch noise ------------------------------------------------------------------------------


@pytest.mark.parametrize("trained", [False, True], ids=["at initialization", "after training"])
def test_minibatch_gradient_error_falls_as_one_over_root_b(trained):
    state = T.minibatch_state("circles", trained=trained)
    frame = T.minibatch_gradient_error("circles", state, trials=200)
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
    assert f"b to the power {slope:.2f}".replace("-", "−") in T.describe_minibatch_error(frame)


def test_minibatch_error_refuses_batch_size_one_with_batch_norm():
    state = T.initial_state("relu", (4,), "he_normal", batchnorm=True)
    with pytest.raises(ValueError, match="at least 2"):
        T.minibatch_gradient_error("circles", state, (1, 4), trials=5)


def test_batch_size_race_processes_the_same_examples_in_every_run():
    race = T.batch_size_race("circles", examples=480)
    assert race.summary["steps"].tolist() == [480, 30, 3, 2]
    assert race.summary["run"].iloc[-1] == "full batch (240)"
    slowest = race.summary["final_loss"].idxmax()
    assert race.summary.loc[slowest, "examples_to_target"] <= 480
    assert race.curves.groupby("run")["examples"].max().le(480).all()


@pytest.mark.parametrize("learning_rate", [0.001, 10.0])
def test_batch_size_race_writes_finite_sentences_at_extreme_learning_rates(learning_rate):
    race = T.batch_size_race("circles", examples=1200, learning_rate=learning_rate)
    assert race.sentences[0].startswith("Every run")
    assert not any("nan" in s or "inf" in s for s in race.sentences)


def test_dying_relu_refuses_two_equal_learning_rates():
    with pytest.raises(ValueError, match="The two learning rates are the same"):
        T.dying_relu("circles", learning_rate=0.1, high_learning_rate=0.1, steps=10)


# --- dying ReLU -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_high_learning_rate_kills_more_relu_units_and_leaky_relu_none(seed):
    dying = T.dying_relu("circles", seed=seed)
    normal, high, leaky = dying.comparison.runs.values()
    assert T._dead_share(high) > T._dead_share(normal) + 0.3
    assert (leaky.layers["dead_fraction"] == 0).all()


def test_dead_first_layer_units_have_every_training_point_on_their_inactive_side():
    dying = T.dying_relu("circles")
    high = list(dying.comparison.runs)[1]
    state = dying.comparison.runs[high].state
    X = T.training_data("circles").X_train
    z = X @ state.weights[0] + state.biases[0]
    lines = dying.lines[dying.lines["run"] == high]
    for row in lines.itertuples():
        assert row.dead == bool(np.all(z[:, row.unit - 1] <= 0))
    box = lines[["x0_start", "x1_start", "x0_end", "x1_end"]].abs().to_numpy()
    assert (box <= T.PLANE_LIMIT + 1e-12).all()
    assert dying.plane["active_share"].between(0, 1).all()


def test_dead_units_revive_only_beyond_layer_one_and_the_sentence_counts_them():
    dying = T.dying_relu("circles", high_learning_rate=3.0)
    high = dying.comparison.runs["ReLU, learning rate 3"]
    counts = T.dead_units(high).set_index("step")
    falls = (-counts.diff()).clip(lower=0).fillna(0)
    # Layer 1 sees the fixed data: a unit dead there gets no gradient and never comes back.
    for run in dying.comparison.runs.values():
        assert (T.dead_units(run).set_index("step")[1].diff().dropna() >= 0).all()
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
    assert T._revival_sentence(T.TrainingRun(run.settings, run.history, layers, *fake_parts(run))) == ""
    layers["dead_fraction"] = [0.5, 0.25, 0.75]
    said = T._revival_sentence(T.TrainingRun(run.settings, run.history, layers, *fake_parts(run)))
    assert "came back at least 1 time," in said and "from 50% at step 0 to 25% at step 1" in said


def test_plane_sentences_count_every_dead_first_layer_unit_not_only_the_drawn_lines():
    dying = T.dying_relu("circles", high_learning_rate=5.0)
    for name, run in dying.comparison.runs.items():
        last = run.layers[(run.layers["step"] == run.layers["step"].max()) & (run.layers["layer"] == 1)]
        dead = round(float(last["dead_fraction"].iloc[0]) * run.settings["hidden_layers"][0])
        [sentence] = [line for line in dying.plane_sentences if line.startswith(f"**{name}**")]
        assert f"{dead} of the {run.settings['hidden_layers'][0]} first-layer units are dead" in sentence
    # At learning rate 5 most dead units' lines lie outside the panel: the count must not shrink to the drawn ones.
    high = dying.lines[dying.lines["run"] == "ReLU, learning rate 5"]
    assert int(high["dead"].sum()) < dead_first_layer(dying.comparison.runs["ReLU, learning rate 5"])


def dead_first_layer(run: T.TrainingRun) -> int:
    return int(T.dead_units(run).iloc[-1][1])


# --- divergence -----------------------------------------------------------------------------------


def test_divergence_is_reported_as_a_step_without_nan():
    run = T.train(
        "circles", "relu", (32,) * 6, "he_normal", gain=2.0, learning_rate=0.1, batch_size=32, steps=50
    )
    assert run.diverged_at == 6
    assert run.message.startswith("diverged at step 6")
    for frame in (run.history, run.layers, run.steps):
        numbers = frame.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all()
    # The update that diverged is in the step table; the curves end at the last finite state.
    assert run.steps["step"].max() == 6 and run.history["step"].max() == 5
    assert all(np.isfinite(a).all() for a in run.state.parameters())


def test_divergence_message_names_the_last_step_of_the_curves_without_warnings():
    # Activations near 1e157 at the last finite state: their std used to overflow, which dropped
    # that evaluation, so the curves ended at step 0 while the message said step 5.
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        run = T.train(
            "circles",
            "relu",
            (32,) * 6,
            "he_normal",
            learning_rate=10.0,
            batch_size=32,
            steps=200,
            record_every=10,
        )
    assert run.diverged_at == 6
    named = int(re.search(r"curves stop at step ([\d,]+)", run.message).group(1).replace(",", ""))
    assert named in set(run.history["step"]) and named == run.history["step"].iloc[-1] == 5
    assert np.isfinite(run.layers["activation_std"]).all()


def test_overflow_safe_std_matches_numpy_where_numpy_overflows():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 8))
    assert T.overflow_safe_std(a) == pytest.approx(float(np.std(a)), rel=1e-14)
    assert T.overflow_safe_std(a * 1e190) == pytest.approx(float(np.std(a)) * 1e190, rel=1e-12)
    assert not math.isfinite(T.overflow_safe_std(np.array([1.0, np.inf])))


def test_a_huge_learning_rate_diverges_cleanly():
    run = T.train(
        "circles",
        "leaky_relu",
        (32, 32, 32),
        "he_normal",
        learning_rate=10.0,
        batch_size=32,
        steps=400,
        seed=2,
    )
    assert run.diverged_at is not None
    assert np.isfinite(run.history.select_dtypes("number").to_numpy(dtype=float)).all()


# --- early stopping -------------------------------------------------------------------------------


def fake_run(val_losses: list[float]) -> T.TrainingRun:
    base = T.train(
        "circles",
        "relu",
        (4,),
        "he_normal",
        learning_rate=0.1,
        batch_size=32,
        steps=len(val_losses) - 1,
        record_every=1,
    )
    history = base.history.copy()
    history["val_loss"] = val_losses
    history["test_accuracy"] = np.linspace(0.5, 0.9, len(val_losses))
    return T.TrainingRun(
        base.settings, history, base.layers, base.steps, base.state, base.initial_state, None, 0.0, 0.0
    )


def fake_parts(run: T.TrainingRun) -> tuple:
    """The fields of ``run`` after ``layers``, to build a TrainingRun with other tables."""
    return run.steps, run.state, run.initial_state, None, 0.0, 0.0


def stopping_run(
    test_accuracy: dict[int, float], test_loss: dict[int, float], train_loss=None
) -> T.TrainingRun:
    """A run whose validation loss is lowest at step 2 and stops at step 5 (patience 3), with the
    given test accuracy and loss at those steps."""
    run = fake_run([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.95, 0.5, 0.4])
    history = run.history.copy()
    for step, value in test_accuracy.items():
        history.loc[history["step"] == step, "test_accuracy"] = value
    for step, value in test_loss.items():
        history.loc[history["step"] == step, "test_loss"] = value
    if train_loss is not None:
        history["train_loss"] = train_loss
    return T.TrainingRun(run.settings, history, run.layers, *fake_parts(run))


def test_early_stopping_says_when_the_weights_at_the_stop_beat_the_restored_best():
    result = T.early_stopping(stopping_run({2: 0.7, 5: 0.8}, {2: 0.5, 5: 0.4}), patience=3)
    said = result.sentences[-1]
    assert "the weights at the stop (step 5) do better on the test points than the restored best" in said
    assert "test accuracy 80% against 70%, test loss 0.400 against 0.500" in said
    n_val = round(0.2 * result.run.settings["n_samples"])
    assert f"only {n_val} points" in said and "Restoring the best weights pays" not in said


def test_early_stopping_says_when_restoring_the_best_weights_pays():
    said = T.early_stopping(stopping_run({2: 0.725, 5: 0.7}, {2: 0.5, 5: 0.6}), patience=3).sentences[-1]
    assert "Restoring the best weights pays on the test points" in said
    assert "score 70% (test loss 0.600) against the restored 72.5% (0.500)" in said


def test_early_stopping_with_a_split_verdict_says_accuracy_and_loss_disagree():
    said = T.early_stopping(stopping_run({2: 0.725, 5: 0.75}, {2: 0.739, 5: 1.09}), patience=3).sentences[-1]
    assert "score a higher test accuracy but a higher test loss than the restored best" in said
    assert "test accuracy 75% against 72.5%, test loss 1.090 against 0.739" in said


def test_early_stopping_says_the_training_loss_rose_when_it_did():
    run = stopping_run({}, {}, train_loss=np.linspace(0.3, 0.6, 9))
    said = T.early_stopping(run, patience=3).sentences[0]
    assert "the training loss rose from 0.375 to 0.600" in said


def test_early_stopping_does_not_call_a_minimum_lowest_when_the_loss_goes_lower_after_the_stop():
    said = T.early_stopping(stopping_run({}, {}), patience=3).sentences[0]
    assert said.startswith("Before the stop the validation loss is lowest at step 2 (0.600)")
    assert "It goes lower after the stop, to 0.400 at step 8" in said


def test_early_stopping_stops_patience_steps_after_the_best_validation_loss():
    run = fake_run([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.95, 0.5, 0.4])
    result = T.early_stopping(run, patience=3)
    assert (result.best_step, result.stop_step) == (2, 5)
    assert result.summary["policy"].tolist() == [
        "train all steps",
        "stop (weights as they are then)",
        "stop, restore best weights",
    ]
    assert result.summary["step"].tolist() == [8, 5, 2]
    assert "stops at step 5" in result.sentences[-1]


def test_early_stopping_with_a_long_patience_never_stops():
    result = T.early_stopping(fake_run([1.0, 0.8, 0.9, 0.85]), patience=10)
    assert result.stop_step is None and len(result.summary) == 1
    assert "would not have stopped" in result.sentences[-1]


def test_overfitting_run_has_validation_loss_rising_after_its_minimum():
    result = T.early_stopping_run(steps=600)
    h = result.run.history.set_index("step")
    assert h["val_loss"].iloc[-1] > h.loc[result.best_step, "val_loss"]
    assert h["train_loss"].iloc[-1] < h.loc[result.best_step, "train_loss"]


# --- the trainer's contract -------------------------------------------------------------------


def test_default_run_records_every_documented_column():
    run = T.train("circles", "relu", (32, 32, 32), "he_normal", learning_rate=0.1, batch_size=32, steps=500)
    assert run.diverged_at is None and run.history["step"].iloc[-1] == 500
    assert set(run.history.columns) == {
        "step",
        "examples",
        "train_loss",
        "val_loss",
        "test_loss",
        "train_accuracy",
        "val_accuracy",
        "test_accuracy",
    }
    assert set(run.layers.columns) == {
        "step",
        "layer",
        "grad_norm",
        "dead_fraction",
        "activation_mean",
        "activation_std",
        "saturated_fraction",
    }
    assert list(run.steps.columns) == ["step", "batch_loss", "grad_norm", "clipped_norm", "cosine", "angle"]
    assert len(run.steps) == 500 and run.layers["layer"].max() == 3
    assert run.final["test_accuracy"] > 0.9


def test_batch_norm_run_records_running_statistics_and_the_two_modes():
    run = T.train(
        "circles",
        "sigmoid",
        (8, 8),
        "glorot_uniform",
        learning_rate=0.1,
        batch_size=16,
        steps=20,
        batchnorm=True,
    )
    assert {"running_mean", "running_var", "batch_mean", "batch_var"} <= set(run.layers.columns)
    assert {"output_gap", "train_mode_val_loss"} <= set(run.history.columns)
    first = run.layers[run.layers["step"] == 0]
    assert (first["running_mean"] == 0).all() and (first["running_var"] == 1).all()


def test_same_seed_same_run_and_learning_rate_does_not_change_the_start():
    kwargs = dict(batch_size=32, steps=30)
    a = T.train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.1, **kwargs)
    b = T.train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.1, **kwargs)
    c = T.train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.5, **kwargs)
    pd.testing.assert_frame_equal(a.history, b.history)
    for x, z in zip(a.initial_state.parameters(), c.initial_state.parameters(), strict=True):
        np.testing.assert_array_equal(x, z)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_momentum_and_adam_lower_the_loss(optimizer):
    run = T.train(
        "moons",
        "relu",
        (16, 16),
        "he_normal",
        optimizer=optimizer,
        learning_rate=0.01,
        batch_size=32,
        steps=200,
    )
    assert run.final["train_loss"] < 0.5 * run.history["train_loss"].iloc[0]


def test_adam_first_step_moves_every_weight_by_about_the_learning_rate():
    split = T.training_data("moons", 40)
    run = T.train(
        "moons",
        "tanh",
        SMALL,
        "glorot_normal",
        optimizer="adam",
        learning_rate=0.01,
        batch_size=split.n_train,
        steps=1,
        n_samples=40,
    )
    moved = np.abs(run.state.weights[0] - run.initial_state.weights[0])
    np.testing.assert_allclose(moved, 0.01, rtol=1e-3)


def test_train_reports_progress_up_to_one():
    seen = []
    T.train(
        "circles", "relu", (8,), "he_normal", learning_rate=0.1, batch_size=32, steps=40, progress=seen.append
    )
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_describe_setup_names_the_network_and_training():
    run = T.train("circles", "relu", (8, 8), "he_normal", learning_rate=0.1, batch_size=32, steps=10)
    assert T.describe_setup(run) == (
        "2 hidden layers × 8, He (Kaiming) normal, plain SGD at learning rate 0.1, batch 32, 10 steps, 240 training points"
    )


def test_gradient_comparison_shows_sigmoid_vanishing_and_relu_not():
    comparison = T.gradient_comparison("circles", steps=100)
    s = comparison.summary.set_index("run")
    assert s.loc["sigmoid", "first_over_last"] < 1e-3 < s.loc["ReLU", "first_over_last"]
    assert set(comparison.layers["run"]) == {"sigmoid", "ReLU"}
    assert "1/" in comparison.sentences[0]


# --- presets --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", T.PRESETS)
def test_every_preset_is_a_complete_scene(name):
    preset = T.PRESETS[name]
    assert preset["label"] and preset["description"]
    assert set(preset["settings"]) == set(T.SCENE_DEFAULTS)
    assert preset["settings"] != T.SCENE_DEFAULTS


# --- refused input --------------------------------------------------------------------------------

BASE = dict(dataset="circles", activation="relu", hidden_layers=(4,), init="he_normal", batch_size=8)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"steps": 0}, "steps must be a whole number between 1 and 20,000"),
        ({"steps": 10**6}, "steps must be a whole number between 1 and 20,000"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"learning_rate": 0.0}, "learning_rate must be above 0 and at most 10"),
        ({"learning_rate": 1e3}, "learning_rate must be above 0 and at most 10"),
        ({"learning_rate": float("nan")}, "learning_rate must be a number"),
        ({"learning_rate": -0.1}, "learning_rate must be above 0"),
        ({"clip": ("norm", 0.0)}, "clipping threshold must be a positive number"),
        ({"clip": ("value", 0)}, "clipping threshold must be a positive number"),
        ({"clip": ("value", -1.0)}, "clipping threshold must be a positive number"),
        ({"clip": ("norm", float("inf"))}, "clipping threshold must be a positive number"),
        ({"clip": ("floor", 1.0)}, "clip must be None"),
        ({"optimizer": "rmsprop"}, "Unknown optimizer 'rmsprop'"),
        ({"dataset": "mnist"}, "Unknown dataset 'mnist'"),
        ({"activation": "gelu2"}, "Unknown activation 'gelu2'"),
        ({"hidden_layers": ()}, "hidden_layers must have 1 to 12 layers"),
        ({"hidden_layers": (0,)}, "width must be a whole number between 1 and 256"),
        ({"batch_size": 1000}, "batch_size must be a whole number between 1 and 240"),
        ({"batch_size": 1, "batchnorm": True}, "Batch norm needs a batch of at least 2"),
        ({"seed": -1}, "seed must be a whole number"),
    ],
)
def test_bad_input_is_refused_with_a_message(change, message):
    kwargs = {**BASE, "learning_rate": 0.1, "steps": 10, **change}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        T.train(**kwargs)


# --- what the presets' descriptions claim, measured -------------------------------------------


def test_preset_deep_sigmoid_vanishes_while_tanh_and_relu_stay_within_a_small_factor():
    settings = T.PRESETS["deep_sigmoid"]["settings"]
    comparison = T.gradient_comparison(
        "circles",
        settings["activations"],
        (32,) * settings["depth"],
        settings["init"],
        steps=settings["steps"],
    )
    s = comparison.summary.set_index("run")
    assert s.loc["sigmoid", "first_over_last"] < 1e-4
    assert 0.05 < s.loc["tanh", "first_over_last"] < 20 and 0.05 < s.loc["ReLU", "first_over_last"] < 20


def test_preset_relu_massacre_kills_nearly_every_relu_unit_and_no_leaky_one():
    dying = T.dying_relu(
        "circles", high_learning_rate=T.PRESETS["relu_massacre"]["settings"]["high_learning_rate"]
    )
    s = dying.comparison.summary.set_index("run")
    assert s.loc["ReLU, learning rate 5", "dead_fraction"] > 0.9
    assert s.loc["ReLU, learning rate 5", "final_loss"] == pytest.approx(math.log(2), abs=0.01)
    assert s.loc["Leaky ReLU, learning rate 5", "dead_fraction"] == 0


def test_preset_tanh_batchnorm_trains_better_with_batch_norm():
    settings = T.PRESETS["tanh_batchnorm"]["settings"]
    comparison = T.batchnorm_comparison(
        "circles", "tanh", (32,) * settings["bn_depth"], learning_rate=settings["bn_learning_rate"]
    )
    s = comparison.summary.set_index("run")
    assert s.loc["with batch norm", "final_loss"] < 0.5 * s.loc["without batch norm", "final_loss"]


def test_preset_gentle_clipping_rarely_changes_a_step():
    settings = T.PRESETS["gentle_clipping"]["settings"]
    comparison = T.clipping_comparison(
        "circles",
        gain=settings["gain"],
        value_threshold=settings["value_threshold"],
        norm_threshold=settings["norm_threshold"],
    )
    for run in comparison.runs.values():
        assert run.diverged_at is None
        assert T.clipping_effect(run)["clipped_steps"] <= 0.05 * len(run.steps)
    assert "never changed a step" in comparison.sentences[1]
