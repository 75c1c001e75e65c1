"""Properties a learner reads in a table, each computed from ``fn``/``grad`` on a grid.

Nothing here is typed by hand: output range, monotonicity, smoothness, saturation, f'(0), the
largest slope and the cost of evaluating f and f' are measured, so they cannot drift from the
functions themselves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .curves import (
    NUMERICAL_SLOPE_TOLERANCE,
    SATURATION_THRESHOLD,
    Chosen,
    find_breaks,
    flat_stretches,
    intervals,
    markdown_escape,
    slope_grows_towards,
)
from .meanfield import gaussian_expectation

GRID_LIMIT = 20.0
GRID_STEP = 1e-3
# A jump in f' between neighbouring grid points bigger than this is a kink, not a slope change:
# a smooth f' moves by at most |f''| * step there, under 0.01 for every registered function.
KINK_JUMP = 0.02
FAR = np.array([1e3, 1e6, 1e9])


def _grid() -> np.ndarray:
    return np.linspace(-GRID_LIMIT, GRID_LIMIT, round(2 * GRID_LIMIT / GRID_STEP) + 1)


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) < 1e-9:
        return "0"
    return f"{value:.3g}".replace("-", "−")


def _boundary(x: np.ndarray, index: int) -> float:
    # The edge of a run lies between two grid points; round it for display.
    return round(0.5 * (x[index] + x[index - 1]), 2) + 0.0


def _bound(f: np.ndarray, df: np.ndarray, far_sides: tuple[np.ndarray, np.ndarray], sign: float) -> str:
    """The lower (sign=-1) or upper (sign=+1) end of f's range, with its bracket.

    Unbounded when f keeps growing from x = ±1e6 to ±1e9 on either side. The bound is
    attained (closed bracket) where f reaches it at a grid point where f' is 0 or changes
    sign, and reached only in the limit (open bracket) while f is still moving towards it.
    """
    # Growth from 1e6 to 1e9, tested by division so that values near float64's limit cannot overflow.
    if any(sign * far[-1] == np.inf or (sign * far[-1] - 1.0) / 10.0 > abs(far[-2]) for far in far_sides):
        return "(−∞" if sign < 0 else "∞)"
    inner = float(np.max(sign * f))
    extreme = max(inner, *(float(np.max(sign * far[np.isfinite(far)], initial=-np.inf)) for far in far_sides))
    tol = 1e-12 * max(1.0, abs(extreme))
    attained = False
    if inner >= extreme - tol:
        at_extreme = sign * f >= extreme - tol
        i = int(np.argmax(at_extreme))
        turns = 0 < i < f.size - 1 and np.sign(df[i - 1]) != np.sign(df[i + 1])
        # A flat stretch at the extreme is attained when f enters or leaves it by more than
        # rounding (ReLU's 0, hard tanh's 1), not where f has rounded to its limit (typed
        # tanh(x) is −1.0 below −19, its numerical f' 0 there).
        attained = bool(turns or (df[i] == 0.0 and flat_stretches(f, at_extreme)[i]))
    value = _fmt(sign * extreme)
    if sign < 0:
        return ("[" if attained else "(") + value
    return value + ("]" if attained else ")")


def output_range(f: np.ndarray, df: np.ndarray, f_far_left: np.ndarray, f_far_right: np.ndarray) -> str:
    """The range of f as an interval, closed at an end that f attains."""
    sides = (f_far_left, f_far_right)
    return f"{_bound(f, df, sides, -1.0)}, {_bound(f, df, sides, 1.0)}"


def _saturation_side(x: np.ndarray, slope: np.ndarray, side: str, tolerance: float = 0.0) -> str:
    """Where |f'| stays below the saturation threshold out to the grid's edge on one side; "dead"
    when f' is 0 on all of it. ``tolerance``: the relative error of a numerical f' (Leaky ReLU's
    0.01 typed must not read as below 0.01)."""
    runs = intervals(np.arange(x.size), slope < SATURATION_THRESHOLD * (1.0 - tolerance))
    if not runs:
        return "no"
    start, end = (int(i) for i in (runs[0] if side == "left" else runs[-1]))
    if (side == "left" and start != 0) or (side == "right" and end != x.size - 1):
        return "no"
    if start == 0 and end == x.size - 1:
        return "everywhere"
    region = f"x < {_fmt(_boundary(x, end + 1))}" if side == "left" else f"x > {_fmt(_boundary(x, start))}"
    # Dead only where f' is 0 throughout: tanh's float64 f' rounds to 0 beyond |x| ≈ 19, and the
    # stretch from x = 3 out is saturated, not dead.
    dead = bool(np.all(slope[start : end + 1] == 0.0))
    return f"{region} ({'dead: f′ = 0' if dead else f'|f′| < {SATURATION_THRESHOLD}'})"


def _grows(slopes: np.ndarray) -> bool:
    """Whether |f'| at x = ±1e3, ±1e6, ±1e9 (one side) keeps growing: no largest slope there."""
    return bool(np.isposinf(slopes[-1]) or (slopes[1] > slopes[0] * 1.001 and slopes[2] > slopes[1] * 1.001))


