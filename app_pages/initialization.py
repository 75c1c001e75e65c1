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
# In lecture mode the heatmaps, when their tab is open, go here: above the scene and the tabs.
main = ui.main_chart_slot()

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])
pair = ui.draw_row([page.PARAMS["init"], page.PARAMS["act"]])
init, act = pair["init"], pair["act"]
init_label, act_label = ui.INITIALIZER_LABELS[init], ui.ACTIVATION_LABELS[act]
notes: list[str] = []
# One section at a time. Every section's controls are drawn, so their values, the link and a scene
# hold in a closed tab too; only the open section's text, tables and charts are computed and sent.
sections = ui.section_tabs(page.SECTIONS, page.HEADINGS)

# The N(0, 1) switch of section 6 also marks that row on section 1's heatmaps: drawn first, under
# section 6's heading (``why_heading``), which is filled in below.
with (why := sections["standard_normal"]):
    why_heading = st.container()
    n01 = ui.draw(page.PARAMS["n01"])

# --- 1 ------------------------------------------------------------------------------------------
with (tab := sections["travel"]):
    ui.section_header(tab, prose.TRAVEL)
    # The heatmaps first, the sliders that move them under them.
    heatmaps = main if lecture else st.container()
    shape = ui.draw_row([page.PARAMS["depth"], page.PARAMS["width"]])
    depth, width = shape["depth"], shape["width"]
    # The grid also gives section 6 its N(0, 1) row.
    grid, problem = None, None
    if tab.open or (why.open and n01):
        grid, problem = page.result_or_reason(page.travel, depth, width)
    if problem and tab.open:
        st.error(problem, icon=":material/block:")
    elif tab.open:
        with heatmaps:
            page.draw_travel_heatmaps(grid, init, act, n01, depth, lecture)
        travel_text = lessons.describe_travel(grid, depth, width)
        st.markdown(" ".join(travel_text))
        notes += travel_text
        st.subheader(f"{init_label} with {act_label}, layer by layer")
        page.draw_pair_curve(init, act, depth, width, lecture)
        pair_text = lessons.describe_travel_pair(tables.heatmap_cell(grid, init, act), depth)
        st.markdown(pair_text)
        notes.append(pair_text)
        ui.page_link(
            "app_pages/depth.py",
            "Depth: the same networks with batch norm, residuals and clipping",
            section="fixes",
        )

# --- 2 ------------------------------------------------------------------------------------------
with (tab := sections["variance"]):
    ui.section_header(tab, prose.VARIANCE_TABLE)
    fans = ui.draw_row([page.PARAMS["fan_in"], page.PARAMS["fan_out"]])
    fan_in, fan_out = fans["fan_in"], fans["fan_out"]
    if tab.open:
        table, problem = page.result_or_reason(page.variance_table, fan_in, fan_out, act)
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            ui.table(tables.variance_display(table, act_label), "initialization_variance_table", data=table)
            table_text = lessons.describe_variance_table(table, act_label)
            st.markdown(" ".join(table_text))
            notes += table_text
        with st.expander(f"{init_label}: formula and source", expanded=not lecture):
            st.latex(INITIALIZERS[init].variance_latex)
            st.caption(
                INITIALIZERS[init].source + (f" {INITIALIZERS[init].note}" if INITIALIZERS[init].note else "")
            )

# --- 3 ------------------------------------------------------------------------------------------
with (tab := sections["gains"]):
    ui.section_header(tab, prose.GAINS)
    if tab.open:
        gains, problem = page.result_or_reason(page.gains)
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            ui.table(tables.gains_display(gains), "initialization_gains", data=gains)
            gain_text = tables.gain_sentences(gains)[act]
            st.markdown(f"**{act_label}.** {gain_text}")
            with st.expander("Every activation, in words"):
                st.markdown(tables.every_gain_in_words(gains))
            notes.append(gain_text)

# --- 4 ------------------------------------------------------------------------------------------
with (tab := sections["distributions"]):
    ui.section_header(tab)
    family = ui.draw(page.PARAMS["family"])
    if tab.open:
        st.caption(
            prose.FANS_FROM.format(fan_in=fan_in, fan_out=fan_out, tab=page.SECTION_LABELS["variance"])
        )
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
            ui.table(
                tables.distribution_display(summary), "initialization_distribution_summary", data=summary
            )
            st.markdown(comparison.sentence)
            notes.append(comparison.sentence)

# --- 5 ------------------------------------------------------------------------------------------
with (tab := sections["biases"]):
    ui.section_header(tab, prose.BIASES)
    bias = ui.draw_row([page.PARAMS["b_init"], page.PARAMS["bias_c"]])
    bias_init, bias_c = bias["b_init"], bias["bias_c"]
    if tab.open:
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
with why:
    with why_heading:
        ui.section_header(why)
    if why.open and not n01:
        st.caption(prose.STANDARD_NORMAL_OFF)
    elif why.open and grid is None:
        st.error(problem, icon=":material/block:")
    elif why.open:
        why_text = lessons.describe_standard_normal_row(grid, depth, width)
        st.markdown(" ".join(why_text))
        row = tables.row_display(grid, "standard_normal")
        ui.table(row, "initialization_standard_normal_row", data=tables.heatmap_row(grid, "standard_normal"))
        story, problem = page.result_or_reason(page.standard_normal, depth, width)
        if problem:
            st.error(problem, icon=":material/block:")
        else:
            st.markdown(prose.STANDARD_NORMAL_STORY.format(depth=depth, width=width))
            ui.table(tables.story_display(story), "initialization_standard_normal_story", data=story)
            st.markdown(tables.story_sentences(story))
        notes += why_text[1:]
    if why.open:
        ui.page_link("app_pages/activations.py", "Activation functions: where each one saturates")

ui.presenter_notes(notes)
