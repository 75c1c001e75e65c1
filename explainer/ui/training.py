"""The training page: its settings and scenes, its cached runs, and each section's results drawn."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from .. import store, workers
from ..charts import training as charts
from ..datasets import DATASETS
from ..initializers import INITIALIZERS
from ..lessons.training import stopping, tables
from ..lessons.training.batchnorm import batchnorm_comparison
from ..lessons.training.clipping import clipping_comparison
from ..lessons.training.dying import PLANE_LIMIT, DyingRelu, dying_relu
from ..lessons.training.gradients import gradient_comparison
from ..lessons.training.minibatch import (
    BATCH_SIZES,
    BatchRace,
    batch_size_race,
    describe_minibatch_error,
    minibatch_gradient_error,
    minibatch_state,
)
from ..lessons.training.prose import PLANES
from ..lessons.training.runs import Comparison, describe_setup
from ..lessons.training.scenes import PRESETS, SCENE_DEFAULTS, SECTIONS, SETTING_SECTIONS
from ..nn.loop import TrainingRun, train
from ..nn.model import ModelState
from .display import chart, computed, download_csv, heatmap, prose, table, template_chart
from .remembered import RememberedRuns
from .viewport import screen
from .widgets import ACTIVATION_LABELS, DATASET_LABELS, INITIALIZER_LABELS, Param, section_labels

# Log-spaced, 1, 2, 3 and 5 per decade from 0.001 to 10 (rounded to the floats a link writes).
LEARNING_RATES = (*(round(m * 10.0**e, 12) for e in range(-3, 1) for m in (1, 2, 3, 5)), 10.0)
STEPS = (100, 200, 300, 500, 1_000, 2_000)


def _widget_value(value: Any) -> Any:
    """A scene value as its widget holds it: a tuple of choices becomes a list."""
    return list(value) if isinstance(value, tuple) else value


def _setting(name: str, key: str, label: str, widget: str, **fields: Any) -> tuple[str, Param]:
    """(the setting's name in ``SCENE_DEFAULTS``, its Param), whose default is the explainer's."""
    return name, Param(key, label, widget, _widget_value(SCENE_DEFAULTS[name]), **fields)


# Each row: the setting's name in the explainer's scenes, then its widget, URL name and range.
_SETTINGS = (
    _setting("dataset", "data", "Dataset", "selectbox", options=tuple(DATASETS), labels=DATASET_LABELS),
    _setting("seed", "seed", "Seed", "number", low=0, high=9999, step=1, help="Weights and minibatch order."),
    _setting(
        "trials",
        "trials",
        "Minibatches drawn per size",
        "select_slider",
        options=(25, 50, 100, 200, 400),
        help="More draws give a smoother estimate of the error.",
    ),
    _setting(
        "gradient_at",
        "sg_at",
        "Gradient taken",
        "segmented",
        options=("start", "trained"),
        labels={"start": "at initialization", "trained": "after 500 training steps"},
    ),
    _setting(
        "examples",
        "budget",
        "Examples processed per run",
        "select_slider",
        options=(1_200, 2_400, 4_800, 9_600),
        help="Each run takes examples ÷ b steps of plain SGD.",
    ),
    _setting("race_learning_rate", "lr1", "Learning rate", "select_slider", options=LEARNING_RATES),
    _setting(
        "activations",
        "acts",
        "Activations",
        "multiselect",
        options=tuple(ACTIVATION_LABELS),
        labels=ACTIVATION_LABELS,
        max_selections=3,
    ),
    _setting("depth", "depth", "Hidden layers (32 units each)", "slider", low=1, high=10),
    _setting(
        "init", "init", "Initialization", "selectbox", options=tuple(INITIALIZERS), labels=INITIALIZER_LABELS
    ),
    _setting("learning_rate", "lr", "Learning rate (plain SGD)", "select_slider", options=LEARNING_RATES),
    _setting("steps", "steps", "Steps", "select_slider", options=STEPS),
    _setting(
        "normal_learning_rate", "lr_ok", "Normal learning rate", "select_slider", options=LEARNING_RATES
    ),
    _setting(
        "high_learning_rate", "lr_hi", "Too-high learning rate", "select_slider", options=LEARNING_RATES
    ),
    _setting(
        "bn_activation",
        "bn_act",
        "Activation",
        "segmented",
        options=("sigmoid", "tanh"),
        labels=ACTIVATION_LABELS,
    ),
    _setting("bn_depth", "bn_depth", "Hidden layers (32 units each)", "slider", low=2, high=10),
    _setting(
        "bn_learning_rate", "bn_lr", "Learning rate (plain SGD)", "select_slider", options=LEARNING_RATES
    ),
    _setting(
        "gain",
        "gain",
        "Weight gain",
        "select_slider",
        options=(0.5, 1.0, 1.5, 2.0, 2.5, 3.0),
        help="Each layer multiplies the signal's std by about this; above 1 it explodes with depth.",
    ),
    _setting(
        "value_threshold",
        "clip_v",
        "Clip by value at ±",
        "select_slider",
        options=(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
    ),
    _setting(
        "norm_threshold",
        "clip_n",
        "Clip by norm at",
        "select_slider",
        options=(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0),
    ),
    _setting("patience", "patience", "Patience (steps)", "slider", low=10, high=500, step=10),
    _setting("es_noise", "es_noise", "Noise", "slider", low=0.0, high=0.5, step=0.05),
    _setting("es_steps", "es_steps", "Steps", "select_slider", options=STEPS),
)
PARAMS = {p.key: p for _, p in _SETTINGS}
"""The page's settings, in page order; defaults are the explainer's ``SCENE_DEFAULTS``."""
URL_KEYS = {name: p.key for name, p in _SETTINGS}
"""A setting's name in the explainer's scenes → its URL name."""

SECTION_LABELS = section_labels(SECTIONS)
"""Each section's tab: id → label."""
PARAM_SECTIONS = {URL_KEYS[name]: section for name, section in SETTING_SECTIONS.items()}
"""A setting's URL name → the section it belongs to (None: every section)."""

# Every training preset (``explainer.TRAINING_PRESETS``) as widget values (``?preset=deep_sigmoid``),
# with the tab it opens.
SCENES = {
    name: {
        "section": SECTION_LABELS[preset["section"]],
        **{URL_KEYS[setting]: _widget_value(value) for setting, value in preset["settings"].items()},
    }
    for name, preset in PRESETS.items()
}
SCENE_LABELS = {name: preset["label"] for name, preset in PRESETS.items()}
SCENE_DESCRIPTIONS = {name: preset["description"] for name, preset in PRESETS.items()}


# --- the cached runs ------------------------------------------------------------------------------
# Each section's computation is cached on its own, so a control in one section recomputes only it.
# Each entry pickles to at most a few hundred kB; seven caches of 16 stay within tens of MB.
# The four sections that compare training runs (gradients, dying, batchnorm, clipping) run in the
# server process (``persisted(here=True)``): their runs go to the workers, side by side when two
# are new (``SectionTrainer``); the rest of their work is 10-35 ms of tables and sentences.
RUN_CACHE_ENTRIES = 16
# One training run pickles to about 100 kB: 64 of them are a few MB.
TRAIN_CACHE_ENTRIES = 64
# Each progress report is a message to the browser; more than ten a second shows nothing more.
PROGRESS_INTERVAL = 0.1
Progress = Callable[[float], object] | None


def _throttled(progress: Progress) -> Progress:
    """``progress``, passing a report on only when ``PROGRESS_INTERVAL`` seconds have gone by
    since the last one it passed (the first always goes)."""
    if progress is None:
        return None
    last = [-float("inf")]

    def report(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            progress(fraction)

    return report


def _train_run(settings: tuple[tuple[str, Any], ...], _progress: Progress = None) -> TrainingRun:
    """``train(**dict(settings))``: one run of a section, as a worker trains it."""
    return train(**dict(settings), progress=_progress)


TRAIN_RUN = workers.register(_train_run)
_stored_run = store.persisted(_train_run)


class SectionTrainer:
    """``train`` for ``compare_runs``, each run of a section remembered on its own (the last
    TRAIN_CACHE_ENTRIES runs, by their settings, for every visitor), so a setting that changes
    one run of a section (a clipping threshold, one of two learning rates, an added activation)
    retrains that run alone; a run in the store is read from it.

    ``train_all`` trains a section's new runs side by side in two workers when the server has
    them (``workers.side_by_side``), else one after the other, as calling it run by run does.
    The runs are the same either way: each trains alone from its own seed. Each run is kept
    pickled, as ``st.cache_data`` keeps its values, so no caller changes another's run."""

    def __init__(self, entries: int = TRAIN_CACHE_ENTRIES):
        self.entries = entries
        self._runs = RememberedRuns(_stored_run, entries)

    def __call__(self, progress: Progress = None, **kwargs: Any) -> TrainingRun:
        return self.train_all([{**kwargs, "progress": progress}])[0]

    def train_all(self, calls: list[dict[str, Any]]) -> list[TrainingRun]:
        """``train(**call)`` for each call (each with its own ``progress``), in order."""
        keys = [tuple(sorted((k, v) for k, v in call.items() if k != "progress")) for call in calls]
        runs = [self._runs.get(key) for key in keys]
        new = [i for i, run in enumerate(runs) if run is None]
        if len(new) > 1 and workers.side_by_side():
            trained = workers.call_side_by_side(
                TRAIN_RUN, [{"settings": keys[i], "_progress": calls[i]["progress"]} for i in new]
            )
        else:
            trained = [_stored_run(keys[i], _progress=calls[i]["progress"]) for i in new]
        for i, run in zip(new, trained, strict=True):
            runs[i] = self._runs.put(keys[i], run)
        return runs  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget every remembered run."""
        self._runs.clear()


TRAINER = SectionTrainer()
"""The training page's runs, shared by every visitor's sections."""


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def _minibatch_state(dataset: str, trained: bool, seed: int) -> ModelState:
    """Cached ``minibatch_state``: the trained network takes 500 steps, whatever the draws."""
    return minibatch_state(dataset, trained=trained, seed=seed)


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def minibatch(
    dataset: str, seed: int, trials: int, trained: bool, _progress: Progress = None
) -> pd.DataFrame:
    """Cached ``minibatch_gradient_error`` at ``minibatch_state(dataset, trained, seed)``."""
    state = _minibatch_state(dataset, trained, seed)
    return minibatch_gradient_error(dataset, state, BATCH_SIZES, trials, seed, progress=_throttled(_progress))


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def race(
    dataset: str, seed: int, examples: int, learning_rate: float, _progress: Progress = None
) -> BatchRace:
    """Cached ``batch_size_race`` (b = 1, 16, 128 and the full batch)."""
    return batch_size_race(
        dataset, examples=examples, learning_rate=learning_rate, seed=seed, progress=_throttled(_progress)
    )


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def gradients(
    dataset: str,
    seed: int,
    activations: tuple[str, ...],
    depth: int,
    init: str,
    learning_rate: float,
    steps: int,
    _progress: Progress = None,
) -> Comparison:
    """Cached ``gradient_comparison`` with ``depth`` hidden layers of 32 units."""
    return gradient_comparison(
        dataset,
        activations,
        (32,) * depth,
        init,
        learning_rate=learning_rate,
        steps=steps,
        seed=seed,
        progress=_throttled(_progress),
        trainer=TRAINER,
    )


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def dying(
    dataset: str, seed: int, learning_rate: float, high_learning_rate: float, _progress: Progress = None
) -> DyingRelu:
    """Cached ``dying_relu``."""
    return dying_relu(
        dataset,
        learning_rate=learning_rate,
        high_learning_rate=high_learning_rate,
        seed=seed,
        progress=_throttled(_progress),
        trainer=TRAINER,
    )


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def batchnorm(
    dataset: str, seed: int, activation: str, depth: int, learning_rate: float, _progress: Progress = None
) -> Comparison:
    """Cached ``batchnorm_comparison`` with ``depth`` hidden layers of 32 units."""
    return batchnorm_comparison(
        dataset,
        activation,
        (32,) * depth,
        learning_rate=learning_rate,
        seed=seed,
        progress=_throttled(_progress),
        trainer=TRAINER,
    )


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def clipping(
    dataset: str,
    seed: int,
    gain: float,
    value_threshold: float,
    norm_threshold: float,
    _progress: Progress = None,
) -> Comparison:
    """Cached ``clipping_comparison``."""
    return clipping_comparison(
        dataset,
        gain=gain,
        value_threshold=value_threshold,
        norm_threshold=norm_threshold,
        seed=seed,
        progress=_throttled(_progress),
        trainer=TRAINER,
    )


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def _overfitting_run(dataset: str, seed: int, noise: float, steps: int, _progress: Progress = None):
    """Cached run of ``early_stopping_run``'s network (patience does not retrain it)."""
    return stopping.early_stopping_run(
        dataset, noise=noise, steps=steps, seed=seed, progress=_throttled(_progress)
    ).run


@st.cache_data(max_entries=RUN_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def early_stopping(
    dataset: str, seed: int, noise: float, steps: int, patience: int, _progress: Progress = None
) -> stopping.EarlyStopping:
    """Cached ``early_stopping`` of the cached overfitting run (a new patience does not retrain)."""
    return stopping.early_stopping(
        _overfitting_run(dataset, seed, noise, steps, _progress=_progress), patience
    )


# --- each section's results ------------------------------------------------------------------------
# Each takes its section's result and ``settings``, the arguments of its cached run: they fix every
# chart of the section, so its built specs are cached on them (with lecture mode). Each returns the
# section's talking points for the presenter notes.


def results(
    run: Callable[..., Any],
    running: str,
    show: Callable[[Any, Mapping[str, Any], bool], list[str]],
    settings: Mapping[str, Any],
    lecture: bool,
) -> list[str]:
    """One section's results: ``run(**settings)`` with a progress bar saying ``running``, then
    ``show`` draws them and returns their presenter notes; a refused setting is said instead."""
    result, problem = computed(run, running, **settings)
    if problem:
        st.error(problem, icon=":material/block:")
        return []
    return show(result, settings, lecture)


def _loss_chart(
    name: str,
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    lecture: bool,
    *,
    y_max: float | None = None,
    log_y: bool = True,
    order: list[str] | None = None,
    **titles: str,
) -> None:
    """``charts.loss_curves`` of ``data`` drawn as its template: the spec is built once per set of
    series and axis, the rows are sent on every run, so a new setting costs no Altair work."""
    rows, shape = charts.loss_curve_rows(data, y, series, y_max=y_max, log_y=log_y, order=order)
    template_chart(
        charts.loss_curves_template,
        rows,
        x,
        y,
        series,
        **shape,
        **titles,
        log_y=log_y,
        lecture=lecture,
        name=name,
        data=data,
    )


def _facet_chart(
    name: str,
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    facet: str,
    lecture: bool,
    *,
    facet_order: list[str] | None = None,
    log_y: bool = False,
    **options: Any,
) -> None:
    """``charts.facet_lines`` of ``data`` drawn as its template (see ``_loss_chart``)."""
    rows, order = charts.facet_line_rows(data, x, y, series, facet, facet_order=facet_order, log_y=log_y)
    template_chart(
        charts.facet_lines_template,
        rows,
        x,
        y,
        series,
        facet,
        order=order,
        **options,
        log_y=log_y,
        lecture=lecture,
        name=name,
        data=data,
    )


def _bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def _warn_divergences(comparison: Comparison) -> None:
    for message in tables.divergence_warnings(comparison):
        st.warning(message, icon=":material/trending_up:")


def show_minibatch(errors: pd.DataFrame, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """The minibatch-error chart, its sentence and table."""
    chart(
        charts.log_log_chart,
        errors,
        "batch_size",
        "relative_error",
        law="law",
        x_title="batch size b (log)",
        y_title="‖g_b − g‖ / ‖g‖ (log)",
        law_title="1/√b law",
        measured_title="measured",
        lecture=lecture,
        screen=screen(),
        name="training_minibatch_error",
        data=errors,
        key=settings,
    )
    sentence = describe_minibatch_error(errors)
    st.markdown(sentence)
    table(tables.minibatch_table(errors), "training_minibatch_table")
    return [sentence]


def show_race(result: BatchRace, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """The batch-size race: its setup, loss curves, sentences and table."""
    st.caption(result.setup)
    _loss_chart(
        "training_batch_race",
        result.curves,
        "examples",
        "train_loss",
        "run",
        lecture,
        x_title="examples processed",
        y_title="training loss (log)",
    )
    _bullets(result.sentences)
    table(tables.race_table(result), "training_batch_race_table")
    return [" ".join(result.sentences[:2])]


def show_gradients(comparison: Comparison, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """The per-layer gradient heatmap of each run, with what its blank cells are and its sentences."""
    _warn_divergences(comparison)
    st.caption(describe_setup(next(iter(comparison.runs.values()))))
    heat = tables.gradient_rows(comparison)
    heatmap(
        heat,
        "step",
        "layer",
        "grad_norm",
        rows="run",
        x_title="step",
        y_title="layer",
        value_title="‖∂loss/∂W‖",
        lecture=lecture,
        name="training_gradient_heatmap",
    )
    zero_text = tables.zero_gradient_caption(comparison)
    if zero_text:
        st.caption(zero_text)
    _bullets(comparison.sentences)
    return comparison.sentences[:2]


def show_dying(result: DyingRelu, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """Dead units per layer over training, then where they are on the input plane."""
    _warn_divergences(result.comparison)
    st.caption(describe_setup(next(iter(result.comparison.runs.values()))))
    dead = tables.dead_rows(result)
    runs = list(result.comparison.runs)
    _facet_chart(
        "training_dead_units",
        dead,
        "step",
        "dead_fraction",
        "layer",
        "run",
        lecture,
        facet_order=runs,
        x_title="step",
        y_title="dead units",
        series_title="layer",
        y_domain=(0, 1),
        y_format="%",
    )
    _bullets(result.sentences)
    st.subheader("Where the dead units are on the input plane")
    shade = {share: word for share, (word, _) in charts.PLANE_SHADES.items()}
    prose(PLANES.format(all=shade["all"], none=shade["none"]), title="How to read the planes")
    chart(
        charts.unit_planes,
        result.plane,
        result.lines,
        result.points,
        runs,
        limit=PLANE_LIMIT,
        lecture=lecture,
        screen=screen(),
        name="training_dead_unit_planes",
        data=result.plane,
        key=settings,
    )
    download_csv(result.lines, "training_first_layer_units", "Download the first-layer units (CSV)")
    _bullets(result.plane_sentences)
    return [result.sentences[1], result.plane_sentences[1]]


def show_batchnorm(comparison: Comparison, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """Loss and per-layer spread with and without batch norm, then its two modes."""
    _warn_divergences(comparison)
    st.caption(describe_setup(next(iter(comparison.runs.values()))))
    losses, spread, modes = tables.batchnorm_frames(comparison)
    _loss_chart(
        "training_batchnorm_loss",
        losses,
        "step",
        "train_loss",
        "run",
        lecture,
        x_title="step",
        y_title="training loss, inference mode (log)",
    )
    st.markdown(comparison.sentences[0])
    _facet_chart(
        "training_batchnorm_layers",
        spread,
        "step",
        "activation_std",
        "layer",
        "run",
        lecture,
        x_title="step",
        y_title="std of the layer's outputs",
        series_title="layer",
        columns=2,
    )
    _bullets(comparison.sentences[1:3])
    st.subheader("Training mode against inference mode")
    _loss_chart(
        "training_batchnorm_modes",
        modes,
        "step",
        "loss",
        "mode",
        lecture,
        x_title="step",
        y_title="validation loss (log)",
    )
    st.markdown(comparison.sentences[3])
    return [comparison.sentences[0], comparison.sentences[3]]


def show_clipping(comparison: Comparison, settings: Mapping[str, Any], lecture: bool) -> list[str]:
    """Loss with and without clipping (capped at ``LOSS_CAP``), the angle clipping turns each step
    by, sentences and the summary table."""
    _warn_divergences(comparison)
    st.caption(describe_setup(comparison.runs["no clipping"]))
    losses, angles = tables.clipping_frames(comparison)
    _loss_chart(
        "training_clipping_loss",
        losses,
        "step",
        "train_loss",
        "run",
        lecture,
        x_title="step",
        y_title="training loss (log)",
        y_max=tables.LOSS_CAP,
    )
    cap_text = tables.loss_cap_caption(losses)
    if cap_text:
        st.caption(cap_text)
    _loss_chart(
        "training_clipping_angles",
        angles,
        "step",
        "angle",
        "run",
        lecture,
        x_title="step",
        y_title="angle to the raw gradient (°)",
        log_y=False,
        order=list(comparison.runs),
    )
    _bullets(comparison.sentences)
    table(tables.summary_table(comparison), "training_clipping_summary")
    return comparison.sentences[1:]


def show_early_stopping(
    result: stopping.EarlyStopping, settings: Mapping[str, Any], lecture: bool
) -> list[str]:
    """The overfitting run's curves with the best and the stopping step, sentences and table."""
    st.caption(describe_setup(result.run))
    chart(
        charts.early_stopping_chart,
        result.curves,
        result.best_step,
        result.stop_step,
        lecture=lecture,
        screen=screen(),
        name="training_early_stopping",
        data=result.curves,
        key=settings,
    )
    _bullets(result.sentences)
    table(tables.stopping_table(result), "training_early_stopping_table")
    return [result.sentences[-1]]
