"""The same scikit-learn MLPClassifier trained with each activation, side by side, epoch by epoch.

``fit_mlps`` builds one ``MLPClassifier`` per activation with identical architecture, seed,
train/test split and minibatch order, and trains each for exactly ``epochs`` epochs with
``partial_fit`` (one call is one epoch, REFERENCE.md §3), so no early stop hides a stalled net.
After every epoch it records the loss, train and test accuracy, each layer's relative update
‖ΔW_l‖/‖W_l‖, ReLU's dead units and (through a private scikit-learn method, see
``_gradient_norms``) each layer's gradient norm. Results come back as tidy DataFrames with
sentences written from the numbers (``lessons.mlp``). ``fit_mlps_stream`` trains the same nets
side by side, epoch by epoch, yielding snapshots (the curves and boundaries so far) on the way
to the same result.
"""

from __future__ import annotations

import math
import numbers
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import sklearn
from scipy import special
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from .activations import ACTIVATIONS
from .datasets import check_seed, get_dataset
from .lessons.mlp.summary import EARLY_EPOCHS, REACHED, comparison_sentences
from .nn.model import ModelState, forward

# Registry key -> scikit-learn's name, for the four hidden activations MLPClassifier supports.
SKLEARN_ACTIVATIONS: dict[str, str] = {a.key: a.sklearn_name for a in ACTIVATIONS.values() if a.sklearn_name}
SOLVERS: tuple[str, ...] = ("sgd", "adam")
ALPHA = 1e-4  # scikit-learn's default L2 penalty, kept so results match a plain MLPClassifier

# Ranges the page's widgets offer; values outside are clamped with a notice, not refused.
LIMITS: dict[str, tuple[float, float]] = {
    "n_samples": (20, 5000),
    "noise": (0.0, 1.0),
    "depth": (1, 12),
    "width": (1, 256),
    "learning_rate": (1e-4, 10.0),
    "epochs": (1, 2000),
    "test_fraction": (0.1, 0.5),
}

DEFAULTS: dict[str, object] = {
    "dataset": "circles",
    "activations": ("identity", "sigmoid", "tanh", "relu"),
    "hidden_layers": (16, 16),
    "solver": "adam",
    "learning_rate": 0.01,
    "batch_size": 64,
    "epochs": 200,
    "n_samples": 500,
    "noise": None,  # None: the dataset's own default noise
    "test_fraction": 0.25,
    "seed": 0,
}

GRID_SIZE = 50  # points per side of the decision-boundary grid
# Gradient norms cost a full-batch backward pass each; about this many epochs per net suffice for a
# heatmap, at a quarter of the cost of every epoch in the default run.
GRADIENT_EPOCHS = 50

PRESETS: dict[str, dict] = {
    "linear_vs_nonlinear": {
        "label": "Linear vs nonlinear",
        "description": (
            "Circles with no activation (identity) and with ReLU. Without a nonlinearity the "
            "stacked layers collapse to one straight line, so identity stays at chance while ReLU "
            "bends its boundary around the inner disc."
        ),
        "settings": {
            **DEFAULTS,
            "activations": ("identity", "relu"),
        },
    },
    "deep_sigmoid_stalls": {
        "label": "Deep sigmoid stalls",
        "description": (
            "Eight hidden layers trained with plain SGD, which moves each weight in proportion to "
            "its gradient. The sigmoid net's gradient shrinks on its way back through every layer "
            "(σ′ ≤ 1/4), so its first layers barely move and its loss stays at chance level, while "
            "tanh and ReLU learn. (Adam rescales every gradient to a similar step, which hides "
            "this from the update sizes but does not rescue the sigmoid net.)"
        ),
        "settings": {
            **DEFAULTS,
            "activations": ("sigmoid", "tanh", "relu"),
            "hidden_layers": (16,) * 8,
            "solver": "sgd",
            "learning_rate": 0.05,
        },
    },
    "dying_relu": {
        "label": "Dying ReLU",
        "description": (
            "ReLU with a learning rate 30 times the default. Large updates push units' inputs "
            "below zero for every training point; such a unit outputs 0 and its incoming weights "
            "get no gradient. The dead fraction rises far above its value at initialisation, "
            "which the default learning rate roughly keeps."
        ),
        "settings": {
            **DEFAULTS,
            "activations": ("relu",),
            "hidden_layers": (16, 16, 16),
            "learning_rate": 0.3,
        },
    },
}


