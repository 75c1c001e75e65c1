"""Training dynamics: minibatch noise, gradients per layer, dying ReLU, batch norm, clipping, early stopping."""

import streamlit as st

from explainer import ui

lecture = ui.lecture_mode()
st.title("Training dynamics")
ui.prose(
    "Every chart on this page comes from a small network actually trained here, in numpy, on a 2-D "
    "dataset: a few hidden layers, a sigmoid output and the cross-entropy loss, with exact gradients. "
    "Each section trains its own networks from the same seed, so runs that differ in one setting "
    "start from the same weights and see the same minibatches."
)

scene = ui.preset_picker(ui.training_scenes(), ui.training_scene_labels())
description = ui.training_scene_description(scene)
if description:
    st.caption(description)
defaults = ui.training_defaults()
data_column, seed_column = st.columns([3, 1])
dataset = ui.selectbox(
    "Dataset",
    "data",
    list(ui.training_dataset_labels()),
    defaults["data"],
    labels=ui.training_dataset_labels(),
    container=data_column,
)
seed = ui.number_input(
    "Seed", "seed", 0, 9999, defaults["seed"], 1, help="Weights and minibatch order.", container=seed_column
)
notes: list[str] = []

# --- 1 ------------------------------------------------------------------------------------------
st.header("1. Stochastic gradients")
ui.prose(
    "A training step uses the gradient of a minibatch of b examples instead of all of them. Each "
    "example's gradient is a random draw around the full gradient, so by the law of large numbers "
    "the error of their average shrinks like 1/√b: four times the batch, half the error. The chart "
    "measures it on a ReLU network against the gradient over the whole training set."
)
trials_column, at_column = st.columns(2)
trials = ui.select_slider(
    "Minibatches drawn per size",
    "trials",
    ui.TRAINING_TRIALS,
    defaults["trials"],
    help="More draws give a smoother estimate of the error.",
    container=trials_column,
)
gradient_at = ui.selectbox(
    "Gradient taken",
    "sg_at",
    ["start", "trained"],
    defaults["sg_at"],
    labels={"start": "at initialization", "trained": "after 500 training steps"},
    widget="segmented",
    container=at_column,
)
error_settings = dict(
    dataset=dataset,
    seed=seed,
    trials=trials,
    trained=gradient_at == "trained",
)
errors, problem = ui.training_compute(ui.training_minibatch, "Drawing minibatch gradients", **error_settings)
if problem:
    st.error(problem, icon=":material/block:")
else:
    ui.training_chart(
        "training_minibatch_error",
        errors,
        "log_log_chart",
        errors,
        "batch_size",
        "relative_error",
        law="law",
        x_title="batch size b (log)",
        y_title="‖g_b − g‖ / ‖g‖ (log)",
        law_title="1/√b law",
        measured_title="measured",
        lecture=lecture,
        source=error_settings,
    )
    minibatch_text = ui.training_minibatch_sentence(errors)
    st.markdown(minibatch_text)
    ui.table(ui.training_minibatch_table(errors), "training_minibatch_table")
    notes.append(minibatch_text)

st.subheader("The same examples, in batches of 1, 16, 128 or all")
budget_column, race_lr_column = st.columns(2)
examples = ui.select_slider(
    "Examples processed per run",
    "budget",
    ui.TRAINING_EXAMPLES,
    defaults["budget"],
    help="Each run takes examples ÷ b steps of plain SGD.",
    container=budget_column,
)
race_lr = ui.select_slider(
    "Learning rate", "lr1", ui.TRAINING_LEARNING_RATES, defaults["lr1"], container=race_lr_column
)
race_settings = dict(
    dataset=dataset,
    seed=seed,
    examples=examples,
    learning_rate=race_lr,
)
race, problem = ui.training_compute(ui.training_race, "Training four batch sizes", **race_settings)
if problem:
    st.error(problem, icon=":material/block:")
else:
    st.caption(ui.training_race_setup(race))
    ui.training_chart(
        "training_batch_race",
        race.curves,
        "loss_curves",
        race.curves,
        "examples",
        "train_loss",
        "run",
        x_title="examples processed",
        y_title="training loss (log)",
        lecture=lecture,
        source=race_settings,
    )
    st.markdown("\n".join(f"- {line}" for line in race.sentences))
    ui.table(ui.training_race_table(race), "training_batch_race_table")
    notes.append(" ".join(race.sentences[:2]))

