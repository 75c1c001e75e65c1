"""The phase diagram (Schoenholz et al. 2017): weight scale × depth → the gradient ratio, measured
and predicted by mean field, the edge of chaos, and the sentences that describe the chart."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from ...activations import ACTIVATIONS, Activation
from ...initializers import check_gain
from ...meanfield import (
    Q_FLOOR,
    Q_LIMIT,
    EdgeOfChaos,
    activation_moments,
    as_activation,
    chi,
    edge_of_chaos,
    variance_map,
)
from ...nn.checks import check_network, whole
from ...nn.engine import (
    _RELU_FN,
    _RELU_GRAD,
    _RESCALE_HIGH,
    _RESCALE_LOW,
    DEAD,
    EXPLODED,
    OK,
    UNDEFINED,
    _functions,
    _homogeneous,
    _kept,
    _moments,
    _Trace,
)
from ...nn.memory import _Buffers, _pool_lock, _unit_weights, network_inputs
from ...nn.statistics import HEALTHY_DECADES, _gradient_log10
from .profiles import _power_text


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
    depths = tuple(whole("depth", d, 1, max_depth) for d in depths)
    x, top = network_inputs(batch, width, seed)
    base = _unit_weights("lecun_normal", max_depth, width, seed)
    f, df = _functions(act, params)
    scales = [float(sigma_w) / math.sqrt(width) for sigma_w in sigma_ws]
    traces = _scaled_traces(x, base, f, df, top, scales)
    predictions = _predictions(act, tuple(float(s) for s in sigma_ws), max_depth, params)
    rows = []
    for sigma_w, trace, predicted in zip(sigma_ws, traces, predictions, strict=True):
        g, status = _gradient_log10(trace)
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


# The σ_w of the phase diagram run side by side, this many float64 values of the layers kept at
# once at most (32 MB): a stack of networks costs one matrix product per layer, not one per network.
STACK_VALUES = 2**22


def _scaled_traces(x, weights, f, df, top, scales: Sequence[float]) -> list[_Trace]:
    """For each s in ``scales``: the trace ``nn.engine._propagate(x, weights, None, f, df, top,
    scale=s, full=False)`` gives, the same numbers, with the networks of several scales computed
    as one stack (one matrix product per layer for all of them: its rows are the same products)."""
    depth, (m, n) = len(weights), x.shape
    size = max(1, min(len(scales), STACK_VALUES // (depth * m * n)))
    if not _stackable(m, n, size):
        size = 1
    traces: list[_Trace] = []
    for start in range(0, len(scales), size):
        # The engine's reused buffers, taken as ``_propagate`` takes them, for one stack at a time
        # (another session's pass may take them in between): fresh memory costs a page fault per
        # 4 kB, on this kind of virtual machine more than the arithmetic.
        pooled = _pool_lock.acquire(blocking=False)
        try:
            chunk = list(scales[start : start + size])
            traces.extend(_stacked_pass(x, weights, f, df, top, chunk, _Buffers(pooled)))
        finally:
            if pooled:
                _pool_lock.release()
    return traces


@lru_cache(maxsize=32)
def _stackable(m: int, n: int, size: int) -> bool:
    """Whether BLAS multiplies a stack of up to ``size`` (m × n) arrays by an n × n matrix (and
    by its transpose) row for row as it multiplies each array alone. It chooses its kernel, and
    with it the order of the sums, by the shapes alone (OpenBLAS takes a kernel of its own for
    some small ones), so one product of random numbers per shape tells."""
    rng = np.random.default_rng(0)
    h, w = rng.standard_normal((size * m, n)), rng.standard_normal((n, n))
    for count in range(1, size + 1):
        rows = h[: count * m]
        for matrix in (w, w.T):
            stacked = np.matmul(rows, matrix)
            if any(not np.array_equal(stacked[k * m : (k + 1) * m], np.matmul(rows[k * m : (k + 1) * m], matrix))
                   for k in range(count)):  # fmt: skip
                return False
    return True


def _row_moments(rows: np.ndarray) -> list[tuple[float, float, str]]:
    """``nn.engine._moments`` of each row of a C-contiguous 2-D array, the sums of all rows taken
    at once (numpy sums each contiguous row as it sums a 1-D array: the same numbers)."""
    with np.errstate(over="ignore", invalid="ignore"):
        s1 = np.add.reduce(rows, axis=1)
        s2 = np.einsum("ij,ij->i", rows, rows)
    n = rows.shape[1]
    found = []
    for k in range(rows.shape[0]):
        total, squares = float(s1[k]), float(s2[k])
        if not math.isfinite(squares) or squares == 0.0:
            found.append(_moments(rows[k]))  # dead, not finite, or squares past float64
            continue
        mean = total / n
        var = squares / n - mean * mean
        if var < 1e-6 * (squares / n):
            var = float(np.var(rows[k]))
        found.append((mean, math.sqrt(max(var, 0.0)), OK))
    return found


def _stacked_pass(x, weights, f, df, top, scales: list[float], buffers: _Buffers) -> list[_Trace]:
    """``_scaled_traces`` for one stack of networks: ``nn.engine._run_layers`` (plain layers,
    ``full`` off) and ``_backward`` step for step, on arrays of shape (networks, batch, width)."""
    depth, (m, n) = len(weights), x.shape
    relu = f is _RELU_FN and df is _RELU_GRAD
    traces = []
    for _ in scales:
        trace = _Trace(depth, *(np.full(depth, math.inf) for _ in range(8)), [EXPLODED] * depth)
        trace.inactive = np.full(depth, math.inf)
        traces.append(trace)
    alive = list(range(len(scales)))  # the networks still in the stack
    column = np.asarray(scales)[:, None, None]
    slopes: list[np.ndarray] = []
    outputs: list[np.ndarray] = []  # two buffers the layers' outputs take in turn
    h = None
    for i in range(depth):
        shape = (len(alive), m, n)
        with np.errstate(over="ignore", invalid="ignore"):
            z = buffers.get(shape)
            if h is None:  # every network starts from the same x
                np.multiply(np.matmul(x, weights[i])[None], column, out=z)
            else:
                np.matmul(h.reshape(-1, n), weights[i], out=z.reshape(-1, n))
                z *= column
        if len(outputs) < 2 or outputs[0].shape != shape:
            outputs = [buffers.get(shape), buffers.get(shape)]
        a = outputs[i % 2]  # only f' is kept for the backward pass
        if relu:
            np.maximum(z, 0.0, out=a)
            d = np.greater(z, 0.0, out=buffers.get(shape, np.bool_))
        else:
            # all: the rows of a network that has just left float64 go through f too.
            with np.errstate(all="ignore"):
                np.copyto(a, f(z))
                d = _kept(df(z), buffers)
        before = _row_moments(z.reshape(len(alive), -1))
        after = _row_moments(a.reshape(len(alive), -1))
        keep = []
        for row, k in enumerate(alive):
            trace = traces[k]
            (pre_mean, pre_std, pre_status), (act_mean, act_std, act_status) = before[row], after[row]
            failed = pre_status if pre_status in (EXPLODED, UNDEFINED) else act_status
            if failed in (EXPLODED, UNDEFINED):
                trace.forward_status[i] = failed
                trace.exploded_at = i + 1
                trace.forward_status[i + 1 :] = [failed] * (depth - i - 1)
                continue
            trace.preact_mean[i], trace.preact_std[i] = pre_mean, pre_std
            trace.act_mean[i], trace.act_std[i] = act_mean, act_std
            trace.forward_status[i] = act_status
            trace.path_derivative[i] = float(d[row].flat[0])
            keep.append(row)
        if len(keep) < len(alive):  # rare: a network left float64; the rest go on without it
            alive = [alive[row] for row in keep]
            column, a, d = column[keep], a[keep], d[keep]
            slopes = [s[keep] for s in slopes]
        slopes.append(d)
        h = a
        if not alive:
            return traces
    _stacked_backward([traces[k] for k in alive], slopes, weights, [scales[k] for k in alive], top, buffers)
    return traces


def _stacked_backward(traces: list[_Trace], slopes, weights, scales: list[float], top, buffers) -> None:
    """``nn.engine._backward`` (``full`` off, plain layers) for a stack of networks."""
    depth = len(weights)
    count, (m, n) = len(traces), top.shape
    for trace in traces:
        trace.grad_ln = np.full(depth, -math.inf)
        trace.wgrad_ln = np.full(depth, -math.inf)
        trace.grad_status = [OK] * depth
    g, spare, delta = (buffers.get((count, m, n)) for _ in range(3))
    g[...] = top
    log_scale = [0.0] * count
    state = _row_moments(g.reshape(count, -1))
    done = [False] * count
    for i in range(depth - 1, -1, -1):
        for k, trace in enumerate(traces):
            if done[k]:
                continue
            _, std, status = state[k]
            if status != OK:
                # Dead stays dead all the way down; exploded or undefined values cannot come back.
                fill = -math.inf if status == DEAD else math.inf
                trace.grad_status[: i + 1] = [status] * (i + 1)
                trace.grad_ln[: i + 1] = fill
                trace.wgrad_ln[: i + 1] = fill
                trace.input_grad_ln, trace.input_grad_status = fill, status
                done[k] = True
                continue
            trace.grad_ln[i] = math.log(std) + log_scale[k]
        if all(done):
            return
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(g, slopes[i], out=delta)
            np.matmul(delta.reshape(-1, n), weights[i].T, out=spare.reshape(-1, n))
        g, spare = spare, g
        state = _row_moments(g.reshape(count, -1))
        for k in range(count):
            if done[k]:
                continue
            if scales[k] != 1.0:
                log_scale[k] += math.log(scales[k])
            _, std, status = state[k]
            if status == OK and not (_RESCALE_LOW <= std <= _RESCALE_HIGH):
                with np.errstate(over="ignore", invalid="ignore"):
                    g[k] /= std
                log_scale[k] += math.log(std)
                state[k] = (state[k][0], 1.0, OK)
    for k, trace in enumerate(traces):
        if not done[k]:
            _, std, status = state[k]
            trace.input_grad_status = status
            trace.input_grad_ln = (
                math.log(std) + log_scale[k] if status == OK else (-math.inf if status == DEAD else math.inf)
            )


def _predictions(
    act: Activation, sigma_ws: tuple[float, ...], depth: int, params: Mapping[str, float] | None
) -> tuple[np.ndarray, ...]:
    """Per σ_w, mean field's log10 of layer 1's gradient relative to layer d for d = 1..depth:
    -0.5 Σ_{m=2..d} log10 χ_m. They depend on the activation alone, not on the seed, so a
    registered activation's are kept (a few kB each; computing them costs more than a second)."""
    if act.key in ACTIVATIONS and ACTIVATIONS[act.key] is act:
        return _registered_predictions(act.key, sigma_ws, depth, tuple(sorted(act.resolve(params).items())))
    return _predicted_ratios(act, sigma_ws, depth, params)