@dataclass(frozen=True)
class MLPComparison:
    """The results of ``fit_mlps``: tidy DataFrames, the settings used, and sentences.

    ``activation`` columns hold registry keys ("sigmoid", not scikit-learn's "logistic"). Layers
    are numbered from 1 (the first hidden layer) to ``len(hidden_layers) + 1`` (the output layer).
    Epoch 0 is the untrained network.

    * ``history``: activation, epoch, loss, train_accuracy, test_accuracy. ``loss`` is
      scikit-learn's ``loss_`` for the epoch (the mean minibatch log-loss over the epoch, L2
      penalty included); at epoch 0 it is the same loss over the whole training set at
      initialisation.
    * ``updates``: activation, epoch (from 1), layer, relative_update = ‖W_l after − W_l before‖ /
      ‖W_l before‖ over one epoch (Frobenius norms; weights only). Karpathy's rule of thumb of
      ~1e-3 for a healthy layer (REFERENCE.md §8) is per step; an epoch has ``steps_per_epoch``.
    * ``dead``: activation, epoch, layer (hidden only), dead_fraction: the share of a ReLU layer's
      units that output 0 for every training point. ReLU rows only.
    * ``gradients``: activation, epoch, layer, gradient_norm: ‖∂loss/∂W_l‖ over the whole training
      set (L2 term included) at epoch 0, the last epoch and every k-th epoch between, k chosen so
      about GRADIENT_EPOCHS epochs are recorded. **Computed through scikit-learn's private
      ``_backprop``**; empty, with a notice, where this scikit-learn version does not allow it.
    * ``summary``: one row per activation: activation, label, sklearn_name, epochs (completed),
      diverged, diverged_epoch (<NA> unless diverged), initial_loss, final_loss, train_accuracy,
      test_accuracy, epochs_to_reach (first epoch with test accuracy ≥ 0.9, <NA> if never),
      first_layer_update and output_layer_update (the median relative update per epoch over
      epochs 1 to EARLY_EPOCHS, while every net is still learning),
      dead_fraction and dead_fraction_initial (NaN for activations other than ReLU), fit_seconds
      (time inside ``partial_fit``). A diverged net reports its last finite epoch.
    * ``grid``: activation, x0, x1, probability (of class 1) on a GRID_SIZE² grid over the plane.
    * ``points``: x0, x1, y, split ("train" or "test").
    * ``settings``: the values actually used, after clamping, plus n_train, n_test,
      steps_per_epoch, alpha, chance_accuracy and sklearn_version.
    * ``notices``: what was changed or skipped in the input, and optional parts unavailable.
    * ``messages``: sentences written from the results (which net is at chance, which stalls,
      which diverged, how many ReLU units died).
    """

    settings: dict
    history: pd.DataFrame
    updates: pd.DataFrame
    dead: pd.DataFrame
    gradients: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame
    points: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    elapsed_seconds: float = 0.0


# --- input checks -------------------------------------------------------------------------


def _number(name: str, value, *, integer: bool = False) -> float:
    """``value`` as a finite float (or whole int); a ValueError names ``name`` and what came."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        kind = "a whole number" if integer else "a finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    if integer and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value) if integer else float(value)


def _clamped(name: str, value, notices: list[str], *, integer: bool = False, what: str | None = None):
    """``value`` clamped to ``LIMITS[what or name]``, with a notice when that changed it."""
    low, high = LIMITS[what or name]
    value = _number(name, value, integer=integer)
    kept = min(max(value, low), high)
    kept = int(kept) if integer else float(kept)
    if kept != value:
        side = f"below the minimum of {low:g}" if value < low else f"above the maximum of {high:g}"
        notices.append(f"{name}={value:g} is {side}; used {kept:g}.")
    return kept


def _activation_keys(activations, notices: list[str]) -> list[str]:
    """Registry keys of the requested activations MLPClassifier supports, in order, once each."""
    if isinstance(activations, str):
        activations = (activations,)
    if not isinstance(activations, Iterable):
        raise ValueError(f"activations must be a sequence of activation names, got {activations!r}")
    by_sklearn_name = {v: k for k, v in SKLEARN_ACTIVATIONS.items()}
    keys: list[str] = []
    for name in activations:
        key = by_sklearn_name.get(name, name)
        if key not in ACTIVATIONS:
            raise ValueError(
                f"Unknown activation {name!r}; expected one of {sorted(SKLEARN_ACTIVATIONS)} "
                f"(or scikit-learn's names {sorted(by_sklearn_name)})"
            )
        if key not in SKLEARN_ACTIVATIONS:
            notices.append(
                f"{ACTIVATIONS[key].label} is not available in scikit-learn's MLPClassifier "
                f"(it offers {', '.join(sorted(by_sklearn_name))}); skipped."
            )
        elif key not in keys:
            keys.append(key)
    if not keys:
        raise ValueError(
            f"No activation scikit-learn supports was requested; expected some of {sorted(SKLEARN_ACTIVATIONS)}"
        )
    return keys


def _hidden_layers(hidden_layers, notices: list[str]) -> tuple[int, ...]:
    """Hidden-layer widths within the depth and width limits."""
    if isinstance(hidden_layers, numbers.Integral) and not isinstance(hidden_layers, bool):
        hidden_layers = (hidden_layers,)
    if not isinstance(hidden_layers, Iterable):
        raise ValueError(f"hidden_layers must be a sequence of layer widths, got {hidden_layers!r}")
    widths = [_number("a hidden layer width", w, integer=True) for w in hidden_layers]
    if not widths:
        raise ValueError("hidden_layers must name at least one hidden layer, got an empty sequence")
    high = int(LIMITS["depth"][1])
    if len(widths) > high:
        notices.append(f"{len(widths)} hidden layers is above the maximum of {high}; used the first {high}.")
        widths = widths[:high]
    return tuple(_clamped("hidden layer width", w, notices, integer=True, what="width") for w in widths)


def _batch_size(batch_size, n_train: int, notices: list[str]) -> int:
    """The batch size within 1..n_train, with a notice when clipped."""
    batch_size = _number("batch_size", batch_size, integer=True)
    if batch_size < 1:
        notices.append(f"batch_size={batch_size} is below 1; used 1.")
        return 1
    if batch_size > n_train:
        # The clip scikit-learn applies itself, with a UserWarning, for stochastic solvers.
        notices.append(
            f"batch_size={batch_size} is larger than the training set ({n_train} points); "
            f"clipped to {n_train}, as scikit-learn does."
        )
        return n_train
    return batch_size


# --- the network, read from its public attributes -----------------------------------------

Weights = tuple[list[np.ndarray], list[np.ndarray]]


def _copy_weights(model: MLPClassifier) -> Weights:
    """Copies of the weights and biases, which partial_fit updates in place."""
    return [W.copy() for W in model.coefs_], [b.copy() for b in model.intercepts_]


def _forward(key: str, weights: Weights, X: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Hidden activations per layer and P(class 1): MLPClassifier's forward pass from its weights,
    computed by the project's one numpy engine (``nn.model.forward``: h = f(h W + b) per layer,
    then a sigmoid output, as scikit-learn's binary classifier)."""
    coefs, intercepts = weights
    state = ModelState(key, (), False, tuple(coefs), tuple(intercepts))
    run = forward(state, X, training=False, slopes=False)
    return run.inputs[1:], special.expit(run.logits)


