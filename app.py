"""Vanishing Point: page configuration, navigation over app_pages/, and the shared sidebar."""

from pathlib import Path

import streamlit as st

from explainer import ui
from explainer.ui import server

server.configure()

# A local icon: a Material icon as page_icon would be fetched from fonts.gstatic.com.
ICON = Path(__file__).parent / "assets" / "favicon.png"
# The layout is decided before the page is configured, once: a second set_page_config call to
# widen the page after the lecture toggle has rendered was honoured only on some reruns.
st.set_page_config(
    page_title="Vanishing Point",
    page_icon=str(ICON),
    layout="wide" if ui.lecture_requested() else "centered",
)

PAGES = [
    st.Page(
        "app_pages/home.py",
        title="Why deep networks stop learning",
        icon=":material/home:",
        url_path="",
        default=True,
    ),
    st.Page(
        "app_pages/activations.py",
        title="Activation functions",
        icon=":material/show_chart:",
        url_path="activations",
    ),
    st.Page(
        "app_pages/depth.py",
        title="Depth: vanishing and exploding gradients",
        icon=":material/stacked_line_chart:",
        url_path="depth",
    ),
    st.Page(
        "app_pages/initialization.py",
        title="Initialization",
        icon=":material/tune:",
        url_path="initialization",
    ),
    st.Page(
        "app_pages/mlp.py",
        title="MLP comparison",
        icon=":material/hub:",
        url_path="mlp",
    ),
    st.Page(
        "app_pages/training.py",
        title="Training dynamics",
        icon=":material/model_training:",
        url_path="training",
    ),
    st.Page(
        "app_pages/recurrent.py",
        title="Through time: RNN and LSTM",
        icon=":material/replay:",
        url_path="recurrent",
    ),
    st.Page(
        "app_pages/playground.py",
        title="Playground",
        icon=":material/play_circle:",
        url_path="playground",
    ),
]

# The home page under its own name too: Streamlit serves the default page only at the root and
# would answer /home with "page not found".
HOME_BY_NAME = st.Page(
    "app_pages/home.py", title="Why deep networks stop learning", url_path="home", visibility="hidden"
)
page = st.navigation([*PAGES, HOME_BY_NAME])
ui.start_page(page.url_path)
with st.sidebar:
    ui.toggle(
        "Lecture mode",
        "lecture",
        help="Large type, thick lines, wide layout, explanations folded away (on a screen wider "
        "than a phone's). Link: ?lecture=1",
    )
    ui.lecture_mode_note()
    ui.toggle(
        "Presenter view",
        "presenter",
        help="For the lecturer's own tab: talking points and the page's scenes here in the sidebar; "
        "each scene opens in lecture mode in a second window, for the projector. Link: ?presenter=1",
    )
    ui.page_styles()
    ui.lecture_styles()
    ui.watch_viewport(ui.lecture_requested())
link_warning = st.container()
page.run()
with st.sidebar:
    ui.share_link()
ui.finish_page(link_warning)
