"""The "Through time" page: its settings and scenes, its cached computations (the gradient through
time of each cell, the adding-problem runs, the clipping runs), and each section drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from .. import store, workers
from ..charts import recurrent as charts
from ..lessons import recurrent as lesson
from ..nn.recurrent import (
    ADDING_BASELINE,
    CELL_LABELS,
    GradientTrace,
    RecurrentTraining,
    gradient_trace,
    train_recurrent,
)
from .display import chart, table, template_chart
from .training import _throttled as throttled  # one progress message a tenth of a second at most
from .training import results as results  # the page draws each section through it, as training does
from .viewport import screen
from .widgets import Param, section_labels

FORGET_BIASES = (0.0, 1.0)
PARAMS = {
    p.key: p
    for p in (
        Param(
            "steps",
            "Steps T",
            "slider",
            200,
            low=10,
            high=500,
            step=10,
            help="How far back the loss reaches.",
        ),
        Param(
            "hidden", "Hidden units", "slider", 32, low=8, high=64, step=8, help="The same for every cell."
        ),
        Param(
            "rho",
            "Spectral radius ρ of the RNN's W_h",
            "slider",
            1.0,
            low=0.5,
            high=2.0,
            step=0.05,
            help="The plain RNN's recurrent matrix is ρ times a random orthogonal matrix (σ_max = ρ).",
        ),
        Param(
            "fbias",
            "LSTM forget-gate bias",
            "segmented",
            1.0,
            options=FORGET_BIASES,
            labels={0.0: "0", 1.0: "1 (Jozefowicz et al. 2015)"},
        ),
        Param(
            "relu",
            # Short enough for one line in a laptop's column: a longer label ended in "…".
            "Add a ReLU RNN, W_h = ρ·I",
            "toggle",
            False,
            help="W_h = ρ·I with ReLU units (Le, Jaitly & Hinton 2015's IRNN at ρ = 1).",
        ),
        Param("seed", "Seed", "number", 0, low=0, high=9999, step=1, help="The inputs and every weight."),
        Param(
            "train",
            "Train the three cells on the adding problem",
            "toggle",
            False,
            help="A few seconds the first time, with a progress bar; remembered afterwards.",
        ),
        Param("add_T", "Sequence length T", "select_slider", 50, options=(10, 50, 100)),
        Param("iters", "Iterations", "select_slider", 600, options=(200, 400, 600, 1000)),
        Param(
            "clip_demo",
            # Short enough for one line on a 360-px phone: a longer label ended in "…".
            "Train the exploding RNN, clipped and not",
            "toggle",
            False,
            help="Two short runs of a ReLU RNN with ρ > 1 on the adding problem.",
        ),
        Param("clip_rho", "ρ of the exploding RNN", "select_slider", 1.2, options=(1.05, 1.1, 1.2, 1.3)),
        Param(
            "clip", "Clip the gradient's norm at", "select_slider", 1.0, options=(0.1, 0.5, 1.0, 5.0, 10.0)
        ),
    )
}
"""The page's settings in page order (URL name → Param)."""

# The page's sections, one tab each, of which only the open one is computed and drawn: the
# gradient through time with the LSTM's cell path (one network, the controls under its chart),
# the three cells trained on the adding problem, and an exploding RNN trained on it with and
# without clipping.
SECTIONS = {"gradients": "The gradient through time", "adding": "The adding problem", "clipping": "Clipping"}
HEADINGS = {
    "gradients": "The gradient through time",
    "adding": "Learn it live: the adding problem",
    "clipping": "Clipping an exploding RNN",
}
SECTION_LABELS = section_labels(SECTIONS)
"""Each section's tab: id → label ("2. The adding problem")."""
PARAM_SECTIONS: dict[str, str | None] = {
    **{key: "gradients" for key in ("steps", "hidden", "rho", "fbias", "relu", "seed")},
    **{key: "adding" for key in ("train", "add_T", "iters")},
    **{key: "clipping" for key in ("clip_demo", "clip_rho", "clip")},
}
"""A setting's URL name → the section whose tab holds it (the seed, under the first tab's chart,
seeds every run of the page; the adding problem's length T is its clipping runs' too)."""

