"""The MLP page's tables and chart data, read from a trained comparison (or a snapshot while it
trains): each frame labelled with its activations, ReLU's dead units per layer, the boundary
panels' titles and rows, and the summary table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...activations import ACTIVATIONS
from .summary import REACHED

if TYPE_CHECKING:  # the tables read a comparison; they do not need scikit-learn to do it
    from ...sklearn_mlp import MLPComparison, MLPSnapshot


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a comparison's history, updates or gradients) with its ``activation`` column as
    ``key`` and the activation's label beside it, as the charts take it."""
    out = frame.rename(columns={"activation": "key"})
    out.insert(1, "label", out["key"].map({key: a.label for key, a in ACTIVATIONS.items()}))
    return out


def dead_units(comparison: MLPComparison) -> pd.DataFrame:
    """ReLU's dead fraction per hidden layer and epoch, with a series name per layer."""
    dead = comparison.dead.drop(columns="activation")
    dead.insert(0, "hidden layer", "layer " + dead["layer"].astype(str))
    return dead


def panel_titles(comparison: MLPComparison) -> dict[str, str]:
    """Registry key → decision-boundary panel title, with the net's test accuracy."""
    titles = {}
    for row in comparison.summary.itertuples(index=False):
        status = f", diverged at epoch {row.diverged_epoch}" if row.diverged else ""
        titles[row.activation] = f"{row.label}: test accuracy {row.test_accuracy:.2f}{status}"
    return titles


def training_titles(snapshot: MLPSnapshot) -> dict[str, str]:
    """Registry key → boundary panel title while training: the net's test accuracy at its last
    epoch so far (the snapshot's, or later for nets trained side by side in another process), or
    the epoch it diverged at."""
    last = snapshot.history.groupby("activation", sort=False).tail(1).set_index("activation")
    titles = {}
    for key in snapshot.settings["activations"]:
        label = ACTIVATIONS[key].label
        if key in snapshot.diverged:
            titles[key] = f"{label}: diverged at epoch {snapshot.diverged[key]}"
        else:
            titles[key] = (
                f"{label}: test accuracy {last.loc[key, 'test_accuracy']:.2f} at epoch {last.loc[key, 'epoch']}"
            )
    return titles


def titled_grid(grid: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The rows of ``grid`` (a comparison's or a snapshot's) for the panels in ``titles``, with
    each panel's ``title`` and ``order`` (its place in ``titles``), as the boundary template reads them."""
    rows = grid[grid["activation"].isin(list(titles))]
    order = {key: place for place, key in enumerate(titles)}
    return rows.assign(title=rows["activation"].map(titles), order=rows["activation"].map(order))


def summary_table(comparison: MLPComparison) -> pd.DataFrame:
    """One row per activation, as a learner reads it: words where a number does not apply."""
    s = comparison.summary
    reach = f"test ≥ {REACHED:g} at"
    return pd.DataFrame(
        {
            "activation": s["label"],
            "scikit-learn": s["sklearn_name"],
            "train acc": s["train_accuracy"].round(3),
            "test acc": s["test_accuracy"].round(3),
            "loss": s["final_loss"].round(4),
            "epochs": s["epochs"],
            "diverged": [
                f"epoch {e}" if d else "no" for d, e in zip(s["diverged"], s["diverged_epoch"], strict=True)
            ],
            reach: ["never" if pd.isna(e) else f"epoch {e}" for e in s["epochs_to_reach"]],
            "dead units": ["—" if pd.isna(d) else f"{d:.0%}" for d in s["dead_fraction"]],
            "fit s": s["fit_seconds"].round(2),
        }
    )
