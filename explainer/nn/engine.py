"""The forward and backward pass of a deep numpy MLP, with per-layer statistics and exact gradients.

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
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS, Activation
from ..curves import SATURATION_THRESHOLD
from ..meanfield import as_activation
from .layers import batch_norm, batch_norm_backward
from .memory import _Buffers, _pool_lock

OK, DEAD, EXPLODED, UNDEFINED = "ok", "dead", "exploded", "undefined"

# The backward pass renormalises its copy of the gradient when its RMS leaves this band.
_RESCALE_LOW, _RESCALE_HIGH = 1e-100, 1e100


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


_RELU_FN, _RELU_GRAD = ACTIVATIONS["relu"].fn, ACTIVATIONS["relu"].grad
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
    keep_layers: Collection[int] = (),
) -> tuple[_Trace, list[np.ndarray] | None]:
    """One forward pass (and a backward pass from ``top`` unless it is None) through layers with
    weights ``scale`` · ``weights[l]``.

    ``full`` also counts saturated and dead units and takes weight-gradient norms, ``saturation``
    only counts the units (a few element-wise passes, no matrix product); ``collect``
    returns the true-scale gradients (for the gradient check); ``keep_activations`` returns the
    layer outputs h_1..h_L, ``keep_layers`` copies of the outputs of those layers (1-based, in
    order; the layers a histogram shows, without keeping every layer); ``negative_slopes=False`` (f' ≥ 0 everywhere) skips counting
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
            keep_layers=frozenset(keep_layers),
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
    sweep: Sequence[int] | None = None,
    keep_layers: Collection[int] = (),
) -> tuple[_Trace, list[np.ndarray] | None]:
    """The body of ``_propagate``; ``buffers`` hands out the arrays the layers are kept in.
    With ``sweep`` (plain layers, ``full`` off) it returns ``_sweep_backward``'s traces instead."""
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
            z, inv, _, _ = batch_norm(z)
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
        elif i + 1 in keep_layers:
            outputs.append(a.copy())  # its buffer is reused by a later layer
        h = a
        h_square_sum = a.size * (act_std * act_std + act_mean * act_mean)
    if trace.exploded_at is not None:
        # Layers after the one that failed were never computed; they carry its status.
        k = trace.exploded_at
        trace.forward_status[k:] = [trace.forward_status[k - 1]] * (depth - k)
    if sweep is not None:
        return _sweep_backward(trace, slopes, weights, scale, top, sweep), None
    kept = outputs if keep_activations or keep_layers else None
    if trace.exploded_at is not None or not backward:
        return trace, kept
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
    return trace, kept


def propagate_depths(
    x: np.ndarray,
    weights: Sequence[np.ndarray],
    f,
    df,
    top: np.ndarray,
    depths: Sequence[int],
    *,
    scale: float = 1.0,
    saturation: bool = False,
) -> dict[int, _Trace]:
    """For every L in ``depths``: the trace ``_propagate`` gives for the plain network of the
    first L of ``weights`` (no biases, batch norm or residuals; ``full`` off), gradient ``top``
    arriving at layer L. Layer l's weights do not depend on the depth, so one forward pass
    through all of them serves every L, and only the backward passes are run per depth: the
    same operations on the same arrays as L separate runs, so the same numbers."""
    if any(not 1 <= depth <= len(weights) for depth in depths):
        raise ValueError(f"every depth must be between 1 and {len(weights)}")
    # The forward pass keeps every layer's f': fresh arrays, not the shared pool's.
    return _run_layers(
        x, weights, None, f, df, top, _Buffers(False), scale, False, False, False, False, False,
        True, saturation, sweep=tuple(depths),
    )[0]  # fmt: skip


_TRACE_ARRAYS = ("preact_mean", "preact_std", "act_mean", "act_std", "saturated", "dead", "dead_units",
                 "path_derivative")  # fmt: skip


def _sweep_backward(trace: _Trace, slopes, weights, scale, top, depths) -> dict[int, _Trace]:
    """``propagate_depths``' traces from its one forward pass: each depth's prefix of
    ``trace``, with its own backward pass from ``top`` at its top layer."""
    found = {}
    for depth in depths:
        exploded = trace.exploded_at if trace.exploded_at is not None and trace.exploded_at <= depth else None
        arrays = [getattr(trace, name)[:depth].copy() for name in _TRACE_ARRAYS]
        prefix = _Trace(depth, *arrays, list(trace.forward_status[:depth]), exploded_at=exploded)
        prefix.inactive = trace.inactive[:depth].copy()
        if exploded is None:
            _backward(prefix, [], slopes[:depth], [], weights[:depth], scale, top, _Buffers(False),
                      residual=False, full=False, collect=False)  # fmt: skip
        found[depth] = prefix
    return found


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
                delta = batch_norm_backward(delta, xhat, inv)
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


# --- the activation: f and f' for a pass, the bound on f' ----------------------------------------


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


# Positively homogeneous activations: f(cz) = c·f(z) and f'(cz) = f'(z) for c > 0. Multiplying
# every weight by c multiplies layer l's pre-activations and outputs by c^l and the gradient
# reaching layer l by c^(L−l), so both log10 ratios of a heatmap cell move by exactly
# 2(L−1)·log10 c: one run per distribution serves every std (tested against direct runs).
_HOMOGENEOUS = frozenset({"identity", "relu", "leaky_relu"})


def _homogeneous(act: Activation) -> bool:
    """Whether ``act`` is one of the registered ``_HOMOGENEOUS`` activations (a typed one never is)."""
    return act.key in _HOMOGENEOUS and ACTIVATIONS.get(act.key) is act


def _parallel(function, items: list, workers: int) -> list:
    """``[function(item) for item in items]`` on ``workers`` threads: numpy releases the GIL in
    matrix products and element-wise functions, so two networks run on two cores."""
    if workers <= 1 or len(items) < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))
