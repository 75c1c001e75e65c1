"""What the MLP page says about a trained comparison, written from its numbers: the final losses,
how each layer's updates and gradients compare, the gradient ratio, the identity net's straight
boundary, and which messages are divergences."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...activations import ACTIVATIONS
from .summary import EARLY_EPOCHS

if TYPE_CHECKING:  # the sentences read a comparison; they do not need scikit-learn to do it
    from ...sklearn_mlp import MLPComparison, MLPSnapshot

# The largest gap between the identity net's log-odds and a plane that still counts as "a plane".
STRAIGHT_BOUNDARY_GAP = 1e-6


def training_status(snapshot: MLPSnapshot) -> str:
    """Where training is: "Training 4 networks for N epochs: epoch k of N", with the nets that
    diverged so far."""
    nets, epochs = len(snapshot.settings["activations"]), snapshot.settings["epochs"]
    status = f"Training {nets} network{'s' if nets > 1 else ''} for {epochs} epochs: epoch {snapshot.epoch} of {epochs}"
    if snapshot.diverged:
        stopped = ", ".join(
            f"{ACTIVATIONS[key].label} at epoch {epoch}" for key, epoch in snapshot.diverged.items()
        )
        status += f" (diverged: {stopped})"
    return status


def split_messages(comparison: MLPComparison) -> tuple[list[str], list[str]]:
    """``comparison.messages`` split into (nets that diverged, everything else)."""
    prefixes = tuple(f"{label} diverged at epoch" for label in comparison.summary["label"])
    diverged = [m for m in comparison.messages if m.startswith(prefixes)]
    return diverged, [m for m in comparison.messages if not m.startswith(prefixes)]


def loss_sentence(comparison: MLPComparison) -> str:
    """Each net's final training loss, lowest first, against ln 2 (a net that always says 1/2)."""
    rows = list(comparison.summary.sort_values("final_loss").itertuples(index=False))
    parts = ", ".join(f"{r.label} {r.final_loss:.3g}" for r in rows)
    flat = [r.label for r in rows if 0.9 * math.log(2) <= r.final_loss <= 1.1 * math.log(2)]
    tail = (
        f" Within 10% of ln 2 = {math.log(2):.3f}, the loss of a net that answers 1/2 for every "
        f"point: {' and '.join(flat)}."
        if flat
        else ""
    )
    return f"Training loss after the last epoch: {parts}.{tail}"


def _times(ratio: float, less: str, more: str, same: str) -> str:
    """ "N× less" for a ratio ≥ 2, "N× more" for one ≤ 1/2 (as 1/ratio), else ``same``."""
    if ratio >= 2:
        return f"{ratio:,.0f}× {less}"
    if ratio <= 0.5:
        return f"{1 / ratio:,.0f}× {more}"
    return same


def _early_gradients(comparison: MLPComparison) -> tuple[pd.DataFrame, int, int] | None:
    """Per net, the median gradient norm of the first and the output layer over the recorded epochs
    in the update sentences' window (1 to EARLY_EPOCHS, or the first recorded epoch after 0), with
    that window's first and last epoch; None without gradient norms."""
    g = comparison.gradients
    trained = g[g["epoch"] > 0]
    if trained.empty:
        return None
    until = max(EARLY_EPOCHS, int(trained["epoch"].min()))
    early = trained[trained["epoch"] <= until]
    output = len(comparison.settings["hidden_layers"]) + 1
    medians = early.groupby(["activation", "layer"])["gradient_norm"].median().unstack("layer")
    frame = pd.DataFrame({"first": medians[1], "output": medians[output]})
    return frame, int(early["epoch"].min()), int(early["epoch"].max())


