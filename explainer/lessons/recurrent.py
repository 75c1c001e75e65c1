"""The "Through time" page's text: its prose and scenes, the tables it draws from, and the
sentences it writes from the numbers just computed (where the gradient fell below 1e-6, the
bound, the forget gates, the adding problem's losses, clipping)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..nn.recurrent import (
    ADDING_BASELINE,
    BATCH_SIZE,
    CELL_LABELS,
    GRAD_LOG10_FLOOR,
    RecurrentTraining,
    adding_batch,
)

# The adding problem's runs on the page: every cell this size, Adam at this rate; the clipping
# demonstration with plain SGD, as Pascanu et al. trained.
SMOOTHING = 20  # iterations in the running mean of the loss curves
TRAIN_HIDDEN = 8
TRAIN_LEARNING_RATE = 0.03
CLIP_LEARNING_RATE = 0.01
CLIP_HIDDEN = 16

INTRO = (
    "A recurrent network applies the same weights at every step, so backpropagating through T steps "
    "multiplies T Jacobians of **one** matrix: depth is time. This page measures ‖∂L/∂h_t‖, the "
    "gradient of a loss at the last step with respect to the state t steps earlier, for a plain RNN, "
    "a GRU and an LSTM of the same size on the same random inputs, then trains all three on a task "
    "that needs a memory."
)
GRADIENTS = (
    "Each cell reads the same sequence of random inputs (standard normal) for T steps; the loss is "
    "L = v·h_T for a random unit vector v, so ‖∂L/∂h_T‖ = 1 and every line starts at 1 on the right. "
    "The backward vector is rescaled every step and the logarithms summed, so the chart stays exact "
    "far below 1e-308. The plain RNN's recurrent matrix is ρ times a random orthogonal matrix: its "
    "spectral radius and its largest singular value σ_max are both ρ. The grey dashed line is the "
    "bound of Pascanu, Mikolov & Bengio (2013, ICML, §2.1 and §3): with tanh, |f′| ≤ 1, each "
    "Jacobian ∂h_t/∂h_{t−1} = diag(f′)·W_hᵀ has norm at most σ_max, so "
    "‖∂L/∂h_t‖ ≤ ‖∂L/∂h_T‖·σ_max^(T−t). Below σ_max = 1 the gradient **must** vanish; above 1 it "
    "**may** explode — the bound allows it, and saturating units often prevent it."
)
CELL_PATH = (
    "The LSTM's cell state is updated by addition, c_t = f_t⊙c_{t−1} + i_t⊙g_t, so along the "
    "cell state the backward pass multiplies by the forget gates alone: ∂c_t/∂c_{t−1} = diag(f_t) "
    "on this path, with no weight matrix and no squashing slope. Where f stays near 1 the gradient "
    "passes almost unchanged; the plain RNN multiplies by σ_max·max|f′| or less at every step. The "
    "LSTM's gradient also flows through its gates and W_h, so the sentences below compare the "
    "forget gates' product with what was measured. "
    "Jozefowicz, Zaremba & Sutskever (2015, ICML, *An Empirical Exploration of Recurrent Network "
    "Architectures*) recommend a forget-gate bias of 1, so f starts near σ(1) ≈ 0.73 instead of ½."
)
ADDING = (
    "The adding problem (Hochreiter & Schmidhuber 1997), in the form we set up here: each step "
    "gives a number drawn uniformly from [0, 1] and a marker; two steps are marked, one in each half "
    "of the sequence, and after the last step the network must output the sum of the two marked "
    "numbers. Always answering 1 scores a mean squared error of Var[u₁ + u₂] = 2·(1/12) = **1/6 ≈ "
    "0.167**, the baseline: a network that stays there has learned nothing about the marked numbers. "
    f"Our runs: {TRAIN_HIDDEN} units each, Adam (learning rate {TRAIN_LEARNING_RATE:g}), minibatches "
    f"of {BATCH_SIZE} fresh sequences, float64, seeded; the curves show each run's loss averaged over "
    f"{SMOOTHING} iterations."
)
CLIPPING = (
    "An RNN that explodes: ReLU units with the recurrent matrix ρ·I (identity initialisation, Le, "
    "Jaitly & Hinton 2015) and ρ > 1, so both the state and the gradient grow like ρ^T. Trained with "
    f"plain SGD (learning rate {CLIP_LEARNING_RATE:g}), {CLIP_HIDDEN} units, twice from the same weights and sequences: without clipping, "
    "and clipping the whole gradient to norm at most the threshold when it is longer (Pascanu, "
    "Mikolov & Bengio 2013, Algorithm 1, as PyTorch's `clip_grad_norm_`)."
)

SCENE_LABELS = {
    "vanishing_tanh_rnn": "A tanh RNN forgets (ρ = 0.9, 300 steps)",
    "exploding_rnn_clipped": "An exploding RNN, rescued by clipping",
    "lstm_forget_bias": "The LSTM's forget bias at 0",
    "adding_problem_T50": "The adding problem at T = 50",
}
SCENE_DESCRIPTIONS = {
    "vanishing_tanh_rnn": (
        "300 steps with the plain RNN's recurrent matrix at ρ = 0.9: Pascanu et al.'s bound alone "
        "forces ‖∂L/∂h_1‖ below 0.9^299 ≈ 2e-14 of ‖∂L/∂h_T‖; the sentences under the chart say how "
        "far the measured gradients fall, cell by cell."
    ),
    "exploding_rnn_clipped": (
        "A ReLU RNN with the identity scaled to ρ = 1.2 trained on the adding problem of length 50 with "
        "plain SGD, once as it is and once clipping the gradient's norm at 1."
    ),
    "lstm_forget_bias": (
        "The LSTM with its forget-gate bias at 0 instead of 1, over 300 steps: its forget gates start "
        "near σ(0) = ½; the sentences compare its gradient with the same LSTM's at bias 1."
    ),
    "adding_problem_T50": (
        "The plain RNN, the GRU and the LSTM trained on the adding problem of length 50; the "
        "sentences under the curves say which left the baseline of 1/6."
    ),
}

FADE_LOG10 = -6.0  # "fell below 1e-6 of its value at T"
SOLVED_FRACTION = 0.1  # a run "solved" the task below a tenth of the baseline
STALLED_FRACTION = 0.8  # a run "stayed at the baseline" above 80 % of it


def power(log10: float) -> str:
    """A number given by its log10 as text: 3e-9, 0.25, 1e+120; "exactly 0" at the floor."""
    if log10 <= GRAD_LOG10_FLOOR:
        return "exactly 0"
    if -3 <= log10 <= 3:
        return f"{10.0**log10:.2g}"
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if round(mantissa, 0) >= 10:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.0f}e{exponent:+d}".replace("e+", "e")


def fade_step(frame: pd.DataFrame, threshold_log10: float = FADE_LOG10) -> int | None:
    """The latest step t at which ‖∂L/∂h_t‖ is below 10**threshold of its value at T (the first
    step going back from T where it fell below), or None if it never did."""
    relative = frame["grad_log10"].to_numpy() - float(frame["grad_log10"].iloc[-1])
    below = np.flatnonzero(relative < threshold_log10)
    return int(frame["t"].iloc[below[-1]]) if below.size else None


def decay_sentence(label: str, frame: pd.DataFrame) -> str:
    """How far ‖∂L/∂h_1‖ is from ‖∂L/∂h_T‖ for one cell, and at which step it fell below 1e-6."""
    steps = int(frame["t"].iloc[-1])
    first = float(frame["grad_log10"].iloc[0] - frame["grad_log10"].iloc[-1])
    step = fade_step(frame)
    if step is None:
        fade = "it never fell below 1e-6 of its value at T"
    else:
        fade = f"it fell below 1e-6 of its value at T at step {step:,} of {steps:,} ({steps - step:,} steps back)"
    return f"**{label}**: ‖∂L/∂h_1‖ is {power(first)} of ‖∂L/∂h_T‖; {fade}."


def bound_sentence(rnn: pd.DataFrame, sigma_max: float) -> str:
    """The plain RNN's measured gradient against Pascanu et al.'s bound σ_max^(T−t)."""
    steps = int(rnn["t"].iloc[-1])
    relative = rnn["grad_log10"] - rnn["grad_log10"].iloc[-1]
    margin = float((relative - rnn["bound_log10"]).max())
    bound_first = float(rnn["bound_log10"].iloc[0])
    if margin <= 1e-9:
        check = (
            "the measured gradient never exceeds it, and at t = 1 it is "
            f"{power(float(relative.iloc[0]) - bound_first)} of the bound"
        )
    else:
        check = f"the measured gradient exceeds it by a factor of {power(margin)}: a bug"
    if abs(sigma_max - 1.0) < 1e-9:
        verdict = "exactly 1, so the bound only forbids growth"
    elif sigma_max < 1:
        verdict = "below 1, so the gradient must vanish"
    else:
        verdict = "above 1, so the bound allows growth but does not force it"
    return (
        f"The RNN's σ_max(W_h) = {sigma_max:.3g}, {verdict}. Pascanu et al.'s bound at t = 1 is "
        f"{sigma_max:.3g}^{steps - 1:,} = {power(bound_first)}; {check}."
    )


def forget_bias_sentence(lstm: pd.DataFrame, other: pd.DataFrame, bias: float, other_bias: float) -> str:
    """The LSTM's gradient at t = 1 with this forget bias and with the other one (both measured)."""
    mine = float(lstm["grad_log10"].iloc[0] - lstm["grad_log10"].iloc[-1])
    theirs = float(other["grad_log10"].iloc[0] - other["grad_log10"].iloc[-1])
    return (
        f"With the forget-gate bias at {bias:g} the LSTM's forget gates average "
        f"{lstm['forget_gate'].mean():.2f} and ‖∂L/∂h_1‖ is {power(mine)} of ‖∂L/∂h_T‖; the same LSTM "
        f"with the bias at {other_bias:g} (forget gates averaging {other['forget_gate'].mean():.2f}) "
        f"keeps {power(theirs)}."
    )


