"""Optimizers and clipping: clipping by norm and by value as PyTorch does it, norms that do not
overflow, and what one step of each optimizer does."""

import math

import numpy as np
import pytest

from explainer.nn.loop import train
from explainer.nn.model import training_data
from explainer.nn.optimizers import clip_gradients, cosine, global_norm

from .test_model import SMALL


def test_global_norm_does_not_overflow_for_huge_finite_gradients():
    g = [np.full(3, 1e200), np.full(2, -1e200)]
    assert global_norm(g) == pytest.approx(math.sqrt(5) * 1e200)
    assert global_norm([np.array([np.inf])]) == math.inf


# --- clipping -------------------------------------------------------------------------------------


def test_clip_by_norm_keeps_the_direction_and_caps_the_length():
    rng = np.random.default_rng(0)
    g = [rng.normal(size=(5, 4)) * 10, rng.normal(size=4)]
    clipped = clip_gradients(g, ("norm", 1.0))
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-5)
    assert cosine(clipped, g) == pytest.approx(1.0, abs=1e-12)
    unclipped = clip_gradients(g, ("norm", 1e6))
    assert all(np.array_equal(a, b) for a, b in zip(unclipped, g, strict=True))


def test_clip_by_value_bounds_every_entry_and_turns_the_gradient():
    g = [np.array([[10.0, 0.1], [0.2, -5.0]]), np.array([0.05])]
    clipped = clip_gradients(g, ("value", 0.5))
    assert max(float(np.max(np.abs(a))) for a in clipped) == 0.5
    assert cosine(clipped, g) < 0.99


# --- optimizers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_momentum_and_adam_lower_the_loss(optimizer):
    run = train(
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
    split = training_data("moons", 40)
    run = train(
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


def _optimizer_array_by_array(kind, lr, arrays, steps):
    """The updates as first written, one array at a time (PyTorch's formulas)."""
    from explainer.nn.optimizers import ADAM_BETAS, ADAM_EPS, MOMENTUM

    m = [np.zeros_like(a) for a in arrays]
    v = [np.zeros_like(a) for a in arrays]
    with np.errstate(all="ignore"):
        for t, grads in enumerate(steps, start=1):
            for a, g, mi, vi in zip(arrays, grads, m, v, strict=True):
                if kind == "sgd":
                    a -= lr * g
                elif kind == "momentum":
                    mi *= MOMENTUM
                    mi += g
                    a -= lr * mi
                else:
                    b1, b2 = ADAM_BETAS
                    c1, c2 = 1.0 - b1**t, 1.0 - b2**t
                    mi *= b1
                    mi += (1.0 - b1) * g
                    vi *= b2
                    vi += (1.0 - b2) * g * g
                    a -= lr * (mi / c1) / (np.sqrt(vi / c2) + ADAM_EPS)
    return arrays, m, v


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_the_flat_optimizer_updates_every_array_as_the_array_by_array_formulas(kind):
    from explainer.nn.optimizers import Optimizer

    rng = np.random.default_rng(4)
    shapes = [(3, 5), (5,), (5, 1), (1,), (2, 2)]
    start = [rng.standard_normal(shape) for shape in shapes]
    steps = [[rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8) for shape in shapes] for _ in range(6)]
    steps[3][0][0, 0] = np.inf  # a gradient that overflowed: both must carry it the same way
    expected, m, v = _optimizer_array_by_array(kind, 0.03, [a.copy() for a in start], steps)
    arrays = [a.copy() for a in start]
    optimizer = Optimizer(kind, 0.03, arrays)
    for grads in steps:
        optimizer.step(arrays, grads)
    for found, wanted in zip(arrays, expected, strict=True):
        np.testing.assert_array_equal(found, wanted)
    for found, wanted in zip(optimizer.m, m if kind != "sgd" else [], strict=True):
        np.testing.assert_array_equal(found, wanted)
    for found, wanted in zip(optimizer.v, v if kind == "adam" else [], strict=True):
        np.testing.assert_array_equal(found, wanted)
