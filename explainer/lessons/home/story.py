"""The home page's six steps, each a small seeded computation whose numbers the text quotes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...activations import ACTIVATIONS
from ...initializers import INITIALIZERS
from ...network import layer_statistics, max_slope


@dataclass(frozen=True)
class LinearCollapse:
    """Two stacked linear layers against the single matrix W2 @ W1, and the same with ReLU between."""

    linear_gap: float
    relu_unexplained: float
    samples: int


def linear_collapse(seed: int = 0, samples: int = 1000, hidden: int = 16) -> LinearCollapse:
    """How far a 2-layer linear net is from one matrix (rounding only), and how much of a
    2-layer ReLU net's output the best single matrix cannot explain (1 - R² of least squares)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, 2))
    w1, w2 = rng.standard_normal((2, hidden)), rng.standard_normal((hidden, 1))
    stacked = (x @ w1) @ w2
    single = x @ (w1 @ w2)
    relu_out = np.maximum(x @ w1, 0.0) @ w2
    design = np.column_stack([x, np.ones(samples)])
    coef, *_ = np.linalg.lstsq(design, relu_out, rcond=None)
    residual = relu_out - design @ coef
    unexplained = float(residual.var() / relu_out.var())
    return LinearCollapse(float(np.max(np.abs(stacked - single))), unexplained, samples)


@dataclass(frozen=True)
class ChainRule:
    """A chain of scalar units h_l = f(w h_{l-1}): local derivatives, their product, and a check."""

    local: pd.DataFrame  # layer, z, local_derivative, gradient_at_layer
    product: float
    finite_difference: float


def chain_rule(
    activation: str = "sigmoid", depth: int = 10, weight: float = 1.0, x0: float = 0.5
) -> ChainRule:
    """Backpropagation through ``depth`` scalar units: each multiplies the gradient by w·f'(z_l).

    ``gradient_at_layer`` is d h_depth / d h_l: the product of the local factors above layer l,
    so the layers nearest the input receive the smallest (or largest) share.
    """
    f = ACTIVATIONS[activation]

    def forward(x: float) -> tuple[float, list[float]]:
        h, zs = x, []
        for _ in range(depth):
            z = weight * h
            zs.append(z)
            h = float(f.f(np.array([z]))[0])
        return h, zs

    _, zs = forward(x0)
    local = np.array([weight * float(f.df(np.array([z]))[0]) for z in zs])
    # Gradient reaching the input of unit l: product of the factors of units l..depth.
    above = np.cumprod(local[::-1])[::-1]
    step = 1e-6
    finite = (forward(x0 + step)[0] - forward(x0 - step)[0]) / (2 * step)
    frame = pd.DataFrame(
        {"layer": np.arange(1, depth + 1), "z": zs, "local_derivative": local, "gradient_at_layer": above}
    )
    return ChainRule(frame, float(above[0]), float(finite))


def slope_bounds(keys: tuple[str, ...] = ("sigmoid", "tanh", "relu"), max_depth: int = 30) -> pd.DataFrame:
    """max|f'|^L (``network.max_slope``) for L = 1..max_depth: the most a gradient can keep through L layers of f
    (ignoring the weights). Columns: key, label, depth, bound."""
    depths = np.arange(1, max_depth + 1)
    rows = []
    for key in keys:
        peak = max_slope(key)
        rows.append(
            pd.DataFrame(
                {"key": key, "label": ACTIVATIONS[key].label, "depth": depths, "bound": peak**depths}
            )
        )
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class DeadUnits:
    """A He-initialised ReLU layer as every bias is pushed down: silent and dead shares."""

    units: int
    batch: int
    silent_at_zero: float  # share of (unit, input) pairs with output 0 when biases are 0
    curve: pd.DataFrame  # bias_shift, silent_share, dead_share
    shift: float  # the shift the sentence quotes
    dead_at_shift: float


