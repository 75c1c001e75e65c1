"""A deep MLP in numpy: forward pass, exact backward pass, and per-layer statistics.

The network is the one of the CS231n (2016, lecture 5) and Glorot & Bengio (2010) experiments:
inputs x ~ N(0, 1) of shape (batch, width), ``depth`` hidden layers

    z_l = h_{l-1} W_l + b_l,   u_l = BN(z_l) or z_l,   h_l = f(u_l)  (+ h_{l-1} with residual)

with W_l of shape (width, width) from ``INITIALIZERS``, and a gradient ∂loss/∂h_L ~ N(0, 1) per
unit arriving at the top (the loss is Σ h_L ⊙ G for a fixed G), so ratios between layers are
what the pages read. Batch norm is training-mode with γ = 1, β = 0 (Ioffe & Szegedy 2015).

Overflow never turns into NaN or a RuntimeWarning. The backward pass is linear in G, so it runs
on a rescaled copy and carries the scale as a logarithm: gradients of 1e-300 or 1e300 are
reported exactly. The forward pass is not linear; when a layer's values leave float64 the run
stops there and reports the layer as "exploded" (+inf in every statistic of the layers it did
not reach), and a layer whose values are exactly zero is reported as "dead".

Two bounded, process-wide stores keep repeated calls cheap without changing any result: the
unit-variance weight draws per (distribution, width, seed) (drawing normals costs as much as the
matrix products), and the buffers a pass keeps its layers in (fresh memory costs a page fault per
4 KB). ``clear_weight_cache()`` empties the first.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .activations import ACTIVATIONS, DEFAULT_ACTIVATIONS, Activation
from .curves import SATURATION_THRESHOLD
from .initializers import INITIALIZERS, check_gain, get_initializer
from .meanfield import as_activation, critical_sigma_w, gradient_curve

MAX_DEPTH = 1000
MAX_WIDTH = 4096
MAX_BATCH = 4096
BN_EPS = 1e-5  # PyTorch's BatchNorm1d default
BIASES = ("zeros", "constant", "torch_uniform")
HEALTHY_DECADES = 1.0  # |log10 ratio| within this counts as healthy on the heatmaps
LN10 = math.log(10.0)
FLOAT64_LOG10_MAX = math.log10(np.finfo(np.float64).max)
# The backward pass renormalises its copy of the gradient when its RMS leaves this band.
_RESCALE_LOW, _RESCALE_HIGH = 1e-100, 1e100

OK, DEAD, EXPLODED, UNDEFINED = "ok", "dead", "exploded", "undefined"


# --- validation ------------------------------------------------------------------------------


def _whole(name: str, value, low: int, high: int) -> int:
    message = f"{name} must be a whole number between {low:,} and {high:,}; got {value!r}."
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(message)
    if not (math.isfinite(value) and float(value).is_integer() and low <= value <= high):
        raise ValueError(message)
    return int(value)


def check_network(depth, width, batch, seed=0) -> tuple[int, int, int, int]:
    """(depth, width, batch, seed) as ints, or a ValueError saying which is out of range:
    depth in [1, 1000], width and batch in [1, 4096], seed in [0, 2**32)."""
    return (
        _whole("depth", depth, 1, MAX_DEPTH),
        _whole("width", width, 1, MAX_WIDTH),
        _whole("batch", batch, 1, MAX_BATCH),
        _whole("seed", seed, 0, 2**32 - 1),
    )


def _check_bias(bias: str, bias_value: float) -> float:
    if bias not in BIASES:
        raise ValueError(f"Unknown bias option {bias!r}; expected one of {list(BIASES)}.")
    if isinstance(bias_value, bool) or not isinstance(bias_value, int | float | np.integer | np.floating):
        raise ValueError(f"bias_value must be a number between -10 and 10; got {bias_value!r}.")
    if not (math.isfinite(bias_value) and -10.0 <= bias_value <= 10.0):
        raise ValueError(f"bias_value must be a number between -10 and 10; got {bias_value!r}.")
    return float(bias_value)


def _check_clip(clip_norm) -> float | None:
    if clip_norm is None:
        return None
    if isinstance(clip_norm, bool) or not isinstance(clip_norm, int | float | np.integer | np.floating):
        raise ValueError(f"clip_norm must be None or a positive number; got {clip_norm!r}.")
    if not (math.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"clip_norm must be None or a positive number; got {clip_norm!r}.")
    return float(clip_norm)


# --- the engine --------------------------------------------------------------------------------


def _sum_of_squares(flat: np.ndarray) -> float:
    # einsum's own loop, not BLAS ddot: ddot wakes OpenBLAS's threads for every call, which on a
    # busy two-core machine costs more than the sum itself.
    return float(np.einsum("i,i->", flat, flat))


def _moments(a: np.ndarray) -> tuple[float, float, str]:
    """(mean, std, status) of all entries; inf and a status where the values are not finite."""
    flat = a.reshape(-1)
    n = flat.size
    with np.errstate(over="ignore", invalid="ignore"):
        s1 = float(np.sum(flat))
        s2 = _sum_of_squares(flat)
    if math.isfinite(s2):
        if s2 == 0.0:
            return 0.0, 0.0, DEAD
        mean = s1 / n
        var = s2 / n - mean * mean
        # One-pass variance cancels when the mean dwarfs the spread; then take two passes.
        if var < 1e-6 * (s2 / n):
            var = float(np.var(flat))
        return mean, math.sqrt(max(var, 0.0)), OK
    finite = np.isfinite(flat)
    if not finite.all():
        return (
            math.inf,
            math.inf,
            UNDEFINED if np.isnan(flat).any() and not np.isinf(flat).any() else EXPLODED,
        )
    # Finite values whose squares overflow: scale them down first.
    c = float(np.max(np.abs(flat)))
    scaled = flat / c
    return float(np.mean(scaled)) * c, float(np.std(scaled)) * c, OK


def _log_norm(a: np.ndarray) -> float:
    """ln of the Frobenius norm, -inf for a zero array, without overflow."""
    flat = a.reshape(-1)
    with np.errstate(over="ignore", invalid="ignore"):
        s2 = _sum_of_squares(flat)
    if math.isfinite(s2):
        return 0.5 * math.log(s2) if s2 > 0 else -math.inf
    if not np.isfinite(flat).all():
        return math.inf
    c = float(np.max(np.abs(flat)))
    scaled = flat / c
    return 0.5 * math.log(_sum_of_squares(scaled)) + math.log(c)


@dataclass
class _Trace:
    """Everything one forward/backward pass measured, as per-layer arrays (index 0 = layer 1)."""

    depth: int
    preact_mean: np.ndarray
    preact_std: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    dead_units: np.ndarray
    path_derivative: np.ndarray
    forward_status: list[str]
    exploded_at: int | None = None
    grad_ln: np.ndarray | None = None  # ln std of ∂loss/∂h_l
    grad_status: list[str] = field(default_factory=list)
    wgrad_ln: np.ndarray | None = None  # ln ‖∂loss/∂W_l‖_F
    input_grad_ln: float = math.nan
    input_grad_status: str = OK
    gradients: dict[str, list[np.ndarray]] | None = None


def _bn_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z normalised per column over the batch in place (biased variance), and 1/√(var + ε)."""
    m = z.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        z -= z.mean(axis=0)
        var = np.einsum("ij,ij->j", z, z) / m
    if not np.isfinite(var).all() and np.isfinite(z).all():
        # Squares overflow: BN is invariant to the scale of z (up to ε), so shrink z first.
        z /= float(np.max(np.abs(z)))
        var = np.einsum("ij,ij->j", z, z) / m
    with np.errstate(over="ignore", invalid="ignore"):
        inv = 1.0 / np.sqrt(var + BN_EPS)
        z *= inv
    return z, inv