def _max_slope(
    x,
    slope,
    far_slope,
    edges: tuple[str, str],
    tolerance: float,
    unbounded: tuple[bool, bool] = (False, False),
) -> tuple[float, str]:
    """The largest |f'| and where: a point, an interval, or a limit towards an edge.

    ``edges`` names what lies beyond each end of the grid: "−∞" and "∞", or the x where f
    stops being finite; ``unbounded`` says where |f'| grows without bound (towards a pole of f,
    or out to ±∞), where the largest slope is ∞.
    """
    growing = [edge for edge, grows in zip(edges, unbounded, strict=True) if grows]
    if growing:
        return math.inf, "as x → " + ("±∞" if growing == ["−∞", "∞"] else " and ".join(growing))
    peak = float(np.max(slope))
    far_peak = float(np.max(far_slope)) if far_slope.size and np.isfinite(far_slope).all() else peak
    if far_peak > peak * (1.0 + tolerance):
        # far_slope holds |f'| at -FAR then +FAR.
        side = "−∞" if int(np.argmax(far_slope)) < far_slope.size // 2 else "∞"
        return far_peak, f"as x → {side}"
    band = tolerance * max(1.0, peak)
    mask = slope >= peak - band
    start, end = (int(i) for i in intervals(np.arange(x.size), mask)[0])
    # A stretch at the peak is a plateau (ReLU's 1 for x > 0) only where |f'| steps into it by
    # more than the band it is within: softplus with β = 10 creeps to 1 and is within 1e-12 of
    # it from x = 2.76 on, yet reaches it only as x → ∞.
    steps = [slope[start] - slope[start - 1]] if start > 0 else []
    steps += [slope[end] - slope[end + 1]] if end < x.size - 1 else []
    plateau = not steps or max(steps) > band
    if end - start < 10 or not plateau:
        # A short run at the grid's edge is a slope still growing towards that edge.
        if start == 0:
            return peak, f"as x → {edges[0]}"
        if end == x.size - 1:
            return peak, f"as x → {edges[1]}"
        return peak, f"x = {_fmt(float(x[(start + end) // 2]))}"
    if start == 0 and end == x.size - 1:
        return peak, "everywhere"
    if start == 0:
        return peak, f"x < {_fmt(_boundary(x, end + 1))}"
    if end == x.size - 1:
        return peak, f"x > {_fmt(_boundary(x, start))}"
    return peak, f"{_fmt(_boundary(x, start))} < x < {_fmt(_boundary(x, end + 1))}"


def _smoothness(x: np.ndarray, f: np.ndarray, slope: np.ndarray) -> str:
    """'smooth', or where f jumps or f' has a kink, found from steps between grid points.

    ``slope`` is f' with its sign (abs(x) turns from −1 to 1 at its kink, |f'| stays 1); near an
    edge of the grid, where one side's steps are missing, no kink is claimed."""
    # A jump in f is a step much larger than the gentler of the two neighbouring slopes allows.
    jump_f = np.abs(np.diff(f)) > 10 * GRID_STEP * (1.0 + np.minimum(np.abs(slope[:-1]), np.abs(slope[1:])))
    if jump_f.any():
        where = [_fmt(_boundary(x, int(i) + 1)) for i, _ in intervals(np.arange(x.size - 1), jump_f)]
        return "jumps at x = " + ", ".join(where[:3])
    # A kink is a change in f' far larger than the changes two grid steps either side: a
    # steep but smooth f' (exp(1000x)) changes by similar factors from step to step.
    change = np.abs(np.diff(slope))
    padded = np.pad(change, 2, constant_values=np.inf)
    kinks = (change > KINK_JUMP) & (0.1 * change > np.maximum(padded[:-4], padded[4:]))
    if kinks.any():
        where = [_fmt(_boundary(x, int(i) + 1)) for i, _ in intervals(np.arange(x.size - 1), kinks)]
        return "kink at x = " + ", ".join(where[:3]) + (" …" if len(where) > 3 else "")
    return "smooth (f′ continuous)"


