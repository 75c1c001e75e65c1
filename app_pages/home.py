"""Why deep networks stop learning: the story in six steps, each with a live number."""

import streamlit as st

from explainer import ui
from explainer.lessons.home import prose
from explainer.lessons.home import sentences as lesson
from explainer.lessons.home.story import gated_versus_squashed, scientific_columns
from explainer.ui import home as page

lecture = ui.lecture_mode()
st.title("Why deep networks stop learning")
ui.prose(prose.INTRO)

# On a projector the first two steps sit side by side, so the first screen holds the first chart
# (one under the other where the column is too narrow for two).
side_by_side = lecture and ui.room_for_columns()
first, second = st.columns(2, gap="large") if side_by_side else (st.container(), st.container())
with first:
    st.header("1. A network needs a nonlinearity")
    collapse = page.linear_collapse()
    st.markdown(lesson.collapse_sentence(collapse))
    ui.page_link("app_pages/mlp.py", "See a linear network fail on circles")

with second:
    st.header("2. The chain rule multiplies local derivatives")
    depth = ui.draw(page.PARAMS["chain"])
    chain = page.chain_rule("sigmoid", depth)
    st.markdown(lesson.chain_sentence(chain))
    page.step_chart(
        chain.local,
        "layer",
        "gradient_at_layer",
        x_title="unit (1 = nearest the input)",
        y_title="gradient reaching the unit",
        log_y=True,
        name="chain_rule",
        key=depth,  # the rows follow from the depth alone: the spec is built once per depth
        lecture=lecture,
    )
    ui.page_link("app_pages/depth.py", "Depth: the product in a real network")

st.header("3. Saturating functions shrink the product, most near the input")
bounds = page.slope_bounds()
st.markdown(lesson.bounds_sentence(bounds, chain))
page.step_chart(
    bounds,
    "depth",
    "bound",
    series="label",
    x_title="layers L",
    y_title="max |f′| to the power L",
    log_y=True,
    name="slope_bounds",
    key=(),  # the rows never change: the spec is built once
    lecture=lecture,
)
ui.page_link("app_pages/activations.py", "Activation functions and their derivatives")

st.header("4. ReLU keeps the gradient — unless a unit dies")
dead = page.dead_relu_units()
st.markdown(lesson.dead_units_sentence(dead))
page.step_chart(
    lesson.dead_units_lines(dead),
    "bias_shift",
    "fraction",
    series="share of",
    x_title="every bias shifted by",
    y_title="fraction",
    name="dead_relu_units",
    data=dead.curve,
    key=(),
    lecture=lecture,
)
ui.page_link("app_pages/training.py", "Training: watch units die at a high learning rate", section="dying")

st.header("5. Initialization sets the variance every layer starts from")
init_demo = page.initialization_story()
st.markdown(init_demo.sentence)
page.step_chart(
    init_demo.curves,
    "layer",
    "activation_std",
    series="init",
    x_title="layer",
    y_title="std of activations",
    log_y=True,
    name="initialization_story",
    key=(),
    lecture=lecture,
)
ui.page_link("app_pages/initialization.py", "Initialization: variance tables and how variance travels")

st.header("6. The fixes")
fixes = page.fixes_story()
st.markdown(fixes.sentence)
# Tiny ratios in scientific notation on screen; the CSV keeps every digit.
ui.table(
    scientific_columns(fixes.table, ("layer 1 ÷ layer L gradient",)),
    "fixes_story",
    data=fixes.table,
)
st.markdown(lesson.recurrent_sentence(*gated_versus_squashed()))
ui.page_link("app_pages/depth.py", "Depth: toggle each fix on the same charts", section="fixes")
ui.presenter_notes(lesson.talking_points(collapse, chain, dead, init_demo.sentence, fixes.sentence))