def layer_sentences(comparison: MLPComparison) -> list[str]:
    """Per net: how its first layer's relative update compares with its output layer's early on,
    beside how their gradient norms compare; then what the solver makes of the two (with Adam the
    update sizes do not follow the gradients, with plain SGD they do)."""
    if len(comparison.settings["hidden_layers"]) < 2:
        return []
    epochs = min(EARLY_EPOCHS, int(comparison.summary["epochs"].max()))
    early = _early_gradients(comparison)
    out, contrasts = [], []
    for row in comparison.summary.itertuples(index=False):
        first, last = row.first_layer_update, row.output_layer_update
        if not (first > 0 and last > 0):
            continue
        update_ratio = last / first
        compare = _times(update_ratio, "less than", "more than", "about as much as")
        gradient = ""
        if early is not None and row.activation in early[0].index:
            g_first, g_out = early[0].loc[row.activation, ["first", "output"]]
            if g_first > 0 and g_out > 0:
                gradient_ratio = g_out / g_first
                span = f"epoch {early[1]}" if early[1] == early[2] else f"epochs {early[1]}–{early[2]}"
                gradient = (
                    f"; its gradient norm is {_times(gradient_ratio, 'smaller than', 'larger than', 'about the same as')} "
                    f"the output layer's ({g_first:.1e} against {g_out:.1e}, median over {span})"
                )
                contrasts.append((row.label, update_ratio, gradient_ratio))
        out.append(
            f"**{row.label}**: over epochs 1–{epochs} the first layer's weights change by "
            f"{first:.1e} of their size per epoch (median), {compare} its output layer ({last:.1e}){gradient}."
        )
    if not out:
        return out
    # The net whose first layer's gradient is smallest against its output layer's shows the solver best.
    label, update_ratio, gradient_ratio = max(contrasts, key=lambda c: c[2], default=(None, 1.0, 1.0))
    if comparison.settings["solver"] == "adam":
        note = (
            "Adam, the solver here, divides each weight's step by the root mean square of that weight's "
            "own recent gradients, so a weight moves by about the learning rate or less per step whatever "
            "its gradient's size: these update sizes do not measure the gradient."
        )
        if label is not None and gradient_ratio >= 2 and update_ratio < 2:
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, yet its weights move {_times(update_ratio, 'less than', 'more than', 'about as much as')} "
                "the output layer's relative to their size: the vanishing gradient shows in the gradient "
                "norms, not in Adam's updates."
            )
        elif label is not None and gradient_ratio >= 2:
            gap = ", a far smaller gap than the gradients'" if 3 * update_ratio <= gradient_ratio else ""
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, and its weights move {update_ratio:,.0f}× less relative to their size{gap}."
            )
    else:
        note = (
            "Plain SGD, the solver here, moves each weight by the learning rate times its gradient, so a "
            "layer's update follows its gradient norm (divided by the layer's own size in this heatmap)."
        )
        if label is not None and gradient_ratio >= 2:
            note += (
                f" In the {label} net the first layer's gradient is {gradient_ratio:,.0f}× smaller than the "
                f"output layer's, and its weights move {_times(update_ratio, 'less than', 'more than', 'about as much as')} "
                "the output layer's relative to their size."
            )
    return [*out, note]


def gradient_sentence(comparison: MLPComparison) -> str | None:
    """Each net's gradient norm at the output layer divided by the one at the first layer, early on."""
    g = comparison.gradients
    if g.empty:
        return None
    epoch = int(g.loc[g["epoch"] >= min(10, int(g["epoch"].max())), "epoch"].min())
    at = g[g["epoch"] == epoch].pivot(index="activation", columns="layer", values="gradient_norm")
    last = int(at.columns.max())
    parts = [
        f"{ACTIVATIONS[key].label} {at.loc[key, last] / at.loc[key, 1]:,.3g}"
        for key in comparison.summary["activation"]
        if key in at.index and at.loc[key, 1] > 0
    ]
    if not parts:
        return None
    return (
        f"At epoch {epoch}, the gradient norm at the output layer divided by the one at the first "
        f"layer is: {', '.join(parts)}. The larger the ratio, the more the gradient shrank on its "
        "way back to the first layer."
    )


def linear_boundary_gap(comparison: MLPComparison) -> float | None:
    """For the identity net: the largest gap between its log-odds over the grid and the best plane.

    A linear net's log-odds are exactly a plane in (x0, x1), so its boundary P = 1/2 is a straight
    line; this measures that on the trained net. None without identity, or where its probabilities
    are too near 0 or 1 for the log-odds to be computed exactly."""
    grid = comparison.grid[comparison.grid["activation"] == "identity"]
    p = grid["probability"].to_numpy()
    if len(p) == 0 or not ((p > 1e-9) & (p < 1 - 1e-9)).all():
        return None
    log_odds = np.log(p) - np.log1p(-p)
    design = np.column_stack([grid["x0"].to_numpy(), grid["x1"].to_numpy(), np.ones(len(p))])
    coefficients, *_ = np.linalg.lstsq(design, log_odds, rcond=None)
    return float(np.max(np.abs(design @ coefficients - log_odds)))


def straight_boundary_sentence(comparison: MLPComparison) -> str | None:
    """That the identity net's boundary is a straight line, with the measured gap to a plane; None
    when there is no identity net or its log-odds are not a plane to rounding."""
    gap = linear_boundary_gap(comparison)
    if gap is None or gap >= STRAIGHT_BOUNDARY_GAP:
        return None
    return (
        f"The identity net's log-odds are a plane over (x₀, x₁): the best-fitting plane misses "
        f"them by at most {gap:.0e} anywhere on the grid. So its boundary is a straight "
        f"line, however many layers it has — {len(comparison.settings['hidden_layers'])} here."
    )
