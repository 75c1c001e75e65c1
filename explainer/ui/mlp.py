"""The MLP comparison page: its PARAMS table and scenes (scikit-learn's presets), the cached
comparison, and the boundaries and learning curves drawn while a new setting trains."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from .. import sklearn_mlp, store, workers
from ..charts import mlp as charts
from ..datasets import DATASETS, get_dataset
from ..lessons.mlp import prose, sentences, tables
from ..lessons.mlp.budget import train_size
from ..sklearn_mlp import DEFAULTS, SKLEARN_ACTIVATIONS, MLPComparison, MLPSnapshot
from .display import chart, computed, heatmap
from .remembered import RememberedRuns
from .viewport import screen
from .widgets import (
    ACTIVATION_LABELS,
    DATASET_LABELS,
    Param,
    draw,
    group_columns,
    lecture_mode,
    section_labels,
)

# Log-spaced, 1, 2, 3 and 5 per decade from LIMITS' 1e-4 to 10. Rounding makes each the float a
# preset or a link writes (0.05, where 5 * 0.01 is 0.05000000000000000104).
LEARNING_RATES = (*(round(m * 10.0**e, 12) for e in range(-4, 1) for m in (1, 2, 3, 5)), 10.0)

# The ranges lie inside sklearn_mlp.LIMITS: 100 points leave 75 to train on; a batch below 8 makes
# an epoch hundreds of tiny steps. The defaults are fit_mlps' own (the dataset's default noise).
PARAMS = {
    p.key: p
    for p in (
        Param(
            "act",
            "Activations, one network each",
            "multiselect",
            list(DEFAULTS["activations"]),
            options=tuple(SKLEARN_ACTIVATIONS),
            labels={key: ACTIVATION_LABELS[key] for key in SKLEARN_ACTIVATIONS},
            help="The hidden activations MLPClassifier offers; scikit-learn calls sigmoid 'logistic'. "
            "Each keeps its colour on every page.",
        ),
        Param(
            "data",
            "Dataset",
            "selectbox",
            DEFAULTS["dataset"],
            options=tuple(DATASETS),
            labels=DATASET_LABELS,
        ),
        Param(
            "noise",
            "Noise",
            "slider",
            get_dataset(DEFAULTS["dataset"]).default_noise,
            low=0.0,
            high=1.0,
            step=0.05,
            help="Gaussian jitter added to each point.",
        ),
        Param(
            "n",
            "Points",
            "slider",
            DEFAULTS["n_samples"],
            low=100,
            high=2000,
            step=50,
            help="A quarter of them are held out as the test set.",
        ),
        Param("depth", "Hidden layers", "slider", len(DEFAULTS["hidden_layers"]), low=1, high=12),
        Param("width", "Units per hidden layer", "slider", DEFAULTS["hidden_layers"][0], low=1, high=64),
        Param(
            "solver",
            "Solver",
            "segmented",
            DEFAULTS["solver"],
            options=sklearn_mlp.SOLVERS,
            help="sgd moves each weight in proportion to its gradient; adam rescales each gradient.",
        ),
        Param("lr", "Learning rate", "select_slider", DEFAULTS["learning_rate"], options=LEARNING_RATES),
        # The options offered are those that fit the training set: see ``batch_choices``.
        Param(
            "batch",
            "Batch size",
            "select_slider",
            DEFAULTS["batch_size"],
            options=(8, 16, 32, 64, 128, 256, 512),
        ),
        Param("epochs", "Epochs", "slider", DEFAULTS["epochs"], low=10, high=1000, step=10),
        Param("seed", "Seed", "number", DEFAULTS["seed"], low=0, high=9999, step=1),
        Param(
            "grads",
            "Show the gradient norms",
            "toggle",
            False,
            help="Read through scikit-learn's private _backprop method; see the note below.",
        ),
    )
}


# The page's sections, one tab each: the trained comparison fills them all, and only the open one
# is drawn and sent to the browser. The boundaries come first: the page's main chart.
SECTIONS = {
    "boundaries": "Decision boundaries",
    "curves": "Learning curves",
    "layers": "Which layers learn",
    "summary": "Summary",
}
SECTION_LABELS = section_labels(SECTIONS)
"""Each section's tab: id → label ("1. Decision boundaries")."""
PARAM_SECTIONS: dict[str, str | None] = {**{key: None for key in PARAMS if key != "grads"}, "grads": "layers"}
"""A setting's URL name → the section whose tab holds it (None: the settings above the tabs, which
every section's networks are trained with)."""


