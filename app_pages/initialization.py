"""Initialization: variance tables every framework agrees with, and how variance travels through depth."""

import streamlit as st

from explainer import INITIALIZERS, MAX_FAN, ui
from explainer.initializers import (
    describe_standard_normal_row,
    describe_travel,
    describe_travel_pair,
    describe_variance_table,
)
from explainer.network import HEALTHY_SATURATION, describe_biases

lecture = ui.lecture_mode()
st.title("Initialization: how large should the first weights be?")
ui.prose(
    "Before training, every weight is a random number, and its spread decides whether a signal "
    "survives the trip through the network. A unit sums fan_in inputs times weights, so with "
    "independent zero-mean weights of variance σ² its pre-activation has variance "
    "fan_in · σ² · E[x²]: too large a σ² and the signal grows layer after layer, too small and it "
    "fades. Each rule below picks σ² from the layer's shape; the page checks them against samples "
    "and sends them through deep networks."
)

scene = ui.preset_picker(ui.init_scenes(), ui.init_scene_labels())
description = ui.init_scene_description(scene)
if description:
    st.caption(description)
defaults = ui.init_defaults()
labels = ui.init_labels()
init_column, act_column = st.columns(2)
init = ui.selectbox(
    "Initializer",
    "init",
    list(labels),
    defaults["init"],
    labels=labels,
    help="The row the page follows: highlighted in the heatmaps, drawn layer by layer, used for the "
    "biases. Clicking a heatmap cell sets it too.",
    container=init_column,
)
act = ui.selectbox(
    "Activation",
    "act",
    list(ui.ACTIVATION_LABELS),
    defaults["act"],
    labels=ui.ACTIVATION_LABELS,
    help="The column the page follows. Clicking a heatmap cell sets it too.",
    container=act_column,
)
init_label, act_label = labels[init], ui.ACTIVATION_LABELS[act]
notes: list[str] = []

# --- 1 ------------------------------------------------------------------------------------------
st.header("1. The variance each rule draws, checked by sampling")
ui.prose(
    "One row per initializer at your layer shape. σ² is the formula's value; beside it, the variance "
    "of a matrix drawn just now, with the number of weights drawn and how far it lies from σ² in "
    "standard errors (the spread of w² over √n). A correct sampler lands within 5 standard errors "
    "almost always. The last two columns say what the rule does to one layer with the chosen "
    "activation: fan_in·σ²·E[f(z)²] multiplies the forward second moment, fan_out·σ²·E[f′(z)²] "
    "the gradient's (z ~ N(0, 1)); 1 keeps it."
)
fan_in_column, fan_out_column = st.columns(2)
fan_in = ui.number_input(
    "fan_in (inputs per unit)", "fan_in", 1, MAX_FAN, defaults["fan_in"], 1, container=fan_in_column
)
fan_out = ui.number_input(
    "fan_out (units in the layer)", "fan_out", 1, MAX_FAN, defaults["fan_out"], 1, container=fan_out_column
)
table, problem = ui.init_compute(ui.init_variance_table, fan_in, fan_out, act)
if problem:
    st.error(problem, icon=":material/block:")
else:
    ui.init_table(ui.init_variance_display(table, act_label), table, "initialization_variance_table")
    table_text = describe_variance_table(table, act_label)
    st.markdown(" ".join(table_text))
    notes += table_text
with st.expander(f"{init_label}: formula and source", expanded=not lecture):
    st.latex(INITIALIZERS[init].variance_latex)
    st.caption(INITIALIZERS[init].source + (f" {INITIALIZERS[init].note}" if INITIALIZERS[init].note else ""))

# --- 2 ------------------------------------------------------------------------------------------
st.header("2. Gains: the activation's share of the formula")
ui.prose(
    "A gain multiplies the weight std to make up for what the activation does to the variance. "
    "Two rules follow from z ~ N(0, 1): the forward gain 1/√E[f(z)²] keeps the output's second "
    "moment at 1, the backward gain 1/√E[f′(z)²] keeps the gradient's. PyTorch's "
    "`calculate_gain` (torch/nn/init.py) tabulates its own values for six functions; the "
    "expectations here are computed by quadrature. χ is the mean-field factor by which the squared "
    "gradient changes per layer at PyTorch's gain (Schoenholz et al. 2017)."
)
gains, problem = ui.init_compute(ui.init_gains)
if problem:
    st.error(problem, icon=":material/block:")
else:
    ui.init_table(ui.init_gains_display(gains), gains, "initialization_gains")
    sentences = ui.init_gain_sentences(gains)
    st.markdown(f"**{act_label}.** {sentences[act]}")
    with st.expander("Every activation, in words"):
        st.markdown(
            "\n".join(f"- **{ui.ACTIVATION_LABELS[key]}.** {text}" for key, text in sentences.items())
        )
    notes.append(sentences[act])

# --- 3 ------------------------------------------------------------------------------------------
st.header("3. Normal, uniform or truncated: same variance, different tails")
family = ui.selectbox(
    "Family",
    "family",
    list(ui.INIT_FAMILIES),
    defaults["family"],
    labels=ui.INIT_FAMILIES,
    widget="segmented",
    help="Each family has a normal, a uniform and a truncated-normal variant with the same σ².",
)
comparison, problem = ui.init_compute(ui.init_distributions, family, fan_in, fan_out)
if problem:
    st.error(problem, icon=":material/block:")