def _penalised_log_loss(coefs: list[np.ndarray], proba: np.ndarray, y: np.ndarray) -> float:
    """The loss MLPClassifier reports: the binary log-loss plus its L2 penalty α/2 · Σ‖W‖² / n."""
    data = float(log_loss(y, proba, labels=[0, 1]))
    return data + 0.5 * ALPHA * sum(float(np.sum(W * W)) for W in coefs) / len(y)


def _gradient_norms(model: MLPClassifier, X: np.ndarray, Y: np.ndarray) -> list[float]:
    """‖∂loss/∂W_l‖ per layer through the private ``_backprop``, called as REFERENCE.md §3 states."""
    n_layers = model.n_layers_
    activations = [X] + [None] * (n_layers - 1)
    deltas = [None] * (n_layers - 1)
    coef_grads = [np.empty_like(W) for W in model.coefs_]
    intercept_grads = [np.empty_like(b) for b in model.intercepts_]
    _, coef_grads, _ = model._backprop(X, Y, None, activations, deltas, coef_grads, intercept_grads)
    norms = [float(np.linalg.norm(g)) for g in coef_grads]
    if len(norms) != len(model.coefs_):
        raise ValueError(f"expected {len(model.coefs_)} weight gradients, got {len(norms)}")
    return norms


def _finite(weights: Weights) -> bool:
    """Whether every weight and bias is finite."""
    return all(np.isfinite(a).all() for part in weights for a in part)


def _initial_weights(params: dict, X: np.ndarray, y: np.ndarray) -> MLPClassifier:
    """A net holding exactly the weights ``MLPClassifier(**params)`` starts from.

    scikit-learn draws the initial weights inside the first ``partial_fit``, which also trains an
    epoch. A probe with the same seed and architecture takes that first call with one SGD step of
    size 1e-300: the step is far below float64 resolution of any weight, so the weights it keeps
    are the initial ones, obtained through the public API.
    """
    probe = MLPClassifier(
        **{**params, "solver": "sgd", "momentum": 0.0, "learning_rate_init": 1e-300, "batch_size": len(y)}
    )
    return probe.partial_fit(X, y, classes=np.array([0, 1]))


def _plane_grid(X: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Flattened coordinates of a size × size grid over one square box for every panel."""
    # 10% wider than the data, rounded out to 0.1, so every point sits inside the picture.
    half = math.ceil(float(np.abs(X).max()) * 1.1 * 10.0) / 10.0
    ticks = np.linspace(-half, half, size)
    g0, g1 = np.meshgrid(ticks, ticks)
    return g0.ravel(), g1.ravel()


# --- training -----------------------------------------------------------------------------

# Points per side of the boundary grid in a part-way snapshot: a quarter of GRID_SIZE²'s cells,
# so a frame drawn while training ships and draws a quarter of the rows. The final grid is full.
STREAM_GRID_SIZE = 25


@dataclass
class _Run:
    """What one activation's net recorded, as rows for the DataFrames."""

    key: str
    history: list[tuple] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)
    dead: list[tuple] = field(default_factory=list)
    gradients: list[tuple] | None = field(default_factory=list)  # None once the private route failed
    gradient_error: str | None = None
    diverged_epoch: int | None = None
    fit_seconds: float = 0.0
    proba_grid: np.ndarray | None = None


class _Progress:
    """Calls ``progress(fraction)`` about a hundred times at most, increasing, ending at exactly 1.0."""

    def __init__(self, callback: Callable[[float], object] | None, total: int):
        self.callback, self.total, self.done, self.reported = callback, max(total, 1), 0, 0.0

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        fraction = self.done / self.total
        if self.callback is not None and fraction < 1.0 and fraction - self.reported >= 0.01:
            self.reported = fraction
            self.callback(fraction)

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(1.0)


