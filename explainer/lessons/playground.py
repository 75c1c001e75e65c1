"""The playground page's text: its fixed prose, its scenes, and the sentences it writes from a
playground's numbers (the loss now, where the gradient fades, dead units, divergence)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

INTRO = (
    "TensorFlow Playground's network, trained here live: press play and watch every neuron's picture "
    "of the input plane change, and every weight as a line. Switch the links to the **gradient** view "
    "to see what the Playground never shows: |∂L/∂w| on every wire, on one log scale for all layers, "
    "so a gradient that fades toward the input shows as wires fading toward the left."
)
LOSS_NOTE = (
    "One difference from TensorFlow Playground: it puts a tanh on the output and trains on the squared "
    "error; this page has a sigmoid output and the cross-entropy (as scikit-learn's MLPClassifier), so "
    "a confidently wrong output still passes its full error back and a stall here comes from the hidden "
    "layers. Losses are in nats: always answering ½ costs ln 2 ≈ 0.693."
)
READING = (
    "Each small square is one node's output over the plane [−6, 6]²: orange negative, blue positive "
    "(a value beyond ±1 scaled by the node's largest). The output's square is P(class 1) as 2P − 1. "
    "In the weights view a wire is blue for a positive weight, orange for a negative one, and as wide "
    "as |w| against the largest weight. In the gradients view its colour and width are log10 |∂L/∂w| "
    "over about the last ten updates, on one scale spanning eight decades for all layers. The bars give "
    "each layer's gradient norm ‖∂L/∂W‖ and its update ratio ‖ΔW‖/‖W‖ at the last update (about 1e-3 "
    "is healthy, Karpathy's rule of thumb). Before the first update the wires and the gradient bars "
    "show the gradient over all training points at the initial weights, and there is no update ratio yet."
)

CHANCE_LOSS = math.log(2.0)

SCENE_LABELS = {
    "linear_cant_do_xor": "Linear can't do XOR",
    "deep_sigmoid_stalls": "Deep sigmoid stalls",
    "relu_dies_at_lr_3": "ReLU dies at learning rate 3",
    "he_vs_xavier_depth_8": "He vs Xavier at depth 8",
}
SCENE_DESCRIPTIONS = {
    "linear_cant_do_xor": (
        "XOR from x₁ and x₂ alone, with identity units: every layer is linear, so the whole network is "
        "one straight line across the plane and the loss stays at chance, ln 2. Switch the activation to "
        "tanh or ReLU, or add the feature x₁x₂, and it learns."
    ),
    "deep_sigmoid_stalls": (
        "Eight sigmoid layers: sigmoid's slope is at most ¼, so each layer passes back at most a quarter "
        "of the gradient. In the gradients view the wires fade toward the input and layer 1's bar is "
        "orders of magnitude below the output's; the loss sits near chance for a long time. The rival, "
        "ReLU with the same weights' scale, points and batches, keeps its gradient and learns."
    ),
    "relu_dies_at_lr_3": (
        "ReLU at learning rate 3: the first steps throw the biases far below zero, every unit's input "
        "turns negative on every point, and a dead unit passes back exactly 0. The pictures go flat and "
        "the gradient bars vanish."
    ),
    "he_vs_xavier_depth_8": (
        "Eight ReLU layers of eight units, raced: He-normal weights (variance 2/fan_in, He et al. 2015) "
        "against Glorot-normal (variance 2/(fan_in + fan_out), made for tanh) on the same points and "
        "batches. Press play and compare the two networks' layer bars and the two loss curves."
    ),
}


def _number(value: float) -> str:
    return f"{value:.3g}" if 1e-3 <= abs(value) < 1e4 or value == 0 else f"{value:.1e}"


def loss_sentence(train_loss: float, test_loss: float, steps: int, epoch: int) -> str:
    """The loss now: "After 1,200 updates (epoch 24) the training loss is 0.213 nats and the test
    loss 0.245, against ln 2 = 0.693 for a coin toss."""
    when = "Before any update" if steps == 0 else f"After {steps:,} updates (epoch {epoch:,})"
    verdict = ""
    if steps and train_loss > 0.95 * CHANCE_LOSS:
        verdict = " The network has not yet learned more than a coin toss."
    return (
        f"{when} the training loss is {train_loss:.3f} nats and the test loss {test_loss:.3f}, "
        f"against ln 2 = {CHANCE_LOSS:.3f} for a coin toss.{verdict}"
    )


def fade_sentence(statistics: pd.DataFrame, steps: int, training_points: int | None = None) -> str:
    """Where the gradient fades: layer 1's last gradient norm as a fraction of the output
    layer's, and the weakest layer when it is another. Before any update, ``training_points``
    says that ``statistics`` holds the gradient over that many training points at the initial
    weights (``Playground.training_set_gradients``), and the sentence says so; without it the
    sentence asks for an update."""
    norms = statistics["grad_norm"].to_numpy(dtype=float)
    if steps == 0 and training_points is None:
        return "Press play or step: each layer's gradient norm is measured at every update."
    text = _fade(norms, "have stopped" if steps else "cannot start")
    if steps:
        return text
    return (
        f"At the initial weights, over all {training_points:,} training points: {text[0].lower()}{text[1:]}"
    )


def _fade(norms: np.ndarray, stopped: str) -> str:
    output = norms[-1]
    if len(norms) == 1:
        return f"No hidden layer: the output layer's weights are the only ones, with ‖∂L/∂W‖ = {_number(output)}."
    if output == 0:
        return "No gradient reaches the output layer's weights: every unit feeding it is dead."
    first = norms[0]
    if first == 0:
        return (
            f"Layer 1's gradient is exactly 0 (the output layer's is {_number(output)}): no gradient "
            f"reaches the first layer, so its weights {stopped}."
        )
    ratio = first / output
    text = (
        f"Layer 1's gradient norm is {_number(ratio)} of the output layer's "
        f"(‖∂L/∂W₁‖ = {_number(first)} against {_number(output)})"
    )
    if ratio < 0.01:
        text += f": {math.log10(1 / ratio):.1f} decades lost on the way back to the input."
    elif ratio > 100:
        text += ": the gradient grows toward the input."
    else:
        text += ": the gradient reaches the input."
    weakest = int(norms[:-1].argmin())
    if weakest > 0 and norms[weakest] < 0.5 * first:
        text += f" The weakest is hidden layer {weakest + 1}'s, {_number(norms[weakest] / output)} of the output's."
    return text


def dead_sentence(statistics: pd.DataFrame, widths: Sequence[int]) -> str | None:
    """How many hidden units are dead (f′ = 0 on every training point), per layer; None if none."""
    dead = [
        round(fraction * width)
        for fraction, width in zip(statistics["dead_fraction"].to_numpy()[:-1], widths, strict=True)
    ]
    total = sum(dead)
    if total == 0:
        return None
    layers = ", ".join(
        f"layer {i}: {d} of {w}" for i, (d, w) in enumerate(zip(dead, widths, strict=True), 1) if d
    )
    whole = [i for i, (d, w) in enumerate(zip(dead, widths, strict=True), 1) if d == w]
    everything = ""
    if total == sum(widths):
        everything = " Every hidden unit is dead, so no gradient passes at all."
    elif whole:
        everything = (
            f" Hidden layer {whole[-1]} is dead whole, so no gradient passes back beyond it: "
            "every layer before it has stopped learning."
        )
    return (
        f"{total} of {sum(widths)} hidden units are dead (f′ = 0 on every training point, so they "
        f"pass back exactly 0 and their own weights stop): {layers}.{everything}"
    )


def divergence_sentence(message: str | None, learning_rate: float) -> str | None:
    """The engine's ``message`` with what to do, or None while the network is finite."""
    if message is None:
        return None
    return f"**Training stopped.** {message} The learning rate is {learning_rate:g} now."
