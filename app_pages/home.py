"""Why deep networks stop learning: the story in six steps, each with a live number."""

import streamlit as st

from explainer import charts, ui
from explainer.story import scientific_columns

lecture = ui.lecture_mode()
st.title("Why deep networks stop learning")
ui.prose(
    "Training moves each weight against its gradient. In a deep network that gradient is a product "
    "with one factor per layer, so it can shrink to nothing or blow up before it reaches the first "
    "layers. Six steps, each computed live below, show why — and what fixes it."
)

st.header("1. A network needs a nonlinearity")
collapse = ui.linear_collapse()
st.markdown(
    f"Two linear layers are one matrix in disguise: on {collapse.samples:,} random inputs, "
    f"W₂(W₁x) and the single matrix (W₂W₁)x differ by at most {collapse.linear_gap:.1e} — rounding "
    f"error. Put a ReLU between the same two layers and the best single linear map leaves "
    f"**{collapse.relu_unexplained:.0%}** of the output's variance unexplained: depth only adds "
    "power when each layer bends its input."
)
ui.page_link("app_pages/mlp.py", "See a linear network fail on circles")

st.header("2. The chain rule multiplies local derivatives")
depth = ui.slider("Layers in the chain", "chain", 2, 30, 10)
chain = ui.chain_rule("sigmoid", depth)
st.markdown(
    f"A chain of {depth} sigmoid units, h = σ(h_prev), started at 0.5. Backpropagation multiplies one "
    f"local derivative per unit: {' × '.join(f'{v:.3f}' for v in chain.local['local_derivative'][:4])}"
    f"{' × …' if depth > 4 else ''} = **{chain.product:.2e}**. A finite difference of the whole chain "
    f"gives {chain.finite_difference:.2e}: the product *is* the gradient."
)
ui.chart(
    charts.line_chart(
        chain.local,
        "layer",
        "gradient_at_layer",
        x_title="unit (1 = nearest the input)",
        y_title="gradient reaching the unit",
        log_y=True,
        lecture=lecture,
        height=220,
    ),
    chain.local,
    "chain_rule",
)
ui.page_link("app_pages/depth.py", "Depth: the product in a real network")

st.header("3. Saturating functions shrink the product, most near the input")
bounds = ui.slope_bounds()
last = bounds[bounds["depth"] == bounds["depth"].max()].set_index("key")["bound"]
st.markdown(
    f"Sigmoid's slope is at most {bounds[bounds['key'] == 'sigmoid']['bound'].iloc[0]:.2f}, so "
    f"{bounds['depth'].max()} sigmoid layers keep at most {last['sigmoid']:.1e} of a gradient, even "
    f"before the weights act. tanh and ReLU reach slope 1 and keep up to {last['tanh']:.0f}. The "
    "factors pile up from the output backwards, so the layers nearest the input get the least — "
    f"in step 2 the first unit received {chain.product:.1e}, the last "
    f"{chain.local['gradient_at_layer'].iloc[-1]:.2f}."
)
ui.chart(
    charts.line_chart(
        bounds,
        "depth",
        "bound",
        series="label",
        x_title="layers L",
        y_title="max |f′| to the power L",
        log_y=True,
        lecture=lecture,
        height=220,
    ),
    bounds,
    "slope_bounds",
)
ui.page_link("app_pages/activations.py", "Activation functions and their derivatives")

st.header("4. ReLU keeps the gradient — unless a unit dies")
dead = ui.dead_relu_units()
silent_at_shift = dead.curve.loc[dead.curve["bias_shift"] == dead.shift, "silent_share"].iloc[0]
alive_at_zero = 1.0 - dead.curve.loc[dead.curve["bias_shift"] == 0.0, "dead_share"].iloc[0]
st.markdown(
    f"ReLU's slope is exactly 1 where a unit is active and exactly 0 where it is not. In a layer of "
    f"{dead.units} ReLU units fed {dead.batch} random inputs, {dead.silent_at_zero:.0%} of the outputs "
    f"are 0 — yet {alive_at_zero:.0%} of the units are active for some input, so their weights still "
    f"learn. Push every bias "
    f"down by {-dead.shift:g} — one oversized update can — and {silent_at_shift:.1%} of outputs are 0 "
    f"and **{dead.dead_at_shift:.0%} of the units are dead**: 0 for every input, so no gradient "
    "reaches their weights, and nothing moves them back while their inputs stay the same (in a deeper "
    "layer, a change upstream can still wake one)."
)
ui.chart(
    charts.line_chart(
        dead.curve.melt("bias_shift", var_name="share of", value_name="fraction").replace(
            {"silent_share": "outputs that are 0", "dead_share": "units dead for every input"}
        ),
        "bias_shift",
        "fraction",
        series="share of",
        x_title="every bias shifted by",
        y_title="fraction",
        lecture=lecture,
        height=220,
    ),
    dead.curve,
    "dead_relu_units",
)
ui.page_link("app_pages/training.py", "Training: watch units die at a high learning rate")

st.header("5. Initialization sets the variance every layer starts from")
init_demo = ui.initialization_story()
st.markdown(init_demo.sentence)
ui.chart(
    charts.line_chart(
        init_demo.curves,
        "layer",
        "activation_std",
        series="init",
        x_title="layer",
        y_title="std of activations",
        log_y=True,
        lecture=lecture,
        height=220,
    ),
    init_demo.curves,
    "initialization_story",
)
ui.page_link("app_pages/initialization.py", "Initialization: variance tables and how variance travels")

st.header("6. The fixes")
fixes = ui.fixes_story()
st.markdown(fixes.sentence)
ui.init_table(scientific_columns(fixes.table, ("layer 1 ÷ layer L gradient",)), fixes.table, "fixes_story")
gated, squashed = ui.gated_versus_squashed()
st.markdown(
    f"Recurrent networks multiply through time instead of depth. An LSTM's cell adds to its state "
    f"through a forget gate: at 0.99 per step it keeps {gated:.2f} of a gradient over 50 steps, where "
    f"50 sigmoid steps at their steepest keep {squashed:.0e}."
)
ui.page_link("app_pages/depth.py", "Depth: toggle each fix on the same charts")
ui.presenter_notes(
    [
        f"Linear layers collapse: gap {collapse.linear_gap:.0e}; ReLU leaves {collapse.relu_unexplained:.0%} unexplained.",
        f"{depth} sigmoid units: gradient product {chain.product:.1e}.",
        f"{dead.dead_at_shift:.0%} of ReLU units dead after every bias moves by {dead.shift:g}.",
        init_demo.sentence,
        fixes.sentence,
    ]
)