def _bn_backward(dxhat: np.ndarray, xhat: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """∂loss/∂z from ∂loss/∂x̂ for training-mode batch norm (Ioffe & Szegedy 2015, Alg. 1)."""
    m = dxhat.shape[0]
    mean_d = dxhat.mean(axis=0)
    mean_dx = np.einsum("ij,ij->j", dxhat, xhat) / m
    out = dxhat - mean_d
    out -= xhat * mean_dx
    out *= inv
    return out


# Buffers for the layers a pass keeps, reused from call to call: fresh memory costs a page fault
# per 4 KB on first touch, which for a deep network costs more than the arithmetic. One pool for
# the process; a call that finds it busy (another thread) allocates its own.
WORKSPACE_BYTES = 512 * 2**20
_pool: list[np.ndarray] = []
_pool_lock = threading.Lock()


def _workspace(shape: tuple[int, int], count: int) -> list[np.ndarray] | None:
    """``count`` reusable float64 arrays of ``shape`` (the caller holds ``_pool_lock``), or None
    above the budget."""
    if count * shape[0] * shape[1] * 8 > WORKSPACE_BYTES:
        return None
    if _pool and _pool[0].shape != shape:
        _pool.clear()
    while len(_pool) < count:
        _pool.append(np.empty(shape))
    return _pool[:count]


def _propagate(
    x: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray] | None,
    f,
    df,
    top: np.ndarray | None,
    *,
    scale: float = 1.0,
    batchnorm: bool = False,
    residual: bool = False,
    full: bool = True,
    collect: bool = False,
    keep_activations: bool = False,
    negative_slopes: bool = True,
) -> tuple[_Trace, list[np.ndarray] | None]:
    """One forward pass (and a backward pass from ``top`` unless it is None) through layers with
    weights ``scale`` · ``weights[l]``.

    ``full`` also counts saturated and dead units and takes weight-gradient norms; ``collect``
    returns the true-scale gradients (for the gradient check); ``keep_activations`` returns the
    layer outputs h_1..h_L; ``negative_slopes=False`` (f' ≥ 0 everywhere) skips counting
    f' ≤ -0.01 as saturated.
    """
    depth = len(weights)
    square = all(w.shape == (x.shape[1], x.shape[1]) for w in weights)
    pooled = square and not (keep_activations or collect) and _pool_lock.acquire(blocking=False)
    try:
        slots = _workspace(x.shape, 2 * depth) if pooled else None
        return _run_layers(
            x,
            weights,
            biases,
            f,
            df,
            top,
            slots,
            scale,
            batchnorm,
            residual,
            full,
            collect,
            keep_activations,
            negative_slopes,
        )
    finally:
        if pooled:
            _pool_lock.release()


def _run_layers(
    x,
    weights,
    biases,
    f,
    df,
    top,
    slots,
    scale,
    batchnorm,
    residual,
    full,
    collect,
    keep_activations,
    negative_slopes,
) -> tuple[_Trace, list[np.ndarray] | None]:
    """The body of ``_propagate``; ``slots`` are buffers to keep the layers in, or None."""
    depth = len(weights)
    m = x.shape[0]
    # Layers the forward pass never reaches (past an explosion) keep +inf.
    trace = _Trace(depth, *(np.full(depth, math.inf) for _ in range(8)), [EXPLODED] * depth)
    hs: list[np.ndarray] = [x]
    ds: list[np.ndarray] = []
    bn_cache: list[tuple[np.ndarray, np.ndarray]] = []
    # Without batch norm z is only needed until f and f' are taken, so one buffer serves all layers.
    zbuf: np.ndarray | None = None
    mask: np.ndarray | None = None
    h = x
    for i in range(depth):
        W = weights[i]
        with np.errstate(over="ignore", invalid="ignore"):
            if batchnorm:
                z = h @ W
            else:
                if zbuf is None or zbuf.shape != (m, W.shape[1]):
                    zbuf = np.empty((m, W.shape[1]))
                z = np.matmul(h, W, out=zbuf)
            if scale != 1.0:
                z *= scale
            if biases is not None:
                z += biases[i]
        if batchnorm:
            z, inv = _bn_forward(z)
            bn_cache.append((z, inv))
        pre_mean, pre_std, pre_status = _moments(z)
        if pre_status in (EXPLODED, UNDEFINED):
            trace.forward_status[i] = pre_status
            trace.exploded_at = i + 1
            break
        with np.errstate(over="ignore", invalid="ignore"):
            a = f(z)
            d = df(z)
            if slots is not None:
                # Keep the layer in a reused buffer: f's fresh array is freed at once and its
                # memory serves the next layer, instead of new pages for every layer.
                np.copyto(slots[2 * i], a)
                np.copyto(slots[2 * i + 1], d)
                a, d = slots[2 * i], slots[2 * i + 1]
            elif np.may_share_memory(a, z):
                a = a.copy()
            if residual:
                a += h
        act_mean, act_std, act_status = _moments(a)
        if act_status in (EXPLODED, UNDEFINED):
            trace.forward_status[i] = act_status
            trace.exploded_at = i + 1
            break
        trace.preact_mean[i], trace.preact_std[i] = pre_mean, pre_std
        trace.act_mean[i], trace.act_std[i] = act_mean, act_std
        trace.forward_status[i] = act_status
        trace.path_derivative[i] = d.flat[0]
        if full:
            if mask is None or mask.shape != d.shape:
                mask = np.empty(d.shape, dtype=bool)
            size = d.size
            below = np.count_nonzero(np.less(d, SATURATION_THRESHOLD, out=mask))
            if negative_slopes:
                below -= np.count_nonzero(np.less_equal(d, -SATURATION_THRESHOLD, out=mask))
            zeros = np.count_nonzero(np.equal(d, 0.0, out=mask))
            trace.saturated[i] = below / size
            trace.dead[i] = zeros / size
            # A unit is dead for the batch only if all m of its entries are zero.
            trace.dead_units[i] = float(np.mean(mask.all(axis=0))) if zeros >= m else 0.0
        hs.append(a)
        ds.append(d)
        h = a
    if trace.exploded_at is not None:
        # Layers after the one that failed were never computed; they carry its status.
        k = trace.exploded_at
        trace.forward_status[k:] = [trace.forward_status[k - 1]] * (depth - k)
    if trace.exploded_at is not None or top is None:
        return trace, (hs[1:] if keep_activations else None)
    _backward(trace, hs, ds, bn_cache, weights, scale, top, residual=residual, full=full, collect=collect)
    return trace, (hs[1:] if keep_activations else None)


def _backward(trace, hs, ds, bn_cache, weights, scale, top, *, residual, full, collect) -> None:
    """Backpropagate ``top`` through the stored forward pass into ``trace``.

    The backward pass is linear in ``top``, so it runs on a copy rescaled whenever its RMS leaves
    [1e-100, 1e100] and keeps the scale as ``log_scale``: gradients are exact in logs. The weight
    scale of a plain layer goes into ``log_scale`` too, at no cost."""
    depth = trace.depth
    trace.grad_ln = np.full(depth, -math.inf)
    trace.wgrad_ln = np.full(depth, -math.inf)
    trace.grad_status = [OK] * depth
    collected: dict[str, list[np.ndarray]] = {"weights": [], "biases": [], "hidden": []}
    log_scale = 0.0  # the true gradient is exp(log_scale) times the array g
    g = np.array(top, dtype=np.float64)
    spare = np.empty_like(g)  # g and spare swap roles every layer
    delta_buf = np.empty_like(g)
    dw_buf: np.ndarray | None = None
    _, std, status = _moments(g)
    for i in range(depth - 1, -1, -1):
        if status != OK:
            # Dead stays dead all the way down (every later product is with zeros); exploded or
            # undefined values cannot come back either.
            fill = -math.inf if status == DEAD else math.inf
            trace.grad_status[: i + 1] = [status] * (i + 1)
            trace.grad_ln[: i + 1] = fill
            trace.wgrad_ln[: i + 1] = fill
            trace.input_grad_ln, trace.input_grad_status = fill, status
            if collect:
                for k in range(i, -1, -1):
                    collected["hidden"].append(np.full_like(g, 0.0 if status == DEAD else fill))
                    collected["weights"].append(np.full_like(weights[k], 0.0 if status == DEAD else fill))
                    collected["biases"].append(np.full(weights[k].shape[1], 0.0 if status == DEAD else fill))
                collected["inputs"] = [np.full_like(g, 0.0 if status == DEAD else fill)]
                _finish(trace, collected)
            return
        trace.grad_ln[i] = math.log(std) + log_scale
        if collect:
            collected["hidden"].append(g * math.exp(log_scale))
        W = weights[i]
        with np.errstate(over="ignore", invalid="ignore"):
            delta = np.multiply(g, ds[i], out=delta_buf)
            if bn_cache:
                xhat, inv = bn_cache[i]
                delta = _bn_backward(delta, xhat, inv)
            if full or collect:
                if dw_buf is None or dw_buf.shape != W.shape:
                    dw_buf = np.empty(W.shape)
                dW = np.matmul(hs[i].T, delta, out=dw_buf)
                trace.wgrad_ln[i] = _log_norm(dW) + log_scale
                if collect:
                    collected["weights"].append(dW * math.exp(log_scale))
                    collected["biases"].append(delta.sum(axis=0) * math.exp(log_scale))
            if spare.shape != (g.shape[0], W.shape[0]):
                spare = np.empty((g.shape[0], W.shape[0]))
            g_prev = np.matmul(delta, W.T, out=spare)
            if residual:
                if scale != 1.0:
                    g_prev *= scale
                g_prev += g
            elif scale != 1.0:
                log_scale += math.log(scale)
        _, std, status = _moments(g_prev)
        if status == OK and not (_RESCALE_LOW <= std <= _RESCALE_HIGH):
            g_prev /= std
            log_scale += math.log(std)
            std = 1.0
        if delta_buf.shape != g_prev.shape:
            delta_buf = np.empty_like(g_prev)
        g, spare = g_prev, g
    trace.input_grad_status = status
    trace.input_grad_ln = (
        math.log(std) + log_scale if status == OK else (-math.inf if status == DEAD else math.inf)
    )
    if collect:
        collected["inputs"] = [g * math.exp(log_scale)]
        _finish(trace, collected)


