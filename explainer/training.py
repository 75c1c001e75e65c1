"""Training dynamics: a small numpy MLP actually trained on a 2-D dataset, measured as it learns.

The network is ``len(hidden_layers)`` hidden layers and one sigmoid output unit trained on the
mean binary cross-entropy (the canonical link, so ∂loss/∂logit = p − y, as scikit-learn's
``MLPClassifier`` does):

    z_l = h_{l-1} W_l + b_l,   u_l = z_l  or  γ_l · BN(z_l) + β_l,   h_l = f(u_l)
    logit = h_L w + c,         loss = mean( log(1 + e^logit) − y · logit )

with weights (fan_in, fan_out) from ``INITIALIZERS`` and zero biases. With batch norm a layer has
no bias b_l (β_l takes its place, as PyTorch's ``Linear(bias=False)`` before ``BatchNorm1d``).

Batch norm follows PyTorch's ``BatchNorm1d`` (REFERENCE.md §5; Ioffe & Szegedy 2015): in
training mode each unit is normalised with the minibatch's mean and *biased* variance; after
each step the running statistics move by momentum 0.1,

    running_mean ← 0.9 · running_mean + 0.1 · batch_mean
    running_var  ← 0.9 · running_var  + 0.1 · batch_var · m / (m − 1)   (the *unbiased* variance)

starting from 0 and 1, and inference mode normalises with them instead; ε = 1e-5.

Every gradient is exact (a hand-written backward pass, checked against finite differences in the
tests). Clipping follows Pascanu, Mikolov & Bengio (2013) as PyTorch implements it:
``("norm", t)`` multiplies the whole gradient by min(1, t / (‖g‖ + 1e-6)) (``clip_grad_norm_``),
``("value", t)`` clamps every entry to [−t, t] (``clip_grad_value_``). Optimizers: ``sgd``,
``momentum`` (PyTorch's SGD with momentum 0.9: v ← 0.9 v + g, θ ← θ − η v) and ``adam``
(Kingma & Ba 2015; β = (0.9, 0.999), ε = 1e-8, bias-corrected).

A run whose loss, gradient or weights leave float64 stops there and reports ``diverged_at``; no
NaN reaches a returned table and no RuntimeWarning is raised.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import special

from .activations import ACTIVATIONS, get_activation
from .curves import SATURATION_THRESHOLD
from .datasets import get_dataset
from .initializers import INITIALIZERS, get_initializer

MAX_STEPS = 20_000
MAX_LEARNING_RATE = 10.0
MAX_LAYERS = 12
MAX_WIDTH = 256
MAX_SAMPLES = 4_000
MIN_SAMPLES = 40
MAX_TRIALS = 2_000
MAX_SEED = 2**32 - 1
OPTIMIZERS = ("sgd", "momentum", "adam")
CLIP_MODES = ("norm", "value")
BN_EPS = 1e-5  # PyTorch BatchNorm1d
BN_MOMENTUM = 0.1  # PyTorch BatchNorm1d
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
CLIP_EPS = 1e-6  # PyTorch clip_grad_norm_: max_norm / (total_norm + 1e-6)
SPLIT = (0.6, 0.2, 0.2)  # train, validation, test
DEFAULT_SAMPLES = 400
RECORDS = 100  # evaluations per run when record_every is not given
SECTION_RECORDS = 20  # evaluations per run in the page's comparisons
# A weight beyond this is far past any trained network; one more product overflows float64.
WEIGHT_LIMIT = 1e100
LN2 = math.log(2.0)

HIDDEN = (32, 32, 32)


# --- validation ------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


def _whole(name: str, value, low: int, high: int) -> int:
    message = f"{name} must be a whole number between {low:,} and {high:,}; got {value!r}."
    if not _is_number(value) or not math.isfinite(value) or not float(value).is_integer():
        raise ValueError(message)
    if not low <= value <= high:
        raise ValueError(message)
    return int(value)


def check_learning_rate(learning_rate) -> float:
    """``learning_rate`` as a float in (0, 10]; a ValueError says what came otherwise."""
    if not _is_number(learning_rate) or not math.isfinite(learning_rate):
        raise ValueError(
            f"learning_rate must be a number in (0, {MAX_LEARNING_RATE:g}]; got {learning_rate!r}."
        )
    if not 0.0 < learning_rate <= MAX_LEARNING_RATE:
        raise ValueError(
            f"learning_rate must be above 0 and at most {MAX_LEARNING_RATE:g}; got {learning_rate!r}. "
            "At 0 nothing moves; far above 1 plain gradient descent on this loss only diverges."
        )
    return float(learning_rate)


def check_steps(steps) -> int:
    """``steps`` as an int in [1, 20,000]."""
    return _whole("steps", steps, 1, MAX_STEPS)


def check_clip(clip) -> tuple[str, float] | None:
    """None, or ("norm" | "value", threshold > 0)."""
    if clip is None:
        return None
    if not isinstance(clip, tuple | list) or len(clip) != 2 or clip[0] not in CLIP_MODES:
        raise ValueError(f"clip must be None, ('norm', threshold) or ('value', threshold); got {clip!r}.")
    threshold = clip[1]
    if not _is_number(threshold) or not math.isfinite(threshold) or threshold <= 0:
        raise ValueError(
            f"The clipping threshold must be a positive number; got {threshold!r}. "
            "A threshold of 0 would clip every gradient to nothing."
        )
    return str(clip[0]), float(threshold)


def check_hidden_layers(hidden_layers) -> tuple[int, ...]:
    """``hidden_layers`` as a tuple of 1 to 12 widths, each 1 to 256."""
    if isinstance(hidden_layers, str | bytes) or not isinstance(hidden_layers, Sequence):
        raise ValueError(
            f"hidden_layers must be a sequence of widths, e.g. (32, 32, 32); got {hidden_layers!r}."
        )
    if not 1 <= len(hidden_layers) <= MAX_LAYERS:
        raise ValueError(f"hidden_layers must have 1 to {MAX_LAYERS} layers; got {len(hidden_layers)}.")
    return tuple(_whole("Each hidden layer width", w, 1, MAX_WIDTH) for w in hidden_layers)


def check_seed(seed) -> int:
    """``seed`` as an int in [0, 2**32 − 1]."""
    return _whole("seed", seed, 0, MAX_SEED)


def _check_optimizer(optimizer) -> str:
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}; expected one of {list(OPTIMIZERS)}.")
    return optimizer


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
    n_samples = _whole("n_samples", n_samples, MIN_SAMPLES, MAX_SAMPLES)
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
    act = get_activation(activation)
    widths = check_hidden_layers(hidden_layers)
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
class _Pass:
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
    """(f, f_and_slope) for the state's activation: f(u) and (f(u), f′(u))."""
    act = ACTIVATIONS[state.activation]
    params = dict(state.params)
    f = lambda u: act.fn(u, **params)
    if act.key == "sigmoid":
        # σ′(u) = σ(u)·σ(−u) from the σ(u) already computed: one expit fewer, still exact in the tails.
        def both(u):
            s = special.expit(u)
            return s, s * special.expit(-u)

    else:

        def both(u):
            return f(u), act.grad(u, **params)

    return f, both


def _forward(state: ModelState, X: np.ndarray, training: bool, slopes: bool = True) -> _Pass:
    """Forward pass; ``training`` normalises with the batch's statistics, else the running ones;
    ``slopes`` keeps f′(u) per layer (for a backward pass or the dead and saturated counts)."""
    f, both = _functions(state)
    p = _Pass([X], [], [], [], [], [], np.empty(0), training)
    h = X
    with np.errstate(all="ignore"):
        for i in range(state.depth):
            z = h @ state.weights[i]
            if state.batchnorm:
                if training:
                    mean = z.mean(axis=0)
                    z = z - mean
                    var = np.einsum("ij,ij->j", z, z) / z.shape[0]
                    p.batch_means.append(mean)
                    p.batch_vars.append(var)
                else:
                    z = z - state.running_means[i]
                    var = state.running_vars[i]
                inv = 1.0 / np.sqrt(var + BN_EPS)
                xhat = z * inv
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