@contextmanager
def _quiet() -> Iterator[None]:
    """Float overflow and scikit-learn's warnings kept inside one stretch of training; a generator
    holds neither across a ``yield``, where its caller runs."""
    # Float overflow in a diverging net is detected from the numbers, not from warnings. Neither
    # warning may reach the page: partial_fit never stops early, and batch sizes are clipped with
    # a notice of our own.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Got `batch_size` less than 1", category=UserWarning)
        yield


class _CheckedInput:
    """Stands in for one net's ``MLPClassifier._validate_input`` (private), which every
    ``partial_fit`` call runs to check the points and label-binarize the targets again: over 40%
    of the training time here, though every epoch passes the same points in a new order.

    ``prepare`` hands it an epoch's arrays and their binarized targets. A call with exactly
    those arrays returns them unchecked once ``verified``: once scikit-learn's own check of the
    first epoch returned those very points and equal targets. Until then, for any other call,
    and where a scikit-learn version has no such method, scikit-learn checks as usual, so the
    results are the same either way (a unit test compares the two paths)."""

    def __init__(self, model: MLPClassifier):
        self.original = model._validate_input
        self.X = self.y = self.Y = None
        self.seen: tuple | None = None
        self.verified = False

    def __call__(self, X, y, *args, **kwargs):
        if self.verified and X is self.X and y is self.y:
            return X, self.Y
        checked = self.original(X, y, *args, **kwargs)
        if X is self.X and y is self.y:
            self.seen = checked
        return checked

    def prepare(self, X: np.ndarray, y: np.ndarray, Y: np.ndarray) -> None:
        self.X, self.y, self.Y = X, y, Y

    def verify(self) -> None:
        """Trust the prepared arrays if scikit-learn's check of them returned the points
        themselves and the same boolean targets."""
        seen, self.seen = self.seen, None
        if isinstance(seen, tuple) and len(seen) == 2 and seen[0] is self.X:
            Y = seen[1]
            self.verified = (
                isinstance(Y, np.ndarray)
                and Y.dtype == self.Y.dtype
                and Y.shape == self.Y.shape
                and bool(np.array_equal(Y, self.Y))
            )


class _Net:
    """One activation's ``MLPClassifier``, trained one epoch per ``train`` call, with its records."""

    def __init__(self, key: str, data: dict, settings: dict, want_gradients: bool):
        self.key, self.data, self.epochs = key, data, settings["epochs"]
        self.run = _Run(key)
        if not want_gradients:
            self.run.gradients = None
        self.Y_train = data["y_train"].reshape(-1, 1).astype(np.float64)
        self.gradient_stride = max(1, math.ceil(self.epochs / GRADIENT_EPOCHS))
        params = {
            "hidden_layer_sizes": settings["hidden_layers"],
            "activation": SKLEARN_ACTIVATIONS[key],
            "solver": settings["solver"],
            "alpha": ALPHA,
            "batch_size": settings["batch_size"],
            "learning_rate_init": settings["learning_rate"],
            # We shuffle each epoch ourselves: with an int random_state scikit-learn re-seeds its
            # shuffle at every partial_fit call and would repeat one minibatch order every epoch.
            "shuffle": False,
            "random_state": settings["seed"],
        }
        probe = _initial_weights(params, data["X_train"], data["y_train"])
        self.before = _copy_weights(probe)
        self._record(0, self.before, None)
        self._record_gradients(0, probe)
        # A RandomState of its own, not the int: scikit-learn builds a new RandomState from an int
        # at every partial_fit call (several percent of the time here). It draws from it only for
        # the initial weights, the same as the probe's, and for shuffling and early stopping, off.
        self.model = MLPClassifier(**{**params, "random_state": np.random.RandomState(settings["seed"])})
        self.checked = _CheckedInput(self.model) if hasattr(self.model, "_validate_input") else None
        if self.checked is not None:
            self.model._validate_input = self.checked

    @property
    def training(self) -> bool:
        return self.run.diverged_epoch is None

    def _record(self, epoch: int, weights: Weights, loss: float | None) -> bool:
        """Loss, accuracies and dead units at ``weights``; False if its outputs are not finite."""
        run, data = self.run, self.data
        y_train, y_test = data["y_train"], data["y_test"]
        n_train = len(y_train)
        hidden, proba = _forward(self.key, weights, data["X_both"])
        if not np.isfinite(proba).all():
            return False
        train_p = proba[:n_train]
        if loss is None:
            loss = _penalised_log_loss(weights[0], train_p, y_train)
        train_acc = float(np.mean((train_p > 0.5) == (y_train == 1)))
        test_acc = float(np.mean((proba[n_train:] > 0.5) == (y_test == 1)))
        run.history.append((self.key, epoch, float(loss), train_acc, test_acc))
        if self.key == "relu":
            for layer, h in enumerate(hidden, start=1):
                dead = ~(h[:n_train] > 0.0).any(axis=0)
                run.dead.append((self.key, epoch, layer, float(dead.mean())))
        return True

    def _record_gradients(self, epoch: int, net: MLPClassifier) -> None:
        run = self.run
        if run.gradients is None:
            return
        try:
            norms = _gradient_norms(net, self.data["X_train"], self.Y_train)
        except Exception as error:  # a private API: any change in it must not stop the page
            run.gradients = None
            run.gradient_error = f"{type(error).__name__}: {error}"
            return
        run.gradients.extend((self.key, epoch, layer, g) for layer, g in enumerate(norms, start=1))

    def train(self, epoch: int, X: np.ndarray, y: np.ndarray, Y: np.ndarray) -> int:
        """One epoch on ``X``, ``y`` (the training points in this epoch's order; ``Y``: ``y`` as a
        boolean column, as scikit-learn binarizes it), then its records; the epochs of progress
        done (all that were left when the net diverges)."""
        model, run, before = self.model, self.run, self.before
        if self.checked is not None:
            self.checked.prepare(X, y, Y)
        start = time.perf_counter()
        try:
            if epoch == 1:
                model.partial_fit(X, y, classes=np.array([0, 1]))
            else:
                # The first call validated the parameters and data, which do not change; these
                # are scikit-learn's public switches for skipping the re-checks every epoch.
                with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
                    model.partial_fit(X, y)
        except ValueError:
            # scikit-learn refuses non-finite weights after an epoch; any other ValueError is real.
            if _finite(_copy_weights(model)):
                raise
        run.fit_seconds += time.perf_counter() - start
        if epoch == 1 and self.checked is not None:
            self.checked.verify()
        after = (model.coefs_, model.intercepts_)
        ok = _finite(after) and math.isfinite(model.loss_) and self._record(epoch, after, model.loss_)
        if not ok:
            run.diverged_epoch = epoch
            # Keep the last finite weights, so the boundary panel shows where the net was.
            model.coefs_, model.intercepts_ = before
            return self.epochs - epoch + 1
        for layer, (W0, W1) in enumerate(zip(before[0], model.coefs_, strict=True), start=1):
            size = max(float(np.linalg.norm(W0)), np.finfo(np.float64).tiny)
            run.updates.append((self.key, epoch, layer, float(np.linalg.norm(W1 - W0)) / size))
        if epoch % self.gradient_stride == 0 or epoch == self.epochs:
            self._record_gradients(epoch, model)
        self.before = _copy_weights(model)
        return 1


