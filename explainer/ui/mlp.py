"""The MLP comparison page: its PARAMS table and scenes (scikit-learn's presets), and the cached
comparison."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from .. import sklearn_mlp
from ..charts import mlp as charts
from ..datasets import DATASETS, get_dataset
from ..lessons.mlp.budget import train_size
from ..sklearn_mlp import DEFAULTS, SKLEARN_ACTIVATIONS, MLPComparison
from .display import chart, computed
from .widgets import ACTIVATION_LABELS, DATASET_LABELS, Param, draw

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
    chosen = {"act": draw(PARAMS["act"])}
    data, network, training = st.columns(3)
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


@st.cache_data(max_entries=COMPARISON_CACHE_ENTRIES, show_spinner=False)
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
) -> MLPComparison:
    """Cached ``fit_mlps`` with ``depth`` hidden layers of ``width`` units; ``_progress`` is not part
    of the cache key."""
    return sklearn_mlp.fit_mlps(
        dataset,
        activations,
        (width,) * depth,
        solver=solver,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        n_samples=n_samples,
        noise=noise,
        seed=seed,
        progress=_progress,
    )


def train(chosen: Mapping[str, Any], epochs: int) -> tuple[MLPComparison | None, str | None]:
    """``comparison`` of the widget values ``chosen`` (keyed by URL parameter) for ``epochs``, with
    a progress bar while a new setting trains: (the comparison, None), or (None, the reason) when
    ``fit_mlps`` refuses the input."""
    nets = len(chosen["act"])
    return computed(
        comparison,
        f"Training {nets} network{'s' if nets > 1 else ''} for {epochs} epochs",
        dataset=chosen["data"],
        activations=tuple(chosen["act"]),
        depth=chosen["depth"],
        width=chosen["width"],
        solver=chosen["solver"],
        learning_rate=chosen["lr"],
        batch_size=chosen["batch"],
        epochs=epochs,
        n_samples=chosen["n"],
        noise=chosen["noise"],
        seed=chosen["seed"],
    )


def layer_heatmap(
    frame: pd.DataFrame, value: str, value_title: str, *, lecture: bool, name: str, key: tuple
) -> None:
    """``value`` per layer (rows) and epoch (columns), one block per net, with its CSV; the spec is
    built once per ``key`` (the trained settings and lecture mode)."""
    chart(
        charts.heatmap,
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
        data=frame,
        key=key,
    )
