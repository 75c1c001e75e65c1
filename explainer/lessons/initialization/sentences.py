"""The initialization page's tables and sentences: the gains table, each initializer's formula as
text, and what the variance table and the variance-travel heatmaps show, written from their numbers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import special

from ...activations import ACTIVATIONS, Activation
from ...initializers import TRUNCATED_STD, closed_form, gain, get_initializer
from ...meanfield import activation_moments, as_activation, chi, fixed_point
from ...network import HEALTHY_SATURATION

# P(|Z| > 5) for a standard normal: how often a correct sampler lands outside 5 standard errors.
FIVE_SIGMA_TAIL = float(special.erfc(5.0 / math.sqrt(2.0)))

# --- gains ------------------------------------------------------------------------------------


def _show(value: float) -> str:
    """A number for a sentence: its exact form beside the decimal where it has one."""
    form = closed_form(value)
    if form is None:
        return f"{value:.4g}"
    return form if form.isdigit() else f"{form} ≈ {value:.4g}"


def _percent(a: float, b: float) -> str:
    change = a / b - 1.0
    return f"{abs(change):.1%} {'above' if change > 0 else 'below'}"


def _regime(chi_value: float) -> str:
    if chi_value > 1.01:
        return "gradients grow layer by layer"
    if chi_value < 0.99:
        return "gradients shrink layer by layer"
    return "the edge of chaos"


def _gain_sentence(
    act: Activation,
    torch: float | None,
    forward: float,
    backward: float,
    mean: float,
    second: float,
    chi_torch,
) -> str:
    label = act.label
    close = lambda a, b: abs(a / b - 1.0) < 1e-3
    parts: list[str] = []
    if torch is not None and close(torch, forward) and close(torch, backward):
        return f"All three agree on {label}: {_show(torch)}, so one weight scale keeps both passes steady."
    if torch is None:
        parts.append(f"PyTorch defines no gain for {label}.")
        if close(forward, backward):
            parts.append(f"The forward and backward gains agree at {_show(forward)}.")
    elif close(torch, forward):
        parts.append(f"PyTorch's {_show(torch)} equals the forward gain.")
    else:
        parts.append(
            f"PyTorch's {_show(torch)} is {_percent(torch, forward)} the forward gain {forward:.4g} "
            f"and {_percent(torch, backward)} the backward gain {backward:.4g}."
        )
    if not close(forward, backward):
        parts.append(
            f"Keeping the forward second moment needs {forward:.4g}, keeping the gradient's needs "
            f"{backward:.4g}: no single scale does both ({abs(forward / backward - 1):.0%} apart)."
        )
    share = mean * mean / second if second > 0 else 0.0
    if torch is not None and not close(torch, forward) and share > 0.1:
        parts.append(
            f"{label}'s outputs average {mean:.3g} for N(0, 1) inputs, so {share:.0%} of "
            f"E[f(z)²] = {second:.3g} is the squared mean, which a gain of {_show(torch)} does not account for."
        )
    if act.key == "selu" and torch is not None:
        verdict = "matches" if close(forward, 1.0) else "differs from"
        parts.append(
            f"PyTorch's docs say {_show(torch)} trades self-normalisation for more stable gradients in "
            f"rectangular layers, and recommend nonlinearity='linear' (gain 1) for self-normalising "
            f"networks; gain 1 {verdict} the forward gain computed here ({forward:.4g})."
        )
    if torch is not None and chi_torch is not None and not close(torch, forward):
        parts.append(f"At PyTorch's gain the mean-field factor is χ = {chi_torch:.3g}: {_regime(chi_torch)}.")
    return " ".join(parts)


def gains_table(
    activations: Iterable[str | Activation] | None = None,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per activation: PyTorch's gain, the forward and backward gains, and a sentence.

    Columns: ``key``, ``label``, ``torch_gain`` (NaN where PyTorch has none), ``forward_gain``,
    ``backward_gain``, ``mean`` = E[f(z)], ``second_moment`` = E[f(z)²], ``slope_moment`` =
    E[f'(z)²] for z ~ N(0, 1), ``torch_chi`` (mean-field χ at q* for σ_w = PyTorch's gain,
    Schoenholz et al. 2017) and ``sentence``, written from those numbers. ``params`` maps an
    activation key to its parameter values.
    """
    rows = []
    for item in ACTIVATIONS.values() if activations is None else activations:
        act = as_activation(item)
        own = (params or {}).get(act.key)
        mean, second, slope2 = activation_moments(act, 1.0, own)
        torch = gain(act, "torch", own)
        forward = gain(act, "forward", own)
        backward = gain(act, "backward", own)
        chi_torch = None
        if torch is not None:
            sigma_w2 = torch * torch
            chi_torch = chi(act, fixed_point(act, sigma_w2, params=own), sigma_w2, own)
        rows.append(
            {
                "key": act.key,
                "label": act.label,
                "torch_gain": torch,
                "forward_gain": forward,
                "backward_gain": backward,
                "mean": mean,
                "second_moment": second,
                "slope_moment": slope2,
                "torch_chi": chi_torch,
                "sentence": _gain_sentence(act, torch, forward, backward, mean, second, chi_torch),
            }
        )
    return pd.DataFrame(rows)


