"""The initialization page: its PARAMS table and scenes, its cached tables and networks, and the
variance-travel heatmaps whose clicked cell becomes the page's pair."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from .. import initializers, store
from ..activations import ACTIVATIONS
from ..charts import initialization as charts
from ..initializers import DEFAULT_INITIALIZER, INITIALIZERS, MAX_FAN
from ..lessons.initialization import sentences as lessons
from ..lessons.initialization import travel as variance_travel
from .display import chart
from .viewport import screen
from .widgets import ACTIVATION_LABELS, INITIALIZER_LABELS, Param, section_labels

FAMILIES = {"lecun": "LeCun", "glorot": "Glorot", "he": "He"}

PARAMS = {
    p.key: p
    for p in (
        Param(
            "init",
            "Initializer",
            "selectbox",
            DEFAULT_INITIALIZER,
            options=tuple(INITIALIZERS),
            labels=INITIALIZER_LABELS,
            help="The row the page follows: highlighted in the heatmaps, drawn layer by layer, used for the "
            "biases. Clicking a heatmap cell sets it too.",
        ),
        Param(
            "act",
            "Activation",
            "selectbox",
            "relu",
            options=tuple(ACTIVATIONS),
            labels=ACTIVATION_LABELS,
            help="The column the page follows. Clicking a heatmap cell sets it too.",
        ),
        Param("fan_in", "fan_in (inputs per unit)", "number", 256, low=1, high=MAX_FAN, step=1),
        Param("fan_out", "fan_out (units in the layer)", "number", 128, low=1, high=MAX_FAN, step=1),
        Param(
            "family",
            "Family",
            "segmented",
            "he",
            options=tuple(FAMILIES),
            labels=FAMILIES,
            help="Each family has a normal, a uniform and a truncated-normal variant with the same σ².",
        ),
        Param("depth", "Depth L (layers)", "slider", 20, low=2, high=100),
        Param("width", "Width (units per layer)", "select_slider", 256, options=(16, 32, 64, 128, 256)),
        Param(
            "b_init",
            "Weights",
            "selectbox",
            "torch_linear_default",
            options=tuple(INITIALIZERS),
            labels=INITIALIZER_LABELS,
            help="PyTorch's own nn.Linear weights by default, the ones its uniform biases come with.",
        ),
        Param(
            "bias_c",
            "Small constant bias",
            "slider",
            0.01,
            low=0.0,
            high=0.5,
            step=0.01,
            help="The 'small constant' option: every bias starts at this value.",
        ),
        Param(
            "n01",
            "Show what N(0, 1) weights do",
            "toggle",
            False,
            help="Marks the N(0, 1) row on the heatmaps and lists its numbers.",
        ),
    )
}

# The page's sections, one open at a time (tabs), the heatmaps of the travel through depth first:
# id → tab title; and each one's heading.
SECTIONS = {
    "travel": "Through depth",
    "variance": "Variance by rule",
    "gains": "Gains",
    "distributions": "Tails",
    "biases": "Biases",
    "standard_normal": "Why not N(0, 1)?",
}
HEADINGS = {
    "travel": "How variance travels through depth",
    "variance": "The variance each rule draws, checked by sampling",
    "gains": "Gains: the activation's share of the formula",
    "distributions": "Normal, uniform or truncated: same variance, different tails",
    "biases": "Biases: zero, a small constant, or PyTorch's uniform",
    "standard_normal": "Why not N(0, 1)?",
}
SECTION_LABELS = section_labels(SECTIONS)
"""Each section's tab: id → label ("1. Through depth")."""
PARAM_SECTIONS: dict[str, str | None] = {
    "init": None,
    "act": None,
    "depth": "travel",
    "width": "travel",
    "fan_in": "variance",
    "fan_out": "variance",
    "family": "distributions",
    "b_init": "biases",
    "bias_c": "biases",
    "n01": "standard_normal",
}
"""A setting's URL name → the section whose tab holds it (None: above the tabs, read by every
section). The depth and width also set the biases' and N(0, 1)'s networks, the fans the tails'
matrices, and the N(0, 1) switch marks its row on the heatmaps."""

