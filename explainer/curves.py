"""Curves of f and f' on a grid, the zones where f' vanishes, and sentences written from them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .activations import Activation

SATURATION_THRESHOLD = 0.01
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
    """Tidy curves (one row per activation, x and panel) and zones, with their messages."""

    curves: pd.DataFrame
    zones: pd.DataFrame
    messages: list[str]


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
    if start <= x_min and end >= x_max:
        return "everywhere shown"
    if start <= x_min:
        return f"x < {end:.2g}"
    if end >= x_max:
        return f"x > {start:.2g}"
    return f"{start:.2g} < x < {end:.2g}"


def activation_curves(
    chosen: Sequence[Chosen], x_min: float = -6.0, x_max: float = 6.0, points: int = 401
) -> CurveSet:
    """f and f' of each chosen activation on ``points`` grid points of [x_min, x_max].

    ``curves`` columns: key, label, x, panel ("f(x)" or "f'(x)"), value. ``zones`` columns:
    label, kind ("saturated" where |f'| < 0.01, "dead" where f' = 0), x_start, x_end.
    Non-finite values of typed expressions are clipped or left as gaps, each with a message.
    """
    x_min, x_max = sorted(
        (float(np.clip(x_min, -X_LIMIT, X_LIMIT)), float(np.clip(x_max, -X_LIMIT, X_LIMIT)))
    )
    if x_max - x_min < 1e-3:
        x_max = x_min + 1.0
    x = np.linspace(x_min, x_max, points)
    frames, zone_rows, messages = [], [], []
    for item in chosen:
        label = item.label
        f = item.activation.f(x, item.params)
        df = item.activation.df(x, item.params)
        for panel, values in (("f(x)", f), ("f'(x)", df)):
            clean, n_over, n_nan = sanitize(values)
            if n_over:
                messages.append(
                    f"{label}: {panel} exceeds ±{CLIP_LIMIT:.0e} (or overflows) at {n_over} of "
                    f"{points} points; those values are clipped to ±{CLIP_LIMIT:.0e} in the chart."
                )
            if n_nan:
                messages.append(
                    f"{label}: {panel} is undefined (NaN) at {n_nan} of {points} points "
                    f"({_describe_nan(x, np.isnan(values))}); the chart shows a gap there."
                )
            frames.append(
                pd.DataFrame(
                    {"key": item.activation.key, "label": label, "x": x, "panel": panel, "value": clean}
                )
            )
        finite = np.isfinite(df)
        for kind, mask in (
            ("saturated", finite & (np.abs(df) < SATURATION_THRESHOLD)),
            ("dead", finite & (df == 0.0)),
        ):
            for start, end in intervals(x, mask):
                zone_rows.append(
                    {"key": item.activation.key, "label": label, "kind": kind, "x_start": start, "x_end": end}
                )
    curves = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["key", "label", "x", "panel", "value"])
    )
    zones = pd.DataFrame(zone_rows, columns=["key", "label", "kind", "x_start", "x_end"])
    return CurveSet(curves, zones, messages)


def _describe_nan(x: np.ndarray, nan_mask: np.ndarray) -> str:
    runs = intervals(x, nan_mask)
    return ", ".join(_describe_region(a, b, x[0], x[-1]) for a, b in runs[:3]) + (
        " ..." if len(runs) > 3 else ""
    )


def describe_zones(curve_set: CurveSet) -> list[str]:
    """One sentence per activation: where its derivative is below 0.01 or exactly 0, or the
    smallest |f'| it reaches when it never gets that low."""
    sentences = []
    x = curve_set.curves["x"]
    x_min, x_max = float(x.min()), float(x.max())
    width = x_max - x_min
    slopes = curve_set.curves[curve_set.curves["panel"] == "f'(x)"]
    for label, curve in slopes.groupby("label", sort=False):
        group = curve_set.zones[curve_set.zones["label"] == label]
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
            parts.append(f"{text} for {where} ({covered:.0%} of the range shown)")
        if not parts:
            smallest = float(curve["value"].abs().min())
            parts.append(f"|f'| stays at or above {smallest:.3g} across the range shown: no saturation")
        sentences.append(f"**{label}**: " + "; ".join(parts) + ".")
    return sentences


def describe_slopes(chosen: Sequence[Chosen], depth: int = 10) -> str:
    """A sentence comparing the largest |f'| of the chosen functions and its power at ``depth``."""
    if not chosen:
        return ""
    x = np.linspace(-X_LIMIT, X_LIMIT, 20001)
    peaks = []
    for item in chosen:
        slope = np.abs(item.activation.df(x, item.params))
        slope = slope[np.isfinite(slope)]
        if slope.size:
            peaks.append((float(slope.max()), item.label))
    if not peaks:
        return ""
    peaks.sort()
    smallest, small_label = peaks[0]
    largest, large_label = peaks[-1]
    text = (
        f"The smallest peak slope here is {small_label}'s max |f'| = {smallest:.3g}: through {depth} "
        f"such layers a gradient is multiplied by at most {smallest:.3g}^{depth} = {power_text(smallest, depth)}"
    )
    if largest > smallest:
        text += f", while {large_label} allows up to {largest:.3g}^{depth} = {power_text(largest, depth)}"
    return text + " (ignoring the weights, which multiply in too)."


def power_text(base: float, exponent: int) -> str:
    """base**exponent formatted to two digits, through logarithms when a float would overflow."""
    if base == 0.0:
        return "0"
    log10 = exponent * math.log10(abs(base))
    if -300 < log10 < 300:
        return f"{base**exponent:.2g}"
    mantissa = 10 ** (log10 - math.floor(log10))
    return f"{mantissa:.1f}e{math.floor(log10):+d}"
