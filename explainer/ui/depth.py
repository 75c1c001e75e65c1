"""The depth page: its settings and scenes, and one cached computation per section.

Each section's numbers come from one cached function of plain values, so a control recomputes only
its own section; each chart is compiled once per template and gets its rows by name, so moving a
slider costs no Altair work at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from .. import store
from ..activations import ACTIVATIONS
from ..charts.depth import decade_lines
from ..charts.theme import CATEGORY_COLORS, GREY, SOLID, VERMILLION, activation_style, overlap_dashes
from ..initializers import INITIALIZERS
from ..lessons.depth import settings as depth_settings
from ..lessons.depth.phase import describe_phase, phase_cells, phase_diagram, phase_edge
from ..lessons.depth.presets import (
    PRESET_SEEDS,
    PRESETS,
    Preset,
    claims_table,
    describe_preset,
    preset_profile,
    preset_results,
)
from ..lessons.depth.profiles import (
    CLIP_SERIES,
    FRACTION_SERIES,
    GRADIENT_SERIES,
    PATH_SERIES,
    REFERENCE_SERIES,
    clipping_profile,
    compare_profile,
    describe_comparison,
    describe_path,
    describe_prediction,
    fixed_settings,
    fraction_profile,
    gradient_profile,
    histogram_layers,
    path_products,
)
from ..lessons.depth.settings import PHASE_DEPTHS, PHASE_LAYOUT, PHASE_LIMIT, PHASE_SIGMAS, PHASE_SIZE
from ..network import (
    describe_activations,
    meanfield_prediction,
    network_run,
)
from ..nn.statistics import GradientFlow, gradient_flow
from .display import template_chart
from .widgets import ACTIVATION_LABELS, INITIALIZER_LABELS, Param, defaults, section_labels

COMPARE_LABELS = {"act": "activations", "init": "initializers"}

PARAMS = {
    p.key: p
    for p in (
        Param(
            "act", "Activation", "selectbox", "sigmoid", options=tuple(ACTIVATIONS), labels=ACTIVATION_LABELS
        ),
        Param(
            "init",
            "Weight initialization",
            "selectbox",
            "glorot_normal",
            options=tuple(INITIALIZERS),
            labels=INITIALIZER_LABELS,
            help="Every layer is width × width; fan_in = fan_out = width.",
        ),
        # The gain's range is the phase diagram's σ_w range, so a clicked cell is always a setting.
        Param(
            "gain",
            "Gain",
            "slider",
            1.0,
            low=0.1,
            high=4.0,
            step=0.05,
            help="Multiplies the initializer's standard deviation.",
        ),
        Param("depth", "Depth (layers)", "slider", 30, low=1, high=200),
        # 500 and 1000 for the presets' networks.
        Param("width", "Width (units per layer)", "slider", 128, low=4, high=1000, step=4),
        Param(
            "batch",
            "Batch of inputs",
            "select_slider",
            128,
            options=(16, 32, 64, 128, 256, 500, 1000),
            help="Rows of N(0, 1) inputs.",
        ),
        Param("seed", "Seed", "number", 0, low=0, high=9999, step=1, help="Inputs and weights."),
        Param(
            "cmp", "One line per", "segmented", "act", options=tuple(COMPARE_LABELS), labels=COMPARE_LABELS
        ),
        # The two lists' labels name the setting they share, given when drawn.
        *(
            Param(
                f"cmp_{kind}",
                label,
                "multiselect",
                default,
                options=tuple(labels),
                labels=labels,
                max_selections=6,
            )
            for kind, label, labels, default in (
                ("act", "Activations", ACTIVATION_LABELS, ["sigmoid", "tanh", "relu", "selu"]),
                (
                    "init",
                    "Initializers",
                    INITIALIZER_LABELS,
                    ["small_normal", "glorot_normal", "he_normal", "standard_normal"],
                ),
            )
        ),
        Param(
            "fix_relu",
            "ReLU-family activation",
            "toggle",
            False,
            help="ReLU instead of the activation, unless it is ReLU-like already (leaky ReLU, ELU, SELU, "
            "GELU, SiLU…).",
        ),
        Param(
            "fix_init",
            "He / LeCun initialization",
            "toggle",
            False,
            help="He normal for the ReLU family, LeCun normal for the rest, at gain 1.",
        ),
        Param(
            "bn",
            "Batch norm",
            "toggle",
            False,
            help="Every pre-activation normalised over the batch (training mode, γ = 1, β = 0).",
        ),
        Param(
            "res",
            "Residual connections",
            "toggle",
            False,
            help="h_l = f(z_l) + h_(l−1): the identity around every layer.",
        ),
        Param(
            "clip",
            "Clip the gradient norm",
            "toggle",
            False,
            help="Scale every weight gradient by one factor so that their global norm stays below a "
            "threshold (Pascanu et al. 2013).",
        ),
        Param(
            "clip_at",
            "Clip the global gradient norm to",
            "select_slider",
            1.0,
            options=(0.01, 0.1, 1.0, 10.0, 100.0),
            help="PyTorch's clip_grad_norm_: every weight gradient times min(1, threshold / norm).",
        ),
    )
}
FIX_KEYS = ("fix_relu", "fix_init", "bn", "res", "clip")  # the fixes section's switches, in order

# The page's sections, one open at a time (tabs), the real network's gradient first: id → tab
# title; and each one's heading.
SECTIONS = {
    "gradients": "Gradient per layer",
    "path": "Product of derivatives",
    "activations": "Activations",
    "compare": "Compare",
    "fixes": "Fixes",
    "phase": "Phase diagram",
    "published": "Published results",
}
HEADINGS = {
    "gradients": "The real network: gradient per layer",
    "path": "The product of local derivatives",
    "activations": "Activations through depth",
    "compare": "Compare on the same axes",
    "fixes": "Fixes",
    "phase": "Phase diagram: the edge of chaos",
    "published": "Published results, reproduced",
}
SECTION_LABELS = section_labels(SECTIONS)
"""Each section's tab: id → label ("1. Gradient per layer")."""
PARAM_SECTIONS: dict[str, str | None] = {
    **{key: None for key in ("act", "init", "gain", "depth", "width", "batch", "seed")},
    **{key: "compare" for key in ("cmp", "cmp_act", "cmp_init")},
    **{key: "fixes" for key in (*FIX_KEYS, "clip_at")},
}
"""A setting's URL name → the section whose tab holds it (None: the network, above the tabs, which
every section draws)."""


