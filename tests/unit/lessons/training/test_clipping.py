"""Section 5: clipping by norm keeps the direction, by value turns it; on a healthy net it rarely acts."""

import numpy as np

from explainer.lessons.training.clipping import clipping_comparison, clipping_effect
from explainer.lessons.training.scenes import PRESETS


def test_in_training_clipping_by_norm_has_cosine_one_and_by_value_does_not():
    comparison = clipping_comparison("circles", steps=60)
    by_norm = comparison.runs["clip by norm (1)"].steps
    by_value = comparison.runs["clip by value (0.1)"].steps
    assert (by_norm["clipped_norm"] < by_norm["grad_norm"]).any()
    np.testing.assert_allclose(by_norm["cosine"], 1.0, atol=1e-12)
    assert by_norm["clipped_norm"].max() <= 1.0 + 1e-9
    assert by_value["cosine"].min() < 0.9
    assert clipping_effect(comparison.runs["clip by value (0.1)"])["median_angle"] > 5


def test_clipping_sentences_say_how_far_each_mode_turned_the_update():
    sentences = clipping_comparison("circles", steps=60).sentences
    assert "diverged at step 6" in sentences[0]
    assert "turned the update by a median" in sentences[1]
    assert "turned none of them" in sentences[2]


def test_preset_gentle_clipping_rarely_changes_a_step():
    settings = PRESETS["gentle_clipping"]["settings"]
    comparison = clipping_comparison(
        "circles",
        gain=settings["gain"],
        value_threshold=settings["value_threshold"],
        norm_threshold=settings["norm_threshold"],
    )
    for run in comparison.runs.values():
        assert run.diverged_at is None
        assert clipping_effect(run)["clipped_steps"] <= 0.05 * len(run.steps)
    assert "never changed a step" in comparison.sentences[1]
