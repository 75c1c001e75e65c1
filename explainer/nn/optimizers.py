"""Optimizers (SGD, momentum, Adam), gradient clipping, and the norms and angles between gradients.

Clipping follows Pascanu, Mikolov & Bengio (2013) as PyTorch implements it: ``("norm", t)``
multiplies the whole gradient by min(1, t / (‖g‖ + 1e-6)) (``clip_grad_norm_``), ``("value", t)``
clamps every entry to [−t, t] (``clip_grad_value_``). Optimizers: ``sgd``, ``momentum``
(PyTorch's SGD with momentum 0.9: v ← 0.9 v + g, θ ← θ − η v) and ``adam`` (Kingma & Ba 2015;
β = (0.9, 0.999), ε = 1e-8, bias-corrected).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .checks import is_number

MAX_LEARNING_RATE = 10.0
OPTIMIZERS = ("sgd", "momentum", "adam")
CLIP_MODES = ("norm", "value")
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
CLIP_EPS = 1e-6  # PyTorch clip_grad_norm_: max_norm / (total_norm + 1e-6)


# --- validation ------------------------------------------------------------------------------


def check_learning_rate(learning_rate) -> float:
    """``learning_rate`` as a float in (0, 10]; a ValueError says what came otherwise."""
    if not is_number(learning_rate) or not math.isfinite(learning_rate):
        raise ValueError(
            f"learning_rate must be a number in (0, {MAX_LEARNING_RATE:g}]; got {learning_rate!r}."
        )
    if not 0.0 < learning_rate <= MAX_LEARNING_RATE:
        raise ValueError(
            f"learning_rate must be above 0 and at most {MAX_LEARNING_RATE:g}; got {learning_rate!r}. "
            "At 0 nothing moves; far above 1 plain gradient descent on this loss only diverges."
        )
    return float(learning_rate)


def check_clip(clip) -> tuple[str, float] | None:
    """None, or ("norm" | "value", threshold > 0)."""
    if clip is None:
        return None
    if not isinstance(clip, tuple | list) or len(clip) != 2 or clip[0] not in CLIP_MODES:
        raise ValueError(f"clip must be None, ('norm', threshold) or ('value', threshold); got {clip!r}.")
    threshold = clip[1]
    if not is_number(threshold) or not math.isfinite(threshold) or threshold <= 0:
        raise ValueError(
            f"The clipping threshold must be a positive number; got {threshold!r}. "
            "A threshold of 0 would clip every gradient to nothing."
        )
    return str(clip[0]), float(threshold)


def check_optimizer(optimizer) -> str:
    """``optimizer`` if it is one of ``OPTIMIZERS``."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}; expected one of {list(OPTIMIZERS)}.")
    return optimizer


# --- norms, clipping and angles ------------------------------------------------------------------


def sum_of_squares(arrays: Sequence[np.ndarray]) -> float:
    """Σ‖a‖² over all arrays (inf where it overflows)."""
    with np.errstate(all="ignore"):
        return float(sum(np.dot(a.ravel(), a.ravel()) for a in arrays))


def global_norm(arrays: Sequence[np.ndarray]) -> float:
    """√Σ‖a‖² over all arrays, as if concatenated (``clip_grad_norm_``'s total norm), without
    overflow for finite entries; inf if an entry is not finite."""
    s = sum_of_squares(arrays)
    if math.isfinite(s):
        return math.sqrt(s)
    if not all(np.isfinite(a).all() for a in arrays):
        return math.inf
    c = max(float(np.max(np.abs(a))) for a in arrays if a.size)
    return c * math.sqrt(sum_of_squares([a / c for a in arrays]))


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


class Optimizer:
    """In-place updates θ ← θ − η · step(g) for ``sgd``, ``momentum`` and ``adam``.

    Momentum and Adam keep their running averages in one flat vector (``m`` and ``v`` list views
    of it, one per array) and take every element-wise operation once over all arrays instead of
    once per array: the same operations on the same numbers, a few calls instead of dozens."""

    def __init__(self, kind: str, learning_rate: float, arrays: Sequence[np.ndarray]):
        self.kind, self.lr, self.t = kind, learning_rate, 0
        self._shapes = [a.shape for a in arrays]
        ends = np.cumsum([a.size for a in arrays]).tolist()
        self._spans = list(zip([0, *ends[:-1]] if ends else [], ends, strict=True))
        total = ends[-1] if ends else 0
        self._m = np.zeros(total) if kind != "sgd" else np.zeros(0)
        self._v = np.zeros(total) if kind == "adam" else np.zeros(0)
        self.m = self._views(self._m) if kind != "sgd" else []
        self.v = self._views(self._v) if kind == "adam" else []

    def _views(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[lo:hi].reshape(shape) for (lo, hi), shape in zip(self._spans, self._shapes, strict=True)]

    def step(self, arrays: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of ``arrays`` in place along ``grads``."""
        self.t += 1
        with np.errstate(all="ignore"):
            if self.kind == "sgd":
                for a, g in zip(arrays, grads, strict=True):
                    a -= self.lr * g
                return
            g = np.concatenate([np.ravel(x) for x in grads]) if grads else np.zeros(0)
            if self.kind == "momentum":
                # m ← 0.9 m + g; θ ← θ − η m
                self._m *= MOMENTUM
                self._m += g
                update = self._m * self.lr
            else:
                b1, b2 = ADAM_BETAS
                c1, c2 = 1.0 - b1**self.t, 1.0 - b2**self.t
                # m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  θ ← θ − η (m / c₁) / (√(v / c₂) + ε),
                # each product and quotient in the order written (x · c = c · x exactly).
                self._m *= b1
                self._m += g * (1.0 - b1)
                self._v *= b2
                squared = g * (1.0 - b2)
                squared *= g
                self._v += squared
                update = self._m / c1
                update *= self.lr
                denominator = self._v / c2
                np.sqrt(denominator, out=denominator)
                denominator += ADAM_EPS
                update /= denominator
            for a, view in zip(arrays, self._views(update), strict=True):
                a -= view
