"""Initialization: variance tables every framework agrees with, and how variance travels through depth."""

import streamlit as st

from explainer import INITIALIZERS, ui
from explainer.charts import initialization as charts
from explainer.lessons.initialization import prose, tables
from explainer.lessons.initialization import sentences as lessons
from explainer.lessons.initialization.travel import describe_biases
from explainer.ui import initialization as page

lecture = ui.lecture_mode()
st.title("Initialization: how large should the first weights be?")
ui.prose(prose.INTRO)
main = ui.main_chart_slot()  # the travel heatmaps, above the scene and its pair in lecture mode

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])
pair = ui.draw_row([page.PARAMS["init"], page.PARAMS["act"]])
init, act = pair["init"], pair["act"]
init_label, act_label = ui.INITIALIZER_LABELS[init], ui.ACTIVATION_LABELS[act]
notes: list[str] = []

# --- 1 ------------------------------------------------------------------------------------------
st.header("1. The variance each rule draws, checked by sampling")
ui.prose(prose.VARIANCE_TABLE)
fans = ui.draw_row([page.PARAMS["fan_in"], page.PARAMS["fan_out"]])
fan_in, fan_out = fans["fan_in"], fans["fan_out"]
table, problem = page.result_or_reason(page.variance_table, fan_in, fan_out, act)
if problem:
    st.error(problem, icon=":material/block:")
else:
    page.full_table(tables.variance_display(table, act_label), table, "initialization_variance_table")
    table_text = lessons.describe_variance_table(table, act_label)
    st.markdown(" ".join(table_text))
    notes += table_text
with st.expander(f"{init_label}: formula and source", expanded=not lecture):
    st.latex(INITIALIZERS[init].variance_latex)
    st.caption(INITIALIZERS[init].source + (f" {INITIALIZERS[init].note}" if INITIALIZERS[init].note else ""))

# --- 2 ------------------------------------------------------------------------------------------
st.header("2. Gains: the activation's share of the formula")
ui.prose(prose.GAINS)
gains, problem = page.result_or_reason(page.gains)
if problem:
    st.error(problem, icon=":material/block:")
else:
    page.full_table(tables.gains_display(gains), gains, "initialization_gains")
    gain_text = tables.gain_sentences(gains)[act]
    st.markdown(f"**{act_label}.** {gain_text}")
    with st.expander("Every activation, in words"):
        st.markdown(tables.every_gain_in_words(gains))
    notes.append(gain_text)

# --- 3 ------------------------------------------------------------------------------------------
st.header("3. Normal, uniform or truncated: same variance, different tails")
family = ui.draw(page.PARAMS["family"])
comparison, problem = page.result_or_reason(page.distributions, family, fan_in, fan_out)
if problem:
    st.error(problem, icon=":material/block:")
else:
    histogram, summary = comparison.histogram, comparison.summary
    ui.chart(
        charts.weight_histograms,
        histogram,
        lecture=lecture,
        name="initialization_weight_histograms",
        data=histogram,
        key=(family, fan_in, fan_out, lecture),
    )
    page.full_table(tables.distribution_display(summary), summary, "initialization_distribution_summary")
    st.markdown(comparison.sentence)
    notes.append(comparison.sentence)

# Sections 4–6 are laid out now and filled in below: the N(0, 1) switch of section 6 also marks
# that row on section 4's heatmaps.
# In lecture mode the travel heatmaps, the page's main chart, come first (``main``).
travel_section = main if lecture else st.container()
bias_section, why_section = st.container(), st.container()
with why_section:
    st.header("6. Why not N(0, 1)?")
    n01 = ui.draw(page.PARAMS["n01"])

# --- 4 ------------------------------------------------------------------------------------------
with travel_section:
    st.header("4. How variance travels through depth")
    ui.prose(prose.TRAVEL)
    heatmaps = st.container()  # the heatmaps first, the sliders that move them under them
    shape = ui.draw_row([page.PARAMS["depth"], page.PARAMS["width"]])
    depth, width = shape["depth"], shape["width"]
    grid, problem = page.result_or_reason(page.travel, depth, width)
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        with heatmaps:
            page.draw_travel_heatmaps(grid, init, act, n01, depth, width, lecture)
        travel_text = lessons.describe_travel(grid, depth, width)
        st.markdown(" ".join(travel_text))
        notes += travel_text
        st.subheader(f"{init_label} with {act_label}, layer by layer")
        page.draw_pair_curve(init, act, depth, width, lecture)
        pair_text = lessons.describe_travel_pair(tables.heatmap_cell(grid, init, act), depth)
        st.markdown(pair_text)
        notes.append(pair_text)
        ui.page_link("app_pages/depth.py", "Depth: the same networks with batch norm, residuals and clipping")

# --- 5 ------------------------------------------------------------------------------------------
with bias_section:
    st.header("5. Biases: zero, a small constant, or PyTorch's uniform")
    ui.prose(prose.BIASES)
    bias = ui.draw_row([page.PARAMS["b_init"], page.PARAMS["bias_c"]])
    bias_init, bias_c = bias["b_init"], bias["bias_c"]
    weights = ui.INITIALIZER_LABELS[bias_init]
    st.caption(prose.BIAS_NETWORK.format(weights=weights, depth=depth, width=width))
    biases, problem = page.result_or_reason(page.biases, bias_init, depth, width, bias_c)
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        key = (bias_init, depth, width, bias_c, lecture)
        ui.chart(
            charts.bias_panels,
            biases,
            lecture=lecture,
            screen=ui.screen(),
            name="initialization_biases",
            data=biases,
            key=key,
        )
        bias_text = describe_biases(biases)
        st.markdown(bias_text)
        notes.append(bias_text)

# --- 6 ------------------------------------------------------------------------------------------
with why_section:
    if not n01:
        st.caption(prose.STANDARD_NORMAL_OFF)
    elif grid is not None:
        why_text = lessons.describe_standard_normal_row(grid, depth, width)
        st.markdown(" ".join(why_text))
        row = tables.row_display(grid, "standard_normal")
        page.full_table(
            row, tables.heatmap_row(grid, "standard_normal"), "initialization_standard_normal_row"
        )
        story, problem = page.result_or_reason(page.standard_normal, depth, width)
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            st.markdown(prose.STANDARD_NORMAL_STORY.format(depth=depth, width=width))
            page.full_table(tables.story_display(story), story, "initialization_standard_normal_story")
            st.markdown(tables.story_sentences(story))
        notes += why_text[1:]
    ui.page_link("app_pages/activations.py", "Activation functions: where each one saturates")

ui.presenter_notes(notes)
