"""Vanishing Point: page configuration, navigation over app_pages/, and the shared sidebar."""

from pathlib import Path

import streamlit as st

from explainer import ui

# A local icon: a Material icon as page_icon would be fetched from fonts.gstatic.com.
ICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="Vanishing Point", page_icon=str(ICON), layout="centered")

PAGES = [
    st.Page(
        "app_pages/home.py",
        title="Why deep networks stop learning",
        icon=":material/home:",
        url_path="home",
        default=True,
    ),
    st.Page(
        "app_pages/activations.py",
        title="Activation functions",
        icon=":material/show_chart:",
        url_path="activations",
    ),
]

page = st.navigation(PAGES)
ui.start_page(page.url_path)
with st.sidebar:
    lecture = ui.toggle(
        "Lecture mode",
        "lecture",
        help="Large fonts, thick lines, wide layout, explanations folded away, presenter notes. Link: ?lecture=1",
    )
if lecture:
    st.set_page_config(layout="wide")
link_warning = st.container()
page.run()
with st.sidebar:
    ui.share_link()
ui.finish_page(link_warning)
