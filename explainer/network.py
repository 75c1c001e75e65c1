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
from .meanfield import (
    Q_FLOOR,
    Q_LIMIT,
    EdgeOfChaos,
    activation_moments,
    as_activation,
    chi,
    edge_of_chaos,
    gradient_curve,
    variance_map,
)

MAX_DEPTH = 1000
MAX_WIDTH = 4096
MAX_BATCH = 4096
BN_EPS = 1e-5  # PyTorch's BatchNorm1d default
BIASES = ("zeros", "constant", "torch_uniform")
HEALTHY_DECADES = 1.0  # |log10 ratio| within this counts as healthy on the heatmaps
# ... and a cell is healthy only while less than this share of its last layer's unit-inputs is
# saturated (|f'| < 0.01, except units switched off — f' = 0 with output 0, ReLU's negative side).
HEALTHY_SATURATION = 0.5
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
        s1 = float(np.add.reduce(flat))
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
    # Share with f' = 0 and output exactly 0 (a unit switched off, as ReLU's negative side: not
    # saturation), counted with ``saturated``; without residual connections, where h_l = f(z_l).
    inactive: np.ndarray | None = None


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
# per 4 KB on first touch, which for a deep network costs as much as the arithmetic (on this
# virtual machine, ten times as much: 200 × 512 × 256 took 0.85 s pooled and 7 s fresh). One pool
# for the process, at most WORKSPACE_BYTES (``set_memory_limits``): a call that needs more takes
# fresh arrays for the rest and frees them when it returns, and so does a call that finds the
# pool busy (another thread). 256 MB holds that largest benchmark network; the app sets less.
DEFAULT_WORKSPACE_BYTES = 256 * 2**20
WORKSPACE_BYTES = DEFAULT_WORKSPACE_BYTES
_pool: dict[tuple[tuple[int, ...], str], list[np.ndarray]] = {}
_pool_bytes = [0]
_pool_lock = threading.Lock()


