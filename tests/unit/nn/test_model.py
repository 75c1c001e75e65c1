"""The training model: exact gradients against finite differences, batch norm's two modes, and the
one batch norm it shares with the depth engine."""

import numpy as np
import pytest

from explainer.activations import ACTIVATIONS
from explainer.nn import engine, layers, model
from explainer.nn.loop import train
from explainer.nn.model import ModelState, initial_state, loss_and_gradients, predict_proba, training_data

SMALL = (4, 3)
ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def perturbed_state(activation: str, batchnorm: bool, seed: int = 3) -> ModelState:
    """A tiny network with γ, β, biases and running statistics away from their initial values."""
    state = initial_state(activation, SMALL, "glorot_normal", batchnorm=batchnorm, seed=seed)
    rng = np.random.default_rng(seed)
    state = state.with_parameters([a + rng.normal(scale=0.3, size=a.shape) for a in state.parameters()])
    for rm, rv in zip(state.running_means, state.running_vars, strict=True):
        rm += rng.normal(size=rm.shape)
        rv *= rng.uniform(0.5, 2.0, size=rv.shape)
    return state


def finite_difference(
    state: ModelState, X, y, h: float = 1e-6, training: bool = True, objective=None
) -> list[np.ndarray]:
    """Central differences of the loss (in batch norm's training or inference mode), or of
    ``objective(state, X, y)``'s first value, in every parameter."""
    objective = objective or (lambda s, a, b: loss_and_gradients(s, a, b, training=training))
    grads = []
    for a in state.parameters():
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + h
            plus, _ = objective(state, X, y)
            a[idx] = old - h
            minus, _ = objective(state, X, y)
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
    _, exact = loss_and_gradients(state, X, y, training=training)
    assert max_relative_error(exact, finite_difference(state, X, y, training=training)) < 1e-5


# --- batch norm -----------------------------------------------------------------------------------


def test_training_batch_norm_is_the_depth_engines_batch_norm():
    # One batch norm for every numpy network (issue 12): the training model and the depth engine
    # both call the arithmetic in nn.layers.
    assert model.batch_norm is layers.batch_norm is engine.batch_norm
    assert model.batch_norm_backward is layers.batch_norm_backward is engine.batch_norm_backward
    assert model.BN_EPS == layers.BN_EPS == 1e-5


def test_training_mode_forward_normalises_with_the_shared_batch_norm_bit_for_bit(data):
    X, _ = data
    state = perturbed_state("tanh", batchnorm=True)
    p = model.forward(state, X, training=True)
    xhat, inv, mean, var = layers.batch_norm(X @ state.weights[0])
    np.testing.assert_array_equal(p.normalised[0], xhat)
    np.testing.assert_array_equal(p.inv_std[0], inv)
    np.testing.assert_array_equal(p.batch_means[0], mean)
    np.testing.assert_array_equal(p.batch_vars[0], var)


def manual_inference(state: ModelState, X: np.ndarray) -> np.ndarray:
    """Inference-mode batch norm written out with the running statistics (PyTorch's eval())."""
    f = lambda u: ACTIVATIONS[state.activation].f(u)
    h = X
    for i in range(state.depth):
        z = h @ state.weights[i]
        u = (
            state.gammas[i] * (z - state.running_means[i]) / np.sqrt(state.running_vars[i] + layers.BN_EPS)
            + state.betas[i]
        )
        h = f(u)
    logits = h @ state.weights[-1][:, 0] + state.biases[-1][0]
    return 1.0 / (1.0 + np.exp(-logits))


def test_inference_mode_batch_norm_uses_the_running_statistics():
    run = train(
        "circles", "tanh", (8, 8), "glorot_uniform", learning_rate=0.1, batch_size=16, steps=5, batchnorm=True
    )
    X = training_data("circles").X_val
    inference = predict_proba(run.state, X)
    np.testing.assert_allclose(inference, manual_inference(run.state, X), rtol=1e-10)
    # Batch statistics give other numbers, and make a point's prediction depend on its batch.
    training_mode = predict_proba(run.state, X, training=True)
    assert np.max(np.abs(training_mode - inference)) > 1e-3
    alone = np.array([predict_proba(run.state, X[i : i + 1])[0] for i in range(5)])
    np.testing.assert_allclose(alone, inference[:5], rtol=1e-12)


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_the_forward_pass_bound_activation_is_the_registrys_value_and_grad(key):
    from explainer.nn.model import _functions

    act = ACTIVATIONS[key]
    params = {p.name: p.low + 0.37 * (p.high - p.low) for p in act.params}
    state = initial_state(key, (4,), "he_normal", params=params)
    u = np.random.default_rng(3).standard_normal((16, 4)) * 4.0
    f, both = _functions(state)
    value, slope = both(u)
    expected_value, expected_slope = act.value_and_grad(u, dict(state.params))
    np.testing.assert_array_equal(value, expected_value)
    np.testing.assert_array_equal(slope, expected_slope)
    np.testing.assert_array_equal(f(u), act.fn(u, **dict(state.params)))
