"""Section 1, stochastic gradients: a minibatch gradient's error against b, and a race of batch sizes."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ...nn.checks import whole
from ...nn.loop import MAX_STEPS, train
from ...nn.model import (
    DEFAULT_SAMPLES,
    ModelState,
    check_seed,
    forward,
    initial_state,
    loss_and_gradients,
    training_data,
)
from ...nn.optimizers import angle_degrees, global_norm, sum_of_squares
from .runs import HIDDEN, describe_setup, short_number

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)

MAX_TRIALS = 2_000


def minibatch_state(dataset: str, *, trained: bool = False, seed: int = 0) -> ModelState:
    """The network the page's first section measures: ReLU, 3 × 32, He normal, at
    initialization, or after ``train``'s default run (SGD, learning rate 0.1, batch 32, 500 steps)."""
    if not trained:
        return initial_state("relu", HIDDEN, "he_normal", seed=seed)
    run = train(dataset, "relu", HIDDEN, "he_normal", learning_rate=0.1, batch_size=32, steps=500, seed=seed)
    return run.state


def _per_example_trace(state: ModelState, X: np.ndarray, y: np.ndarray) -> float:
    """tr Σ, the summed variance of the per-example gradients (no batch norm): E‖g_b − g‖² =
    tr Σ / b for b examples drawn with replacement. A weight gradient of one example is an outer
    product h_{l−1} δ_lᵀ, so its squared norm is ‖h_{l−1}‖² ‖δ_l‖²; no per-example matrix is built."""
    p = forward(state, X, True)
    n = len(y)
    with np.errstate(all="ignore"):
        delta = (special.expit(p.logits) - y)[:, None]  # one example's own ∂loss_i/∂logit
        total = (np.einsum("ij,ij->i", p.inputs[-1], p.inputs[-1]) + 1.0) * delta[:, 0] ** 2
        mean_grad = [p.inputs[-1].T @ delta / n, delta.sum(axis=0) / n]
        g = delta @ state.weights[-1].T
        for i in range(state.depth - 1, -1, -1):
            dz = g * p.slopes[i]
            h = p.inputs[i]
            total = total + (np.einsum("ij,ij->i", h, h) + 1.0) * np.einsum("ij,ij->i", dz, dz)
            mean_grad += [h.T @ dz / n, dz.sum(axis=0) / n]
            if i:
                g = dz @ state.weights[i].T
    return max(float(np.mean(total)) - sum_of_squares(mean_grad), 0.0)


def minibatch_gradient_error(
    dataset: str,
    model_state: ModelState,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    trials: int = 200,
    seed: int = 0,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    progress: Callable[[float], object] | None = None,
) -> pd.DataFrame:
    """How far a minibatch gradient is from the full-batch gradient, for each batch size b.

    For each b, ``trials`` minibatches of b training points drawn uniformly *with replacement*
    (the i.i.d. setting of the law of large numbers; epoch shuffling draws without replacement and
    is closer still, by √((N − b)/(N − 1))), each one's exact gradient compared with the exact
    gradient over all N training points of ``training_data(dataset, n_samples, noise, data_seed)``
    at ``model_state``. One row per batch size, columns:

    batch_size; trials; relative_error, √(mean ‖g_b − g‖²) / ‖g‖; cosine, the mean cosine between
    g_b and g; law, √(tr Σ / b) / ‖g‖ with tr Σ the total variance of the per-example gradients
    (E‖g_b − g‖² = tr Σ / b exactly; with batch norm the examples of a batch are coupled and the
    law is instead anchored at the smallest batch size, times √(b₀ / b)); examples_per_step (b);
    seconds_per_step, the median measured time of one minibatch gradient here; fitted_slope, the
    least-squares slope of log relative_error against log b (−½ for the law). ``progress`` is
    called with the fraction of batch sizes done.
    """
    sizes = sorted({whole("Each batch size", b, 1, 100_000) for b in batch_sizes})
    if len(sizes) < 2:
        raise ValueError(
            f"batch_sizes needs at least two different sizes to fit a slope; got {list(batch_sizes)}."
        )
    trials = whole("trials", trials, 2, MAX_TRIALS)
    if model_state.batchnorm and sizes[0] < 2:
        raise ValueError("With batch norm every batch needs at least 2 examples; drop batch size 1.")
    data = training_data(dataset, n_samples, noise, data_seed)
    X, y = data.X_train, data.y_train
    _, full = loss_and_gradients(model_state, X, y)
    full_norm = global_norm(full)
    if not (math.isfinite(full_norm) and full_norm > 0):
        raise ValueError(
            f"The full-batch gradient has norm {full_norm:g} at this state, so a relative error is undefined."
        )
    rng = np.random.default_rng(np.random.SeedSequence([check_seed(seed), 11]))
    full_vector = np.concatenate([g.ravel() for g in full])
    rows = []
    with np.errstate(all="ignore"):
        for b in sizes:
            squared, cosines, times = np.empty(trials), np.empty(trials), np.empty(trials)
            for t in range(trials):
                idx = rng.integers(0, len(y), b)
                tick = time.perf_counter()
                _, grads = loss_and_gradients(model_state, X[idx], y[idx])
                times[t] = time.perf_counter() - tick
                vector = np.concatenate([g.ravel() for g in grads])
                diff = vector - full_vector
                squared[t] = diff @ diff
                length = math.sqrt(vector @ vector)
                cosines[t] = (vector @ full_vector) / (length * full_norm) if length > 0 else 0.0
            rows.append(
                {
                    "batch_size": b,
                    "trials": trials,
                    "relative_error": math.sqrt(float(np.mean(squared))) / full_norm,
                    "cosine": float(np.mean(cosines)),
                    "examples_per_step": b,
                    "seconds_per_step": float(np.median(times)),
                }
            )
            if progress is not None:
                progress(len(rows) / len(sizes))
    frame = pd.DataFrame(rows)
    b = frame["batch_size"].to_numpy(dtype=float)
    if model_state.batchnorm:
        law = frame["relative_error"].iloc[0] * np.sqrt(b[0] / b)
    else:
        law = np.sqrt(_per_example_trace(model_state, X, y) / b) / full_norm
    frame.insert(4, "law", law)
    frame["fitted_slope"] = fitted_slope(frame)
    return frame