MAX_TIME_BINS = 100  # the forget-gate heatmap's columns
MAX_UNITS_SHOWN = 32  # and rows


def forget_gate_rows(forget: np.ndarray) -> pd.DataFrame:
    """The forget gates (T, H) as heatmap cells: the mean of f over each of at most
    ``MAX_TIME_BINS`` runs of steps, for the first ``MAX_UNITS_SHOWN`` units: t_start, t_end,
    unit, forget_gate."""
    steps, units = forget.shape
    edges = np.unique(np.linspace(0, steps, min(steps, MAX_TIME_BINS) + 1).round().astype(int))
    shown = min(units, MAX_UNITS_SHOWN)
    means = np.add.reduceat(forget[:, :shown], edges[:-1], axis=0) / np.diff(edges)[:, None]
    bins = len(edges) - 1
    return pd.DataFrame(
        {
            "t_start": np.repeat(edges[:-1] + 0.5, shown),
            "t_end": np.repeat(edges[1:] + 0.5, shown),
            "unit": np.tile(np.arange(1, shown + 1), bins),
            "forget_gate": means.ravel(),
        }
    )


FORGET_TYPICAL = "∏ f: LSTM forget gates, typical unit"
FORGET_KEEPER = "∏ f: LSTM forget gates, the unit that keeps most"
JACOBIANS = "∏ ‖∂hₛ/∂hₛ₋₁‖: RNN Jacobian norms"  # a legend entry: subscripts, not TeX