else:
    ui.init_chart(
        "histogram",
        "initialization_weight_histograms",
        lecture,
        family=family,
        fan_in=fan_in,
        fan_out=fan_out,
    )
    ui.init_table(
        ui.init_distribution_display(comparison.summary),
        comparison.summary,
        "initialization_distribution_summary",
    )
    st.markdown(comparison.sentence)
    notes.append(comparison.sentence)

# Sections 4–6 are laid out now and filled in below: the N(0, 1) switch of section 6 also marks
# that row on section 4's heatmaps.
travel_section, bias_section, why_section = st.container(), st.container(), st.container()
with why_section:
    st.header("6. Why not N(0, 1)?")
    n01 = ui.toggle(
        "Show what N(0, 1) weights do",
        "n01",
        help="Marks the N(0, 1) row on the heatmaps and lists its numbers.",
    )

# --- 4 ------------------------------------------------------------------------------------------
with travel_section:
    st.header("4. How variance travels through depth")
    ui.prose(
        "Every initializer (rows) with every activation (columns), in a plain network of L layers "
        "fed 256 random inputs (seeded, biases 0). The first heatmap is log10 of the activations' "
        "variance at layer L over layer 1; the second, log10 of the gradient's variance at layer 1 "
        "over layer L. 0 means kept, −3 a thousandth, +3 a thousandfold. Outlined cells (the same on "
        "both heatmaps) are healthy: both ratios stay within one order of magnitude and less than "
        f"{HEALTHY_SATURATION:.0%} of layer L's unit-inputs are saturated (|f′| < 0.01) — a flat "
        "variance from saturated units does not count. Click a cell to draw it layer by layer below."
    )
    depth_column, width_column = st.columns(2)
    depth = ui.slider("Depth L (layers)", "depth", *ui.INIT_DEPTH, defaults["depth"], container=depth_column)
    width = ui.select_slider(
        "Width (units per layer)", "width", ui.INIT_WIDTHS, defaults["width"], container=width_column
    )
    grid, problem = ui.init_compute(ui.init_travel, depth, width)
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        travel_text = describe_travel(grid, depth, width)
        st.markdown(" ".join(travel_text))
        notes += travel_text
        for direction, title in (
            ("forward", f"Forward: activation variance, layer {depth} ÷ layer 1 (log10)"),
            ("backward", f"Backward: gradient variance, layer 1 ÷ layer {depth} (log10)"),
        ):
            st.subheader(title)
            ui.init_chart(
                "travel",
                f"initialization_{direction}_heatmap",
                lecture,
                clickable=True,
                depth=depth,
                width=width,
                direction=direction,
                init=init,
                act=act,
                n01=n01,
            )
        st.subheader(f"{init_label} with {act_label}, layer by layer")
        ui.init_chart(
            "curve", "initialization_pair_curve", lecture, init=init, act=act, depth=depth, width=width
        )
        pair_text = describe_travel_pair(ui.init_cell(grid, init, act), depth)
        st.markdown(pair_text)
        notes.append(pair_text)
        ui.page_link("app_pages/depth.py", "Depth: the same networks with batch norm, residuals and clipping")

# --- 5 ------------------------------------------------------------------------------------------
with bias_section:
    st.header("5. Biases: zero, a small constant, or PyTorch's uniform")
    ui.prose(
        "The same ReLU network three times: biases 0 (Keras, CS231n), every bias a small constant, "
        "and PyTorch's nn.Linear default U(±1/√fan_in). A ReLU unit is dead when its pre-activation "
        "is negative for every input: no gradient reaches its weights. Where the weights shrink the "
        "signal, the biases are what is left of it."
    )
    bias_init_column, bias_c_column = st.columns(2)
    bias_init = ui.selectbox(
        "Weights",
        "b_init",
        list(labels),
        defaults["b_init"],
        labels=labels,
        help="PyTorch's own nn.Linear weights by default, the ones its uniform biases come with.",
        container=bias_init_column,
    )
    bias_c = ui.slider(
        "Small constant bias",
        "bias_c",
        *ui.INIT_BIAS[:2],
        defaults["bias_c"],
        ui.INIT_BIAS[2],
        help="The 'small constant' option: every bias starts at this value.",
        container=bias_c_column,
    )
    st.caption(f"{labels[bias_init]} weights; ReLU; {depth} layers of {width} units; 256 random inputs.")
    biases, problem = ui.init_compute(ui.init_biases, bias_init, depth, width, bias_c)
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        ui.init_chart(
            "bias",
            "initialization_biases",
            lecture,
            b_init=bias_init,
            depth=depth,
            width=width,
            bias_c=bias_c,
        )
        bias_text = describe_biases(biases)
        st.markdown(bias_text)
        notes.append(bias_text)

# --- 6 ------------------------------------------------------------------------------------------
with why_section:
    if not n01:
        st.caption("Switch it on to see the N(0, 1) row of the heatmaps with its numbers.")
    elif grid is not None:
        why_text = describe_standard_normal_row(grid, depth, width)
        st.markdown(" ".join(why_text))
        ui.init_table(
            ui.init_row_display(grid, "standard_normal"),
            ui.init_row(grid, "standard_normal"),
            "initialization_standard_normal_row",
        )
        story, problem = ui.init_compute(ui.init_standard_normal, depth, width)
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            st.markdown(f"Beside He normal, {depth} layers of {width} units:")
            ui.init_table(ui.init_story_display(story), story, "initialization_standard_normal_story")
            st.markdown("\n".join(f"- {sentence}" for sentence in ui.init_story_sentences(story)))
        notes += why_text[1:]
    ui.page_link("app_pages/activations.py", "Activation functions: where each one saturates")

ui.presenter_notes(notes)
