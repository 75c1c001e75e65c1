"""What the MLP page says about a comparison: losses against ln 2, layer updates beside gradients
(and what the solver makes of them), the gradient ratio, the identity net's straight boundary."""

import math

import numpy as np
import pandas as pd
import pytest

from explainer.activations import ACTIVATIONS
from explainer.lessons.mlp.sentences import (
    STRAIGHT_BOUNDARY_GAP,
    gradient_sentence,
    layer_sentences,
    linear_boundary_gap,
    loss_sentence,
    split_messages,
    straight_boundary_sentence,
    training_status,
)
from explainer.sklearn_mlp import MLPComparison, MLPSnapshot, fit_mlps

from .test_summary import summary_of

EMPTY = pd.DataFrame()


def comparison_of(summary: pd.DataFrame, settings: dict, *, gradients=EMPTY, grid=EMPTY, messages=()):
    summary["label"] = summary["activation"].map(lambda key: ACTIVATIONS[key].label)
    return MLPComparison(
        settings, EMPTY, EMPTY, EMPTY, gradients, summary, grid, EMPTY, messages=list(messages)
    )


@pytest.fixture(scope="module")
def trained() -> MLPComparison:
    """Identity and ReLU, 3 hidden layers of 8, 12 epochs on 160 points of circles."""
    return fit_mlps(
        "circles", ("identity", "relu"), (8, 8, 8), epochs=12, n_samples=160, batch_size=32, seed=1
    )


def layer_comparison(solver: str) -> MLPComparison:
    """Two nets of two hidden layers: sigmoid's first layer moves 3× more than its output layer
    while its gradient is 30× smaller; ReLU's layers match in both."""
    summary = summary_of(
        sigmoid={"first_layer_update": 0.09, "output_layer_update": 0.03},
        relu={"first_layer_update": 0.08, "output_layer_update": 0.08},
    )
    norms = {"sigmoid": (5e-4, 1e-3, 1.5e-2), "relu": (0.09, 0.09, 0.1)}
    gradients = pd.DataFrame(
        [
            (key, epoch, layer, g)
            for key, gs in norms.items()
            for epoch in (0, 4, 8, 12)
            for layer, g in enumerate(gs, 1)
        ],
        columns=["activation", "epoch", "layer", "gradient_norm"],
    )
    return comparison_of(summary, {"hidden_layers": (4, 4), "solver": solver}, gradients=gradients)


def test_with_adam_the_layer_sentences_say_updates_do_not_follow_the_vanishing_gradient():
    lines = layer_sentences(layer_comparison("adam"))
    [sigmoid] = [line for line in lines if line.startswith("**sigmoid**")]
    assert "3× more than its output layer (3.0e-02)" in sigmoid
    assert (
        "its gradient norm is 30× smaller than the output layer's (5.0e-04 against 1.5e-02, median over epochs 4–8)"
        in sigmoid
    )
    assert lines[-1].startswith("Adam, the solver here")
    assert "In the sigmoid net the first layer's gradient is 30× smaller" in lines[-1]
    assert "yet its weights move 3× more than the output layer's" in lines[-1]


def test_with_sgd_the_layer_sentences_say_updates_follow_the_gradient():
    lines = layer_sentences(layer_comparison("sgd"))
    assert lines[-1].startswith("Plain SGD, the solver here")
    assert "Adam" not in lines[-1] and "30× smaller" in lines[-1]


def test_with_adam_a_first_layer_that_also_moves_less_is_not_called_a_contradiction():
    comparison = layer_comparison("adam")
    comparison.summary.loc[comparison.summary["activation"] == "sigmoid", "first_layer_update"] = 0.003
    note = layer_sentences(comparison)[-1]
    assert "yet" not in note
    assert "its weights move 10× less relative to their size, a far smaller gap than the gradients'" in note


def test_one_hidden_layer_has_no_layer_sentences():
    comparison = layer_comparison("adam")
    assert (
        layer_sentences(
            MLPComparison(
                {**comparison.settings, "hidden_layers": (4,)}, *[EMPTY] * 4, comparison.summary, EMPTY, EMPTY
            )
        )
        == []
    )


def test_the_loss_sentence_orders_the_nets_and_names_those_near_ln2():
    summary = summary_of(identity={"final_loss": 0.69}, relu={"final_loss": 0.0123}, tanh={"final_loss": 0.8})
    text = loss_sentence(comparison_of(summary, {}))
    assert text.startswith("Training loss after the last epoch: ReLU 0.0123, identity 0.69, tanh 0.8.")
    assert text.endswith(
        f"Within 10% of ln 2 = {math.log(2):.3f}, the loss of a net that answers 1/2 for every point: identity."
    )
    assert "Within" not in loss_sentence(comparison_of(summary_of(relu={"final_loss": 0.01}), {}))


def test_the_gradient_sentence_divides_the_output_layers_norm_by_the_first_layers_at_epoch_10():
    text = gradient_sentence(layer_comparison("adam"))
    # The first recorded epoch from 10 on is 12: sigmoid 1.5e-2 / 5e-4 = 30, ReLU 0.1 / 0.09.
    assert text.startswith(
        "At epoch 12, the gradient norm at the output layer divided by the one at the first layer is: sigmoid 30, ReLU 1.11."
    )
    assert gradient_sentence(comparison_of(summary_of(relu={}), {})) is None


def test_divergence_messages_are_told_apart_from_the_findings():
    summary = summary_of(identity={}, relu={})
    messages = ["identity diverged at epoch 3: the loss became infinity or NaN.", "ReLU learns."]
    diverged, findings = split_messages(comparison_of(summary, {}, messages=messages))
    assert diverged == messages[:1] and findings == messages[1:]


def test_a_trained_identity_nets_log_odds_are_a_plane_and_the_page_says_its_boundary_is_straight(trained):
    gap = linear_boundary_gap(trained)
    assert gap is not None and gap < STRAIGHT_BOUNDARY_GAP
    text = straight_boundary_sentence(trained)
    assert text.endswith("So its boundary is a straight line, however many layers it has — 3 here.")


def test_a_curved_boundary_is_not_called_straight():
    x0, x1 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    grid = pd.DataFrame({"activation": "identity", "x0": x0.ravel(), "x1": x1.ravel()})
    grid["probability"] = 1 / (1 + np.exp(-(grid["x0"] ** 2 + grid["x1"])))
    comparison = comparison_of(summary_of(identity={}), {"hidden_layers": (4,)}, grid=grid)
    assert linear_boundary_gap(comparison) > 0.1 and straight_boundary_sentence(comparison) is None
    # Without an identity net, or with probabilities too near 0 or 1 for exact log-odds: no claim.
    assert (
        linear_boundary_gap(comparison_of(summary_of(relu={}), {}, grid=grid.assign(activation="relu")))
        is None
    )
    assert (
        linear_boundary_gap(comparison_of(summary_of(identity={}), {}, grid=grid.assign(probability=1.0)))
        is None
    )


def test_the_training_status_says_the_epoch_of_how_many_and_which_nets_diverged():
    def snapshot(activations: tuple, diverged: dict) -> MLPSnapshot:
        settings = {"epochs": 200, "activations": activations}
        return MLPSnapshot(settings, 40, EMPTY, [], diverged, (), (), np.empty((0, 2)))

    assert training_status(snapshot(("relu",), {})) == "Training 1 network for 200 epochs: epoch 40 of 200"
    assert training_status(snapshot(("identity", "tanh", "relu"), {"identity": 7, "relu": 31})) == (
        "Training 3 networks for 200 epochs: epoch 40 of 200 (diverged: identity at epoch 7, ReLU at epoch 31)"
    )