def activation_properties(item: Chosen) -> dict[str, object]:
    """One table row: range, centring, monotonicity, smoothness, saturation and slope facts.

    Computed on a grid of step 0.001 over [-20, 20] plus far points ±1e3, ±1e6, ±1e9; the mean
    output is E[f(z)] for z ~ N(0, 1) by quadrature. Where a typed f is not finite somewhere,
    the row describes the longest stretch of the grid where it is.
    """
    activation, params = item.activation, item.resolved
    x = _grid()
    kinks = activation.kinks or (0.0,)
    with np.errstate(all="ignore"):
        f = activation.fn(x, **params)
        df = activation.grad(x, **params)
        f_far = (activation.fn(-FAR, **params), activation.fn(FAR, **params))
        f0 = float(activation.grad(np.array([0.0]), **params)[0])
        far_slope = np.abs(activation.grad(np.concatenate([-FAR, FAR]), **params))
        # Where f itself overflows far out (exp(x) at 1e3), its slope is beyond float64 too.
        far_slope = np.where(np.isnan(far_slope) & np.isinf(np.concatenate(f_far)), np.inf, far_slope)
        mean = gaussian_expectation(lambda z: activation.fn(z, **params), kinks=kinks)
        second = gaussian_expectation(lambda z: activation.fn(z, **params) ** 2, kinks=kinks)
    if activation.numerical_grad:
        f, df = _mark_poles(activation, params, x, f, df)
    row: dict[str, object] = {"key": activation.key, "activation": item.label}
    finite = np.isfinite(f) & np.isfinite(df)
    if finite.all():
        with np.errstate(all="ignore"):  # far values of a typed f may overflow; handled as ±∞
            row["output range"] = output_range(f, df, *f_far)
        edges = ("−∞", "∞")
        unbounded = (_grows(far_slope[: FAR.size]), _grows(far_slope[FAR.size :]))
    else:
        bad = intervals(x, ~finite)
        row["output range"] = "not finite for " + ", ".join(_describe_closed(a, b) for a, b in bad[:2])
        row["output range"] += " …" if len(bad) > 2 else ""
    if finite.all() and math.isfinite(mean) and math.isfinite(second):
        std = math.sqrt(max(second - mean * mean, 0.0))
        centred = abs(mean) <= 0.1 * max(std, 1e-12)
        row["zero-centred"] = f"{'yes' if centred else 'no'} (E f(z) = {_fmt(mean)})"
    else:
        row["zero-centred"] = "undefined"
    if not finite.all():
        runs = intervals(np.arange(x.size), finite)
        if not runs:
            return row
        start, end = (int(i) for i in max(runs, key=lambda run: run[1] - run[0]))
        # Each edge is the first grid point beyond the stretch; at a pole of f (f = ±∞ there,
        # as 1/x at 0 or log(x) at 0) |f'| grows without bound towards it.
        edges = ("−∞" if start == 0 else _fmt(x[start - 1]), "∞" if end == x.size - 1 else _fmt(x[end + 1]))
        grad = lambda z: activation.grad(z, **params)
        unbounded = tuple(
            0 <= outside < x.size
            and bool(np.isinf(f[outside]) or slope_grows_towards(grad, float(x[inside]), float(x[outside])))
            for inside, outside in ((start, start - 1), (end, end + 1))
        )
        x, f, df = x[start : end + 1], f[start : end + 1], df[start : end + 1]
        far_slope = far_slope[:0]
    # A numerical derivative carries rounding noise, so "equal to the peak" needs slack.
    tolerance = NUMERICAL_SLOPE_TOLERANCE if activation.numerical_grad else 1e-12
    with np.errstate(all="ignore"):  # a typed f may be finite yet near overflow
        _describe_shape(row, x, f, df, f0, far_slope, edges, tolerance, unbounded)
        if edges == ("−∞", "∞") and not any(unbounded):
            _peak_beyond_the_grid(row, lambda z: activation.grad(z, **params), np.abs(df), tolerance)
    return row