# --- formulas as text ------------------------------------------------------------------------


def _over(coefficient: float, denominator: str) -> str:
    """coefficient / denominator as short text: "2/fan_in", "1/(3·fan_in)"."""
    form = closed_form(coefficient) or f"{coefficient:.4g}"
    if "/" in form:
        p, q = form.split("/")
        return f"{p}/({q}·{denominator})"
    return f"{form}/{denominator}"


def formula_text(key: str) -> str:
    """The variance rule of initializer ``key`` (gain 1) as plain text for a table cell:
    "σ² = 2/fan_in", "σ² = 2/(fan_in + fan_out); a = √(6/(fan_in + fan_out))", with the uniform
    limit a = √(3σ²) and a truncated normal's cut-off (2 parent stds, parent std = σ/0.8796)."""
    init = get_initializer(key)
    if init.distribution == "orthogonal":
        return "WᵀW = I (or WWᵀ = I); σ² = 1/max(fan_in, fan_out)"
    if init.mode is None:
        std = math.sqrt(init.scale)
        return "σ² = 1" if std == 1.0 else f"σ² = {std:g}² = {init.scale:g}"
    denominators = {"fan_in": "fan_in", "fan_out": "fan_out", "fan_avg": "(fan_in + fan_out)"}
    coefficient = init.scale * (2.0 if init.mode == "fan_avg" else 1.0)
    text = f"σ² = {_over(coefficient, denominators[init.mode])}"
    if init.distribution == "uniform":
        text += f"; a = √({_over(3.0 * coefficient, denominators[init.mode])})"
    elif init.distribution == "truncated_normal":
        text += f"; |w| ≤ 2σ/{TRUNCATED_STD:.4f}"
    return text


# --- sentences ---------------------------------------------------------------------------------


