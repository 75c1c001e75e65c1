"""The training page's MLP: its parameters, data split, exact forward and backward pass, and argument checks.

The network is ``len(hidden_layers)`` hidden layers and one sigmoid output unit trained on the
mean binary cross-entropy (the canonical link, so ∂loss/∂logit = p − y, as scikit-learn's
``MLPClassifier`` does):

    z_l = h_{l-1} W_l + b_l,   u_l = z_l  or  γ_l · BN(z_l) + β_l,   h_l = f(u_l)
    logit = h_L w + c,         loss = mean( log(1 + e^logit) − y · logit )

with weights (fan_in, fan_out) from ``INITIALIZERS`` and zero biases. With batch norm a layer has
no bias b_l (β_l takes its place, as PyTorch's ``Linear(bias=False)`` before ``BatchNorm1d``).

Batch norm follows PyTorch's ``BatchNorm1d`` (REFERENCE.md §5; Ioffe & Szegedy 2015): in
training mode each unit is normalised with the minibatch's mean and *biased* variance
(``layers.batch_norm``, the arithmetic every numpy network here shares); after each step the
running statistics move by momentum 0.1,

    running_mean ← 0.9 · running_mean + 0.1 · batch_mean
    running_var  ← 0.9 · running_var  + 0.1 · batch_var · m / (m − 1)   (the *unbiased* variance)

starting from 0 and 1, and inference mode normalises with them instead; ε = 1e-5.

Every gradient is exact (a hand-written backward pass, checked against finite differences in the
tests).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import special

from ..activations import ACTIVATIONS, get_activation
from ..datasets import get_dataset
from ..initializers import get_initializer
from .checks import whole
from .layers import BN_EPS, batch_norm, batch_norm_backward

MAX_LAYERS = 12
MAX_WIDTH = 256
MAX_SAMPLES = 4_000
MIN_SAMPLES = 40
MAX_SEED = 2**32 - 1
BN_MOMENTUM = 0.1  # PyTorch BatchNorm1d
SPLIT = (0.6, 0.2, 0.2)  # train, validation, test
DEFAULT_SAMPLES = 400


# --- validation ------------------------------------------------------------------------------


def check_hidden_layers(hidden_layers) -> tuple[int, ...]:
    """``hidden_layers`` as a tuple of 1 to 12 widths, each 1 to 256."""
    if isinstance(hidden_layers, str | bytes) or not isinstance(hidden_layers, Sequence):
        raise ValueError(
            f"hidden_layers must be a sequence of widths, e.g. (32, 32, 32); got {hidden_layers!r}."
        )
    if not 1 <= len(hidden_layers) <= MAX_LAYERS:
        raise ValueError(f"hidden_layers must have 1 to {MAX_LAYERS} layers; got {len(hidden_layers)}.")
    return tuple(whole("Each hidden layer width", w, 1, MAX_WIDTH) for w in hidden_layers)


def check_seed(seed) -> int:
    """``seed`` as an int in [0, 2**32 − 1]."""
    return whole("seed", seed, 0, MAX_SEED)


# --- data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A dataset drawn once and split 60 / 20 / 20 into training, validation and test points."""

    dataset: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_train(self) -> int:
        return len(self.y_train)