def fitted_slope(frame: pd.DataFrame, x: str = "batch_size", y: str = "relative_error") -> float:
    """The least-squares slope of log y against log x (rows with y > 0)."""
    keep = frame[frame[y] > 0]
    if len(keep) < 2:
        return math.nan
    return float(np.polyfit(np.log(keep[x].to_numpy(float)), np.log(keep[y].to_numpy(float)), 1)[0])


def _times_length(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def describe_minibatch_error(frame: pd.DataFrame) -> str:
    """The fitted slope against −½, and what the largest batch costs against the smallest."""
    small, large = frame.iloc[0], frame.iloc[-1]
    slope = float(frame["fitted_slope"].iloc[0])
    ratio = large["batch_size"] / small["batch_size"]
    cost = large["seconds_per_step"] / small["seconds_per_step"]
    power = f"{slope:.2f}".replace("-", "−")
    return (
        f"The error of a minibatch gradient falls like b to the power {power} (fitted over b = "
        f"{small['batch_size']:,.0f}–{large['batch_size']:,.0f}; the law of large numbers says −0.50): it is "
        f"{_times_length(small['relative_error'])} the full gradient's length at b = {small['batch_size']:,.0f} and "
        f"{_times_length(large['relative_error'])} at b = {large['batch_size']:,.0f}, where the minibatch gradient "
        f"points within {angle_degrees(large['cosine']):.0f}° of the full one on average (cosine "
        f"{large['cosine']:.2f}). {ratio:,.0f}× the examples bought {small['relative_error'] / large['relative_error']:.1f}× "
        f"less error, and cost {cost:.1f}× the time per step here."
    )


@dataclass(frozen=True)
class BatchRace:
    """Training runs that differ only in batch size, each processing the same number of examples.

    ``setup`` describes the shared network and training. ``curves``: one row per evaluation and run — run (a label such as "b = 16"), batch_size,
    step, examples, train_loss, val_loss. ``summary``: one row per run — run, batch_size, steps,
    seconds (update steps only), final_loss, diverged_at, target_loss (the highest final training
    loss of the runs that did not diverge; <NA> if all did), examples_to_target (examples processed at the first evaluation at or below
    it; <NA> if never), seconds_to_target (``seconds`` pro rata).
    """

    curves: pd.DataFrame
    summary: pd.DataFrame
    sentences: list[str]
    setup: str = ""


def _race_label(b: int, n_train: int) -> str:
    return f"full batch ({n_train})" if b == n_train else f"b = {b}"


def batch_size_race(
    dataset: str,
    activation: str = "relu",
    hidden_layers: Sequence[int] = HIDDEN,
    init: str = "he_normal",
    *,
    batch_sizes: Sequence[int | None] = (1, 16, 128, None),
    examples: int = 1_200,
    learning_rate: float = 0.05,
    optimizer: str = "sgd",
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    noise: float | None = None,
    data_seed: int = 0,
    progress: Callable[[float], object] | None = None,
) -> BatchRace:
    """``train`` once per batch size (None = the whole training set) for ``examples`` examples
    each (steps = examples // b), same weights, same learning rate; see ``BatchRace``."""
    n_train = training_data(dataset, n_samples, noise, data_seed).n_train
    sizes = list(dict.fromkeys(n_train if b is None else min(int(b), n_train) for b in batch_sizes))
    examples = whole("examples", examples, 1, MAX_STEPS * 8)
    plans = [(b, max(1, examples // b)) for b in sizes]
    if any(s > MAX_STEPS for _, s in plans):
        raise ValueError(
            f"{examples:,} examples at batch size {sizes[0]} would be more than {MAX_STEPS:,} steps."
        )
    total = sum(s for _, s in plans)
    curves, summary, done, setup = [], [], 0, ""
    for b, n_steps in plans:
        report = None if progress is None else (lambda f, d=done, s=n_steps: progress((d + f * s) / total))
        run = train(
            dataset,
            activation,
            hidden_layers,
            init,
            optimizer=optimizer,
            learning_rate=learning_rate,
            batch_size=b,
            steps=n_steps,
            seed=seed,
            n_samples=n_samples,
            noise=noise,
            data_seed=data_seed,
            record_every=max(1, n_steps // 50),
            progress=report,
        )
        done += n_steps
        setup = setup or describe_setup(run).split(", batch ")[0] + f", {n_train} training points"
        label = _race_label(b, n_train)
        part = run.history[["step", "examples", "train_loss", "val_loss"]].copy()
        part.insert(0, "batch_size", b)
        part.insert(0, "run", label)
        curves.append(part)
        summary.append(
            {
                "run": label,
                "batch_size": b,
                "steps": n_steps,
                "seconds": run.train_seconds,
                "final_loss": float(run.final["train_loss"]),
                "diverged_at": run.diverged_at,
            }
        )
    curves_frame = pd.concat(curves, ignore_index=True)
    summary_frame = pd.DataFrame(summary)
    summary_frame["diverged_at"] = pd.array(summary_frame["diverged_at"].tolist(), dtype="Int64")
    finished = summary_frame[summary_frame["diverged_at"].isna()]
    # The target is where the slowest run that did not diverge ended.
    target = float(finished["final_loss"].max()) if len(finished) else math.nan
    reached = []
    for row in summary_frame.itertuples(index=False):
        hits = curves_frame[(curves_frame["run"] == row.run) & (curves_frame["train_loss"] <= target)]
        reached.append(int(hits["examples"].iloc[0]) if len(hits) else pd.NA)
    summary_frame["target_loss"] = pd.array([target] * len(summary_frame), dtype="Float64")
    summary_frame.loc[summary_frame["target_loss"].isna(), "target_loss"] = pd.NA
    summary_frame["examples_to_target"] = pd.array(reached, dtype="Int64")
    # Every step of a run costs about the same, so the time to the target is pro rata.
    summary_frame["seconds_to_target"] = pd.array(
        [
            pd.NA if pd.isna(e) else row.seconds * e / (row.steps * row.batch_size)
            for e, row in zip(reached, summary_frame.itertuples(index=False), strict=True)
        ],
        dtype="Float64",
    )
    return BatchRace(curves_frame, summary_frame, _race_sentences(summary_frame, examples), setup)


def _race_sentences(summary: pd.DataFrame, examples: int) -> list[str]:
    diverged = [
        f"{row.run} diverged at step {row.diverged_at:,}, after {row.diverged_at * row.batch_size:,} examples."
        for row in summary.itertuples(index=False)
        if not pd.isna(row.diverged_at)
    ]
    finished = summary[summary["diverged_at"].isna()]
    if finished.empty:
        return [f"Every run diverged at this learning rate: {' '.join(diverged)}"]
    slowest = finished.loc[finished["final_loss"].idxmax()]
    target = float(slowest["final_loss"])
    out = [
        f"Every run processed {examples:,} examples. The slowest, {slowest['run']}, ended at a training "
        f"loss of {short_number(target)} after {slowest['steps']:,} steps."
    ]
    for row in finished.itertuples(index=False):
        if row.run == slowest["run"] or pd.isna(row.examples_to_target):
            continue
        if row.examples_to_target == 0:
            out.append(
                f"{row.run} was already at or below that loss at the start and ended at {short_number(row.final_loss)}."
            )
            continue
        out.append(
            f"{row.run} reached that loss within {row.examples_to_target:,} examples "
            f"({examples / row.examples_to_target:.1f}× fewer; about {row.seconds_to_target:.3f} s here) "
            f"and ended at {short_number(row.final_loss)}."
        )
    out.extend(diverged)
    out.append(
        f"{slowest['run']} took {slowest['seconds']:.3f} s for its {slowest['steps']:,} steps. For the same "
        "number of examples a small batch makes many more updates; each one is noisier."
    )
    return out
