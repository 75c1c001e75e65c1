"""What the training page shows of its runs: tables as a learner reads them, chart rows, captions."""

from __future__ import annotations

import pandas as pd

from .dying import DyingRelu
from .minibatch import BatchRace
from .runs import Comparison
from .stopping import EarlyStopping

# The clipping chart's loss axis stops here, so a diverging run does not squash the others.
LOSS_CAP = 100.0


def minibatch_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The minibatch-error rows (``minibatch_gradient_error``) as a learner reads them."""
    return pd.DataFrame(
        {
            "batch size b": frame["batch_size"],
            "relative error ‖g_b − g‖/‖g‖": frame["relative_error"].round(3),
            "1/√b law": frame["law"].round(3),
            "mean cosine with g": frame["cosine"].round(3),
            "µs per step": (frame["seconds_per_step"] * 1e6).round(0),
        }
    )


def race_table(race: BatchRace) -> pd.DataFrame:
    """The batch-size race summary as a learner reads it."""
    s = race.summary
    return pd.DataFrame(
        {
            "run": s["run"],
            "steps": s["steps"],
            "final training loss": s["final_loss"].round(4),
            f"examples to reach {s['target_loss'].iloc[0]:.3f}": [
                "never" if pd.isna(e) else f"{e:,}" for e in s["examples_to_target"]
            ],
            "seconds (all steps)": s["seconds"].round(3),
        }
    )


def summary_table(comparison: Comparison) -> pd.DataFrame:
    """One row per run of a comparison, as a learner reads it."""
    s = comparison.summary
    return pd.DataFrame(
        {
            "run": s["run"],
            "training loss": [
                f"{a:.3g} → {b:.3g}" for a, b in zip(s["initial_loss"], s["final_loss"], strict=True)
            ],
            "test accuracy": s["test_accuracy"].round(3),
            "dead units": [f"{d:.0%}" for d in s["dead_fraction"]],
            "layer 1 ÷ last layer gradient": [f"{r:.3g}" for r in s["first_over_last"]],
            "steps": s["steps_done"],
            "diverged": ["no" if pd.isna(d) else f"at step {d}" for d in s["diverged_at"]],
        }
    )


def stopping_table(stopping: EarlyStopping) -> pd.DataFrame:
    """The early-stopping policies as a learner reads them."""
    s = stopping.summary
    return pd.DataFrame(
        {
            "policy": s["policy"],
            "weights from step": s["step"],
            "validation loss": s["val_loss"].round(3),
            "test loss": s["test_loss"].round(3),
            "test accuracy": s["test_accuracy"].round(3),
        }
    )


def gradient_rows(comparison: Comparison) -> pd.DataFrame:
    """run, key, label, step, layer, grad_norm: the gradient heatmap's cells."""
    return comparison.layers[["run", "key", "label", "step", "layer", "grad_norm"]]


def dead_rows(dying: DyingRelu) -> pd.DataFrame:
    """run, step, layer, dead_fraction of the three dying-ReLU runs."""
    return dying.comparison.layers[["run", "step", "layer", "dead_fraction"]]


def batchnorm_frames(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(loss curves: run, step, train_loss; per-layer spread: run, step, layer, activation_std,
    saturated_fraction; the two modes: step, mode, loss on the validation points) for the
    batch-norm section."""
    losses = comparison.history[["run", "step", "train_loss"]]
    spread = comparison.layers[["run", "step", "layer", "activation_std", "saturated_fraction"]]
    on = comparison.runs["with batch norm"].history
    modes = on.melt(
        id_vars="step", value_vars=["val_loss", "train_mode_val_loss"], var_name="mode", value_name="loss"
    ).replace(
        {
            "mode": {
                "val_loss": "inference mode (running statistics)",
                "train_mode_val_loss": "training mode (the batch's statistics)",
            }
        }
    )
    return losses, spread, modes


def clipping_frames(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(loss curves: run, step, train_loss; per step of the clipped runs, the angle between the
    clipped and the raw gradient: run, step, angle, grad_norm, clipped_norm)."""
    losses = comparison.history[["run", "step", "train_loss"]]
    angles = comparison.steps[comparison.steps["run"] != "no clipping"][
        ["run", "step", "angle", "grad_norm", "clipped_norm"]
    ]
    return losses, angles


def divergence_warnings(comparison: Comparison) -> list[str]:
    """ "**<run>** diverged at step k: …" for each run of a comparison that diverged."""
    return [
        f"**{name}** {run.message}." for name, run in comparison.runs.items() if run.diverged_at is not None
    ]


def zero_gradient_caption(comparison: Comparison) -> str | None:
    """A sentence naming runs with exactly-zero layer gradients (blank on the log heatmap); None
    when there are none."""
    zero = comparison.layers[comparison.layers["grad_norm"] == 0]
    if zero.empty:
        return None
    parts = [f"{run} ({len(rows)} cells)" for run, rows in zero.groupby("run", sort=False)]
    return (
        f"Blank cells are layers whose gradient is exactly 0 (a log scale cannot show 0): {', '.join(parts)}."
    )


def loss_cap_caption(losses: pd.DataFrame) -> str | None:
    """For runs whose loss passes ``LOSS_CAP``: where, and the largest value reached; None when
    no run does."""
    over = losses[losses["train_loss"] > LOSS_CAP]
    if over.empty:
        return None
    parts = [
        f"{run}'s training loss passes {LOSS_CAP:g} at step {rows['step'].min():,} and reaches "
        f"{rows['train_loss'].max():.2g}"
        for run, rows in over.groupby("run", sort=False)
    ]
    return "; ".join(parts) + ". Above that the line runs along the top edge of the chart."
