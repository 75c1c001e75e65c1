"""Curves of f and f' on a grid, the zones where f' vanishes, and sentences written from them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .activations import Activation

SATURATION_THRESHOLD = 0.01
# The relative error a numerical f' (of a typed f) is allowed when compared with a threshold or a
# peak: its central difference carries rounding noise of about this size.
NUMERICAL_SLOPE_TOLERANCE = 1e-6
# Typed expressions can overflow; beyond this magnitude values are clipped for the chart.
CLIP_LIMIT = 1e6
X_LIMIT = 50.0


@dataclass(frozen=True)
class Chosen:
    """An activation together with the parameter values it is drawn with."""

    activation: Activation
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def resolved(self) -> dict[str, float]:
        return self.activation.resolve(self.params)

    @property
    def label(self) -> str:
        changed = {k: v for k, v in self.resolved.items() if v != self.activation.defaults[k]}
        if not changed:
            return self.activation.label
        return f"{self.activation.label} ({', '.join(f'{k}={v:g}' for k, v in changed.items())})"


@dataclass
class CurveSet:
    """Tidy curves (one row per activation, x, panel and unbroken line segment) and zones, with
    their messages; ``labels`` lists every chosen activation (one wholly undefined on the range
    has no points) and ``x_range`` is the range shown."""

    curves: pd.DataFrame
    zones: pd.DataFrame
    messages: list[str]
    labels: list[str] = field(default_factory=list)
    x_range: tuple[float, float] | None = None
    # Labels whose f' is numerical (typed): compared with thresholds within its tolerance.
    numerical_labels: tuple[str, ...] = ()


def markdown_escape(text: str) -> str:
    """``text`` shown literally by Markdown: a typed formula's ``*`` must not turn into italics
    (``x**2``), nor ``<`` into a tag or ``$`` into LaTeX (Streamlit reads ``$…$`` as math)."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text)


MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>#|~$")


def sanitize(values: np.ndarray, limit: float = CLIP_LIMIT) -> tuple[np.ndarray, int, int]:
    """Values clipped to ±limit (inf included) and NaN kept as gaps; counts of each."""
    values = np.asarray(values, dtype=np.float64)
    nan = np.isnan(values)
    over = ~nan & (np.abs(values) > limit)
    clean = np.where(over, np.sign(values) * limit, values)
    return clean, int(over.sum()), int(nan.sum())


