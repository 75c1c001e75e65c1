"""Section 5, gradient clipping: an exploding network trained unclipped, clipped by value and by norm."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from ...nn.loop import TrainingRun, train
from ...nn.model import DEFAULT_SAMPLES
from .runs import SECTION_RECORDS, Comparison, compare_runs, short_number


def clipping_comparison(
    dataset: str,
    activation: str = "relu",
    hidden_layers: Sequence[int] = (32,) * 6,
    init: str = "he_normal",
    *,
    gain: float = 2.0,
    learning_rate: float = 0.1,
    value_threshold: float = 0.1,
    norm_threshold: float = 1.0,
    steps: int = 200,
    batch_size: int = 32,
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    progress: Callable[[float], object] | None = None,
    trainer: Callable[..., TrainingRun] = train,
) -> Comparison:
    """An exploding setting (weights ``gain`` × ``init``) trained with plain SGD three ways: runs
    "no clipping", "clip by value (<threshold>)" (each entry to ±``value_threshold``) and
    "clip by norm (<threshold>)" (global norm at most ``norm_threshold``); Pascanu et al. (2013). ``trainer`` as in
    ``compare_runs``: the unclipped run does not depend on either threshold."""
    common = dict(
        dataset=dataset,
        activation=activation,
        hidden_layers=hidden_layers,
        init=init,
        gain=gain,
        learning_rate=learning_rate,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        n_samples=n_samples,
        noise=noise,
        record_every=max(1, steps // SECTION_RECORDS),
    )
    comparison = compare_runs(
        [
            ("no clipping", {**common, "clip": None}),
            (f"clip by value ({value_threshold:g})", {**common, "clip": ("value", value_threshold)}),
            (f"clip by norm ({norm_threshold:g})", {**common, "clip": ("norm", norm_threshold)}),
        ],
        progress,
        trainer,
    )
    return replace(comparison, sentences=_clipping_sentences(comparison))


def clipping_effect(run: TrainingRun) -> dict:
    """For one run: steps (updates made), clipped_steps (whose gradient clipping changed),
    median_angle and max_angle (degrees between clipped and raw gradient over those steps; 0
    when none), min_cosine, first_angle (at step 1; 0 without steps), median_raw_norm (0
    without steps). A clipped gradient is always shorter than the raw one, so "changed" is read
    off the norms."""
    s = run.steps
    changed = s[s["clipped_norm"] != s["grad_norm"]] if run.settings["clip"] else s.iloc[0:0]
    return {
        "steps": len(s),
        "clipped_steps": len(changed),
        "median_angle": float(changed["angle"].median()) if len(changed) else 0.0,
        "max_angle": float(changed["angle"].max()) if len(changed) else 0.0,
        "min_cosine": float(s["cosine"].min()) if len(s) else 1.0,
        "first_angle": float(s["angle"].iloc[0]) if len(s) else 0.0,
        "median_raw_norm": float(s["grad_norm"].median()) if len(s) else 0.0,
    }


def _angle(degrees: float) -> str:
    return f"{degrees:.0f}°" if degrees >= 0.5 or degrees == 0 else f"{degrees:.0e}°"


def _clipping_sentences(comparison: Comparison) -> list[str]:
    out = []
    for name, run in comparison.runs.items():
        effect = clipping_effect(run)
        loss = float(run.final["train_loss"])
        if run.settings["clip"] is None:
            first = run.steps["grad_norm"].iloc[0] if len(run.steps) else math.nan
            fate = (
                f"{run.message}"
                if run.diverged_at is not None
                else f"ended at a training loss of {short_number(loss)}"
            )
            out.append(f"**{name}**: the first gradient's norm is {first:,.3g}; the run {fate}.")
            continue
        mode = run.settings["clip"][0]
        fate = (
            run.message
            if run.diverged_at is not None
            else f"ended at a training loss of {short_number(loss)}"
        )
        if effect["clipped_steps"] == 0:
            bound = "entries stayed within ±" if mode == "value" else "norm stayed at most "
            out.append(
                f"**{name}**: clipping never changed a step — the gradient's {bound}{run.settings['clip'][1]:g} "
                f"in all {effect['steps']:,}; the run {fate}."
            )
        elif mode == "value":
            out.append(
                f"**{name}**: clipping changed {effect['clipped_steps']:,} of {effect['steps']:,} steps and turned "
                f"the update by a median {_angle(effect['median_angle'])} from the raw gradient (at most "
                f"{_angle(effect['max_angle'])}); the run {fate}."
            )
        else:
            out.append(
                f"**{name}**: clipping shortened {effect['clipped_steps']:,} of {effect['steps']:,} steps and "
                f"turned none of them: the largest angle is {_angle(effect['max_angle'])} (the cosine differs "
                f"from 1 by {1.0 - effect['min_cosine']:.0e}, rounding error); the run {fate}."
            )
    return out