def _loss(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy from logits: log(1 + e^t) − y·t, exact for every finite t."""
    with np.errstate(all="ignore"):
        return float(np.mean(np.logaddexp(0.0, logits) - y * logits))


def _backward(state: ModelState, p: _Pass, y: np.ndarray) -> list[np.ndarray]:
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
                if p.training:
                    # Ioffe & Szegedy (2015), Algorithm 1 backward, with the batch mean and biased variance.
                    dz = inv * (dxhat - dxhat.mean(axis=0) - xhat * (np.einsum("ij,ij->j", dxhat, xhat) / m))
                else:
                    # Inference mode: the running mean and variance are constants, so BN is affine in z.
                    dz = inv * dxhat
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
    p = _forward(state, X, training)
    return _loss(p.logits, y), _backward(state, p, y)


def predict_proba(state: ModelState, X: np.ndarray, training: bool = False) -> np.ndarray:
    """P(class 1) for each row of X; inference mode (running statistics) unless ``training``."""
    p = _forward(state, np.asarray(X, dtype=np.float64), training, slopes=False)
    return special.expit(p.logits)


# --- clipping and norms ----------------------------------------------------------------------


def _sum_squares(arrays: Sequence[np.ndarray]) -> float:
    with np.errstate(all="ignore"):
        return float(sum(np.dot(a.ravel(), a.ravel()) for a in arrays))


def global_norm(arrays: Sequence[np.ndarray]) -> float:
    """√Σ‖a‖² over all arrays, as if concatenated (``clip_grad_norm_``'s total norm), without
    overflow for finite entries; inf if an entry is not finite."""
    s = _sum_squares(arrays)
    if math.isfinite(s):
        return math.sqrt(s)
    if not all(np.isfinite(a).all() for a in arrays):
        return math.inf
    c = max(float(np.max(np.abs(a))) for a in arrays if a.size)
    return c * math.sqrt(_sum_squares([a / c for a in arrays]))


def overflow_safe_std(a: np.ndarray) -> float:
    """``np.std(a)`` without overflow for finite entries: activations near 1e190 square past
    float64, so then the entries are divided by the largest |entry| first. Not finite if an entry is not."""
    with np.errstate(all="ignore"):
        std = float(np.std(a))
    if math.isfinite(std) or not np.isfinite(a).all():
        return std
    c = float(np.max(np.abs(a)))
    return c * float(np.std(a / c))


def clip_gradients(grads: Sequence[np.ndarray], clip: tuple[str, float] | None) -> list[np.ndarray]:
    """The gradient after clipping (Pascanu et al. 2013, as PyTorch implements it): by norm,
    every array times min(1, t / (‖g‖ + 1e-6)) with ‖g‖ the global norm; by value, every entry
    clamped to [−t, t]; None returns the arrays unchanged."""
    clip = check_clip(clip)
    if clip is None:
        return list(grads)
    mode, t = clip
    if mode == "value":
        return [np.clip(g, -t, t) for g in grads]
    coefficient = min(1.0, t / (global_norm(grads) + CLIP_EPS))
    return [g * coefficient for g in grads]


def cosine(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    """The cosine of the angle between two gradients (lists of arrays, as one vector each); 1 when
    either is zero (no direction to change)."""
    na, nb = global_norm(a), global_norm(b)
    if na == 0 or nb == 0 or not (math.isfinite(na) and math.isfinite(nb)):
        return 1.0
    with np.errstate(all="ignore"):
        dot = float(sum(np.dot((x / na).ravel(), (z / nb).ravel()) for x, z in zip(a, b, strict=True)))
    return max(-1.0, min(1.0, dot))


def angle_degrees(cos: float) -> float:
    """The angle whose cosine is ``cos``, in degrees."""
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


# --- optimizers ---------------------------------------------------------------------------------


class _Optimizer:
    """In-place updates θ ← θ − η · step(g) for ``sgd``, ``momentum`` and ``adam``."""

    def __init__(self, kind: str, learning_rate: float, arrays: Sequence[np.ndarray]):
        self.kind, self.lr, self.t = kind, learning_rate, 0
        self.m = [np.zeros_like(a) for a in arrays] if kind != "sgd" else []
        self.v = [np.zeros_like(a) for a in arrays] if kind == "adam" else []

    def step(self, arrays: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        self.t += 1
        with np.errstate(all="ignore"):
            if self.kind == "sgd":
                for a, g in zip(arrays, grads, strict=True):
                    a -= self.lr * g
            elif self.kind == "momentum":
                for a, g, m in zip(arrays, grads, self.m, strict=True):
                    m *= MOMENTUM
                    m += g
                    a -= self.lr * m
            else:
                b1, b2 = ADAM_BETAS
                c1, c2 = 1.0 - b1**self.t, 1.0 - b2**self.t
                for a, g, m, v in zip(arrays, grads, self.m, self.v, strict=True):
                    m *= b1
                    m += (1.0 - b1) * g
                    v *= b2
                    v += (1.0 - b2) * g * g
                    a -= self.lr * (m / c1) / (np.sqrt(v / c2) + ADAM_EPS)


# --- training -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRun:
    """One seeded training run and everything measured along the way.

    ``history`` — one row per evaluation (step 0, every ``record_every`` steps, and the last):
      step, examples (step × batch size), train_loss, val_loss, test_loss, train_accuracy,
      val_accuracy, test_accuracy (inference mode), and with batch norm also
      train_mode_val_loss (the validation set normalised with its own statistics) and
      output_gap, the mean |P_train-mode − P_inference-mode| over the validation points.
    ``layers`` — one row per evaluation and hidden layer (1 = nearest the input): step, layer,
      grad_norm (‖∂loss/∂W_l‖ over the whole training set), dead_fraction (share of the layer's
      units with f′(u) = 0 on every training point), activation_mean, activation_std,
      saturated_fraction (share of unit-point pairs with |f′(u)| < 0.01); with batch norm also
      running_mean, running_var (averaged over the layer's units) and batch_mean, batch_var (the
      same statistics of the whole training set, which the running ones estimate).
    ``steps`` — one row per update made (including, for a run that diverged, the update that did):
      step, batch_loss, grad_norm (global norm of the minibatch gradient before clipping),
      clipped_norm (after), cosine (between clipped and raw gradient), angle (its angle in degrees).
    ``state`` is the network when training stopped (after ``diverged_at`` − 1 updates for a
    run that diverged); ``initial_state`` before the first update. ``diverged_at`` is the update
    after which the loss (on the next minibatch or the training set) or the gradient left float64
    (None if none; 0 if the initial network already overflows). ``seconds`` is the whole
    call, ``train_seconds`` the time spent in update steps alone (no evaluations).
    """

    settings: dict
    history: pd.DataFrame
    layers: pd.DataFrame
    steps: pd.DataFrame
    state: ModelState
    initial_state: ModelState
    diverged_at: int | None
    seconds: float
    train_seconds: float

    @property
    def message(self) -> str | None:
        """ "diverged at step k" with what left float64 and the step the curves stop at (the last
        row of ``history``), or None for a run that did not diverge."""
        if self.diverged_at is None:
            return None
        if self.history.empty:
            return (
                f"diverged at step {self.diverged_at}: the network's loss or gradient overflowed float64 "
                "before any finite evaluation, so there are no curves"
            )
        last = int(self.history["step"].iloc[-1])
        cause = "the initial network" if self.diverged_at == 0 else "after that update the network"
        return (
            f"diverged at step {self.diverged_at}: {cause}'s loss or gradient overflowed float64, so the "
            f"curves stop at step {last:,}, the last finite evaluation"
        )

    @property
    def final(self) -> pd.Series:
        """The last row of ``history``."""
        return self.history.iloc[-1]


def _record_layers(state: ModelState, full: _Pass, grads: list[np.ndarray], step: int) -> list[dict]:
    rows = []
    per_layer = 3 if state.batchnorm else 2
    for i in range(state.depth):
        slope = full.slopes[i]
        h = full.inputs[i + 1]
        with np.errstate(all="ignore"):
            row = {
                "step": step,
                "layer": i + 1,
                "grad_norm": global_norm([grads[i * per_layer]]),
                "dead_fraction": float(np.mean(np.all(slope == 0.0, axis=0))),
                "activation_mean": float(np.mean(h)),
                "activation_std": overflow_safe_std(h),
                "saturated_fraction": float(np.mean(np.abs(slope) < SATURATION_THRESHOLD)),
            }
            if state.batchnorm:
                row["running_mean"] = float(np.mean(state.running_means[i]))
                row["running_var"] = float(np.mean(state.running_vars[i]))
                row["batch_mean"] = float(np.mean(full.batch_means[i]))
                row["batch_var"] = float(np.mean(full.batch_vars[i]))
        rows.append(row)
    return rows


def _evaluate(state: ModelState, data: Split, step: int, batch_size: int) -> tuple[dict, list[dict]] | None:
    """The history row and layer rows at ``step``; None if a value left float64."""
    full = _forward(state, data.X_train, True)
    grads = _backward(state, full, data.y_train)

    def scores(X, y, training=False):
        logits = (full if training is None else _forward(state, X, training, slopes=False)).logits
        return _loss(logits, y), float(np.mean((logits >= 0) == (y == 1))), logits

    train_loss, train_acc, _ = scores(data.X_train, data.y_train, None if not state.batchnorm else False)
    val_loss, val_acc, val_logits = scores(data.X_val, data.y_val)
    test_loss, test_acc, _ = scores(data.X_test, data.y_test)
    row = {
        "step": step,
        "examples": step * batch_size,
        "train_loss": train_loss,
        "val_loss": val_loss,
        "test_loss": test_loss,
        "train_accuracy": train_acc,
        "val_accuracy": val_acc,
        "test_accuracy": test_acc,
    }
    if state.batchnorm:
        train_mode_loss, _, train_mode_logits = scores(data.X_val, data.y_val, True)
        with np.errstate(all="ignore"):
            gap = float(np.mean(np.abs(special.expit(train_mode_logits) - special.expit(val_logits))))
        row["train_mode_val_loss"] = train_mode_loss
        row["output_gap"] = gap
    layers = _record_layers(state, full, grads, step)
    values = [v for v in row.values()] + [v for r in layers for v in r.values()]
    if not all(math.isfinite(v) for v in values) or not math.isfinite(global_norm(grads)):
        return None
    return row, layers


def _batches(rng: np.random.Generator, n: int, batch_size: int):
    """Minibatch indices forever: a fresh permutation each epoch, cut into n // b full batches."""
    per_epoch = n // batch_size
    while True:
        order = rng.permutation(n)
        for k in range(per_epoch):
            yield order[k * batch_size : (k + 1) * batch_size]


def train(
    dataset: str,
    activation: str,
    hidden_layers: Sequence[int],
    init: str,
    *,
    optimizer: str = "sgd",
    learning_rate: float,
    batch_size: int,
    steps: int,
    batchnorm: bool = False,
    clip: tuple[str, float] | None = None,
    seed: int = 0,
    progress: Callable[[float], object] | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    gain: float = 1.0,
    params: Mapping[str, float] | None = None,
    record_every: int | None = None,
) -> TrainingRun:
    """Train the module's MLP on ``dataset`` (a ``DATASETS`` key) and measure it; see
    ``TrainingRun`` for the tables returned.

    ``hidden_layers`` are the hidden widths, e.g. (32, 32, 32); ``init`` an ``INITIALIZERS`` key
    (times ``gain``); ``optimizer`` "sgd", "momentum" or "adam"; ``clip`` None, ("norm", t) or
    ("value", t). The data are ``training_data(dataset, n_samples, noise, data_seed)``; ``seed``
    draws the weights and the minibatch order from separate streams, so runs that differ only in
    learning rate, clipping or optimizer start from the same weights and see the same batches.
    Each epoch is a fresh permutation cut into n_train // batch_size full batches. The model is
    evaluated every ``record_every`` steps (default: about 100 evaluations) and
    ``progress(fraction)`` is called after each evaluation.

    With ``batchnorm`` every hidden layer normalises its pre-activations: training steps use the
    minibatch's mean and biased variance, evaluations use the running statistics, updated after
    each step with PyTorch's convention (momentum 0.1, the *unbiased* batch variance; see the
    module docstring).

    Refuses (ValueError, saying what was expected) steps outside [1, 20,000], a learning rate
    outside (0, 10], a clipping threshold ≤ 0, a batch larger than the training set, and batch
    norm with a batch of 1 (a unit's variance over one example is 0, as PyTorch also refuses).
    """
    start = time.perf_counter()
    steps = check_steps(steps)
    learning_rate = check_learning_rate(learning_rate)
    clip = check_clip(clip)
    optimizer = _check_optimizer(optimizer)
    seed = check_seed(seed)
    data = training_data(dataset, n_samples, noise, data_seed)
    batch_size = _whole("batch_size", batch_size, 1, data.n_train)
    if batchnorm and batch_size < 2:
        raise ValueError("Batch norm needs a batch of at least 2 to normalise over; got batch_size=1.")
    every = (
        max(1, math.ceil(steps / RECORDS))
        if record_every is None
        else _whole("record_every", record_every, 1, steps)
    )
    state = initial_state(
        activation, hidden_layers, init, batchnorm=batchnorm, seed=seed, gain=gain, params=params
    )
    first = state.copy()
    arrays = state.parameters()
    opt = _Optimizer(optimizer, learning_rate, arrays)
    batches = _batches(
        np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1]), data.n_train, batch_size
    )
    history, layers = [], []
    step_rows = np.zeros((steps, 4))
    diverged_at = None
    unbias = batch_size / (batch_size - 1) if batch_size > 1 else 1.0
    evaluated = _evaluate(state, data, 0, batch_size)
    if evaluated is None:
        diverged_at = 0
    else:
        history.append(evaluated[0])
        layers.extend(evaluated[1])
    done = 0
    # The state before the latest update, kept in place so a diverging run can report the last
    # finite state; copying into fixed buffers costs a few microseconds a step.
    live = arrays + list(state.running_means) + list(state.running_vars)
    saved = [a.copy() for a in live]
    stepping = 0.0
    for step in range(1, steps + 1) if diverged_at is None else ():
        tick = time.perf_counter()
        idx = next(batches)
        Xb, yb = data.X_train[idx], data.y_train[idx]
        p = _forward(state, Xb, True)
        loss = _loss(p.logits, yb)
        grads = _backward(state, p, yb)
        raw_norm = global_norm(grads)
        if not (math.isfinite(loss) and math.isfinite(raw_norm)):
            # The state after step − 1 updates overflows: update step − 1 diverged.
            diverged_at = step - 1
            break
        clipped = clip_gradients(grads, clip) if clip else grads
        clipped_norm = global_norm(clipped) if clip else raw_norm
        step_rows[step - 1] = (loss, raw_norm, clipped_norm, cosine(clipped, grads) if clip else 1.0)
        for buffer, a in zip(saved, live, strict=True):
            np.copyto(buffer, a)
        opt.step(arrays, clipped)
        if state.batchnorm:
            for i in range(state.depth):
                rm, rv = state.running_means[i], state.running_vars[i]
                rm *= 1.0 - BN_MOMENTUM
                rm += BN_MOMENTUM * p.batch_means[i]
                rv *= 1.0 - BN_MOMENTUM
                rv += (BN_MOMENTUM * unbias) * p.batch_vars[i]
        stepping += time.perf_counter() - tick
        done = step
        if step % every == 0 or step == steps:
            evaluated = _evaluate(state, data, step, batch_size)
            if evaluated is None:
                diverged_at = step
                break
            history.append(evaluated[0])
            layers.extend(evaluated[1])
            if progress is not None:
                progress(step / steps)
    if diverged_at:
        # Report the state before the update that diverged, and evaluate it if no record did.
        for a, buffer in zip(live, saved, strict=True):
            np.copyto(a, buffer)
        done = diverged_at - 1
        if history and history[-1]["step"] != done:
            evaluated = _evaluate(state, data, done, batch_size)
            if evaluated is not None:
                history.append(evaluated[0])
                layers.extend(evaluated[1])
    made = diverged_at if diverged_at else done  # the update that diverged is shown too
    step_frame = pd.DataFrame(step_rows[:made], columns=["batch_loss", "grad_norm", "clipped_norm", "cosine"])
    step_frame.insert(0, "step", np.arange(1, made + 1))
    step_frame["angle"] = np.degrees(np.arccos(np.clip(step_frame["cosine"].to_numpy(), -1.0, 1.0)))
    settings = {
        "dataset": dataset,
        "activation": state.activation,
        "hidden_layers": tuple(hidden_layers),
        "init": init,
        "optimizer": optimizer,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "steps": steps,
        "batchnorm": bool(batchnorm),
        "clip": clip,
        "seed": seed,
        "n_samples": n_samples,
        "n_train": data.n_train,
        "noise": noise,
        "data_seed": data_seed,
        "gain": gain,
        "record_every": every,
    }
    if progress is not None:
        progress(1.0)
    return TrainingRun(
        settings,
        pd.DataFrame(history),
        pd.DataFrame(layers),
        step_frame,
        state,
        first,
        diverged_at,
        time.perf_counter() - start,
        stepping,
    )


