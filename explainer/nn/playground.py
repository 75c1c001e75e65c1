"""The playground's engine: TensorFlow Playground's network, trained a few minibatches at a time
and measured as it learns, with every neuron's picture of the input plane.

The model is ``nn.model``'s MLP (one engine with the depth and training pages): hidden layers of
``settings.activation``, one sigmoid output unit, the mean binary cross-entropy (the canonical
link, so ∂loss/∂logit = p − y, as scikit-learn's ``MLPClassifier``). TensorFlow Playground
instead puts a tanh on the output and trains on the squared error ½(tanh − y)² with labels ±1;
with cross-entropy a confidently wrong output still passes its full error back, so a stall seen
here comes from the hidden layers, not from a saturated output unit.

**The plane.** The datasets (``explainer.datasets``) lie within about [−1.5, 1.5]; the playground
multiplies their points by ``PLANE_SCALE`` = 4, so the plane is TensorFlow Playground's square
[−6, 6]² (``PLANE``), and the features are computed from these coordinates: x1, x2, x1² (up to
36), x2², x1·x2, sin x1 and sin x2 (about two periods across the plane), as the Playground feeds
them. ``noise`` is the standard deviation of the datasets' Gaussian jitter in their own units
(the circles' outer radius is 1), 0 to 0.5 as the Playground's 0–50 %.

**Training.** Plain minibatch SGD, as the Playground: each epoch is a fresh seeded permutation of
the training points cut into n_train // batch_size full batches (``nn.loop.train``'s order).
Regularisation acts on the weights only, never the biases, as the Playground's links: the update
is W ← W − η (∂L/∂W + λ R′(W)) with R′(W) = sign(W) for L1 (penalty λ Σ|w|) and W for L2
(penalty λ Σ w² / 2); with L1 a weight that the penalty pushes across 0 stops at 0 (the
Playground does this too, and then freezes the weight for good; here it may move again).
``regularized_loss_and_gradients`` is that objective and its gradient. The gradient norms
reported are those of the cross-entropy alone, the part backpropagation carries, so the fading
toward the input is not hidden under the penalty's own gradient.

**Seeds.** ``seed`` draws the data (and its train/test split), the weights and the minibatch
order from separate streams (the weights and batches as ``nn.loop.train`` draws them), so two
playgrounds that differ only in activation or initializer see the same points and batches.

**Divergence.** An update after which the minibatch loss, a gradient, a weight, the loss of any
train or test point or a reported statistic would leave float64 is undone: the playground keeps
the last finite network, records ``diverged_at`` (that update's number) and ``diverged_layer``
(the weight layer whose gradient norm first passed ``EXPLODED_NORM``, or the largest at that
update) and makes no further updates until ``reset``. No table holds NaN or ±inf.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..activations import ACTIVATIONS
from ..curves import SATURATION_THRESHOLD
from ..datasets import DATASETS, get_dataset
from ..initializers import INITIALIZERS
from .checks import choice, real, whole
from .model import ModelState, backward, cross_entropy, forward, seeded_state
from .optimizers import Optimizer, global_norm

PLANE = 6.0  # the plane is [−PLANE, PLANE]², TensorFlow Playground's
PLANE_SCALE = 4.0  # dataset units → plane units
FEATURES: dict[str, tuple[str, object]] = {
    "x1": ("x₁", lambda x1, x2: x1),
    "x2": ("x₂", lambda x1, x2: x2),
    "x1sq": ("x₁²", lambda x1, x2: x1 * x1),
    "x2sq": ("x₂²", lambda x1, x2: x2 * x2),
    "x1x2": ("x₁x₂", lambda x1, x2: x1 * x2),
    "sin_x1": ("sin x₁", lambda x1, x2: np.sin(x1)),
    "sin_x2": ("sin x₂", lambda x1, x2: np.sin(x2)),
}
REGULARIZATIONS = ("none", "l1", "l2")
# TensorFlow Playground's menus (state.ts); any value in the range is accepted.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 8
MAX_BATCH_SIZE = 30
MAX_NOISE = 0.5
TRAIN_FRACTIONS = (0.1, 0.9)
SAMPLES = (40, 4_000)
MAX_STEPS_PER_CALL = 10_000
MAX_RESOLUTION = 200
GRADIENT_MEMORY = 0.9  # β of the links' moving average of |∂L/∂w|: about the last 10 updates
EXPLODED_NORM = 1e6  # a weight layer's gradient norm above this has exploded


# --- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything that defines a playground run, with TensorFlow Playground's defaults (circles,
    no noise, half the points for training, batch 10, learning rate 0.03, tanh, no
    regularisation, features x1 and x2, hidden layers 4 and 2, 500 points); ``init`` defaults
    to Glorot-uniform, Keras's ``Dense`` default.

    Checked on construction: a ValueError says which value is out of range and what was expected.
    ``features`` and ``hidden`` may be given as any sequence and are stored as tuples, the
    features in ``FEATURES`` order; numbers are stored as float or int, so equal settings hash
    alike."""

    dataset: str = "circles"
    noise: float = 0.0
    train_fraction: float = 0.5
    batch_size: int = 10
    learning_rate: float = 0.03
    activation: str = "tanh"
    regularization: str = "none"
    regularization_rate: float = 0.0
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    n_samples: int = 500
    init: str = "glorot_uniform"
    seed: int = 0

    def __post_init__(self):
        for name, value in self._checked().items():
            object.__setattr__(self, name, value)

    def _checked(self) -> dict:
        features = self.features
        if isinstance(features, str) or not isinstance(features, Sequence) or not features:
            raise ValueError(
                f"features must be a non-empty sequence of names from {list(FEATURES)}; got {features!r}."
            )
        for name in features:
            choice("feature", name, FEATURES)
        if len(set(features)) != len(features):
            raise ValueError(f"features must not repeat a name; got {tuple(features)!r}.")
        hidden = self.hidden
        if isinstance(hidden, str) or not isinstance(hidden, Sequence) or len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"hidden must be a sequence of 0 to {MAX_HIDDEN_LAYERS} layer widths, e.g. (4, 2); "
                f"got {hidden!r}."
            )
        n_samples = whole("n_samples", self.n_samples, *SAMPLES)
        train_fraction = real("train_fraction", self.train_fraction, *TRAIN_FRACTIONS)
        batch_size = whole("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        n_train = _n_train(n_samples, train_fraction)
        if batch_size > n_train:
            raise ValueError(
                f"batch_size must be at most the {n_train} training points "
                f"({train_fraction:g} of {n_samples}); got {batch_size}."
            )
        return {
            "dataset": choice("dataset", self.dataset, DATASETS),
            "noise": real("noise", self.noise, 0.0, MAX_NOISE),
            "train_fraction": train_fraction,
            "batch_size": batch_size,
            "learning_rate": real("learning_rate", self.learning_rate, LEARNING_RATES[0], LEARNING_RATES[-1]),
            "activation": choice("activation", self.activation, ACTIVATIONS),
            "regularization": choice("regularization", self.regularization, REGULARIZATIONS),
            "regularization_rate": real(
                "regularization_rate", self.regularization_rate, 0.0, REGULARIZATION_RATES[-1]
            ),
            "features": tuple(name for name in FEATURES if name in features),
            "hidden": tuple(whole("Each hidden layer's units", w, 1, MAX_UNITS) for w in hidden),
            "n_samples": n_samples,
            "init": choice("initializer", self.init, INITIALIZERS),
            "seed": whole("seed", self.seed, 0, 2**32 - 1),
        }


def _n_train(n_samples: int, train_fraction: float) -> int:
    return min(n_samples - 1, max(1, round(train_fraction * n_samples)))


# --- features and the objective -------------------------------------------------------------------


def features(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network's inputs for ``points`` (n, 2) in plane units: one column per feature name of
    ``FEATURES``, in the order given; float64 (n, len(names))."""
    points = np.asarray(points, dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name][1](x1, x2) for name in names])


def _penalty_gradients(weights: Sequence[np.ndarray], regularization: str, rate: float) -> list[np.ndarray]:
    # R′(W): sign(W) for L1, W for L2, times the rate (the Playground's regularization.der).
    if regularization == "l1":
        return [rate * np.sign(W) for W in weights]
    if regularization == "l2":
        return [rate * W for W in weights]
    return [np.zeros_like(W) for W in weights]


def regularized_loss_and_gradients(
    state: ModelState, X: np.ndarray, y: np.ndarray, regularization: str = "none", rate: float = 0.0
) -> tuple[float, list[np.ndarray]]:
    """(mean cross-entropy + penalty, its gradient per array of ``state.parameters()``) on (X, y).

    The penalty is rate · Σ|w| (L1) or rate · Σ w² / 2 (L2) over the weights, not the biases,
    so its gradient rate · sign(w) or rate · w is what the Playground's ``regularization.der``
    adds to each link's update."""
    regularization = choice("regularization", regularization, REGULARIZATIONS)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    p = forward(state, X, True)
    grads = backward(state, p, y)
    weights = state.weights
    if regularization == "l1":
        penalty = rate * sum(float(np.abs(W).sum()) for W in weights)
    elif regularization == "l2":
        penalty = rate * sum(float(np.dot(W.ravel(), W.ravel())) for W in weights) / 2.0
    else:
        penalty = 0.0
    for i, g in enumerate(_penalty_gradients(weights, regularization, rate)):
        grads[2 * i] = grads[2 * i] + g
    return cross_entropy(p.logits, y) + penalty, grads


@functools.lru_cache(maxsize=16)
def _grid(resolution: int, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(plane points (r², 2), their features): cell centres, x1 varying fastest."""
    cell = 2.0 * PLANE / resolution
    centres = -PLANE + cell * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(centres, centres)
    points = np.column_stack([x1.ravel(), x2.ravel()])
    inputs = features(points, names)
    points.flags.writeable = False
    inputs.flags.writeable = False
    return points, inputs


def _finite_values(a: np.ndarray) -> np.ndarray:
    # Only a point far outside the data can overflow where every data point did not.
    big = np.finfo(np.float64).max
    return np.nan_to_num(a, nan=0.0, posinf=big, neginf=-big)


# --- the playground -----------------------------------------------------------------------------


class Playground:
    """A seeded TensorFlow-Playground network on the project's numpy MLP (see the module
    docstring for the plane, the loss, regularisation and divergence).

    ``Playground(settings)`` draws the data and the initial weights; ``settings`` is a
    ``PlaygroundSettings`` (or None for the defaults). ``step(n)`` makes n minibatch updates and
    returns the per-layer statistics; ``steps`` counts the updates made, ``epoch`` the completed
    passes over the training points; ``reset()`` returns to the initial network and batch order.
    The same settings give the same numbers, bit for bit, however the steps are split between
    calls (``step(5)`` twice is ``step(10)``), except ``grad_norm_mean``, a mean over one call.
    """

    def __init__(self, settings: PlaygroundSettings | None = None):
        if settings is None:
            settings = PlaygroundSettings()
        if not isinstance(settings, PlaygroundSettings):
            raise ValueError(f"settings must be a PlaygroundSettings; got {type(settings).__name__}.")
        self.settings = s = settings
        X, y = get_dataset(s.dataset)(s.n_samples, s.noise, s.seed)
        order = np.random.default_rng(np.random.SeedSequence([s.seed, 16])).permutation(s.n_samples)
        self.n_train = _n_train(s.n_samples, s.train_fraction)
        self._points = X[order] * PLANE_SCALE
        self._labels = y[order].astype(np.float64)
        self._inputs = features(self._points, s.features)
        self.node_names = [
            list(s.features),
            *([f"h{layer}.{unit}" for unit in range(1, w + 1)] for layer, w in enumerate(s.hidden, 1)),
            ["out"],
        ]
        self.reset()

    # -- state

    def reset(self) -> None:
        """Back to the initial network, batch order and counters (the same seed, the same weights)."""
        s = self.settings
        self.state: ModelState = seeded_state(
            s.activation, s.hidden, s.init, seed=s.seed, n_inputs=len(s.features)
        )
        self._arrays = self.state.parameters()
        self._optimizer = Optimizer("sgd", s.learning_rate, self._arrays)
        self._rng = np.random.default_rng(np.random.SeedSequence(s.seed).spawn(2)[1])
        self._order = np.zeros(0, dtype=np.int64)
        self._cursor = 0
        self.steps = 0
        self.diverged_at: int | None = None
        self.diverged_layer: int | None = None
        self._exploded: tuple[int, int] | None = None  # (update, layer) first past EXPLODED_NORM
        n_layers = len(self.state.weights)
        self._last = np.zeros((n_layers, 3))  # grad_norm, grad_norm_mean, update_ratio
        self._moving = [np.zeros_like(W) for W in self.state.weights]
        logits = self._logits()
        self._history = [(0, *self._losses(logits))]

    def retune(
        self,
        learning_rate: float | None = None,
        regularization: str | None = None,
        regularization_rate: float | None = None,
    ) -> None:
        """Change the learning rate or the regularisation between updates, keeping the network,
        its counters and its batch order (the Playground lets these move while it plays). The
        settings are checked as ``PlaygroundSettings`` checks them; ``reset`` keeps the new
        values. Nothing given, nothing changes."""
        changes = {
            name: value
            for name, value in (
                ("learning_rate", learning_rate),
                ("regularization", regularization),
                ("regularization_rate", regularization_rate),
            )
            if value is not None
        }
        if changes:
            self.settings = dataclasses.replace(self.settings, **changes)
            self._optimizer.lr = self.settings.learning_rate

    @property
    def epoch(self) -> int:
        """Completed passes over the training points."""
        return self.steps // (self.n_train // self.settings.batch_size)

    @property
    def depth(self) -> int:
        """The number of hidden layers."""
        return len(self.settings.hidden)

    def _next_batch(self) -> np.ndarray:
        b = self.settings.batch_size
        if self._cursor + b > len(self._order):
            per_epoch = self.n_train // b
            self._order = self._rng.permutation(self.n_train)[: per_epoch * b]
            self._cursor = 0
        idx = self._order[self._cursor : self._cursor + b]
        self._cursor += b
        return idx

    def _logits(self) -> np.ndarray:
        return forward(self.state, self._inputs, False, slopes=False).logits

    def _losses(self, logits: np.ndarray) -> tuple[float, float]:
        n = self.n_train
        return (
            cross_entropy(logits[:n], self._labels[:n]),
            cross_entropy(logits[n:], self._labels[n:]),
        )

    # -- training

    def step(self, n: int = 1) -> pd.DataFrame:
        """Make ``n`` (0 to 10,000) minibatch updates, fewer if the network diverges (see
        ``diverged_at``), and return ``statistics()``."""
        n = whole("n", n, 0, MAX_STEPS_PER_CALL)
        s = self.settings
        weights = self.state.weights
        n_layers = len(weights)
        norms_sum = np.zeros(n_layers)
        made = 0
        # The network before the latest update, kept so an update that diverges can be undone.
        saved = [a.copy() for a in self._arrays]
        before = saved[::2]  # the weights (parameters() alternates W and b)
        for _ in range(n if self.diverged_at is None else 0):
            update = self.steps + 1
            idx = self._next_batch()
            p = forward(self.state, self._inputs[idx], True)
            batch_loss = cross_entropy(p.logits, self._labels[idx])
            grads = backward(self.state, p, self._labels[idx])
            norms = np.array([global_norm([grads[2 * i]]) for i in range(n_layers)])
            self._note_explosion(update, norms)
            if not (math.isfinite(batch_loss) and np.isfinite(norms).all()):
                self._diverge(update, norms)
                break
            for buffer, a in zip(saved, self._arrays, strict=True):
                np.copyto(buffer, a)
            penalty = _penalty_gradients(weights, s.regularization, s.regularization_rate)
            total = [g + penalty[i // 2] if i % 2 == 0 else g for i, g in enumerate(grads)]
            self._optimizer.step(self._arrays, total)
            if s.regularization == "l1":
                # A weight the penalty alone pushed across 0 stops at 0, as in the Playground.
                with np.errstate(all="ignore"):
                    for i, W in enumerate(weights):
                        data_only = before[i] - s.learning_rate * grads[2 * i]
                        W[data_only * W < 0] = 0.0
            ratios = self._update_ratios(before)
            logits = self._logits()
            losses = self._losses(logits)
            finite = all(np.isfinite(a).all() for a in self._arrays)
            if not (finite and np.isfinite(ratios).all() and all(map(math.isfinite, losses))):
                for a, buffer in zip(self._arrays, saved, strict=True):
                    np.copyto(a, buffer)
                self._diverge(update, norms)
                break
            self.steps = update
            made += 1
            norms_sum += norms
            self._last[:, 0] = norms
            self._last[:, 2] = ratios
            self._history.append((update, *losses))
            with np.errstate(all="ignore"):
                for i, m in enumerate(self._moving):
                    m *= GRADIENT_MEMORY
                    m += (1.0 - GRADIENT_MEMORY) * np.abs(grads[2 * i])
        if made:
            self._last[:, 1] = norms_sum / made
        return self.statistics()

    def _update_ratios(self, before: list[np.ndarray]) -> np.ndarray:
        ratios = []
        for W0, W in zip(before, self.state.weights, strict=True):
            with np.errstate(all="ignore"):
                change = global_norm([W - W0]) if np.isfinite(W).all() else math.inf
                size = global_norm([W0])
                # All-zero weights (L1 can zero a layer): any change is all of the layer's weight.
                ratios.append(change / size if size > 0 else float(change > 0))
        return np.array(ratios)

    def _note_explosion(self, update: int, norms: np.ndarray) -> None:
        if self._exploded is not None:
            return
        over = np.where(np.isnan(norms), math.inf, norms)
        if (over > EXPLODED_NORM).any():
            self._exploded = (update, int(np.argmax(over)) + 1)

    def _diverge(self, update: int, norms: np.ndarray) -> None:
        self.diverged_at = update
        if self._exploded is not None:
            self.diverged_layer = self._exploded[1]
        else:
            self.diverged_layer = int(np.argmax(np.where(np.isnan(norms), math.inf, norms))) + 1

    @property
    def message(self) -> str | None:
        """What diverged, in words, or None while the network is finite."""
        if self.diverged_at is None:
            return None
        layer = self.diverged_layer
        name = "the output layer" if layer == self.depth + 1 else f"hidden layer {layer}"
        if self._exploded is not None:
            at, _ = self._exploded
            cause = f"{name}'s gradient norm passed {EXPLODED_NORM:.0e} first, at update {at:,}"
        else:
            cause = f"{name} had the largest gradient norm then"
        return (
            f"Diverged at update {self.diverged_at:,}: it would have taken the network past float64, "
            f"so it was undone and training stopped ({cause}). Lower the learning rate and reset."
        )

    # -- tables

    def statistics(self) -> pd.DataFrame:
        """One row per weight layer (1 = the first hidden layer, depth + 1 = the output):
        ``layer``; ``grad_norm``: ‖∂L/∂W‖ (Frobenius, cross-entropy only) of the last update's
        minibatch; ``grad_norm_mean``: its mean over the updates of the last ``step`` call that
        made any; ``update_ratio``: ‖ΔW‖ / ‖W‖ of the last update (1 if W was all zeros and moved);
        ``dead_fraction``: share of the layer's units with f′(u) = 0 on every training point;
        ``saturated_fraction``: share of unit-point pairs with |f′(u)| < 0.01 on the training
        points (``SATURATION_THRESHOLD``). The three step columns are 0 before the first update.
        The output row's dead and saturated fractions are 0: under cross-entropy the output
        passes p − y back with no slope factor, so it can neither die nor saturate."""
        p = forward(self.state, self._inputs[: self.n_train], True)
        n_layers = len(self.state.weights)
        dead, saturated = np.zeros(n_layers), np.zeros(n_layers)
        for i, slope in enumerate(p.slopes):
            dead[i] = np.mean(np.all(slope == 0.0, axis=0))
            saturated[i] = np.mean(np.abs(slope) < SATURATION_THRESHOLD)
        return pd.DataFrame(
            {
                "layer": np.arange(1, n_layers + 1),
                "grad_norm": self._last[:, 0].copy(),
                "grad_norm_mean": self._last[:, 1].copy(),
                "update_ratio": self._last[:, 2].copy(),
                "dead_fraction": dead,
                "saturated_fraction": saturated,
            }
        )

    def training_set_gradients(self) -> list[np.ndarray]:
        """∂L/∂W of the mean cross-entropy (no penalty) over every training point at the current
        weights, one array per weight layer shaped as its weights: the gradient each minibatch
        estimates. Before the first update, when ``statistics`` and ``links`` still hold 0, it
        shows where the gradient fades already at the initial weights."""
        n = self.n_train
        p = forward(self.state, self._inputs[:n], True)
        grads = backward(self.state, p, self._labels[:n])
        return [grads[2 * i] for i in range(len(self.state.weights))]

    def loss(self) -> tuple[float, float]:
        """(train loss, test loss): mean binary cross-entropy in nats, without the penalty (the
        Playground shows the data loss too)."""
        _, train_loss, test_loss = self._history[-1]
        return train_loss, test_loss

    def history(self) -> pd.DataFrame:
        """One row per update made, and one for the initial network: ``step``: updates done;
        ``epoch``: completed passes; ``train_loss``: nats; ``test_loss``: nats."""
        frame = pd.DataFrame(self._history, columns=["step", "train_loss", "test_loss"])
        frame.insert(1, "epoch", frame["step"] // (self.n_train // self.settings.batch_size))
        return frame

    def neuron_images(self, resolution: int = 40) -> pd.DataFrame:
        """Every node's output over a resolution × resolution grid of the plane (cell centres of
        [−6, 6]², x1 varying fastest), stacked: ``node``: "x1" … (the features), "h{l}.{u}",
        "out"; ``layer``: 0 for the features, 1 … depth for the hidden layers, depth + 1 for the
        output; ``unit``: from 1 within the layer; ``x1``, ``x2``: plane units; ``value``: the
        feature, the unit's activation f(u), or P(class 1) for "out" (= ``predict_proba`` there).
        Values past float64 (possible only far from the data) are shown as ±1.8e308."""
        resolution = whole("resolution", resolution, 2, MAX_RESOLUTION)
        points, inputs = _grid(resolution, self.settings.features)
        p = forward(self.state, inputs, False, slopes=False)
        with np.errstate(all="ignore"):
            out = special.expit(_finite_values(p.logits))
        blocks = [*p.inputs, out[:, None]]
        values = np.concatenate([_finite_values(h.T).ravel() for h in blocks])
        names = [name for layer in self.node_names for name in layer]
        cells = resolution * resolution
        layer_of = [layer for layer, names_ in enumerate(self.node_names) for _ in names_]
        unit_of = [unit for names_ in self.node_names for unit in range(1, len(names_) + 1)]
        return pd.DataFrame(
            {
                # A categorical: 64,000 strings cost milliseconds to build, the codes nothing.
                "node": pd.Categorical.from_codes(np.repeat(np.arange(len(names)), cells), names),
                "layer": np.repeat(layer_of, cells),
                "unit": np.repeat(unit_of, cells),
                "x1": np.tile(points[:, 0], len(names)),
                "x2": np.tile(points[:, 1], len(names)),
                "value": values,
            }
        )

    def boundary(self, resolution: int = 100) -> pd.DataFrame:
        """P(class 1) over a resolution × resolution grid (as ``neuron_images``' "out"):
        ``x1``, ``x2``: plane units; ``probability``."""
        resolution = whole("resolution", resolution, 2, MAX_RESOLUTION)
        points, inputs = _grid(resolution, self.settings.features)
        logits = forward(self.state, inputs, False, slopes=False).logits
        with np.errstate(all="ignore"):
            probability = special.expit(_finite_values(logits))
        return pd.DataFrame({"x1": points[:, 0], "x2": points[:, 1], "probability": probability})

    def links(self) -> pd.DataFrame:
        """One row per weight: ``layer``: 1 … depth + 1, the weight layer (its target's layer);
        ``source``, ``target``: node names as in ``neuron_images``; ``weight``;
        ``grad_mean_abs``: |∂L/∂w| of the cross-entropy, an exponential moving average over
        the updates (β = 0.9, so about the last ten), bias-corrected as Adam's moments are, so
        it does not start near 0 (0 before the first update)."""
        correction = 1.0 - GRADIENT_MEMORY**self.steps if self.steps else 1.0
        frames = []
        for layer, (W, m) in enumerate(zip(self.state.weights, self._moving, strict=True), 1):
            fan_in, fan_out = W.shape
            frames.append(
                pd.DataFrame(
                    {
                        "layer": layer,
                        "source": np.repeat(np.array(self.node_names[layer - 1], dtype=object), fan_out),
                        "target": np.tile(np.array(self.node_names[layer], dtype=object), fan_in),
                        "weight": W.ravel(),
                        "grad_mean_abs": m.ravel() / correction,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def points(self) -> pd.DataFrame:
        """The data in plane units: ``x1``, ``x2``; ``label``: 0 or 1; ``split``: "train" or "test"."""
        split = np.where(np.arange(len(self._labels)) < self.n_train, "train", "test")
        return pd.DataFrame(
            {
                "x1": self._points[:, 0],
                "x2": self._points[:, 1],
                "label": self._labels.astype(np.int64),
                "split": split.astype(object),
            }
        )