def fit(depth: int, width: int, batch: int) -> tuple[int, int, str | None]:
    """(width, batch, message): ``depth_settings.fitted_size`` on the width and batch sliders' steps."""
    return depth_settings.fitted_size(
        depth,
        width,
        batch,
        width_low=PARAMS["width"].low,
        width_step=PARAMS["width"].step,
        batches=PARAMS["batch"].options,
    )


def _scene(preset: Preset) -> dict[str, Any]:
    """A published preset as the page's settings: its first network, the largest batch within the
    page's budget, and its runs side by side in the compare section."""
    runs = preset.runs
    first = runs[0]
    depth = max(r.depth for r in runs)
    width, batch, _ = fit(depth, first.width, first.batch)
    inits = list(dict.fromkeys(r.init for r in runs))
    acts = list(dict.fromkeys(r.activation for r in runs))
    start = defaults(PARAMS.values())
    return {
        "section": SECTION_LABELS["published"],
        **start,
        "act": first.activation,
        "init": first.init,
        "depth": depth,
        "width": width,
        "batch": batch,
        "cmp": "init" if len(inits) > 1 else "act",
        "cmp_init": inits if len(inits) > 1 else start["cmp_init"],
        "cmp_act": acts if len(acts) > 1 else list(dict.fromkeys([first.activation, *start["cmp_act"]])),
    }


SCENES = {key: _scene(preset) for key, preset in PRESETS.items()}
"""Every published preset (``explainer.DEPTH_PRESETS``) as settings (``?preset=cs231n_tanh``),
opening the published results' tab."""
SCENE_LABELS = {key: preset.title for key, preset in PRESETS.items()}

# A run pickles to about 30 kB and a phase diagram to 60 kB: these caches stay within a few MB.
SECTION_CACHE_ENTRIES = 48


@dataclass(frozen=True)
class Panel:
    """What one section draws and says: its rows, the series in the order of the legend with their
    colours and dashes, sentences written from the numbers, and a second table where it has one."""

    frame: pd.DataFrame
    sentences: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    dashes: tuple[tuple[int, ...], ...] = ()
    extra: pd.DataFrame | None = None

    @property
    def lines(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[int, ...], ...]]:
        """(names, colors, dashes): the first arguments of ``charts.depth.decade_lines``."""
        return self.names, self.colors, self.dashes