@lru_cache(maxsize=64)
def _registered_predictions(
    key: str, sigma_ws: tuple[float, ...], depth: int, params: tuple[tuple[str, float], ...]
) -> tuple[np.ndarray, ...]:
    return _predicted_ratios(ACTIVATIONS[key], sigma_ws, depth, dict(params))


def _predicted_ratios(act: Activation, sigma_ws, depth: int, params) -> tuple[np.ndarray, ...]:
    found = []
    for sigma_w in sigma_ws:
        half_log_chi = 0.5 * _chi_log10(act, sigma_w**2, depth, params)
        predicted = -np.concatenate([[0.0], np.cumsum(half_log_chi[1:])])
        predicted.flags.writeable = False  # shared by every caller of the cache
        found.append(predicted)
    return tuple(found)


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
    if act.key in ACTIVATIONS and ACTIVATIONS[act.key] is act:
        return _registered_edge(act.key, tuple(sorted(act.resolve(params).items())))
    return _edge(act, params)


@lru_cache(maxsize=64)
def _registered_edge(key: str, params: tuple[tuple[str, float], ...]) -> EdgeOfChaos:
    # Kept per activation: a root search over σ_w costs up to a fifth of a second.
    return _edge(ACTIVATIONS[key], dict(params))


def _edge(act: Activation, params: Mapping[str, float] | None) -> EdgeOfChaos:
    if _homogeneous(act):
        slope_squared = activation_moments(act, 1.0, params)[2]
        return EdgeOfChaos(1.0 / math.sqrt(slope_squared) if slope_squared > 0 else None)
    return edge_of_chaos(act, 0.0, params)


# --- the chart's cells and sentences -------------------------------------------------------------


def phase_cells(table: pd.DataFrame, limit: float = 20.0) -> pd.DataFrame:
    """``phase_diagram`` rows for a heatmap: ``value`` = the measured log10 ratio clipped to
    ±``limit`` (dead cells at -limit, exploded at +limit), and for the tooltip ``text`` (the
    measured ratio) and ``predicted`` (the mean-field one)."""
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