def _after(per_step: np.ndarray) -> np.ndarray:
    """log10 of the product over s = t + 1 … T for every t (0 at t = T), from per-step log10 factors
    (T,) or (T, units)."""
    tail = np.cumsum(per_step[::-1], axis=0)[::-1]
    return np.concatenate([tail[1:], np.zeros_like(tail[:1])], axis=0)


def product_rows(rnn: pd.DataFrame, lstm: pd.DataFrame, forget: np.ndarray) -> pd.DataFrame:
    """log10 of the products from step t + 1 to T of the LSTM's forget gates (``forget``, (T, H):
    the mean over units of log10 f, a typical unit, and the unit whose product at t = 1 is largest)
    and of the RNN's Jacobian norms: columns t, series, log10, text."""
    per_unit = _after(np.log10(forget))
    keeper = int(np.argmax(per_unit[0]))
    t = np.arange(1, len(rnn) + 1)
    rows = pd.concat(
        [
            pd.DataFrame({"t": t, "series": FORGET_TYPICAL, "log10": per_unit.mean(axis=1)}),
            pd.DataFrame({"t": t, "series": FORGET_KEEPER, "log10": per_unit[:, keeper]}),
            pd.DataFrame({"t": t, "series": JACOBIANS, "log10": _after(rnn["jacobian_log10"].to_numpy())}),
        ],
        ignore_index=True,
    )
    rows["log10"] = rows["log10"].clip(lower=GRAD_LOG10_FLOOR)
    rows["text"] = [f"1e{v:.1f}" for v in rows["log10"]]
    return rows


def product_sentence(products: pd.DataFrame, rnn: pd.DataFrame, lstm: pd.DataFrame) -> str:
    """The products at t = 1 (``product_rows``), with the measured gradients they bound or explain."""
    first = products[products["t"] == 1].set_index("series")["log10"]
    steps = int(products["t"].max())
    rnn_measured = float(rnn["grad_log10"].iloc[0] - rnn["grad_log10"].iloc[-1])
    lstm_cell = float(lstm["cell_grad_log10"].iloc[0] - lstm["grad_log10"].iloc[-1])
    holds = "below it, as it must" if rnn_measured <= first[JACOBIANS] + 1e-9 else "above it: a bug"
    return (
        f"Over the {steps - 1:,} steps back to t = 1, a typical unit's forget gates multiply to "
        f"{power(first[FORGET_TYPICAL])} and the most persistent unit's to {power(first[FORGET_KEEPER])}; "
        f"the LSTM's ‖∂L/∂c_1‖ is {power(lstm_cell)} of ‖∂L/∂h_T‖. The RNN's Jacobian norms multiply "
        f"to {power(first[JACOBIANS])}, and its measured ‖∂L/∂h_1‖ ({power(rnn_measured)} of "
        f"‖∂L/∂h_T‖) is {holds}."
    )


