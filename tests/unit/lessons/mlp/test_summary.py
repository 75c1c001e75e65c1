"""The MLP comparison page's sentences, each checked against the summary numbers it is written from."""

import numpy as np
import pandas as pd
import pytest

from explainer.datasets import DATASETS
from explainer.lessons.mlp.summary import (
    AT_CHANCE_MARGIN,
    EARLY_EPOCHS,
    REACHED,
    against_chance,
    comparison_sentences,
)

SETTINGS = {"chance_accuracy": 0.5, "hidden_layers": (4, 4)}


@pytest.mark.parametrize(
    ("accuracy", "chance", "said"),
    [
        (0.424, 0.5, "0.08 below chance (0.50)"),
        (0.5, 0.5, "equal to chance (0.50)"),
        (0.498, 0.502, "equal to chance (0.50)"),
        (0.56, 0.5, "0.06 above chance (0.50)"),
    ],
)
def test_against_chance_says_below_equal_or_above_from_the_printed_numbers(accuracy, chance, said):
    assert against_chance(accuracy, chance) == said


def summary_of(**rows: dict) -> pd.DataFrame:
    """A constructed ``summary``: one row per activation key, unspecified values of a net that learned."""
    base = {
        "diverged": False,
        "diverged_epoch": None,
        "epochs": 100,
        "initial_loss": 0.7,
        "final_loss": 0.05,
        "test_accuracy": 0.95,
        "epochs_to_reach": 10,
        "first_layer_update": 0.01,
        "output_layer_update": 0.01,
        "dead_fraction": np.nan,
        "dead_fraction_initial": np.nan,
    }
    summary = pd.DataFrame(
        [{**base, "activation": key, "label": key, **values} for key, values in rows.items()]
    )
    # As in ``fit_mlps``: whole epochs, <NA> where there is none.
    return summary.astype({"diverged_epoch": "Int64", "epochs_to_reach": "Int64"})


def test_a_net_below_chance_is_said_to_be_below_chance_never_at_it():
    summary = summary_of(
        identity={"test_accuracy": 0.42, "final_loss": 0.69},
        sigmoid={"test_accuracy": 0.37, "final_loss": 0.69},
    )
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    [identity] = [m for m in messages if m.startswith("identity reaches")]
    [sigmoid] = [m for m in messages if m.startswith("sigmoid reaches")]
    assert "0.42 test accuracy on circles, 0.08 below chance (0.50)" in identity
    assert "0.37 test accuracy on circles, 0.13 below chance (0.50): no better than" in sigmoid


def test_a_net_just_above_chance_is_not_called_no_better_than_chance():
    summary = summary_of(sigmoid={"test_accuracy": 0.58, "final_loss": 0.69})
    [message] = comparison_sentences(summary, SETTINGS, DATASETS["circles"])[:1]
    assert "0.08 above chance (0.50): at most 0.10 better than always answering" in message
    assert "no better" not in message


def test_relu_units_that_revive_are_explained_and_a_tiny_loss_is_not_printed_as_zero():
    summary = summary_of(
        relu={"dead_fraction": 0.21, "dead_fraction_initial": 0.35, "final_loss": 2.4e-4},
        sigmoid={"final_loss": 0.69, "initial_loss": 0.7},
    )
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    [dead] = [m for m in messages if "hidden units are dead" in m]
    assert (
        "21%" in dead and "35%" in dead and "comes back when the layers before it change its inputs" in dead
    )
    [stall] = [m for m in messages if m.startswith("sigmoid stalls")]
    assert "fell from 0.700 to 2.4e-04" in stall and "0.000" not in stall


def test_a_diverged_net_is_named_with_its_epoch_and_left_out_of_the_other_sentences():
    summary = summary_of(
        identity={
            "diverged": True,
            "diverged_epoch": 7,
            "epochs": 6,
            "test_accuracy": 0.3,
            "final_loss": 9.0,
        },
        relu={},
    )
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    assert messages[0] == (
        "identity diverged at epoch 7: its loss or weights overflowed to infinity or NaN, so its results "
        "stop at epoch 6. A smaller learning rate avoids it."
    )
    assert not any(m.startswith("identity reaches") for m in messages)


def test_the_first_epoch_at_the_target_accuracy_is_listed_fastest_first_with_the_nets_that_never_reach_it():
    summary = summary_of(
        tanh={"epochs_to_reach": 30}, relu={"epochs_to_reach": 12}, sigmoid={"epochs_to_reach": None}
    )
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    assert (
        f"Test accuracy first reaches {REACHED:.2f} at epoch 12 with relu and 30 with tanh; sigmoid never does."
        in messages
    )


def test_the_slowest_first_layer_is_named_with_the_ratio_to_the_fastest():
    summary = summary_of(
        sigmoid={"first_layer_update": 1e-4, "output_layer_update": 1e-2}, relu={"first_layer_update": 1e-2}
    )
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    [layer] = [m for m in messages if m.startswith("The first layer moves least")]
    assert f"over the first {EARLY_EPOCHS} epochs its weights change by 1.0e-04" in layer
    assert "100× less than in the relu net (1.0e-02) and 100× less than its own output layer." in layer
    # One hidden layer: no "first layer" to compare with deeper ones.
    assert not any(
        m.startswith("The first layer")
        for m in comparison_sentences(summary, {**SETTINGS, "hidden_layers": (4,)}, DATASETS["circles"])
    )


def test_identity_on_a_linearly_separable_dataset_is_said_to_suffice():
    assert DATASETS["linear"].linearly_separable
    summary = summary_of(identity={"test_accuracy": 0.97})
    [message] = comparison_sentences(summary, SETTINGS, DATASETS["linear"])
    assert message == (
        "identity reaches 0.97 test accuracy on linear: a straight line is all this dataset needs, so a "
        "linear model suffices."
    )


def test_a_net_within_the_margin_above_chance_counts_as_at_chance():
    at_margin = summary_of(tanh={"test_accuracy": 0.5 + AT_CHANCE_MARGIN, "final_loss": 0.69})
    above = summary_of(tanh={"test_accuracy": 0.5 + AT_CHANCE_MARGIN + 0.01, "final_loss": 0.69})
    assert any("tanh reaches" in m for m in comparison_sentences(at_margin, SETTINGS, DATASETS["circles"]))
    assert not any("tanh reaches" in m for m in comparison_sentences(above, SETTINGS, DATASETS["circles"]))


def test_no_dead_relu_unit_is_said_so():
    summary = summary_of(relu={"dead_fraction": 0.0, "dead_fraction_initial": 0.1})
    messages = comparison_sentences(summary, SETTINGS, DATASETS["circles"])
    assert "No ReLU unit is dead: every hidden unit is active for some training point." in messages