# --- 1. stochastic gradients ----------------------------------------------------------------------

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


def _per_example_trace(state: ModelState, X: np.ndarray, y: np.ndarray) -> float:
    """tr Σ, the summed variance of the per-example gradients (no batch norm): E‖g_b − g‖² =
    tr Σ / b for b examples drawn with replacement. A weight gradient of one example is an outer
    product h_{l−1} δ_lᵀ, so its squared norm is ‖h_{l−1}‖² ‖δ_l‖²; no per-example matrix is built."""
    p = _forward(state, X, True)
    n = len(y)
    with np.errstate(all="ignore"):
        delta = (special.expit(p.logits) - y)[:, None]  # one example's own ∂loss_i/∂logit
        total = (np.einsum("ij,ij->i", p.inputs[-1], p.inputs[-1]) + 1.0) * delta[:, 0] ** 2
        mean_grad = [p.inputs[-1].T @ delta / n, delta.sum(axis=0) / n]
        g = delta @ state.weights[-1].T
        for i in range(state.depth - 1, -1, -1):
            dz = g * p.slopes[i]
            h = p.inputs[i]
            total = total + (np.einsum("ij,ij->i", h, h) + 1.0) * np.einsum("ij,ij->i", dz, dz)
            mean_grad += [h.T @ dz / n, dz.sum(axis=0) / n]
            if i:
                g = dz @ state.weights[i].T
    return max(float(np.mean(total)) - _sum_squares(mean_grad), 0.0)


