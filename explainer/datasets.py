"""The toy 2-D datasets: TensorFlow Playground's four, plus moons and a linearly separable set.

Every generator takes ``(n_samples, noise, seed)`` and returns ``(X, y)``: ``X`` float64 of shape
``(n_samples, 2)``, roughly within [-1.5, 1.5] so one plot range suits them all, and ``y`` int64 of
0s and 1s, balanced (``n_samples // 2`` zeros). ``noise`` is the standard deviation of Gaussian
jitter added to each point, in the plane's units, the meaning scikit-learn's ``make_circles`` and
``make_moons`` give it. The same seed gives the same points, bit for bit.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MIN_SAMPLES = 2
MAX_SAMPLES = 100_000
MAX_NOISE = 1.0
MAX_SEED = 2**32 - 1  # scikit-learn's random_state accepts 0 .. 2**32 - 1

Generator = Callable[[int, float, int], tuple[np.ndarray, np.ndarray]]


def check_n_samples(n_samples) -> int:
    """``n_samples`` as an int in [MIN_SAMPLES, MAX_SAMPLES]; a ValueError says what came otherwise."""
    whole = isinstance(n_samples, numbers.Integral) or (
        isinstance(n_samples, numbers.Real) and math.isfinite(n_samples) and float(n_samples).is_integer()
    )
    if isinstance(n_samples, bool) or not whole:
        raise ValueError(
            f"n_samples must be a whole number between {MIN_SAMPLES} and {MAX_SAMPLES}, got {n_samples!r}"
        )
    n_samples = int(n_samples)
    if not MIN_SAMPLES <= n_samples <= MAX_SAMPLES:
        raise ValueError(
            f"n_samples must be between {MIN_SAMPLES} and {MAX_SAMPLES} "
            f"(at least one point per class), got {n_samples}"
        )
    return n_samples


def check_noise(noise) -> float:
    """``noise`` as a float in [0, MAX_NOISE]; a ValueError says what came otherwise."""
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not math.isfinite(noise):
        raise ValueError(f"noise must be a finite number between 0 and {MAX_NOISE}, got {noise!r}")
    noise = float(noise)
    if not 0.0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise must be between 0 and {MAX_NOISE}, got {noise}")
    return noise


def check_seed(seed) -> int:
    """``seed`` as an int in [0, 2**32 - 1], the range scikit-learn's random_state accepts."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number between 0 and {MAX_SEED}, got {seed!r}")
    return int(seed)


@dataclass(frozen=True)
class Dataset:
    """A toy 2-D binary classification dataset; call it as ``(n_samples, noise, seed) -> (X, y)``."""

    key: str
    label: str
    description: str
    make: Generator
    default_noise: float
    linearly_separable: bool  # at noise 0: whether a straight line can split the classes

    def __call__(self, n_samples: int, noise: float | None = None, seed: int = 0):
        """``(X, y)``: X float64 (n_samples, 2), y int64 in {0, 1}; ``noise=None`` uses the default."""
        n_samples = check_n_samples(n_samples)
        noise = check_noise(self.default_noise if noise is None else noise)
        seed = check_seed(seed)
        X, y = self.make(n_samples, noise, seed)
        return np.ascontiguousarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


def _class_sizes(n_samples: int) -> tuple[int, int]:
    return n_samples // 2, n_samples - n_samples // 2


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    # Generators below build class 0 then class 1; interleave so any prefix holds both.
    order = rng.permutation(len(y))
    return X[order], y[order]


def _circles(n_samples: int, noise: float, seed: int):
    # Class 1 is the inner circle (radius 0.5), class 0 the outer one (radius 1).
    from sklearn.datasets import make_circles  # imported here: scikit-learn is slow to import

    return make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)


def _moons(n_samples: int, noise: float, seed: int):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples, noise=noise, random_state=seed)
    # make_moons spans x0 in [-1, 2], x1 in [-0.5, 1]: centre it on the origin.
    return X - np.array([0.5, 0.25]), y


