"""One seeded network measured layer by layer: ``network_run``, ``layer_statistics``, the exact
gradients of ``network_gradients``, and the sentences that read a run's table."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..activations import Activation
from ..initializers import check_gain, get_initializer
from ..meanfield import as_activation
from .checks import check_network, is_number
from .engine import (
    DEAD,
    EXPLODED,
    OK,
    UNDEFINED,
    _functions,
    _propagate,
    _Trace,
    max_slope,
    slope_range,
)
from .memory import _streams, _unit_weights, network_inputs

BIASES = ("zeros", "constant", "torch_uniform")
HEALTHY_DECADES = 1.0  # |log10 ratio| within this counts as healthy on the heatmaps
# ... and a cell is healthy only while less than this share of its last layer's unit-inputs is
# saturated (|f'| < 0.01, except units switched off — f' = 0 with output 0, ReLU's negative side).
HEALTHY_SATURATION = 0.5
LN10 = math.log(10.0)
FLOAT64_LOG10_MAX = math.log10(np.finfo(np.float64).max)


def _check_bias(bias: str, bias_value: float) -> float:
    """``bias_value`` as a float, or a ValueError for an unknown ``bias`` or a value outside [-10, 10]."""
    if bias not in BIASES:
        raise ValueError(f"Unknown bias option {bias!r}; expected one of {list(BIASES)}.")
    if not is_number(bias_value) or not (math.isfinite(bias_value) and -10.0 <= bias_value <= 10.0):
        raise ValueError(f"bias_value must be a number between -10 and 10; got {bias_value!r}.")
    return float(bias_value)


def _check_clip(clip_norm) -> float | None:
    """``clip_norm`` as a float (or None), or a ValueError unless it is a positive number."""
    if clip_norm is None:
        return None
    if not is_number(clip_norm) or not (math.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"clip_norm must be None or a positive number; got {clip_norm!r}.")
    return float(clip_norm)


def _biases(bias: str, value: float, depth: int, width: int, seed: int) -> list[np.ndarray] | None:
    """Every layer's bias vector for the ``bias`` option; None for zeros, which adds nothing."""
    if bias == "zeros":
        return None
    if bias == "constant":
        return [np.full(width, value) for _ in range(depth)]
    rng = _streams(seed)[2]
    bound = 1.0 / math.sqrt(width)  # PyTorch nn.Linear: U(±1/√in_features) for the bias too
    return [rng.uniform(-bound, bound, width) for _ in range(depth)]


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
    # ``histogram_frame`` of the layers ``network_run`` was asked for, from the same forward pass.
    histograms: pd.DataFrame | None = None

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
    histogram_layers: Sequence[int] = (),
) -> NetworkRun:
    """Build the seeded network, run it forward and backward, and measure every layer.

    Arguments as ``layer_statistics``; returns a ``NetworkRun``. ``histogram_layers`` also bins
    those layers' outputs (``NetworkRun.histograms``, as ``activation_histograms`` with its
    defaults) from the same forward pass, instead of a second one.
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
    chosen = [int(k) for k in histogram_layers if 1 <= int(k) <= depth]
    trace, outputs = _propagate(
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
        keep_layers=chosen,
    )
    run = _run_from_trace(trace, act, params, init, width, batch, clip_norm)
    if not chosen:
        return run
    # ``outputs`` holds the chosen layers the forward pass reached, in order.
    reached = dict(zip(sorted(set(chosen)), outputs or [], strict=False))
    return replace(run, histograms=histogram_frame(reached))


def histogram_frame(
    outputs: Mapping[int, np.ndarray], bins: int = 40, shared_range: bool = True
) -> pd.DataFrame:
    """Histograms of layer outputs ``{layer: h_l}``: columns ``layer``, ``bin_left``,
    ``bin_right``, ``fraction`` (of the layer's values in the bin). Bins span the range over all
    the layers when ``shared_range``, else each layer's own min to max."""
    chosen = sorted(outputs)
    if not chosen:
        return pd.DataFrame(columns=["layer", "bin_left", "bin_right", "fraction"])
    low = min(float(outputs[k].min()) for k in chosen)
    high = max(float(outputs[k].max()) for k in chosen)
    fractions, lefts, rights = [], [], []
    for k in chosen:
        h = outputs[k].reshape(-1)
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


@dataclass(frozen=True)
class GradientFlow:
    """The gradient reaching each layer of one seeded network, alone: ``layers`` has the columns
    ``layer`` and ``grad_log10`` of ``NetworkRun.layers``; ``depth``, ``exploded_at`` and
    ``grad_dead_at`` as in ``NetworkRun``."""

    layers: pd.DataFrame
    depth: int
    exploded_at: int | None
    grad_dead_at: int | None


def gradient_flow(
    activation: str | Activation,
    depth: int = 20,
    width: int = 256,
    init: str = "he_normal",
    gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
) -> GradientFlow:
    """``network_run``'s gradient per layer (zero biases, no batch norm or residuals), the same
    numbers at about two thirds of the cost: the pass skips the weight gradients (one matrix
    product in three) and the saturation counts, which the gradient does not depend on."""
    act = as_activation(activation)
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    x, top = network_inputs(batch, width, seed)
    scale = get_initializer(init).std(width, width, check_gain(gain), None)
    weights = _unit_weights(init, depth, width, seed)
    f, df = _functions(act, None)
    trace, _ = _propagate(x, weights, None, f, df, top, scale=scale, full=False)
    grad_log10, grad_status = _gradient_log10(trace)
    grad_dead = [i + 1 for i, s in enumerate(grad_status) if s == DEAD]
    layers = pd.DataFrame({"layer": np.arange(1, depth + 1), "grad_log10": grad_log10})
    return GradientFlow(layers, depth, trace.exploded_at, max(grad_dead) if grad_dead else None)


def _gradient_log10(trace: _Trace) -> tuple[np.ndarray, list[str]]:
    """(log10 of the std of ∂loss/∂h_l, its status) per layer, as ``NetworkRun.layers`` has them
    in ``grad_log10`` and ``backward_status``."""
    if trace.grad_ln is None:  # the forward pass failed: no gradient is representable either
        failure = trace.forward_status[trace.exploded_at - 1] if trace.exploded_at else EXPLODED
        return np.full(trace.depth, math.inf) / LN10, [failure] * trace.depth
    grad_log10 = trace.grad_ln / LN10
    grad_status = trace.grad_status
    # Exact in logs, but a gradient past float64's largest number would be inf in any framework.
    beyond = np.isfinite(grad_log10) & (grad_log10 >= FLOAT64_LOG10_MAX)
    if beyond.any():
        grad_status = [EXPLODED if over else status for over, status in zip(beyond, grad_status, strict=True)]
    return grad_log10, grad_status


def _run_from_trace(trace: _Trace, act, params, init, width, batch, clip_norm) -> NetworkRun:
    depth = trace.depth
    slope = max_slope(act, params)
    if trace.grad_ln is None:  # the forward pass failed: no gradient is representable either
        wgrad_ln = np.full(depth, math.inf)
        input_ln = math.inf
    else:
        wgrad_ln, input_ln = trace.wgrad_ln, trace.input_grad_ln
    grad_log10, grad_status = _gradient_log10(trace)
    wgrad_log10 = wgrad_ln / LN10
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
    ``seed`` (``explainer.nn.engine``). ``bias``: "zeros" (CS231n, He et al.), "constant" (every bias
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
