"""The scikit-learn MLP comparison: the same network trained with each activation, side by side."""

import streamlit as st

from explainer import charts, ui

lecture = ui.lecture_mode()
st.title("One network, trained with each activation")
ui.prose(
    "Below, scikit-learn's `MLPClassifier` is trained once per activation on the same points, "
    "from the same seed, with the same minibatches, for exactly the number of epochs you choose — "
    "no early stopping hides a net that stalls. Only the activation differs, so every difference "
    "on this page is the activation's doing."
)

scene = ui.preset_picker(ui.mlp_scenes(), ui.mlp_scene_labels())
description = ui.mlp_scene_description(scene)
if description:
    st.caption(description)

defaults = ui.mlp_defaults()
activations = ui.multiselect(
    "Activations, one network each",
    "act",
    list(ui.mlp_activation_labels()),
    defaults["act"],
    labels=ui.mlp_activation_labels(),
    help="The hidden activations MLPClassifier offers; scikit-learn calls sigmoid 'logistic'. "
    "Each keeps its colour on every page.",
)
data_column, network_column, training_column = st.columns(3)
with data_column:
    st.markdown("**Data**")
    dataset = ui.selectbox(
        "Dataset", "data", list(ui.mlp_dataset_labels()), defaults["data"], labels=ui.mlp_dataset_labels()
    )
    st.caption(ui.mlp_dataset_description(dataset))
    noise = ui.slider(
        "Noise",
        "noise",
        0.0,
        1.0,
        defaults["noise"],
        ui.MLP_NOISE_STEP,
        help="Gaussian jitter added to each point.",
    )
    low, high, step = ui.MLP_SAMPLES
    n_samples = ui.slider(
        "Points", "n", low, high, defaults["n"], step, help="A quarter of them are held out as the test set."
    )
with network_column:
    st.markdown("**Network**")
    depth = ui.slider("Hidden layers", "depth", 1, 12, defaults["depth"])
    width = ui.slider("Units per hidden layer", "width", *ui.MLP_WIDTH, defaults["width"])
with training_column:
    st.markdown("**Training**")
    solver = ui.selectbox(
        "Solver",
        "solver",
        ["sgd", "adam"],
        defaults["solver"],
        widget="segmented",
        help="sgd moves each weight in proportion to its gradient; adam rescales each gradient.",
    )
    learning_rate = ui.select_slider("Learning rate", "lr", ui.MLP_LEARNING_RATES, defaults["lr"])
    batch_sizes = ui.mlp_batch_sizes(n_samples)
    batch_size = ui.select_slider(
        "Batch size",
        "batch",
        batch_sizes,
        min(defaults["batch"], batch_sizes[-1]),
        help=f"Up to the {ui.mlp_train_size(n_samples)} training points.",
    )
    low, high, step = ui.MLP_EPOCHS
    epochs = ui.slider("Epochs", "epochs", low, high, defaults["epochs"], step)
    seed = ui.number_input("Seed", "seed", *ui.MLP_SEEDS, defaults["seed"], 1)

budget = ui.mlp_epoch_budget(len(activations), depth, n_samples, batch_size, width)
if epochs > budget:
    asked = ui.mlp_training_seconds(len(activations), depth, n_samples, batch_size, epochs, width)
    allowed = ui.mlp_training_seconds(len(activations), depth, n_samples, batch_size, budget, width)
    st.warning(
        f"{epochs} epochs of this setting would take about {asked / 60:.1f} minutes to train here, so "
        f"each net trains for {budget} epochs (about {allowed:.0f} s). Fewer points, layers, units or "
        "activations leave room for more epochs.",
        icon=":material/timer:",
    )
    epochs = budget

if not activations:
    st.info("Choose at least one activation above to train a network.")
    comparison, error = None, None
else:
    comparison, error = ui.train_mlps(
        dataset=dataset,
        activations=tuple(activations),
        depth=depth,
        width=width,
        solver=solver,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        n_samples=n_samples,
        noise=noise,
        seed=seed,
    )
if error:
    st.error(f"These settings were not trained. {error}", icon=":material/block:")

