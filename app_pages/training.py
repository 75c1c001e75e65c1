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
main = ui.main_chart_slot()

# --- 1 ------------------------------------------------------------------------------------------
with main:
    st.header("1. Stochastic gradients")
    ui.prose(text.MINIBATCH)
    minibatch_chart = st.container()  # the chart first, the controls that move it under it
    chosen = ui.draw_row([params["trials"], params["sg_at"]])
    settings = dict(**common, trials=chosen["trials"], trained=chosen["sg_at"] == "trained")
    with minibatch_chart:
        notes += page.results(
            page.minibatch, "Drawing minibatch gradients", page.show_minibatch, settings, lecture
        )

st.subheader("The same examples, in batches of 1, 16, 128 or all")
chosen = ui.draw_row([params["budget"], params["lr1"]])
settings = dict(**common, examples=chosen["budget"], learning_rate=chosen["lr1"])
notes += page.results(page.race, "Training four batch sizes", page.show_race, settings, lecture)

# --- 2 ------------------------------------------------------------------------------------------
st.header("2. Gradients during training")
ui.prose(text.GRADIENTS, title="How to read the heatmap")
chosen = ui.draw_row([params["acts"], params["depth"], params["init"]])
chosen |= ui.draw_row([params["lr"], params["steps"]])
if not chosen["acts"]:
    st.info("Choose at least one activation above to train a network.")
else:
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
st.header("3. Dying ReLU")
ui.prose(text.DYING)
chosen = ui.draw_row([params["lr_ok"], params["lr_hi"]])
settings = dict(**common, learning_rate=chosen["lr_ok"], high_learning_rate=chosen["lr_hi"])
notes += page.results(page.dying, "Training three networks", page.show_dying, settings, lecture)

# --- 4 ------------------------------------------------------------------------------------------
st.header("4. Batch norm")
ui.prose(text.BATCHNORM)
chosen = ui.draw_row([params["bn_act"], params["bn_depth"], params["bn_lr"]])
settings = dict(
    **common, activation=chosen["bn_act"], depth=chosen["bn_depth"], learning_rate=chosen["bn_lr"]
)
notes += page.results(
    page.batchnorm, "Training with and without batch norm", page.show_batchnorm, settings, lecture
)

# --- 5 ------------------------------------------------------------------------------------------
st.header("5. Clipping")
ui.prose(text.CLIPPING)
chosen = ui.draw_row([params["gain"], params["clip_v"], params["clip_n"]])
settings = dict(
    **common, gain=chosen["gain"], value_threshold=chosen["clip_v"], norm_threshold=chosen["clip_n"]
)
notes += page.results(
    page.clipping, "Training with and without clipping", page.show_clipping, settings, lecture
)

# --- 6 ------------------------------------------------------------------------------------------
st.header("6. Early stopping")
ui.prose(text.EARLY_STOPPING)
chosen = ui.draw_row([params["patience"], params["es_noise"], params["es_steps"]])
settings = dict(**common, noise=chosen["es_noise"], steps=chosen["es_steps"], patience=chosen["patience"])
notes += page.results(
    page.early_stopping, "Training the overfitting network", page.show_early_stopping, settings, lecture
)

ui.presenter_notes(notes)
ui.page_link("app_pages/activations.py", "Activation functions: why sigmoid's slope is at most 1/4")
