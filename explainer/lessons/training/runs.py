"""Training runs side by side (``Comparison``), what the sections read off a run, and shared number formats."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...activations import ACTIVATIONS
from ...initializers import INITIALIZERS
from ...nn.loop import TrainingRun, check_steps, train

HIDDEN = (32, 32, 32)  # the network of the page's first and third sections

SECTION_RECORDS = 20  # evaluations per run in the page's comparisons


@dataclass(frozen=True)
class Comparison:
    """Labelled training runs of one page section, as tidy tables.

    ``history``, ``layers`` and ``steps`` are the runs' tables (see ``TrainingRun``) stacked, each
    row led by run (the run's label), key (its activation's registry key) and label (the
    activation's label). ``summary``: one row per run — run, key, label, initial_loss,
    final_loss (training loss), val_loss, test_accuracy, dead_fraction (share of all hidden units
    dead at the end), first_over_last (layer 1's gradient norm over the last hidden layer's, at
    the end), steps_done, diverged_at (<NA> if none). ``sentences`` are written from these numbers.
    """

    runs: dict[str, TrainingRun]
    history: pd.DataFrame
    layers: pd.DataFrame
    steps: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str] = field(default_factory=list)


def _dead_share(run: TrainingRun, step: int | None = None) -> float:
    """The share of all hidden units dead at ``step`` (default the last evaluation)."""
    layers = run.layers
    at = layers[layers["step"] == (layers["step"].max() if step is None else step)]
    widths = np.asarray(run.settings["hidden_layers"], dtype=float)
    return float(np.sum(at["dead_fraction"].to_numpy() * widths[: len(at)]) / widths.sum())


def gradient_ratio(run: TrainingRun, step: int | None = None) -> float:
    """Layer 1's full-batch gradient norm over the last hidden layer's (inf or 0 at the edges)."""
    layers = run.layers
    at = layers[layers["step"] == (layers["step"].max() if step is None else step)].sort_values("layer")
    first, last = float(at["grad_norm"].iloc[0]), float(at["grad_norm"].iloc[-1])
    if last == 0:
        return math.inf if first > 0 else 1.0
    return first / last


def compare_runs(
    plans: Sequence[tuple[str, Mapping]],
    progress: Callable[[float], object] | None = None,
    trainer: Callable[..., TrainingRun] = train,
) -> Comparison:
    """``train(**kwargs)`` for each (run label, kwargs) in ``plans``, stacked into a ``Comparison``
    (without sentences); ``progress`` sees the fraction of all steps done. ``trainer`` stands in
    for ``train`` with the same arguments and result (an app's cached ``train``, so that a setting
    that changes one run of a section retrains that run alone). A trainer with a ``train_all``
    method is given every run at once, ``trainer.train_all([kwargs, ...])`` with each kwargs'
    own ``progress``, and returns their runs in order: it may train them side by side."""
    steps = [check_steps(kwargs["steps"]) for _, kwargs in plans]
    total, fractions = sum(steps), [0.0] * len(plans)

    def report_for(index: int) -> Callable[[float], None] | None:
        if progress is None:
            return None

        def report(fraction: float) -> None:
            fractions[index] = fraction
            progress(sum(f * n for f, n in zip(fractions, steps, strict=True)) / total)

        return report

    calls = [{**kwargs, "progress": report_for(index)} for index, (_, kwargs) in enumerate(plans)]
    train_all = getattr(trainer, "train_all", None)
    trained = train_all(calls) if train_all is not None else [trainer(**call) for call in calls]
    runs = {name: run for (name, _), run in zip(plans, trained, strict=True)}
    frames: dict[str, list[pd.DataFrame]] = {"history": [], "layers": [], "steps": []}
    summary = []
    for name, run in runs.items():
        key = run.settings["activation"]
        for table in frames:
            part = getattr(run, table).copy()
            part.insert(0, "label", ACTIVATIONS[key].label)
            part.insert(0, "key", key)
            part.insert(0, "run", name)
            frames[table].append(part)
        summary.append(
            {
                "run": name,
                "key": key,
                "label": ACTIVATIONS[key].label,
                "initial_loss": float(run.history["train_loss"].iloc[0]),
                "final_loss": float(run.final["train_loss"]),
                "val_loss": float(run.final["val_loss"]),
                "test_accuracy": float(run.final["test_accuracy"]),
                "dead_fraction": _dead_share(run),
                "first_over_last": gradient_ratio(run),
                "steps_done": int(run.final["step"]),
                "diverged_at": run.diverged_at,
            }
        )
    summary_frame = pd.DataFrame(summary)
    summary_frame["diverged_at"] = pd.array(summary_frame["diverged_at"].tolist(), dtype="Int64")
    stacked = {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
    return Comparison(runs, stacked["history"], stacked["layers"], stacked["steps"], summary_frame)


def describe_setup(run: TrainingRun) -> str:
    """The run's network and training in one line, e.g. "3 hidden layers × 32, He normal, plain
    SGD, batch 32, 400 steps"."""
    s = run.settings
    widths = s["hidden_layers"]
    shape = (
        f"{len(widths)} hidden layers × {widths[0]}" if len(set(widths)) == 1 else f"hidden layers {widths}"
    )
    init = INITIALIZERS[s["init"]].label + (f" × {s['gain']:g}" if s["gain"] != 1 else "")
    optimizer = {"sgd": "plain SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}[s["optimizer"]]
    clip = f", clipped by {s['clip'][0]} at {s['clip'][1]:g}" if s["clip"] else ""
    bn = ", batch norm" if s["batchnorm"] else ""
    return (
        f"{shape}, {init}{bn}, {optimizer} at learning rate {s['learning_rate']:g}{clip}, batch "
        f"{s['batch_size']}, {s['steps']:,} steps, {s['n_train']} training points"
    )


def short_number(value: float) -> str:
    """A loss or other value in a sentence: three decimals, or scientific notation far from 1."""
    return f"{value:.3f}" if 1e-3 <= abs(value) < 1e4 else f"{value:.2e}"


def ratio_phrase(ratio: float) -> str:
    """A ratio to put before "layer k's": "1/230 of", "0.65×", "4.2×"."""
    if not math.isfinite(ratio):
        return "infinitely more than"
    if ratio == 0:
        return "none of"
    if ratio < 0.1:
        return f"1/{1 / ratio:,.0f} of"
    return f"{ratio:,.2g}×" if ratio < 10 else f"{ratio:,.0f}×"