def training_data(
    dataset: str, n_samples: int = DEFAULT_SAMPLES, noise: float | None = None, data_seed: int = 0
) -> Split:
    """``DATASETS[dataset](n_samples, noise, data_seed)`` split 60 / 20 / 20 (train / validation /
    test) in a seeded random order. The generators already interleave the classes."""
    entry = get_dataset(dataset)
    n_samples = whole("n_samples", n_samples, MIN_SAMPLES, MAX_SAMPLES)
    X, y = entry(n_samples, noise, check_seed(data_seed))
    order = np.random.default_rng(np.random.SeedSequence([data_seed, 7])).permutation(n_samples)
    X, y = X[order], y[order].astype(np.float64)
    n_train = round(SPLIT[0] * n_samples)
    n_val = round(SPLIT[1] * n_samples)
    parts = np.split(np.arange(n_samples), [n_train, n_train + n_val])
    return Split(dataset, *(a for idx in parts for a in (X[idx], y[idx])))


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelState:
    """The parameters (and batch-norm running statistics) of one network.

    ``weights[l]`` has shape (fan_in, fan_out) and is used as ``h @ W``; the last entry is the
    output layer (fan_out 1). ``biases[l]`` is the layer's bias (an empty array for a hidden layer
    with batch norm, which uses ``betas`` instead). ``gammas``, ``betas``, ``running_means`` and
    ``running_vars`` have one array per hidden layer with batch norm, and are empty otherwise.
    """

    activation: str
    params: tuple[tuple[str, float], ...]
    batchnorm: bool
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    gammas: tuple[np.ndarray, ...] = ()
    betas: tuple[np.ndarray, ...] = ()
    running_means: tuple[np.ndarray, ...] = ()
    running_vars: tuple[np.ndarray, ...] = ()

    @property
    def depth(self) -> int:
        """The number of hidden layers."""
        return len(self.weights) - 1

    def parameters(self) -> list[np.ndarray]:
        """The trainable arrays in the order gradients are returned: per hidden layer W and b (or
        W, γ, β with batch norm), then the output layer's w and c."""
        out = []
        for i in range(self.depth):
            out.append(self.weights[i])
            out.extend((self.gammas[i], self.betas[i]) if self.batchnorm else (self.biases[i],))
        out.extend((self.weights[-1], self.biases[-1]))
        return out

    def with_parameters(self, arrays: Sequence[np.ndarray]) -> ModelState:
        """A copy with the trainable arrays replaced (same order as ``parameters``)."""
        it = iter(arrays)
        weights, biases, gammas, betas = [], [], [], []
        for _ in range(self.depth):
            weights.append(next(it))
            if self.batchnorm:
                gammas.append(next(it))
                betas.append(next(it))
                biases.append(np.zeros(0))
            else:
                biases.append(next(it))
        weights.append(next(it))
        biases.append(next(it))
        return replace(
            self,
            weights=tuple(weights),
            biases=tuple(biases),
            gammas=tuple(gammas),
            betas=tuple(betas),
        )

    def copy(self) -> ModelState:
        """A deep copy (training updates arrays in place)."""
        copy = lambda arrays: tuple(a.copy() for a in arrays)
        return replace(
            self,
            weights=copy(self.weights),
            biases=copy(self.biases),
            gammas=copy(self.gammas),
            betas=copy(self.betas),
            running_means=copy(self.running_means),
            running_vars=copy(self.running_vars),
        )


def initial_state(
    activation: str,
    hidden_layers: Sequence[int],
    init: str,
    *,
    batchnorm: bool = False,
    seed: int = 0,
    gain: float = 1.0,
    params: Mapping[str, float] | None = None,
    n_inputs: int = 2,
) -> ModelState:
    """The seeded starting network: weights ``INITIALIZERS[init].sample`` (times ``gain``) from a
    stream of their own, zero biases, γ = 1, β = 0, running mean 0 and running variance 1."""
    return seeded_state(
        activation,
        check_hidden_layers(hidden_layers),
        init,
        batchnorm=batchnorm,
        seed=seed,
        gain=gain,
        params=params,
        n_inputs=n_inputs,
    )


def seeded_state(
    activation: str,
    widths: tuple[int, ...],
    init: str,
    *,
    batchnorm: bool = False,
    seed: int = 0,
    gain: float = 1.0,
    params: Mapping[str, float] | None = None,
    n_inputs: int = 2,
) -> ModelState:
    """``initial_state`` for hidden widths the caller has checked against its own limits (the
    playground allows no hidden layer at all, which the training page refuses)."""
    act = get_activation(activation)
    initializer = get_initializer(init)
    rng = np.random.default_rng(np.random.SeedSequence(check_seed(seed)).spawn(2)[0])
    fans = [n_inputs, *widths, 1]
    weights = tuple(initializer.sample(a, b, rng, gain) for a, b in itertools.pairwise(fans))
    biases = (*(np.zeros(0) if batchnorm else np.zeros(w) for w in widths), np.zeros(1))
    bn = (lambda value: tuple(np.full(w, value) for w in widths)) if batchnorm else (lambda value: ())
    return ModelState(
        act.key,
        tuple(sorted(act.resolve(params).items())),
        bool(batchnorm),
        weights,
        biases,
        bn(1.0),
        bn(0.0),
        bn(0.0),
        bn(1.0),
    )


@dataclass
class ForwardPass:
    """What one forward pass keeps for the backward pass and the statistics."""

    inputs: list[np.ndarray]  # h_0 .. h_{L}
    slopes: list[np.ndarray]  # f'(u_l)
    normalised: list[np.ndarray]  # x̂_l (batch norm only)
    inv_std: list[np.ndarray]  # 1 / √(var_l + ε) (batch norm only)
    batch_means: list[np.ndarray]
    batch_vars: list[np.ndarray]  # biased, over the batch
    logits: np.ndarray
    training: bool = True  # batch statistics (True) or the running ones, constants (False)


def _functions(state: ModelState):
    """(f, f_and_slope) for the state's activation: f(u), and (f(u), f′(u)) as the registry's
    ``value_and_grad`` gives them, which shares work between them (one exponential for sigmoid),
    as the depth engine's pass does."""
    return _bound(state.activation, state.params)