# What every scene sets, so that it looks the same whatever was on screen before; the layer shape,
# the width and the constant bias stay as the visitor left them.
SCENE_KEYS = ("init", "act", "family", "depth", "b_init", "n01")
_SCENES: dict[str, dict[str, Any]] = {
    "pytorch_linear": {
        "label": "PyTorch nn.Linear default",
        "description": "PyTorch's nn.Linear draws weights and biases from U(±1/√fan_in) "
        "(torch/nn/modules/linear.py, reset_parameters: kaiming_uniform_ with a = √5): variance "
        "1/(3·fan_in), a third of LeCun's and a sixth of He's. Shown with ReLU.",
        "section": "variance",
        "settings": {"init": "torch_linear_default", "act": "relu"},
    },
    "keras_dense": {
        "label": "Keras Dense default",
        "description": "Keras's Dense layer defaults to kernel_initializer='glorot_uniform' and zero "
        "biases (keras/src/layers/core/dense.py). Its own default activation is None (linear); shown "
        "here with ReLU, as a hidden layer would use it.",
        "section": "travel",
        "settings": {
            "init": "keras_dense_default",
            "act": "relu",
            "family": "glorot",
            "b_init": "keras_dense_default",
        },
    },
    "sklearn_mlp": {
        "label": "scikit-learn MLP default",
        "description": "scikit-learn's MLPClassifier draws weights and biases from "
        "U(±√(6/(fan_in + fan_out))), Glorot's uniform, and keeps it for its default activation relu "
        "rather than switching to He (sklearn/neural_network/_multilayer_perceptron.py, _init_coef).",
        "section": "travel",
        "settings": {
            "init": "sklearn_mlp_default",
            "act": "relu",
            "family": "glorot",
            "b_init": "sklearn_mlp_default",
        },
    },
    "he_relu": {
        "label": "He for ReLU",
        "description": "He et al. 2015: weights of variance 2/fan_in keep a ReLU network's forward "
        "variance from layer to layer, where Glorot's 1/fan_in (at fan_in = fan_out) halves it at every layer.",
        "section": "travel",
        "settings": {"init": "he_normal", "act": "relu", "family": "he", "b_init": "he_normal"},
    },
    "lecun_selu": {
        "label": "LeCun for SELU, 50 layers",
        "description": "Klambauer et al. 2017: SELU with LeCun-normal weights (variance 1/fan_in) keeps "
        "the activations' mean at 0 and variance at 1 through depth.",
        "section": "travel",
        "settings": {"init": "lecun_normal", "act": "selu", "family": "lecun", "depth": 50},
    },
    "standard_normal": {
        "label": "N(0, 1): why not",
        "description": "Weights from N(0, 1) ignore the fan-in: each pre-activation sums fan_in "
        "products, so its variance is fan_in times its input's. CS231n (2016, lecture 5) shows a tanh "
        "network saturating with W = 1.0·randn.",
        "section": "standard_normal",
        "settings": {"init": "standard_normal", "act": "tanh", "n01": True},
    },
}
SCENES = {
    name: {
        "section": SECTION_LABELS[scene["section"]],
        **{key: PARAMS[key].default for key in SCENE_KEYS},
        **scene["settings"],
    }
    for name, scene in _SCENES.items()
}
"""Each scene's widget values and the tab it opens (``?preset=he_relu``)."""
SCENE_LABELS = {name: scene["label"] for name, scene in _SCENES.items()}
SCENE_DESCRIPTIONS = {name: scene["description"] for name, scene in _SCENES.items()}

BATCH = 256  # issue 3 fixes the batch of random inputs
# A heatmap grid is a 272-row frame: these caches stay within a few MB.
NETWORK_CACHE_ENTRIES = 32
# The columns of a cell's layer-by-layer curve in its CSV download.
CURVE_COLUMNS = ["layer", "forward_log10", "backward_log10", "activation_std", "grad_std"]


