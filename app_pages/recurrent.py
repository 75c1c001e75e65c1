"""Through time: why a plain RNN forgets and an LSTM remembers."""

import streamlit as st

from explainer import ui
from explainer.lessons import recurrent as text
from explainer.ui import recurrent as page

params = page.PARAMS
lecture = ui.lecture_mode()
st.title("Through time")
ui.prose(text.INTRO)

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])
notes: list[str] = []
main = ui.main_chart_slot()

# --- 1 ------------------------------------------------------------------------------------------
with main:
    st.header("1. The gradient through time")
    ui.prose(text.GRADIENTS, title="How to read the chart")
    gradient_chart = st.container()  # the chart first, the controls that move it under it
    chosen = ui.draw_row([params["steps"], params["hidden"], params["rho"]])
    chosen |= ui.draw_row([params["fbias"], params["relu"], params["seed"]], [2, 2, 1])
    settings = dict(
        steps=chosen["steps"],
        hidden=chosen["hidden"],
        rho=chosen["rho"],
        forget_bias=chosen["fbias"],
        seed=chosen["seed"],
        relu=chosen["relu"],
    )
    found = page.traces(**settings)
    with gradient_chart:
        notes += page.show_gradients(found, settings, lecture)

# --- 2 ------------------------------------------------------------------------------------------
st.header("2. Why the LSTM keeps it")
ui.prose(text.CELL_PATH)
notes += page.show_cell_path(found, settings, lecture)

# --- 3 ------------------------------------------------------------------------------------------
st.header("3. Learn it live: the adding problem")
ui.prose(text.ADDING)
chosen = ui.draw_row([params["train"], params["add_T"], params["iters"]], [2, 1, 1])
race = dict(steps=chosen["add_T"], iterations=chosen["iters"], seed=settings["seed"])
if chosen["train"]:
    notes += page.results(page.race, "Training the RNN, the GRU and the LSTM", page.show_race, race, lecture)
else:
    st.info(
        "Switch on the training above to race the three cells (or open the scene *The adding problem at T = 50*)."
    )

st.subheader("Clipping an exploding RNN")
ui.prose(text.CLIPPING)
chosen |= ui.draw_row([params["clip_demo"], params["clip_rho"], params["clip"]], [2, 1, 1])
if chosen["clip_demo"]:
    clip = dict(steps=chosen["add_T"], rho=chosen["clip_rho"], clip=chosen["clip"], seed=settings["seed"])
    notes += page.results(
        page.clipping, "Training with and without clipping", page.show_clipping, clip, lecture
    )

ui.presenter_notes(notes)
ui.page_link(
    "app_pages/training.py",
    "Training dynamics: clipping and gradients in a feed-forward network",
    section="clipping",
)