def describe_variance_table(table: pd.DataFrame, activation_label: str) -> list[str]:
    """Two sentences from ``variance_table``: whether every sample agrees with its formula (the
    largest gap in standard errors), and which initializers keep the chosen activation's forward
    second moment (``forward_factor`` within 5% of 1) and the range of that factor."""
    # 0 / 0 where every sampled w² is the same (an orthogonal 1 × 1 is ±1): no gap at all.
    gaps = ((table["empirical_variance"] - table["variance"]).abs() / table["standard_error"]).fillna(0.0)
    worst = int(np.argmax(gaps.to_numpy()))
    size = int(table["sample_size"].min())
    failed = table.loc[~table["agrees"], "label"].tolist()
    if failed:
        check = (
            f"{len(failed)} of {len(table)} samples fall outside 5 standard errors ({', '.join(failed)}); a "
            f"correct sampler does so with probability {FIVE_SIGMA_TAIL:.1e} per draw."
        )
    else:
        check = (
            f"All {len(table)} freshly drawn matrices (at least {size:,} weights each) agree with their "
            f"formula: every empirical σ² is within 5 standard errors of σ², the largest gap being "
            f"{gaps.iloc[worst]:.1f} standard errors ({table['label'].iloc[worst]})."
        )
    factor = table["forward_factor"]
    keep = table.loc[(factor - 1.0).abs() <= 0.05, "label"].tolist()
    low, high = int(np.argmin(factor.to_numpy())), int(np.argmax(factor.to_numpy()))
    kept = (
        f"{', '.join(keep)} keep it (factor within 5% of 1)"
        if keep
        else "none of the initializers keeps it within 5% of 1"
    )
    scale = (
        f"With {activation_label}, one layer multiplies the forward second moment by "
        f"fan_in·σ²·E[f(z)²] (z ~ N(0, 1)): {kept}; it ranges from {factor.iloc[low]:.3g} "
        f"({table['label'].iloc[low]}) to {factor.iloc[high]:.3g} ({table['label'].iloc[high]})."
    )
    return [check, scale]


def _power_of_ten(value: float, status: str) -> str:
    """A log10 ratio as a power of ten in Markdown math: $10^{+1.5}$."""
    if status == "dead":
        return "exactly 0"
    if status != "ok":
        return "beyond float64"
    return "$10^{0.0}$" if abs(value) < 0.05 else f"$10^{{{value:+.1f}}}$"


def _within(grid: pd.DataFrame, direction: str) -> pd.Series:
    """Cells whose ``direction`` variance ratio stays within one order of magnitude."""
    return (grid[f"{direction}_status"] == "ok") & (grid[f"{direction}_log10"].abs() <= 1.0)


def describe_travel(grid: pd.DataFrame, depth: int, width: int) -> list[str]:
    """Sentences from ``network.variance_travel``: how many cells keep each variance within one
    decade, how many of those are saturated, how many are healthy (outlined), the initializer with
    the most healthy activations, and the extremes."""
    total = len(grid)
    per_init = grid["healthy"].groupby(grid["init_label"], sort=False).sum()
    best = per_init[per_init == per_init.max()]
    n_acts = grid["activation"].nunique()
    finite = grid[grid["forward_status"] == "ok"]
    forward, backward = _within(grid, "forward"), _within(grid, "backward")
    flat_but_saturated = int((forward & ~grid["forward_healthy"]).sum())
    parts = [
        f"Over {depth} layers of width {width}, {int(forward.sum())} of {total} cells keep the activation "
        f"variance within one order of magnitude of layer 1's, and {int(backward.sum())} keep the "
        f"gradient's. {int(grid['healthy'].sum())} of the {total} are healthy (outlined): both within one "
        "order of magnitude, and "
        f"less than {HEALTHY_SATURATION:.0%} of layer {depth}'s unit-inputs saturated (|f′| < 0.01, not "
        "counting units switched off at 0 as on ReLU's negative side)"
        + (
            f"; {flat_but_saturated} keep a flat activation variance only because their units saturate."
            if flat_but_saturated
            else "."
        ),
    ]
    if int(best.iloc[0]):
        parts.append(f"Most activations healthy: {', '.join(best.index)} ({int(best.iloc[0])} of {n_acts}).")
    if len(finite):
        high = finite.loc[finite["forward_log10"].idxmax()]
        low = finite.loc[finite["forward_log10"].idxmin()]
        parts.append(
            f"The extremes: {high['init_label']} with {high['activation_label']} multiplies the variance by "
            f"{_power_of_ten(high['forward_log10'], 'ok')}; {low['init_label']} with {low['activation_label']} by "
            f"{_power_of_ten(low['forward_log10'], 'ok')}."
        )
    return parts