# --- 2 ------------------------------------------------------------------------------------------
st.header("2. Gradients during training")
ui.prose(
    "Each cell is the gradient norm ‖∂loss/∂W‖ of one hidden layer (layer 1 nearest the input) over "
    "the whole training set, as training goes on. The colour scale is logarithmic and shared, so a "
    "layer several colours darker than the last one is learning orders of magnitude more slowly.",
    title="How to read the heatmap",
)
acts_column, depth_column, init_column = st.columns(3)
activations = ui.multiselect(
    "Activations",
    "acts",
    list(ui.ACTIVATION_LABELS),
    defaults["acts"],
    labels=ui.ACTIVATION_LABELS,
    max_selections=3,
    container=acts_column,
)
depth = ui.slider("Hidden layers (32 units each)", "depth", 1, 10, defaults["depth"], container=depth_column)
init = ui.selectbox(
    "Initialization",
    "init",
    list(ui.training_initializer_labels()),
    defaults["init"],
    labels=ui.training_initializer_labels(),
    container=init_column,
)
lr_column, steps_column = st.columns(2)
learning_rate = ui.select_slider(
    "Learning rate (plain SGD)", "lr", ui.TRAINING_LEARNING_RATES, defaults["lr"], container=lr_column
)
steps = ui.select_slider("Steps", "steps", ui.TRAINING_STEPS, defaults["steps"], container=steps_column)
if not activations:
    st.info("Choose at least one activation above to train a network.")
else:
    gradients_settings = dict(
        dataset=dataset,
        seed=seed,
        activations=tuple(activations),
        depth=depth,
        init=init,
        learning_rate=learning_rate,
        steps=steps,
    )
    gradients, problem = ui.training_compute(
        ui.training_gradients,
        f"Training {len(activations)} network{'s' if len(activations) > 1 else ''}",
        **gradients_settings,
    )
    if problem:
        st.error(problem, icon=":material/block:")
    else:
        for message in ui.training_divergences(gradients):
            st.warning(message, icon=":material/trending_up:")
        st.caption(ui.training_setup(gradients))
        heat = ui.training_gradient_frame(gradients)
        ui.training_chart(
            "training_gradient_heatmap",
            heat,
            "heatmap",
            heat,
            "step",
            "layer",
            "grad_norm",
            rows="run",
            x_title="step",
            y_title="layer",
            value_title="‖∂loss/∂W‖",
            lecture=lecture,
            source=gradients_settings,
        )
        zero_text = ui.training_zero_gradients(gradients)
        if zero_text:
            st.caption(zero_text)
        st.markdown("\n".join(f"- {line}" for line in gradients.sentences))
        notes.extend(gradients.sentences[:2])

# --- 3 ------------------------------------------------------------------------------------------
st.header("3. Dying ReLU")
ui.prose(
    "A ReLU unit whose input is negative for every example outputs 0 and passes back a gradient of "
    "exactly 0, so its own weights and bias stop changing: it is dead. In the first layer, whose "
    "inputs are the fixed data, that is for good; a dead unit deeper in comes back if the layers "
    "before it move its inputs. A large step can push a unit's bias below zero in one go. Three runs "
    "from the same weights and minibatches: ReLU at a normal and at a too-high learning rate, and "
    "Leaky ReLU at the high one."
)
ok_column, high_column = st.columns(2)
normal_lr = ui.select_slider(
    "Normal learning rate", "lr_ok", ui.TRAINING_LEARNING_RATES, defaults["lr_ok"], container=ok_column
)
high_lr = ui.select_slider(
    "Too-high learning rate", "lr_hi", ui.TRAINING_LEARNING_RATES, defaults["lr_hi"], container=high_column
)
dying_settings = dict(
    dataset=dataset,
    seed=seed,
    learning_rate=normal_lr,
    high_learning_rate=high_lr,
)
dying, problem = ui.training_compute(ui.training_dying, "Training three networks", **dying_settings)
if problem:
    st.error(problem, icon=":material/block:")
