"""The training loop: one step against the clipped finite-difference gradient, running statistics,
the recorded tables, divergence without NaN, and refused input."""

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from explainer.nn.layers import overflow_safe_std
from explainer.nn.loop import train
from explainer.nn.model import training_data

from .test_model import SMALL, finite_difference


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
    split = training_data("moons", 40)
    lr = 0.3
    first = train(
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
    run = train(
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


def test_running_statistics_follow_pytorch_momentum_and_unbiased_variance():
    split = training_data("circles", 40)
    run = train(
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


def test_default_run_records_every_documented_column():
    run = train("circles", "relu", (32, 32, 32), "he_normal", learning_rate=0.1, batch_size=32, steps=500)
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
    run = train(
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
    a = train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.1, **kwargs)
    b = train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.1, **kwargs)
    c = train("xor", "tanh", (8, 8), "glorot_normal", learning_rate=0.5, **kwargs)
    pd.testing.assert_frame_equal(a.history, b.history)
    for x, z in zip(a.initial_state.parameters(), c.initial_state.parameters(), strict=True):
        np.testing.assert_array_equal(x, z)


def test_train_reports_progress_up_to_one():
    seen = []
    train(
        "circles", "relu", (8,), "he_normal", learning_rate=0.1, batch_size=32, steps=40, progress=seen.append
    )
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_divergence_is_reported_as_a_step_without_nan():
    run = train(
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
        run = train(
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
    assert overflow_safe_std(a) == pytest.approx(float(np.std(a)), rel=1e-14)
    assert overflow_safe_std(a * 1e190) == pytest.approx(float(np.std(a)) * 1e190, rel=1e-12)
    assert not math.isfinite(overflow_safe_std(np.array([1.0, np.inf])))


def test_a_huge_learning_rate_diverges_cleanly():
    run = train(
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
        train(**kwargs)