SCENES: dict[str, dict[str, Any]] = {
    "vanishing_tanh_rnn": {"steps": 300, "rho": 0.9},
    "exploding_rnn_clipped": {
        "section": SECTION_LABELS["clipping"],
        "clip_demo": True,
        "add_T": 50,
        "clip_rho": 1.2,
        "clip": 1.0,
    },
    "lstm_forget_bias": {"steps": 300, "fbias": 0.0},
    "adding_problem_T50": {"section": SECTION_LABELS["adding"], "train": True, "add_T": 50, "iters": 600},
}
SCENE_LABELS = lesson.SCENE_LABELS
SCENE_DESCRIPTIONS = lesson.SCENE_DESCRIPTIONS

RACE_CELLS = ("rnn", "gru", "lstm")
CLIP_ITERATIONS = 300
TRACE_CACHE_ENTRIES = 64
RUN_CACHE_ENTRIES = 16
Progress = Callable[[float], object] | None


# --- the cached computations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Traces:
    """Every cell's gradient through time for one setting, and the LSTM at the other forget bias."""

    cells: dict[str, GradientTrace]
    other_lstm: GradientTrace
    other_bias: float


@st.cache_data(max_entries=TRACE_CACHE_ENTRIES, show_spinner=False)
def _trace(cell: str, steps: int, hidden: int, rho: float, forget_bias: float, seed: int) -> GradientTrace:
    """Cached ``gradient_trace``; callers pass ρ only to the plain RNNs and the bias only to the
    LSTM, so moving one recomputes only the cells it changes."""
    return gradient_trace(cell, steps, hidden, spectral_radius=rho, forget_bias=forget_bias, seed=seed)


def traces(steps: int, hidden: int, rho: float, forget_bias: float, seed: int, relu: bool) -> Traces:
    """The RNN, GRU and LSTM (and the ReLU RNN with ``relu``), each from its own cache."""
    keys = ("rnn", *(("rnn_relu",) if relu else ()), "gru", "lstm")

    def one(key: str, bias: float = forget_bias) -> GradientTrace:
        cell_rho = rho if key in ("rnn", "rnn_relu") else 1.0
        return _trace(key, steps, hidden, cell_rho, bias if key == "lstm" else 1.0, seed)

    other = FORGET_BIASES[1] if forget_bias == FORGET_BIASES[0] else FORGET_BIASES[0]
    return Traces({key: one(key) for key in keys}, one("lstm", other), other)


def _shares(progress: Progress, done: int, parts: int) -> Progress:
    """``progress`` of one of ``parts`` equal parts, ``done`` of them finished."""
    if progress is None:
        return None
    return lambda fraction: progress((done + fraction) / parts)


def _race_cells(
    steps: int, iterations: int, seed: int, cells: tuple[str, ...], _progress: Progress = None
) -> dict[str, RecurrentTraining]:
    """``cells`` trained on the adding problem of length ``steps``, one after the other: label → run."""
    return {
        CELL_LABELS[key]: train_recurrent(
            key,
            "adding",
            steps,
            lesson.TRAIN_HIDDEN,
            learning_rate=lesson.TRAIN_LEARNING_RATE,
            iterations=iterations,
            seed=seed,
            progress=_shares(_progress, i, len(cells)),
        )
        for i, key in enumerate(cells)
    }