def minibatch_gradient_error(
    dataset: str,
    model_state: ModelState,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    trials: int = 200,
    seed: int = 0,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    progress: Callable[[float], object] | None = None,
) -> pd.DataFrame:
    """How far a minibatch gradient is from the full-batch gradient, for each batch size b.

    For each b, ``trials`` minibatches of b training points drawn uniformly *with replacement*
    (the i.i.d. setting of the law of large numbers; epoch shuffling draws without replacement and
    is closer still, by √((N − b)/(N − 1))), each one's exact gradient compared with the exact
    gradient over all N training points of ``training_data(dataset, n_samples, noise, data_seed)``
    at ``model_state``. One row per batch size, columns:

    batch_size; trials; relative_error, √(mean ‖g_b − g‖²) / ‖g‖; cosine, the mean cosine between
    g_b and g; law, √(tr Σ / b) / ‖g‖ with tr Σ the total variance of the per-example gradients
    (E‖g_b − g‖² = tr Σ / b exactly; with batch norm the examples of a batch are coupled and the
    law is instead anchored at the smallest batch size, times √(b₀ / b)); examples_per_step (b);
    seconds_per_step, the median measured time of one minibatch gradient here; fitted_slope, the
    least-squares slope of log relative_error against log b (−½ for the law). ``progress`` is
    called with the fraction of batch sizes done.
    """
    sizes = sorted({_whole("Each batch size", b, 1, 100_000) for b in batch_sizes})
    if len(sizes) < 2:
        raise ValueError(
            f"batch_sizes needs at least two different sizes to fit a slope; got {list(batch_sizes)}."
        )
    trials = _whole("trials", trials, 2, MAX_TRIALS)
    if model_state.batchnorm and sizes[0] < 2:
        raise ValueError("With batch norm every batch needs at least 2 examples; drop batch size 1.")
    data = training_data(dataset, n_samples, noise, data_seed)
    X, y = data.X_train, data.y_train
    _, full = loss_and_gradients(model_state, X, y)
    full_norm = global_norm(full)
    if not (math.isfinite(full_norm) and full_norm > 0):
        raise ValueError(
            f"The full-batch gradient has norm {full_norm:g} at this state, so a relative error is undefined."
        )
    rng = np.random.default_rng(np.random.SeedSequence([check_seed(seed), 11]))
    full_vector = np.concatenate([g.ravel() for g in full])
    rows = []
    with np.errstate(all="ignore"):
        for b in sizes:
            squared, cosines, times = np.empty(trials), np.empty(trials), np.empty(trials)
            for t in range(trials):
                idx = rng.integers(0, len(y), b)
                tick = time.perf_counter()
                _, grads = loss_and_gradients(model_state, X[idx], y[idx])
                times[t] = time.perf_counter() - tick
                vector = np.concatenate([g.ravel() for g in grads])
                diff = vector - full_vector
                squared[t] = diff @ diff
                length = math.sqrt(vector @ vector)
                cosines[t] = (vector @ full_vector) / (length * full_norm) if length > 0 else 0.0
            rows.append(
                {
                    "batch_size": b,
                    "trials": trials,
                    "relative_error": math.sqrt(float(np.mean(squared))) / full_norm,
                    "cosine": float(np.mean(cosines)),
                    "examples_per_step": b,
                    "seconds_per_step": float(np.median(times)),
                }
            )
            if progress is not None:
                progress(len(rows) / len(sizes))
    frame = pd.DataFrame(rows)
    b = frame["batch_size"].to_numpy(dtype=float)
    if model_state.batchnorm:
        law = frame["relative_error"].iloc[0] * np.sqrt(b[0] / b)
    else:
        law = np.sqrt(_per_example_trace(model_state, X, y) / b) / full_norm
    frame.insert(4, "law", law)
    frame["fitted_slope"] = fitted_slope(frame)
    return frame


def fitted_slope(frame: pd.DataFrame, x: str = "batch_size", y: str = "relative_error") -> float:
    """The least-squares slope of log y against log x (rows with y > 0)."""
    keep = frame[frame[y] > 0]
    if len(keep) < 2:
        return math.nan
    return float(np.polyfit(np.log(keep[x].to_numpy(float)), np.log(keep[y].to_numpy(float)), 1)[0])


def _times_length(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def describe_minibatch_error(frame: pd.DataFrame) -> str:
    """The fitted slope against −½, and what the largest batch costs against the smallest."""
    small, large = frame.iloc[0], frame.iloc[-1]
    slope = float(frame["fitted_slope"].iloc[0])
    ratio = large["batch_size"] / small["batch_size"]
    cost = large["seconds_per_step"] / small["seconds_per_step"]
    power = f"{slope:.2f}".replace("-", "−")
    return (
        f"The error of a minibatch gradient falls like b to the power {power} (fitted over b = "
        f"{small['batch_size']:,.0f}–{large['batch_size']:,.0f}; the law of large numbers says −0.50): it is "
        f"{_times_length(small['relative_error'])} the full gradient's length at b = {small['batch_size']:,.0f} and "
        f"{_times_length(large['relative_error'])} at b = {large['batch_size']:,.0f}, where the minibatch gradient "
        f"points within {angle_degrees(large['cosine']):.0f}° of the full one on average (cosine "
        f"{large['cosine']:.2f}). {ratio:,.0f}× the examples bought {small['relative_error'] / large['relative_error']:.1f}× "
        f"less error, and cost {cost:.1f}× the time per step here."
    )


@dataclass(frozen=True)
class BatchRace:
    """Training runs that differ only in batch size, each processing the same number of examples.

    ``setup`` describes the shared network and training. ``curves``: one row per evaluation and run — run (a label such as "b = 16"), batch_size,
    step, examples, train_loss, val_loss. ``summary``: one row per run — run, batch_size, steps,
    seconds (update steps only), final_loss, diverged_at, target_loss (the highest final training
    loss of the runs that did not diverge; <NA> if all did), examples_to_target (examples processed at the first evaluation at or below
    it; <NA> if never), seconds_to_target (``seconds`` pro rata).
    """

    curves: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str]
    setup: str = ""


def _race_label(b: int, n_train: int) -> str:
    return f"full batch ({n_train})" if b == n_train else f"b = {b}"


