"""The scikit-learn MLP comparison: the same network trained with each activation, side by side."""

import streamlit as st

from explainer import ui
from explainer.charts import mlp as charts
from explainer.lessons.mlp import (
    budget as mlp_budget,
)
from explainer.lessons.mlp import prose
from explainer.lessons.mlp import (
    sentences as mlp_sentences,
)
from explainer.lessons.mlp import (
    tables as mlp_tables,
)
from explainer.ui import mlp as page

lecture = ui.lecture_mode()
st.title("One network, trained with each activation")
ui.prose(prose.INTRO)

scene = ui.preset_picker(page.SCENES, page.SCENE_LABELS)
if scene in page.SCENE_DESCRIPTIONS:
    st.caption(page.SCENE_DESCRIPTIONS[scene])

chosen = page.draw_settings()
epochs, over_budget = mlp_budget.budgeted_epochs(
    len(chosen["act"]), chosen["depth"], chosen["n"], chosen["batch"], chosen["epochs"], chosen["width"]
)
if over_budget:
    st.warning(over_budget, icon=":material/timer:")

# One section at a time. The nets train whichever tab is open, as their comparison fills every
# section; only the open section is drawn and sent. The gradient switch is drawn in its tab even
# when that tab is closed, so its value, the link and a scene hold.
sections = ui.section_tabs(page.SECTIONS)
shown = next(sid for sid, tab in sections.items() if tab.open)
with sections[shown]:
    # While a new setting trains, the boundaries and curves so far (``live``), emptied when the
    # open section is drawn under them; a refused setting keeps the last frame, with the reason.
    # Two places, not the section drawn over the frames: drawn in the same run, a container over
    # them keeps those of their elements beyond its own length (a frame's curves and caption).
    live = st.empty()
    section_slot = st.container()
with (tab := sections["layers"]):
    if tab.open:
        st.subheader("Gradient norms per layer (private scikit-learn API)")
    show_gradients = ui.draw(page.PARAMS["grads"])
    gradients_slot = st.container()

comparison, error = None, None
if chosen["act"]:
    comparison, error = page.train(chosen, epochs, live, lecture=lecture)

if error:
    section_slot.error(f"These settings were not trained. {error}", icon=":material/block:")
elif not chosen["act"]:
    with section_slot:
        ui.section_header(sections[shown])
        st.info("Choose at least one activation above to train a network.")
if comparison is not None:
    live.empty()
    with section_slot:
        ui.section_header(sections[shown])
        settings = comparison.settings
        # The trained settings fix everything a chart shows, so its built spec is cached on them.
        key = (tuple(settings.items()), lecture)
        for notice in comparison.notices:
            st.info(notice)
        diverged, findings = mlp_sentences.split_messages(comparison)
        for message in diverged:
            st.warning(message, icon=":material/trending_up:")
        loss_text = mlp_sentences.loss_sentence(comparison)
        layers = len(settings["hidden_layers"])
        layer_text = mlp_sentences.layer_sentences(comparison)

        if shown == "boundaries":
            ui.prose(prose.BOUNDARIES.format(n_train=settings["n_train"], n_test=settings["n_test"]))
            titles = mlp_tables.panel_titles(comparison)
            page.boundaries(
                comparison.grid, comparison.points, titles, lecture=lecture, name="mlp_boundaries"
            )
            ui.download_csv(comparison.points, "mlp_points", "Download the points (CSV)")
            straight = mlp_sentences.straight_boundary_sentence(comparison)
            if straight:
                st.markdown(straight)

        elif shown == "curves":
            page.curves(comparison.history, settings, lecture=lecture, name="mlp_history")
            st.markdown(f"{loss_text} {prose.CHANCE.format(chance=settings['chance_accuracy'])}")

        elif shown == "layers":
            heatmap_text = prose.HEATMAP.format(output_layer=layers + 1, steps=settings["steps_per_epoch"])
            ui.prose(heatmap_text, title="How to read the heatmap")
            updates = mlp_tables.labelled(comparison.updates)
            page.layer_heatmap(
                updates, "relative_update", "‖ΔW‖/‖W‖", lecture=lecture, name="mlp_layer_updates"
            )
            if layer_text:
                st.markdown("\n".join(f"- {line}" for line in layer_text))
            elif layers == 1:
                st.markdown(prose.ONE_LAYER)

        else:
            ui.table(mlp_tables.summary_table(comparison), "mlp_summary")
            if findings:
                st.markdown("\n".join(f"- {line}" for line in findings))
            dead = mlp_tables.dead_units(comparison)
            if not dead.empty:
                st.subheader("Dead ReLU units")
                ui.chart(
                    charts.share_lines,
                    dead,
                    "epoch",
                    "dead_fraction",
                    "hidden layer",
                    y_title="units dead",
                    lecture=lecture,
                    screen=ui.screen(),
                    name="mlp_dead_units",
                    data=dead,
                    key=key,
                )
                st.caption(prose.DEAD_UNITS)

        ui.presenter_notes([*findings[:3], *layer_text[:2], loss_text])

if shown == "layers" and comparison is not None:
    with gradients_slot:
        st.caption(prose.GRADIENTS.format(version=comparison.settings["sklearn_version"]))
        if show_gradients:
            gradients = mlp_tables.labelled(comparison.gradients)
            if gradients.empty:
                st.info("No gradient norms: the private method was not usable (see the note at the top).")
            else:
                page.layer_heatmap(
                    gradients,
                    "gradient_norm",
                    "‖∂loss/∂W‖",
                    lecture=lecture,
                    name="mlp_gradient_norms",
                )
                gradient_text = mlp_sentences.gradient_sentence(comparison)
                if gradient_text:
                    st.markdown(gradient_text)

ui.page_link("app_pages/activations.py", "Activation functions: why sigmoid's slope is at most 1/4")