class _Buffers:
    """Arrays for one pass: the pool's while it has room (the caller holds ``_pool_lock``), else
    fresh ones."""

    def __init__(self, pooled: bool):
        self.pooled = pooled
        self.taken: dict[tuple[tuple[int, ...], str], int] = {}

    def get(self, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
        if not self.pooled:
            return np.empty(shape, dtype)
        key = (tuple(shape), np.dtype(dtype).str)
        used = self.taken.get(key, 0)
        arrays = _pool.setdefault(key, [])
        if used >= len(arrays):
            size = math.prod(shape) * np.dtype(dtype).itemsize
            if _pool_bytes[0] + size > WORKSPACE_BYTES:
                # Make room from shapes this pass does not use; a pass larger than the pool
                # takes fresh arrays for the rest.
                for other in [k for k in _pool if k not in self.taken and k != key]:
                    _pool_bytes[0] -= sum(a.nbytes for a in _pool.pop(other))
                if _pool_bytes[0] + size > WORKSPACE_BYTES:
                    return np.empty(shape, dtype)
            arrays.append(np.empty(shape, dtype))
            _pool_bytes[0] += size
        self.taken[key] = used + 1
        return arrays[used]


def clear_workspace() -> None:
    """Return the pooled buffers' memory (they are allocated again when next needed)."""
    with _pool_lock:
        _pool.clear()
        _pool_bytes[0] = 0


def set_memory_limits(weights: int | None = None, workspace: int | None = None) -> tuple[int, int]:
    """Bound the two process-wide stores, in bytes: the cached weight draws (``CACHE_BYTES``)
    and the reused layer buffers (``WORKSPACE_BYTES``); None keeps a bound. Both are shared by
    every caller in the process (every session of a Streamlit server), so their sum is the most
    they hold whatever the number of sessions; what no longer fits is let go at once. Returns the
    previous (weights, workspace) bounds. Results never depend on them, only speed."""
    global CACHE_BYTES, WORKSPACE_BYTES
    previous = (CACHE_BYTES, WORKSPACE_BYTES)
    for name, value in (("weights", weights), ("workspace", workspace)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{name} must be a whole number of bytes, at least 0; got {value!r}.")
    if weights is not None:
        with _cache_lock:
            CACHE_BYTES = weights
            while _cache and sum(e.nbytes for e in _cache.values()) > CACHE_BYTES:
                _cache.popitem(last=False)
    if workspace is not None:
        with _pool_lock:
            WORKSPACE_BYTES = workspace
            if _pool_bytes[0] > WORKSPACE_BYTES:
                _pool.clear()
                _pool_bytes[0] = 0
    return previous


def _relu_functions() -> tuple:
    relu = ACTIVATIONS["relu"]
    return relu.fn, relu.grad


_RELU_FN, _RELU_GRAD = _relu_functions()
# A pass with ``_RELU_FN``/``_RELU_GRAD`` writes f(z) = max(z, 0) into a reused buffer and keeps
# f'(z) as a boolean mask (1 byte a value instead of 8): the same numbers, less memory and time.


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
    saturation: bool = False,
) -> tuple[_Trace, list[np.ndarray] | None]:
    """One forward pass (and a backward pass from ``top`` unless it is None) through layers with
    weights ``scale`` · ``weights[l]``.

    ``full`` also counts saturated and dead units and takes weight-gradient norms, ``saturation``
    only counts the units (a few element-wise passes, no matrix product); ``collect``
    returns the true-scale gradients (for the gradient check); ``keep_activations`` returns the
    layer outputs h_1..h_L; ``negative_slopes=False`` (f' ≥ 0 everywhere) skips counting
    f' ≤ -0.01 as saturated.
    """
    pooled = not (keep_activations or collect) and _pool_lock.acquire(blocking=False)
    try:
        return _run_layers(
            x,
            weights,
            biases,
            f,
            df,
            top,
            _Buffers(pooled),
            scale,
            batchnorm,
            residual,
            full,
            collect,
            keep_activations,
            negative_slopes,
            saturation,
        )
    finally:
        if pooled:
            _pool_lock.release()


def _kept(a: np.ndarray, buffers: _Buffers) -> np.ndarray:
    """``a`` copied into a buffer of the pass (its own memory is free again at once)."""
    slot = buffers.get(a.shape)
    np.copyto(slot, a)
    return slot


# Below this sum of squares every entry of h·hᵀ is a normal float64 number.
_GRAM_LIMIT = 1e300


def _run_layers(
    x,
    weights,
    biases,
    f,
    df,
    top,
    buffers: _Buffers,
    scale,
    batchnorm,
    residual,
    full,
    collect,
    keep_activations,
    negative_slopes,
    saturation=False,
) -> tuple[_Trace, list[np.ndarray] | None]:
    """The body of ``_propagate``; ``buffers`` hands out the arrays the layers are kept in."""
    depth = len(weights)
    m = x.shape[0]
    relu = f is _RELU_FN and df is _RELU_GRAD
    backward = top is not None
    # ‖hᵀδ‖² = Σ (h·hᵀ) ⊙ (δ·δᵀ): two symmetric m × m products (m²·n multiply-adds in all) instead
    # of the n × n product hᵀδ (n²·m), and an m × m matrix kept per layer instead of h. Worth it
    # for a batch at most half the width. Not with batch norm: its backward pass makes δ's columns
    # sum to 0, so the constant part of h cancels in hᵀδ, and the Gram sum would lose digits to it.
    gram = backward and full and not collect and not batchnorm and 2 * m <= x.shape[1]
    # Layers the forward pass never reaches (past an explosion) keep +inf.
    trace = _Trace(depth, *(np.full(depth, math.inf) for _ in range(8)), [EXPLODED] * depth)
    trace.inactive = np.full(depth, math.inf)
    inputs: list[tuple[str, np.ndarray]] = []  # per layer: h_{l-1}, or h_{l-1}·h_{l-1}ᵀ
    slopes: list[np.ndarray] = []  # per layer: f'(u_l), a boolean mask for ReLU
    outputs: list[np.ndarray] = []
    bn_cache: list[tuple[np.ndarray, np.ndarray]] = []
    # Without batch norm z is only needed until f and f' are taken, so one buffer serves all
    # layers; ReLU's outputs rotate through two buffers when only their Gram matrices are kept.
    zbuf: np.ndarray | None = None
    rotating: list[np.ndarray] = []
    mask: np.ndarray | None = None
    h = x
    h_square_sum = _sum_of_squares(x.reshape(-1))
    for i in range(depth):
        W = weights[i]
        shape = (m, W.shape[1])
        with np.errstate(over="ignore", invalid="ignore"):
            if batchnorm:
                z = np.matmul(h, W, out=buffers.get(shape))
            else:
                if zbuf is None or zbuf.shape != shape:
                    zbuf = buffers.get(shape)
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
            if relu:
                if gram and not keep_activations:
                    if len(rotating) < 2 or rotating[0].shape != shape:
                        rotating = [buffers.get(shape), buffers.get(shape)]
                    a = rotating[i % 2]
                else:
                    a = buffers.get(shape)
                np.maximum(z, 0.0, out=a)
                d = np.greater(z, 0.0, out=buffers.get(shape, np.bool_))
            else:
                a = f(z)
                d = df(z)
                if buffers.pooled:
                    # Keep the layer in reused buffers: f's fresh arrays are freed at once and
                    # their memory serves the next layer, instead of new pages for every layer.
                    a = _kept(a, buffers)
                    d = _kept(d, buffers)
                else:
                    if np.may_share_memory(a, z):
                        a = a.copy()
                    if np.may_share_memory(d, z):
                        d = d.copy()
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
        trace.path_derivative[i] = float(d.flat[0])
        if full or saturation:
            size = d.size
            if relu:
                # f' is 1 or 0, so a saturated value (|f'| < 0.01) is a zero, and an inactive one.
                zeros = size - np.count_nonzero(d)
                below = inactive = zeros
                dead_units = 1.0 - np.count_nonzero(d.any(axis=0)) / d.shape[1] if zeros >= m else 0.0
            else:
                if mask is None or mask.shape != d.shape:
                    mask = buffers.get(d.shape, np.bool_)
                below = np.count_nonzero(np.less(d, SATURATION_THRESHOLD, out=mask))
                if negative_slopes:
                    below -= np.count_nonzero(np.less_equal(d, -SATURATION_THRESHOLD, out=mask))
                zeros = np.count_nonzero(np.equal(d, 0.0, out=mask))
                # A unit is dead for the batch only if all m of its entries are zero.
                dead_units = np.count_nonzero(mask.all(axis=0)) / d.shape[1] if zeros >= m else 0.0
                inactive = np.count_nonzero(mask & (a == 0.0)) if zeros else 0
            trace.inactive[i] = inactive / size
            trace.saturated[i] = below / size
            trace.dead[i] = zeros / size
            trace.dead_units[i] = dead_units
        if backward:
            slopes.append(d)
            if gram and h_square_sum < _GRAM_LIMIT:
                inputs.append(("gram", np.matmul(h, h.T, out=buffers.get((m, m)))))
            elif gram and relu and not keep_activations:
                inputs.append(("h", h.copy()))  # its buffer is reused two layers on
            else:
                inputs.append(("h", h))
        if keep_activations:
            outputs.append(a)
        h = a
        h_square_sum = a.size * (act_std * act_std + act_mean * act_mean)
    if trace.exploded_at is not None:
        # Layers after the one that failed were never computed; they carry its status.
        k = trace.exploded_at
        trace.forward_status[k:] = [trace.forward_status[k - 1]] * (depth - k)
    if trace.exploded_at is not None or not backward:
        return trace, (outputs if keep_activations else None)
    _backward(
        trace,
        inputs,
        slopes,
        bn_cache,
        weights,
        scale,
        top,
        buffers,
        residual=residual,
        full=full,
        collect=collect,
    )
    return trace, (outputs if keep_activations else None)


def _gram_log_norm(gram: np.ndarray, delta: np.ndarray, out: np.ndarray) -> float:
    """ln ‖hᵀδ‖_F from ``gram`` = h·hᵀ: ‖hᵀδ‖² = Σ_ij (h·hᵀ)_ij (δ·δᵀ)_ij, -inf when it is 0;
    ``out`` (m × m) takes δ·δᵀ."""
    with np.errstate(over="ignore", invalid="ignore"):
        # δ·δᵀ with both operands one array: numpy hands it to BLAS as a symmetric product.
        outer = np.matmul(delta, delta.T, out=out)
        total = float(np.einsum("ij,ij->", gram, outer))
    if not math.isfinite(total):
        # Products beyond float64: scale both factors to at most 1 first.
        c = float(np.max(np.abs(delta)))
        if not math.isfinite(c):
            return math.inf
        scaled = delta / c
        outer = np.matmul(scaled, scaled.T)
        g = float(np.max(np.abs(gram)))
        total = float(np.einsum("ij,ij->", gram / g, outer))
        return 0.5 * (math.log(total) + math.log(g)) + math.log(c) if total > 0 else -math.inf
    # The sum is 0 exactly when every example with h ≠ 0 has δ = 0; it cannot be negative but for
    # rounding, which without batch norm stays far below the sum itself.
    return 0.5 * math.log(abs(total)) if total != 0.0 else -math.inf


def _backward(
    trace, inputs, slopes, bn_cache, weights, scale, top, buffers, *, residual, full, collect
) -> None:
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
    g = buffers.get(top.shape)
    np.copyto(g, top)
    spare = buffers.get(top.shape)  # g and spare swap roles every layer
    delta_buf = buffers.get(top.shape)
    dw_buf: np.ndarray | None = None
    outer_buf: np.ndarray | None = None
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
            delta = np.multiply(g, slopes[i], out=delta_buf)
            if bn_cache:
                xhat, inv = bn_cache[i]
                delta = _bn_backward(delta, xhat, inv)
            if full or collect:
                kind, source = inputs[i]
                if kind == "gram":
                    if outer_buf is None:
                        outer_buf = buffers.get(source.shape)
                    trace.wgrad_ln[i] = _gram_log_norm(source, delta, outer_buf) + log_scale
                else:
                    if dw_buf is None or dw_buf.shape != W.shape:
                        dw_buf = buffers.get(W.shape)
                    dW = np.matmul(source.T, delta, out=dw_buf)
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
# activation, gain or initializer of the same distribution reuses them. Read-only; bounded, and
# shared by every caller in the process. 512 MB holds the benchmark's 200 layers of 512² (420 MB);
# a server sets less with ``set_memory_limits`` (the app: 96 MB, see ``explainer/ui.py``).
DEFAULT_CACHE_BYTES = 512 * 2**20
CACHE_BYTES = DEFAULT_CACHE_BYTES
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
    """(f, f') for ``_propagate``: both from one ``value_and_grad`` call where the activation
    shares work between them (an exponential taken once), else its own functions (ReLU's take
    the pass's fast path)."""
    if act.fused is not None:
        return _paired(act, params)
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
            f"order of magnitude over {depth} layers (a factor of {per_layer:.3g} per layer)."
        )
    if decades < 0:
        return (
            f"The first layer receives {ratio_text} of the gradient the last layer receives — "
            f"{-decades:.1f} orders of magnitude, a factor of about {per_layer:.2g} per layer."
        )
    return (
        f"The first layer receives {ratio_text} times the gradient the last layer receives — "
        f"{decades:.1f} orders of magnitude, a factor of about {per_layer:.3g} per layer."
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
    fractions, lefts, rights = [], [], []
    for k in chosen:
        h = hs[k - 1].reshape(-1)
        lo, hi = (low, high) if shared_range else (float(h.min()), float(h.max()))
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        # The bins' width hi - lo would overflow for values near ±1.8e308: bin a scaled copy.
        c = max(abs(lo), abs(hi), 1.0) if max(abs(lo), abs(hi)) > 1e300 else 1.0
        counts, edges = np.histogram(h / c if c != 1.0 else h, bins=bins, range=(lo / c, hi / c))
        edges = edges * c
        fractions.append(counts / h.size)
        lefts.append(edges[:-1])
        rights.append(edges[1:])
    return pd.DataFrame(
        {
            "layer": np.repeat(np.asarray(chosen, dtype=np.int64), bins),
            "bin_left": np.concatenate(lefts),
            "bin_right": np.concatenate(rights),
            "fraction": np.concatenate(fractions),
        }
    )


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
    in steps of 0.1, depths 2, 5, 10, 20, ..., 100. The critical line, where there is one, is
    ``critical_line(activation)``.
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
        # The prediction for layer 1 relative to layer d: 0.5 Σ_{m=2..d} log10 χ_m.
        half_log_chi = 0.5 * _chi_log10(act, float(sigma_w) ** 2, max_depth, params)
        predicted = -np.concatenate([[0.0], np.cumsum(half_log_chi[1:])])
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


def _chi_log10(act: Activation, sigma_w2: float, depth: int, params) -> np.ndarray:
    """log10 χ_l for layers 1..depth of the plain network (σ_b = 0, inputs of variance 1), as
    ``meanfield.gradient_curve`` computes them, with two quadratures a layer instead of four and
    none once q has settled (|Δq| ≤ 1e-13·q, or q past the floor or the limit where χ is held)."""
    out = np.empty(depth)
    q = sigma_w2
    for i in range(depth):
        held = min(max(q, Q_FLOOR), Q_LIMIT)
        value = chi(act, held, sigma_w2, params)
        out[i] = math.log10(value) if value > 0 else -math.inf
        if not (math.isfinite(q) and Q_FLOOR <= q <= Q_LIMIT):
            out[i + 1 :] = out[i]
            break
        q_next = variance_map(act, q, sigma_w2, 0.0, params)
        if not math.isfinite(q_next) or q_next > Q_LIMIT:
            q_next = math.inf
        if abs(q_next - q) <= 1e-13 * q:
            out[i + 1 :] = out[i]
            break
        q = q_next
    return out


def critical_line(
    activation: str | Activation = "tanh", params: Mapping[str, float] | None = None
) -> float | None:
    """The σ_w where the mean-field χ at the fixed point passes through 1 (biases zero), or None
    where it does not: ``phase_edge(...).sigma_w``. None for GELU, SiLU, Mish and hard-swish,
    whose χ jumps over 1 where q* jumps from 0 to ∞."""
    return phase_edge(activation, params).sigma_w


def phase_edge(
    activation: str | Activation = "tanh", params: Mapping[str, float] | None = None
) -> EdgeOfChaos:
    """``meanfield.edge_of_chaos`` for the phase diagram's networks (biases zero, unit-variance
    inputs): where χ(q*) = 1, or where it jumps over 1. For identity, ReLU and leaky ReLU
    χ = σ_w² E[f'(z)²] does not depend on q (f'(cz) = f'(z)), so σ_w = 1/√E[f'(z)²] directly:
    √2 for ReLU (He et al. 2015)."""
    act = as_activation(activation)
    if _homogeneous(act):
        slope_squared = activation_moments(act, 1.0, params)[2]
        return EdgeOfChaos(1.0 / math.sqrt(slope_squared) if slope_squared > 0 else None)
    return edge_of_chaos(act, 0.0, params)


# --- the initialization page: how variance travels --------------------------------------------------


def _signature(init: str, width: int) -> tuple[str, float]:
    """(distribution, std): initializers that agree on both draw identical matrices."""
    initializer = get_initializer(init)
    return initializer.distribution, initializer.std(width, width)


# Positively homogeneous activations: f(cz) = c·f(z) and f'(cz) = f'(z) for c > 0. Multiplying
# every weight by c multiplies layer l's pre-activations and outputs by c^l and the gradient
# reaching layer l by c^(L−l), so both log10 ratios of a heatmap cell move by exactly
# 2(L−1)·log10 c: one run per distribution serves every std (tested against direct runs).
_HOMOGENEOUS = frozenset({"identity", "relu", "leaky_relu"})
# The shortcut is used only while every layer's std stays within 10^±150 in the scaled network:
# there squares are normal float64 numbers, so no status (dead, exploded) can differ.
_SHORTCUT_DECADES = 150.0


def _homogeneous(act: Activation) -> bool:
    return act.key in _HOMOGENEOUS and ACTIVATIONS.get(act.key) is act


def _paired(act: Activation, params: Mapping[str, float] | None = None):
    """(f, f') for ``_propagate`` with both taken by one ``value_and_grad`` call: f keeps the
    derivative for the f' call on the same array that follows it (else f' is computed)."""
    kept: dict[str, np.ndarray] = {}

    def f(z):
        value, slope = act.value_and_grad(z, params)
        kept["z"], kept["slope"] = z, slope
        return value

    def df(z):
        if kept.get("z") is z:
            del kept["z"]
            return kept.pop("slope")
        return act.df(z, params)

    return f, df


def _scaled_cell(trace: _Trace, factor: float) -> tuple[float, str, float, str, float] | None:
    """``_travel_cell`` of the same network with every weight times ``factor``, for a
    homogeneous activation (see ``_HOMOGENEOUS``); None when the scaled network would leave
    10^±150 somewhere, where it must be run."""
    if trace.exploded_at is not None or trace.grad_ln is None:
        return None
    depth = trace.depth
    shift = math.log10(factor)
    layers = np.arange(1, depth + 1)
    for std in (trace.preact_std, trace.act_std):
        live = std > 0
        if np.any(np.abs(np.log10(std[live]) + layers[live] * shift) > _SHORTCUT_DECADES):
            return None
    grad = trace.grad_ln / LN10
    live = np.isfinite(grad)
    if np.any(np.abs(grad[live] + (depth - layers[live]) * shift) > _SHORTCUT_DECADES):
        return None
    fwd, fwd_status, bwd, bwd_status, saturated = _travel_cell(trace)
    moved = 2.0 * (depth - 1) * shift
    # f'(cz) = f'(z): the scaled network saturates exactly the same unit-inputs.
    return (
        fwd + moved if fwd_status == OK else fwd,
        fwd_status,
        bwd + moved if bwd_status == OK else bwd,
        bwd_status,
        saturated,
    )


def _parallel(function, items: list, workers: int) -> list:
    """``[function(item) for item in items]`` on ``workers`` threads: numpy releases the GIL in
    matrix products and element-wise functions, so two networks run on two cores."""
    if workers <= 1 or len(items) < 2:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


def variance_travel(
    depth: int = 20,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    initializers: Iterable[str] | None = None,
    activations: Iterable[str | Activation] | None = None,
    workers: int = 2,
) -> pd.DataFrame:
    """Rows = initializers × activations: how the forward and backward variance change over
    ``depth`` layers of the seeded plain network (biases zero).

    Columns: ``init``, ``init_label``, ``activation``, ``activation_label``, ``forward_log10`` =
    log10(Var h_L / Var h_1), ``backward_log10`` = log10(Var ∂h_1 / Var ∂h_L) (the gradient at
    layer 1 relative to layer L), ``saturated_fraction`` (the share of layer L's unit-inputs with
    |f'| < 0.01, counted in the same pass, except those switched off: f' = 0 with output 0, as on
    ReLU's negative side),
    ``forward_healthy`` (|log10| ≤ 1 and less than ``HEALTHY_SATURATION`` saturated: a flat
    activation variance from saturated units is not healthy), ``backward_healthy`` (|log10| ≤ 1:
    neither vanishing nor exploding), ``healthy`` (both: what the heatmaps outline),
    ``forward_status``/``backward_status`` ("ok", "dead": -inf, "exploded": +inf) and
    ``forward_text``/``backward_text`` for a cell label. Each cell is the network
    ``layer_statistics`` measures (up to rounding). Initializers that draw the same matrices at
    this width (Glorot and LeCun when fan_in = fan_out, for instance) are computed once; for
    identity, ReLU and leaky ReLU one run per distribution serves every std (``_HOMOGENEOUS``);
    the networks run on ``workers`` threads, each with one BLAS thread (the app's setting: on a
    busy two-core machine, two BLAS threads per product made this more than ten times slower).
    """
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    workers = _whole("workers", workers, 1, 8)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _variance_travel(depth, width, batch, seed, initializers, activations, workers)


def _variance_travel(depth, width, batch, seed, initializers, activations, workers) -> pd.DataFrame:
    """The body of ``variance_travel``, arguments checked."""
    init_keys = list(INITIALIZERS) if initializers is None else list(initializers)
    acts = [as_activation(a) for a in (ACTIVATIONS.values() if activations is None else activations)]
    names = [act.key if act.key != "typed" else act.label for act in acts]
    x, top = network_inputs(batch, width, seed)
    signatures = {key: _signature(key, width) for key in init_keys}
    # Per distribution, the std nearest 1/√width runs for the homogeneous activations.
    base: dict[str, float] = {}
    for distribution, std in signatures.values():
        best = base.get(distribution)
        if best is None or abs(math.log(std * math.sqrt(width))) < abs(math.log(best * math.sqrt(width))):
            base[distribution] = std
    runs: dict[tuple[str, float, str], Activation] = {}
    for distribution, std in dict.fromkeys(signatures.values()):
        for act, name in zip(acts, names, strict=True):
            runs[(distribution, base[distribution] if _homogeneous(act) else std, name)] = act
    # Drawn before the threads start: the draws are cached per distribution, under a lock.
    first_key = {sig[0]: key for key, sig in reversed(signatures.items())}
    weights = {d: _unit_weights(key, depth, width, seed) for d, key in first_key.items()}

    def run(distribution: str, std: float, act: Activation) -> _Trace:
        f, df = _functions(act, None)
        return _propagate(x, weights[distribution], None, f, df, top, scale=std, full=False, saturation=True)[
            0
        ]

    found = _parallel(lambda job: run(job[0], job[1], runs[job]), list(runs), workers)
    traces = dict(zip(runs, found, strict=True))
    computed: dict[tuple[str, float, str], tuple[float, str, float, str, float]] = {}
    for distribution, std in dict.fromkeys(signatures.values()):
        for act, name in zip(acts, names, strict=True):
            job = (distribution, std, name)
            if job in traces:
                computed[job] = _travel_cell(traces[job])
                continue
            scaled = _scaled_cell(traces[(distribution, base[distribution], name)], std / base[distribution])
            computed[job] = scaled if scaled is not None else _travel_cell(run(distribution, std, act))
    rows = []
    for key in init_keys:
        initializer = get_initializer(key)
        for act, name in zip(acts, names, strict=True):
            fwd, fwd_status, bwd, bwd_status, saturated = computed[(*signatures[key], name)]
            forward_healthy = (
                fwd_status == OK and abs(fwd) <= HEALTHY_DECADES and saturated < HEALTHY_SATURATION
            )
            backward_healthy = bwd_status == OK and abs(bwd) <= HEALTHY_DECADES
            rows.append(
                {
                    "init": key,
                    "init_label": initializer.label,
                    "activation": act.key,
                    "activation_label": act.label,
                    "forward_log10": fwd,
                    "backward_log10": bwd,
                    "saturated_fraction": saturated,
                    "forward_healthy": forward_healthy,
                    "backward_healthy": backward_healthy,
                    "healthy": forward_healthy and backward_healthy,
                    "forward_status": fwd_status,
                    "backward_status": bwd_status,
                    "forward_text": _cell_text(fwd, fwd_status),
                    "backward_text": _cell_text(bwd, bwd_status),
                }
            )
    return pd.DataFrame(rows)


def _saturated_share(trace: _Trace) -> float:
    """The share of unit-inputs with |f'| < 0.01 at the last layer the forward pass reached, less
    those switched off (f' = 0 and output 0, as ReLU's negative side); 0 if it reached none.
    Needs a pass that counted them (``full`` or ``saturation``)."""
    reached = trace.depth if trace.exploded_at is None else trace.exploded_at - 1
    if reached < 1:
        return 0.0
    return float(trace.saturated[reached - 1] - trace.inactive[reached - 1])


def _travel_cell(trace: _Trace) -> tuple[float, str, float, str, float]:
    depth = trace.depth
    saturated = _saturated_share(trace)
    if trace.exploded_at is not None:
        return math.inf, EXPLODED, math.inf, EXPLODED, saturated
    s1, sl = trace.act_std[0], trace.act_std[depth - 1]
    if sl == 0.0 or s1 == 0.0:
        fwd, fwd_status = -math.inf, DEAD
    else:
        fwd, fwd_status = 2.0 * math.log10(sl / s1), OK
    statuses = trace.grad_status
    if statuses[0] != OK or statuses[depth - 1] != OK:
        bad = statuses[0] if statuses[0] != OK else statuses[depth - 1]
        return fwd, fwd_status, (-math.inf if bad == DEAD else math.inf), bad, saturated
    bwd = 2.0 * float(trace.grad_ln[0] - trace.grad_ln[depth - 1]) / LN10
    return fwd, fwd_status, bwd, OK, saturated


def _cell_text(value: float, status: str) -> str:
    if status == DEAD:
        return "dead"
    if status != OK:
        return status
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}"


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
    ``saturated_last`` (fraction with 0 < |f'| < 0.01 at the last layer: ReLU's exact zeros are
    inactivity, not saturation), ``grad_log10_ratio``
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
                    "saturated_last": float(last["saturated_fraction"] - last["dead_fraction"])
                    if last is not None
                    else math.inf,
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
    """One number of a preset's table: measured on every seed of ``PRESET_SEEDS`` and, where the
    cited source prints it, beside the printed value.

    ``metric``: a ``layer_statistics`` column read at ``layer``; "input_grad_std"; "variance_factor"
    (geometric-mean factor per layer of the pre-activation variance from layer 1 to ``layer``);
    "grad_factor" (the same for grad_std, from the top down to the input); "grad_ratio"
    (grad_std at layer 1 / at the top). ``published`` is the value exactly as the source prints it
    (``published_text``) at ``where`` (slide, table, figure or equation); None for a number of our
    re-run alone. A published value agrees when it lies within the range of our seeds, widened by
    ``abs_tol`` or ``rel_tol`` × |published| (for a value the source derives for an infinitely
    wide network, which a finite one only approaches).
    """

    run: str
    quantity: str
    metric: str
    layer: int | None = None
    published: float | None = None
    published_text: str = ""
    where: str = ""
    rel_tol: float = 0.0
    abs_tol: float = 0.0