else:
    for message in ui.training_divergences(dying.comparison):
        st.warning(message, icon=":material/trending_up:")
    st.caption(ui.training_setup(dying.comparison))
    dead = ui.training_dead_frame(dying)
    runs = list(dying.comparison.runs)
    ui.training_chart(
        "training_dead_units",
        dead,
        "facet_lines",
        dead,
        "step",
        "dead_fraction",
        "layer",
        "run",
        facet_order=runs,
        x_title="step",
        y_title="dead units",
        series_title="layer",
        y_domain=(0, 1),
        y_format="%",
        lecture=lecture,
        source=dying_settings,
    )
    st.markdown("\n".join(f"- {line}" for line in dying.sentences))
    st.subheader("Where the dead units are on the input plane")
    shade = ui.training_plane_shades()
    ui.prose(
        "Each panel shades the plane by the share of all hidden units that pass a gradient there "
        f"after training (f′ > 0; {shade['all']}: all of them, {shade['none']}: none), and draws each "
        "first-layer unit whose line crosses the panel as that line, w·x + b = 0: the unit is active "
        "on one side only. A dead first-layer unit has every training point on its inactive side. "
        f"Leaky ReLU's slope is never 0, so its panel is {shade['all']} throughout.",
        title="How to read the planes",
    )
    ui.training_chart(
        "training_dead_unit_planes",
        dying.plane,
        "unit_planes",
        dying.plane,
        dying.lines,
        dying.points,
        runs,
        limit=ui.training_plane_limit(),
        lecture=lecture,
        source=dying_settings,
    )
    ui.download_csv(dying.lines, "training_first_layer_units", "Download the first-layer units (CSV)")
    plane_text = ui.training_plane_sentences(dying)
    st.markdown("\n".join(f"- {line}" for line in plane_text))
    notes.extend([dying.sentences[1], plane_text[1]])

# --- 4 ------------------------------------------------------------------------------------------
st.header("4. Batch norm")
ui.prose(
    "Batch normalization (Ioffe & Szegedy 2015) rescales each unit's input to mean 0 and variance 1 "
    "over the minibatch, then applies a learned scale γ and shift β. In training mode it uses the "
    "batch's own statistics; at inference it uses running averages collected during training "
    "(momentum 0.1 and the unbiased variance, as PyTorch's BatchNorm1d), so one example's prediction "
    "does not depend on the others in its batch."
)
bn_act_column, bn_depth_column, bn_lr_column = st.columns(3)
bn_activation = ui.selectbox(
    "Activation",
    "bn_act",
    ["sigmoid", "tanh"],
    defaults["bn_act"],
    labels=ui.ACTIVATION_LABELS,
    widget="segmented",
    container=bn_act_column,
)
bn_depth = ui.slider(
    "Hidden layers (32 units each)", "bn_depth", 2, 10, defaults["bn_depth"], container=bn_depth_column
)
bn_lr = ui.select_slider(
    "Learning rate (plain SGD)",
    "bn_lr",
    ui.TRAINING_LEARNING_RATES,
    defaults["bn_lr"],
    container=bn_lr_column,
)
batchnorm_settings = dict(
    dataset=dataset,
    seed=seed,
    activation=bn_activation,
    depth=bn_depth,
    learning_rate=bn_lr,
)
batchnorm, problem = ui.training_compute(
    ui.training_batchnorm, "Training with and without batch norm", **batchnorm_settings
)
if problem:
    st.error(problem, icon=":material/block:")
else:
    for message in ui.training_divergences(batchnorm):
        st.warning(message, icon=":material/trending_up:")
    st.caption(ui.training_setup(batchnorm))
    bn_losses, bn_spread, bn_modes = ui.training_batchnorm_frames(batchnorm)
    ui.training_chart(
        "training_batchnorm_loss",
        bn_losses,
        "loss_curves",
        bn_losses,
        "step",
        "train_loss",
        "run",
        x_title="step",
        y_title="training loss, inference mode (log)",
        lecture=lecture,
        source=batchnorm_settings,
    )
    st.markdown(batchnorm.sentences[0])
    ui.training_chart(
        "training_batchnorm_layers",
        bn_spread,
        "facet_lines",
        bn_spread,
        "step",
        "activation_std",
        "layer",
        "run",
        x_title="step",
        y_title="std of the layer's outputs",
        series_title="layer",
        columns=2,
        lecture=lecture,
        source=batchnorm_settings,
    )
    st.markdown("\n".join(f"- {line}" for line in batchnorm.sentences[1:3]))
    st.subheader("Training mode against inference mode")
    ui.training_chart(
        "training_batchnorm_modes",
        bn_modes,
        "loss_curves",
        bn_modes,
        "step",
        "loss",
        "mode",
        x_title="step",
        y_title="validation loss (log)",
        lecture=lecture,
        source=batchnorm_settings,
    )
    st.markdown(batchnorm.sentences[3])
    notes.extend([batchnorm.sentences[0], batchnorm.sentences[3]])

