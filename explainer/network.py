"""The public runs of the deep numpy MLP behind the depth and initialization pages.

One seeded network measured layer by layer (``network_run``, ``layer_statistics``), comparisons
across activations and initializers, histograms of the layer outputs, and mean field's prediction.
The engine lives in ``explainer.nn`` (``engine``: the forward and backward pass; ``memory``: its
buffer pool and weight cache; ``statistics``: the measured run), the pages' tables and sentences in
``explainer.lessons`` (``depth``, ``phase``, ``presets``, ``variance_travel``). This module
re-exports their public names, so every ``explainer.network.X`` of before still works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from .activations import ACTIVATIONS, DEFAULT_ACTIVATIONS, Activation
from .initializers import INITIALIZERS, check_gain, get_initializer
from .lessons.depth.phase import critical_line, describe_phase, phase_cells, phase_diagram, phase_edge
from .lessons.depth.presets import (
    PRESET_SEEDS,
    PRESETS,
    Claim,
    Preset,
    PresetRun,
    claims_table,
    describe_preset,
    preset_profile,
    preset_results,
)
from .lessons.depth.profiles import (
    CLIP_SERIES,
    FRACTION_SERIES,
    GRADIENT_SERIES,
    PATH_SERIES,
    RELU_FAMILY,
    clipping_profile,
    compare_profile,
    describe_clipping,
    describe_comparison,
    describe_fixes,
    describe_path,
    describe_prediction,
    fixed_settings,
    fraction_profile,
    gradient_profile,
    histogram_layers,
    path_products,
)
from .lessons.initialization.travel import (
    bias_comparison,
    describe_biases,
    standard_normal_story,
    variance_travel,
    variance_travel_curve,
)
from .meanfield import as_activation, gradient_curve
from .nn import memory
from .nn.checks import MAX_BATCH, MAX_DEPTH, MAX_WIDTH, check_network, whole
from .nn.engine import (
    DEAD,
    EXPLODED,
    OK,
    UNDEFINED,
    _functions,
    _propagate,
    max_slope,
    slope_range,
)
from .nn.layers import BN_EPS
from .nn.memory import (
    DEFAULT_CACHE_BYTES,
    DEFAULT_WORKSPACE_BYTES,
    _unit_weights,
    clear_weight_cache,
    clear_workspace,
    network_inputs,
    network_weights,
    set_memory_limits,
)
from .nn.statistics import (
    BIASES,
    FLOAT64_LOG10_MAX,
    HEALTHY_DECADES,
    HEALTHY_SATURATION,
    LN10,
    NetworkRun,
    describe_activations,
    describe_gradient_flow,
    histogram_frame,
    layer_statistics,
    network_gradients,
    network_run,
)

__all__ = [
    "ACTIVATIONS",
    "BIASES",
    "BN_EPS",
    "CLIP_SERIES",
    "DEAD",
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_CACHE_BYTES",
    "DEFAULT_WORKSPACE_BYTES",
    "EXPLODED",
    "FLOAT64_LOG10_MAX",
    "FRACTION_SERIES",
    "GRADIENT_SERIES",
    "HEALTHY_DECADES",
    "HEALTHY_SATURATION",
    "INITIALIZERS",
    "LN10",
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_WIDTH",
    "OK",
    "PATH_SERIES",
    "PRESETS",
    "PRESET_SEEDS",
    "RELU_FAMILY",
    "UNDEFINED",
    "Activation",
    "Claim",
    "NetworkRun",
    "Preset",
    "PresetRun",
    "activation_comparison",
    "activation_histograms",
    "bias_comparison",
    "check_network",
    "claims_table",
    "clear_weight_cache",
    "clear_workspace",
    "clipping_profile",
    "compare_profile",
    "critical_line",
    "describe_activations",
    "describe_biases",
    "describe_clipping",
    "describe_comparison",
    "describe_fixes",
    "describe_gradient_flow",
    "describe_path",
    "describe_phase",
    "describe_prediction",
    "describe_preset",
    "fixed_settings",
    "fraction_profile",
    "get_initializer",
    "gradient_profile",
    "histogram_layers",
    "initializer_comparison",
    "layer_statistics",
    "max_slope",
    "meanfield_prediction",
    "network_gradients",
    "network_inputs",
    "network_run",
    "network_weights",
    "path_products",
    "phase_cells",
    "phase_diagram",
    "phase_edge",
    "preset_profile",
    "preset_results",
    "set_memory_limits",
    "slope_range",
    "standard_normal_story",
    "variance_travel",
    "variance_travel_curve",
]


def __getattr__(name: str):
    # The stores' bounds change with ``set_memory_limits``: read them where they live, not a copy.
    if name in ("CACHE_BYTES", "WORKSPACE_BYTES"):
        return getattr(memory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    bins = whole("bins", bins, 2, 400)
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
    return histogram_frame({k: hs[k - 1] for k in chosen if k <= len(hs)}, bins, shared_range)