def batch_size_race(
    dataset: str,
    activation: str = "relu",
    hidden_layers: Sequence[int] = HIDDEN,
    init: str = "he_normal",
    *,
    batch_sizes: Sequence[int | None] = (1, 16, 128, None),
    examples: int = 1_200,
    learning_rate: float = 0.05,
    optimizer: str = "sgd",
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    progress: Callable[[float], object] | None = None,
) -> BatchRace:
    """``train`` once per batch size (None = the whole training set) for ``examples`` examples
    each (steps = examples // b), same weights, same learning rate; see ``BatchRace``."""
    n_train = training_data(dataset, n_samples, noise, data_seed).n_train
    sizes = list(dict.fromkeys(n_train if b is None else min(int(b), n_train) for b in batch_sizes))
    examples = _whole("examples", examples, 1, MAX_STEPS * 8)
    plans = [(b, max(1, examples // b)) for b in sizes]
    if any(s > MAX_STEPS for _, s in plans):
        raise ValueError(
            f"{examples:,} examples at batch size {sizes[0]} would be more than {MAX_STEPS:,} steps."
        )
    total = sum(s for _, s in plans)
    curves, summary, done, setup = [], [], 0, ""
    for b, n_steps in plans:
        report = None if progress is None else (lambda f, d=done, s=n_steps: progress((d + f * s) / total))
        run = train(
            dataset,
            activation,
            hidden_layers,
            init,
            optimizer=optimizer,
            learning_rate=learning_rate,
            batch_size=b,
            steps=n_steps,
            seed=seed,
            n_samples=n_samples,
            noise=noise,
            data_seed=data_seed,
            record_every=max(1, n_steps // 50),
            progress=report,
        )
        done += n_steps
        setup = setup or describe_setup(run).split(", batch ")[0] + f", {n_train} training points"
        label = _race_label(b, n_train)
        part = run.history[["step", "examples", "train_loss", "val_loss"]].copy()
        part.insert(0, "batch_size", b)
        part.insert(0, "run", label)
        curves.append(part)
        summary.append(
            {
                "run": label,
                "batch_size": b,
                "steps": n_steps,
                "seconds": run.train_seconds,
                "final_loss": float(run.final["train_loss"]),
                "diverged_at": run.diverged_at,
            }
        )
    curves_frame = pd.concat(curves, ignore_index=True)
    summary_frame = pd.DataFrame(summary)
    summary_frame["diverged_at"] = pd.array(summary_frame["diverged_at"].tolist(), dtype="Int64")
    finished = summary_frame[summary_frame["diverged_at"].isna()]
    # The target is where the slowest run that did not diverge ended.
    target = float(finished["final_loss"].max()) if len(finished) else math.nan
    reached = []
    for row in summary_frame.itertuples(index=False):
        hits = curves_frame[(curves_frame["run"] == row.run) & (curves_frame["train_loss"] <= target)]
        reached.append(int(hits["examples"].iloc[0]) if len(hits) else pd.NA)
    summary_frame["target_loss"] = pd.array([target] * len(summary_frame), dtype="Float64")
    summary_frame.loc[summary_frame["target_loss"].isna(), "target_loss"] = pd.NA
    summary_frame["examples_to_target"] = pd.array(reached, dtype="Int64")
    # Every step of a run costs about the same, so the time to the target is pro rata.
    summary_frame["seconds_to_target"] = pd.array(
        [
            pd.NA if pd.isna(e) else row.seconds * e / (row.steps * row.batch_size)
            for e, row in zip(reached, summary_frame.itertuples(index=False), strict=True)
        ],
        dtype="Float64",
    )
    return BatchRace(curves_frame, summary_frame, _race_sentences(summary_frame, examples), setup)


def _race_sentences(summary: pd.DataFrame, examples: int) -> list[str]:
    diverged = [
        f"{row.run} diverged at step {row.diverged_at:,}, after {row.diverged_at * row.batch_size:,} examples."
        for row in summary.itertuples(index=False)
        if not pd.isna(row.diverged_at)
    ]
    finished = summary[summary["diverged_at"].isna()]
    if finished.empty:
        return [f"Every run diverged at this learning rate: {' '.join(diverged)}"]
    slowest = finished.loc[finished["final_loss"].idxmax()]
    target = float(slowest["final_loss"])
    out = [
        f"Every run processed {examples:,} examples. The slowest, {slowest['run']}, ended at a training "
        f"loss of {_number(target)} after {slowest['steps']:,} steps."
    ]
    for row in finished.itertuples(index=False):
        if row.run == slowest["run"] or pd.isna(row.examples_to_target):
            continue
        if row.examples_to_target == 0:
            out.append(
                f"{row.run} was already at or below that loss at the start and ended at {_number(row.final_loss)}."
            )
            continue
        out.append(
            f"{row.run} reached that loss within {row.examples_to_target:,} examples "
            f"({examples / row.examples_to_target:.1f}× fewer; about {row.seconds_to_target:.3f} s here) "
            f"and ended at {_number(row.final_loss)}."
        )
    out.extend(diverged)
    out.append(
        f"{slowest['run']} took {slowest['seconds']:.3f} s for its {slowest['steps']:,} steps. For the same "
        "number of examples a small batch makes many more updates; each one is noisier."
    )
    return out


# --- several runs side by side --------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Labelled training runs of one page section, as tidy tables.

    ``history``, ``layers`` and ``steps`` are the runs' tables (see ``TrainingRun``) stacked, each
    row led by run (the run's label), key (its activation's registry key) and label (the
    activation's label). ``summary``: one row per run — run, key, label, initial_loss,
    final_loss (training loss), val_loss, test_accuracy, dead_fraction (share of all hidden units
    dead at the end), first_over_last (layer 1's gradient norm over the last hidden layer's, at
    the end), steps_done, diverged_at (<NA> if none). ``sentences`` are written from these numbers.
    """

    runs: dict[str, TrainingRun]
    history: pd.DataFrame
    layers: pd.DataFrame
    steps: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str] = field(default_factory=list)


def _dead_share(run: TrainingRun, step: int | None = None) -> float:
    """The share of all hidden units dead at ``step`` (default the last evaluation)."""
    layers = run.layers
    at = layers[layers["step"] == (layers["step"].max() if step is None else step)]
    widths = np.asarray(run.settings["hidden_layers"], dtype=float)
    return float(np.sum(at["dead_fraction"].to_numpy() * widths[: len(at)]) / widths.sum())


def _gradient_ratio(run: TrainingRun, step: int | None = None) -> float:
    """Layer 1's full-batch gradient norm over the last hidden layer's (inf or 0 at the edges)."""
    layers = run.layers
    at = layers[layers["step"] == (layers["step"].max() if step is None else step)].sort_values("layer")
    first, last = float(at["grad_norm"].iloc[0]), float(at["grad_norm"].iloc[-1])
    if last == 0:
        return math.inf if first > 0 else 1.0
    return first / last


def compare_runs(
    plans: Sequence[tuple[str, Mapping]], progress: Callable[[float], object] | None = None
) -> Comparison:
    """``train(**kwargs)`` for each (run label, kwargs) in ``plans``, stacked into a ``Comparison``
    (without sentences); ``progress`` sees the fraction of all steps done."""
    total = sum(check_steps(kwargs["steps"]) for _, kwargs in plans)
    runs, done = {}, 0
    for name, kwargs in plans:
        n = kwargs["steps"]
        report = None if progress is None else (lambda f, d=done, n=n: progress((d + f * n) / total))
        runs[name] = train(**kwargs, progress=report)
        done += n
    frames: dict[str, list[pd.DataFrame]] = {"history": [], "layers": [], "steps": []}
    summary = []
    for name, run in runs.items():
        key = run.settings["activation"]
        for table in frames:
            part = getattr(run, table).copy()
            part.insert(0, "label", ACTIVATIONS[key].label)
            part.insert(0, "key", key)
            part.insert(0, "run", name)
            frames[table].append(part)
        summary.append(
            {
                "run": name,
                "key": key,
                "label": ACTIVATIONS[key].label,
                "initial_loss": float(run.history["train_loss"].iloc[0]),
                "final_loss": float(run.final["train_loss"]),
                "val_loss": float(run.final["val_loss"]),
                "test_accuracy": float(run.final["test_accuracy"]),
                "dead_fraction": _dead_share(run),
                "first_over_last": _gradient_ratio(run),
                "steps_done": int(run.final["step"]),
                "diverged_at": run.diverged_at,
            }
        )
    summary_frame = pd.DataFrame(summary)
    summary_frame["diverged_at"] = pd.array(summary_frame["diverged_at"].tolist(), dtype="Int64")
    stacked = {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
    return Comparison(runs, stacked["history"], stacked["layers"], stacked["steps"], summary_frame)


def _times(ratio: float) -> str:
    """A ratio to put before "layer k's": "1/230 of", "0.65×", "4.2×"."""
    if not math.isfinite(ratio):
        return "infinitely more than"
    if ratio == 0:
        return "none of"
    if ratio < 0.1:
        return f"1/{1 / ratio:,.0f} of"
    return f"{ratio:,.2g}×" if ratio < 10 else f"{ratio:,.0f}×"


# --- 2. gradients during training ----------------------------------------------------------------


def gradient_comparison(
    dataset: str,
    activations: Sequence[str] = ("sigmoid", "relu"),
    hidden_layers: Sequence[int] = (32,) * 6,
    init: str = "glorot_uniform",
    *,
    learning_rate: float = 0.1,
    steps: int = 300,
    batch_size: int = 32,
    optimizer: str = "sgd",
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
) -> Comparison:
    """The same network (same weights, same batches) trained with each activation; the page
    reads ``layers``' grad_norm as a layer × step heatmap. Run labels are the activation labels."""
    keys = list(dict.fromkeys(get_activation(k).key for k in activations))
    if not keys:
        raise ValueError("Choose at least one activation to train.")
    common = dict(
        dataset=dataset,
        hidden_layers=hidden_layers,
        init=init,
        learning_rate=learning_rate,
        steps=steps,
        batch_size=batch_size,
        optimizer=optimizer,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    comparison = compare_runs([(ACTIVATIONS[k].label, {**common, "activation": k}) for k in keys], progress)
    sentences = []
    for name, run in comparison.runs.items():
        start, end = _gradient_ratio(run, 0), _gradient_ratio(run)
        depth = len(run.settings["hidden_layers"])
        row = comparison.summary.set_index("run").loc[name]
        status = f" It {run.message}." if run.diverged_at is not None else ""
        sentences.append(
            f"**{name}**: layer 1's gradient is {_times(start)} layer {depth}'s at the start and "
            f"{_times(end)} layer {depth}'s after step {row['steps_done']:,}. The training loss went from "
            f"{_number(row['initial_loss'])} to {_number(row['final_loss'])}.{status}"
        )
    return replace(comparison, sentences=sentences)


# --- 3. dying ReLU ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DyingRelu:
    """ReLU at a normal and a too-high learning rate, and Leaky ReLU at the high one.

    ``comparison`` holds the three runs (labels in ``DYING_RUNS`` order). ``lines``: the first
    hidden layer's units of each run drawn on the input plane — run, unit, dead (bool), x0_start,
    x1_start, x0_end, x1_end: the segment of the line w·x + b = 0 inside the plot box (a first-layer
    unit is active on one side of it; a dead one has every training point on its inactive side).
    ``plane``: run, x0, x1, active_share (the share of all hidden units with f′(u) > 0 at that
    point) on an evenly spaced grid. ``points``: the training points (x0, x1, y).
    ``plane_sentences`` read the planes, one per run.
    """

    comparison: Comparison
    lines: pd.DataFrame
    plane: pd.DataFrame
    points: pd.DataFrame
    sentences: list[str]
    plane_sentences: list[str] = field(default_factory=list)


PLANE_LIMIT = 1.6
PLANE_GRID = 41


def _segment(w0: float, w1: float, b: float, limit: float) -> tuple[float, float, float, float] | None:
    """The part of the line w0·x0 + w1·x1 + b = 0 inside [−limit, limit]², or None."""
    points = []
    if w1 != 0:
        for x0 in (-limit, limit):
            x1 = -(b + w0 * x0) / w1
            if -limit <= x1 <= limit:
                points.append((x0, x1))
    if w0 != 0:
        for x1 in (-limit, limit):
            x0 = -(b + w1 * x1) / w0
            if -limit <= x0 <= limit:
                points.append((x0, x1))
    points = list(dict.fromkeys(points))
    if len(points) < 2:
        return None
    (a0, a1), (c0, c1) = points[0], points[-1]
    return a0, a1, c0, c1


def unit_regions(state: ModelState, data: Split, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines, plane) of ``DyingRelu`` for one network without batch norm."""
    full = _forward(state, data.X_train, True)
    dead = np.all(full.slopes[0] == 0.0, axis=0)
    W, b = state.weights[0], state.biases[0]
    lines = []
    for j in range(W.shape[1]):
        seg = _segment(float(W[0, j]), float(W[1, j]), float(b[j]) if b.size else 0.0, PLANE_LIMIT)
        if seg is not None:
            lines.append(
                {
                    "run": name,
                    "unit": j + 1,
                    "dead": bool(dead[j]),
                    **dict(zip(("x0_start", "x1_start", "x0_end", "x1_end"), seg, strict=True)),
                }
            )
    axis = np.linspace(-PLANE_LIMIT, PLANE_LIMIT, PLANE_GRID)
    g0, g1 = np.meshgrid(axis, axis)
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    p = _forward(state, grid, False)
    with np.errstate(all="ignore"):
        active = sum(np.count_nonzero(s > 0, axis=1) for s in p.slopes) / sum(s.shape[1] for s in p.slopes)
    plane = pd.DataFrame({"run": name, "x0": grid[:, 0], "x1": grid[:, 1], "active_share": active})
    columns = ["run", "unit", "dead", "x0_start", "x1_start", "x0_end", "x1_end"]
    return pd.DataFrame(lines, columns=columns), plane


def dying_relu(
    dataset: str,
    hidden_layers: Sequence[int] = HIDDEN,
    init: str = "he_normal",
    *,
    learning_rate: float = 0.1,
    high_learning_rate: float = 3.0,
    steps: int = 300,
    batch_size: int = 32,
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
) -> DyingRelu:
    """Three runs from the same weights and batches with plain SGD: ReLU at ``learning_rate``,
    ReLU at ``high_learning_rate``, Leaky ReLU (slope 0.01) at ``high_learning_rate``. CS231n:
    "with a proper setting of the learning rate this is less frequently an issue"; a unit whose
    pre-activation is negative on every input gets no gradient, so its own weights stop moving; in
    layer 1, whose inputs are the fixed data, it stays dead, while a deeper one can come back when the
    layers before it change its inputs (``dead_units`` counts both)."""
    common = dict(
        dataset=dataset,
        hidden_layers=hidden_layers,
        init=init,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    normal = f"ReLU, learning rate {check_learning_rate(learning_rate):g}"
    high = f"ReLU, learning rate {check_learning_rate(high_learning_rate):g}"
    leaky = f"Leaky ReLU, learning rate {high_learning_rate:g}"
    if normal == high:
        raise ValueError(
            f"The two learning rates are the same ({learning_rate:g}); choose a higher one to compare."
        )
    comparison = compare_runs(
        [
            (normal, {**common, "activation": "relu", "learning_rate": learning_rate}),
            (high, {**common, "activation": "relu", "learning_rate": high_learning_rate}),
            (leaky, {**common, "activation": "leaky_relu", "learning_rate": high_learning_rate}),
        ],
        progress,
    )
    data = training_data(dataset, n_samples, noise)
    lines, planes = [], []
    for name, run in comparison.runs.items():
        line, plane = unit_regions(run.state, data, name)
        lines.append(line)
        planes.append(plane)
    points = pd.DataFrame({"x0": data.X_train[:, 0], "x1": data.X_train[:, 1], "y": data.y_train.astype(int)})
    lines_frame = pd.concat(lines, ignore_index=True)
    plane_frame = pd.concat(planes, ignore_index=True)
    return DyingRelu(
        comparison,
        lines_frame,
        plane_frame,
        points,
        _dying_sentences(comparison, normal, high, leaky),
        _plane_sentences(comparison, lines_frame, plane_frame),
    )


def _plane_sentences(comparison: Comparison, lines: pd.DataFrame, plane: pd.DataFrame) -> list[str]:
    parts = []
    for name, run in comparison.runs.items():
        width = run.settings["hidden_layers"][0]
        counts = dead_units(run)
        dead = int(counts.loc[counts["step"] == counts["step"].max(), 1].iloc[0])
        drawn = lines[lines["run"] == name]
        # Only units whose line crosses the panel are drawn; the count covers every unit.
        shown = (
            ""
            if len(drawn) == width or dead == 0
            else f" ({int(drawn['dead'].sum())} of the {len(drawn)} whose lines cross the panel)"
        )
        silent = float(np.mean(plane.loc[plane["run"] == name, "active_share"].to_numpy() == 0))
        where = (
            f"on {silent:.0%} of the plane no hidden unit passes a gradient"
            if silent > 0
            else "every point of the plane has units passing a gradient"
        )
        parts.append(f"**{name}**: {dead} of the {width} first-layer units are dead{shown}, and {where}")
    return [f"{part}." for part in parts]


def dead_units(run: TrainingRun) -> pd.DataFrame:
    """The number of dead units per hidden layer at each evaluation of ``run``: one row per step,
    a column ``step`` and one column per layer (1 = nearest the input), from ``layers.dead_fraction``."""
    widths = pd.Series(run.settings["hidden_layers"], index=range(1, len(run.settings["hidden_layers"]) + 1))
    share = run.layers.pivot(index="step", columns="layer", values="dead_fraction")
    counts = (share * widths).round().astype(int)
    counts.columns = list(counts.columns)
    return counts.reset_index()


def _revival_sentence(run: TrainingRun) -> str:
    """How many dead units came back between evaluations, and the largest fall in one layer's dead
    share; "" if the dead count never fell."""
    counts = dead_units(run).set_index("step")
    falls = (-counts.diff()).clip(lower=0).fillna(0)
    revived = int(falls.to_numpy().sum())
    if revived == 0:
        return ""
    widths = run.settings["hidden_layers"]
    step, layer = falls.stack().idxmax()
    before = counts.index[counts.index.get_loc(step) - 1]
    layers = [int(c) for c in falls.columns if falls[c].sum() > 0]
    where = (
        f"layer {layers[0]}"
        if len(layers) == 1
        else f"layers {', '.join(map(str, layers[:-1]))} and {layers[-1]}"
    )
    return (
        f" Dead is not always final: between evaluations, dead units in {where} came back at least "
        f"{revived} time{'s' if revived > 1 else ''}, as the layers before them moved their inputs (layer {layer}'s dead share "
        f"went from {counts.loc[before, layer] / widths[layer - 1]:.0%} at step {before:,} to "
        f"{counts.loc[step, layer] / widths[layer - 1]:.0%} at step {step:,})."
    )


def _dying_sentences(comparison: Comparison, normal: str, high: str, leaky: str) -> list[str]:
    s = comparison.summary.set_index("run")
    units = int(sum(comparison.runs[normal].settings["hidden_layers"]))
    out = []
    for name in (normal, high):
        run = comparison.runs[name]
        counts = dead_units(run).set_index("step")
        start = int(counts.iloc[0].sum())
        layers = run.layers[run.layers["step"] == run.layers["step"].max()]
        worst = layers.loc[layers["dead_fraction"].idxmax()]
        status = f" It {run.message}." if run.diverged_at is not None else ""
        out.append(
            f"**{name}**: {s.loc[name, 'dead_fraction']:.0%} of the {units} hidden units are dead after "
            f"step {s.loc[name, 'steps_done']:,} (most in layer {int(worst['layer'])}: "
            f"{worst['dead_fraction']:.0%}), against {start / units:.0%} at step 0; training loss "
            f"{_number(s.loc[name, 'final_loss'])}, test accuracy "
            f"{s.loc[name, 'test_accuracy']:.0%}.{_revival_sentence(run)}{status}"
        )
    out.append(
        f"**{leaky}**: {s.loc[leaky, 'dead_fraction']:.0%} dead — its slope on the left is 0.01, never 0, so "
        f"every unit keeps a gradient; training loss {_number(s.loc[leaky, 'final_loss'])}, test accuracy "
        f"{s.loc[leaky, 'test_accuracy']:.0%}."
    )
    return out


# --- 4. batch norm -----------------------------------------------------------------------------


def batchnorm_comparison(
    dataset: str,
    activation: str = "sigmoid",
    hidden_layers: Sequence[int] = (32,) * 6,
    init: str = "glorot_uniform",
    *,
    learning_rate: float = 0.1,
    steps: int = 300,
    batch_size: int = 32,
    optimizer: str = "sgd",
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
) -> Comparison:
    """The same deep network without and with batch norm (runs "without batch norm" and "with
    batch norm"), same weights and batches. The batch-norm run's ``history`` has output_gap and
    train_mode_val_loss: how far inference mode (running statistics) is from training mode."""
    common = dict(
        dataset=dataset,
        activation=activation,
        hidden_layers=hidden_layers,
        init=init,
        learning_rate=learning_rate,
        steps=steps,
        batch_size=batch_size,
        optimizer=optimizer,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    comparison = compare_runs(
        [
            ("without batch norm", {**common, "batchnorm": False}),
            ("with batch norm", {**common, "batchnorm": True}),
        ],
        progress,
    )
    return replace(comparison, sentences=_batchnorm_sentences(comparison))


def _batchnorm_sentences(comparison: Comparison) -> list[str]:
    s = comparison.summary.set_index("run")
    off, on = comparison.runs["without batch norm"], comparison.runs["with batch norm"]
    depth = len(off.settings["hidden_layers"])
    label = ACTIVATIONS[off.settings["activation"]].label
    out = [
        f"After {s.loc['with batch norm', 'steps_done']:,} steps the {depth}-layer {label} net's training loss "
        "(in inference mode, as the trained net would be used) is "
        f"{s.loc['without batch norm', 'final_loss']:.3f} without batch norm and "
        f"{s.loc['with batch norm', 'final_loss']:.3f} with it (ln 2 = {LN2:.3f} is a net that answers ½ "
        f"everywhere); test accuracy {s.loc['without batch norm', 'test_accuracy']:.0%} against "
        f"{s.loc['with batch norm', 'test_accuracy']:.0%}."
    ]
    for name, run in (("without", off), ("with", on)):
        end = run.layers[run.layers["step"] == run.layers["step"].max()]
        out.append(
            f"{name.capitalize()} batch norm, at the end layer 1's gradient is {_times(_gradient_ratio(run))} "
            f"layer {depth}'s, and the spread (std) of the layers' outputs runs from "
            f"{end['activation_std'].min():.3g} to {end['activation_std'].max():.3g}."
        )
    h = on.history
    early = h.iloc[1] if len(h) > 1 else h.iloc[0]
    end = h.iloc[-1]
    widest = h.loc[h["output_gap"].idxmax()]
    out.append(
        f"Inference mode normalises with the running statistics (momentum {BN_MOMENTUM:g}), training mode "
        f"with the batch's own. On the validation points the two modes' probabilities differ by "
        f"{early['output_gap']:.3f} on average at step {early['step']:,.0f}, {widest['output_gap']:.3f} at "
        f"step {widest['step']:,.0f} (the widest) and {end['output_gap']:.3f} at step {end['step']:,.0f}, "
        f"where the validation loss is {end['val_loss']:.3f} in inference mode and "
        f"{end['train_mode_val_loss']:.3f} in training mode."
    )
    return out


# --- 5. clipping ------------------------------------------------------------------------------


def clipping_comparison(
    dataset: str,
    activation: str = "relu",
    hidden_layers: Sequence[int] = (32,) * 6,
    init: str = "he_normal",
    *,
    gain: float = 2.0,
    learning_rate: float = 0.1,
    value_threshold: float = 0.1,
    norm_threshold: float = 1.0,
    steps: int = 200,
    batch_size: int = 32,
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
) -> Comparison:
    """An exploding setting (weights ``gain`` × ``init``) trained with plain SGD three ways: runs
    "no clipping", "clip by value" (each entry to ±``value_threshold``) and "clip by norm"
    (global norm at most ``norm_threshold``); Pascanu et al. (2013)."""
    common = dict(
        dataset=dataset,
        activation=activation,
        hidden_layers=hidden_layers,
        init=init,
        gain=gain,
        learning_rate=learning_rate,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    comparison = compare_runs(
        [
            ("no clipping", {**common, "clip": None}),
            (f"clip by value ({value_threshold:g})", {**common, "clip": ("value", value_threshold)}),
            (f"clip by norm ({norm_threshold:g})", {**common, "clip": ("norm", norm_threshold)}),
        ],
        progress,
    )
    return replace(comparison, sentences=_clipping_sentences(comparison))


def clipping_effect(run: TrainingRun) -> dict:
    """For one run: steps (updates made), clipped_steps (whose gradient clipping changed),
    median_angle and max_angle (degrees between clipped and raw gradient over those steps; 0
    when none), min_cosine, first_angle (at step 1; 0 without steps), median_raw_norm (0
    without steps). A clipped gradient is always shorter than the raw one, so "changed" is read
    off the norms."""
    s = run.steps
    changed = s[s["clipped_norm"] != s["grad_norm"]] if run.settings["clip"] else s.iloc[0:0]
    return {
        "steps": len(s),
        "clipped_steps": len(changed),
        "median_angle": float(changed["angle"].median()) if len(changed) else 0.0,
        "max_angle": float(changed["angle"].max()) if len(changed) else 0.0,
        "min_cosine": float(s["cosine"].min()) if len(s) else 1.0,
        "first_angle": float(s["angle"].iloc[0]) if len(s) else 0.0,
        "median_raw_norm": float(s["grad_norm"].median()) if len(s) else 0.0,
    }


def _angle(degrees: float) -> str:
    return f"{degrees:.0f}°" if degrees >= 0.5 or degrees == 0 else f"{degrees:.0e}°"


def _clipping_sentences(comparison: Comparison) -> list[str]:
    out = []
    for name, run in comparison.runs.items():
        effect = clipping_effect(run)
        loss = float(run.final["train_loss"])
        if run.settings["clip"] is None:
            first = run.steps["grad_norm"].iloc[0] if len(run.steps) else math.nan
            fate = (
                f"{run.message}"
                if run.diverged_at is not None
                else f"ended at a training loss of {_number(loss)}"
            )
            out.append(f"**{name}**: the first gradient's norm is {first:,.3g}; the run {fate}.")
            continue
        mode = run.settings["clip"][0]
        fate = run.message if run.diverged_at is not None else f"ended at a training loss of {_number(loss)}"
        if effect["clipped_steps"] == 0:
            bound = "entries stayed within ±" if mode == "value" else "norm stayed at most "
            out.append(
                f"**{name}**: clipping never changed a step — the gradient's {bound}{run.settings['clip'][1]:g} "
                f"in all {effect['steps']:,}; the run {fate}."
            )
        elif mode == "value":
            out.append(
                f"**{name}**: clipping changed {effect['clipped_steps']:,} of {effect['steps']:,} steps and turned "
                f"the update by a median {_angle(effect['median_angle'])} from the raw gradient (at most "
                f"{_angle(effect['max_angle'])}); the run {fate}."
            )
        else:
            out.append(
                f"**{name}**: clipping shortened {effect['clipped_steps']:,} of {effect['steps']:,} steps and "
                f"turned none of them: the largest angle is {_angle(effect['max_angle'])} (the cosine differs "
                f"from 1 by {1.0 - effect['min_cosine']:.0e}, rounding error); the run {fate}."
            )
    return out


def _number(value: float) -> str:
    return f"{value:.3f}" if 1e-3 <= abs(value) < 1e4 else f"{value:.2e}"


# --- 6. early stopping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyStopping:
    """Early stopping read off one run's validation loss (Keras ``EarlyStopping`` with
    ``monitor="val_loss"``, ``min_delta=0``, ``patience`` counted in steps).

    ``best_step``: the evaluation with the lowest validation loss before stopping; ``stop_step``:
    the first evaluation ``patience`` or more steps after the best without a new best (None if
    the run ends first). ``curves``: step, series ("training loss", "validation loss", "test
    loss"), loss. ``summary``: one row per policy — policy, step, val_loss, test_loss,
    test_accuracy: "train all steps", "stop (weights as they are then)" and "stop, restore best
    weights" (Keras ``restore_best_weights=True``).
    """

    run: TrainingRun
    patience: int
    best_step: int
    stop_step: int | None
    curves: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str]


def early_stopping(run: TrainingRun, patience: int) -> EarlyStopping:
    """Where early stopping with ``patience`` steps would stop ``run``, and the test accuracy with
    and without it; see ``EarlyStopping``."""
    patience = _whole("patience", patience, 1, MAX_STEPS)
    h = run.history
    best_val, best_step, stop_step = math.inf, 0, None
    for row in h.itertuples(index=False):
        if row.val_loss < best_val:
            best_val, best_step = row.val_loss, int(row.step)
        elif row.step - best_step >= patience:
            stop_step = int(row.step)
            break
    at = h.set_index("step")
    rows = [("train all steps", int(h["step"].iloc[-1]))]
    if stop_step is not None:
        rows += [("stop (weights as they are then)", stop_step), ("stop, restore best weights", best_step)]
    summary = pd.DataFrame(
        [
            {
                "policy": policy,
                "step": step,
                "val_loss": float(at.loc[step, "val_loss"]),
                "test_loss": float(at.loc[step, "test_loss"]),
                "test_accuracy": float(at.loc[step, "test_accuracy"]),
            }
            for policy, step in rows
        ]
    )
    curves = h.melt(
        id_vars="step",
        value_vars=["train_loss", "val_loss", "test_loss"],
        var_name="series",
        value_name="loss",
    ).replace(
        {"series": {"train_loss": "training loss", "val_loss": "validation loss", "test_loss": "test loss"}}
    )
    return EarlyStopping(
        run,
        patience,
        best_step,
        stop_step,
        curves,
        summary,
        _stopping_sentences(run, patience, best_step, stop_step, summary),
    )


def _percent(share: float) -> str:
    """A share as a percentage with the decimal it needs: "75%", "72.5%"."""
    return f"{share:.0%}" if abs(100 * share - round(100 * share)) < 1e-9 else f"{share:.1%}"


def _went(start: float, end: float) -> str:
    """ "fell from a to b", "rose from a to b" or "stayed at a", as the three-decimal values read."""
    a, b = f"{start:.3f}", f"{end:.3f}"
    if a == b:
        return f"stayed at {a}"
    return f"{'fell' if float(b) < float(a) else 'rose'} from {a} to {b}"


def _stop_against_best(run: TrainingRun, stopped: pd.Series, kept: pd.Series) -> str:
    """Whether restoring the best weights beat the weights at the stop on the test points, from the
    two summary rows as printed; when the stop wins, why a validation minimum can lose on test."""
    n_samples = run.settings["n_samples"]
    n_val = round(SPLIT[1] * n_samples)
    n_test = n_samples - run.settings["n_train"] - n_val
    acc_s, acc_k = _percent(stopped["test_accuracy"]), _percent(kept["test_accuracy"])
    loss_s, loss_k = f"{stopped['test_loss']:.3f}", f"{kept['test_loss']:.3f}"
    accuracy = np.sign(
        round(stopped["test_accuracy"] - kept["test_accuracy"], 6)
    )  # +1: the stop scores higher
    loss = np.sign(float(loss_k) - float(loss_s))  # +1: the stop's test loss is lower
    at_stop = f"the weights at the stop (step {int(stopped['step']):,})"
    scores = f"test accuracy {acc_s} against {acc_k}, test loss {loss_s} against {loss_k}"
    if accuracy == 0 and loss == 0:
        return f"Restoring changes nothing on the test points: {at_stop} score the same, {acc_s} (test loss {loss_s})."
    if accuracy <= 0 and loss <= 0:
        return (
            f"Restoring the best weights pays on the test points: {at_stop} score {acc_s} (test loss "
            f"{loss_s}) against the restored {acc_k} ({loss_k})."
        )
    if accuracy >= 0 and loss >= 0:
        return (
            f"Here {at_stop} do better on the test points than the restored best: {scores}. The validation "
            f"loss chose step {int(kept['step']):,} ({kept['val_loss']:.3f} against {stopped['val_loss']:.3f}), "
            f"but it is an average over only {n_val} points, so its lowest value partly picks the step that "
            f"happened to suit those points; the {n_test} test points disagree."
        )
    # Split verdicts: a higher accuracy with a higher loss, or a lower accuracy with a lower loss.
    both = "a higher" if accuracy > 0 else "a lower"
    return (
        f"{at_stop[0].upper()}{at_stop[1:]} score {both} test accuracy but {both} test loss than the "
        f"restored best ({scores}): accuracy counts only which side of ½ each of the {n_test} test points "
        f"falls (one point is {_percent(1 / n_test)}), while the loss also weighs how confident the net is."
    )


def _stopping_sentences(
    run: TrainingRun, patience: int, best: int, stop: int | None, summary: pd.DataFrame
) -> list[str]:
    h = run.history.set_index("step")
    last = int(run.history["step"].iloc[-1])
    full = summary.iloc[0]
    lowest = int(h["val_loss"].idxmin())
    later = (
        f" It goes lower after the stop, to {h.loc[lowest, 'val_loss']:.3f} at step {lowest:,}, which early "
        "stopping with this patience never sees."
        if h.loc[lowest, "val_loss"] < h.loc[best, "val_loss"]
        else ""
    )
    where = "Before the stop the validation loss" if later else "The validation loss"
    out = [
        f"{where} is lowest at step {best:,} ({h.loc[best, 'val_loss']:.3f}); after all {last:,} steps "
        f"it is {full['val_loss']:.3f}, while the training loss "
        f"{_went(h.loc[best, 'train_loss'], h.loc[last, 'train_loss'])}.{later}"
    ]
    if stop is None:
        out.append(
            f"With a patience of {patience:,} steps, early stopping would not have stopped this run: "
            f"the validation loss last improved at step {best:,}, fewer than {patience:,} steps before the end."
        )
        return out
    stopped, kept = summary.iloc[1], summary.iloc[2]
    out.append(
        f"With a patience of {patience:,} steps, training stops at step {stop:,} and keeps the weights of step "
        f"{best:,}: test accuracy {_percent(kept['test_accuracy'])} (test loss {kept['test_loss']:.3f}) against "
        f"{_percent(full['test_accuracy'])} (test loss {full['test_loss']:.3f}) after all {last:,} steps, "
        f"for {stop / last:.0%} of the training steps. {_stop_against_best(run, stopped, kept)}"
    )
    return out


def early_stopping_run(
    dataset: str = "circles",
    activation: str = "relu",
    hidden_layers: Sequence[int] = (64, 64, 64),
    init: str = "he_normal",
    *,
    patience: int = 100,
    optimizer: str = "adam",
    learning_rate: float = 0.01,
    steps: int = 1_000,
    batch_size: int = 16,
    seed: int = 0,
    n_samples: int = 200,
    noise: float | None = 0.25,
    progress: Callable[[float], object] | None = None,
) -> EarlyStopping:
    """``early_stopping`` of a run made to overfit: few noisy points, a wide net, many steps."""
    run = train(
        dataset,
        activation,
        hidden_layers,
        init,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        steps=steps,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // 50),
        progress=progress,
    )
    return early_stopping(run, patience)


# --- the page's scenes -------------------------------------------------------------------------

# The training page's settings, by name; the page binds each to a URL parameter.
SCENE_DEFAULTS: dict[str, object] = {
    "dataset": "circles",
    "seed": 0,
    "trials": 100,
    "gradient_at": "start",
    "examples": 1_200,
    "race_learning_rate": 0.05,
    "activations": ("sigmoid", "relu"),
    "depth": 6,
    "init": "glorot_uniform",
    "learning_rate": 0.1,
    "steps": 300,
    "normal_learning_rate": 0.1,
    "high_learning_rate": 3.0,
    "bn_activation": "sigmoid",
    "bn_depth": 6,
    "bn_learning_rate": 0.1,
    "gain": 2.0,
    "value_threshold": 0.1,
    "norm_threshold": 1.0,
    "patience": 100,
    "es_noise": 0.25,
    "es_steps": 1_000,
}

PRESETS: dict[str, dict] = {
    "deep_sigmoid": {
        "label": "Ten layers: sigmoid, tanh and ReLU",
        "description": (
            "The gradient heatmap for ten hidden layers with Glorot-uniform weights and plain SGD. "
            "Sigmoid's slope is at most ¼, so its first layers get a vanishing share of the gradient "
            "from the start and barely move; tanh and ReLU keep layer 1's gradient within a small "
            "factor of the last layer's."
        ),
        "settings": {**SCENE_DEFAULTS, "activations": ("sigmoid", "tanh", "relu"), "depth": 10},
    },
    "relu_massacre": {
        "label": "Learning rate 5: almost every ReLU unit dies",
        "description": (
            "The dying-ReLU section at learning rate 5. Nearly every ReLU unit ends dead on every "
            "training point and the net answers ½ everywhere; Leaky ReLU, from the same weights and "
            "minibatches, keeps every unit alive."
        ),
        "settings": {**SCENE_DEFAULTS, "high_learning_rate": 5.0},
    },
    "tanh_batchnorm": {
        "label": "Batch norm on a ten-layer tanh net",
        "description": (
            "The batch-norm section with tanh, ten hidden layers and learning rate 0.5: without "
            "batch norm plain SGD at this step size struggles; with it each layer's inputs are "
            "renormalised every step."
        ),
        "settings": {**SCENE_DEFAULTS, "bn_activation": "tanh", "bn_depth": 10, "bn_learning_rate": 0.5},
    },
    "gentle_clipping": {
        "label": "Clipping a healthy network",
        "description": (
            "He-normal weights at gain 1 (no explosion) with loose thresholds: clipping rarely "
            "changes a step, and the three runs stay close — clipping is a safety net, not a cure."
        ),
        "settings": {**SCENE_DEFAULTS, "gain": 1.0, "value_threshold": 1.0, "norm_threshold": 5.0},
    },
    "impatient": {
        "label": "Impatient early stopping",
        "description": (
            "Early stopping with a patience of 20 steps: a short wait stops at the first bump in the "
            "noisy validation loss."
        ),
        "settings": {**SCENE_DEFAULTS, "patience": 20},
    },
    "moons_minibatch": {
        "label": "Minibatch noise on the moons",
        "description": (
            "Every section on the moons dataset, with 400 minibatches per size for a smoother "
            "error curve and the gradient taken after training."
        ),
        "settings": {**SCENE_DEFAULTS, "dataset": "moons", "trials": 400, "gradient_at": "trained"},
    },
}


def describe_setup(run: TrainingRun) -> str:
    """The run's network and training in one line, e.g. "3 hidden layers × 32, He normal, plain
    SGD, batch 32, 400 steps"."""
    s = run.settings
    widths = s["hidden_layers"]
    shape = (
        f"{len(widths)} hidden layers × {widths[0]}" if len(set(widths)) == 1 else f"hidden layers {widths}"
    )
    init = INITIALIZERS[s["init"]].label + (f" × {s['gain']:g}" if s["gain"] != 1 else "")
    optimizer = {"sgd": "plain SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}[s["optimizer"]]
    clip = f", clipped by {s['clip'][0]} at {s['clip'][1]:g}" if s["clip"] else ""
    bn = ", batch norm" if s["batchnorm"] else ""
    return (
        f"{shape}, {init}{bn}, {optimizer} at learning rate {s['learning_rate']:g}{clip}, batch "
        f"{s['batch_size']}, {s['steps']:,} steps, {s['n_train']} training points"
    )


def minibatch_state(dataset: str, *, trained: bool = False, seed: int = 0) -> ModelState:
    """The network the page's first section measures: ReLU, 3 × 32, He normal, at
    initialization, or after ``train``'s default run (SGD, learning rate 0.1, batch 32, 500 steps)."""
    if not trained:
        return initial_state("relu", HIDDEN, "he_normal", seed=seed)
    run = train(dataset, "relu", HIDDEN, "he_normal", learning_rate=0.1, batch_size=32, steps=500, seed=seed)
    return run.state
