"""The home page's sentences and chart rows, written from the story's numbers (``lessons.story``)."""

from __future__ import annotations

import pandas as pd

from .story import ChainRule, DeadUnits, LinearCollapse

# The chart rows' names for the two shares of dead ReLU units, as the legend shows them.
DEAD_SERIES = {"silent_share": "outputs that are 0", "dead_share": "units dead for every input"}


def collapse_sentence(collapse: LinearCollapse) -> str:
    """Step 1: two linear layers are one matrix; a ReLU between them is not."""
    return (
        f"Two linear layers are one matrix in disguise: on {collapse.samples:,} random inputs, "
        f"W₂(W₁x) and the single matrix (W₂W₁)x differ by at most {collapse.linear_gap:.1e} — rounding "
        f"error. Put a ReLU between the same two layers and the best single linear map leaves "
        f"**{collapse.relu_unexplained:.0%}** of the output's variance unexplained: depth only adds "
        "power when each layer bends its input."
    )


def chain_sentence(chain: ChainRule) -> str:
    """Step 2: the chain's first local derivatives, their product, and the finite difference."""
    depth = len(chain.local)
    factors = " × ".join(f"{v:.3f}" for v in chain.local["local_derivative"][:4])
    return (
        f"A chain of {depth} sigmoid units, h = σ(h_prev), started at 0.5. Backpropagation multiplies one "
        f"local derivative per unit: {factors}{' × …' if depth > 4 else ''} = **{chain.product:.2e}**. "
        f"A finite difference of the whole chain gives {chain.finite_difference:.2e}: the product *is* "
        "the gradient."
    )


def bounds_sentence(bounds: pd.DataFrame, chain: ChainRule) -> str:
    """Step 3: what the largest slopes of ``bounds`` (``story.slope_bounds``) let through at the
    deepest depth, and where the chain of step 2 lost its gradient."""
    deepest = bounds["depth"].max()
    last = bounds[bounds["depth"] == deepest].set_index("key")["bound"]
    return (
        f"Sigmoid's slope is at most {bounds[bounds['key'] == 'sigmoid']['bound'].iloc[0]:.2f}, so "
        f"{deepest} sigmoid layers keep at most {last['sigmoid']:.1e} of a gradient, even "
        f"before the weights act. tanh and ReLU reach slope 1 and keep up to {last['tanh']:.0f}. The "
        "factors pile up from the output backwards, so the layers nearest the input get the least — "
        f"in step 2 the first unit received {chain.product:.1e}, the last "
        f"{chain.local['gradient_at_layer'].iloc[-1]:.2f}."
    )


def dead_units_sentence(dead: DeadUnits) -> str:
    """Step 4: how many ReLU outputs are 0 and how many units are dead, before and after every
    bias moves down by ``dead.shift``."""
    curve = dead.curve
    silent_at_shift = curve.loc[curve["bias_shift"] == dead.shift, "silent_share"].iloc[0]
    alive_at_zero = 1.0 - curve.loc[curve["bias_shift"] == 0.0, "dead_share"].iloc[0]
    return (
        f"ReLU's slope is exactly 1 where a unit is active and exactly 0 where it is not. In a layer of "
        f"{dead.units} ReLU units fed {dead.batch} random inputs, {dead.silent_at_zero:.0%} of the outputs "
        f"are 0 — yet {alive_at_zero:.0%} of the units are active for some input, so their weights still "
        f"learn. Push every bias "
        f"down by {-dead.shift:g} — one oversized update can — and {silent_at_shift:.1%} of outputs are 0 "
        f"and **{dead.dead_at_shift:.0%} of the units are dead**: 0 for every input, so no gradient "
        "reaches their weights, and nothing moves them back while their inputs stay the same (in a deeper "
        "layer, a change upstream can still wake one)."
    )


def dead_units_lines(dead: DeadUnits) -> pd.DataFrame:
    """Step 4's chart rows: bias_shift, ``share of`` (the names of ``DEAD_SERIES``), fraction."""
    return dead.curve.melt("bias_shift", var_name="share of", value_name="fraction").replace(DEAD_SERIES)


def recurrent_sentence(gated: float, squashed: float) -> str:
    """Step 6's last word: an LSTM's forget gate against a chain of sigmoids, through time
    (``story.gated_versus_squashed``)."""
    return (
        f"Recurrent networks multiply through time instead of depth. An LSTM's cell adds to its state "
        f"through a forget gate: at 0.99 per step it keeps {gated:.2f} of a gradient over 50 steps, where "
        f"50 sigmoid steps at their steepest keep {squashed:.0e}."
    )


def talking_points(
    collapse: LinearCollapse, chain: ChainRule, dead: DeadUnits, initialization: str, fixes: str
) -> list[str]:
    """The presenter notes: one line per step's number, and the initialization and fixes sentences."""
    return [
        f"Linear layers collapse: gap {collapse.linear_gap:.0e}; ReLU leaves {collapse.relu_unexplained:.0%} unexplained.",
        f"{len(chain.local)} sigmoid units: gradient product {chain.product:.1e}.",
        f"{dead.dead_at_shift:.0%} of ReLU units dead after every bias moves by {dead.shift:g}.",
        initialization,
        fixes,
    ]
