"""The initialization page's numbers: how variance travels forward and backward through each
initializer × activation (the heatmaps and their curves), biases, and why not N(0, 1)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ...activations import ACTIVATIONS, Activation
from ...initializers import INITIALIZERS, get_initializer
from ...meanfield import as_activation
from ...nn.checks import check_network, whole
from ...nn.engine import (
    DEAD,
    EXPLODED,
    OK,
    _functions,
    _homogeneous,
    _parallel,
    _propagate,
    _Trace,
    propagate_depths,
)
from ...nn.memory import _unit_weights, network_inputs
from ...nn.statistics import (
    BIASES,
    HEALTHY_DECADES,
    HEALTHY_SATURATION,
    LN10,
    _sci,
    layer_statistics,
    network_run,
)


def _signature(init: str, width: int) -> tuple[str, float]:
    """(distribution, std): initializers that agree on both draw identical matrices."""
    initializer = get_initializer(init)
    return initializer.distribution, initializer.std(width, width)


# The shortcut is used only while every layer's std stays within 10^±150 in the scaled network:
# there squares are normal float64 numbers, so no status (dead, exploded) can differ.
_SHORTCUT_DECADES = 150.0


def _scaled_cell(trace: _Trace, factor: float) -> tuple[float, str, float, str, float] | None:
    """``_travel_cell`` of the same network with every weight times ``factor``, for a
    homogeneous activation (see ``_HOMOGENEOUS``); None when the scaled network would leave
    10^±150 somewhere, where it must be run."""
    if trace.exploded_at is not None or trace.grad_ln is None:
        return None
    depth = trace.depth
    shift = math.log10(factor)
    layers = np.arange(1, depth + 1)
    for std in (trace.preact_std, trace.act_std):
        live = std > 0
        if np.any(np.abs(np.log10(std[live]) + layers[live] * shift) > _SHORTCUT_DECADES):
            return None
    grad = trace.grad_ln / LN10
    live = np.isfinite(grad)
    if np.any(np.abs(grad[live] + (depth - layers[live]) * shift) > _SHORTCUT_DECADES):
        return None
    fwd, fwd_status, bwd, bwd_status, saturated = _travel_cell(trace)
    moved = 2.0 * (depth - 1) * shift
    # f'(cz) = f'(z): the scaled network saturates exactly the same unit-inputs.
    return (
        fwd + moved if fwd_status == OK else fwd,
        fwd_status,
        bwd + moved if bwd_status == OK else bwd,
        bwd_status,
        saturated,
    )


def variance_travel(
    depth: int = 20,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    initializers: Iterable[str] | None = None,
    activations: Iterable[str | Activation] | None = None,
    workers: int = 2,
) -> pd.DataFrame:
    """Rows = initializers × activations: how the forward and backward variance change over
    ``depth`` layers of the seeded plain network (biases zero).

    Columns: ``init``, ``init_label``, ``activation``, ``activation_label``, ``forward_log10`` =
    log10(Var h_L / Var h_1), ``backward_log10`` = log10(Var ∂h_1 / Var ∂h_L) (the gradient at
    layer 1 relative to layer L), ``saturated_fraction`` (the share of layer L's unit-inputs with
    |f'| < 0.01, counted in the same pass, except those switched off: f' = 0 with output 0, as on
    ReLU's negative side),
    ``forward_healthy`` (|log10| ≤ 1 and less than ``HEALTHY_SATURATION`` saturated: a flat
    activation variance from saturated units is not healthy), ``backward_healthy`` (|log10| ≤ 1:
    neither vanishing nor exploding), ``healthy`` (both: what the heatmaps outline),
    ``forward_status``/``backward_status`` ("ok", "dead": -inf, "exploded": +inf) and
    ``forward_text``/``backward_text`` for a cell label. Each cell is the network
    ``layer_statistics`` measures (up to rounding). Initializers that draw the same matrices at
    this width (Glorot and LeCun when fan_in = fan_out, for instance) are computed once; for
    identity, ReLU and leaky ReLU one run per distribution serves every std (``_HOMOGENEOUS``);
    the networks run on ``workers`` threads, each with one BLAS thread (the app's setting: on a
    busy two-core machine, two BLAS threads per product made this more than ten times slower).
    """
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    workers = whole("workers", workers, 1, 8)
    with threadpool_limits(limits=1, user_api="blas"):
        return _variance_travel([depth], width, batch, seed, initializers, activations, workers)[depth]


def variance_travel_depths(
    depths: Iterable[int],
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    initializers: Iterable[str] | None = None,
    activations: Iterable[str | Activation] | None = None,
    workers: int = 2,
) -> pd.DataFrame:
    """``variance_travel`` at every depth in ``depths`` at once, with a ``depth`` column: the
    same numbers, for the cost of the deepest forward pass and one backward pass per depth
    (layer l's weights do not depend on the depth, so each network's forward pass is shared).
    This is how the heatmaps' every depth is computed ahead of time (``explainer.precompute``)."""
    wanted = sorted({whole("depth", d, 1, 10**6) for d in depths})
    if not wanted:
        raise ValueError("depths must name at least one depth")
    _, width, batch, seed = check_network(wanted[-1], width, batch, seed)
    check_network(wanted[0], width, batch, seed)
    workers = whole("workers", workers, 1, 8)
    with threadpool_limits(limits=1, user_api="blas"):
        grids = _variance_travel(wanted, width, batch, seed, initializers, activations, workers)
    return pd.concat([grid.assign(depth=depth) for depth, grid in grids.items()], ignore_index=True)


def _variance_travel(
    depths, width, batch, seed, initializers, activations, workers
) -> dict[int, pd.DataFrame]:
    """The body of ``variance_travel``, arguments checked: one grid per depth in ``depths``
    (several depths share each network's forward pass, ``propagate_depths``)."""
    init_keys = list(INITIALIZERS) if initializers is None else list(initializers)
    acts = [as_activation(a) for a in (ACTIVATIONS.values() if activations is None else activations)]
    names = [act.key if act.key != "typed" else act.label for act in acts]
    x, top = network_inputs(batch, width, seed)
    signatures = {key: _signature(key, width) for key in init_keys}
    # Per distribution, the std nearest 1/√width runs for the homogeneous activations.
    base: dict[str, float] = {}
    for distribution, std in signatures.values():
        best = base.get(distribution)
        if best is None or abs(math.log(std * math.sqrt(width))) < abs(math.log(best * math.sqrt(width))):
            base[distribution] = std
    runs: dict[tuple[str, float, str], Activation] = {}
    for distribution, std in dict.fromkeys(signatures.values()):
        for act, name in zip(acts, names, strict=True):
            runs[(distribution, base[distribution] if _homogeneous(act) else std, name)] = act
    # Drawn before the threads start: the draws are cached per distribution, under a lock.
    first_key = {sig[0]: key for key, sig in reversed(signatures.items())}
    deepest = depths[-1]
    weights = {d: _unit_weights(key, deepest, width, seed) for d, key in first_key.items()}

    def run(distribution: str, std: float, act: Activation) -> dict[int, _Trace]:
        f, df = _functions(act, None)
        if len(depths) == 1:
            trace = _propagate(
                x, weights[distribution], None, f, df, top, scale=std, full=False, saturation=True
            )[0]
            return {deepest: trace}
        return propagate_depths(x, weights[distribution], f, df, top, depths, scale=std, saturation=True)

    found = _parallel(lambda job: run(job[0], job[1], runs[job]), list(runs), workers)
    traces = dict(zip(runs, found, strict=True))
    computed: dict[int, dict[tuple[str, float, str], tuple[float, str, float, str, float]]] = {
        depth: {} for depth in depths
    }
    for distribution, std in dict.fromkeys(signatures.values()):
        for act, name in zip(acts, names, strict=True):
            job = (distribution, std, name)
            if job in traces:
                for depth in depths:
                    computed[depth][job] = _travel_cell(traces[job][depth])
                continue
            direct = None
            for depth in depths:
                base_trace = traces[(distribution, base[distribution], name)][depth]
                scaled = _scaled_cell(base_trace, std / base[distribution])
                if scaled is None:
                    direct = direct or run(distribution, std, act)
                    scaled = _travel_cell(direct[depth])
                computed[depth][job] = scaled
    return {depth: _grid(init_keys, acts, names, signatures, computed[depth]) for depth in depths}


def _grid(init_keys, acts, names, signatures, computed) -> pd.DataFrame:
    """The heatmap grid's rows from each network's cell (``_travel_cell``)."""
    rows = []
    for key in init_keys:
        initializer = get_initializer(key)
        for act, name in zip(acts, names, strict=True):
            fwd, fwd_status, bwd, bwd_status, saturated = computed[(*signatures[key], name)]
            forward_healthy = (
                fwd_status == OK and abs(fwd) <= HEALTHY_DECADES and saturated < HEALTHY_SATURATION
            )
            backward_healthy = bwd_status == OK and abs(bwd) <= HEALTHY_DECADES
            rows.append(
                {
                    "init": key,
                    "init_label": initializer.label,
                    "activation": act.key,
                    "activation_label": act.label,
                    "forward_log10": fwd,
                    "backward_log10": bwd,
                    "saturated_fraction": saturated,
                    "forward_healthy": forward_healthy,
                    "backward_healthy": backward_healthy,
                    "healthy": forward_healthy and backward_healthy,
                    "forward_status": fwd_status,
                    "backward_status": bwd_status,
                    "forward_text": _cell_text(fwd, fwd_status),
                    "backward_text": _cell_text(bwd, bwd_status),
                }
            )
    return pd.DataFrame(rows)


def _saturated_share(trace: _Trace) -> float:
    """The share of unit-inputs with |f'| < 0.01 at the last layer the forward pass reached, less
    those switched off (f' = 0 and output 0, as ReLU's negative side); 0 if it reached none.
    Needs a pass that counted them (``full`` or ``saturation``)."""
    reached = trace.depth if trace.exploded_at is None else trace.exploded_at - 1
    if reached < 1:
        return 0.0
    return float(trace.saturated[reached - 1] - trace.inactive[reached - 1])


def _travel_cell(trace: _Trace) -> tuple[float, str, float, str, float]:
    depth = trace.depth
    saturated = _saturated_share(trace)
    if trace.exploded_at is not None:
        return math.inf, EXPLODED, math.inf, EXPLODED, saturated
    s1, sl = trace.act_std[0], trace.act_std[depth - 1]
    if sl == 0.0 or s1 == 0.0:
        fwd, fwd_status = -math.inf, DEAD
    else:
        fwd, fwd_status = 2.0 * math.log10(sl / s1), OK
    statuses = trace.grad_status
    if statuses[0] != OK or statuses[depth - 1] != OK:
        bad = statuses[0] if statuses[0] != OK else statuses[depth - 1]
        return fwd, fwd_status, (-math.inf if bad == DEAD else math.inf), bad, saturated
    bwd = 2.0 * float(trace.grad_ln[0] - trace.grad_ln[depth - 1]) / LN10
    return fwd, fwd_status, bwd, OK, saturated


def _cell_text(value: float, status: str) -> str:
    if status == DEAD:
        return "dead"
    if status != OK:
        return status
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}"


