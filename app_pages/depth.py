"""Depth: the chain rule multiplies one factor per layer, until the gradient vanishes or explodes."""

import streamlit as st

from explainer import ui

lecture = ui.lecture_mode()
st.title("Depth: vanishing and exploding gradients")
ui.prose(
    "Backpropagation hands each layer the gradient of the layer above, multiplied by that layer's "
    "weights and by the derivative of its activation. Through L layers that is a product of L "
    "factors: a little below 1 each, and the first layers get almost nothing; a little above, and "
    "they get a flood. Every number on this page is measured on a seeded network in numpy, with N(0, 1) "
    "inputs and an N(0, 1) gradient arriving at the top, as in the CS231n and Glorot & Bengio experiments."
)

activation_labels, init_labels = ui.depth_labels()
defaults = ui.DEPTH_DEFAULTS
scene = ui.preset_picker(ui.depth_scenes(), ui.depth_scene_labels())
source = ui.depth_preset_source(scene)
if source:
    st.caption(f"Source: {source} Section 7 sets the published numbers beside the measured ones.")

left, middle, right = st.columns(3)
activation = ui.selectbox(
    "Activation", "act", list(activation_labels), defaults["act"], labels=activation_labels, container=left
)
init = ui.selectbox(
    "Weight initialization",
    "init",
    list(init_labels),
    defaults["init"],
    labels=init_labels,
    help="Every layer is width × width; fan_in = fan_out = width.",
    container=middle,
)
gain_low, gain_high, gain_step = ui.DEPTH_GAIN
gain = ui.slider(
    "Gain",
    "gain",
    gain_low,
    gain_high,
    defaults["gain"],
    gain_step,
    help="Multiplies the initializer's standard deviation.",
    container=right,
)
left, middle, right, last = st.columns([3, 3, 2, 1])
depth = ui.slider("Depth (layers)", "depth", *ui.DEPTH_RANGE, defaults["depth"], container=left)
width_low, width_high, width_step = ui.DEPTH_WIDTH
asked_width = ui.slider(
    "Width (units per layer)", "width", width_low, width_high, defaults["width"], width_step, container=middle
)
asked_batch = ui.select_slider(
    "Batch of inputs",
    "batch",
    ui.DEPTH_BATCHES,
    defaults["batch"],
    help="Rows of N(0, 1) inputs.",
    container=right,
)
seed = ui.number_input(
    "Seed", "seed", 0, 9999, defaults["seed"], 1, help="Inputs and weights.", container=last
)
width, batch, too_big = ui.depth_fit(depth, asked_width, asked_batch)
if too_big:
    st.info(too_big, icon=":material/memory:")
sigma_w = ui.depth_sigma_w(init, width, gain)
st.caption(
    f"{depth} layers of {width} units, {activation_labels[activation]}, {init_labels[init]} weights × {gain:g}: "
    f"σ_w = √(width · Var W) = {sigma_w:.3g}, the phase diagram's x axis (section 6)."
)
network = (activation, depth, width, init, gain, batch, seed)
notes: list[str] = []

st.header("1. The product of local derivatives")
ui.prose(
    "Follow one path from the input to the top: one unit per layer. The chain rule multiplies the "
    "activation's derivative f′(z) at every unit on it. No factor can exceed the largest slope of f, "
    "so L of them multiply to at most (max |f′|)^L — 0.25^L for sigmoid — before any weight acts."
)
path = ui.depth_path(*network)
ui.depth_chart(
    "depth_path",
    "decade_lines",
    {"data": path.frame},
    names=path.names,
    colors=path.colors,
    dashes=path.dashes,
    y_title="product after l layers",
    x_title="layers multiplied, l",
    points=depth <= 40,
    lecture=lecture,
)
st.markdown(path.sentences[0])
notes.append(path.sentences[0])