def _gaussians(n_samples: int, noise: float, seed: int):
    # Two blobs of spread 0.3; the jitter adds in quadrature, as independent Gaussians do.
    spread = math.hypot(0.3, noise)
    from sklearn.datasets import make_blobs

    return make_blobs(
        n_samples=list(_class_sizes(n_samples)),
        centers=[(-0.6, -0.6), (0.6, 0.6)],
        cluster_std=spread,
        random_state=seed,
    )


def _xor(n_samples: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n_samples)
    # |coordinates| in [0.05, 1]: the Playground's padding keeps clean points off the axes.
    magnitude = rng.uniform(0.05, 1.0, size=(n_samples, 2))
    sign0 = rng.choice([-1.0, 1.0], size=n_samples)
    # Class 1 in quadrants I and III (x0 * x1 > 0), class 0 in II and IV.
    sign1 = np.where(np.arange(n_samples) < n0, -sign0, sign0)
    X = magnitude * np.column_stack([sign0, sign1])
    y = np.repeat([0, 1], [n0, n1])
    X = X + rng.normal(0.0, noise, size=X.shape)
    return _shuffled(rng, X, y)


def _spiral(n_samples: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    arms = []
    for label, n in enumerate(_class_sizes(n_samples)):
        r = np.linspace(0.0, 1.0, n, endpoint=False) if n else np.empty(0)
        # 1.75 turns, the second arm rotated by half a turn, as in the Playground.
        t = 1.75 * 2.0 * np.pi * r + np.pi * label
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    X = np.vstack(arms)
    y = np.repeat([0, 1], _class_sizes(n_samples))
    X = X + rng.normal(0.0, noise, size=X.shape)
    return _shuffled(rng, X, y)


def _linear(n_samples: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n_samples)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = np.repeat([0, 1], [n0, n1])
    # Class 1 lies above the diagonal x1 = x0. Swapping coordinates reflects a point across it and
    # keeps it in the square, so each point is moved to its class's side without rejection.
    wrong_side = (X[:, 1] > X[:, 0]) != (y == 1)
    X[wrong_side] = X[wrong_side][:, ::-1]
    # A margin of 0.1 between the classes: push each point 0.05 away from the line.
    normal = np.array([-1.0, 1.0]) / math.sqrt(2.0)
    X = X + np.where(y == 1, 0.05, -0.05)[:, None] * normal
    X = X + rng.normal(0.0, noise, size=X.shape)
    return _shuffled(rng, X, y)


CIRCLES = Dataset(
    "circles",
    "Circles",
    "A disc inside a ring: no straight line separates them.",
    _circles,
    default_noise=0.1,
    linearly_separable=False,
)
XOR = Dataset(
    "xor",
    "Exclusive or",
    "Opposite quadrants share a class: the textbook problem a single linear unit cannot solve.",
    _xor,
    default_noise=0.05,
    linearly_separable=False,
)
GAUSSIANS = Dataset(
    "gaussians",
    "Two Gaussians",
    "Two round clusters; a straight line between them does almost all the work.",
    _gaussians,
    default_noise=0.1,
    linearly_separable=True,
)
SPIRAL = Dataset(
    "spiral",
    "Spiral",
    "Two interleaved spiral arms: the hardest of the set, it needs many bends.",
    _spiral,
    default_noise=0.05,
    linearly_separable=False,
)
MOONS = Dataset(
    "moons",
    "Moons",
    "Two interlocking half-moons (scikit-learn's make_moons): a gently curved boundary.",
    _moons,
    default_noise=0.1,
    linearly_separable=False,
)
LINEAR = Dataset(
    "linear",
    "Linearly separable",
    "Two classes either side of a diagonal line with a gap between them: any linear model suffices.",
    _linear,
    default_noise=0.0,
    linearly_separable=True,
)

DATASETS: dict[str, Dataset] = {d.key: d for d in (CIRCLES, XOR, GAUSSIANS, SPIRAL, MOONS, LINEAR)}


def get_dataset(key: str) -> Dataset:
    """The registered dataset ``key``; a ValueError names the valid keys otherwise."""
    try:
        return DATASETS[key]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown dataset {key!r}; expected one of {sorted(DATASETS)}") from None
