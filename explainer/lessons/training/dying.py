"""Section 3, dying ReLU: units that stop passing a gradient at a too-high learning rate, and where."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...nn.loop import TrainingRun, train
from ...nn.model import DEFAULT_SAMPLES, ModelState, Split, forward, training_data
from ...nn.optimizers import check_learning_rate
from .runs import HIDDEN, SECTION_RECORDS, Comparison, compare_runs, short_number


@dataclass(frozen=True)
class DyingRelu:
    """ReLU at a normal and a too-high learning rate, and Leaky ReLU at the high one.

    ``comparison`` holds the three runs (labels in ``DYING_RUNS`` order). ``lines``: the first
    hidden layer's units of each run drawn on the input plane — run, unit, dead (bool), x0_start,
    x1_start, x0_end, x1_end: the segment of the line w·x + b = 0 inside the plot box (a first-layer
    unit is active on one side of it; a dead one has every training point on its inactive side).
    ``plane``: run, x0, x1, active_share (the share of all hidden units with f′(u) > 0 at that
    point) on an evenly spaced grid. ``points``: the training points (x0, x1, y).
    ``plane_sentences`` read the planes, one per run.
    """

    comparison: Comparison
    lines: pd.DataFrame
    plane: pd.DataFrame
    points: pd.DataFrame
    sentences: list[str]
    plane_sentences: list[str] = field(default_factory=list)


PLANE_LIMIT = 1.6

PLANE_GRID = 41


def _segment(w0: float, w1: float, b: float, limit: float) -> tuple[float, float, float, float] | None:
    """The part of the line w0·x0 + w1·x1 + b = 0 inside [−limit, limit]², or None."""
    points = []
    if w1 != 0:
        for x0 in (-limit, limit):
            x1 = -(b + w0 * x0) / w1
            if -limit <= x1 <= limit:
                points.append((x0, x1))
    if w0 != 0:
        for x1 in (-limit, limit):
            x0 = -(b + w1 * x1) / w0
            if -limit <= x0 <= limit:
                points.append((x0, x1))
    points = list(dict.fromkeys(points))
    if len(points) < 2:
        return None
    (a0, a1), (c0, c1) = points[0], points[-1]
    return a0, a1, c0, c1


def unit_regions(state: ModelState, data: Split, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines, plane) of ``DyingRelu`` for one network without batch norm."""
    full = forward(state, data.X_train, True)
    dead = np.all(full.slopes[0] == 0.0, axis=0)
    W, b = state.weights[0], state.biases[0]
    lines = []
    for j in range(W.shape[1]):
        seg = _segment(float(W[0, j]), float(W[1, j]), float(b[j]) if b.size else 0.0, PLANE_LIMIT)
        if seg is not None:
            lines.append(
                {
                    "run": name,
                    "unit": j + 1,
                    "dead": bool(dead[j]),
                    **dict(zip(("x0_start", "x1_start", "x0_end", "x1_end"), seg, strict=True)),
                }
            )
    axis = np.linspace(-PLANE_LIMIT, PLANE_LIMIT, PLANE_GRID)
    g0, g1 = np.meshgrid(axis, axis)
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    p = forward(state, grid, False)
    with np.errstate(all="ignore"):
        active = sum(np.count_nonzero(s > 0, axis=1) for s in p.slopes) / sum(s.shape[1] for s in p.slopes)
    plane = pd.DataFrame({"run": name, "x0": grid[:, 0], "x1": grid[:, 1], "active_share": active})
    columns = ["run", "unit", "dead", "x0_start", "x1_start", "x0_end", "x1_end"]
    return pd.DataFrame(lines, columns=columns), plane