def variance_travel_curve(
    init: str = "standard_normal",
    activation: str | Activation = "tanh",
    depth: int = 20,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
) -> pd.DataFrame:
    """The per-layer curve behind one ``variance_travel`` cell: ``layer_statistics`` of that
    network plus ``forward_log10`` = log10(Var h_l / Var h_1) and ``backward_log10`` =
    log10(Var ∂h_l / Var ∂h_L) for every layer l (±inf where dead or exploded)."""
    frame = layer_statistics(activation, depth, width, init, 1.0, batch, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = frame["activation_std"].iloc[0]
        forward = 2.0 * np.log10(frame["activation_std"].to_numpy() / first) if first > 0 else -np.inf
    frame["forward_log10"] = np.where(frame["forward_status"] == EXPLODED, math.inf, forward)
    g = frame["grad_log10"].to_numpy()
    top = g[-1]
    frame["backward_log10"] = 2.0 * (g - top) if math.isfinite(top) else np.full(len(frame), top)
    return frame


# --- biases, and why not N(0, 1) ------------------------------------------------------------------


def bias_comparison(
    activation: str | Activation = "relu",
    init: str = "torch_linear_default",
    depth: int = 10,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    constant: float = 0.01,
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The same seeded network with zero biases, a small constant bias and PyTorch's
    U(±1/√fan_in) biases. Columns: ``bias`` ("zeros", "constant", "torch_uniform"),
    ``bias_label``, ``layer``, ``dead_unit_fraction`` (units with f' = 0 for every input),
    ``dead_fraction``, ``preact_mean``, ``preact_std``, ``activation_std``, ``grad_std``."""
    labels = {
        "zeros": "zeros",
        "constant": f"constant {constant:g}",
        "torch_uniform": f"PyTorch U(±1/√{width})",
    }
    frames = []
    for bias in BIASES:
        frame = layer_statistics(
            activation, depth, width, init, 1.0, batch, seed, params=params, bias=bias, bias_value=constant
        )
        frames.append(
            frame[
                [
                    "layer",
                    "dead_unit_fraction",
                    "dead_fraction",
                    "preact_mean",
                    "preact_std",
                    "activation_std",
                    "grad_std",
                ]
            ].assign(bias=bias, bias_label=labels[bias])
        )
    columns = [
        "bias",
        "bias_label",
        "layer",
        "dead_unit_fraction",
        "dead_fraction",
        "preact_mean",
        "preact_std",
    ]
    return pd.concat(frames, ignore_index=True)[[*columns, "activation_std", "grad_std"]]


def describe_biases(table: pd.DataFrame) -> str:
    """A sentence from ``bias_comparison``: at the last layer, the dead-unit fraction and the
    mean pre-activation for each bias option."""
    last = table[table["layer"] == table["layer"].max()]
    parts = [
        f"{row.bias_label}: {row.dead_unit_fraction:.0%} of units dead, mean pre-activation {_sci(row.preact_mean)} "
        f"(std {_sci(row.preact_std)})"
        for row in last.itertuples()
    ]
    return f"At layer {int(table['layer'].max())} — " + "; ".join(parts) + "."


def standard_normal_story(
    activations: Iterable[str | Activation] = ("relu", "tanh", "sigmoid"),
    depth: int = 10,
    width: int = 256,
    batch: int = 256,
    seed: int = 0,
    compare_with: str = "he_normal",
) -> pd.DataFrame:
    """Why not N(0, 1): one row per activation for weights drawn from N(0, 1) at this width,
    beside ``compare_with``. Columns: ``activation``, ``label``, ``init``, ``preact_std_1`` (the
    first layer's pre-activation std; √width for N(0, 1) inputs), ``activation_std_last``,
    ``saturated_last`` (fraction with 0 < |f'| < 0.01 at the last layer: ReLU's exact zeros are
    inactivity, not saturation), ``grad_log10_ratio``
    (log10 of grad_std at layer 1 / at layer L), ``exploded_at``, ``sentence``."""
    depth, width, batch, seed = check_network(depth, width, batch, seed)
    rows = []
    for item in activations:
        act = as_activation(item)
        for init in ("standard_normal", compare_with):
            run = network_run(act, depth, width, init, 1.0, batch, seed)
            t = run.layers
            ok = t[t["forward_status"] == OK]
            last = ok.iloc[-1] if len(ok) else None
            ratio = float(t["grad_log10"].iloc[0] - t["grad_log10"].iloc[-1])
            if not math.isfinite(ratio):
                ratio = math.inf if run.exploded_at else -math.inf
            rows.append(
                {
                    "activation": act.key,
                    "label": act.label,
                    "init": init,
                    "preact_std_1": float(t["preact_std"].iloc[0]),
                    "activation_std_last": float(last["activation_std"]) if last is not None else math.inf,
                    "saturated_last": float(last["saturated_fraction"] - last["dead_fraction"])
                    if last is not None
                    else math.inf,
                    "grad_log10_ratio": ratio,
                    "exploded_at": run.exploded_at,
                    "sentence": _story_sentence(act.label, init, width, depth, t, ratio, run),
                }
            )
    return pd.DataFrame(rows)


def _story_sentence(label, init, width, depth, t, ratio, run) -> str:
    name = get_initializer(init).label
    if run.exploded_at is not None:
        return f"{label} with {name}: the activations exploded at layer {run.exploded_at}."
    first = t.iloc[0]
    last = t.iloc[-1]
    text = (
        f"{label} with {name}: layer 1's pre-activations have std {_sci(first['preact_std'])} "
        f"(√{width} = {math.sqrt(width):.3g} times the weight std for N(0, 1) inputs)"
    )
    # f' = 0 on ReLU's flat side is inactivity, not saturation: count only the small nonzero slopes.
    saturated = last["saturated_fraction"] - last["dead_fraction"]
    if saturated >= 0.5:
        text += f", and {saturated:.0%} of unit-inputs at layer {depth} are saturated (0 < |f'| < 0.01)"
    growth = (last["activation_std"] / first["activation_std"]) ** (1.0 / max(depth - 1, 1))
    text += f"; the activation std changes ×{growth:.3g} per layer"
    if math.isfinite(ratio):
        factor = _sci(10**ratio) if abs(ratio) < 300 else f"10^{ratio:.0f}"
        text += f", and layer 1 receives {factor} times the gradient the top layer receives"
    return text + "."
