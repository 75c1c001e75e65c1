"""Gaussian expectations by deterministic quadrature, and the mean-field variance map.

E[g(z)] for z ~ N(0, q) is computed without sampling, so a figure built on it is exact and
repeatable (Poole et al. 2016; Schoenholz et al. 2017; REFERENCE.md section 5).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .activations import Activation, get_activation

Z_LIMIT = 12.0  # the first range, in standard deviations: the normal density beyond is below 1e-31
# The range grows past Z_LIMIT while its outermost piece still carries weight (an integrand such
# as exp(x) peaks at z = sqrt(q)); at 37.5 standard deviations the density times a weight nears
# float64's smallest number, so every node keeps a weight above 0.
Z_MAX = 37.5
PIECE_WIDTH = 3.0  # pieces of at most 3 standard deviations keep the 64-point rule exact
NODES_PER_PIECE = 64
Z_STEP = PIECE_WIDTH  # the range grows one piece at a time, so it stops soon after the mass ends
TAIL_TOLERANCE = 1e-16  # an outer piece below this share of the integral ends the range


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

    Gauss–Legendre quadrature on each smooth piece of the Gaussian-weighted integrand, with
    pieces split at the ``kinks`` of g (in x units): a kink inside a single Gauss–Hermite rule
    costs it about three digits; splitting there does not. The range starts at |z| <= 12
    (z = x / sqrt(q)) and grows by one piece on each side whose outermost piece still carries more
    than 1e-16 of the integral, up to |z| = 37.5 where the density nears float64's smallest number:
    E[exp(x)] = exp(q/2) holds to 1e-14 for q up to 100 and to 5e-14 up to 460 (exponents in the
    hundreds cost rounding). Where g itself overflows float64 at a node the result is ±inf (nan
    if both signs), without a RuntimeWarning: E[exp(x)] is inf from q ≈ 465.
    """
    scale = math.sqrt(max(q, 0.0))
    if scale == 0.0:
        return float(np.asarray(g(np.zeros(1)), dtype=np.float64).ravel()[0])
    kink_zs = tuple(k / scale for k in kinks)
    low, high = -Z_LIMIT, Z_LIMIT
    total, size, outer_left, outer_right = _range_sums(g, scale, low, high, kink_zs)
    while math.isfinite(size):
        grow_left = low > -Z_MAX and outer_left > TAIL_TOLERANCE * size
        grow_right = high < Z_MAX and outer_right > TAIL_TOLERANCE * size
        if not (grow_left or grow_right):
            break
        if grow_left:
            start, low = low, max(low - Z_STEP, -Z_MAX)
            part, part_size, outer_left, _ = _range_sums(g, scale, low, start, kink_zs)
            total, size = total + part, size + part_size
        if grow_right:
            start, high = high, min(high + Z_STEP, Z_MAX)
            part, part_size, _, outer_right = _range_sums(g, scale, start, high, kink_zs)
            total, size = total + part, size + part_size
    return total


def _range_sums(
    g: Callable[[np.ndarray], np.ndarray], scale: float, start: float, end: float, kink_zs: tuple[float, ...]
) -> tuple[float, float, float, float]:
    """∫ g(scale·z) φ(z) dz from ``start`` to ``end`` (z units), the same of |g|, and the |g|
    integral over its first and its last piece, by Gauss–Legendre on the pieces of ``_nodes``."""
    z, w = _nodes(start, end, tuple(b for b in kink_zs if start < b < end))
    with np.errstate(over="ignore", invalid="ignore"):
        terms = w * np.asarray(g(scale * z), dtype=np.float64)
        sizes = np.abs(terms)
        return (
            float(terms.sum()),
            float(sizes.sum()),
            float(sizes[:NODES_PER_PIECE].sum()),
            float(sizes[-NODES_PER_PIECE:].sum()),
        )