def describe_travel_pair(cell: pd.Series, depth: int) -> str:
    """One sentence on one ``variance_travel`` row: both ratios, per layer, and the verdict."""

    def part(direction: str) -> str:
        value, status = cell[f"{direction}_log10"], cell[f"{direction}_status"]
        if status != "ok":
            return _power_of_ten(value, status)
        per_layer = 10 ** (value / max(depth - 1, 1))
        verdict = "kept" if abs(value) <= 1.0 else "exploding" if value > 0 else "vanishing"
        return f"{_power_of_ten(value, status)} (×{per_layer:.3g} per layer: {verdict})"

    saturated = float(cell["saturated_fraction"])
    problems = []
    if saturated >= HEALTHY_SATURATION:
        problems.append(f"{saturated:.0%} of layer {depth}'s unit-inputs are saturated (|f′| < 0.01)")
    for direction, what in (("forward", "activation variance"), ("backward", "gradient")):
        value, status = cell[f"{direction}_log10"], cell[f"{direction}_status"]
        if status != "ok" or abs(value) > 1.0:
            trend = "is exactly 0" if status == "dead" else "explodes" if value > 0 else "vanishes"
            problems.append(f"the {what} {trend}")
    verdict = (
        f"Healthy: both stay within one order of magnitude and {saturated:.0%} of layer {depth}'s "
        "unit-inputs are saturated."
        if cell["healthy"]
        else "Not healthy: " + "; ".join(problems) + "."
    )
    return (
        f"{cell['init_label']} with {cell['activation_label']}: the activation variance at layer {depth} "
        f"is {part('forward')} times layer 1's, and the gradient variance at layer 1 is "
        f"{part('backward')} times layer {depth}'s. {verdict}"
    )


def describe_standard_normal_row(grid: pd.DataFrame, depth: int, width: int) -> list[str]:
    """Sentences on the ``standard_normal`` row of ``variance_travel``: the activations whose
    variance explodes (more than one decade up) and the range, and those that stay within one
    decade (bounded outputs saturate) with the range of their gradient ratio."""
    row = grid[grid["init"] == "standard_normal"]
    if row.empty:
        return []
    grows = row[(row["forward_status"] != "ok") | (row["forward_log10"] > 1.0)]
    bounded = row[(row["forward_status"] == "ok") & (row["forward_log10"] <= 1.0)]
    parts = [
        f"N(0, 1) weights ignore the fan-in: every pre-activation sums {width} products, so layer 1's "
        f"pre-activations have variance ≈ {width} (std ≈ {math.sqrt(width):.3g}) instead of ≈ 1."
    ]

    def span(frame: pd.DataFrame, direction: str) -> str:
        ok = frame[frame[f"{direction}_status"] == "ok"][f"{direction}_log10"]
        if ok.empty:
            return _power_of_ten(math.inf, "exploded")
        low, high = _power_of_ten(ok.min(), "ok"), _power_of_ten(ok.max(), "ok")
        return low if low == high else f"{low} to {high}"

    if len(grows):
        parts.append(
            f"Over {depth} layers the activation variance grows by {span(grows, 'forward')} for "
            f"{len(grows)} of {len(row)} activations ({', '.join(grows['activation_label'])})."
        )
    if len(bounded):
        shares = ", ".join(
            f"{row['activation_label']} {row['saturated_fraction']:.0%}" for _, row in bounded.iterrows()
        )
        parts.append(
            f"{', '.join(bounded['activation_label'])} stay within one decade: their outputs are bounded, "
            f"so they saturate instead — the share of layer {depth}'s unit-inputs with |f′| < 0.01 (units "
            f"switched off at 0 not counted): {shares}. A flat variance is not a healthy network."
        )
        up = bounded[(bounded["backward_status"] == "ok") & (bounded["backward_log10"] > 1.0)]
        if len(up):
            parts.append(
                f"Yet the gradient reaching layer 1 is {span(up, 'backward')} times layer {depth}'s for "
                f"{', '.join(up['activation_label'])}: the weights, {math.sqrt(width):.3g} times too large in "
                "std, multiply it by more than the flat activation takes away."
            )
    return parts