# --- the adding problem -------------------------------------------------------------------------


def baseline_check(samples: int = 100_000, seed: int = 0) -> tuple[float, float]:
    """(the MSE of always answering 1 on ``samples`` fresh adding problems, its standard error):
    the 1/6 baseline measured."""
    _, targets = adding_batch(2, samples, np.random.default_rng(seed))
    squared = (targets - 1.0) ** 2
    return float(squared.mean()), float(squared.std(ddof=1) / math.sqrt(samples))


def smoothed_losses(runs: Mapping[str, RecurrentTraining]) -> pd.DataFrame:
    """Each run's loss as a running mean over ``SMOOTHING`` iterations: iteration, run, loss."""
    frames = []
    for name, run in runs.items():
        loss = run.history["loss"].rolling(SMOOTHING, min_periods=1).mean()
        frames.append(pd.DataFrame({"iteration": run.history["iteration"], "run": name, "loss": loss}))
    return pd.concat(frames, ignore_index=True)


def training_gradient_rows(runs: Mapping[str, RecurrentTraining]) -> pd.DataFrame:
    """The per-step gradient norms kept during training: t, series ("iteration N"), run, log10."""
    frames = []
    for name, run in runs.items():
        g = run.gradients
        frames.append(
            pd.DataFrame(
                {
                    "t": g["t"],
                    "series": "iteration " + g["iteration"].astype(str),
                    "run": name,
                    "log10": g["grad_log10"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def of_baseline(loss: float) -> str:
    """``loss`` as a share of the 1/6 baseline: whole percent from 10%, two figures below
    ("0.34%", not "0%", for a run that solved the task)."""
    share = loss / ADDING_BASELINE
    return f"{share:.0%}" if share >= 0.1 else f"{100 * share:.2g}%"


def verdict(run: RecurrentTraining) -> str:
    """ "solved", "stayed at the baseline" or "partly learned", from the final loss."""
    if run.final_loss < SOLVED_FRACTION * ADDING_BASELINE:
        return "solved it"
    if run.final_loss > STALLED_FRACTION * ADDING_BASELINE:
        return "stayed at the baseline"
    return "partly learned it"


def training_sentences(runs: Mapping[str, RecurrentTraining], longer: int | None = None) -> list[str]:
    """One sentence per run: its final loss against the 1/6 baseline, and the gradient reaching the
    first step at the last snapshot; divergence said where it happened. A run that stayed at the
    baseline is offered ``longer`` iterations (the most the page trains), when given: a gated cell
    can sit on the baseline for hundreds of iterations before it finds the two marked numbers."""
    sentences = []
    for name, run in runs.items():
        if run.message:
            sentences.append(f"**{name}**: {run.message}")
            continue
        last = run.gradients[run.gradients["iteration"] == run.gradients["iteration"].max()]
        reach = float(last["grad_log10"].iloc[0] - last["grad_log10"].iloc[-1])
        outcome = verdict(run)
        sentences.append(
            f"**{name}** {outcome} at T = {run.steps}: mean loss {run.final_loss:.3g} over the last "
            f"tenth of {len(run.history):,} iterations, {of_baseline(run.final_loss)} of the 1/6 "
            f"baseline; at iteration {int(last['iteration'].iloc[0]):,} ‖∂loss/∂h_1‖ was {power(reach)} "
            f"of ‖∂loss/∂h_T‖."
            + (
                f" Train it for {longer:,} iterations to see whether it stays there."
                if longer is not None and longer > len(run.history) and outcome == "stayed at the baseline"
                else ""
            )
        )
    return sentences


def clipping_sentences(plain: RecurrentTraining, clipped: RecurrentTraining) -> list[str]:
    """What happened without and with clipping, from the two runs."""
    threshold = clipped.settings["clip"]
    largest = float(clipped.history["grad_norm"].max()) if len(clipped.history) else math.nan
    first = (
        f"Without clipping: {plain.message}"
        if plain.message
        else f"Without clipping the run stayed finite: mean loss {plain.final_loss:.3g} at the end "
        f"({of_baseline(plain.final_loss)} of the baseline)."
    )
    if clipped.message:
        second = f"With clipping at {threshold:g}: {clipped.message}"
    else:
        second = (
            f"With clipping at {threshold:g}: {clipped.history['clipped'].mean():.0%} of the "
            f"{len(clipped.history):,} gradients were shortened (the longest had norm {power(math.log10(largest))}), "
            f"and the run ended at mean loss {clipped.final_loss:.3g}, "
            f"{of_baseline(clipped.final_loss)} of the baseline."
        )
    return [first, second]


def label(cell: str) -> str:
    """A cell's name on the page."""
    return CELL_LABELS[cell]