def _peak_beyond_the_grid(row: dict[str, object], grad, slope: np.ndarray, tolerance: float) -> None:
    """``row``'s largest slope moved to where it is, when |f'| still grows at an edge of the
    grid and peaks before x = ±FAR[0]: SiLU with β = 0.1 peaks at x ≈ 24, not "as x → ∞" (its
    slope is 1 there)."""
    peak = float(np.max(slope))
    for edge, inner, sign in ((0, 1, -1.0), (slope.size - 1, slope.size - 2, 1.0)):
        # Only a slope at its peak and still growing into the edge can peak beyond it: a plateau
        # (ReLU's 1, identity's) is that peak everywhere out there, and needs no second grid.
        if slope[edge] < peak or slope[edge] <= slope[inner]:
            continue
        outside = sign * np.linspace(GRID_LIMIT, FAR[0], round((FAR[0] - GRID_LIMIT) / (10 * GRID_STEP)) + 1)
        beyond = np.abs(grad(outside))
        i = int(np.argmax(np.where(np.isfinite(beyond), beyond, -np.inf)))
        # A peak, not a slope rounded to its limit on the way out (softplus' 1.0 from x ≈ 37):
        # |f'| falls again before x = ±FAR[0].
        band = tolerance * max(1.0, float(beyond[i]))
        if beyond[i] > peak * (1.0 + tolerance) and beyond[-1] < beyond[i] - band:
            row["max |f′|"], row["max |f′| at"] = _fmt(float(beyond[i])), f"x = {_fmt(float(outside[i]))}"