def result_or_reason(function: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """(``function(*args)``, None), or (None, the reason) when the explainer refuses the input."""
    try:
        return function(*args), None
    except ValueError as error:
        return None, str(error)


@st.cache_data(max_entries=NETWORK_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def variance_table(fan_in: int, fan_out: int, activation: str) -> pd.DataFrame:
    """Cached ``variance_table`` (gain 1, seed 0)."""
    return initializers.variance_table(fan_in, fan_out, activation)


@st.cache_data(max_entries=1, show_spinner=False)
def gains() -> pd.DataFrame:
    """Cached ``gains_table`` of every registered activation."""
    return lessons.gains_table()


@st.cache_data(max_entries=NETWORK_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def distributions(family: str, fan_in: int, fan_out: int) -> initializers.DistributionComparison:
    """Cached ``distribution_comparison`` (gain 1, seed 0)."""
    return initializers.distribution_comparison(family, fan_in, fan_out)


@st.cache_data(
    max_entries=NETWORK_CACHE_ENTRIES,
    show_spinner="Running every initializer × activation network forward and backward…",
)
@store.persisted
def travel(depth: int, width: int) -> pd.DataFrame:
    """Cached ``variance_travel`` over every initializer and registered activation (batch 256).
    ``python -m explainer.ui.precompute`` stores every depth at every width ahead of time
    (``variance_travel_depths``: one forward pass per network serves all depths)."""
    return variance_travel.variance_travel(depth, width, BATCH)


@st.cache_data(max_entries=NETWORK_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def travel_curve(init: str, activation: str, depth: int, width: int) -> pd.DataFrame:
    """Cached ``variance_travel_curve`` of one heatmap cell."""
    return variance_travel.variance_travel_curve(init, activation, depth, width, BATCH)


@st.cache_data(max_entries=NETWORK_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def biases(init: str, depth: int, width: int, constant: float) -> pd.DataFrame:
    """Cached ``bias_comparison`` for ReLU."""
    return variance_travel.bias_comparison("relu", init, depth, width, BATCH, constant=constant)


@st.cache_data(max_entries=NETWORK_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def standard_normal(depth: int, width: int) -> pd.DataFrame:
    """Cached ``standard_normal_story`` for ReLU, tanh and sigmoid beside He normal."""
    return variance_travel.standard_normal_story(("relu", "tanh", "sigmoid"), depth, width, BATCH)


def precompute_moves(report: Callable[[str], None] = print) -> None:
    """Store what a move of the depth, activation or initializer away from the default scene
    computes besides the heatmaps (``precompute`` stores those at every depth): the pair's
    layer-by-layer curve at every depth and for every pair at the default depth, the biases at
    every depth, the variance table for every activation."""
    defaults = {key: param.default for key, param in PARAMS.items()}
    width, depth_param = defaults["width"], PARAMS["depth"]
    for depth in range(depth_param.low, depth_param.high + 1):
        travel_curve(defaults["init"], defaults["act"], depth, width)
        biases(defaults["b_init"], depth, width, defaults["bias_c"])
    for init in INITIALIZERS:
        travel_curve(init, defaults["act"], defaults["depth"], width)
    for act in ACTIVATIONS:
        travel_curve(defaults["init"], act, defaults["depth"], width)
        variance_table(defaults["fan_in"], defaults["fan_out"], act)
    report(f"initialization moves: {depth_param.high - depth_param.low + 1} depths, "
           f"{len(INITIALIZERS)} initializers, {len(ACTIVATIONS)} activations")  # fmt: skip


def draw_travel_heatmaps(
    grid: pd.DataFrame, init: str, act: str, n01: bool, depth: int, lecture: bool
) -> None:
    """The forward and the backward heatmap of ``travel(depth, width)`` (``grid``), the pair (``init``,
    ``act``) outlined and the N(0, 1) row marked when ``n01``. A clicked cell makes its
    initializer and activation the page's pair."""
    for direction, title in (
        ("forward", f"Forward: activation variance, layer {depth} ÷ layer 1 (log10)"),
        ("backward", f"Backward: gradient variance, layer 1 ÷ layer {depth} (log10)"),
    ):
        st.subheader(title)
        name = f"initialization_{direction}_heatmap"
        columns = [f"{direction}_log10", f"{direction}_status", "saturated_fraction", f"{direction}_healthy"]
        # A new key per pair: the chart starts with no selection whenever the pair changes, so a
        # click on the cell that was clicked before (since replaced by the selectboxes) still counts.
        chart_key = f"chart_{name}_{init}_{act}"
        # The spec depends on neither the pair nor the depth: it is built once for the grid's rows
        # and columns, and the cells (the chosen one flagged) and the healthy count go with each
        # drawing. A depth move then builds no heatmap (two cost ~130 ms of Altair work).
        chart(
            charts.travel_heatmap,
            grid,
            direction,
            emphasis="standard_normal" if n01 else None,
            lecture=lecture,
            screen=screen(),
            cells_name="cells",
            name=name,
            data=grid[["init", "activation", *columns, "healthy"]],
            key=(tuple(dict.fromkeys(grid["init"])), tuple(dict.fromkeys(grid["activation"])), n01, lecture),
            datasets={"cells": charts.travel_cells(grid, direction, (init, act))},
            fill=charts.travel_fill(grid, direction),
            chart_key=chart_key,
            on_select=_cell_picker(chart_key),
            selection_mode="cell",
        )


def draw_pair_curve(init: str, act: str, depth: int, width: int, lecture: bool) -> None:
    """The layer-by-layer curve behind the heatmaps' cell (``init``, ``act``), with its CSV."""
    curve = travel_curve(init, act, depth, width)
    # One spec per depth: the pair's rows go with each drawing.
    chart(
        charts.travel_curve,
        None,
        depth,
        lecture=lecture,
        rows_name="curve",
        name="initialization_pair_curve",
        data=curve[CURVE_COLUMNS],
        key=(depth, lecture),
        datasets={"curve": charts.travel_curve_rows(curve, depth)},
    )


def _cell_picker(key: str) -> Callable[[], None]:
    """The callback of heatmap ``key``: the clicked cell's initializer and activation become the
    page's ``init`` and ``act`` (it runs before the widgets are drawn, so they show them)."""

    def pick() -> None:
        state = st.session_state.get(key)
        chosen = (state or {}).get("selection", {}).get("cell") or []
        if not chosen:
            return
        init, activation = chosen[0].get("init"), chosen[0].get("activation")
        if init in INITIALIZERS and activation in ACTIVATIONS:
            st.session_state["init"] = init
            st.session_state["act"] = activation

    return pick
