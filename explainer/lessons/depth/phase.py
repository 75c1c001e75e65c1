"""The phase diagram (Schoenholz et al. 2017): weight scale × depth → the gradient ratio, measured
and predicted by mean field, the edge of chaos, and the sentences that describe the chart."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...activations import Activation
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
from ...nn.engine import DEAD, EXPLODED, OK, _functions, _homogeneous, _propagate
from ...nn.memory import _unit_weights, network_inputs
from ...nn.statistics import HEALTHY_DECADES, _run_from_trace
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


# --- the chart's cells and sentences -------------------------------------------------------------


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