def scene(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``fit_mlps`` settings (a preset's) as the page's widget values, keyed by URL parameter.

    A ValueError says what the settings ask for that the widgets cannot show."""
    widths = tuple(settings["hidden_layers"])
    if len(set(widths)) != 1:
        raise ValueError(f"The page builds hidden layers of one width; the settings ask for {widths}")
    fraction = DEFAULTS["test_fraction"]
    if settings["test_fraction"] != fraction:
        raise ValueError(f"The page keeps test_fraction at {fraction}; got {settings['test_fraction']}")
    noise = settings["noise"]
    return {
        "data": settings["dataset"],
        "noise": get_dataset(settings["dataset"]).default_noise if noise is None else noise,
        "n": settings["n_samples"],
        "act": list(settings["activations"]),
        "solver": settings["solver"],
        "lr": settings["learning_rate"],
        "batch": settings["batch_size"],
        "epochs": settings["epochs"],
        "seed": settings["seed"],
        "depth": len(widths),
        "width": widths[0],
    }


SCENES = {name: scene(preset["settings"]) for name, preset in sklearn_mlp.PRESETS.items()}
SCENE_LABELS = {name: preset["label"] for name, preset in sklearn_mlp.PRESETS.items()}
SCENE_DESCRIPTIONS = {name: preset["description"] for name, preset in sklearn_mlp.PRESETS.items()}


def batch_choices(n_samples: int) -> dict[str, Any]:
    """The batch slider's options for ``n_samples`` points (none larger than the training set), its
    default within them, and its help."""
    n_train = train_size(n_samples)
    sizes = [b for b in PARAMS["batch"].options if b <= n_train]
    return {
        "options": sizes,
        "default": min(PARAMS["batch"].default, sizes[-1]),
        "help": f"Up to the {n_train} training points.",
    }


def draw_settings() -> dict[str, Any]:
    """The page's controls, the activations above data, network and training side by side: URL key
    → value."""
    # In lecture mode the scene sets these, folded, and the boundaries come first on the projector.
    folded = (
        st.expander("Activations, data, network and training", expanded=False)
        if lecture_mode()
        else st.container()
    )
    chosen = {"act": draw(PARAMS["act"], folded)}
    data, network, training = group_columns(3, folded)
    with data:
        st.markdown("**Data**")
        chosen["data"] = draw(PARAMS["data"])
        st.caption(get_dataset(chosen["data"]).description)
        chosen |= {key: draw(PARAMS[key]) for key in ("noise", "n")}
    with network:
        st.markdown("**Network**")
        chosen |= {key: draw(PARAMS[key]) for key in ("depth", "width")}
    with training:
        st.markdown("**Training**")
        chosen |= {key: draw(PARAMS[key]) for key in ("solver", "lr")}
        chosen["batch"] = draw(PARAMS["batch"], **batch_choices(chosen["n"]))
        chosen |= {key: draw(PARAMS[key]) for key in ("epochs", "seed")}
    return chosen


# A comparison pickles to about 0.6 MB, so the cache holds at most about 10 MB per process.
COMPARISON_CACHE_ENTRIES = 16
# One net's comparison pickles to about 0.15 MB: 64 nets, about 10 MB per process. The last
# comparisons shown are kept as they are (about 0.6 MB each in memory), to split when needed.
NET_CACHE_ENTRIES = 64
SHOWN_ENTRIES = 16
# While a new setting trains, the boundaries and curves so far are first drawn this long after
# training starts, then redrawn at most this often (a frame costs the script some 20 ms); the
# progress bar moves in between, and each of its moves is a point where Streamlit can stop the
# run for a newer setting.
FIRST_FRAME_SECONDS = 0.1
FRAME_SECONDS = 0.3
BAR_SECONDS = 0.05


def _trained(
    activations: tuple[str, ...],
    depth: int,
    width: int,
    _progress: Callable[[float], object] | None = None,
    _snapshot: Callable[[MLPSnapshot], object] | None = None,
    **training: Any,
) -> MLPComparison:
    """``fit_mlps`` of ``activations`` with ``depth`` hidden layers of ``width`` units and the rest
    of ``comparison``'s settings (``training``), trained through ``fit_mlps_stream``:
    ``_snapshot``, if given, gets the snapshot after every epoch (to draw the nets as they train;
    a snapshot carries its epoch), else ``_progress`` the fraction done. The result is the same
    with or without them."""
    stream = sklearn_mlp.fit_mlps_stream(
        activations=activations,
        hidden_layers=(width,) * depth,
        progress=_progress if _snapshot is None else None,
        every=None if _snapshot is None else 1,
        **training,
    )
    for item in stream:
        if isinstance(item, MLPComparison):
            return item
        _snapshot(item)
    raise RuntimeError("fit_mlps_stream ended without its comparison")


TRAINED = workers.register(_trained)
NETS = RememberedRuns(None, NET_CACHE_ENTRIES)
"""The nets this server has trained or shown, one comparison each, for every visitor."""


@st.cache_data(max_entries=COMPARISON_CACHE_ENTRIES, show_spinner=False)
@store.persisted(here=True)
def comparison(
    dataset: str,
    activations: tuple[str, ...],
    depth: int,
    width: int,
    solver: str,
    learning_rate: float,
    batch_size: int,
    epochs: int,
    n_samples: int,
    noise: float,
    seed: int,
    _progress: Callable[[float], object] | None = None,
    _snapshot: Callable[[MLPSnapshot], object] | None = None,
) -> MLPComparison:
    """Cached ``_trained`` (``fit_mlps``), assembled net by net: a net this server has trained
    or shown with the same settings (``NETS``) is not trained again, so adding an activation
    trains that net alone and taking one away trains nothing. The new nets train in the
    server's workers, split between two of them when it can run two trainings side by side, and
    ``_snapshot`` gets the training nets' latest snapshots merged. Each net trains alone, so
    the result is the same (``sklearn_mlp.merge_comparisons``). Neither callback is part of the
    cache key."""
    settings = dict(
        dataset=dataset, depth=depth, width=width, solver=solver, learning_rate=learning_rate,
        batch_size=batch_size, epochs=epochs, n_samples=n_samples, noise=noise, seed=seed,
    )  # fmt: skip
    nets = {key: _known_net(settings, key) for key in activations}
    new = tuple(key for key in activations if nets[key] is None)
    if new:
        nets |= _keep(settings, _train_nets(settings, new, _progress, _snapshot))
    return sklearn_mlp.merge_comparisons([nets[key] for key in activations])


def _keep(settings: Mapping[str, Any], nets: list[MLPComparison]) -> dict[str, MLPComparison]:
    """Keep ``nets`` (one comparison each, trained with ``settings``) in ``NETS``: activation →
    its kept copy."""
    common, kept = _common_key(settings), {}
    for net in nets:
        (activation,) = net.settings["activations"]
        kept[activation] = NETS.put((common, activation), net)
    return kept


def _train_nets(
    settings: dict[str, Any],
    activations: tuple[str, ...],
    progress: Callable[[float], object] | None,
    snapshot: Callable[[MLPSnapshot], object] | None,
) -> list[MLPComparison]:
    """The nets of ``activations`` trained with ``settings``, one comparison each."""
    if len(activations) < 2 or not workers.side_by_side():
        call = {**settings, "activations": activations, "_progress": progress, "_snapshot": snapshot}
        return sklearn_mlp.split_comparison(workers.call(TRAINED, (), call))
    half = (len(activations) + 1) // 2
    groups = (activations[:half], activations[half:])
    snapshots = workers.merged_reports(snapshot, len(groups), sklearn_mlp.merge_snapshots)
    fractions = workers.merged_reports(
        progress if snapshot is None else None, len(groups), workers.mean_fraction
    )
    calls = [
        {**settings, "activations": group, "_snapshot": snapshots[index], "_progress": fractions[index]}
        for index, group in enumerate(groups)
    ]
    return [
        net
        for part in workers.call_side_by_side(TRAINED, calls)
        for net in sklearn_mlp.split_comparison(part)
    ]


SHOWN = RememberedRuns(None, SHOWN_ENTRIES, copies=False)
"""The comparisons last shown, by their settings but the activations, for every visitor: a change
of the activations alone takes its nets from the one shown with the same settings, split then
(``sklearn_mlp.split_comparison``), not on every run of a comparison read from a cache or the store."""


def note_shown(comparison: MLPComparison, settings: Mapping[str, Any]) -> None:
    """``comparison`` was shown for ``settings`` (its arguments): keep it in ``SHOWN``."""
    SHOWN.put(_common_key(settings), comparison)


def _common_key(settings: Mapping[str, Any]) -> tuple:
    """A comparison's settings but its activations, as a key: ``SHOWN``'s, and with one activation
    ``NETS``'."""
    return tuple(sorted((name, value) for name, value in settings.items() if name != "activations"))


def _known_net(settings: Mapping[str, Any], activation: str) -> MLPComparison | None:
    """The net of ``activation`` trained with ``settings`` if this server has it: kept in
    ``NETS``, or part of the comparison last shown with these settings (whose nets are then kept)."""
    net = NETS.get((_common_key(settings), activation))
    if net is not None:
        return net
    shown = SHOWN.get(_common_key(settings))
    if shown is None or activation not in shown.settings["activations"]:
        return None
    return _keep(settings, sklearn_mlp.split_comparison(shown))[activation]


class _Frames:
    """Draws snapshots into a placeholder as they arrive: a progress bar at once, the boundaries
    and curves after FIRST_FRAME_SECONDS and then at most every FRAME_SECONDS, moving the bar in
    between."""

    def __init__(self, live: Any, lecture: bool):
        self.live, self.lecture = live, lecture
        # st.cache_data records what a cached function draws, to replay it on a hit; drawing in
        # the context captured here, outside the function, keeps the frames out of that record.
        self.outside = contextvars.copy_context()
        now = time.perf_counter()
        self.frame_due, self.bar_due, self.bar, self.frames = now + FIRST_FRAME_SECONDS, now, None, 0

    def __call__(self, snapshot: MLPSnapshot) -> None:
        now = time.perf_counter()
        if now >= self.frame_due:
            self.outside.run(self._frame, snapshot)
            self.frame_due = time.perf_counter() + FRAME_SECONDS
        elif self.bar is None:
            # The bar alone at once, so a new setting shows it is training before the first frame.
            self.outside.run(self._bar, snapshot)
        elif now >= self.bar_due:
            self.outside.run(self.bar.progress, *_status(snapshot))
            self.bar_due = now + BAR_SECONDS

    def _bar(self, snapshot: MLPSnapshot) -> None:
        fraction, text = _status(snapshot)
        with self.live.container():
            self.bar = st.progress(fraction, text=text)

    def _frame(self, snapshot: MLPSnapshot) -> None:
        # Named by their place in the run: a name is unique within a run (it keys the chart and
        # its download button). Every frame, and the final chart, reads one cached spec.
        settings, place = snapshot.settings, self.frames
        self.frames += 1
        with self.live.container():
            fraction, text = _status(snapshot)
            self.bar = st.progress(fraction, text=text)
            st.header("Decision boundaries")
            boundaries(
                snapshot.grid,
                snapshot.points,
                tables.training_titles(snapshot),
                lecture=self.lecture,
                name=f"mlp_boundaries_frame_{place}",
            )
            st.header("Learning curves")
            curves(snapshot.history, settings, lecture=self.lecture, name=f"mlp_history_frame_{place}")
            st.caption(prose.TRAINING)


def _status(snapshot: MLPSnapshot) -> tuple[float, str]:
    """The progress bar's fraction and text for ``snapshot``."""
    return snapshot.epoch / snapshot.settings["epochs"], sentences.training_status(snapshot)


def train(
    chosen: Mapping[str, Any], epochs: int, live: Any = None, *, lecture: bool = False
) -> tuple[MLPComparison | None, str | None]:
    """``comparison`` of the widget values ``chosen`` (keyed by URL parameter) for ``epochs``:
    (the comparison, None), or (None, the reason) when ``fit_mlps`` refuses the input. While a new
    setting trains, ``live`` (an ``st.empty`` the page then fills) shows the boundaries and
    learning curves so far with a progress bar; without ``live``, a progress bar alone."""
    nets = len(chosen["act"])
    settings = {
        "dataset": chosen["data"],
        "activations": tuple(chosen["act"]),
        "depth": chosen["depth"],
        "width": chosen["width"],
        "solver": chosen["solver"],
        "learning_rate": chosen["lr"],
        "batch_size": chosen["batch"],
        "epochs": epochs,
        "n_samples": chosen["n"],
        "noise": chosen["noise"],
        "seed": chosen["seed"],
    }
    frames = {} if live is None else {"_snapshot": _Frames(live, lecture)}
    result, error = computed(
        comparison,
        f"Training {nets} network{'s' if nets > 1 else ''} for {epochs} epochs",
        **settings,
        **frames,
    )
    if result is not None:
        note_shown(result, settings)
    return result, error


def boundaries(
    grid: pd.DataFrame, points: pd.DataFrame, titles: dict[str, str], *, lecture: bool, name: str
) -> None:
    """The decision-boundary panels of ``grid`` (a comparison's or a snapshot's), titled
    ``titles``, with the points: one spec per set of panels and lecture mode, whatever the
    setting and whichever frame of a training (``name`` keys the chart and its download), and the rows
    sent by name each run (each panel a picture; the download, the grid)."""
    chart(
        charts.probability_panels,
        None,
        None,
        {key: key for key in titles},  # the template reads the titles from the rows
        lecture=lecture,
        named=True,
        screen=screen(),
        name=name,
        spec_name="mlp_boundaries",
        data=grid,
        key=tuple(titles),
        datasets={"pictures": charts.boundary_pictures(tables.titled_grid(grid, titles)), "points": points},
    )


def curves(history: pd.DataFrame, settings: Mapping[str, Any], *, lecture: bool, name: str) -> None:
    """Loss and test accuracy per epoch from ``history`` (a comparison's or a snapshot's), on an
    epoch axis as long as the training: one spec per set of nets, chance level, length and loss
    ticks, shared by a training's frames and its final chart (``name`` keys the chart and its download)."""
    rows = tables.labelled(history)
    lines = rows.drop_duplicates("key")
    chart(
        charts.learning_curves,
        lines,
        lecture,
        chance=settings["chance_accuracy"],
        epochs=settings["epochs"],
        named=True,
        # The ticks change only when the losses cross a power of ten: a few specs per training.
        loss_ticks=tuple(charts.log_ticks_of(rows["loss"])),
        screen=screen(),
        name=name,
        spec_name="mlp_history",
        data=rows,
        key=tuple(lines["key"]),
        datasets={"history": rows},
    )


def layer_heatmap(frame: pd.DataFrame, value: str, value_title: str, *, lecture: bool, name: str) -> None:
    """``value`` per layer (rows) and epoch (columns), one block per net, with its CSV."""
    heatmap(
        frame,
        "epoch",
        "layer",
        value,
        rows="label",
        x_title="epoch",
        y_title="layer",
        value_title=value_title,
        lecture=lecture,
        name=name,
    )
