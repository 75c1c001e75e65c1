"""The depth page's chart rows and sentences, written from a ``NetworkRun``'s numbers: the path
product, the gradient per layer against mean field, saturated and dead fractions, comparisons, fixes
and clipping."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...nn.engine import DEAD, OK
from ...nn.statistics import GradientFlow, NetworkRun, _sci

# Charts draw log10 values on a linear axis labelled in powers of ten: a gradient of 1e-400 is
# measured exactly in logs but is 0 in float64, which no log axis can show.

RELU_FAMILY = frozenset(
    {"relu", "leaky_relu", "relu6", "elu", "selu", "gelu", "gelu_tanh", "silu", "mish", "hard_swish"}
)
PATH_SERIES = ("∏ f′(z) along one path", "bound: (max |f′|) to the power l")
GRADIENT_SERIES = ("measured", "mean-field prediction")
FRACTION_SERIES = ("saturated: |f′| < 0.01", "f′ = 0 exactly", "units dead for the whole batch")
CLIP_SERIES = ("before clipping", "after clipping")
# The lines a chart draws as references for the measured ones beside them: no dots of their own,
# so where they agree the measured dots show on top of them.
REFERENCE_SERIES = (PATH_SERIES[1], GRADIENT_SERIES[1])


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
    """Rows layer, log10, series, text (and ``extra`` columns) for the finite values (a log axis
    cannot show 0 or overflow), indexed by their positions; one DataFrame built, not three."""
    values = np.asarray(log10_values, dtype=float)
    keep = np.isfinite(values)
    kept = values[keep]
    index = pd.RangeIndex(len(values)) if keep.all() else pd.Index(np.flatnonzero(keep))
    columns = {"layer": np.asarray(layers, dtype=int)[keep], "log10": kept, "series": series}
    return pd.DataFrame({**columns, "text": [_power_text(v) for v in kept], **extra}, index=index)


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


def compare_profile(
    runs: Mapping[str, NetworkRun | GradientFlow], keys: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The measured gradient std per layer of several runs on one chart: columns ``layer``,
    ``series`` (the run's name), ``key`` (its activation key from ``keys``, else ""), ``log10``, ``text``."""
    frames = [
        _log10_rows(run.layers["layer"], run.layers["grad_log10"], name, key=(keys or {}).get(name, ""))
        for name, run in runs.items()
    ]
    return pd.concat(frames, ignore_index=True)


def _ratio(run: NetworkRun | GradientFlow) -> str:
    """Layer 1's gradient relative to the last layer's, or what happened instead."""
    if run.exploded_at is not None:
        return f"exploded at layer {run.exploded_at}"
    g = run.layers["grad_log10"]
    if run.grad_dead_at is not None:
        return f"0 (dead from layer {run.grad_dead_at} down)"
    return _power_text(float(g.iloc[0] - g.iloc[-1]))


def describe_comparison(runs: Mapping[str, NetworkRun | GradientFlow]) -> str:
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
