"""Depth: the chain rule multiplies one factor per layer, until the gradient vanishes or explodes."""

import streamlit as st

from explainer import ui
from explainer.charts import depth as charts
from explainer.lessons.depth import prose
from explainer.lessons.depth.presets import PRESET_SEEDS, PRESETS
from explainer.lessons.depth.settings import PHASE_LAYOUT, phase_marks, sigma_w
from explainer.ui import depth as page

lecture = ui.lecture_mode()
st.title("Depth: vanishing and exploding gradients")
ui.prose(prose.INTRO)
main = ui.main_chart_slot()

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in PRESETS:
    st.caption(
        f"Source: {PRESETS[scene].source} {page.SECTION_LABELS['published']} sets the published numbers "
        "beside the measured ones."
    )

params = page.PARAMS
activation, init, gain = ui.draw_row([params["act"], params["init"], params["gain"]]).values()
depth, asked_width, asked_batch, seed = ui.draw_row(
    [params["depth"], params["width"], params["batch"], params["seed"]], [3, 3, 2, 1]
).values()
width, batch, too_big = page.fit(depth, asked_width, asked_batch)
if too_big:
    st.info(too_big, icon=":material/memory:")
scale = sigma_w(init, width, gain)
st.caption(
    f"{depth} layers of {width} units, {ui.ACTIVATION_LABELS[activation]}, {ui.INITIALIZER_LABELS[init]} "
    f"weights × {gain:g}: σ_w = √(width · Var W) = {scale:.3g}, the phase diagram's x axis "
    f"({page.SECTION_LABELS['phase']})."
)
network = (activation, depth, width, init, gain, batch, seed)
notes: list[str] = []
# One section at a time. Every section's controls are drawn, so their values, the link and a scene
# hold in a closed tab too; only the open section's text and charts are computed and sent.
sections = ui.section_tabs(page.SECTIONS, page.HEADINGS)

# A dot on every layer of a short network.
points = depth <= 40

# --- 1 ------------------------------------------------------------------------------------------
with (tab := sections["gradients"]), main if lecture else tab:  # lecture mode: above the scene
    if tab.open:
        ui.section_header(tab, prose.GRADIENTS)
        gradients = page.gradients(*network)
        page.lines("depth_gradients", gradients, "std of ∂loss/∂h (log scale)", points, lecture)
        st.markdown(f"**{gradients.sentences[0]}** {gradients.sentences[1]}")
        notes.extend(gradients.sentences)

# --- 2 ------------------------------------------------------------------------------------------
with (tab := sections["path"]):
    if tab.open:
        ui.section_header(tab, prose.PATH)
        path = page.path(*network)
        page.lines(
            "depth_path", path, "product after l layers", points, lecture, x_title="layers multiplied, l"
        )
        st.markdown(path.sentences[0])
        notes.append(path.sentences[0])

# --- 3 ------------------------------------------------------------------------------------------
with (tab := sections["activations"]):
    if tab.open:
        ui.section_header(tab, prose.ACTIVATIONS)
        outputs, half_step = page.layer_outputs(*network)
        frame, shares = outputs.frame, outputs.extra
        ui.chart(
            charts.layer_histograms,
            half_step,
            name="depth_histograms",
            data=frame,
            datasets={"data": frame},
            lecture=lecture,
            screen=ui.screen(),
        )
        ui.chart(
            charts.share_by_layer,
            outputs.names,
            outputs.dashes,
            name="depth_fractions",
            data=shares,
            datasets={"data": shares},
            lecture=lecture,
            screen=ui.screen(),
        )
        st.markdown(outputs.sentences[0])
        notes.append(outputs.sentences[0])

# --- 4 ------------------------------------------------------------------------------------------
with (tab := sections["compare"]):
    ui.section_header(tab)
    by = ui.draw(params["cmp"])
    if by == "act":
        label = f"Activations (all with {ui.INITIALIZER_LABELS[init]} weights × {gain:g})"
        choices = ui.draw(params["cmp_act"], label=label)
    else:
        choices = ui.draw(
            params["cmp_init"], label=f"Initializers (all with {ui.ACTIVATION_LABELS[activation]})"
        )
    if tab.open and not choices:
        st.info("Choose at least one to draw.")
    elif tab.open:
        compare = page.compare(by, tuple(choices), *network)
        page.lines("depth_compare", compare, "std of ∂loss/∂h (log scale)", points, lecture)
        st.markdown(compare.sentences[0])
        notes.append(compare.sentences[0])

# --- 5 ------------------------------------------------------------------------------------------
with (tab := sections["fixes"]):
    ui.section_header(tab, prose.FIXES)
    columns = st.columns(3) + st.columns(3)
    fix_relu, fix_init, batchnorm, residual, clip_on = (
        ui.draw(params[key], column) for key, column in zip(page.FIX_KEYS, columns, strict=False)
    )
    clip = ui.draw(params["clip_at"], columns[5]) if clip_on else None
    if tab.open:
        fixes = page.fixes(*network, fix_relu, fix_init, batchnorm, residual, clip)
        page.lines("depth_fixes", fixes, "std of ∂loss/∂h (log scale)", points, lecture)
        st.markdown(fixes.sentences[0])
        notes.append(fixes.sentences[0])
        if clip is not None:
            st.subheader("Clipping by the global norm")
            clipping = page.clipping(fixes)
            page.lines("depth_clipping", clipping, "‖∂loss/∂W‖ of the layer", points, lecture, height=220)
            st.markdown(clipping.sentences[0])
            notes.append(clipping.sentences[0])

# --- 6 ------------------------------------------------------------------------------------------
with (tab := sections["phase"]):
    if tab.open:
        ui.section_header(tab, prose.PHASE)
        cells, critical, phase_text = page.phase(activation, seed)
        ui.chart(
            charts.phase_heatmap,
            name="depth_phase",
            data=cells,
            datasets={"data": cells, "marks": phase_marks(critical, scale, depth)},
            on_select=page.pick_phase_cell,
            selection_mode="pick",
            **PHASE_LAYOUT,
            lecture=lecture,
            screen=ui.screen(),
        )
        st.markdown(phase_text)
        notes.append(phase_text)

# --- 7 ------------------------------------------------------------------------------------------
with (tab := sections["published"]):
    ui.section_header(tab, prose.published_intro(scene in PRESETS, len(PRESET_SEEDS)))
    for key, label in page.SCENE_LABELS.items():
        st.button(label, key=f"go_{key}", on_click=page.apply_scene, args=(key,), icon=":material/replay:")
    if tab.open and scene in PRESETS:
        published = page.published(scene)
        st.subheader(page.SCENE_LABELS[scene])
        ui.table(published.extra, f"depth_{scene}_claims")
        page.lines(f"depth_{scene}_layers", published, "activation std of the layer", True, lecture)
        st.markdown(" ".join(published.sentences))
        notes.extend(published.sentences[:2])  # what agrees with the source, and what our re-run adds

ui.presenter_notes(notes)