@dataclass(frozen=True)
class Preset:
    """A one-click reproduction of a published experiment. ``contrast`` names two runs whose
    gradient ratios (layer 1 ÷ top, the "grad_ratio" claims) a sentence compares, with what the
    source found (``finding``)."""

    key: str
    title: str
    source: str
    runs: tuple[PresetRun, ...]
    claims: tuple[Claim, ...]
    note: str = ""
    contrast: tuple[str, str] | None = None
    finding: str = ""


PRESET_SEEDS = tuple(range(8))  # our re-runs: every number is shown as median and range over these

_CS231N_SLIDES = "CS231n 2016, lecture 5, slides 53–64"
_CS231N = (
    f"{_CS231N_SLIDES}: 10 tanh layers of 500 units, input 1000 × 500 N(0, 1). The slides print "
    "per-layer activation means and stds only; every other number here is our numpy re-run."
)
_KLAMBAUER = "Klambauer et al. 2017, Theorem 1"
_GLOROT_SETUP = (
    "Glorot & Bengio 2010 (AISTATS): 5 hidden layers of 1000, the standard U[−1/√n, 1/√n] init against "
    "their normalized init (Glorot uniform). Here: N(0, 1) inputs, a batch of 256, the gradient at the "
    "top N(0, 1) — the paper trained on Shapeset; its Fig. 7 shows the gradients as histograms, with no "
    "number to quote."
)


