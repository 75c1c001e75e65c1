"""Training dynamics: minibatch noise, gradients per layer, dying ReLU, batch norm, clipping, early stopping."""

import streamlit as st

from explainer import ui
from explainer.lessons.training import prose as text
from explainer.ui import training as page

params = page.PARAMS
lecture = ui.lecture_mode()
st.title("Training dynamics")
ui.prose(text.INTRO)

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])
chosen = ui.draw_row([params["data"], params["seed"]], [3, 1])
common = dict(dataset=chosen["data"], seed=chosen["seed"])
notes: list[str] = []
# One section at a time. Every section's controls are drawn, so their values, the link and a scene
# hold in a closed tab too; only the open section's text and charts are computed and sent.
sections = ui.section_tabs(page.SECTIONS)

# --- 1 ------------------------------------------------------------------------------------------
with (tab := sections["minibatch"]):
    ui.section_header(tab, text.MINIBATCH)
    minibatch_chart = st.container()  # the chart first, the controls that move it under it
    chosen = ui.draw_row([params["trials"], params["sg_at"]])
    settings = dict(**common, trials=chosen["trials"], trained=chosen["sg_at"] == "trained")
    if tab.open:
        with minibatch_chart:
            notes += page.results(
                page.minibatch, "Drawing minibatch gradients", page.show_minibatch, settings, lecture
            )
        st.subheader("The same examples, in batches of 1, 16, 128 or all")
    chosen = ui.draw_row([params["budget"], params["lr1"]])
    settings = dict(**common, examples=chosen["budget"], learning_rate=chosen["lr1"])
    if tab.open:
        notes += page.results(page.race, "Training four batch sizes", page.show_race, settings, lecture)

# --- 2 ------------------------------------------------------------------------------------------
with (tab := sections["gradients"]):
    ui.section_header(tab, text.GRADIENTS, title="How to read the heatmap")
    chosen = ui.draw_row([params["acts"], params["depth"], params["init"]])
    chosen |= ui.draw_row([params["lr"], params["steps"]])
    if tab.open and not chosen["acts"]:
        st.info("Choose at least one activation above to train a network.")
    elif tab.open:
        settings = dict(
            **common,
            activations=tuple(chosen["acts"]),
            depth=chosen["depth"],
            init=chosen["init"],
            learning_rate=chosen["lr"],
            steps=chosen["steps"],
        )
        networks = f"{len(chosen['acts'])} network{'s' if len(chosen['acts']) > 1 else ''}"
        notes += page.results(page.gradients, f"Training {networks}", page.show_gradients, settings, lecture)

# --- 3 ------------------------------------------------------------------------------------------
with (tab := sections["dying"]):
    ui.section_header(tab, text.DYING)
    chosen = ui.draw_row([params["lr_ok"], params["lr_hi"]])
    settings = dict(**common, learning_rate=chosen["lr_ok"], high_learning_rate=chosen["lr_hi"])
    if tab.open:
        notes += page.results(page.dying, "Training three networks", page.show_dying, settings, lecture)

# --- 4 ------------------------------------------------------------------------------------------
with (tab := sections["batchnorm"]):
    ui.section_header(tab, text.BATCHNORM)
    chosen = ui.draw_row([params["bn_act"], params["bn_depth"], params["bn_lr"]])
    settings = dict(
        **common, activation=chosen["bn_act"], depth=chosen["bn_depth"], learning_rate=chosen["bn_lr"]
    )
    if tab.open:
        notes += page.results(
            page.batchnorm, "Training with and without batch norm", page.show_batchnorm, settings, lecture
        )

# --- 5 ------------------------------------------------------------------------------------------
with (tab := sections["clipping"]):
    ui.section_header(tab, text.CLIPPING)
    chosen = ui.draw_row([params["gain"], params["clip_v"], params["clip_n"]])
    settings = dict(
        **common, gain=chosen["gain"], value_threshold=chosen["clip_v"], norm_threshold=chosen["clip_n"]
    )
    if tab.open:
        notes += page.results(
            page.clipping, "Training with and without clipping", page.show_clipping, settings, lecture
        )

# --- 6 ------------------------------------------------------------------------------------------
with (tab := sections["early_stopping"]):
    ui.section_header(tab, text.EARLY_STOPPING)
    chosen = ui.draw_row([params["patience"], params["es_noise"], params["es_steps"]])
    settings = dict(**common, noise=chosen["es_noise"], steps=chosen["es_steps"], patience=chosen["patience"])
    if tab.open:
        notes += page.results(
            page.early_stopping,
            "Training the overfitting network",
            page.show_early_stopping,
            settings,
            lecture,
        )

ui.presenter_notes(notes)
ui.page_link("app_pages/activations.py", "Activation functions: why sigmoid's slope is at most 1/4")