def _finish(trace: _Trace, collected: dict[str, list[np.ndarray]]) -> None:
    # Collected from the top down; the caller reads layer 1 first.
    for key in ("hidden", "weights", "biases"):
        collected[key].reverse()
    trace.gradients = collected


# --- building a network ------------------------------------------------------------------------


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """Independent generators for the data (x, then G), the weights and the biases, so that
    switching biases on does not change the weights and every initializer sees the same data."""
    data, weights, biases = np.random.SeedSequence(seed).spawn(3)
    return np.random.default_rng(data), np.random.default_rng(weights), np.random.default_rng(biases)


def network_inputs(batch: int, width: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(x, top): the N(0, 1) inputs and the N(0, 1) gradient arriving at the top layer, both of
    shape (batch, width), that ``layer_statistics`` uses for this seed."""
    _, width, batch, seed = check_network(1, width, batch, seed)
    rng = _streams(seed)[0]
    x = rng.standard_normal((batch, width))
    top = rng.standard_normal((batch, width))
    return x, top


@dataclass
class _Draws:
    """The unit-variance weight matrices drawn so far from one seeded stream, and the stream."""

    rng: np.random.Generator
    arrays: list[np.ndarray]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays)


# Drawing N(0, 1) weights costs about as much as the matrix products of the network itself, so
# the unit draws are kept, keyed by (distribution, width, seed), and a slider that changes depth,
# activation, gain or initializer of the same distribution reuses them. Read-only; bounded.
CACHE_BYTES = 512 * 2**20
_cache: OrderedDict[tuple[str, int, int], _Draws] = OrderedDict()
_cache_lock = threading.Lock()


def clear_weight_cache() -> None:
    """Forget every cached weight draw (they are redrawn, identically, when next needed)."""
    with _cache_lock:
        _cache.clear()


def _unit_weights(init: str, depth: int, width: int, seed: int) -> list[np.ndarray]:
    """The first ``depth`` unit-variance draws of ``init``'s distribution from the seeded weight
    stream: layer l's matrix is the l-th draw, whatever the depth."""
    initializer = get_initializer(init)
    key = (initializer.distribution, width, seed)
    with _cache_lock:
        entry = _cache.pop(key, None) or _Draws(_streams(seed)[1], [])
        while len(entry.arrays) < depth:
            w = initializer.unit_sample(width, width, entry.rng)
            w.setflags(write=False)
            entry.arrays.append(w)
        arrays = entry.arrays[:depth]
        if entry.nbytes <= CACHE_BYTES:
            _cache[key] = entry
            while sum(e.nbytes for e in _cache.values()) > CACHE_BYTES:
                _cache.popitem(last=False)
    return arrays


def network_weights(
    init: str, depth: int, width: int, gain: float = 1.0, seed: int = 0, mode: str | None = None
) -> list[np.ndarray]:
    """The ``depth`` weight matrices (width × width, used as h @ W) that ``layer_statistics``
    uses for these arguments, as fresh arrays: ``INITIALIZERS[init].sample`` drawn in turn from
    one seeded stream, so layer l's matrix does not depend on ``depth``."""
    depth, width, _, seed = check_network(depth, width, 1, seed)
    scale = get_initializer(init).std(width, width, gain, mode)
    return [w * scale for w in _unit_weights(init, depth, width, seed)]


def _biases(bias: str, value: float, depth: int, width: int, seed: int) -> list[np.ndarray] | None:
    if bias == "zeros":
        return None
    if bias == "constant":
        return [np.full(width, value) for _ in range(depth)]
    rng = _streams(seed)[2]
    bound = 1.0 / math.sqrt(width)  # PyTorch nn.Linear: U(±1/√in_features) for the bias too
    return [rng.uniform(-bound, bound, width) for _ in range(depth)]


def _functions(act: Activation, params: Mapping[str, float] | None):
    resolved = act.resolve(params)
    fn, grad = act.fn, act.grad
    if resolved:
        return (lambda z: fn(z, **resolved)), (lambda z: grad(z, **resolved))
    return fn, grad


@lru_cache(maxsize=64)
def _registered_slopes(key: str, params: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    return _slopes(ACTIVATIONS[key], dict(params))


def _slopes(act: Activation, params: Mapping[str, float] | None) -> tuple[float, float]:
    # Grid over [-20, 20] with step 1e-3 including 0 and the kinks, where the extremes sit.
    x = np.concatenate([np.linspace(-20.0, 20.0, 40001), np.asarray(act.kinks, dtype=np.float64)])
    with np.errstate(all="ignore"):
        slope = act.df(x, params)
    slope = slope[np.isfinite(slope)]
    if not slope.size:
        return -math.inf, math.inf
    return float(slope.min()), float(np.abs(slope).max())


def slope_range(
    activation: str | Activation, params: Mapping[str, float] | None = None
) -> tuple[float, float]:
    """(min f'(x), max |f'(x)|) over x in [-20, 20] on a 0.001 grid plus the kinks. The second is
    the per-layer bound on the local-derivative factor: 0.25 for sigmoid, 1 for tanh and ReLU."""
    act = as_activation(activation)
    if act.key in ACTIVATIONS and ACTIVATIONS[act.key] is act:
        return _registered_slopes(act.key, tuple(sorted(act.resolve(params).items())))
    return _slopes(act, params)


def max_slope(activation: str | Activation, params: Mapping[str, float] | None = None) -> float:
    """max |f'(x)| (see ``slope_range``): 0.25^L bounds the product of sigmoid derivatives."""
    return slope_range(activation, params)[1]


# --- the public run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkRun:
    """One seeded network: its per-layer table and the scalars the depth page quotes.

    ``layers`` is the ``layer_statistics`` DataFrame. ``input_grad_std`` is the std of ∂loss/∂x
    (the gradient reaching the input, CS231n's "gradient at the input"); ``grad_norm`` the global
    norm √Σ‖∂loss/∂W_l‖² before clipping, ``clipped_norm`` after clipping to ``clip_norm``
    (PyTorch ``clip_grad_norm_``: scale by min(1, clip_norm / (norm + 1e-6)), Pascanu et al. 2013),
    ``clip_coefficient`` that factor. ``exploded_at`` is the first layer whose forward values
    left float64 (None if none), ``dead_at`` the first layer whose outputs are all exactly 0,
    ``grad_dead_at`` the highest layer below which the gradient is exactly 0.
    """

    layers: pd.DataFrame
    activation: str
    label: str
    init: str
    depth: int
    width: int
    batch: int
    input_grad_std: float
    input_grad_log10: float
    grad_norm: float
    clipped_norm: float
    clip_coefficient: float
    exploded_at: int | None
    dead_at: int | None
    grad_dead_at: int | None
    max_slope: float

    @property
    def sentence(self) -> str:
        """``describe_gradient_flow`` of this run's layers."""
        return describe_gradient_flow(self.layers)


def _power10(log10_values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        return np.power(10.0, log10_values)


def network_run(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, float] | None = None,
    bias: str = "zeros",
    bias_value: float = 0.01,
    clip_norm: float | None = None,
    mode: str | None = None,
) -> NetworkRun:
    """Build the seeded network, run it forward and backward, and measure every layer.

    Arguments as ``layer_statistics``; returns a ``NetworkRun``.
    """
    act = as_activation(activation)
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    gain = check_gain(gain)
    bias_value = _check_bias(bias, bias_value)
    clip_norm = _check_clip(clip_norm)
    if batchnorm and batch < 2:
        raise ValueError(f"Batch norm needs a batch of at least 2 to normalise over; got batch={batch}.")
    x, top = network_inputs(batch, width, seed)
    scale = get_initializer(init).std(width, width, gain, mode)
    weights = _unit_weights(init, depth, width, seed)
    biases = _biases(bias, bias_value, depth, width, seed)
    f, df = _functions(act, params)
    negative = slope_range(act, params)[0] < 0.0
    trace, _ = _propagate(
        x,
        weights,
        biases,
        f,
        df,
        top,
        scale=scale,
        batchnorm=batchnorm,
        residual=residual,
        negative_slopes=negative,
    )
    return _run_from_trace(trace, act, params, init, width, batch, clip_norm)


def _run_from_trace(trace: _Trace, act, params, init, width, batch, clip_norm) -> NetworkRun:
    depth = trace.depth
    slope = max_slope(act, params)
    if trace.grad_ln is None:  # the forward pass failed: no gradient is representable either
        failure = trace.forward_status[trace.exploded_at - 1] if trace.exploded_at else EXPLODED
        grad_ln = np.full(depth, math.inf)
        wgrad_ln = np.full(depth, math.inf)
        grad_status = [failure] * depth
        input_ln = math.inf
    else:
        grad_ln, wgrad_ln, grad_status, input_ln = (
            trace.grad_ln,
            trace.wgrad_ln,
            trace.grad_status,
            trace.input_grad_ln,
        )
    grad_log10 = grad_ln / LN10
    wgrad_log10 = wgrad_ln / LN10
    # Exact in logs, but a gradient past float64's largest number would be inf in any framework.
    beyond = np.isfinite(grad_log10) & (grad_log10 >= FLOAT64_LOG10_MAX)
    if beyond.any():
        grad_status = [EXPLODED if over else status for over, status in zip(beyond, grad_status, strict=True)]
    # Global norm over all weight gradients, in logs so it cannot overflow.
    finite = wgrad_ln[np.isfinite(wgrad_ln)]
    if np.isposinf(wgrad_ln).any():
        norm_ln = math.inf
    elif finite.size:
        top_ln = float(finite.max())
        norm_ln = top_ln + 0.5 * math.log(float(np.sum(np.exp(2.0 * (finite - top_ln)))))
    else:
        norm_ln = -math.inf
    grad_norm = math.exp(norm_ln) if norm_ln < 700.0 else math.inf
    # PyTorch clip_grad_norm_: multiply by min(1, max_norm / (total_norm + 1e-6)), here in logs.
    if clip_norm is None or norm_ln == -math.inf:
        log_coefficient = 0.0
    elif norm_ln == math.inf:
        log_coefficient = -math.inf
    else:
        denominator_ln = math.log(grad_norm + 1e-6) if norm_ln < 700.0 else norm_ln
        log_coefficient = min(0.0, math.log(clip_norm) - denominator_ln)
    coefficient = math.exp(log_coefficient)
    if norm_ln == math.inf:
        clipped_log10 = np.full(depth, math.inf)
        clipped_norm = math.inf
    else:
        clipped_log10 = wgrad_log10 + log_coefficient / LN10
        clipped_ln = norm_ln + log_coefficient
        clipped_norm = math.exp(clipped_ln) if clipped_ln < 700.0 else math.inf
    path = trace.path_derivative
    with np.errstate(divide="ignore"):
        path_log10 = np.cumsum(np.log10(np.abs(np.where(np.isfinite(path), path, 0.0))))
    path_log10 = np.where(np.isfinite(path), path_log10, math.inf)
    layers = np.arange(1, depth + 1)
    with np.errstate(divide="ignore"):
        bound_log10 = layers * math.log10(slope) if slope > 0 else np.full(depth, -math.inf)
    frame = pd.DataFrame(
        {
            "layer": layers,
            "preact_mean": trace.preact_mean,
            "preact_std": trace.preact_std,
            "activation_mean": trace.act_mean,
            "activation_std": trace.act_std,
            "saturated_fraction": trace.saturated,
            "dead_fraction": trace.dead,
            "dead_unit_fraction": trace.dead_units,
            "grad_std": _power10(grad_log10),
            "grad_log10": grad_log10,
            "weight_grad_norm": _power10(wgrad_log10),
            "weight_grad_log10": wgrad_log10,
            "clipped_weight_grad_norm": _power10(clipped_log10),
            "path_derivative": path,
            "path_log10_product": path_log10,
            "bound_log10": bound_log10,
            "forward_status": trace.forward_status,
            "backward_status": grad_status,
        }
    )
    dead_layers = [i + 1 for i, s in enumerate(trace.forward_status) if s == DEAD]
    grad_dead = [i + 1 for i, s in enumerate(grad_status) if s == DEAD]
    return NetworkRun(
        layers=frame,
        activation=act.key,
        label=act.label,
        init=init,
        depth=depth,
        width=width,
        batch=batch,
        input_grad_std=float(_power10(np.array(input_ln / LN10))),
        input_grad_log10=input_ln / LN10,
        grad_norm=grad_norm,
        clipped_norm=clipped_norm,
        clip_coefficient=coefficient,
        exploded_at=trace.exploded_at,
        dead_at=dead_layers[0] if dead_layers else None,
        grad_dead_at=max(grad_dead) if grad_dead else None,
        max_slope=slope,
    )


def layer_statistics(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, float] | None = None,
    bias: str = "zeros",
    bias_value: float = 0.01,
    clip_norm: float | None = None,
    mode: str | None = None,
) -> pd.DataFrame:
    """Per-layer statistics of a seeded deep MLP at initialization, one row per hidden layer.

    ``activation`` is a registry key or an ``Activation`` (typed ones too) with ``params``;
    ``init`` an ``INITIALIZERS`` key drawn with ``gain`` (and ``mode`` for fan-scaled ones) at
    fan_in = fan_out = width. Inputs and the gradient arriving at the top are N(0, 1), seeded by
    ``seed`` (module docstring). ``bias``: "zeros" (CS231n, He et al.), "constant" (every bias
    ``bias_value``) or "torch_uniform" (U(±1/√width), PyTorch's nn.Linear). ``clip_norm`` clips
    the weight gradients by their global norm.

    Columns: ``layer`` (1 = nearest the input); ``preact_mean``, ``preact_std`` of the input to f
    (after batch norm when on); ``activation_mean``, ``activation_std`` of the layer output h_l;
    ``saturated_fraction`` (|f'| < 0.01), ``dead_fraction`` (f' = 0) over batch × units and
    ``dead_unit_fraction`` (units with f' = 0 for the whole batch); ``grad_std`` (std of
    ∂loss/∂h_l) and ``grad_log10``; ``weight_grad_norm`` (‖∂loss/∂W_l‖_F), ``weight_grad_log10``
    and ``clipped_weight_grad_norm``; ``path_derivative`` f'(u_l) along one path (first input,
    unit 0 of every layer), ``path_log10_product`` log10 |∏_{k≤l} f'(u_k)| (-inf once a factor is
    exactly 0) and ``bound_log10`` = l·log10 max|f'|; ``forward_status`` and ``backward_status``:
    "ok", "dead" (exactly zero: std 0, log10 -inf), "exploded" (beyond float64) or "undefined"
    (a typed f gave NaN). A layer the forward pass could not reach has +inf in every statistic,
    and when the forward pass explodes every gradient column is +inf. Never NaN, never a
    RuntimeWarning.
    """
    return network_run(
        activation,
        depth,
        width,
        init,
        gain,
        batch,
        seed,
        batchnorm,
        residual,
        params,
        bias,
        bias_value,
        clip_norm,
        mode,
    ).layers


def network_gradients(
    x: np.ndarray,
    weights: Sequence[np.ndarray],
    top: np.ndarray,
    activation: str | Activation,
    biases: Sequence[np.ndarray] | None = None,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, float] | None = None,
) -> dict[str, object]:
    """The loss Σ h_L ⊙ top and its exact gradients for given arrays, by the same code that
    ``layer_statistics`` measures with: keys ``loss`` (float), ``weights`` and ``biases``
    (∂loss/∂W_l, ∂loss/∂b_l per layer), ``hidden`` (∂loss/∂h_l per layer) and ``inputs``
    (∂loss/∂x). For gradient checks against finite differences."""
    act = as_activation(activation)
    f, df = _functions(act, params)
    x = np.asarray(x, dtype=np.float64)
    weights = [np.asarray(w, dtype=np.float64) for w in weights]
    top = np.asarray(top, dtype=np.float64)
    trace, hs = _propagate(
        x,
        weights,
        biases,
        f,
        df,
        top,
        batchnorm=batchnorm,
        residual=residual,
        collect=True,
        keep_activations=True,
    )
    if trace.gradients is None or hs is None or len(hs) < len(weights):
        raise ValueError("The forward pass left float64's range; no gradient to return.")
    return {"loss": float(np.sum(hs[-1] * top)), **trace.gradients, "inputs": trace.gradients["inputs"][0]}