@dataclass(frozen=True, eq=False)
class MLPSnapshot:
    """The comparison part-way through training, as ``fit_mlps_stream`` yields it.

    ``epoch`` of ``settings["epochs"]`` epochs are done; a net in ``diverged`` (registry key →
    the epoch it diverged at) stopped before. ``history`` has ``MLPComparison.history``'s columns
    and its rows up to ``epoch``. ``grid`` is each net's P(class 1) at its weights after that
    epoch (its last finite ones if diverged), on a coarser STREAM_GRID_SIZE² grid over the same
    square; both are computed when first read, from copies taken at the snapshot, so a kept
    snapshot stays true (``rows``, ``weights`` and ``grid_X`` are what they are computed from).
    ``settings``, ``points`` and ``notices`` are the final comparison's (``notices`` without any
    note added at the end).
    """

    settings: dict
    epoch: int
    points: pd.DataFrame
    notices: list[str]
    diverged: dict[str, int]
    rows: tuple[tuple[list[tuple], int], ...] = field(repr=False)  # each net's history list, rows so far
    weights: tuple[tuple[str, Weights], ...] = field(repr=False)
    grid_X: np.ndarray = field(repr=False)

    @cached_property
    def history(self) -> pd.DataFrame:
        return _frame(
            (r for rows, n in self.rows for r in rows[:n]),
            ["activation", "epoch", "loss", "train_accuracy", "test_accuracy"],
        )

    @cached_property
    def grid(self) -> pd.DataFrame:
        with _quiet():
            proba = [_forward(key, weights, self.grid_X)[1] for key, weights in self.weights]
        size = len(self.grid_X)
        return pd.DataFrame(
            {
                "activation": np.repeat([key for key, _ in self.weights], size),
                "x0": np.tile(self.grid_X[:, 0], len(self.weights)),
                "x1": np.tile(self.grid_X[:, 1], len(self.weights)),
                "probability": np.concatenate(proba),
            }
        )


