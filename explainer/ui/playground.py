"""The playground page: its settings and scenes, the live ``Playground`` kept in the session, the
play controls, and one frame drawn (network, layer bars, boundary, loss curves, sentences)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from ..charts import playground as charts
from ..charts.theme import stacks
from ..datasets import DATASETS
from ..initializers import INITIALIZERS
from ..lessons import playground as lesson
from ..nn.optimizers import global_norm
from ..nn.playground import (
    FEATURES,
    LEARNING_RATES,
    MAX_BATCH_SIZE,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    Playground,
    PlaygroundSettings,
)
from .display import chart, escape
from .links import visit_number
from .viewport import screen
from .widgets import ACTIVATION_LABELS, DATASET_LABELS, INITIALIZER_LABELS, Param, draw, lecture_mode

DEFAULT = PlaygroundSettings()
FEATURE_LABELS = {key: label for key, (label, _) in FEATURES.items()}
# A new layer gets two units, as in TensorFlow Playground.
DEFAULT_UNITS = (*DEFAULT.hidden, *(2,) * (MAX_HIDDEN_LAYERS - len(DEFAULT.hidden)))

# Classroom switches, as TensorFlow Playground's ``*_hide`` keys: each group of controls a link can
# hide (``?hide=features&hide=layers``); hidden controls still take their values from the link.
HIDE_GROUPS = {
    "data": "data",
    "rates": "rates",
    "activation": "activation",
    "features": "features",
    "layers": "layers",
    "race": "race",
    "view": "view",
}
_HIDDEN = "pg_hidden_"  # the key prefix of a hidden group's container
_HIDDEN_CSS = f"<style>[class*='st-key-{_HIDDEN}'] {{ display: none; }}</style>"

PARAMS = {
    p.key: p
    for p in (
        Param(
            "data", "Dataset", "selectbox", DEFAULT.dataset, options=tuple(DATASETS), labels=DATASET_LABELS
        ),
        Param(
            "noise",
            "Noise",
            "slider",
            DEFAULT.noise,
            low=0.0,
            high=0.5,
            step=0.05,
            help="Standard deviation of the points' jitter, in the dataset's units (the circles' radius is 1).",
        ),
        Param("ratio", "Training data (%)", "slider", 50, low=10, high=90, step=10),
        Param("batch", "Batch size", "slider", DEFAULT.batch_size, low=1, high=MAX_BATCH_SIZE),
        Param("lr", "Learning rate", "select_slider", DEFAULT.learning_rate, options=LEARNING_RATES),
        Param(
            "act",
            "Activation",
            "selectbox",
            DEFAULT.activation,
            options=tuple(ACTIVATION_LABELS),
            labels=ACTIVATION_LABELS,
        ),
        Param(
            "reg",
            "Regularization",
            "segmented",
            DEFAULT.regularization,
            options=REGULARIZATIONS,
            labels={"none": "none", "l1": "L1", "l2": "L2"},
        ),
        Param(
            "reg_rate",
            "Regularization rate",
            "select_slider",
            DEFAULT.regularization_rate,
            options=REGULARIZATION_RATES,
        ),
        Param(
            "feat",
            "Input features",
            "multiselect",
            list(DEFAULT.features),
            options=tuple(FEATURES),
            labels=FEATURE_LABELS,
        ),
        Param(
            "layers",
            "Hidden layers",
            "number",
            len(DEFAULT.hidden),
            low=0,
            high=MAX_HIDDEN_LAYERS,
            step=1,
            help="− and + remove and add a layer, as the Playground's buttons.",
        ),
        *(
            Param(
                f"u{i}",
                f"Layer {i}",
                "number",
                DEFAULT_UNITS[i - 1],
                low=1,
                high=MAX_UNITS,
                step=1,
                help=f"Units in hidden layer {i}.",
            )
            for i in range(1, MAX_HIDDEN_LAYERS + 1)
        ),
        Param(
            "init",
            "Initialization",
            "selectbox",
            DEFAULT.init,
            options=tuple(INITIALIZERS),
            labels=INITIALIZER_LABELS,
        ),
        Param(
            "seed",
            "Seed",
            "number",
            DEFAULT.seed,
            low=0,
            high=9999,
            step=1,
            help="Draws the points, their split, the weights and the batches.",
        ),
        Param("test", "Show test data", "toggle", False),
        Param("discrete", "Discretize output", "toggle", False),
        Param(
            "race",
            "Race a rival",
            "toggle",
            False,
            help="A second network on the same points, seed and batches, with its own activation and "
            "initialization; both losses on one chart.",
        ),
        Param(
            "race_act",
            "Rival's activation",
            "selectbox",
            "relu",
            options=tuple(ACTIVATION_LABELS),
            labels=ACTIVATION_LABELS,
        ),
        Param(
            "race_init",
            "Rival's initialization",
            "selectbox",
            "he_normal",
            options=tuple(INITIALIZERS),
            labels=INITIALIZER_LABELS,
        ),
        Param(
            "hide",
            "Hide these controls",
            "multiselect",
            [],
            options=tuple(HIDE_GROUPS),
            labels=HIDE_GROUPS,
            help="For a class: the chosen groups of controls disappear from the page; the link keeps "
            "their values. Link: ?hide=features&hide=layers",
        ),
        Param(
            "view",
            "Links show",
            "segmented",
            "weights",
            options=charts.VIEWS,
            labels={"weights": "weights", "gradients": "gradients |∂L/∂w|"},
        ),
    )
}
"""The page's settings in page order: every control TensorFlow Playground has, plus the
initializer, the seed, the race, the classroom switches and the links' view. The play state is
not a setting (never in a link)."""

UNIT_KEYS = tuple(f"u{i}" for i in range(1, MAX_HIDDEN_LAYERS + 1))
EVERY_WIDGET = {"layers": str(MAX_HIDDEN_LAYERS)}
"""A link that draws every widget of PARAMS (each layer's units show only for its layers)."""


def _units(*widths: int) -> dict[str, int]:
    return {"layers": len(widths), **{f"u{i}": w for i, w in enumerate(widths, 1)}}


SCENES: dict[str, dict[str, Any]] = {
    "linear_cant_do_xor": {"data": "xor", "act": "identity", "feat": ["x1", "x2"], **_units(4, 2)},
    "deep_sigmoid_stalls": {
        "data": "circles",
        "act": "sigmoid",
        "lr": 0.1,
        **_units(*(6,) * 8),
        "race": True,
        "race_act": "relu",
        "race_init": "glorot_uniform",
    },
    "relu_dies_at_lr_3": {"data": "circles", "act": "relu", "lr": 3.0, **_units(4, 2)},
    "he_vs_xavier_depth_8": {
        "data": "circles",
        "act": "relu",
        "init": "he_normal",
        "lr": 0.01,
        **_units(*(8,) * 8),
        "race": True,
        "race_act": "relu",
        "race_init": "glorot_normal",
    },
}
SCENE_LABELS = lesson.SCENE_LABELS
SCENE_DESCRIPTIONS = lesson.SCENE_DESCRIPTIONS

# A frame: this many updates, then the redraw, every FRAME_SECONDS while playing.
FRAME_SECONDS = 0.15
STEPS_PER_FRAME = 10
# The nodes' pictures: finer for a small network, coarser where there are many nodes.
IMAGE_RESOLUTION = {True: 16, False: 10}  # a network of at most SMALL_NETWORK nodes: True
SMALL_NETWORK = 24
# The output's picture, as TensorFlow Playground's: one image, so its size costs the browser little.
BOUNDARY_RESOLUTION = 100

_PLAYGROUND = "pg_playground"  # the live Playground
_RIVAL = "pg_rival"  # the race's second Playground, or None
_PLAYING = "pg_playing"
_VISIT = "pg_visit"  # the page visit the play state belongs to


# --- settings ----------------------------------------------------------------------------------


def settings_of(chosen: dict[str, Any]) -> PlaygroundSettings:
    """The engine's settings from the widgets' values (``chosen``: URL name → value); a ValueError
    when the engine refuses them (no input feature chosen, say)."""
    hidden = tuple(int(chosen[f"u{i}"]) for i in range(1, int(chosen["layers"]) + 1))
    return PlaygroundSettings(
        dataset=chosen["data"],
        noise=float(chosen["noise"]),
        train_fraction=chosen["ratio"] / 100,
        batch_size=int(chosen["batch"]),
        learning_rate=float(chosen["lr"]),
        activation=chosen["act"],
        regularization=chosen["reg"],
        regularization_rate=float(chosen["reg_rate"]),
        features=tuple(chosen["feat"] or ()),
        hidden=hidden,
        init=chosen["init"],
        seed=int(chosen["seed"]),
    )


def _network_defined(settings: PlaygroundSettings) -> PlaygroundSettings:
    """The settings that fix the network and data: the rates, which may move while it plays, set aside."""
    return replace(
        settings, learning_rate=DEFAULT.learning_rate, regularization="none", regularization_rate=0.0
    )


def rival_settings(settings: PlaygroundSettings, chosen: dict[str, Any]) -> PlaygroundSettings | None:
    """The race's second network: ``settings`` with the rival's activation and initializer, or
    None when the race is off."""
    if not chosen.get("race"):
        return None
    return replace(settings, activation=chosen["race_act"], init=chosen["race_init"])


def _same_network(pg: Playground | None, settings: PlaygroundSettings | None) -> bool:
    if pg is None or settings is None:
        return pg is None and settings is None
    return _network_defined(pg.settings) == _network_defined(settings)


def playgrounds(
    settings: PlaygroundSettings, rival: PlaygroundSettings | None = None
) -> tuple[Playground, Playground | None]:
    """The session's live playground for ``settings`` (and the race's rival): the same ones while
    only the learning rate or the regularisation moved (retuned in place, as the Playground does
    while it plays), new ones (reset, and paused) when anything that defines a network or the data
    changed: both at once, so a race starts level."""
    current: Playground | None = st.session_state.get(_PLAYGROUND)
    current_rival: Playground | None = st.session_state.get(_RIVAL)
    if current is None or not (_same_network(current, settings) and _same_network(current_rival, rival)):
        current, current_rival = Playground(settings), None if rival is None else Playground(rival)
        st.session_state[_PLAYGROUND], st.session_state[_RIVAL] = current, current_rival
        st.session_state[_PLAYING] = False
    for pg, wanted in ((current, settings), (current_rival, rival)):
        if pg is not None and wanted is not None and pg.settings != wanted:
            pg.retune(wanted.learning_rate, wanted.regularization, wanted.regularization_rate)
    return current, current_rival


def run_label(pg: Playground) -> str:
    """A race's name for a network: its activation and initializer."""
    s = pg.settings
    return f"{ACTIVATION_LABELS[s.activation]}, {INITIALIZER_LABELS[s.init]}"


def _live() -> list[Playground]:
    return [pg for pg in (st.session_state.get(_PLAYGROUND), st.session_state.get(_RIVAL)) if pg is not None]


def playing() -> bool:
    """Whether the playground is playing (the session's state: never in the link). A new visit to
    the page starts paused, where the last one left the network."""
    if st.session_state.get(_VISIT) != visit_number():
        st.session_state[_VISIT] = visit_number()
        st.session_state[_PLAYING] = False
    return bool(st.session_state.get(_PLAYING, False))


def set_playing(on: bool) -> None:
    st.session_state[_PLAYING] = on


def controls(group: str, hidden: Sequence[str]) -> Any:
    """Where the controls of ``group`` (a key of ``HIDE_GROUPS``) go: in place, or, hidden for a
    class, in a container the page's style keeps out of sight (still bound to the link)."""
    if group not in hidden:
        return st.container()
    st.html(_HIDDEN_CSS)
    return st.container(key=f"{_HIDDEN}{group}")


def units_row(layers: int) -> dict[str, int]:
    """One −/+ number box per hidden layer, in rows of up to five: URL name → units."""
    chosen: dict[str, int] = {}
    for start in range(0, layers, 5):
        keys = UNIT_KEYS[start : min(layers, start + 5)]
        columns = st.columns(5)
        for key, column in zip(keys, columns, strict=False):
            chosen[key] = draw(PARAMS[key], column)
    return chosen


# --- the play controls --------------------------------------------------------------------------


# Streamlit can deliver one click's trigger twice: seen in Chromium, a Pause click during play ran
# its callback twice 72 ms apart (a run interrupted after its callbacks ran is replayed), and a
# toggle then played on. So Play/Pause sets the state its label names, and Step runs once per
# rendering of the button.
_RENDERED, _STEPPED = "_pg_controls_rendered", "_pg_stepped"


def _step_epoch(rendering: int) -> None:
    if st.session_state.get(_STEPPED) == rendering:
        return
    st.session_state[_STEPPED] = rendering
    set_playing(False)
    for pg in _live():
        pg.step(pg.n_train // pg.settings.batch_size)


def _reset() -> None:
    set_playing(False)
    for pg in _live():
        pg.reset()


def play_controls() -> None:
    """Play/pause, step (one epoch, as the Playground's step button) and reset, in one row, each
    as wide as its label (in fixed columns lecture type cut them to "P…", "S…", "R…" in a narrow
    column); a row too narrow for them wraps."""
    rendering = st.session_state[_RENDERED] = st.session_state.get(_RENDERED, 0) + 1
    row = st.container(horizontal=True, wrap=True)
    row.button(
        "Pause" if playing() else "Play",
        key="pg_play",
        icon=":material/pause:" if playing() else ":material/play_arrow:",
        on_click=set_playing,
        args=(not playing(),),
        type="primary",
    )
    row.button(
        "Step",
        key="pg_step",
        icon=":material/skip_next:",
        on_click=_step_epoch,
        args=(rendering,),
        help="One epoch: a pass over the training points.",
    )
    row.button(
        "Reset",
        key="pg_reset",
        icon=":material/replay:",
        on_click=_reset,
        help="Back to the initial weights (the same seed, the same weights).",
    )


# --- one frame -----------------------------------------------------------------------------------


class Shown(NamedTuple):
    """What one network's charts and sentences draw: ``Playground.statistics`` and ``.links``,
    and ``training_points`` when the gradient in them is the whole training set's at the initial
    weights (before the first update), else None."""

    statistics: pd.DataFrame
    links: pd.DataFrame
    training_points: int | None


def shown_gradients(pg: Playground, statistics: pd.DataFrame) -> Shown:
    """``pg``'s statistics and links as drawn. Before the first update both hold 0 for the
    gradient, so the gradient over all training points at the initial weights takes its place:
    the fading is on the first screen, before anyone presses play."""
    links = pg.links()
    if pg.steps:
        return Shown(statistics, links, None)
    grads = pg.training_set_gradients()
    norms = np.array([global_norm([g]) for g in grads])  # as ``Playground.step`` takes them
    if not np.isfinite(norms).all():
        return Shown(statistics, links, None)
    statistics = statistics.assign(grad_norm=norms, grad_norm_mean=norms)
    links = links.assign(grad_mean_abs=np.concatenate([np.abs(g).ravel() for g in grads]))
    return Shown(statistics, links, pg.n_train)


def _network(pg: Playground, shown: Shown, view: str, name: str) -> None:
    """One network's chart and its layer bars."""
    statistics = shown.statistics
    lecture, shown_on = lecture_mode(), screen()
    small = sum(len(names) for names in pg.node_names) <= SMALL_NETWORK
    images = pg.neuron_images(IMAGE_RESOLUTION[small])
    rows = charts.network_rows(images, shown.links, pg.node_names, view, FEATURE_LABELS)
    tallest = max(len(names) for names in pg.node_names)
    chart(
        charts.network_template,
        len(pg.node_names),
        tallest,
        view,
        lecture,
        shown_on,
        name=name,
        data=rows["links"],
        datasets=rows,
    )
    chart(
        charts.layer_bars_template,
        len(statistics),
        lecture,
        shown_on,
        name=f"{name}_layers",
        data=statistics,
        datasets={"layers": charts.layer_rows(statistics)},
    )
    if not pg.steps:
        st.caption(f"{charts.LAYER_QUANTITIES[1]} has no bars until the first update: press Play or Step.")


def _sentences(pg: Playground, shown: Shown, divergence: bool = False) -> list[str]:
    """The loss, where the gradient fades, and dead units (or, with ``divergence`` and no dead
    units, why the network stopped), written from ``pg``'s numbers as ``shown``."""
    train_loss, test_loss = pg.loss()
    sentences = [
        lesson.loss_sentence(train_loss, test_loss, pg.steps, pg.epoch),
        lesson.fade_sentence(shown.statistics, pg.steps, shown.training_points),
    ]
    extra = lesson.dead_sentence(shown.statistics, pg.settings.hidden)
    if divergence and not extra:
        extra = lesson.divergence_sentence(pg.message, pg.settings.learning_rate)
    return [*sentences, *([extra] if extra else [])]


def _stopped(pg: Playground) -> None:
    text = lesson.divergence_sentence(pg.message, pg.settings.learning_rate)
    if text:
        st.error(text, icon=":material/trending_up:")


def frame(
    pg: Playground, view: str, show_test: bool, discretize: bool, rival: Playground | None = None
) -> list[str]:
    """Advance a playing playground (and its rival) by ``STEPS_PER_FRAME`` updates and draw it:
    the epoch counter, the network, the layer bars, the boundary, the loss curves and the
    sentences (returned); a rival's network, bars and sentences follow the first's."""
    runs = [pg] if rival is None else [pg, rival]
    stats = [r.step(STEPS_PER_FRAME) if playing() and r.diverged_at is None else r.statistics() for r in runs]
    shown = [shown_gradients(r, statistics) for r, statistics in zip(runs, stats, strict=True)]
    lecture, shown_on = lecture_mode(), screen()
    train_loss, test_loss = pg.loss()
    st.markdown(
        f"**Epoch {pg.epoch:,}** · {pg.steps:,} updates · training loss {train_loss:.3f} · "
        f"test loss {test_loss:.3f}"
    )
    _stopped(pg)
    if rival is not None:
        st.markdown(f"**{escape(run_label(pg))}**")
    _network(pg, shown[0], view, "playground_network")
    sentences = _sentences(pg, shown[0])
    st.markdown("\n".join(f"- {s}" for s in sentences))
    if rival is not None:
        st.markdown(f"**The rival: {escape(run_label(rival))}** (the same points, seed and batches)")
        _stopped(rival)
        _network(rival, shown[1], view, "playground_rival")
        rival_sentences = _sentences(rival, shown[1])
        st.markdown("\n".join(f"- {s}" for s in rival_sentences))
        sentences += [f"The rival ({run_label(rival)}): {rival_sentences[1]}"]
    left, right = (st.container(), st.container()) if stacks(shown_on) else st.columns(2)
    with left:
        st.subheader("Output")
        boundary = charts.boundary_rows(
            pg.boundary(BOUNDARY_RESOLUTION), pg.points(), show_test=show_test, discretize=discretize
        )
        chart(
            charts.boundary_template,
            lecture,
            shown_on,
            name="playground_boundary",
            data=boundary["grid"],
            datasets={"picture": boundary["picture"], "points": boundary["points"]},
        )
    with right:
        st.subheader("Loss")
        labels = ["network"] if rival is None else [run_label(pg), run_label(rival)]
        if len(set(labels)) < len(labels):
            labels = ["network", "rival"]
        losses = charts.loss_rows({label: r.history() for label, r in zip(labels, runs, strict=True)})
        chart(
            charts.loss_template,
            tuple(labels),
            lecture,
            shown_on,
            name="playground_loss",
            data=losses,
            datasets={"losses": losses},
        )
    return sentences


def notes(pg: Playground) -> list[str]:
    """The presenter's talking points from the playground's numbers now."""
    return _sentences(pg, shown_gradients(pg, pg.statistics()), divergence=True)