RACE_CELLS_PART = workers.register(_race_cells)
# The race split in two of about equal cost for two workers side by side (T = 100, 1,000
# iterations: the RNN 0.9 s and the GRU 6.6 s, the LSTM 6.3 s).
RACE_HALVES = (("rnn", "gru"), ("lstm",))


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def race(steps: int, iterations: int, seed: int, _progress: Progress = None) -> dict[str, RecurrentTraining]:
    """Cached runs of ``RACE_CELLS`` on the adding problem of length ``steps``, label → run. Each
    cell trains alone (its own weights, the same sequences), so when the server's workers can
    run two trainings side by side, the cells train in RACE_HALVES at once; else one after the
    other in one worker, or here. The runs are the same either way."""
    _progress = throttled(_progress)
    race_of = dict(steps=steps, iterations=iterations, seed=seed)
    if not workers.side_by_side():
        return workers.call(RACE_CELLS_PART, (), {**race_of, "cells": RACE_CELLS, "_progress": _progress})
    fractions = workers.merged_reports(_progress, len(RACE_HALVES), workers.mean_fraction)
    halves = workers.call_side_by_side(
        RACE_CELLS_PART,
        [{**race_of, "cells": cells, "_progress": fractions[i]} for i, cells in enumerate(RACE_HALVES)],
    )
    runs = {label: run for half in halves for label, run in half.items()}
    return {CELL_LABELS[key]: runs[CELL_LABELS[key]] for key in RACE_CELLS}


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def clipping(
    steps: int, rho: float, clip: float, seed: int, _progress: Progress = None
) -> dict[str, RecurrentTraining]:
    """Cached runs of the ReLU RNN at ρ = ``rho`` with plain SGD, without and with clipping at ``clip``."""
    _progress = throttled(_progress)
    runs = {}
    for i, (name, threshold) in enumerate((("no clipping", None), (f"clipped at {clip:g}", clip))):
        runs[name] = train_recurrent(
            "rnn_relu",
            "adding",
            steps,
            lesson.CLIP_HIDDEN,
            learning_rate=lesson.CLIP_LEARNING_RATE,
            clip=threshold,
            iterations=CLIP_ITERATIONS,
            seed=seed,
            spectral_radius=rho,
            optimizer="sgd",
            progress=_shares(_progress, i, 2),
        )
    return runs


@st.cache_data(max_entries=1, show_spinner=False)
def baseline_check() -> tuple[float, float]:
    """Cached ``lesson.baseline_check``: always answering 1 on 100,000 fresh problems."""
    return lesson.baseline_check()


# --- each section drawn -----------------------------------------------------------------------------


def clipping_setting(clip: dict[str, Any]) -> str:
    """What the clipping runs are trained on, with the tabs whose controls set it: T is the adding
    problem's and the seed the first tab's, both out of sight from this tab."""
    return (
        f"{CLIP_ITERATIONS} iterations of a ReLU RNN of {lesson.CLIP_HIDDEN} units, W_h = {clip['rho']:g}·I, on the "
        f"adding problem of length T = {clip['steps']} (set in {SECTION_LABELS['adding']}), seed "
        f"{clip['seed']} (set in {SECTION_LABELS['gradients']})."
    )


def _bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def show_gradients(found: Traces, settings: dict[str, Any], lecture: bool) -> list[str]:
    """The gradient through time of every cell with the bound, and the sentences under it."""
    frames = {key: trace.frame for key, trace in found.cells.items()}
    rnn = found.cells["rnn"]
    rows = charts.through_time_rows(frames, bound=rnn.frame)
    names = tuple(dict.fromkeys(rows["series"]))
    template_chart(
        charts.through_time, rows, names, name="recurrent_through_time", data=rows, lecture=lecture
    )
    zeros = [CELL_LABELS[k] for k, f in frames.items() if f["exact_zero"].any()]
    if zeros:
        st.caption(
            f"{', '.join(zeros)}: the gradient is exactly 0 from some step back (every ReLU unit was off "
            "at least once on the way); drawn at 1e-400."
        )
    sentences = [lesson.decay_sentence(CELL_LABELS[key], frame) for key, frame in frames.items()]
    sentences.append(lesson.bound_sentence(rnn.frame, rnn.sigma_max))
    _bullets(sentences)
    return [sentences[0], sentences[-1]]