def _prepare(
    dataset,
    activations,
    hidden_layers,
    solver,
    learning_rate,
    batch_size,
    epochs,
    n_samples,
    noise,
    test_fraction,
    seed,
) -> tuple[dict, dict, list[str], object]:
    """The checked settings, the data every net trains on, the notices and the dataset entry."""
    notices: list[str] = []
    entry = get_dataset(dataset)
    keys = _activation_keys(activations, notices)
    hidden = _hidden_layers(hidden_layers, notices)
    if solver not in SOLVERS:
        raise ValueError(
            f"Unknown solver {solver!r}; expected one of {list(SOLVERS)} "
            "(lbfgs has no epochs to train one at a time)"
        )
    learning_rate = _clamped("learning_rate", learning_rate, notices)
    epochs = _clamped("epochs", epochs, notices, integer=True)
    n_samples = _clamped("n_samples", n_samples, notices, integer=True)
    noise = _clamped("noise", entry.default_noise if noise is None else noise, notices)
    test_fraction = _clamped("test_fraction", test_fraction, notices)
    seed = check_seed(seed)

    X, y = entry(n_samples, noise, seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    batch_size = _batch_size(batch_size, len(y_train), notices)
    settings = {
        "dataset": entry.key,
        "activations": tuple(keys),
        "hidden_layers": hidden,
        "solver": solver,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "epochs": epochs,
        "n_samples": n_samples,
        "noise": noise,
        "test_fraction": test_fraction,
        "seed": seed,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "steps_per_epoch": math.ceil(len(y_train) / batch_size),
        "alpha": ALPHA,
        "chance_accuracy": float(max(np.mean(y_test), 1.0 - np.mean(y_test))),
        "sklearn_version": sklearn.__version__,
    }
    g0, g1 = _plane_grid(X, GRID_SIZE)
    s0, s1 = _plane_grid(X, STREAM_GRID_SIZE)
    data = {
        "X_train": np.ascontiguousarray(X_train),
        "y_train": y_train,
        "y_test": y_test,
        "X_both": np.vstack([X_train, X_test]),
        "grid": (g0, g1),
        "grid_X": np.column_stack([g0, g1]),
        "stream_grid_X": np.column_stack([s0, s1]),
        "points": pd.DataFrame(
            {
                "x0": np.concatenate([X_train[:, 0], X_test[:, 0]]),
                "x1": np.concatenate([X_train[:, 1], X_test[:, 1]]),
                "y": np.concatenate([y_train, y_test]),
                "split": ["train"] * len(y_train) + ["test"] * len(y_test),
            }
        ),
    }
    return settings, data, notices, entry


def fit_mlps_stream(
    dataset: str = DEFAULTS["dataset"],
    activations: Sequence[str] | str = DEFAULTS["activations"],
    hidden_layers: Sequence[int] | int = DEFAULTS["hidden_layers"],
    *,
    solver: str = DEFAULTS["solver"],
    learning_rate: float = DEFAULTS["learning_rate"],
    batch_size: int = DEFAULTS["batch_size"],
    epochs: int = DEFAULTS["epochs"],
    n_samples: int = DEFAULTS["n_samples"],
    noise: float | None = None,
    test_fraction: float = DEFAULTS["test_fraction"],
    seed: int = DEFAULTS["seed"],
    progress: Callable[[float], object] | None = None,
    gradient_norms: bool = True,
    every: int | None = 10,
) -> Iterator[MLPSnapshot | MLPComparison]:
    """``fit_mlps`` as it trains: an ``MLPSnapshot`` after every ``every`` epochs (epochs
    ``every``, 2·``every``, … before the last; none when ``every`` is None), then, always last,
    the ``MLPComparison`` that ``fit_mlps`` returns for the same arguments.

    The nets train side by side, each one epoch in turn, so a snapshot shows every net at the
    same epoch. Training runs only while the caller iterates: a caller that stops (Streamlit
    stops a script when a widget changes) stops it. Input errors raise ValueError on the first
    ``next``. ``every`` must be a positive whole number or None.
    """
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1
    ):
        raise ValueError(f"every must be a positive whole number of epochs or None, got {every!r}")
    started = time.perf_counter()
    settings, data, notices, entry = _prepare(
        dataset,
        activations,
        hidden_layers,
        solver,
        learning_rate,
        batch_size,
        epochs,
        n_samples,
        noise,
        test_fraction,
        seed,
    )
    keys, epochs = settings["activations"], settings["epochs"]
    X_train, y_train = data["X_train"], data["y_train"]
    tracker = _Progress(progress, len(keys) * epochs)
    with _quiet():
        nets = [_Net(key, data, settings, gradient_norms) for key in keys]
    order_rng = np.random.default_rng(settings["seed"])  # the same minibatch order for every net
    for epoch in range(1, epochs + 1):
        order = order_rng.permutation(len(y_train))
        X, y = X_train[order], y_train[order]
        Y = y.reshape(-1, 1) == 1  # the boolean column scikit-learn binarizes y into
        with _quiet():
            for net in nets:
                if net.training:
                    tracker.advance(net.train(epoch, X, y, Y))
        if not any(net.training for net in nets):
            break
        if every is not None and epoch % every == 0 and epoch < epochs:
            yield MLPSnapshot(
                settings=settings,
                epoch=epoch,
                points=data["points"],
                notices=list(notices),
                diverged={n.key: n.run.diverged_epoch for n in nets if not n.training},
                rows=tuple((n.run.history, len(n.run.history)) for n in nets),
                weights=tuple((n.key, n.before) for n in nets),
                grid_X=data["stream_grid_X"],
            )
    with _quiet():
        for net in nets:
            net.run.proba_grid = net.model.predict_proba(data["grid_X"])[:, 1]
    tracker.finish()
    runs = [net.run for net in nets]
    failed = next((run.gradient_error for run in runs if run.gradient_error), None)
    if failed:
        notices.append(
            "Per-layer gradient norms are unavailable: they use scikit-learn's private _backprop, "
            f"which scikit-learn {sklearn.__version__} no longer accepts as called here ({failed}). "
            "Every other result is unaffected."
        )
    yield _assemble(runs, settings, entry, data, notices, started)