st.header("2. The real network: gradient per layer")
ui.prose(
    "The whole network passes the gradient down through every unit and every weight at once. The "
    "solid line is the measured standard deviation of ∂loss/∂h for each layer's output, the input "
    "layer at the left; the dashed line is what mean-field theory predicts from χ, the factor by "
    "which one layer multiplies the squared gradient (Schoenholz et al. 2017)."
)
gradients = ui.depth_gradients(*network)
ui.depth_chart(
    "depth_gradients",
    "decade_lines",
    {"data": gradients.frame},
    names=gradients.names,
    colors=gradients.colors,
    dashes=gradients.dashes,
    y_title="std of ∂loss/∂h (log scale)",
    points=depth <= 40,
    lecture=lecture,
)
st.markdown(f"**{gradients.sentences[0]}** {gradients.sentences[1]}")
notes.extend(gradients.sentences)

st.header("3. Activations through depth")
ui.prose(
    "What each layer sends forward. Each column of the heatmap is one layer's outputs, binned: a "
    "column collapsing onto 0 is a signal dying out, a column split onto two values is a layer of "
    "saturated units, whose derivative is near 0."
)
activations = ui.depth_activations(*network)
ui.depth_chart(
    "depth_histograms",
    "layer_histograms",
    {"data": activations.frame},
    half_step=float(activations.names[0]),
    lecture=lecture,
)
ui.depth_chart(
    "depth_fractions",
    "share_by_layer",
    {"data": activations.extra},
    names=ui.depth_fraction_series(),
    lecture=lecture,
)
st.markdown(activations.sentences[0])
notes.append(activations.sentences[0])

st.header("4. Compare on the same axes")
by = ui.selectbox(
    "One line per",
    "cmp",
    list(ui.DEPTH_COMPARE),
    defaults["cmp"],
    labels=ui.DEPTH_COMPARE,
    widget="segmented",
)
if by == "act":
    choices = ui.multiselect(
        f"Activations (all with {init_labels[init]} weights × {gain:g})",
        "cmp_act",
        list(activation_labels),
        defaults["cmp_act"],
        labels=activation_labels,
        max_selections=6,
    )
else:
    choices = ui.multiselect(
        f"Initializers (all with {activation_labels[activation]})",
        "cmp_init",
        list(init_labels),
        defaults["cmp_init"],
        labels=init_labels,
        max_selections=6,
    )
if not choices:
    st.info("Choose at least one to draw.")
else:
    compare = ui.depth_compare(by, tuple(choices), *network)
    ui.depth_chart(
        "depth_compare",
        "decade_lines",
        {"data": compare.frame},
        names=compare.names,
        colors=compare.colors,
        dashes=compare.dashes,
        y_title="std of ∂loss/∂h (log scale)",
        points=depth <= 40,
        lecture=lecture,
    )
    st.markdown(compare.sentences[0])
    notes.append(compare.sentences[0])

st.header("5. Fixes")
ui.prose(
    "Each switch changes the network of sections 1–3; the chart keeps that network (grey, dashed) "
    "beside the fixed one. ReLU's slope is exactly 1 wherever a unit is on; He initialization "
    "(ReLU family) or LeCun initialization (the rest) sets the weight scale so the variance neither "
    "grows nor shrinks; batch norm rescales every layer's pre-activations to mean 0, std 1; a "
    "residual connection adds the identity, so the gradient always has a path with factor 1."
)
columns = st.columns(3) + st.columns(3)
fix_relu = ui.toggle(
    "ReLU-family activation",
    "fix_relu",
    defaults["fix_relu"],
    help="ReLU instead of the activation, unless it is ReLU-like already (leaky ReLU, ELU, SELU, GELU, SiLU…).",
    container=columns[0],
)
fix_init = ui.toggle(
    "He / LeCun initialization",
    "fix_init",
    defaults["fix_init"],
    help="He normal for the ReLU family, LeCun normal for the rest, at gain 1.",
    container=columns[1],
)
batchnorm = ui.toggle(
    "Batch norm",
    "bn",
    defaults["bn"],
    help="Every pre-activation normalised over the batch (training mode, γ = 1, β = 0).",
    container=columns[2],
)
residual = ui.toggle(
    "Residual connections",
    "res",
    defaults["res"],
    help="h_l = f(z_l) + h_(l−1): the identity around every layer.",
    container=columns[3],
)
clip_on = ui.toggle(
    "Clip the gradient norm",
    "clip",
    defaults["clip"],
    help="Scale every weight gradient by one factor so that their global norm stays below a threshold "
    "(Pascanu et al. 2013).",
    container=columns[4],
)
clip = None
if clip_on:
    clip = ui.select_slider(
        "Clip the global gradient norm to",
        "clip_at",
        ui.DEPTH_CLIPS,
        defaults["clip_at"],
        help="PyTorch's clip_grad_norm_: every weight gradient times min(1, threshold / norm).",
        container=columns[5],
    )