def _styles(keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Each activation's colour and dash, as on every page."""
    styles = [activation_style(k) for k in keys]
    return tuple(color for color, _ in styles), tuple(tuple(dash) for _, dash in styles)


def _categories(count: int) -> tuple[str, ...]:
    """The first ``count`` colours of the palette for categories that are not activations."""
    return tuple(CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(count))


def apply_scene(key: str) -> None:
    """Button callback: show the scene ``key`` (as choosing it in the scene picker does)."""
    st.session_state["preset"] = key
    for widget_key, value in SCENES[key].items():
        st.session_state[widget_key] = value


def pick_phase_cell() -> None:
    """The phase diagram's on_select callback: a clicked cell's σ_w and depth become the page's
    network, with LeCun normal weights (whose σ_w is the gain)."""
    state = st.session_state.get("chart_depth_phase")
    try:
        point = state["selection"]["pick"][0]
        sigma_w, depth = float(point["sigma_w"]), int(point["depth"])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    gain, layers = PARAMS["gain"], PARAMS["depth"]
    if not (gain.low <= sigma_w <= gain.high and layers.low <= depth <= layers.high):
        return
    st.session_state["init"] = "lecun_normal"
    st.session_state["gain"] = sigma_w
    st.session_state["depth"] = depth


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def run(
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
    batchnorm: bool = False,
    residual: bool = False,
    clip: float | None = None,
):
    """Cached ``network_run`` (zero biases), with the histograms of section 3's layers."""
    return network_run(
        activation,
        depth,
        width,
        init,
        gain,
        batch,
        seed,
        batchnorm,
        residual,
        clip_norm=clip,
        histogram_layers=histogram_layers(depth),
    )


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def flow(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> GradientFlow:
    """Cached ``gradient_flow``: a network of the comparison, its gradient per layer alone."""
    return gradient_flow(activation, depth, width, init, gain, batch, seed)


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def path(activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int) -> Panel:
    """Section 1: the product of local derivatives along one path, and its bound."""
    network = run(activation, depth, width, init, gain, batch, seed)
    colors, _ = _styles([activation])
    return Panel(
        path_products(network), (describe_path(network),), PATH_SERIES, (colors[0], GREY), ((1, 0), (8, 4))
    )


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def gradients(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> Panel:
    """Section 2: the measured gradient std per layer beside the mean-field prediction."""
    network = run(activation, depth, width, init, gain, batch, seed)
    prediction = meanfield_prediction(activation, depth, width, init, gain)
    colors, _ = _styles([activation])
    return Panel(
        gradient_profile(network, prediction),
        (network.sentence, describe_prediction(network, prediction)),
        GRADIENT_SERIES,
        (colors[0], GREY),  # the prediction: grey and dashed, readable in both themes
        ((1, 0), (6, 4)),
    )


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def layer_outputs(
    activation: str, depth: int, width: int, init: str, gain: float, batch: int, seed: int
) -> tuple[Panel, float]:
    """Section 3: (the layer × value histogram as ``frame`` with the saturated and dead shares as
    ``extra``, half the spacing of the layers shown)."""
    network = run(activation, depth, width, init, gain, batch, seed)
    layers = histogram_layers(depth)
    histograms = network.histograms
    histograms = histograms[histograms["fraction"] > 0].reset_index(drop=True)
    half = 0.5 if len(layers) < 2 else (layers[-1] - layers[0]) / (len(layers) - 1) / 2
    shares = fraction_profile(network)
    # Shares that coincide (all 0 for sigmoid at the defaults) would draw one line for three.
    dashes = overlap_dashes(
        shares, "layer", "value", "series", FRACTION_SERIES, [SOLID] * len(FRACTION_SERIES)
    )
    panel = Panel(
        histograms,
        (describe_activations(network.layers),),
        FRACTION_SERIES,
        dashes=tuple(tuple(d) for d in dashes),
        extra=shares,
    )
    return panel, float(f"{half:.6g}")


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def compare(
    by: str,
    choices: tuple[str, ...],
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
) -> Panel:
    """Section 4: one line per activation (``by="act"``, with ``init``) or per initializer
    (``by="init"``, with ``activation``) on the same axes."""
    # The page's own network is in the run cache already; the others need only their gradients.
    if by == "act":
        runs = {
            ACTIVATION_LABELS[k]: (run if k == activation else flow)(k, depth, width, init, gain, batch, seed)
            for k in choices
        }
        colors, dashes = _styles(choices)
        keys = dict(zip(runs, choices, strict=True))
    else:
        runs = {
            INITIALIZER_LABELS[k]: (run if k == init else flow)(
                activation, depth, width, k, gain, batch, seed
            )
            for k in choices
        }
        colors, dashes, keys = _categories(len(runs)), tuple((1, 0) for _ in runs), None
    return Panel(compare_profile(runs, keys), (describe_comparison(runs),), tuple(runs), colors, dashes)


@st.cache_data(max_entries=SECTION_CACHE_ENTRIES, show_spinner=False)
@store.persisted
def fixes(
    activation: str,
    depth: int,
    width: int,
    init: str,
    gain: float,
    batch: int,
    seed: int,
    relu: bool,
    init_fix: bool,
    batchnorm: bool,
    residual: bool,
    clip: float | None,
) -> Panel:
    """Section 5: the network as set above beside the fixed one (``frame``), and with clipping
    the weight-gradient norms before and after it (``extra``)."""
    before = run(activation, depth, width, init, gain, batch, seed)
    fixed_act, fixed_init, fixed_gain = fixed_settings(activation, init, gain, relu, init_fix)
    fixed = (fixed_act, depth, width, fixed_init, fixed_gain, batch, seed)
    # Called with the arguments as the other sections call it, so an unchanged network is a cache hit.
    if batchnorm or residual or clip is not None:
        after = run(*fixed, batchnorm, residual, clip)
    else:
        after = run(*fixed)
    sentences = depth_settings.fixes_sentences(
        before,
        after,
        activation=activation,
        init=init,
        gain=gain,
        width=width,
        relu=relu,
        init_fix=init_fix,
        batchnorm=batchnorm,
        residual=residual,
        clip=clip,
    )
    names = ("as set above", "with the fixes")
    colors, _ = _styles([fixed_act])
    extra = None if clip is None else clipping_profile(after)
    # The reference line last, so it is drawn over the other where the two coincide.
    frame = compare_profile({names[1]: after, names[0]: before})
    return Panel(frame, sentences, names, (GREY, colors[0]), ((8, 4), (1, 0)), extra)


def clipping(panel: Panel) -> Panel:
    """Section 5's clipping chart: the weight-gradient norm of each layer before (grey, dashed) and
    after (vermillion) clipping, from the fixes panel, with its sentence."""
    return Panel(panel.extra, panel.sentences[1:], CLIP_SERIES, (GREY, VERMILLION), ((8, 4), (1, 0)))


@st.cache_data(
    max_entries=SECTION_CACHE_ENTRIES,
    show_spinner="Measuring 33 networks of 200 layers for the phase diagram…",
)
@store.persisted
def phase(activation: str, seed: int) -> tuple[pd.DataFrame, float | None, str]:
    """Section 6: (``phase_cells`` of ``phase_diagram`` over ``PHASE_SIGMAS`` × ``PHASE_DEPTHS``
    at width and batch ``PHASE_SIZE``, the σ_w of χ(q*) = 1 or None, the sentences that say
    what is drawn: its colours and whether and why the χ = 1 line is there)."""
    table = phase_diagram(activation, PHASE_SIGMAS, PHASE_DEPTHS, PHASE_SIZE, PHASE_SIZE, seed)
    edge = phase_edge(activation)
    return (
        phase_cells(table, PHASE_LIMIT),
        edge.sigma_w,
        describe_phase(table, edge, ACTIVATION_LABELS[activation], PHASE_LAYOUT["sigma_range"]),
    )


@st.cache_data(max_entries=8, show_spinner="Running the published networks on every seed…")
@store.persisted
def published(key: str) -> Panel:
    """Section 7: the preset's numbers (``extra``, as a learner reads them: published beside
    our re-run's median and range over ``PRESET_SEEDS``) and the activation std per layer of
    each of its networks on the first seed (``frame``). Cached: a preset runs its networks
    eight times."""
    claims, layers = preset_results(key)
    runs = tuple(dict.fromkeys(layers["run"]))
    sentences = (
        *describe_preset(key, claims),
        PRESETS[key].source,
        f"The chart shows seed {PRESET_SEEDS[0]}.",
    )
    return Panel(
        preset_profile(layers),
        sentences,
        runs,
        _categories(len(runs)),
        tuple((1, 0) for _ in runs),
        claims_table(claims),
    )


def lines(name: str, panel: Panel, y_title: str, points: bool, lecture: bool, **kwargs: Any) -> None:
    """``panel``'s rows drawn as ``charts.depth.decade_lines`` (when ``points``, a dot on every
    layer of each line but the references, ``REFERENCE_SERIES``), under ``name``; the spec is
    built once per look and gets the rows by name on every run."""
    template_chart(
        decade_lines,
        panel.frame,
        *panel.lines,
        name=name,
        data=panel.frame,
        lecture=lecture,
        y_title=y_title,
        points=tuple(n for n in panel.names if n not in REFERENCE_SERIES) if points else False,
        **kwargs,
    )
