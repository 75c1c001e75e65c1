"""The initialization page's tables as a learner reads them."""

import math

import numpy as np
import pandas as pd
import pytest

from explainer.initializers import INITIALIZERS, distribution_comparison, variance_table
from explainer.lessons.initialization.sentences import gains_table
from explainer.lessons.initialization.tables import (
    distribution_display,
    every_gain_in_words,
    gain_sentences,
    gains_display,
    heatmap_cell,
    heatmap_row,
    row_display,
    story_display,
    story_sentences,
    variance_display,
)


@pytest.fixture(scope="module")
def gains() -> pd.DataFrame:
    return gains_table()


def test_the_variance_display_shows_every_initializer_with_its_check_and_largest_weight():
    table = variance_table(256, 128, "relu")
    shown = variance_display(table, "ReLU").set_index("initializer")
    assert len(shown) == len(INITIALIZERS)
    assert shown.loc["Glorot (Xavier) uniform", "largest |w|"] == "a = 0.125"
    assert shown.loc["Orthogonal", "largest |w|"] == "1 (WᵀW = I)"
    assert shown.loc["He (Kaiming) normal", "largest |w|"] == "unbounded"
    assert shown.loc["He normal (Keras, truncated)", "largest |w|"].endswith(" (cut)")
    assert float(shown.loc["He (Kaiming) normal", "σ²"]) == pytest.approx(2 / 256, rel=1e-3)
    assert "forward ×/layer, ReLU" in shown.columns and (shown["within 5"] == "✓").all()


def test_an_orthogonal_one_by_one_has_no_gap_rather_than_nan():
    shown = variance_display(variance_table(1, 1, "relu"), "ReLU").set_index("initializer")
    assert shown.loc["Orthogonal", "gap in std. errors"] == "0.0"
    assert shown["weights drawn"].str.endswith("matrices)").all()


def test_gains_are_shown_in_exact_form_and_every_activation_in_words(gains):
    shown = gains_display(gains).set_index("activation")
    assert shown.loc["tanh", "PyTorch calculate_gain"] == "5/3 ≈ 1.667"
    assert shown.loc["ReLU", "forward gain 1/√E[f(z)²]"] == "√2 ≈ 1.414"
    assert shown.loc["ELU", "PyTorch calculate_gain"] == "—"
    assert shown.loc["tanh", "E[f(z)]"] == "0.000"  # an odd function's mean, never "-0.000"
    sentences = gain_sentences(gains)
    assert set(sentences) == set(gains["key"]) and sentences["relu"].startswith("All three agree on ReLU")
    words = every_gain_in_words(gains).split("\n")
    assert len(words) == len(gains) and words[0].startswith(f"- **{gains['label'].iloc[0]}.** ")


def test_the_distribution_display_says_unbounded_for_a_normal():
    shown = distribution_display(distribution_comparison("he", 256, 128).summary).set_index("initializer")
    possible = shown["largest |w| possible"]
    assert possible["He (Kaiming) normal"] == "unbounded" and not math.isinf(
        float(possible["He (Kaiming) uniform"])
    )
    assert shown["σ²"].nunique() == 1


def grid() -> pd.DataFrame:
    """Two cells of a variance-travel grid: one healthy, one whose forward variance exploded."""
    return pd.DataFrame(
        {
            "init": ["standard_normal", "standard_normal", "he_normal"],
            "activation": ["relu", "tanh", "relu"],
            "activation_label": ["ReLU", "tanh", "ReLU"],
            "forward_log10": [35.2, 0.3, 0.05],
            "forward_status": ["ok", "ok", "ok"],
            "forward_text": ["+35.2", "+0.3", "+0.1"],
            "backward_log10": [30.0, -0.5, 0.1],
            "backward_status": ["ok", "ok", "ok"],
            "backward_text": ["+30.0", "−0.5", "+0.1"],
            "saturated_fraction": [0.0, 0.93, 0.0],
            "healthy": [False, False, True],
        }
    )


def test_a_heatmap_row_marks_each_ratio_within_one_decade_and_the_healthy_cells():
    shown = row_display(grid(), "standard_normal").set_index("activation")
    assert list(shown.index) == ["ReLU", "tanh"]
    assert shown.loc["ReLU", "log10 Var h_L ÷ Var h_1"] == "+35.2 ✗"
    # tanh keeps its variance within a decade, but saturated: not healthy.
    assert shown.loc["tanh", "log10 Var h_L ÷ Var h_1"] == "+0.3 ✓" and shown.loc["tanh", "healthy"] == "✗"
    assert shown.loc["tanh", "saturated, layer L"] == "93%"
    assert len(heatmap_row(grid(), "he_normal")) == 1 and heatmap_cell(grid(), "he_normal", "relu")["healthy"]


def test_the_story_shows_the_weights_by_name_and_lists_only_the_standard_normal_sentences():
    story = pd.DataFrame(
        {
            "label": ["tanh", "tanh"],
            "init": ["standard_normal", "he_normal"],
            "preact_std_1": [16.0, 1.41],
            "activation_std_last": [0.97, 0.2],
            "saturated_last": [0.9, 0.01],
            "grad_log10_ratio": [-12.34, np.float64(0.0)],
            "sentence": ["tanh saturates.", "He keeps it."],
        }
    )
    shown = story_display(story)
    assert shown["weights"].tolist() == ["N(0, 1)", INITIALIZERS["he_normal"].label]
    assert shown["log10 grad. std, 1 ÷ L"].tolist() == ["-12.3", "+0.0"]
    assert story_sentences(story) == "- tanh saturates."