# --- 5 ------------------------------------------------------------------------------------------
st.header("5. Clipping")
ui.prose(
    "When gradients explode, one step can throw the weights so far that the loss overflows. "
    "Clipping caps the step (Pascanu, Mikolov & Bengio 2013): by value clamps every entry of the "
    "gradient to ±t, which can change its direction; by norm rescales the whole gradient to length "
    "at most t, which keeps its direction. Nothing comparable rescues a vanishing gradient: "
    "scaling up a gradient that is almost 0 in the first layers would magnify whatever noise it "
    "carries, which is why the fixes for vanishing are activations, initialization and "
    "normalization instead. Here a ReLU net starts with its weights multiplied by a gain, so the "
    "signal and the gradient grow layer by layer."
)
gain_column, value_column, norm_column = st.columns(3)
gain = ui.select_slider(
    "Weight gain",
    "gain",
    ui.TRAINING_GAINS,
    defaults["gain"],
    help="Each layer multiplies the signal's std by about this; above 1 it explodes with depth.",
    container=gain_column,
)
value_threshold = ui.select_slider(
    "Clip by value at ±", "clip_v", ui.TRAINING_VALUE_THRESHOLDS, defaults["clip_v"], container=value_column
)
norm_threshold = ui.select_slider(
    "Clip by norm at", "clip_n", ui.TRAINING_NORM_THRESHOLDS, defaults["clip_n"], container=norm_column
)
clipping_settings = dict(
    dataset=dataset,
    seed=seed,
    gain=gain,
    value_threshold=value_threshold,
    norm_threshold=norm_threshold,
)
clipping, problem = ui.training_compute(
    ui.training_clipping, "Training with and without clipping", **clipping_settings
)
if problem:
    st.error(problem, icon=":material/block:")
else:
    for message in ui.training_divergences(clipping):
        st.warning(message, icon=":material/trending_up:")
    st.caption(ui.training_setup(clipping, "no clipping"))
    clip_losses, clip_angles = ui.training_clipping_frames(clipping)
    ui.training_chart(
        "training_clipping_loss",
        clip_losses,
        "loss_curves",
        clip_losses,
        "step",
        "train_loss",
        "run",
        x_title="step",
        y_title="training loss (log)",
        y_max=ui.TRAINING_LOSS_CAP,
        lecture=lecture,
        source=clipping_settings,
    )
    cap_text = ui.training_loss_cap_caption(clip_losses)
    if cap_text:
        st.caption(cap_text)
    ui.training_chart(
        "training_clipping_angles",
        clip_angles,
        "loss_curves",
        clip_angles,
        "step",
        "angle",
        "run",
        x_title="step",
        y_title="angle to the raw gradient (°)",
        log_y=False,
        order=list(clipping.runs),
        lecture=lecture,
        source=clipping_settings,
    )
    st.markdown("\n".join(f"- {line}" for line in clipping.sentences))
    ui.table(ui.training_summary_table(clipping), "training_clipping_summary")
    notes.extend(clipping.sentences[1:])

# --- 6 ------------------------------------------------------------------------------------------
st.header("6. Early stopping")
ui.prose(
    "A wide network trained on few noisy points keeps lowering its training loss long after it "
    "stops improving on points it has not seen. Early "
    "stopping watches the validation loss and stops once it has not improved for `patience` steps, "
    "keeping the best weights; the test points, never used for any decision, say whether that helped."
)
patience_column, noise_column, es_steps_column = st.columns(3)
patience = ui.slider(
    "Patience (steps)", "patience", 10, 500, defaults["patience"], 10, container=patience_column
)
es_noise = ui.slider("Noise", "es_noise", 0.0, 0.5, defaults["es_noise"], 0.05, container=noise_column)
es_steps = ui.select_slider(
    "Steps", "es_steps", ui.TRAINING_STEPS, defaults["es_steps"], container=es_steps_column
)
stopping_settings = dict(
    dataset=dataset,
    seed=seed,
    noise=es_noise,
    steps=es_steps,
    patience=patience,
)
stopping, problem = ui.training_compute(
    ui.training_early_stopping, "Training the overfitting network", **stopping_settings
)
if problem:
    st.error(problem, icon=":material/block:")
else:
    st.caption(ui.training_run_setup(stopping.run))
    ui.training_chart(
        "training_early_stopping",
        stopping.curves,
        "early_stopping_chart",
        stopping.curves,
        stopping.best_step,
        stopping.stop_step,
        lecture=lecture,
        source=stopping_settings,
    )
    st.markdown("\n".join(f"- {line}" for line in stopping.sentences))
    ui.table(ui.training_stopping_table(stopping), "training_early_stopping_table")
    notes.append(stopping.sentences[-1])

ui.presenter_notes(notes)
ui.page_link("app_pages/activations.py", "Activation functions: why sigmoid's slope is at most 1/4")