@functools.lru_cache(maxsize=64)
def _bound(key: str, params: tuple[tuple[str, float], ...]):
    # ``value_and_grad`` with its parameters resolved once, not on every layer of every step:
    # the same calls on the same float64 arrays.
    act = ACTIVATIONS[key]
    resolved = act.resolve(dict(params))
    f = functools.partial(act.fn, **resolved)
    if act.fused is not None:
        return f, functools.partial(act.fused, **resolved)
    grad = functools.partial(act.grad, **resolved)
    return f, lambda u: (f(u), grad(u))


def forward(state: ModelState, X: np.ndarray, training: bool, slopes: bool = True) -> ForwardPass:
    """Forward pass; ``training`` normalises with the batch's statistics, else the running ones;
    ``slopes`` keeps f′(u) per layer (for a backward pass or the dead and saturated counts)."""
    f, both = _functions(state)
    p = ForwardPass([X], [], [], [], [], [], np.empty(0), training)
    h = X
    with np.errstate(all="ignore"):
        for i in range(state.depth):
            z = h @ state.weights[i]
            if state.batchnorm:
                if training:
                    # z is a fresh product, so normalising it in place is safe.
                    xhat, inv, mean, var = batch_norm(z)
                    p.batch_means.append(mean)
                    p.batch_vars.append(var)
                else:
                    inv = 1.0 / np.sqrt(state.running_vars[i] + BN_EPS)
                    xhat = (z - state.running_means[i]) * inv
                p.normalised.append(xhat)
                p.inv_std.append(inv)
                u = xhat * state.gammas[i] + state.betas[i]
            else:
                u = z + state.biases[i]
            if slopes:
                h, d = both(u)
                p.slopes.append(d)
            else:
                h = f(u)
            p.inputs.append(h)
        p.logits = (h @ state.weights[-1])[:, 0] + state.biases[-1][0]
    return p


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy from logits: log(1 + e^t) − y·t, exact for every finite t."""
    with np.errstate(all="ignore"):
        return float(np.mean(np.logaddexp(0.0, logits) - y * logits))


def backward(state: ModelState, p: ForwardPass, y: np.ndarray) -> list[np.ndarray]:
    """Exact gradients of the mean cross-entropy, in ``ModelState.parameters`` order."""
    m = len(y)
    grads: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        delta = ((special.expit(p.logits) - y) / m)[:, None]
        grads_out = [p.inputs[-1].T @ delta, delta.sum(axis=0)]
        g = delta @ state.weights[-1].T
        for i in range(state.depth - 1, -1, -1):
            du = g * p.slopes[i]
            if state.batchnorm:
                xhat, inv = p.normalised[i], p.inv_std[i]
                dgamma = np.einsum("ij,ij->j", du, xhat)
                dbeta = du.sum(axis=0)
                dxhat = du * state.gammas[i]
                # Training mode: the gradient flows through the batch mean and biased variance.
                # Inference mode: the running mean and variance are constants, so BN is affine in z.
                dz = batch_norm_backward(dxhat, xhat, inv) if p.training else inv * dxhat
                layer = [p.inputs[i].T @ dz, dgamma, dbeta]
            else:
                dz = du
                layer = [p.inputs[i].T @ dz, dz.sum(axis=0)]
            grads[:0] = layer
            if i:
                g = dz @ state.weights[i].T
    return grads + grads_out


def loss_and_gradients(
    state: ModelState, X: np.ndarray, y: np.ndarray, training: bool = True
) -> tuple[float, list[np.ndarray]]:
    """(mean cross-entropy, its exact gradient per array of ``state.parameters()``) on (X, y);
    ``training`` uses the batch's statistics in batch norm, as a training step does (the gradient
    flows through the batch mean and variance); otherwise the running statistics, constants."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    p = forward(state, X, training)
    return cross_entropy(p.logits, y), backward(state, p, y)


def predict_proba(state: ModelState, X: np.ndarray, training: bool = False) -> np.ndarray:
    """P(class 1) for each row of X; inference mode (running statistics) unless ``training``."""
    p = forward(state, np.asarray(X, dtype=np.float64), training, slopes=False)
    return special.expit(p.logits)


def update_running_statistics(state: ModelState, p: ForwardPass, batch_size: int) -> None:
    """Move ``state``'s running mean and variance towards the batch's, in place, as PyTorch's
    ``BatchNorm1d`` does: momentum 0.1, with the *unbiased* batch variance."""
    unbias = batch_size / (batch_size - 1) if batch_size > 1 else 1.0
    for i in range(state.depth):
        rm, rv = state.running_means[i], state.running_vars[i]
        rm *= 1.0 - BN_MOMENTUM
        rm += BN_MOMENTUM * p.batch_means[i]
        rv *= 1.0 - BN_MOMENTUM
        rv += (BN_MOMENTUM * unbias) * p.batch_vars[i]
