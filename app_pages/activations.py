"""Activation functions: their shapes, their derivatives, and where gradients die."""

import streamlit as st

from explainer import ui
from explainer.charts import activations as charts
from explainer.curves import SATURATION_THRESHOLD, describe_zones
from explainer.lessons.guidance import activation_guidance
from explainer.properties import describe_costs
from explainer.ui import activations as page

lecture = ui.lecture_mode()
screen = ui.screen()
st.title("Activation functions and their derivatives")
ui.prose(
    "Backpropagation multiplies a gradient by the activation's derivative f′(z) once per layer. "
    "Where f′ is small the gradient shrinks; where f′ is exactly 0 it stops. The f(x) panel is "
    "what a layer computes, the f′(x) panel is what it lets through on the way back. Hover over "
    "either panel to read every function's value at that x."
)
main = ui.main_chart_slot()

keys = ui.draw(page.PARAMS["act"])
left, right = st.columns(2)
x_min, x_max = ui.draw(page.PARAMS["x"], left)
typed_text = ui.draw(page.PARAMS["expr"], right)
params = page.parameter_sliders(keys)
typed, typed_error = page.typed_activation(typed_text)
if typed_error:
    st.error(f"Your activation was not plotted. {typed_error}", icon=":material/block:")

if not keys and not typed:
    st.info("Choose at least one activation above, or type one, to draw its curves.")
else:
    items = page.params_items(params)
    curve_set = page.curves(tuple(keys), items, x_min, x_max, typed)
    for message in curve_set.messages:
        st.warning(message)
    with main:
        st.subheader("f(x) and f′(x)")
        # A template with a slot for each function and its rows by name: a new x range, or a new
        # choice of as many functions, costs no Altair work.
        series = charts.curve_series(curve_set.curves)
        ui.chart(
            charts.curves_slots,
            len(series[1]),
            lecture,
            screen,
            name="activation_curves",
            data=curve_set.curves,
            datasets={"data": curve_set.curves},
            fill=charts.curves_fill(*series),
        )
        st.caption(
            f"The shaded band on f′(x) is |f′| < {SATURATION_THRESHOLD:g}: where a function is there, "
            "the next chart counts it as saturated."
        )
    slope_text = page.slope_sentence(tuple(keys), items, typed, x_min, x_max)
    st.markdown(slope_text)

    st.subheader("Where the derivative vanishes")
    ui.chart(
        charts.zones_slots,
        len(curve_set.labels),
        lecture,
        name="derivative_zones",
        data=curve_set.zones,
        datasets={"data": curve_set.zones},
        fill=charts.zones_fill(curve_set.labels, x_min, x_max),
    )
    zone_text = describe_zones(curve_set)
    st.markdown("\n".join(f"- {sentence}" for sentence in zone_text) or "No chosen function saturates here.")

    with st.expander("Formulas", expanded=not lecture):
        for label, f_latex, grad_latex, how in page.formulas(tuple(keys), typed):
            st.markdown(f"**{ui.escape(label)}**")
            st.latex(f_latex)
            st.latex(grad_latex)
            if how:
                st.caption(how)

    st.subheader("Properties, measured")
    table = page.properties(tuple(keys), items, typed)
    measured = page.costs(tuple(keys), items, typed)
    timing = page.pending_labels(table, measured)

    # f + f′ is timed on a background thread; until every row's timing is in, this part alone
    # reruns twice a second, and the page reruns once when the last one arrives.
    @st.fragment(run_every=0.5 if timing else None)
    def properties_section() -> None:
        now = page.costs(tuple(keys), items, typed)
        pending = page.pending_labels(table, now)
        if timing and not pending:
            st.rerun()
        shown = page.with_costs(table, now)
        ui.table(shown, "activation_properties", hide=["key"])
        if pending:
            st.caption(
                f"Timing f and f′ of {', '.join(map(ui.escape, pending))} on a million inputs; "
                "the cost columns follow in a moment."
            )
        ui.prose(
            "Every column is computed from f and f′ on a grid of step 0.001 over [−20, 20] (ranges also "
            "look at ±10⁹); E f(z) is the mean output for z ~ N(0, 1), by quadrature. "
            "At a kink the derivative is the one from the left, so ReLU′(0) = 0. "
            + describe_costs(shown, page.matmul_cost() * 1e3),
            title="How the table is computed",
        )

    properties_section()
    cost_text = describe_costs(page.with_costs(table, measured), page.matmul_cost() * 1e3)
    ui.presenter_notes([slope_text, *zone_text[:3], cost_text])

st.subheader("Which one where")
for rule in activation_guidance():
    st.markdown(f"**{rule.layer.capitalize()} layers — {rule.use}.** {rule.because}")
    ui.page_link(rule.page, rule.page_label, section=rule.section)