@lru_cache(maxsize=256)
def _nodes(start: float, end: float, breaks: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes z and weights w·φ(z) from ``start`` to ``end``, on pieces split at
    ``breaks`` and at most ``PIECE_WIDTH`` wide, where the 64-point rule is exact."""
    edges = [start]
    for point in (*sorted(set(breaks)), end):
        pieces = max(1, math.ceil((point - edges[-1]) / PIECE_WIDTH))
        first = edges[-1]
        edges.extend([*(first + (point - first) * i / pieces for i in range(1, pieces)), point])
    nodes, weights = _legendre(NODES_PER_PIECE)
    bounds = np.array(edges)
    half = 0.5 * (bounds[1:] - bounds[:-1])[:, None]
    z = (half * nodes + 0.5 * (bounds[1:] + bounds[:-1])[:, None]).ravel()
    w = (half * weights).ravel() * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return z, w


# --- the mean-field variance map and gradient factor -------------------------------------

# Beyond this pre-activation variance the map is reported as diverged: E[f(sqrt(q) z)^2] for an
# unbounded f would overflow float64 a few steps later.
Q_LIMIT = 1e250
# Below this the variance has collapsed; chi at q = 0 is taken as the limit q -> 0+, which
# for ReLU is 1/2 (half the units pass), not relu'(0)^2 = 0.
Q_FLOOR = 1e-30
BRACKET_FACTOR = 1e4  # the largest step by which fixed_point moves q while bracketing


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
    geometric, so it then brackets the fixed point the iteration is heading to (multiplying or
    dividing q by 2, 4, 16, 256, then 1e4 until V(q) - q changes sign) and finishes with Brent's
    method. Returns 0.0 when the variance collapses below 1e-30 (the ordered phase of an odd f
    with σ_b² = 0) and ``math.inf`` when it grows past 1e250 (ReLU with σ_w² > 2).
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
    factor = 2.0
    while True:
        # The last step lands on the limit itself, so a fixed point just inside it is still found.
        nxt = min(q * factor, Q_LIMIT) if h > 0 else max(q / factor, Q_FLOOR)
        if nxt == q:
            return math.inf if h > 0 else 0.0
        h_next = excess(nxt)
        if not math.isfinite(h_next):
            return math.inf
        if (h_next > 0) != (h > 0) or h_next == 0.0:
            from scipy import optimize  # on first use: importing it costs a fresh server ~0.5 s

            return float(optimize.brentq(excess, min(q, nxt), max(q, nxt), xtol=Q_FLOOR, rtol=1e-13))
        # A variance on its way to 0 or to 1e250 is bracketed in dozens of steps, not hundreds.
        q, h, factor = nxt, h_next, min(factor * factor, BRACKET_FACTOR)


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


def chi_at_fixed_point(
    activation: str | Activation,
    sigma_w: float,
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
    input_variance: float = 1.0,
) -> tuple[float, float]:
    """(q*, χ(q*)) for weights of scale σ_w: the variance the plain network settles to from its
    first layer's q_1 = σ_w²·input_variance + σ_b² (as ``gradient_curve`` starts), and χ there.
    Where the map has two attractors (GELU, SiLU, Mish, hard-swish: 0 and ∞), q_1 picks one."""
    act = as_activation(activation)
    sigma_w2 = sigma_w * sigma_w
    q_star = fixed_point(
        act, sigma_w2, sigma_b2, q0=sigma_w2 * input_variance + sigma_b2, params=params, tol=1e-10
    )
    return q_star, chi(act, q_star, sigma_w2, params)


def chi_curve(
    activation: str | Activation,
    sigma_ws: Iterable[float],
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
    input_variance: float = 1.0,
) -> pd.DataFrame:
    """χ at the fixed point as σ_w varies: columns ``sigma_w``, ``q_star``, ``chi``
    (``chi_at_fixed_point`` for each σ_w)."""
    act = as_activation(activation)
    rows = [
        (float(s), *chi_at_fixed_point(act, float(s), sigma_b2, params, input_variance)) for s in sigma_ws
    ]
    return pd.DataFrame(rows, columns=["sigma_w", "q_star", "chi"])


# χ(q*) within this of 1 at a σ_w counts as χ = 1 there; a jump misses 1 by far more (GELU: 0.46).
CHI_ONE_TOLERANCE = 1e-9
JUMP_SIDE = 1e-6  # relative distance from a jump at which its two sides are read


@dataclass(frozen=True)
class EdgeOfChaos:
    """Where χ at the fixed point q* reaches 1 as σ_w grows, for one activation (σ_b² given).

    ``sigma_w``: where χ(q*) = 1 (to 1e-9) with χ(q*) continuous through it, else None.
    ``jump_at``: where χ(q*) instead jumps over 1 because q* jumps (GELU, SiLU, Mish and
    hard-swish: from 0 to ∞, the variance map having both as attractors and the inputs' variance
    choosing one), with (q*, χ) just below and just above it; None where there is no jump.
    Both None when χ(q*) - 1 keeps one sign over the σ_w range searched.
    """

    sigma_w: float | None
    jump_at: float | None = None
    below: tuple[float, float] | None = None
    above: tuple[float, float] | None = None


def edge_of_chaos(
    activation: str | Activation,
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
    low: float = 0.05,
    high: float = 20.0,
    input_variance: float = 1.0,
) -> EdgeOfChaos:
    """Where χ(q*) crosses 1 between σ_w = ``low`` and ``high``, or where it jumps over 1.

    Brent's method on log χ(q*(σ_w)) finds the σ_w where the sign changes (Schoenholz et al.
    2017); it is a crossing only if χ(q*) = 1 there or at the next point on either side within
    the root's tolerance (softplus reaches 1 only as q* → ∞, at σ_w = √2, so one side may miss).
    Otherwise χ(q*) jumps there, and the jump is returned with χ just below and above it.
    """
    act = as_activation(activation)

    def state(sigma_w: float) -> tuple[float, float]:
        return chi_at_fixed_point(act, sigma_w, sigma_b2, params, input_variance)

    def log_chi(sigma_w: float) -> float:
        value = state(sigma_w)[1]
        return math.log(value) if value > 0 and math.isfinite(value) else -math.inf

    a, b = log_chi(low), log_chi(high)
    if not (math.isfinite(a) and math.isfinite(b)) or a * b > 0:
        return EdgeOfChaos(None)
    xtol = 1e-12
    from scipy import optimize  # on first use (see above)

    root = float(optimize.brentq(log_chi, low, high, xtol=xtol))
    # Brent's answer lies within xtol + 4 eps |root| of the sign change: look on both sides.
    step = 2.0 * (xtol + 4.0 * np.finfo(float).eps * abs(root))
    for sigma_w in (root, root - step, root + step):
        if abs(state(sigma_w)[1] - 1.0) <= CHI_ONE_TOLERANCE:
            return EdgeOfChaos(sigma_w)
    # At a jump q_1 sits on the repelling fixed point between the two attractors; a relative
    # 1e-6 away the iteration leaves it for the attractor on that side.
    return EdgeOfChaos(None, root, state(root * (1.0 - JUMP_SIDE)), state(root * (1.0 + JUMP_SIDE)))


def critical_sigma_w(
    activation: str | Activation,
    sigma_b2: float = 0.0,
    params: Mapping[str, float] | None = None,
    low: float = 0.05,
    high: float = 20.0,
) -> float | None:
    """The weight scale σ_w at which χ(q*) = 1 (the edge of chaos), or None if χ(q*) does not
    pass through 1 between ``low`` and ``high``: neither where it keeps one side of 1 nor where
    it jumps over 1 as q* jumps (GELU, SiLU, Mish, hard-swish; see ``edge_of_chaos``).

    ``edge_of_chaos(...).sigma_w`` (Schoenholz et al. 2017). ReLU: √2 (He init); tanh with
    σ_b² = 0: 1.
    """
    return edge_of_chaos(activation, sigma_b2, params, low, high).sigma_w
