"""The Playground: TensorFlow Playground's network trained live, with the gradient on every wire."""

import streamlit as st

from explainer import ui
from explainer.lessons import playground as text
from explainer.ui import playground as page

params = page.PARAMS
st.title("Playground")
ui.prose(text.INTRO)

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])
main = ui.main_chart_slot()

with st.expander("Classroom", expanded=False):
    hidden = ui.draw(params["hide"])
with page.controls("data", hidden), st.expander("Data", expanded=not ui.lecture_mode()):
    chosen = ui.draw_row([params["data"], params["noise"], params["ratio"]], [2, 1, 1])
    chosen |= ui.draw_row([params["batch"], params["seed"], params["test"]], [2, 1, 1])
with page.controls("rates", hidden):
    chosen |= ui.draw_row([params["lr"], params["reg"], params["reg_rate"]])
with page.controls("activation", hidden):
    chosen |= ui.draw_row([params["act"], params["init"]])
with page.controls("features", hidden):
    chosen["feat"] = ui.draw(params["feat"])
with page.controls("layers", hidden):
    chosen["layers"] = ui.draw(params["layers"])
    chosen |= page.units_row(chosen["layers"])
with page.controls("view", hidden):
    chosen |= ui.draw_row([params["view"], params["discrete"]], [2, 1])
with page.controls("race", hidden):
    chosen |= ui.draw_row([params["race"]])
    if chosen["race"]:
        chosen |= ui.draw_row([params["race_act"], params["race_init"]])

try:
    settings = page.settings_of(chosen)
except ValueError as error:
    settings = None
    st.warning(f"The network was not built: {error}", icon=":material/block:")
    if not chosen["feat"]:
        st.info("Choose at least one input feature above to feed the network.")

if settings is not None:
    playground, rival = page.playgrounds(settings, page.rival_settings(settings, chosen))
    with main:
        page.play_controls()

        # While playing, only this part reruns, several times a second; pausing reruns the page,
        # which leaves the fragment without its timer.
        @st.fragment(run_every=page.FRAME_SECONDS if page.playing() else None)
        def live() -> None:
            page.frame(playground, chosen["view"], chosen["test"], chosen["discrete"], rival)
            stopped = [pg.diverged_at is not None for pg in (playground, rival) if pg is not None]
            if page.playing() and all(stopped):
                page.set_playing(False)
                st.rerun()

        live()
    ui.prose(text.READING, title="How to read the network")
    ui.prose(text.LOSS_NOTE, title="The loss")
    ui.presenter_notes(page.notes(playground))

ui.page_link("app_pages/training.py", "Training dynamics: the same effects over many runs")