def _layers(run: str, what: str, metric: str, layers: Sequence[int]) -> tuple[Claim, ...]:
    """Our re-run's ``metric`` at each of ``layers``: "activation std, layer 5"."""
    return tuple(Claim(run, f"{what}, layer {layer}", metric, layer) for layer in layers)


def _input_gradient(run: str) -> Claim:
    return Claim(run, "gradient std at the input", "input_grad_std")


def _glorot_preset(activation: str, title: str, note: str, finding: str) -> Preset:
    """Glorot & Bengio's two initializations on 5 layers of 1000 units of ``activation``."""
    standard, normalized = "standard U[±1/√n]", "normalized (Glorot)"
    return Preset(
        f"glorot_bengio_{activation}",
        title,
        _GLOROT_SETUP,
        (
            PresetRun(standard, activation, "torch_linear_default", 5, 1000, 256),
            PresetRun(normalized, activation, "glorot_uniform", 5, 1000, 256),
        ),
        tuple(
            claim
            for run in (standard, normalized)
            for claim in (
                Claim(run, "gradient std, layer 1 ÷ layer 5", "grad_ratio"),
                *_layers(run, "activation std", "activation_std", (1, 5)),
            )
        ),
        note=note,
        contrast=(standard, normalized),
        finding=finding,
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
                    0.213081,
                    "0.213081",
                    _CS231N_SLIDES,
                ),
                *_layers("W = 0.01·randn", "activation std", "activation_std", (5, 10)),
                _input_gradient("W = 0.01·randn"),
                *_layers("W = 1.0·randn", "activation std", "activation_std", (10,)),
                *_layers("W = 1.0·randn", "saturated units (|f′| < 0.01)", "saturated_fraction", (10,)),
                _input_gradient("W = 1.0·randn"),
                Claim("W = 1.0·randn", "gradient growth per layer", "grad_factor"),
                *_layers("Xavier: randn/√n", "activation std", "activation_std", (1, 5, 10)),
                _input_gradient("Xavier: randn/√n"),
            ),
            note="The slides say the W·1.0 gradients 'will be all zero' because units saturate; in our re-run "
            "the gradient reaching the input grows instead — the local derivatives are near 0, but the "
            "weights are large.",
        ),
        Preset(
            "relu_xavier_vs_he",
            "ReLU: Xavier vs He through 30 layers",
            "He et al. 2015 (arXiv:1502.01852), Fig. 3: a 30-layer ReLU net initialized with Xavier stalls, "
            "with theirs (He) it converges — a training curve, with no per-layer number. Their derivation "
            "(Sec. 2.2) multiplies the pre-activation variance by ½·n·Var[w] per layer: ½ with Xavier, 1 with He. "
            f"The He layers 1, 5 and 10 are also on {_CS231N_SLIDES} (10 layers of 500, input 1000 × 500: "
            "the first 10 layers of this network, drawn the same way); every other number is our numpy "
            "re-run.",
            (
                PresetRun("Xavier, 30 layers", "relu", "lecun_normal", 30, 500, 1000),
                PresetRun("He, 30 layers", "relu", "he_normal", 30, 500, 1000),
            ),
            (
                *_layers("Xavier, 30 layers", "activation std", "activation_std", (1, 5, 10, 30)),
                Claim("Xavier, 30 layers", "pre-activation variance factor per layer", "variance_factor", 30),
                _input_gradient("Xavier, 30 layers"),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 1",
                    "activation_std",
                    1,
                    0.825232,
                    "0.825232",
                    _CS231N_SLIDES,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 5",
                    "activation_std",
                    5,
                    0.834092,
                    "0.834092",
                    _CS231N_SLIDES,
                ),
                Claim(
                    "He, 30 layers",
                    "activation std, layer 10",
                    "activation_std",
                    10,
                    0.844523,
                    "0.844523",
                    _CS231N_SLIDES,
                ),
                *_layers("He, 30 layers", "activation std", "activation_std", (30,)),
                Claim("He, 30 layers", "pre-activation variance factor per layer", "variance_factor", 30),
                _input_gradient("He, 30 layers"),
            ),
        ),
        Preset(
            "selu_lecun_depth100",
            "SELU + LeCun normal at depth 100",
            "Klambauer et al. 2017 (arXiv:1706.02515), Theorem 1: SELU with weights of std √(1/n) has the "
            "stable, attracting fixed point (mean, variance) = (0, 1), derived for infinitely wide layers; "
            "a network of 256 units approaches it.",
            (PresetRun("SELU, LeCun normal", "selu", "lecun_normal", 100, 256, 256),),
            (
                Claim(
                    "SELU, LeCun normal",
                    "activation mean, layer 100",
                    "activation_mean",
                    100,
                    0.0,
                    "0",
                    _KLAMBAUER,
                    abs_tol=0.05,
                ),
                Claim(
                    "SELU, LeCun normal",
                    "activation std, layer 100",
                    "activation_std",
                    100,
                    1.0,
                    "1 (variance 1)",
                    _KLAMBAUER,
                    rel_tol=0.05,
                ),
            ),
        ),
        _glorot_preset(
            "sigmoid",
            "Glorot & Bengio with sigmoid: where normalized init does not keep the gradient",
            "This scene shows sigmoid, which the paper found unsuited to deep networks (its mean of 0.5 drives "
            "the top layer into saturation); the paper's finding about the gradients is for tanh — see the "
            "tanh scene.",
            "Glorot & Bengio's Fig. 7 (tanh) shows normalized init keeping the back-propagated gradients "
            "alike across layers",
        ),
        _glorot_preset(
            "tanh",
            "Glorot & Bengio: 5 tanh layers, U[±1/√n] vs normalized init (their Fig. 7)",
            "",
            "Glorot & Bengio's Fig. 7 (tanh) shows normalized init keeping the back-propagated gradients "
            "alike across layers, and the standard init shrinking them toward the input",
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


def _tolerance_text(claim: Claim) -> str:
    if claim.published is None:
        return ""
    if claim.abs_tol:
        return f"range of our seeds ± {claim.abs_tol:g}"
    if claim.rel_tol:
        return f"range of our seeds ± {claim.rel_tol:.0%}"
    return "within the range of our seeds"


def preset_results(key: str, seeds: Sequence[int] = PRESET_SEEDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run a preset on every seed of ``seeds``: (claims, layers).

    ``claims``: one row per number — ``run``, ``quantity``, ``published`` (the value the source
    prints, or None for a number of our re-run alone), ``published_text`` and ``where`` (where the
    source prints it; "" if nowhere), ``median``, ``low`` and ``high`` (median and range of our
    measurement over the seeds), ``metric`` (``Claim.metric``), ``seeds`` (as text: "0–7"),
    ``tolerance`` (text; "" if unpublished) and
    ``agrees`` (the published value within the range of our seeds, widened by the claim's
    tolerance; None where nothing is published). ``layers``: the ``layer_statistics`` of every run
    on the first seed, stacked with a ``run`` column, for the charts. The networks run on two
    threads with one BLAS thread each (see ``variance_travel``).
    """
    try:
        preset = PRESETS[key]
    except KeyError:
        raise ValueError(f"Unknown preset {key!r}; expected one of {sorted(PRESETS)}") from None
    seeds = [check_network(1, 1, 1, seed)[3] for seed in seeds]
    if not seeds:
        raise ValueError("preset_results needs at least one seed.")
    jobs = [(run, seed) for seed in seeds for run in preset.runs]
    from threadpoolctl import threadpool_limits

    def measure(job: tuple[PresetRun, int]) -> tuple[NetworkRun, list[float]]:
        r, seed = job
        run = network_run(r.activation, r.depth, r.width, r.init, 1.0, r.batch, seed)
        return run, [_measure(c, run.layers, run) for c in preset.claims if c.run == r.label]

    with threadpool_limits(limits=1, user_api="blas"):
        found = dict(zip(jobs, _parallel(measure, jobs, 2), strict=True))
    rows = []
    for r in preset.runs:
        values = np.array([found[(r, seed)][1] for seed in seeds], dtype=np.float64)
        for claim, column in zip((c for c in preset.claims if c.run == r.label), values.T, strict=False):
            low, high = float(column.min()), float(column.max())
            agrees = None
            if claim.published is not None:
                slack = max(claim.abs_tol, claim.rel_tol * abs(claim.published))
                agrees = low - slack <= claim.published <= high + slack
            rows.append(
                {
                    "run": claim.run,
                    "quantity": claim.quantity,
                    "published": claim.published,
                    "published_text": claim.published_text,
                    "where": claim.where,
                    "median": float(np.median(column)),
                    "low": low,
                    "high": high,
                    "metric": claim.metric,
                    "seeds": _seed_text(seeds),
                    "tolerance": _tolerance_text(claim),
                    "agrees": agrees,
                }
            )
    order = {(c.run, c.quantity): i for i, c in enumerate(preset.claims)}
    rows.sort(key=lambda row: order[(row["run"], row["quantity"])])
    claims = pd.DataFrame(rows)
    claims["published"] = claims["published"].astype(object).where(claims["published"].notna(), None)
    claims["agrees"] = claims["agrees"].astype(object)
    first = seeds[0]
    layers = pd.concat(
        [found[(r, first)][0].layers.assign(run=r.label) for r in preset.runs], ignore_index=True
    )
    return claims, layers


def _seed_text(seeds: Sequence[int]) -> str:
    """Seeds as a learner reads them: "0–7" when consecutive, else a list."""
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(map(str, seeds))


def describe_preset(key: str, claims: pd.DataFrame) -> list[str]:
    """Sentences from ``preset_results``' claims: how many numbers the source prints and how many
    of those lie within our seeds' range, and for a preset with a ``contrast`` its two gradient
    ratios set against the source's finding."""
    preset = PRESETS[key]
    seeds = claims["seeds"].iloc[0]
    printed = claims[claims["published"].notna()]
    ours = len(claims) - len(printed)
    if len(printed):
        agreed = int(printed["agrees"].astype(bool).sum())
        widened = (printed["tolerance"] != _tolerance_text(Claim("", "", "", published=1.0))).any()
        n = len(printed)
        if n == 1:
            found = f"it lies {'within' if agreed else 'outside'}"
        elif agreed == n:
            found = f"all {n} lie within"
        else:
            found = f"{agreed} of them lie within"
        head = (
            f"{n} of the {len(claims)} numbers {'is' if n == 1 else 'are'} printed in the source, and {found} "
            f"the range of our re-run over seeds {seeds}"
            + (" (widened by the tolerance shown)." if widened else ".")
        )
        if ours:
            head += f" The other {ours} are our re-run alone: median and range over the same seeds."
    else:
        head = f"The source prints none of these numbers: all {len(claims)} are our re-run (seeds {seeds})."
    sentences = [head]
    if preset.contrast is not None:
        ratios = claims[claims["metric"] == "grad_ratio"].set_index("run")["median"]
        standard, normalized = preset.contrast
        before, after = float(ratios[standard]), float(ratios[normalized])
        label = ACTIVATIONS[preset.runs[0].activation].label
        result = (
            f"our re-run with {label} agrees: the {normalized} init brings it within a factor "
            f"{_sci(max(after, 1 / after))} of 1."
            if abs(math.log10(after)) < min(abs(math.log10(before)), HEALTHY_DECADES)
            else f"our re-run with {label} does not show it: the gradient still shrinks "
            f"{_sci(1 / after)}-fold toward the input with the {normalized} init."
        )
        sentences.append(
            f"Layer 1 receives {_sci(before)} of the top layer's gradient with the {standard} init and "
            f"{_sci(after)} with the {normalized} init (medians). {preset.finding}; {result}"
        )
    if preset.note:
        sentences.append(preset.note)
    return sentences


# --- the depth page: chart data and sentences ----------------------------------------------------
# Charts draw log10 values on a linear axis labelled in powers of ten: a gradient of 1e-400 is
# measured exactly in logs but is 0 in float64, which no log axis can show.

RELU_FAMILY = frozenset(
    {"relu", "leaky_relu", "relu6", "elu", "selu", "gelu", "gelu_tanh", "silu", "mish", "hard_swish"}
)
PATH_SERIES = ("∏ f′(z) along one path", "bound: (max |f′|) to the power l")
GRADIENT_SERIES = ("measured", "mean-field prediction")
FRACTION_SERIES = ("saturated: |f′| < 0.01", "f′ = 0 exactly", "units dead for the whole batch")
CLIP_SERIES = ("before clipping", "after clipping")


def _power_text(log10_value: float) -> str:
    """A number given by its log10, as '3.2e-9', or '10^-412.3' beyond float64."""
    if log10_value == -math.inf:
        return "0"
    if log10_value == math.inf:
        return "beyond float64"
    if abs(log10_value) < 300:
        return _sci(10.0**log10_value)
    return f"10^{log10_value:.1f}"


def _log10_rows(layers: Sequence[int], log10_values: Sequence[float], series: str, **extra) -> pd.DataFrame:
    """Rows layer, series, log10, text for the finite values (a log axis cannot show 0 or overflow)."""
    frame = pd.DataFrame(
        {"layer": np.asarray(layers, dtype=int), "log10": np.asarray(log10_values, dtype=float)}
    )
    frame = frame[np.isfinite(frame["log10"])]
    return frame.assign(series=series, text=[_power_text(v) for v in frame["log10"]], **extra)


def path_products(run: NetworkRun) -> pd.DataFrame:
    """The product of the local derivatives f'(u_1)·…·f'(u_l) along one path (the first input,
    unit 0 of every layer) and its bound (max|f'|)^l, for l = 1..depth. Columns ``layer``,
    ``series`` (``PATH_SERIES``), ``log10`` (of the absolute value), ``text``; a product that is
    exactly 0 (a ReLU unit off on the path) has no rows from that layer on."""
    t = run.layers
    return pd.concat(
        [
            _log10_rows(t["layer"], t["path_log10_product"], PATH_SERIES[0]),
            _log10_rows(t["layer"], t["bound_log10"], PATH_SERIES[1]),
        ],
        ignore_index=True,
    )


def describe_path(run: NetworkRun) -> str:
    """One sentence on the path product after all layers, against its bound."""
    t = run.layers
    depth = len(t)
    product = float(t["path_log10_product"].iloc[-1])
    bound = float(t["bound_log10"].iloc[-1])
    slope = _sci(run.max_slope)
    if run.exploded_at is not None:
        return (
            f"The forward pass exploded at layer {run.exploded_at}, so the path stops there; "
            f"the bound after {depth} layers is {slope}^{depth} = {_power_text(bound)}."
        )
    zero = t.index[t["path_derivative"] == 0.0]
    if len(zero):
        k = int(t["layer"].iloc[zero[0]])
        return (
            f"Along the path the local derivative is exactly 0 at layer {k} (the unit there is off "
            f"for this input), so the whole product is 0 from layer {k} on: this input sends no "
            f"gradient back along this path, whatever the other factors. The bound "
            f"{slope}^{depth} = {_power_text(bound)}."
        )
    return (
        f"Multiplying the {depth} local derivatives along the path gives {_power_text(product)}; "
        f"no path can keep more than max|f′|^{depth} = {slope}^{depth} = {_power_text(bound)}, "
        "whatever the input."
    )


def gradient_profile(run: NetworkRun, prediction: pd.DataFrame | None) -> pd.DataFrame:
    """Per layer, the measured std of ∂loss/∂h_l and the mean-field prediction anchored at the
    measured top layer (``meanfield_prediction`` is relative to it). Columns ``layer``,
    ``series`` (``GRADIENT_SERIES``), ``log10``, ``text``, ``theory`` (True for the prediction)."""
    t = run.layers
    measured = _log10_rows(t["layer"], t["grad_log10"], GRADIENT_SERIES[0], theory=False)
    frames = [measured]
    top = float(t["grad_log10"].iloc[-1])
    if prediction is not None and math.isfinite(top):
        frames.append(
            _log10_rows(prediction["layer"], prediction["grad_log10"] + top, GRADIENT_SERIES[1], theory=True)
        )
    return pd.concat(frames, ignore_index=True)


def describe_prediction(run: NetworkRun, prediction: pd.DataFrame | None) -> str:
    """How mean field's χ per layer compares with the measured gradient ratio (Schoenholz et al. 2017)."""
    if prediction is None:
        return (
            "Mean field describes the plain network (no batch norm, no residual connections, zero "
            "biases), so no prediction is drawn for this one."
        )
    depth = len(prediction)
    chi_last = float(prediction["chi"].iloc[-1])
    regime = (
        "ordered: gradients vanish"
        if chi_last < 0.99
        else "chaotic: gradients explode"
        if chi_last > 1.01
        else "near the edge of chaos"
    )
    text = (
        f"Mean field gives χ = {chi_last:.3g} per layer at the last layer ({regime}); the gradient std "
        f"changes by √χ = {math.sqrt(chi_last):.3g} per layer there."
    )
    if depth > 1:
        predicted = float(prediction["grad_log10"].iloc[0])
        first, last = (float(v) for v in run.layers["grad_log10"].iloc[[0, -1]])
        if math.isfinite(first) and math.isfinite(last):
            measured = first - last
            text += (
                f" Layer 1 relative to layer {depth}: predicted {_power_text(predicted)}, "
                f"measured {_power_text(measured)}."
            )
    return text


def fraction_profile(run: NetworkRun) -> pd.DataFrame:
    """Per layer the saturated and dead fractions (of batch × units) and the dead units: columns
    ``layer``, ``series`` (``FRACTION_SERIES``), ``value`` in [0, 1]; layers the forward pass
    did not reach are left out."""
    t = run.layers[run.layers["forward_status"].isin([OK, DEAD])]
    columns = ("saturated_fraction", "dead_fraction", "dead_unit_fraction")
    return pd.concat(
        [
            pd.DataFrame({"layer": t["layer"], "series": name, "value": t[column]})
            for name, column in zip(FRACTION_SERIES, columns, strict=True)
        ],
        ignore_index=True,
    )


def histogram_layers(depth: int, most: int = 50) -> list[int]:
    """The layers whose histograms a heatmap shows: all of them up to ``most``, else ``most``
    evenly spaced from 1 to ``depth``."""
    if depth <= most:
        return list(range(1, depth + 1))
    return sorted({round(float(v)) for v in np.linspace(1, depth, most)})


def compare_profile(runs: Mapping[str, NetworkRun], keys: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The measured gradient std per layer of several runs on one chart: columns ``layer``,
    ``series`` (the run's name), ``key`` (its activation key from ``keys``, else ""), ``log10``, ``text``."""
    frames = [
        _log10_rows(run.layers["layer"], run.layers["grad_log10"], name, key=(keys or {}).get(name, ""))
        for name, run in runs.items()
    ]
    return pd.concat(frames, ignore_index=True)


def _ratio(run: NetworkRun) -> str:
    """Layer 1's gradient relative to the last layer's, or what happened instead."""
    if run.exploded_at is not None:
        return f"exploded at layer {run.exploded_at}"
    g = run.layers["grad_log10"]
    if run.grad_dead_at is not None:
        return f"0 (dead from layer {run.grad_dead_at} down)"
    return _power_text(float(g.iloc[0] - g.iloc[-1]))


def describe_comparison(runs: Mapping[str, NetworkRun]) -> str:
    """One sentence: each run's gradient at layer 1 relative to its last layer."""
    if not runs:
        return "Nothing chosen to compare."
    depth = next(iter(runs.values())).depth
    parts = "; ".join(f"{name}: {_ratio(run)}" for name, run in runs.items())
    return f"Gradient std at layer 1 relative to layer {depth} — {parts}."


def fixed_settings(
    activation: str, init: str, gain: float, relu: bool, init_fix: bool
) -> tuple[str, str, float]:
    """(activation, init, gain) after the fixes: ``relu`` swaps an activation outside
    ``RELU_FAMILY`` for ReLU; ``init_fix`` takes He normal for the ReLU family (He et al. 2015)
    and LeCun normal for SELU (Klambauer et al. 2017) and the rest (tanh: χ = 1 at σ_w = 1),
    at gain 1."""
    if relu and activation not in RELU_FAMILY:
        activation = "relu"
    if init_fix:
        init = "he_normal" if activation in RELU_FAMILY - {"selu"} else "lecun_normal"
        gain = 1.0
    return activation, init, gain


def _decades(run: NetworkRun) -> float | None:
    """|log10| of layer 1's gradient over the last layer's, None where it exploded or died."""
    if run.exploded_at is not None or run.grad_dead_at is not None:
        return None
    g = run.layers["grad_log10"]
    return abs(float(g.iloc[0] - g.iloc[-1]))


def describe_fixes(
    before: NetworkRun, after: NetworkRun, fixes: Sequence[str], clipping: bool = False
) -> str:
    """What the chosen fixes did to layer 1's gradient relative to the last layer's, and whether
    that is further from 1 than without them."""
    if not fixes:
        if clipping:
            return (
                "Clipping scales the weight gradients only (below), not the gradient flowing through "
                "the layers: both lines here are the network as set above."
            )
        return "No fix is switched on: both lines are the network as set above."
    text = (
        f"With {', '.join(fixes)}, layer 1 receives {_ratio(after)} of the last layer's gradient "
        f"(without: {_ratio(before)})"
    )
    worse, better = _decades(after), _decades(before)
    if worse is not None and better is not None and worse > better + 0.5:
        text += " — further from 1 than without: on its own, this does not fix this network"
    return text + "."


def clipping_profile(run: NetworkRun) -> pd.DataFrame:
    """Per layer ‖∂loss/∂W_l‖ before and after clipping by the global norm: columns ``layer``,
    ``series`` ("before clipping", "after clipping"), ``log10``, ``text``."""
    t = run.layers
    with np.errstate(divide="ignore"):
        after = (
            t["weight_grad_log10"] + math.log10(run.clip_coefficient)
            if run.clip_coefficient > 0
            else t["weight_grad_log10"] * 0 - math.inf
        )
    return pd.concat(
        [
            _log10_rows(t["layer"], t["weight_grad_log10"], CLIP_SERIES[0]),
            _log10_rows(t["layer"], after, CLIP_SERIES[1]),
        ],
        ignore_index=True,
    )


def describe_clipping(run: NetworkRun, clip_norm: float) -> str:
    """The global gradient norm before and after clipping to ``clip_norm`` (Pascanu et al. 2013;
    PyTorch ``clip_grad_norm_``), and what clipping cannot do."""
    if not math.isfinite(run.grad_norm):
        return "The gradient norm is beyond float64, so clipping has nothing finite to scale."
    if run.clip_coefficient >= 1.0:
        return (
            f"The global gradient norm √Σ‖∂L/∂W_l‖² is {_sci(run.grad_norm)}, within the threshold "
            f"{clip_norm:g}: clipping leaves it alone."
        )
    return (
        f"The global gradient norm √Σ‖∂L/∂W_l‖² is {_sci(run.grad_norm)}; clipping to {clip_norm:g} "
        f"multiplies every layer's gradient by {_sci(run.clip_coefficient)}, giving {_sci(run.clipped_norm)}. "
        "One factor for all layers: the step can no longer blow up, but the ratio between the first "
        "and the last layer — the vanishing or exploding itself — is unchanged."
    )


def phase_cells(table: pd.DataFrame, limit: float = 20.0) -> pd.DataFrame:
    """``phase_diagram`` rows for a heatmap: ``value`` = the measured log10 ratio clipped to
    ±``limit`` (dead cells at -limit, exploded at +limit) and ``text`` for the tooltip."""
    value = table["grad_log10_ratio"].clip(-limit, limit)
    text = [
        {DEAD: "dead (exactly 0)", EXPLODED: "exploded"}.get(status, _power_text(v))
        for v, status in zip(table["grad_log10_ratio"], table["status"], strict=True)
    ]
    predicted = [_power_text(v) for v in table["meanfield_log10_ratio"]]
    return table.assign(value=value, text=text, predicted=predicted)


def describe_phase(
    table: pd.DataFrame,
    critical: float | EdgeOfChaos | None,
    label: str,
    sigma_range: Sequence[float] | None = None,
) -> str:
    """What the phase diagram of ``phase_diagram`` draws, in words: how many cells are blue,
    orange or pale, whether the dashed χ = 1 line is drawn and where (or why it is not: beyond
    the chart's ``sigma_range``, or no σ_w where χ(q*) = 1), and the two ends of its deepest row.
    ``critical`` is ``phase_edge``'s answer, or the σ_w of χ = 1 alone."""
    edge = critical if isinstance(critical, EdgeOfChaos) else EdgeOfChaos(critical)
    deepest = int(table["depth"].max())
    row = table[table["depth"] == deepest]
    low, high = row.iloc[0], row.iloc[-1]
    ends = (
        f"At depth {deepest}, σ_w = {low['sigma_w']:g} gives layer 1 {_power_text_or(low)} of the last "
        f"layer's gradient and σ_w = {high['sigma_w']:g} gives {_power_text_or(high)}."
    )
    return f"{_phase_colours(table)} {_phase_edge_text(edge, label, table, sigma_range)} {ends}"


def _phase_colours(table: pd.DataFrame) -> str:
    """How many of the phase diagram's cells are blue, orange and pale, as drawn."""
    ratios = table["grad_log10_ratio"].to_numpy(dtype=float)
    blue = int((ratios < -HEALTHY_DECADES).sum())
    orange = int((ratios > HEALTHY_DECADES).sum())
    pale = len(ratios) - blue - orange
    counts = [
        f"{_count(blue)} blue (layer 1 gets under a tenth of layer d's gradient)",
        f"{_count(orange)} orange (over ten times)",
        f"{_count(pale)} pale (within a factor of ten)",
    ]
    return f"Of the chart's {len(ratios)} cells, " + ", ".join(counts[:2]) + f" and {counts[2]}."


def _count(n: int) -> str:
    return "none is" if n == 0 else ("1 is" if n == 1 else f"{n} are")


def _phase_edge_text(
    edge: EdgeOfChaos, label: str, table: pd.DataFrame, sigma_range: Sequence[float] | None
) -> str:
    """The dashed χ = 1 line: where it is drawn, or why it is not."""
    first, last = float(table["sigma_w"].min()), float(table["sigma_w"].max())
    low_end, high_end = (first, last) if sigma_range is None else sigma_range
    chart = f"this chart's σ_w of {first:g} to {last:g}"
    if edge.sigma_w is not None:
        critical = edge.sigma_w
        if critical > high_end:
            return (
                f"No dashed line is drawn: mean field puts the edge of chaos (χ = 1) for {label} at "
                f"σ_w = {critical:.3g}, beyond {chart}, so it predicts vanishing gradients in every cell here."
            )
        if critical < low_end:
            return (
                f"No dashed line is drawn: mean field puts the edge of chaos (χ = 1) for {label} at "
                f"σ_w = {critical:.3g}, before {chart} begins, so it predicts exploding gradients in every "
                "cell here."
            )
        return (
            f"The dashed line marks the edge of chaos for {label} at σ_w = {critical:.3g}, where mean "
            "field's χ at the fixed point equals 1 (biases zero): to its left it predicts gradients "
            "that vanish with depth, to its right gradients that explode."
        )
    if edge.jump_at is None or edge.below is None or edge.above is None:
        return (
            f"No dashed line is drawn: mean field finds no σ_w where χ at the fixed point equals 1 for "
            f"{label} (biases zero)."
        )
    (q_below, chi_below), (q_above, chi_above) = edge.below, edge.above
    where = "inside this chart" if low_end <= edge.jump_at <= high_end else f"outside {chart}"
    return (
        f"No dashed line is drawn: for {label} χ at the fixed point never equals 1 (biases zero). From "
        f"unit-variance inputs q* is {_q_text(q_below)} below σ_w = {edge.jump_at:.3g}, where χ = "
        f"{chi_below:.3g}, and {_q_text(q_above)} above it, where χ = {chi_above:.3g}: χ jumps over 1 "
        f"where q* jumps, {where}, so at no σ_w does mean field keep the gradient's size from layer to layer."
    )


def _q_text(q: float) -> str:
    """A fixed-point variance in words: 0 and ∞ say what they mean for the signal."""
    if q == 0.0:
        return "0 (the signal dies out)"
    if math.isinf(q):
        return "∞ (the signal grows without bound)"
    return f"{q:.3g}"


def _power_text_or(row) -> str:
    if row["status"] == DEAD:
        return "0 (dead)"
    if row["status"] == EXPLODED:
        return "nothing finite (exploded)"
    return _power_text(float(row["grad_log10_ratio"]))


def preset_profile(layers: pd.DataFrame) -> pd.DataFrame:
    """The activation std per layer of each network of a preset (``preset_results``' layers), for
    a chart of log10 values: columns ``layer``, ``series`` (the network), ``log10``, ``text``."""
    frames = []
    for run, rows in layers.groupby("run", sort=False):
        std = rows["activation_std"].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            frames.append(_log10_rows(rows["layer"], np.where(std > 0, np.log10(std), -math.inf), run))
    return pd.concat(frames, ignore_index=True)


def claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """``preset_results``' claims as a learner reads them: network, quantity, the published value
    and where it is printed ("—" where the source prints none), our re-run's median and range
    over the seeds, and agrees (✓ or ✗; "—" where there is nothing published to agree with)."""
    # A row with a published value shows ours to 6 digits, as many as the slides print.
    style = [
        "%" if m == "saturated_fraction" else ("6" if p is not None else "")
        for m, p in zip(claims["metric"], claims["published"], strict=True)
    ]
    show = lambda v, how: f"{v:.1%}" if how == "%" else (f"{v:.6g}" if how == "6" else _sci(v))
    seeds = claims["seeds"].iloc[0] if len(claims) else ""
    return pd.DataFrame(
        {
            "network": claims["run"],
            "quantity": claims["quantity"],
            "published": [text or "—" for text in claims["published_text"]],
            "where printed": [where or "—" for where in claims["where"]],
            f"our re-run: median (seeds {seeds})": [
                show(v, how) for v, how in zip(claims["median"], style, strict=True)
            ],
            "our re-run: range": [
                f"{show(lo, how)} to {show(hi, how)}"
                for lo, hi, how in zip(claims["low"], claims["high"], style, strict=True)
            ],
            "agrees": ["—" if a is None else ("✓" if a else "✗") for a in claims["agrees"]],
        }
    )