def fit_mlps(
    dataset: str = DEFAULTS["dataset"],
    activations: Sequence[str] | str = DEFAULTS["activations"],
    hidden_layers: Sequence[int] | int = DEFAULTS["hidden_layers"],
    *,
    solver: str = DEFAULTS["solver"],
    learning_rate: float = DEFAULTS["learning_rate"],
    batch_size: int = DEFAULTS["batch_size"],
    epochs: int = DEFAULTS["epochs"],
    n_samples: int = DEFAULTS["n_samples"],
    noise: float | None = None,
    test_fraction: float = DEFAULTS["test_fraction"],
    seed: int = DEFAULTS["seed"],
    progress: Callable[[float], object] | None = None,
    gradient_norms: bool = True,
) -> MLPComparison:
    """Train one scikit-learn ``MLPClassifier`` per activation on the same data; an ``MLPComparison``.

    Every net has the architecture ``hidden_layers`` (widths of the hidden layers), scikit-learn's
    Glorot-uniform initialisation from ``seed``, the same stratified train/test split
    (``test_fraction`` of ``n_samples`` points from ``explainer.DATASETS[dataset]``) and the same
    minibatch order, and is trained with ``partial_fit`` for exactly ``epochs`` epochs: no early
    stopping. ``activations`` are registry keys ("sigmoid") or scikit-learn's names ("logistic");
    ones MLPClassifier lacks are skipped with a notice. ``noise=None`` uses the dataset's default.

    Out-of-range numbers (``LIMITS``; a batch larger than the training set) are clamped and the
    change is listed in ``notices``; unknown names and non-numbers raise ValueError. A net whose
    loss or weights become NaN or infinite stops there and is reported as diverged at that epoch:
    no NaN reaches the results. ``ConvergenceWarning`` and scikit-learn's batch-size clipping
    warning are kept inside. ``progress(fraction)``, if given, is called as epochs complete, with
    increasing fractions ending at exactly 1.0. ``gradient_norms`` adds the optional per-layer
    gradient norms computed through scikit-learn's private ``_backprop``.

    See ``MLPComparison`` for the DataFrames and their columns.
    """
    *_, result = fit_mlps_stream(
        dataset,
        activations,
        hidden_layers,
        solver=solver,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        n_samples=n_samples,
        noise=noise,
        test_fraction=test_fraction,
        seed=seed,
        progress=progress,
        gradient_norms=gradient_norms,
        every=None,
    )
    return result


def _merged_settings(parts: Sequence[MLPComparison | MLPSnapshot]) -> dict:
    """The settings of ``parts`` (trained alike, each on its own activations), with every
    activation in the parts' order; a ValueError if they differ in anything else."""
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0].settings
    keys = [key for part in parts for key in part.settings["activations"]]
    if len(set(keys)) != len(keys):
        raise ValueError(f"the parts share activations: {keys}")
    for part in parts[1:]:
        differ = {k for k in first if k != "activations" and part.settings[k] != first[k]}
        if differ:
            raise ValueError(f"the parts were trained differently: {sorted(differ)}")
    return {**first, "activations": tuple(keys)}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def merge_comparisons(parts: Sequence[MLPComparison]) -> MLPComparison:
    """One ``MLPComparison`` of ``parts``: comparisons trained with the same settings, each on its
    own activations (as ``fit_mlps`` run in several processes side by side). Each net's training
    depends only on the settings, so the result equals ``fit_mlps`` of all the activations, in
    the parts' order (``fit_seconds`` and ``elapsed_seconds`` aside: the slowest part's)."""
    settings = _merged_settings(parts)

    def stacked(name: str) -> pd.DataFrame:
        # An empty part's frame (no ReLU net, so no dead units) has untyped columns: leave it out,
        # as fit_mlps builds its frame from the rows there are.
        frames = [getattr(part, name) for part in parts]
        return pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)

    summary = stacked("summary")
    return MLPComparison(
        settings=settings,
        history=stacked("history"),
        updates=stacked("updates"),
        dead=stacked("dead"),
        gradients=stacked("gradients"),
        summary=summary,
        grid=stacked("grid"),
        points=parts[0].points,
        notices=_unique(notice for part in parts for notice in part.notices),
        messages=comparison_sentences(summary, settings, get_dataset(settings["dataset"])),
        elapsed_seconds=max(part.elapsed_seconds for part in parts),
    )


