"""Gaussian expectations by deterministic quadrature, and the mean-field variance map.

E[g(z)] for z ~ N(0, q) is computed without sampling, so a figure built on it is exact and
repeatable (Poole et al. 2016; Schoenholz et al. 2017; REFERENCE.md section 5).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize

from .activations import Activation, get_activation

Z_LIMIT = 12.0  # the normal density beyond 12 standard deviations is below 1e-31
NODES_PER_PIECE = 64


@lru_cache(maxsize=4)
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


@lru_cache(maxsize=4)
def _hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    # Probabilists' Hermite nodes integrate against exp(-z**2/2); dividing the weights by
    # sqrt(2*pi) turns the sum into an expectation over N(0, 1).
    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / math.sqrt(2.0 * math.pi)


def gauss_hermite_expectation(g: Callable[[np.ndarray], np.ndarray], q: float = 1.0, n: int = 101) -> float:
    """E[g(z)] for z ~ N(0, q) by n-point Gauss–Hermite quadrature: exact for polynomials of
    degree < 2n and for ReLU-like functions whose only kink is at 0 (the nodes are symmetric),
    but only ~1e-3 accurate for a kink off the symmetric pattern, as SELU's at 0 with its
    different slopes; ``gaussian_expectation`` handles those."""
    nodes, weights = _hermite(n)
    return float(np.dot(weights, np.asarray(g(math.sqrt(max(q, 0.0)) * nodes), dtype=np.float64)))


def gaussian_expectation(
    g: Callable[[np.ndarray], np.ndarray], q: float = 1.0, kinks: Iterable[float] = (0.0,)
) -> float:
    """E[g(x)] for x ~ N(0, q), to about 1e-14, without sampling.

    Gauss–Legendre quadrature on each smooth piece of the Gaussian-weighted integrand over
    |z| <= 12 (z = x / sqrt(q)), with pieces split at the ``kinks`` of g (in x units). A kink
    inside a single Gauss–Hermite rule costs it about three digits; splitting there does not.
    """
    scale = math.sqrt(max(q, 0.0))
    if scale == 0.0:
        return float(np.asarray(g(np.zeros(1)), dtype=np.float64)[0])
    breaks = sorted({-Z_LIMIT, Z_LIMIT, *(k / scale for k in kinks if abs(k / scale) < Z_LIMIT)})
    # Pieces no longer than 3 standard deviations keep the 64-point rule in its exact regime.
    edges = [breaks[0]]
    for end in breaks[1:]:
        pieces = max(1, math.ceil((end - edges[-1]) / 3.0))
        edges.extend(np.linspace(edges[-1], end, pieces + 1)[1:].tolist())
    nodes, weights = _legendre(NODES_PER_PIECE)
    left, right = np.array(edges[:-1])[:, None], np.array(edges[1:])[:, None]
    z = (0.5 * (right - left) * nodes + 0.5 * (right + left)).ravel()
    w = (0.5 * (right - left) * weights).ravel() * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return float(np.dot(w, np.asarray(g(scale * z), dtype=np.float64)))


# --- the mean-field variance map and gradient factor -------------------------------------

# Beyond this pre-activation variance the map is reported as diverged: E[f(sqrt(q) z)^2] for an
# unbounded f would overflow float64 a few steps later.
Q_LIMIT = 1e250
# Below this the variance has collapsed; chi at q = 0 is taken as the limit q -> 0+, which
# for ReLU is 1/2 (half the units pass), not relu'(0)^2 = 0.
Q_FLOOR = 1e-30


def as_activation(activation: str | Activation) -> Activation:
    """The registered activation for a key, or the given ``Activation`` (typed ones included)."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        return get_activation(activation)
    raise ValueError(f"Expected an activation key or an Activation; got {type(activation).__name__}.")


def _kinks(act: Activation) -> tuple[float, ...]:
    return act.kinks or (0.0,)