def _mark_poles(
    activation, params, x: np.ndarray, f: np.ndarray, df: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """f and f' with ±∞ and NaN at the grid point nearest each pole of a typed f that falls
    between grid points (tan at π/2): the row then treats it as 1/x at 0, never as a huge value."""
    breaks = find_breaks(lambda z: activation.fn(z, **params), x, f)
    if not breaks.poles.any():
        return f, df
    steps, where = np.flatnonzero(breaks.steps)[breaks.poles], breaks.where[breaks.poles]
    nearest = np.where(np.abs(x[steps] - where) <= np.abs(x[steps + 1] - where), steps, steps + 1)
    f, df = f.copy(), df.copy()
    f[nearest], df[nearest] = np.inf, np.nan
    return f, df


def _describe_closed(a: float, b: float) -> str:
    return f"x = {_fmt(a)}" if a == b else f"{_fmt(a)} ≤ x ≤ {_fmt(b)}"


def _describe_shape(
    row: dict[str, object], x, f, df, f0, far_slope, edges, tolerance: float, unbounded: tuple[bool, bool]
) -> None:
    slope = np.abs(df)
    row["monotonic"] = "yes" if np.all(df >= -1e-12) else "no"
    row["smoothness"] = _smoothness(x, f, df)
    row["saturates left"] = _saturation_side(x, slope, "left", tolerance) if edges[0] == "−∞" else "—"
    row["saturates right"] = _saturation_side(x, slope, "right", tolerance) if edges[1] == "∞" else "—"
    row["f′(0)"] = _fmt(f0)
    peak, where = _max_slope(x, slope, far_slope, edges, tolerance, unbounded)
    row["max |f′|"] = _fmt(peak)
    row["max |f′| at"] = where


def evaluation_seconds(item: Chosen, elements: int = 1_000_000, repeats: int = 5) -> float:
    """Median wall time, in seconds, of computing f and f' on ``elements`` float64 inputs."""
    return evaluation_costs([item], elements, repeats)[0][0]


def evaluation_costs(
    chosen: Sequence[Chosen], elements: int = 1_000_000, repeats: int = 7
) -> list[tuple[float, float]]:
    """For each chosen activation, (median seconds for f and f' on ``elements`` float64 inputs,
    median seconds for ReLU timed in turn with it in the same runs). A machine busy with
    something else slows both, so their ratio stays honest; print the two beside it."""
    from .activations import ACTIVATIONS

    x = np.random.default_rng(0).standard_normal(elements) * 3.0
    relu = Chosen(ACTIVATIONS["relu"])

    def once(item: Chosen) -> float:
        params = item.resolved
        start = time.perf_counter()
        item.activation.fn(x, **params)
        item.activation.grad(x, **params)
        return time.perf_counter() - start

    results = []
    with np.errstate(all="ignore"):
        once(relu)  # warm up allocation
        for item in chosen:
            if item.activation.key == "relu":  # the yardstick itself: the same runs, ratio 1 exactly
                seconds = float(np.median([once(relu) for _ in range(repeats)]))
                results.append((seconds, seconds))
                continue
            pairs = [(once(item), once(relu)) for _ in range(repeats)]
            results.append((float(np.median([t for t, _ in pairs])), float(np.median([r for _, r in pairs]))))
    return results


def properties_table(chosen: Sequence[Chosen], costs: dict[str, float] | None = None) -> pd.DataFrame:
    """The properties of each chosen activation, one row each; with ``costs`` (label → ms per
    million elements of f + f', ReLU's among them) two cost columns are added."""
    table = pd.DataFrame([activation_properties(item) for item in chosen])
    if costs:
        relu_cost = costs.get("ReLU")
        table["f+f′ ms per 10⁶"] = [
            round(costs[label], 2) if label in costs else None for label in table["activation"]
        ]
        if relu_cost:
            table["× ReLU"] = [
                round(costs[label] / relu_cost, 1) if label in costs else None
                for label in table["activation"]
            ]
    return table


def matmul_seconds(size: int = 1000, repeats: int = 3) -> float:
    """Median wall time of a (size × size) @ (size × size) float64 product: one dense layer
    applied to a batch of ``size``, producing size² outputs (a million for 1000)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return float(np.median(times))


COST = "f+f′ ms per 10⁶"
RELU_SAME_RUNS = "ReLU ms, same runs"
RATIO = "× ReLU"


def cost_columns(costs: Sequence[tuple[float, float]]) -> dict[str, list]:
    """The table's cost columns from ``evaluation_costs``: ms for f + f', ms for ReLU in the same
    runs, and their ratio, computed from the two rounded numbers printed beside it."""
    ms = [round(seconds * 1e3, 2) for seconds, _ in costs]
    relu_ms = [round(relu * 1e3, 2) for _, relu in costs]
    ratio = [round(a / b, 1) if b > 0 else None for a, b in zip(ms, relu_ms, strict=True)]
    return {COST: ms, RELU_SAME_RUNS: relu_ms, RATIO: ratio}


def describe_costs(table: pd.DataFrame, matmul_ms: float | None = None) -> str:
    """Sentences comparing the measured cost of f + f' with ReLU's and with a layer's matrix
    product, from ``table``'s cost columns; each ratio stands beside the two times it divides."""
    if RATIO not in table or table.empty:
        return ""
    ordered = table.sort_values(RATIO)
    parts = []
    for _, row in ordered.iterrows():
        label = markdown_escape(str(row["activation"]))
        if RELU_SAME_RUNS not in table:
            parts.append(f"{label} {row[COST]:.2f} ms ({row[RATIO]:.1f}× ReLU)")
        elif row.get("key") == "relu":
            parts.append(f"{label} {row[COST]:.2f} ms")
        else:
            parts.append(
                f"{label} {row[COST]:.2f} ms, {row[RATIO]:.1f}× the {row[RELU_SAME_RUNS]:.2f} ms ReLU took in the same runs"
            )
    text = (
        f"Measured on this machine, f and f′ together on a million float64 inputs take: {'; '.join(parts)}."
    )
    if RELU_SAME_RUNS in table:
        text += (
            " Each function is timed in turn with ReLU, so other work on the machine slows both alike and "
            "the ratio stays fair; that is why ReLU's own time differs from run to run."
        )
    if matmul_ms:
        dearest = ordered.iloc[-1]
        share = dearest[COST] / (dearest[COST] + matmul_ms)
        text += (
            f" For scale, one 1000-unit dense layer on a batch of 1000 (also a million outputs) spends "
            f"{matmul_ms:.1f} ms in its matrix product, so even {markdown_escape(str(dearest['activation']))} would be "
            f"{share:.0%} of that layer's time."
        )
    return text