# --- sentences ---------------------------------------------------------------------------------


def _sci(value: float) -> str:
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def describe_gradient_flow(layers: pd.DataFrame) -> str:
    """One sentence from a ``layer_statistics`` table: how much of the top layer's gradient the
    first layer receives, in orders of magnitude and per layer; or where it exploded or died."""
    depth = len(layers)
    forward = list(layers["forward_status"])
    backward = list(layers["backward_status"])
    failed = [i for i, s in enumerate(forward) if s in (EXPLODED, UNDEFINED)]
    if failed:
        k = failed[0] + 1
        if forward[failed[0]] == EXPLODED:
            return (
                f"The forward pass exploded at layer {k}: its values left float64's range, so every "
                f"gradient is beyond float64 too."
            )
        return f"The forward pass became undefined at layer {k}: the activation returned NaN there."
    if EXPLODED in backward:
        k = max(i + 1 for i, s in enumerate(backward) if s == EXPLODED)
        return f"The gradient exploded at layer {k}: it left float64's range on its way down."
    if DEAD in forward:
        k = forward.index(DEAD) + 1
        return (
            f"Layer {k} is dead: its outputs are exactly 0 for every input, so no gradient passes below it."
        )
    if DEAD in backward:
        k = max(i + 1 for i, s in enumerate(backward) if s == DEAD)
        return f"The gradient is dead from layer {k} down: exactly 0, every unit there has f' = 0 for every input."
    if depth < 2:
        return "With one layer there is nothing to multiply: the gradient arrives as it was sent."
    g = layers["grad_log10"].to_numpy()
    decades = float(g[0] - g[-1])
    per_layer = 10 ** (decades / (depth - 1))
    ratio = 10**decades if abs(decades) < 300 else None
    ratio_text = _sci(ratio) if ratio is not None else f"10^{decades:.0f}"
    if abs(decades) <= HEALTHY_DECADES:
        return (
            f"The first layer receives {ratio_text} of the gradient the last layer receives — within one "
            f"order of magnitude over {depth} layers ({per_layer:.3g} per layer)."
        )
    if decades < 0:
        return (
            f"The first layer receives {ratio_text} of the gradient the last layer receives — "
            f"{-decades:.1f} orders of magnitude, about {per_layer:.2g} per layer."
        )
    return (
        f"The first layer receives {ratio_text} times the gradient the last layer receives — "
        f"{decades:.1f} orders of magnitude, about ×{per_layer:.3g} per layer."
    )