def activation_moments(
    activation: str | Activation, q: float = 1.0, params: Mapping[str, float] | None = None
) -> tuple[float, float, float]:
    """(E[f(x)], E[f(x)²], E[f'(x)²]) for x ~ N(0, q), by ``gaussian_expectation``."""
    act = as_activation(activation)
    resolved = act.resolve(params)
    kinks = _kinks(act)

    def f(x):
        return act.fn(x, **resolved)

    def f_squared(x):
        y = act.fn(x, **resolved)
        return y * y

    def df_squared(x):
        y = act.grad(x, **resolved)
        return y * y

    with np.errstate(over="ignore", invalid="ignore"):
        return (
            gaussian_expectation(f, q, kinks),
            gaussian_expectation(f_squared, q, kinks),
            gaussian_expectation(df_squared, q, kinks),
        )


def variance_map(
    activation: str | Activation,
    q: float,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
) -> float:
    """q_{l+1} = σ_w² E[f(√q_l z)²] + σ_b², z ~ N(0, 1): the next layer's pre-activation variance.

    With weights W_ij ~ (0, σ_w²/n) and biases of variance σ_b² (Poole et al. 2016, eq. 3;
    REFERENCE.md §5). Only the second moment of f enters, so a non-zero mean of f counts too.
    """
    act = as_activation(activation)
    resolved = act.resolve(params)

    def f_squared(x):
        y = act.fn(x, **resolved)
        return y * y

    with np.errstate(over="ignore", invalid="ignore"):
        return sigma_w2 * gaussian_expectation(f_squared, q, _kinks(act)) + sigma_b2


def chi(
    activation: str | Activation, q: float, sigma_w2: float, params: Mapping[str, float] | None = None
) -> float:
    """χ = σ_w² E[f'(√q z)²]: the factor by which one layer multiplies the squared gradient norm
    (Schoenholz et al. 2017, χ₁; REFERENCE.md §5). χ < 1 vanishes, χ > 1 explodes, χ = 1 is
    the edge of chaos. For ReLU it is σ_w²/2 at every q."""
    act = as_activation(activation)
    resolved = act.resolve(params)

    def df_squared(x):
        y = act.grad(x, **resolved)
        return y * y

    with np.errstate(over="ignore", invalid="ignore"):
        return sigma_w2 * gaussian_expectation(df_squared, min(max(q, Q_FLOOR), Q_LIMIT), _kinks(act))


def fixed_point(
    activation: str | Activation,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    q0: float = 1.0,
    params: Mapping[str, float] | None = None,
    max_iter: int = 60,
    tol: float = 1e-12,
) -> float:
    """q*, the pre-activation variance that ``variance_map`` settles to when iterated from q0.

    Iterates up to ``max_iter`` steps; near the critical point the approach is algebraic, not
    geometric, so it then brackets the fixed point the iteration is heading to (doubling or
    halving q until V(q) - q changes sign) and finishes with Brent's method. Returns 0.0 when
    the variance collapses below 1e-30 (the ordered phase of an odd f with σ_b² = 0) and
    ``math.inf`` when it grows past 1e250 (ReLU with σ_w² > 2).
    """

    def excess(q: float) -> float:
        return variance_map(activation, q, sigma_w2, sigma_b2, params) - q

    q = float(q0)
    for _ in range(max_iter):
        q_next = variance_map(activation, q, sigma_w2, sigma_b2, params)
        if not math.isfinite(q_next) or q_next > Q_LIMIT:
            return math.inf
        if q_next < Q_FLOOR:
            return 0.0
        if abs(q_next - q) <= tol * q_next:
            return q_next
        q = q_next
    h = excess(q)
    step = 2.0 if h > 0 else 0.5
    while True:
        nxt = q * step
        if nxt > Q_LIMIT:
            return math.inf
        if nxt < Q_FLOOR:
            return 0.0
        h_next = excess(nxt)
        if not math.isfinite(h_next):
            return math.inf
        if (h_next > 0) != (h > 0) or h_next == 0.0:
            return float(optimize.brentq(excess, min(q, nxt), max(q, nxt), xtol=Q_FLOOR, rtol=1e-13))
        q, h = nxt, h_next