def split_comparison(comparison: MLPComparison) -> list[MLPComparison]:
    """``comparison`` as one ``MLPComparison`` per net, in its order: the inverse of
    ``merge_comparisons``. Each net trains alone, so each part equals ``fit_mlps`` of its
    activation alone (its sentences written for that net; ``elapsed_seconds`` the whole's)."""
    settings = comparison.settings
    dataset = get_dataset(settings["dataset"])

    def rows(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        # A net with no rows (no dead units but ReLU's) gets the empty frame fit_mlps builds.
        mine = frame[frame["activation"] == key].reset_index(drop=True)
        return mine if len(mine) else _frame((), list(frame.columns))

    parts = []
    for key in settings["activations"]:
        summary = rows(comparison.summary, key)
        part_settings = {**settings, "activations": (key,)}
        parts.append(
            MLPComparison(
                settings=part_settings,
                history=rows(comparison.history, key),
                updates=rows(comparison.updates, key),
                dead=rows(comparison.dead, key),
                gradients=rows(comparison.gradients, key),
                summary=summary,
                grid=rows(comparison.grid, key),
                points=comparison.points,
                notices=list(comparison.notices),
                messages=comparison_sentences(summary, part_settings, dataset),
                elapsed_seconds=comparison.elapsed_seconds,
            )
        )
    return parts


def merge_snapshots(parts: Sequence[MLPSnapshot]) -> MLPSnapshot:
    """One ``MLPSnapshot`` of the parts of a comparison trained side by side (see
    ``merge_comparisons``), each net as far as its part has trained: ``epoch`` is the least."""
    return MLPSnapshot(
        settings=_merged_settings(parts),
        epoch=min(part.epoch for part in parts),
        points=parts[0].points,
        notices=_unique(notice for part in parts for notice in part.notices),
        diverged={key: epoch for part in parts for key, epoch in part.diverged.items()},
        rows=tuple(row for part in parts for row in part.rows),
        weights=tuple(weights for part in parts for weights in part.weights),
        grid_X=parts[0].grid_X,
    )


def _frame(rows: Iterable[tuple], columns: list[str]) -> pd.DataFrame:
    """A DataFrame of record tuples, with int64 epoch and layer columns even when empty."""
    frame = pd.DataFrame(list(rows), columns=columns)
    for name in ("epoch", "layer"):
        if name in frame:
            frame[name] = frame[name].astype(np.int64)
    return frame


def _assemble(runs, settings, entry, data, notices, started):
    """The DataFrames, summary and sentences of an ``MLPComparison`` from the per-net records."""
    history = _frame(
        (r for run in runs for r in run.history),
        ["activation", "epoch", "loss", "train_accuracy", "test_accuracy"],
    )
    updates = _frame(
        (r for run in runs for r in run.updates), ["activation", "epoch", "layer", "relative_update"]
    )
    dead = _frame((r for run in runs for r in run.dead), ["activation", "epoch", "layer", "dead_fraction"])
    gradients = _frame(
        (r for run in runs if run.gradients is not None for r in run.gradients),
        ["activation", "epoch", "layer", "gradient_norm"],
    )
    g0, g1 = data["grid"]
    grid = pd.DataFrame(
        {
            "activation": np.repeat([run.key for run in runs], len(g0)),
            "x0": np.tile(g0, len(runs)),
            "x1": np.tile(g1, len(runs)),
            "probability": np.concatenate([run.proba_grid for run in runs]),
        }
    )
    points = data["points"]
    output_layer = len(settings["hidden_layers"]) + 1
    rows = []
    for run in runs:
        h = history[history["activation"] == run.key]
        u = updates[updates["activation"] == run.key]
        d = dead[dead["activation"] == run.key]
        reached = h.loc[(h["epoch"] > 0) & (h["test_accuracy"] >= REACHED), "epoch"]
        last = h.iloc[-1]
        early = u[u["epoch"] <= EARLY_EPOCHS]
        layer_median = early.groupby("layer")["relative_update"].median()
        rows.append(
            {
                "activation": run.key,
                "label": ACTIVATIONS[run.key].label,
                "sklearn_name": SKLEARN_ACTIVATIONS[run.key],
                "epochs": int(last["epoch"]),
                "diverged": run.diverged_epoch is not None,
                "diverged_epoch": run.diverged_epoch,
                "initial_loss": float(h["loss"].iloc[0]),
                "final_loss": float(last["loss"]),
                "train_accuracy": float(last["train_accuracy"]),
                "test_accuracy": float(last["test_accuracy"]),
                "epochs_to_reach": int(reached.iloc[0]) if len(reached) else None,
                "first_layer_update": float(layer_median.get(1, np.nan)),
                "output_layer_update": float(layer_median.get(output_layer, np.nan)),
                "dead_fraction": _overall_dead(d, int(last["epoch"]), settings["hidden_layers"]),
                "dead_fraction_initial": _overall_dead(d, 0, settings["hidden_layers"]),
                "fit_seconds": run.fit_seconds,
            }
        )
    summary = pd.DataFrame(rows)
    for name in ("diverged_epoch", "epochs_to_reach"):
        summary[name] = summary[name].astype("Int64")
    messages = comparison_sentences(summary, settings, entry)
    return MLPComparison(
        settings=settings,
        history=history,
        updates=updates,
        dead=dead,
        gradients=gradients,
        summary=summary,
        grid=grid,
        points=points,
        notices=notices,
        messages=messages,
        elapsed_seconds=time.perf_counter() - started,
    )


def _overall_dead(dead: pd.DataFrame, epoch: int, widths: tuple[int, ...]) -> float:
    """The share of all hidden units dead at ``epoch`` (layers weighted by width); NaN without ReLU rows."""
    fractions = dead.loc[dead["epoch"] == epoch, "dead_fraction"].to_numpy()
    if len(fractions) != len(widths):
        return math.nan
    return float(np.dot(fractions, widths) / sum(widths))