fixes = ui.depth_fixes(*network, fix_relu, fix_init, batchnorm, residual, clip)
ui.depth_chart(
    "depth_fixes",
    "decade_lines",
    {"data": fixes.frame},
    names=fixes.names,
    colors=fixes.colors,
    dashes=fixes.dashes,
    y_title="std of ∂loss/∂h (log scale)",
    points=depth <= 40,
    lecture=lecture,
)
st.markdown(fixes.sentences[0])
notes.append(fixes.sentences[0])
if fixes.extra is not None:
    st.subheader("Clipping by the global norm")
    ui.depth_chart(
        "depth_clipping",
        "decade_lines",
        {"data": fixes.extra},
        names=ui.depth_clip_series(),
        colors=ui.depth_clip_colors(),
        dashes=((8, 4), (1, 0)),
        y_title="‖∂loss/∂W‖ of the layer",
        points=depth <= 40,
        lecture=lecture,
        height=220,
    )
    st.markdown(fixes.sentences[1])
    notes.append(fixes.sentences[1])

st.header("6. Phase diagram: the edge of chaos")
ui.prose(
    "Weight scale against depth: one cell per network, LeCun-normal weights scaled to σ_w, zero "
    f"biases, width and batch {ui.PHASE_SIZE}, coloured by layer 1's gradient over layer d's. The "
    "text under the chart says which colours and lines this activation gives. Click a cell to make "
    "it the network of sections 1–5."
)
cells, critical, phase_text = ui.depth_phase(activation, seed)
ui.depth_chart(
    "depth_phase",
    "phase_heatmap",
    {"data": cells, "marks": ui.depth_phase_marks(critical, sigma_w, depth)},
    on_select=ui.depth_pick,
    **ui.depth_phase_layout(),
    lecture=lecture,
)
st.markdown(phase_text)
notes.append(phase_text)

st.header("7. Published results, reproduced")
ui.prose(
    "Each button sets the page to a published experiment; "
    + (
        "the table below sets each number its source prints, with where it is printed, beside our "
        f"re-run's median and range over {ui.depth_preset_seed_count()} seeds, and the chart shows the "
        "activation std per layer of each network."
        if scene in ui.depth_scene_labels()
        else "once one is chosen, a table sets each number its source prints, with where it is printed, "
        f"beside our re-run's median and range over {ui.depth_preset_seed_count()} seeds, and a chart "
        "shows the activation std per layer of each network."
    )
)
for key, label in ui.depth_scene_labels().items():
    st.button(label, key=f"go_{key}", on_click=ui.depth_apply_scene, args=(key,), icon=":material/replay:")
if scene in ui.depth_scene_labels():
    published = ui.depth_preset(scene)
    st.subheader(ui.depth_scene_labels()[scene])
    ui.table(published.extra, f"depth_{scene}_claims")
    ui.depth_chart(
        f"depth_{scene}_layers",
        "decade_lines",
        {"data": published.frame},
        names=published.names,
        colors=published.colors,
        dashes=published.dashes,
        y_title="activation std of the layer",
        points=True,
        lecture=lecture,
    )
    st.markdown(" ".join(published.sentences))
    notes.append(published.sentences[0])

ui.presenter_notes(notes)