def gradient_curve(
    activation: str | Activation,
    depth: int,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    input_variance: float = 1.0,
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The mean-field prediction for a plain MLP of ``depth`` layers, one row per layer.

    Columns: ``layer`` (1 = nearest the input), ``q`` (pre-activation variance, q_1 =
    σ_w²·input_variance + σ_b², then ``variance_map``), ``preact_std`` = √q,
    ``activation_mean`` and ``activation_std`` (of f(z), z ~ N(0, q)), ``chi`` (χ at that q)
    and ``grad_std``: the predicted std of ∂loss/∂h_l relative to the top layer's, the product
    ∏_{m>l} χ_m^{1/2} taken from the top (Schoenholz et al. 2017), with ``grad_log10`` its
    log10. Where q leaves float64's safe range (> 1e250) ``q`` and ``preact_std`` are inf and χ
    is evaluated at 1e250, where every registered f is already in its linear or flat regime.
    """
    act = as_activation(activation)
    depth = int(depth)
    if depth < 1:
        raise ValueError(f"depth must be at least 1; got {depth}.")
    qs = np.empty(depth)
    q = sigma_w2 * input_variance + sigma_b2
    for i in range(depth):
        qs[i] = q
        if math.isfinite(q) and q <= Q_LIMIT:
            q = variance_map(act, q, sigma_w2, sigma_b2, params)
            if not math.isfinite(q) or q > Q_LIMIT:
                q = math.inf
    rows = []
    for q in qs:
        mean, second, slope2 = activation_moments(act, min(max(q, Q_FLOOR), Q_LIMIT), params)
        rows.append((mean, math.sqrt(max(second - mean * mean, 0.0)), sigma_w2 * slope2))
    means, stds, chis = (np.array(column) for column in zip(*rows, strict=True))
    # The gradient at layer l has passed through layers L, L-1, ..., l+1 on its way down.
    with np.errstate(divide="ignore"):
        log10_chi = np.log10(chis)
    grad_log10 = np.zeros(depth)
    grad_log10[:-1] = 0.5 * np.cumsum(log10_chi[::-1][:-1])[::-1]
    with np.errstate(over="ignore"):
        grad_std = np.power(10.0, grad_log10)
    return pd.DataFrame(
        {
            "layer": np.arange(1, depth + 1),
            "q": qs,
            "preact_std": np.sqrt(qs),
            "activation_mean": means,
            "activation_std": stds,
            "chi": chis,
            "grad_std": grad_std,
            "grad_log10": grad_log10,
        }
    )


def critical_sigma_w(
    activation: str | Activation,
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
    low: float = 0.05,
    high: float = 20.0,
) -> float | None:
    """The weight scale σ_w at which χ(q*) = 1 (the edge of chaos), or None if χ(q*) - 1 does
    not change sign between ``low`` and ``high``.

    Found by Brent's method on log χ(q*(σ_w)) (Schoenholz et al. 2017). ReLU: √2 (He init);
    tanh with σ_b² = 0: 1.
    """
    act = as_activation(activation)

    def log_chi(sigma_w: float) -> float:
        sigma_w2 = sigma_w * sigma_w
        q_star = fixed_point(act, sigma_w2, sigma_b2, params=params, tol=1e-10)
        value = chi(act, q_star, sigma_w2, params)
        return math.log(value) if value > 0 and math.isfinite(value) else -math.inf

    a, b = log_chi(low), log_chi(high)
    if not (math.isfinite(a) and math.isfinite(b)) or a * b > 0:
        return None
    return float(optimize.brentq(log_chi, low, high, xtol=1e-10))