def dead_relu_units(width: int = 256, batch: int = 256, seed: int = 0, shift: float = -4.5) -> DeadUnits:
    """For a layer of ``width`` ReLU units fed ``batch`` N(0, 1) inputs, the share of outputs that
    are 0 (silent) and of units that are 0 for every input (dead: no gradient reaches their
    weights from any input) as every bias moves down from 0 to -6."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    z = x @ (rng.standard_normal((width, width)) * np.sqrt(2.0 / width))
    shifts = np.round(np.arange(0.0, -6.01, -0.25), 2)
    curve = pd.DataFrame(
        {
            "bias_shift": shifts,
            "silent_share": [float(np.mean(z + b <= 0)) for b in shifts],
            "dead_share": [float(np.mean(np.all(z + b <= 0, axis=0))) for b in shifts],
        }
    )
    dead_at_shift = float(np.mean(np.all(z + shift <= 0, axis=0)))
    return DeadUnits(width, batch, float(np.mean(z <= 0)), curve, shift, dead_at_shift)


def gated_versus_squashed(steps: int = 50, forget: float = 0.99) -> tuple[float, float]:
    """Gradient kept over ``steps`` steps by an LSTM-style additive cell with forget gate
    ``forget`` (forget**steps) against a chain of sigmoids at their steepest (0.25**steps)."""
    sigmoid_peak = float(ACTIVATIONS["sigmoid"].df(np.array([0.0]))[0])
    return forget**steps, sigmoid_peak**steps


def _first_over_last(layers: pd.DataFrame) -> float:
    grad = layers["grad_std"].to_numpy()
    return float(grad[0] / grad[-1])


@dataclass(frozen=True)
class InitializationStory:
    """Activation spread per layer of one tanh network under three weight scales."""

    curves: pd.DataFrame  # init, layer, activation_std, saturated_fraction
    sentence: str


INIT_STORY = (("small_normal", "std 0.01"), ("standard_normal", "std 1"), ("glorot_normal", "Glorot/Xavier"))


def initialization_story(depth: int = 10, width: int = 256, seed: int = 0) -> InitializationStory:
    """A ``depth``-layer tanh network at three weight scales (CS231n's experiment, smaller)."""
    frames, gradient_ratio = [], {}
    for init, label in INIT_STORY:
        layers = layer_statistics("tanh", depth, width, init, batch=width, seed=seed)
        frames.append(layers[["layer", "activation_std", "saturated_fraction"]].assign(init=label))
        gradient_ratio[label] = _first_over_last(layers)
    curves = pd.concat(frames, ignore_index=True)
    last = curves[curves["layer"] == depth].set_index("init")
    glorot_std = INITIALIZERS["glorot_normal"].std(width, width)
    sentence = (
        f"In a {depth}-layer tanh network of {width} units, weights with std 0.01 shrink the "
        f"activations' spread to {last.loc['std 0.01', 'activation_std']:.1e} by layer {depth}, and the "
        f"first layer receives {gradient_ratio['std 0.01']:.0e} of the last layer's gradient. With std 1 "
        f"the spread sits at {last.loc['std 1', 'activation_std']:.2f} but "
        f"{last.loc['std 1', 'saturated_fraction']:.0%} of the units are saturated (|f′| < 0.01) and the "
        f"gradient grows {gradient_ratio['std 1']:.0e}-fold on its way down. Glorot's std "
        f"√(2/(n_in+n_out)) = {glorot_std:.4f} keeps {last.loc['Glorot/Xavier', 'activation_std']:.2f} "
        f"with {last.loc['Glorot/Xavier', 'saturated_fraction']:.0%} saturated, and a gradient ratio of "
        f"{gradient_ratio['Glorot/Xavier']:.2f}."
    )
    return InitializationStory(curves, sentence)


def _scientific(value: float) -> str:
    """A number as the home page prints it: 3 significant digits, in scientific notation below
    0.001 or from 10,000 up (1.3e-12, never 0.000000000001)."""
    if value != 0.0 and not 1e-3 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.3g}"


def scientific_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with ``columns`` as text in ``_scientific``'s notation, for a table on screen (a
    table widget prints 1.3e-12 as 0.000000000001)."""
    return frame.assign(**{column: frame[column].map(_scientific) for column in columns})


@dataclass(frozen=True)
class FixesStory:
    """The gradient reaching the first layer, relative to the last, with and without each fix."""

    table: pd.DataFrame  # setting, fix, first/last gradient, orders of magnitude
    sentence: str


def fixes_story(depth: int = 20, width: int = 128, seed: int = 0) -> FixesStory:
    """Gradient ratios (layer 1 / layer ``depth``) for a deep sigmoid net and each standard fix,
    and what clipping by global norm does to an exploding tanh net's gradient."""
    settings = [
        ("sigmoid, Glorot init", "none (the problem)", dict(activation="sigmoid", init="glorot_normal")),
        ("ReLU, He init", "better activation and init", dict(activation="relu", init="he_normal")),
        (
            "sigmoid + batch norm",
            "batch normalization",
            dict(activation="sigmoid", init="glorot_normal", batchnorm=True),
        ),
        (
            "sigmoid + residual",
            "residual connections",
            dict(activation="sigmoid", init="glorot_normal", residual=True),
        ),
    ]
    rows = []
    for setting, fix, kwargs in settings:
        layers = layer_statistics(depth=depth, width=width, batch=width, seed=seed, **kwargs)
        ratio = _first_over_last(layers)
        rows.append(
            {
                "setting": setting,
                "fix": fix,
                "layer 1 ÷ layer L gradient": ratio,
                "orders of magnitude": np.log10(ratio),
            }
        )
    table = pd.DataFrame(rows)
    exploding = layer_statistics(
        "tanh", depth, width, "standard_normal", batch=width, seed=seed, clip_norm=1.0
    )
    raw_norm = float(np.sqrt(np.sum(exploding["weight_grad_norm"].to_numpy() ** 2)))
    clipped_norm = float(np.sqrt(np.sum(exploding["clipped_weight_grad_norm"].to_numpy() ** 2)))
    base = table.iloc[0]["layer 1 ÷ layer L gradient"]
    best = table.iloc[1:].loc[lambda t: (t["orders of magnitude"].abs()).idxmin()]
    farthest = table.iloc[1:].loc[lambda t: (t["orders of magnitude"].abs()).idxmax()]
    # The bound is rounded up, so that it bounds the number it stands for (0.2108 → 0.22).
    bound = math.ceil(abs(farthest["orders of magnitude"]) * 100.0) / 100.0
    sentence = (
        f"In a {depth}-layer sigmoid network ({width} units, Glorot init) the first layer receives "
        f"{base:.1e} of the gradient the last one does. ReLU with He init, batch normalization and "
        f"residual connections each bring that ratio back near 1 (within {bound:.2f} orders of "
        f"magnitude, the farthest being {farthest['setting']} at "
        f"{_scientific(farthest['layer 1 ÷ layer L gradient'])}; closest: "
        f"{best['setting']}, {_scientific(best['layer 1 ÷ layer L gradient'])}). Exploding gradients get a "
        "cap "
        f"instead: a tanh network with N(0, 1) weights has a weight gradient of norm {raw_norm:.1e}; "
        f"clipping by global norm rescales it to {clipped_norm:.2f}, the same direction, a bounded step."
    )
    return FixesStory(table, sentence)