def intervals(x: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """The contiguous runs of ``mask`` along the grid ``x``, as (start, end) pairs."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(float(x[a]), float(x[b - 1])) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _describe_region(start: float, end: float, x_min: float, x_max: float) -> str:
    a, b = (f"{v:.2g}".replace("-", "−") for v in (start, end))
    if start <= x_min and end >= x_max:
        return "everywhere shown"
    if start == end:
        return f"x = {a}"
    if start <= x_min:
        return f"x < {b}"
    if end >= x_max:
        return f"x > {a}"
    return f"{a} < x < {b}"


# Halvings of a grid step when looking for a jump inside it: from 0.5 down to below float64's
# spacing, so a continuous f's change over the last half is nothing beside the step's.
BISECTIONS = 60
# A change of f within this many units in the last place of its values, within this share of
# the largest |f| on the grid up to CLIP_LIMIT (about 4,500 float64 epsilons: the rounding of an
# intermediate as large as f gets, far below a pixel of any chart of f) or below float64's
# smallest normal number is rounding (``rounding_change``): never a jump, nor a plateau's edge.
ROUNDING_ULPS = 64
GRID_ROUNDING = 1e-12
UNDERFLOW = float(np.finfo(np.float64).tiny)


@dataclass(frozen=True)
class Breaks:
    """Where f is not continuous on a grid: ``points`` where f is ±∞ with no overflow around
    (1/x at 0), and ``steps`` (i between x[i] and x[i+1]) holding a jump or a pole inside, with
    ``where`` located to float precision and ``poles`` telling a pole from a finite jump."""

    points: np.ndarray
    steps: np.ndarray
    where: np.ndarray
    poles: np.ndarray

    def sentence(self, x: np.ndarray) -> str:
        """Where f is undefined or discontinuous, in words; "" when it is continuous."""
        poles = sorted(
            {*(float(x[i]) for i in np.flatnonzero(self.points)), *self.where[self.poles].tolist()}
        )
        jumps = sorted(self.where[~self.poles].tolist())
        parts = []
        if poles:
            parts.append(f"f is infinite (undefined) at x ≈ {_listed(poles)}")
        if jumps:
            parts.append(f"f jumps at x ≈ {_listed(jumps)}")
        return "; ".join(parts)


def _listed(values: Sequence[float], limit: int = 4) -> str:
    # Located to float precision, a jump at 0 comes out as ±3e-20: rounded, it is 0.
    shown = ", ".join(f"{round(v, 9) + 0.0:.4g}".replace("-", "−") for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def rounding_change(f_a: np.ndarray, f_b: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The largest change between values ``f_a`` and ``f_b`` of f (sampled as ``f`` on a grid)
    that is float64 rounding, not f moving: ``ROUNDING_ULPS`` of the values, ``GRID_ROUNDING`` of
    the largest |f| (capped at the chart's clip: exp(x)'s 5e21 at x = 50 must not hide a jump of
    1 at 0), and at least ``UNDERFLOW``."""
    finite = np.abs(f[np.isfinite(f)])
    scale = min(float(finite.max()), CLIP_LIMIT) if finite.size else 0.0
    ulps = ROUNDING_ULPS * np.spacing(np.maximum(np.abs(f_a), np.abs(f_b)))
    return np.maximum(np.maximum(ulps, GRID_ROUNDING * scale), UNDERFLOW)


def flat_stretches(f: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """``flat`` (runs of grid points where f looks constant: a numerical f' of 0, or f at its
    extreme) without the runs where f has only rounded to a constant: typed tanh(x) is ±1.0 in
    float64 beyond |x| ≈ 19, its numerical f' 0, yet f' is not 0 there. A run is kept where f
    enters or leaves it by more than rounding (max(0, x) at 0), or when it is the whole grid."""
    kept = flat.copy()
    for start, end in intervals(np.arange(f.size), flat):
        start, end = int(start), int(end)
        # The nearest grid point on each side where f differs from the run's end: hard sigmoid's
        # f is 1 from x = 3 on, one point before its numerical f' (from the left) is 0.
        differs = np.isfinite(f) & (f != f[start])
        before = np.flatnonzero(differs[:start])
        differs = np.isfinite(f) & (f != f[end])
        after = end + 1 + np.flatnonzero(differs[end + 1 :])
        pairs = ([(int(before[-1]), start)] if before.size else []) + (
            [(end, int(after[0]))] if after.size else []
        )
        if pairs and not any(
            abs(f[b] - f[a]) > rounding_change(f[a : a + 1], f[b : b + 1], f)[0] for a, b in pairs
        ):
            kept[start : end + 1] = False
    return kept


def find_breaks(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, f: np.ndarray) -> Breaks:
    """Where f, sampled as ``f`` on the grid ``x``, is discontinuous.

    A grid point is a pole when f is ±∞ there but not at either neighbour (an overflow is a
    run of ∞ that the chart clips instead). Each step between two finite values is halved
    ``BISECTIONS`` times towards the half where f changes more: a continuous f's change shrinks
    to nothing, a jump's stays (a pole's grows, or meets ∞)."""
    infinite = np.isinf(f)
    padded = np.concatenate(([False], infinite, [False]))
    points = infinite & ~padded[:-2] & ~padded[2:]
    lo, hi, f_lo, f_hi = x[:-1], x[1:], f[:-1], f[1:]
    checked = np.isfinite(f_lo) & np.isfinite(f_hi)
    undefined = np.zeros(lo.size, dtype=bool)
    with np.errstate(all="ignore"):
        change = np.abs(f_hi - f_lo)
        for _ in range(BISECTIONS):
            mid = 0.5 * (lo + hi)
            f_mid = np.asarray(fn(mid), dtype=np.float64)
            undefined |= ~np.isfinite(f_mid)
            left = np.abs(f_mid - f_lo) >= np.abs(f_hi - f_mid)
            lo, f_lo = np.where(left, lo, mid), np.where(left, f_lo, f_mid)
            hi, f_hi = np.where(left, mid, hi), np.where(left, f_mid, f_hi)
        remaining = np.abs(f_hi - f_lo)
        # Where f has rounded to a constant (sigmoid beyond x ≈ 37, tanh beyond 19), underflows
        # (GELU near −38) or loses its digits to cancellation (log(1 + exp(x)) near −36), a last
        # rounding step stays however close the halves come: no jump.
        rounding = rounding_change(f_lo, f_hi, f)
        steps = checked & (undefined | ((remaining > 0.5 * change) & (remaining > rounding)))
        poles = undefined | (remaining > 10.0 * change)
    return Breaks(points, steps, (0.5 * (lo + hi))[steps], poles[steps])


def breaks_of(item: Chosen, x: np.ndarray, f: np.ndarray) -> Breaks:
    """``find_breaks`` of ``item``'s f, sampled as ``f`` on ``x``: none for a function known to be
    continuous (``Activation.continuous``, every registry entry), which spares 60 evaluations
    of f on the grid."""
    if item.activation.continuous:
        return Breaks(np.zeros(x.size, dtype=bool), np.zeros(max(x.size - 1, 0), dtype=bool), np.empty(0),
                      np.empty(0, dtype=bool))  # fmt: skip
    return find_breaks(lambda z: item.activation.f(z, item.params), x, f)


def slope_grows_towards(grad: Callable[[np.ndarray], np.ndarray], inner: float, edge: float) -> bool:
    """Whether |f'| keeps growing from ``inner`` towards ``edge``, a point where f or f' stops
    being defined (sqrt at 0): probed with 1/4, 1/16 and 1/64 of the distance left, each over 1.1
    times the last. Then f has no largest slope there, and the grid's last value is not one."""
    probes = edge - (edge - inner) / 4.0 ** np.arange(4)
    with np.errstate(all="ignore"):
        slopes = np.abs(np.asarray(grad(probes), dtype=np.float64))
    return bool(np.isfinite(slopes).all() and (slopes[1:] > 1.1 * slopes[:-1]).all())


def _segments(kept: np.ndarray, broken_steps: np.ndarray) -> np.ndarray:
    """A line-segment number per grid point: a new one after every dropped point or broken step."""
    starts = np.concatenate(([True], ~kept[:-1] | broken_steps))
    return np.cumsum(starts)


def activation_curves(
    chosen: Sequence[Chosen], x_min: float = -6.0, x_max: float = 6.0, points: int = 401
) -> CurveSet:
    """f and f' of each chosen activation on ``points`` grid points of [x_min, x_max].

    ``curves`` columns: key, label, x, panel ("f(x)" or "f'(x)"), value, segment (the line
    breaks between segments). ``zones`` columns: key, label, kind ("saturated" where
    |f'| < 0.01, "dead" where f' = 0), x_start, x_end, each a stretch of at least two grid points.
    Values of typed expressions beyond ±1e6 are clipped; where f is undefined (NaN), infinite at
    a point, or jumps, no point is drawn and the line breaks, each with a message.
    """
    x_min, x_max = sorted(
        (float(np.clip(x_min, -X_LIMIT, X_LIMIT)), float(np.clip(x_max, -X_LIMIT, X_LIMIT)))
    )
    if x_max - x_min < 1e-3:
        x_max = x_min + 1.0
    x = np.linspace(x_min, x_max, points)
    frames, zone_rows, messages, labels = [], [], [], []
    for item in chosen:
        label = item.label
        labels.append(label)
        shown = markdown_escape(label)  # messages are Markdown
        f = item.activation.f(x, item.params)
        df = item.activation.df(x, item.params)
        breaks = breaks_of(item, x, f)
        undefined_f = np.isnan(f) | breaks.points
        where = breaks.sentence(x)
        if where:
            messages.append(f"{shown}: {where}. Both panels leave a gap there rather than join across it.")
        overflow = np.isinf(f) & ~breaks.points
        for panel, values, dropped in (
            ("f(x)", f, undefined_f),
            ("f'(x)", df, undefined_f | np.isnan(df) | overflow),
        ):
            clean, n_over, _ = sanitize(np.where(dropped, np.nan, values))
            if n_over:
                messages.append(
                    f"{shown}: {panel} exceeds ±{CLIP_LIMIT:.0e} (or overflows) at {n_over} of "
                    f"{points} points; those values are clipped to ±{CLIP_LIMIT:.0e} in the chart."
                )
            own_nan = np.isnan(values) & ~(undefined_f if panel == "f'(x)" else breaks.points)
            own_nan &= ~overflow
            if own_nan.any():
                messages.append(
                    f"{shown}: {panel} is undefined (NaN) at {int(own_nan.sum())} of {points} points "
                    f"({_describe_nan(x, own_nan)}); the chart shows a gap there."
                )
            if panel == "f'(x)" and overflow.any():
                messages.append(
                    f"{shown}: f'(x) cannot be computed where f overflows ({_describe_nan(x, overflow)}); "
                    "the chart leaves it out there."
                )
            kept = ~dropped
            frames.append(
                pd.DataFrame(
                    {
                        "key": item.activation.key,
                        "label": label,
                        "x": x[kept],
                        "panel": panel,
                        "value": clean[kept],
                        "segment": _segments(kept, breaks.steps)[kept],
                    }
                )
            )
        finite = np.isfinite(df) & ~undefined_f
        # A numerical f' (typed f) is within its tolerance: Leaky ReLU's 0.01 typed must not
        # dip below 0.01, nor tanh(x) typed be dead where f has rounded to ±1.
        numerical = item.activation.numerical_grad
        threshold = SATURATION_THRESHOLD * (1.0 - NUMERICAL_SLOPE_TOLERANCE * numerical)
        dead = finite & (df == 0.0)
        for kind, mask in (
            ("saturated", finite & (np.abs(df) < threshold)),
            ("dead", flat_stretches(np.where(finite, f, np.nan), dead) if numerical else dead),
        ):
            for start, end in intervals(x, mask):
                if end > start:  # a single grid point is no stretch of x: describe_zones names it
                    zone_rows.append(
                        {
                            "key": item.activation.key,
                            "label": label,
                            "kind": kind,
                            "x_start": start,
                            "x_end": end,
                        }
                    )
    columns = ["key", "label", "x", "panel", "value", "segment"]
    curves = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    zones = pd.DataFrame(zone_rows, columns=["key", "label", "kind", "x_start", "x_end"])
    numerical = tuple(item.label for item in chosen if item.activation.numerical_grad)
    return CurveSet(curves, zones, messages, labels, (x_min, x_max), numerical)


def _describe_nan(x: np.ndarray, nan_mask: np.ndarray) -> str:
    runs = intervals(x, nan_mask)
    return ", ".join(_describe_region(a, b, x[0], x[-1]) for a, b in runs[:3]) + (
        " ..." if len(runs) > 3 else ""
    )


def describe_zones(curve_set: CurveSet) -> list[str]:
    """One sentence per activation: where its derivative is below 0.01 or exactly 0, or the
    smallest |f'| it reaches when it never gets that low; labels are escaped for Markdown."""
    sentences = []
    x = curve_set.curves["x"]
    x_min, x_max = curve_set.x_range or (float(x.min()), float(x.max()))
    width = x_max - x_min
    slopes = curve_set.curves[curve_set.curves["panel"] == "f'(x)"]
    # Split once by label: a mask per label over every row cost ~1.5 ms a function.
    slopes_of = dict(tuple(slopes.groupby("label", sort=False)))
    zones_of = dict(tuple(curve_set.zones.groupby("label", sort=False)))
    for label in curve_set.labels or list(slopes_of):
        curve = slopes_of.get(label, slopes.iloc[:0])
        group = zones_of.get(label, curve_set.zones.iloc[:0])
        parts = []
        for kind, text in (("saturated", "|f'| < 0.01"), ("dead", "f' = 0 exactly")):
            rows = group[group["kind"] == kind]
            if rows.empty:
                continue
            covered = float((rows["x_end"] - rows["x_start"]).sum()) / width
            where = ", ".join(
                _describe_region(a, b, x_min, x_max)
                for a, b in zip(rows["x_start"], rows["x_end"], strict=True)
            )
            where = where if where == "everywhere shown" else f"for {where}"
            parts.append(f"{text} {where} ({covered:.0%} of the range shown)")
        values = curve["value"].abs()
        if curve.empty:
            parts.append("f' is undefined everywhere shown")
        elif not parts:
            tolerance = NUMERICAL_SLOPE_TOLERANCE if label in curve_set.numerical_labels else 0.0
            dips = curve.loc[values < SATURATION_THRESHOLD * (1.0 - tolerance), "x"]
            if dips.empty:
                parts.append(
                    f"|f'| stays at or above {values.min():.3g} across the range shown: no saturation"
                )
            else:
                grid = np.unique(x.to_numpy())
                spacing = float(np.min(np.diff(grid))) if grid.size > 1 else width
                # As many decimals as the grid step has, so that neighbouring points read apart
                # (".2g" wrote −19.8 and −20 both as "-20").
                decimals = max(0, -math.floor(math.log10(spacing))) if spacing > 0 else 2
                shown = [_grid_number(v, decimals) for v in dips[:3]]
                points = ", ".join(shown) + (" …" if len(dips) > 3 else "")
                parts.append(
                    f"|f'| < 0.01 only near x = {points}, on no stretch as wide as the grid step "
                    f"({spacing:.2g}): no saturation"
                )
        sentences.append(f"**{markdown_escape(label)}**: " + "; ".join(parts) + ".")
    return sentences


def describe_slopes(
    chosen: Sequence[Chosen],
    depth: int = 10,
    x_min: float = -X_LIMIT,
    x_max: float = X_LIMIT,
    points: int = 4001,
) -> str:
    """A sentence comparing the largest |f'| of the chosen functions on [x_min, x_max] (the range
    the chart shows, named in the sentence) and its power at ``depth``; labels escaped for Markdown.

    A function whose slope grows without bound in the range (next to a pole of f, or towards
    where f' stops being defined) has no largest slope there, and one undefined on the whole
    range none at all: the sentence says so instead of quoting a number.
    """
    if not chosen:
        return ""
    x_min, x_max = sorted((float(x_min), float(x_max)))
    x = np.linspace(x_min, x_max, points)
    peaks, unbounded, overflowing, undefined = [], [], [], []
    for item in chosen:
        label = markdown_escape(item.label)
        f = item.activation.f(x, item.params)
        breaks = breaks_of(item, x, f)
        poles = sorted({*x[breaks.points].tolist(), *breaks.where[breaks.poles].tolist()})
        if poles:
            unbounded.append(f"{label} next to x ≈ {_listed(poles, 2)}, where f is infinite")
            continue
        slope = np.abs(item.activation.df(x, item.params))
        defined = np.isfinite(slope) & np.isfinite(f)
        if not defined.any():
            undefined.append(label)
            continue
        peak = int(np.argmax(np.where(defined, slope, -np.inf)))
        edge = next((j for j in (peak - 1, peak + 1) if 0 <= j < x.size and not defined[j]), None)
        if edge is not None and (np.isinf(f[edge]) or np.isinf(slope[edge])):
            overflowing.append(f"{label} from x ≈ {_listed([float(x[edge])])} on")
            continue
        grad = lambda z, item=item: item.activation.df(z, item.params)
        if edge is not None and slope_grows_towards(grad, float(x[peak]), float(x[edge])):
            unbounded.append(f"{label} towards x ≈ {_listed([float(x[edge])])}, where f' stops being defined")
            continue
        peaks.append((float(slope[peak]), label))
    shown = f"On the range shown (x from {_number(x_min)} to {_number(x_max)})"
    sentences = []
    if peaks:
        peaks.sort()
        smallest, small_label = peaks[0]
        largest, large_label = peaks[-1]
        text = (
            f"{shown}, the {'smallest ' if len(peaks) > 1 else ''}peak slope is {small_label}'s max |f'| = "
            f"{smallest:.3g}: through {depth} such layers a gradient is multiplied by at most "
            f"{smallest:.3g}^{depth} = {power_text(smallest, depth)}"
        )
        if largest > smallest:
            text += f", while {large_label} allows up to {largest:.3g}^{depth} = {power_text(largest, depth)}"
        sentences.append(text + " (ignoring the weights, which multiply in too).")
    if unbounded:
        opening = "There is no largest |f'| for " if peaks else f"{shown}, there is no largest |f'| for "
        sentences.append(opening + "; ".join(unbounded) + ": it grows without bound.")
    if overflowing:
        opening = "" if peaks or unbounded else f"{shown}, "
        sentences.append(
            f"{opening}f and |f'| overflow float64 (beyond 1.8e308) for {'; '.join(overflowing)}."
        )
    if undefined:
        opening = "" if peaks or unbounded or overflowing else f"{shown}, "
        sentences.append(f"{opening}{', '.join(undefined)}: undefined on the whole range shown.")
    return " ".join(sentences)


def _grid_number(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places, trailing zeros dropped, with a true minus sign."""
    text = f"{round(value, decimals) + 0.0:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace("-", "−")


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def power_text(base: float, exponent: int) -> str:
    """base**exponent formatted to two digits, through logarithms when a float would overflow."""
    if base == 0.0:
        return "0"
    log10 = exponent * math.log10(abs(base))
    if -300 < log10 < 300:
        return f"{base**exponent:.2g}"
    mantissa = 10 ** (log10 - math.floor(log10))
    return f"{mantissa:.1f}e{math.floor(log10):+d}"
