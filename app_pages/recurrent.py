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
# One section at a time. Every section's controls are drawn, so their values, the link and a scene
# hold in a closed tab too; only the open section's text and charts are computed and sent.
sections = ui.section_tabs(page.SECTIONS, page.HEADINGS)

# --- 1 ------------------------------------------------------------------------------------------
with (tab := sections["gradients"]):
    ui.section_header(tab, text.GRADIENTS, title="How to read the chart")
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
    if tab.open:
        found = page.traces(**settings)
        with gradient_chart:
            notes += page.show_gradients(found, settings, lecture)
        st.subheader("Why the LSTM keeps it")
        ui.prose(text.CELL_PATH)
        notes += page.show_cell_path(found, settings, lecture)

# --- 2 ------------------------------------------------------------------------------------------
with (tab := sections["adding"]):
    ui.section_header(tab, text.ADDING)
    chosen = ui.draw_row([params["train"], params["add_T"], params["iters"]], [2, 1, 1])
    race = dict(steps=chosen["add_T"], iterations=chosen["iters"], seed=settings["seed"])
    if tab.open and chosen["train"]:
        notes += page.results(
            page.race, "Training the RNN, the GRU and the LSTM", page.show_race, race, lecture
        )
    elif tab.open:
        st.info(
            "Switch on the training above to race the three cells (or open the scene *The adding "
            "problem at T = 50*)."
        )

# --- 3 ------------------------------------------------------------------------------------------
with (tab := sections["clipping"]):
    ui.section_header(tab, text.CLIPPING)
    chosen |= ui.draw_row([params["clip_demo"], params["clip_rho"], params["clip"]], [2, 1, 1])
    clip = dict(steps=chosen["add_T"], rho=chosen["clip_rho"], clip=chosen["clip"], seed=settings["seed"])
    if tab.open:
        st.caption(page.clipping_setting(clip))
        if chosen["clip_demo"]:
            notes += page.results(
                page.clipping, "Training with and without clipping", page.show_clipping, clip, lecture
            )

ui.presenter_notes(notes)
ui.page_link(
    "app_pages/training.py",
    "Training dynamics: clipping and gradients in a feed-forward network",
    section="clipping",
)