def show_cell_path(found: Traces, settings: dict[str, Any], lecture: bool) -> list[str]:
    """The LSTM's forget gates over t × unit, and the two products on one chart."""
    lstm = found.cells["lstm"]
    cells = lesson.forget_gate_rows(lstm.forget_gates)
    template_chart(charts.forget_heatmap, cells, name="recurrent_forget_gates", data=cells, lecture=lecture)
    shown = cells["unit"].max()
    if lstm.forget_gates.shape[1] > shown:
        st.caption(f"The first {shown} of {lstm.forget_gates.shape[1]} units; at most 100 columns of steps.")
    sentences = [
        lesson.forget_bias_sentence(
            lstm.frame, found.other_lstm.frame, settings["forget_bias"], found.other_bias
        )
    ]
    products = lesson.product_rows(found.cells["rnn"].frame, lstm.frame, lstm.forget_gates)
    series = tuple(dict.fromkeys(products["series"]))
    template_chart(
        charts.products, products, series, name="recurrent_products", data=products, lecture=lecture
    )
    sentences.append(lesson.product_sentence(products, found.cells["rnn"].frame, lstm.frame))
    _bullets(sentences)
    return sentences


def show_race(runs: dict[str, RecurrentTraining], settings: dict[str, Any], lecture: bool) -> list[str]:
    """The adding problem's loss curves against the baseline, the gradients as training goes,
    the sentences and a table."""
    mean, error = baseline_check()
    st.caption(
        f"The baseline measured: always answering 1 on 100,000 fresh problems scores {mean:.4f} "
        f"± {error:.4f} (1/6 = {ADDING_BASELINE:.4f})."
    )
    for name, run in runs.items():
        if run.message:
            st.warning(f"{name}: {run.message}", icon=":material/trending_up:")
    losses = lesson.smoothed_losses(runs)
    chart(
        charts.adding_losses,
        losses,
        ADDING_BASELINE,
        lecture=lecture,
        screen=screen(),
        name="recurrent_adding_losses",
        data=losses,
        key=("race", tuple(sorted(settings.items())), lecture),
    )
    sentences = lesson.training_sentences(runs, longer=max(PARAMS["iters"].options))
    _bullets(sentences)
    st.subheader("The gradient through time as training goes")
    gradients = lesson.training_gradient_rows(runs)
    chart(
        charts.training_gradients,
        gradients,
        list(runs),
        lecture=lecture,
        screen=screen(),
        name="recurrent_training_gradients",
        data=gradients,
        key=("race_gradients", tuple(sorted(settings.items())), lecture),
    )
    summary = pd.DataFrame(
        {
            "cell": list(runs),
            "final loss": [round(r.final_loss, 4) for r in runs.values()],
            "÷ baseline": [round(r.final_loss / ADDING_BASELINE, 3) for r in runs.values()],
            "verdict": [lesson.verdict(r) for r in runs.values()],
        }
    )
    table(summary, "recurrent_adding_summary")
    return sentences


def show_clipping(runs: dict[str, RecurrentTraining], settings: dict[str, Any], lecture: bool) -> list[str]:
    """The exploding RNN's loss without and with clipping, and what happened."""
    losses = lesson.smoothed_losses({name: run for name, run in runs.items() if len(run.history)})
    if len(losses):
        chart(
            charts.adding_losses,
            losses,
            ADDING_BASELINE,
            lecture=lecture,
            screen=screen(),
            name="recurrent_clipping_losses",
            data=losses,
            key=("clipping", tuple(sorted(settings.items())), lecture),
        )
    plain, clipped = runs.values()
    sentences = lesson.clipping_sentences(plain, clipped)
    _bullets(sentences)
    return sentences