def describe_activations(layers: pd.DataFrame) -> str:
    """One sentence on how the activations change from layer 1 to the last: their std, and the
    saturated and dead fractions there."""
    ok = layers[layers["forward_status"] == OK]
    if ok.empty:
        return describe_gradient_flow(layers)
    first, last = ok.iloc[0], ok.iloc[-1]
    text = (
        f"Activation std goes from {_sci(first['activation_std'])} at layer 1 to "
        f"{_sci(last['activation_std'])} at layer {int(last['layer'])}; there "
        f"{last['saturated_fraction']:.0%} of unit-inputs are saturated (|f'| < 0.01) and "
        f"{last['dead_fraction']:.0%} have f' = 0"
    )
    if last["dead_unit_fraction"] > 0:
        text += f", and {last['dead_unit_fraction']:.0%} of units are dead for the whole batch"
    if len(ok) < len(layers):
        text += (
            f"; the pass stopped at layer {int(last['layer']) + 1} ({layers['forward_status'].iloc[len(ok)]})"
        )
    return text + "."


# --- mean-field prediction and comparisons -------------------------------------------------------


def meanfield_prediction(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    params: Mapping[str, float] | None = None,
    bias: str = "zeros",
) -> pd.DataFrame:
    """``meanfield.gradient_curve`` for the plain network ``layer_statistics`` builds:
    σ_w² = width·Var[W] of the initializer, σ_b² = 1/(3·width) for "torch_uniform" biases
    (0 for "zeros"), inputs of variance 1. Columns as ``gradient_curve``: layer, q, preact_std,
    activation_mean, activation_std, chi, grad_std (relative to the top layer), grad_log10.
    The prediction ignores batch norm and residual connections."""
    depth, width, _, _ = check_network(depth, width, 1)
    if bias not in ("zeros", "torch_uniform"):
        raise ValueError(f"The mean-field prediction covers zero or random biases; got bias={bias!r}.")
    sigma_w2 = width * get_initializer(init).variance(width, width, gain)
    sigma_b2 = 1.0 / (3.0 * width) if bias == "torch_uniform" else 0.0
    return gradient_curve(activation, depth, sigma_w2, sigma_b2, 1.0, params)