if comparison is not None:
    settings = comparison.settings
    for notice in comparison.notices:
        st.info(notice)
    diverged, findings = ui.mlp_messages(comparison)
    for message in diverged:
        st.warning(message, icon=":material/trending_up:")

    st.header("Decision boundaries")
    ui.prose(
        "Each panel colours the plane by the trained net's probability of class 1, with the "
        f"{settings['n_train']} training points (circles) and {settings['n_test']} test points "
        "(triangles) on top. The boundary is where the colour turns from blue to orange. The strip "
        "along each panel's top is the activation's colour, the same in every chart of the app."
    )
    ui.mlp_chart(
        comparison,
        "mlp_boundaries",
        lecture,
        lambda: charts.probability_panels(
            comparison.grid, comparison.points, ui.mlp_panel_titles(comparison), lecture=lecture
        ),
        comparison.grid,
    )
    ui.download_csv(comparison.points, "mlp_points", "Download the points (CSV)")
    linear_gap = ui.mlp_linear_boundary(comparison)
    if linear_gap is not None and linear_gap < 1e-6:
        st.markdown(
            f"The identity net's log-odds are a plane over (x₀, x₁): the best-fitting plane misses "
            f"them by at most {linear_gap:.0e} anywhere on the grid. So its boundary is a straight "
            f"line, however many layers it has — {len(settings['hidden_layers'])} here."
        )

    st.header("Learning curves")
    history = ui.mlp_history(comparison)
    ui.mlp_chart(
        comparison,
        "mlp_history",
        lecture,
        lambda: charts.learning_curves(history, lecture, chance=settings["chance_accuracy"]),
        history,
    )
    loss_text = ui.mlp_loss_sentence(comparison)
    st.markdown(
        f"{loss_text} The dashed line is chance: {settings['chance_accuracy']:.2f}, the test accuracy of "
        "always answering the larger class."
    )

    st.header("Which layers learn")
    ui.prose(
        "Each cell is how far one layer's weights moved in one epoch, relative to their size: "
        f"‖ΔW‖/‖W‖ (layer 1 is the first hidden layer, layer {len(settings['hidden_layers']) + 1} "
        f"the output layer). An epoch is {settings['steps_per_epoch']} minibatch steps here. "
        "Karpathy's rule of thumb for a healthy layer is about 1e-3 per step. The colour scale is "
        "logarithmic and shared by all nets.",
        title="How to read the heatmap",
    )
    updates = ui.mlp_updates(comparison)
    ui.mlp_chart(
        comparison,
        "mlp_layer_updates",
        lecture,
        lambda: charts.heatmap(
            updates,
            "epoch",
            "layer",
            "relative_update",
            rows="label",
            x_title="epoch",
            y_title="layer",
            value_title="‖ΔW‖/‖W‖",
            lecture=lecture,
        ),
        updates,
    )
    layer_text = ui.mlp_layer_sentences(comparison)
    if layer_text:
        st.markdown("\n".join(f"- {line}" for line in layer_text))
    elif len(settings["hidden_layers"]) == 1:
        st.markdown("With one hidden layer there is little depth to compare: add layers to see it.")

    st.header("Summary")
    ui.table(ui.mlp_summary_table(comparison), "mlp_summary")
    if findings:
        st.markdown("\n".join(f"- {line}" for line in findings))
    dead = ui.mlp_dead_units(comparison)
    if not dead.empty:
        st.subheader("Dead ReLU units")
        ui.mlp_chart(
            comparison,
            "mlp_dead_units",
            lecture,
            lambda: charts.share_lines(
                dead, "epoch", "dead_fraction", "hidden layer", y_title="units dead", lecture=lecture
            ),
            dead,
        )
        st.caption(
            "A unit is dead when it outputs 0 for every training point, so no gradient reaches its weights."
        )

    st.subheader("Gradient norms per layer (private scikit-learn API)")
    show_gradients = ui.toggle(
        "Show the gradient norms",
        "grads",
        help="Read through scikit-learn's private _backprop method; see the note below.",
    )
    st.caption(
        f"scikit-learn {settings['sklearn_version']} has no public way to read per-layer gradients. "
        "These come from its private `_backprop` method, over the whole training set every few "
        "epochs; a future version may change it, and then this section says so instead of drawing. "
        "The heatmap of weight updates above uses only public attributes."
    )
    if show_gradients:
        gradients = ui.mlp_gradients(comparison)
        if gradients.empty:
            st.info("No gradient norms: the private method was not usable (see the note at the top).")
        else:
            ui.mlp_chart(
                comparison,
                "mlp_gradient_norms",
                lecture,
                lambda: charts.heatmap(
                    gradients,
                    "epoch",
                    "layer",
                    "gradient_norm",
                    rows="label",
                    x_title="epoch",
                    y_title="layer",
                    value_title="‖∂loss/∂W‖",
                    lecture=lecture,
                ),
                gradients,
            )
            gradient_text = ui.mlp_gradient_sentence(comparison)
            if gradient_text:
                st.markdown(gradient_text)

    ui.presenter_notes([*findings[:3], *layer_text[:2], loss_text])

ui.page_link("app_pages/activations.py", "Activation functions: why sigmoid's slope is at most 1/4")