def dying_relu(
    dataset: str,
    hidden_layers: Sequence[int] = HIDDEN,
    init: str = "he_normal",
    *,
    learning_rate: float = 0.1,
    high_learning_rate: float = 3.0,
    steps: int = 300,
    batch_size: int = 32,
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
    trainer: Callable[..., TrainingRun] = train,
) -> DyingRelu:
    """Three runs from the same weights and batches with plain SGD: ReLU at ``learning_rate``,
    ReLU at ``high_learning_rate``, Leaky ReLU (slope 0.01) at ``high_learning_rate``. CS231n:
    "with a proper setting of the learning rate this is less frequently an issue"; a unit whose
    pre-activation is negative on every input gets no gradient, so its own weights stop moving; in
    layer 1, whose inputs are the fixed data, it stays dead, while a deeper one can come back when the
    layers before it change its inputs (``dead_units`` counts both). ``trainer`` as in
    ``compare_runs``: each run depends on one of the two learning rates."""
    common = dict(
        dataset=dataset,
        hidden_layers=hidden_layers,
        init=init,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    normal = f"ReLU, learning rate {check_learning_rate(learning_rate):g}"
    high = f"ReLU, learning rate {check_learning_rate(high_learning_rate):g}"
    leaky = f"Leaky ReLU, learning rate {high_learning_rate:g}"
    if normal == high:
        raise ValueError(
            f"The two learning rates are the same ({learning_rate:g}); choose a higher one to compare."
        )
    comparison = compare_runs(
        [
            (normal, {**common, "activation": "relu", "learning_rate": learning_rate}),
            (high, {**common, "activation": "relu", "learning_rate": high_learning_rate}),
            (leaky, {**common, "activation": "leaky_relu", "learning_rate": high_learning_rate}),
        ],
        progress,
        trainer,
    )
    data = training_data(dataset, n_samples, noise)
    lines, planes = [], []
    for name, run in comparison.runs.items():
        line, plane = unit_regions(run.state, data, name)
        lines.append(line)
        planes.append(plane)
    points = pd.DataFrame({"x0": data.X_train[:, 0], "x1": data.X_train[:, 1], "y": data.y_train.astype(int)})
    lines_frame = pd.concat(lines, ignore_index=True)
    plane_frame = pd.concat(planes, ignore_index=True)
    return DyingRelu(
        comparison,
        lines_frame,
        plane_frame,
        points,
        _dying_sentences(comparison, normal, high, leaky),
        _plane_sentences(comparison, lines_frame, plane_frame),
    )


def _plane_sentences(comparison: Comparison, lines: pd.DataFrame, plane: pd.DataFrame) -> list[str]:
    parts = []
    for name, run in comparison.runs.items():
        width = run.settings["hidden_layers"][0]
        counts = dead_units(run)
        dead = int(counts.loc[counts["step"] == counts["step"].max(), 1].iloc[0])
        drawn = lines[lines["run"] == name]
        # Only units whose line crosses the panel are drawn; the count covers every unit.
        shown = (
            ""
            if len(drawn) == width or dead == 0
            else f" ({int(drawn['dead'].sum())} of the {len(drawn)} whose lines cross the panel)"
        )
        silent = float(np.mean(plane.loc[plane["run"] == name, "active_share"].to_numpy() == 0))
        where = (
            f"on {silent:.0%} of the plane no hidden unit passes a gradient"
            if silent > 0
            else "every point of the plane has units passing a gradient"
        )
        parts.append(f"**{name}**: {dead} of the {width} first-layer units are dead{shown}, and {where}")
    return [f"{part}." for part in parts]


def dead_units(run: TrainingRun) -> pd.DataFrame:
    """The number of dead units per hidden layer at each evaluation of ``run``: one row per step,
    a column ``step`` and one column per layer (1 = nearest the input), from ``layers.dead_fraction``."""
    widths = pd.Series(run.settings["hidden_layers"], index=range(1, len(run.settings["hidden_layers"]) + 1))
    share = run.layers.pivot(index="step", columns="layer", values="dead_fraction")
    counts = (share * widths).round().astype(int)
    counts.columns = list(counts.columns)
    return counts.reset_index()


def _revival_sentence(run: TrainingRun) -> str:
    """How many dead units came back between evaluations, and the largest fall in one layer's dead
    share; "" if the dead count never fell."""
    counts = dead_units(run).set_index("step")
    falls = (-counts.diff()).clip(lower=0).fillna(0)
    revived = int(falls.to_numpy().sum())
    if revived == 0:
        return ""
    widths = run.settings["hidden_layers"]
    step, layer = falls.stack().idxmax()
    before = counts.index[counts.index.get_loc(step) - 1]
    layers = [int(c) for c in falls.columns if falls[c].sum() > 0]
    where = (
        f"layer {layers[0]}"
        if len(layers) == 1
        else f"layers {', '.join(map(str, layers[:-1]))} and {layers[-1]}"
    )
    return (
        f" Dead is not always final: between evaluations, dead units in {where} came back at least "
        f"{revived} time{'s' if revived > 1 else ''}, as the layers before them moved their inputs (layer {layer}'s dead share "
        f"went from {counts.loc[before, layer] / widths[layer - 1]:.0%} at step {before:,} to "
        f"{counts.loc[step, layer] / widths[layer - 1]:.0%} at step {step:,})."
    )


def _dying_sentences(comparison: Comparison, normal: str, high: str, leaky: str) -> list[str]:
    s = comparison.summary.set_index("run")
    units = int(sum(comparison.runs[normal].settings["hidden_layers"]))
    out = []
    for name in (normal, high):
        run = comparison.runs[name]
        counts = dead_units(run).set_index("step")
        start = int(counts.iloc[0].sum())
        layers = run.layers[run.layers["step"] == run.layers["step"].max()]
        worst = layers.loc[layers["dead_fraction"].idxmax()]
        status = f" It {run.message}." if run.diverged_at is not None else ""
        out.append(
            f"**{name}**: {s.loc[name, 'dead_fraction']:.0%} of the {units} hidden units are dead after "
            f"step {s.loc[name, 'steps_done']:,} (most in layer {int(worst['layer'])}: "
            f"{worst['dead_fraction']:.0%}), against {start / units:.0%} at step 0; training loss "
            f"{short_number(s.loc[name, 'final_loss'])}, test accuracy "
            f"{s.loc[name, 'test_accuracy']:.0%}.{_revival_sentence(run)}{status}"
        )
    out.append(
        f"**{leaky}**: {s.loc[leaky, 'dead_fraction']:.0%} dead — its slope on the left is 0.01, never 0, so "
        f"every unit keeps a gradient; training loss {short_number(s.loc[leaky, 'final_loss'])}, test accuracy "
        f"{s.loc[leaky, 'test_accuracy']:.0%}."
    )
    return out