def activation_comparison(
    activations: Iterable[str | Activation] | None = None,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """``layer_statistics`` for several activations on the same seeded data and weights, stacked:
    the columns of ``layer_statistics`` plus ``key`` and ``label``. ``params`` maps an activation
    key to its parameters. Defaults to ``DEFAULT_ACTIVATIONS``."""
    frames = []
    for item in DEFAULT_ACTIVATIONS if activations is None else activations:
        act = as_activation(item)
        frame = layer_statistics(
            act, depth, width, init, gain, batch, seed, batchnorm, residual, (params or {}).get(act.key)
        )
        frames.append(frame.assign(key=act.key, label=act.label))
    return pd.concat(frames, ignore_index=True)


def initializer_comparison(
    activation: str | Activation = "relu",
    initializers: Iterable[str] | None = None,
    depth: int = 20,
    width: int = 256,
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """``layer_statistics`` for several initializers with one activation, stacked: the columns of
    ``layer_statistics`` plus ``init`` and ``init_label``. Defaults to N(0, 1), 0.01·N(0, 1),
    Glorot normal, He normal and orthogonal."""
    keys = ("standard_normal", "small_normal", "glorot_normal", "he_normal", "orthogonal")
    frames = []
    for key in keys if initializers is None else initializers:
        frame = layer_statistics(
            activation, depth, width, key, gain, batch, seed, batchnorm, residual, params
        )
        frames.append(frame.assign(init=key, init_label=get_initializer(key).label))
    return pd.concat(frames, ignore_index=True)


def activation_histograms(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
    batchnorm: bool = False,
    residual: bool = False,
    params: Mapping[str, float] | None = None,
    layers: Sequence[int] | None = None,
    bins: int = 40,
    shared_range: bool = True,
) -> pd.DataFrame:
    """Histograms of the layer outputs h_l of the ``layer_statistics`` network, for a layer ×
    value heatmap. Columns: ``layer``, ``bin_left``, ``bin_right``, ``fraction`` (of batch ×
    width values in the bin). Bins span the range over all chosen layers when ``shared_range``
    (bounded activations), else each layer's own min to max (shapes of shrinking or growing
    layers). Layers past an explosion are left out."""
    act = as_activation(activation)
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    bins = _whole("bins", bins, 2, 400)
    x, _ = network_inputs(batch, width, seed)
    weights = _unit_weights(init, depth, width, seed)
    scale = get_initializer(init).std(width, width, check_gain(gain))
    f, df = _functions(act, params)
    _, hs = _propagate(
        x,
        weights,
        None,
        f,
        df,
        None,
        scale=scale,
        batchnorm=batchnorm,
        residual=residual,
        full=False,
        keep_activations=True,
    )
    hs = hs or []
    chosen = list(range(1, depth + 1)) if layers is None else [int(k) for k in layers if 1 <= k <= len(hs)]
    chosen = [k for k in chosen if k <= len(hs)]
    if not chosen:
        return pd.DataFrame(columns=["layer", "bin_left", "bin_right", "fraction"])
    low = min(float(hs[k - 1].min()) for k in chosen)
    high = max(float(hs[k - 1].max()) for k in chosen)
    frames = []
    for k in chosen:
        h = hs[k - 1].reshape(-1)
        lo, hi = (low, high) if shared_range else (float(h.min()), float(h.max()))
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        counts, edges = np.histogram(h, bins=bins, range=(lo, hi))
        frames.append(
            pd.DataFrame(
                {"layer": k, "bin_left": edges[:-1], "bin_right": edges[1:], "fraction": counts / h.size}
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- the phase diagram ---------------------------------------------------------------------------


def phase_diagram(
    activation: str | Activation = "tanh",
    sigma_ws: Sequence[float] | None = None,
    depths: Sequence[int] | None = None,
    width: int = 128,
    batch: int = 128,
    seed: int = 0,
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Weight scale σ_w × depth → log10 of the gradient ratio (layer 1 / layer d), measured and
    predicted by mean field (Schoenholz et al. 2017).

    Weights are σ_w/√width · G_l with the same seeded G_l for every σ_w, biases zero. For each
    σ_w one network of depth max(depths) runs forward and backward; the cell for depth d reads
    the ratio between layers 1 and d of it. Columns: ``sigma_w``, ``depth``, ``grad_log10_ratio``,
    ``meanfield_log10_ratio``, ``status`` ("ok", "dead", "exploded"). Defaults: σ_w from 0.5 to 3
    in steps of 0.1, depths 2, 5, 10, 20, ..., 100. The critical line is
    ``meanfield.critical_sigma_w(activation)``.
    """
    act = as_activation(activation)
    sigma_ws = np.round(np.arange(0.5, 3.0001, 0.1), 10) if sigma_ws is None else np.asarray(sigma_ws, float)
    depths = (2, 5, *range(10, 101, 10)) if depths is None else tuple(depths)
    for s in sigma_ws:
        check_gain(float(s))
    max_depth, width, batch, seed = check_network(max(depths), width, batch, seed)
    depths = tuple(_whole("depth", d, 1, max_depth) for d in depths)
    x, top = network_inputs(batch, width, seed)
    base = _unit_weights("lecun_normal", max_depth, width, seed)
    f, df = _functions(act, params)
    rows = []
    for sigma_w in sigma_ws:
        trace, _ = _propagate(x, base, None, f, df, top, scale=float(sigma_w) / math.sqrt(width), full=False)
        run = _run_from_trace(trace, act, params, "lecun_normal", width, batch, None)
        g = run.layers["grad_log10"].to_numpy()
        status = run.layers["backward_status"].to_list()
        predicted = gradient_curve(act, max_depth, float(sigma_w) ** 2, 0.0, 1.0, params)[
            "grad_log10"
        ].to_numpy()
        for d in depths:
            cell = EXPLODED if trace.exploded_at is not None else OK
            if cell == OK and (status[0] != OK or status[d - 1] != OK):
                cell = status[0] if status[0] != OK else status[d - 1]
            value = float(g[0] - g[d - 1]) if cell == OK else (math.inf if cell == EXPLODED else -math.inf)
            rows.append(
                {
                    "sigma_w": float(sigma_w),
                    "depth": d,
                    "grad_log10_ratio": value,
                    "meanfield_log10_ratio": float(predicted[0] - predicted[d - 1]),
                    "status": cell,
                }
            )
    return pd.DataFrame(rows)


def critical_line(
    activation: str | Activation = "tanh", params: Mapping[str, float] | None = None
) -> float | None:
    """The σ_w where the mean-field χ = 1 (biases zero): ``meanfield.critical_sigma_w``."""
    return critical_sigma_w(activation, 0.0, params)


# --- the initialization page: how variance travels --------------------------------------------------


def _signature(init: str, width: int) -> tuple[str, float]:
    """(distribution, std): initializers that agree on both draw identical matrices."""
    initializer = get_initializer(init)
    return initializer.distribution, initializer.std(width, width)


def variance_travel(
    depth: int = 20,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    initializers: Iterable[str] | None = None,
    activations: Iterable[str | Activation] | None = None,
) -> pd.DataFrame:
    """Rows = initializers × activations: how the forward and backward variance change over
    ``depth`` layers of the seeded plain network (biases zero).

    Columns: ``init``, ``init_label``, ``activation``, ``activation_label``, ``forward_log10`` =
    log10(Var h_L / Var h_1), ``backward_log10`` = log10(Var ∂h_1 / Var ∂h_L) (the gradient at
    layer 1 relative to layer L), ``forward_healthy`` and ``backward_healthy`` (|log10| ≤ 1),
    ``forward_status``/``backward_status`` ("ok", "dead": -inf, "exploded": +inf) and
    ``forward_text``/``backward_text`` for a cell label. Initializers that draw the same matrices
    at this width (Glorot and LeCun when fan_in = fan_out, for instance) are computed once.
    """
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    init_keys = list(INITIALIZERS) if initializers is None else list(initializers)
    acts = [as_activation(a) for a in (ACTIVATIONS.values() if activations is None else activations)]
    x, top = network_inputs(batch, width, seed)
    computed: dict[tuple[str, float], dict[str, tuple]] = {}
    rows = []
    for key in init_keys:
        initializer = get_initializer(key)
        signature = _signature(key, width)
        if signature not in computed:
            weights = _unit_weights(key, depth, width, seed)
            results = {}
            for act in acts:
                f, df = _functions(act, None)
                trace, _ = _propagate(x, weights, None, f, df, top, scale=signature[1], full=False)
                results[act.key if act.key != "typed" else act.label] = _travel_cell(trace)
            computed[signature] = results
        for act in acts:
            fwd, fwd_status, bwd, bwd_status = computed[signature][
                act.key if act.key != "typed" else act.label
            ]
            rows.append(
                {
                    "init": key,
                    "init_label": initializer.label,
                    "activation": act.key,
                    "activation_label": act.label,
                    "forward_log10": fwd,
                    "backward_log10": bwd,
                    "forward_healthy": fwd_status == OK and abs(fwd) <= HEALTHY_DECADES,
                    "backward_healthy": bwd_status == OK and abs(bwd) <= HEALTHY_DECADES,
                    "forward_status": fwd_status,
                    "backward_status": bwd_status,
                    "forward_text": _cell_text(fwd, fwd_status),
                    "backward_text": _cell_text(bwd, bwd_status),
                }
            )
    return pd.DataFrame(rows)


def _travel_cell(trace: _Trace) -> tuple[float, str, float, str]:
    depth = trace.depth
    if trace.exploded_at is not None:
        return math.inf, EXPLODED, math.inf, EXPLODED
    s1, sl = trace.act_std[0], trace.act_std[depth - 1]
    if sl == 0.0 or s1 == 0.0:
        fwd, fwd_status = -math.inf, DEAD
    else:
        fwd, fwd_status = 2.0 * math.log10(sl / s1), OK
    statuses = trace.grad_status
    if statuses[0] != OK or statuses[depth - 1] != OK:
        bad = statuses[0] if statuses[0] != OK else statuses[depth - 1]
        return fwd, fwd_status, (-math.inf if bad == DEAD else math.inf), bad
    bwd = 2.0 * float(trace.grad_ln[0] - trace.grad_ln[depth - 1]) / LN10
    return fwd, fwd_status, bwd, OK


def _cell_text(value: float, status: str) -> str:
    if status == DEAD:
        return "dead"
    if status != OK:
        return status
    return f"{value:+.1f}"


def variance_travel_curve(
    init: str = "standard_normal",
    activation: str | Activation = "tanh",
    depth: int = 20,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
) -> pd.DataFrame:
    """The per-layer curve behind one ``variance_travel`` cell: ``layer_statistics`` of that
    network plus ``forward_log10`` = log10(Var h_l / Var h_1) and ``backward_log10`` =
    log10(Var ∂h_l / Var ∂h_L) for every layer l (±inf where dead or exploded)."""
    frame = layer_statistics(activation, depth, width, init, 1.0, batch, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = frame["activation_std"].iloc[0]
        forward = 2.0 * np.log10(frame["activation_std"].to_numpy() / first) if first > 0 else -np.inf
    frame["forward_log10"] = np.where(frame["forward_status"] == EXPLODED, math.inf, forward)
    g = frame["grad_log10"].to_numpy()
    top = g[-1]
    frame["backward_log10"] = 2.0 * (g - top) if math.isfinite(top) else np.full(len(frame), top)
    return frame


# --- the initialization page: biases and N(0, 1) -------------------------------------------------


def bias_comparison(
    activation: str | Activation = "relu",
    init: str = "torch_linear_default",
    depth: int = 10,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    constant: float = 0.01,
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The same seeded network with zero biases, a small constant bias and PyTorch's
    U(±1/√fan_in) biases. Columns: ``bias`` ("zeros", "constant", "torch_uniform"),
    ``bias_label``, ``layer``, ``dead_unit_fraction`` (units with f' = 0 for every input),
    ``dead_fraction``, ``preact_mean``, ``preact_std``, ``activation_std``, ``grad_std``."""
    labels = {
        "zeros": "zeros",
        "constant": f"constant {constant:g}",
        "torch_uniform": f"PyTorch U(±1/√{width})",
    }
    frames = []
    for bias in BIASES:
        frame = layer_statistics(
            activation, depth, width, init, 1.0, batch, seed, params=params, bias=bias, bias_value=constant
        )
        frames.append(
            frame[
                [
                    "layer",
                    "dead_unit_fraction",
                    "dead_fraction",
                    "preact_mean",
                    "preact_std",
                    "activation_std",
                    "grad_std",
                ]
            ].assign(bias=bias, bias_label=labels[bias])
        )
    columns = [
        "bias",
        "bias_label",
        "layer",
        "dead_unit_fraction",
        "dead_fraction",
        "preact_mean",
        "preact_std",
    ]
    return pd.concat(frames, ignore_index=True)[[*columns, "activation_std", "grad_std"]]


def describe_biases(table: pd.DataFrame) -> str:
    """A sentence from ``bias_comparison``: at the last layer, the dead-unit fraction and the
    mean pre-activation for each bias option."""
    last = table[table["layer"] == table["layer"].max()]
    parts = [
        f"{row.bias_label}: {row.dead_unit_fraction:.0%} of units dead, mean pre-activation {_sci(row.preact_mean)} "
        f"(std {_sci(row.preact_std)})"
        for row in last.itertuples()
    ]
    return f"At layer {int(table['layer'].max())} — " + "; ".join(parts) + "."


def standard_normal_story(
    activations: Iterable[str | Activation] = ("relu", "tanh", "sigmoid"),
    depth: int = 10,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    compare_with: str = "he_normal",
) -> pd.DataFrame:
    """Why not N(0, 1): one row per activation for weights drawn from N(0, 1) at this width,
    beside ``compare_with``. Columns: ``activation``, ``label``, ``init``, ``preact_std_1`` (the
    first layer's pre-activation std; √width for N(0, 1) inputs), ``activation_std_last``,
    ``saturated_last`` (fraction with |f'| < 0.01 at the last layer), ``grad_log10_ratio``
    (log10 of grad_std at layer 1 / at layer L), ``exploded_at``, ``sentence``."""
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    rows = []
    for item in activations:
        act = as_activation(item)
        for init in ("standard_normal", compare_with):
            run = network_run(act, depth, width, init, 1.0, batch, seed)
            t = run.layers
            ok = t[t["forward_status"] == OK]
            last = ok.iloc[-1] if len(ok) else None
            ratio = float(t["grad_log10"].iloc[0] - t["grad_log10"].iloc[-1])
            if not math.isfinite(ratio):
                ratio = math.inf if run.exploded_at else -math.inf
            rows.append(
                {
                    "activation": act.key,
                    "label": act.label,
                    "init": init,
                    "preact_std_1": float(t["preact_std"].iloc[0]),
                    "activation_std_last": float(last["activation_std"]) if last is not None else math.inf,
                    "saturated_last": float(last["saturated_fraction"]) if last is not None else math.inf,
                    "grad_log10_ratio": ratio,
                    "exploded_at": run.exploded_at,
                    "sentence": _story_sentence(act.label, init, width, depth, t, ratio, run),
                }
            )
    return pd.DataFrame(rows)


def _story_sentence(label, init, width, depth, t, ratio, run) -> str:
    name = get_initializer(init).label
    if run.exploded_at is not None:
        return f"{label} with {name}: the activations exploded at layer {run.exploded_at}."
    first = t.iloc[0]
    last = t.iloc[-1]
    text = (
        f"{label} with {name}: layer 1's pre-activations have std {_sci(first['preact_std'])} "
        f"(√{width} = {math.sqrt(width):.3g} times the weight std for N(0, 1) inputs)"
    )
    # f' = 0 on ReLU's flat side is inactivity, not saturation: count only the small nonzero slopes.
    saturated = last["saturated_fraction"] - last["dead_fraction"]
    if saturated >= 0.5:
        text += f", and {saturated:.0%} of unit-inputs at layer {depth} are saturated (0 < |f'| < 0.01)"
    growth = (last["activation_std"] / first["activation_std"]) ** (1.0 / max(depth - 1, 1))
    text += f"; the activation std changes ×{growth:.3g} per layer"
    if math.isfinite(ratio):
        factor = _sci(10**ratio) if abs(ratio) < 300 else f"10^{ratio:.0f}"
        text += f", and layer 1 receives {factor} times the gradient the top layer receives"
    return text + "."


# --- presets reproducing published numbers ------------------------------------------------------------


@dataclass(frozen=True)
class PresetRun:
    """One network of a preset: what ``layer_statistics`` is called with."""

    label: str
    activation: str
    init: str
    depth: int
    width: int
    batch: int


@dataclass(frozen=True)
class Claim:
    """A published number about one run, with how ``measured`` is read and compared.

    ``metric``: a ``layer_statistics`` column read at ``layer``; "input_grad_std"; "variance_factor"
    (geometric-mean factor per layer of the pre-activation variance from layer 1 to ``layer``);
    "grad_factor" (the same for grad_std, from the top down to the input); "grad_ratio"
    (grad_std at layer 1 / at the top). ``agrees`` when |measured/published - 1| ≤ ``rel_tol``,
    or |measured - published| ≤ ``abs_tol``, or measured/published is within a factor
    ``factor_tol`` either way (for deep layers, where the seed moves the number: at width 500 the
    log of the variance takes a random step of order 1/√500 per layer), or for
    ``published=None`` when ``direction`` ("below 1", "closer to 1 than <run>") holds.
    """

    run: str
    quantity: str
    metric: str
    layer: int | None
    published: float | None
    published_text: str
    rel_tol: float | None = None
    abs_tol: float | None = None
    factor_tol: float | None = None
    direction: str | None = None


@dataclass(frozen=True)
class Preset:
    """A one-click reproduction of a published experiment."""

    key: str
    title: str
    source: str
    runs: tuple[PresetRun, ...]
    claims: tuple[Claim, ...]
    note: str = ""


_CS231N = (
    "CS231n (2016) lecture 5, slides 53–64: 10 tanh layers of 500 units, input 1000 × 500 N(0, 1); "
    "numbers as re-run in numpy (REFERENCE.md §8)."
)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "cs231n_tanh",
            "CS231n: 10 tanh layers with W·0.01, W·1.0 and Xavier",
            _CS231N,
            (
                PresetRun("W = 0.01·randn", "tanh", "small_normal", 10, 500, 1000),
                PresetRun("W = 1.0·randn", "tanh", "standard_normal", 10, 500, 1000),
                PresetRun("Xavier: randn/√n", "tanh", "lecun_normal", 10, 500, 1000),
            ),
            (
                Claim(
                    "W = 0.01·randn",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.214,
                    "0.214",
                    rel_tol=0.05,
                ),
                Claim(
                    "W = 0.01·randn",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    5.3e-4,
                    "5.3e-4",
                    rel_tol=0.1,
                ),
                Claim(
                    "W = 0.01·randn",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    2.9e-7,
                    "2.9e-7",
                    rel_tol=0.1,
                ),
                Claim(
                    "W = 0.01·randn",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    2.9e-7,
                    "2.9e-7",
                    rel_tol=0.1,
                ),
                Claim(
                    "W = 1.0·randn",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.982,
                    "0.982",
                    rel_tol=0.02,
                ),
                Claim(
                    "W = 1.0·randn",
                    "saturated units, layer 10 (slides: |h| near ±1; here |f'| < 0.01)",
                    "saturated_fraction",
                    10,
                    0.906,
                    "90.6%",
                    abs_tol=0.03,
                ),
                Claim(
                    "W = 1.0·randn",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    2.6e5,
                    "2.6e5",
                    rel_tol=0.5,
                ),
                Claim(
                    "W = 1.0·randn",
                    "gradient growth per layer",
                    "grad_factor",
                    None,
                    3.5,
                    "~3.5×",
                    rel_tol=0.1,
                ),
                Claim(
                    "Xavier: randn/√n",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.628,
                    "0.628",
                    rel_tol=0.05,
                ),
                Claim(
                    "Xavier: randn/√n",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    0.32,
                    "0.32",
                    rel_tol=0.1,
                ),
                Claim(
                    "Xavier: randn/√n",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.227,
                    "0.227",
                    rel_tol=0.1,
                ),
                Claim(
                    "Xavier: randn/√n",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    0.27,
                    "0.27",
                    rel_tol=0.15,
                ),
            ),
            note="The slides say the W·1.0 gradients 'will be all zero' because units saturate; the gradient "
            "reaching the input grows instead — local derivatives are near 0, but the weights are large.",
        ),
        Preset(
            "relu_xavier_vs_he",
            "ReLU: Xavier vs He, 10 and 30 layers",
            "He et al. 2015 (arXiv:1502.01852): Xavier halves the forward variance at every ReLU layer, He keeps "
            "it; a 30-layer net with Xavier stalls. Per-layer numbers from the CS231n set-up re-run in numpy "
            "(REFERENCE.md §8): 500 units, input 1000 × 500.",
            (
                PresetRun("Xavier, 30 layers", "relu", "lecun_normal", 30, 500, 1000),
                PresetRun("He, 30 layers", "relu", "he_normal", 30, 500, 1000),
                PresetRun("Xavier, 10 layers", "relu", "lecun_normal", 10, 500, 1000),
                PresetRun("He, 10 layers", "relu", "he_normal", 10, 500, 1000),
            ),
            (
                Claim(
                    "Xavier, 30 layers",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.585,
                    "0.585",
                    rel_tol=0.05,
                ),
                Claim(
                    "Xavier, 30 layers",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    0.136,
                    "0.136",
                    rel_tol=0.15,
                ),
                Claim(
                    "Xavier, 30 layers",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.0227,
                    "0.0227",
                    rel_tol=0.25,
                ),
                Claim(
                    "Xavier, 30 layers",
                    "activation std, layer 30",
                    "activation_std",
                    30,
                    1.5e-5,
                    "1.5e-5",
                    factor_tol=2.0,
                ),
                Claim(
                    "Xavier, 30 layers",
                    "pre-activation variance factor per layer (He et al.: halved)",
                    "variance_factor",
                    30,
                    0.5,
                    "1/2",
                    rel_tol=0.05,
                ),
                Claim(
                    "Xavier, 30 layers",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    3.6e-5,
                    "3.6e-5",
                    factor_tol=2.0,
                ),
                Claim(
                    "Xavier, 10 layers",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    0.030,
                    "0.030",
                    rel_tol=0.2,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.827,
                    "0.827",
                    rel_tol=0.05,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    0.768,
                    "0.768",
                    rel_tol=0.15,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.727,
                    "0.727",
                    rel_tol=0.25,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 30",
                    "activation_std",
                    30,
                    0.50,
                    "0.50",
                    factor_tol=2.0,
                ),
                Claim(
                    "He, 30 layers",
                    "pre-activation variance factor per layer (He et al.: kept)",
                    "variance_factor",
                    30,
                    1.0,
                    "1",
                    rel_tol=0.05,
                ),
                Claim(
                    "He, 30 layers",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    0.83,
                    "0.83",
                    factor_tol=2.0,
                ),
                Claim(
                    "He, 10 layers",
                    "gradient std at the input",
                    "input_grad_std",
                    None,
                    0.95,
                    "0.95",
                    rel_tol=0.15,
                ),
            ),
        ),
        Preset(
            "selu_lecun_depth100",
            "SELU + LeCun normal at depth 100",
            "Klambauer et al. 2017 (arXiv:1706.02515): SELU with weights of std √(1/n) keeps (mean, variance) "
            "at the attracting fixed point (0, 1) through depth.",
            (PresetRun("SELU, LeCun normal", "selu", "lecun_normal", 100, 256, 256),),
            (
                Claim(
                    "SELU, LeCun normal",
                    "activation mean, layer 100",
                    "activation_mean",
                    100,
                    0.0,
                    "0",
                    abs_tol=0.1,
                ),
                Claim(
                    "SELU, LeCun normal",
                    "activation std, layer 100",
                    "activation_std",
                    100,
                    1.0,
                    "1",
                    rel_tol=0.1,
                ),
            ),
        ),
        Preset(
            "glorot_bengio_sigmoid",
            "Glorot & Bengio: 5 sigmoid layers, U[±1/√n] vs normalized init",
            "Glorot & Bengio 2010 (AISTATS): 5 hidden layers of 1000; with the standard U[−1/√n, 1/√n] init the "
            "back-propagated gradients shrink toward the input, normalized init (Glorot uniform) keeps "
            "activations and gradients more alike across layers. The paper reports this qualitatively "
            "(figures), so 'published' is the direction of the effect.",
            (
                PresetRun("standard U[±1/√n]", "sigmoid", "torch_linear_default", 5, 1000, 256),
                PresetRun("normalized (Glorot)", "sigmoid", "glorot_uniform", 5, 1000, 256),
            ),
            (
                Claim(
                    "standard U[±1/√n]",
                    "gradient std, layer 1 / layer 5",
                    "grad_ratio",
                    None,
                    None,
                    "below 1 (shrinks toward the input)",
                    direction="below 1",
                ),
                Claim(
                    "normalized (Glorot)",
                    "gradient std, layer 1 / layer 5",
                    "grad_ratio",
                    None,
                    None,
                    "closer to 1 than with the standard init",
                    direction="closer to 1 than standard U[±1/√n]",
                ),
            ),
        ),
    )
}


def _measure(claim: Claim, frame: pd.DataFrame, run: NetworkRun) -> float:
    if claim.metric == "input_grad_std":
        return run.input_grad_std
    if claim.metric == "variance_factor":
        last = claim.layer or len(frame)
        ratio = (frame["preact_std"].iloc[last - 1] / frame["preact_std"].iloc[0]) ** 2
        return float(ratio ** (1.0 / (last - 1)))
    if claim.metric == "grad_factor":
        decades = run.input_grad_log10 - float(frame["grad_log10"].iloc[-1])
        return float(10 ** (decades / len(frame)))
    if claim.metric == "grad_ratio":
        return float(10 ** (frame["grad_log10"].iloc[0] - frame["grad_log10"].iloc[-1]))
    return float(frame[claim.metric].iloc[(claim.layer or len(frame)) - 1])


def preset_results(key: str, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run a preset: (claims, layers).

    ``claims``: one row per published number — ``run``, ``quantity``, ``published`` (float or NaN),
    ``published_text``, ``measured``, ``tolerance`` (text), ``agrees`` (bool). ``layers``: the
    ``layer_statistics`` of every run stacked, with a ``run`` column, for the charts.
    """
    try:
        preset = PRESETS[key]
    except KeyError:
        raise ValueError(f"Unknown preset {key!r}; expected one of {sorted(PRESETS)}") from None
    runs = {
        r.label: network_run(r.activation, r.depth, r.width, r.init, 1.0, r.batch, seed) for r in preset.runs
    }
    measured_by_run: dict[str, float] = {}
    rows = []
    for claim in preset.claims:
        run = runs[claim.run]
        value = _measure(claim, run.layers, run)
        measured_by_run[claim.run] = value
        if claim.published is not None and claim.rel_tol is not None:
            agrees = abs(value / claim.published - 1.0) <= claim.rel_tol
            tolerance = f"±{claim.rel_tol:.0%}"
        elif claim.published is not None and claim.abs_tol is not None:
            agrees = abs(value - claim.published) <= claim.abs_tol
            tolerance = f"±{claim.abs_tol:g}"
        elif claim.published is not None and claim.factor_tol is not None:
            agrees = 1.0 / claim.factor_tol <= value / claim.published <= claim.factor_tol
            tolerance = f"×{claim.factor_tol:g} either way"
        elif claim.direction == "below 1":
            agrees, tolerance = value < 1.0, "direction"
        elif claim.direction == "above 1":
            agrees, tolerance = value > 1.0, "direction"
        else:
            other = claim.direction.removeprefix("closer to 1 than ")
            reference = measured_by_run.get(other)
            agrees = reference is not None and abs(math.log10(value)) < abs(math.log10(reference))
            tolerance = "direction"
        rows.append(
            {
                "run": claim.run,
                "quantity": claim.quantity,
                "published": claim.published,
                "published_text": claim.published_text,
                "measured": value,
                "tolerance": tolerance,
                "agrees": bool(agrees),
            }
        )
    layers = pd.concat([run.layers.assign(run=label) for label, run in runs.items()], ignore_index=True)
    return pd.DataFrame(rows), layers
