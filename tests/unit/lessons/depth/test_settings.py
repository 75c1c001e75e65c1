"""What the depth page works out from its settings: the size budget, σ_w, the fixes in words, and
the phase diagram's grid and marks."""

import itertools
import math

import pytest

from explainer.lessons.depth.settings import (
    MAX_VALUES,
    MAX_WEIGHTS,
    PHASE_DEPTHS,
    PHASE_LAYOUT,
    PHASE_SIGMAS,
    fitted_size,
    fixes_sentences,
    phase_marks,
    sigma_w,
)
from explainer.network import network_run

BATCHES = (16, 32, 64, 128, 256, 500, 1000)
STEPS = {"width_low": 4, "width_step": 4, "batches": BATCHES}


def test_a_network_within_the_budget_runs_as_asked_without_a_message():
    assert fitted_size(30, 128, 128, **STEPS) == (128, 128, None)


def test_the_largest_network_takes_the_largest_width_and_batch_on_the_sliders_steps_that_fit():
    width, batch, message = fitted_size(200, 1000, 1000, **STEPS)
    assert (width, batch) == (204, 64)
    assert width % 4 == 0 and 200 * width * width <= MAX_WEIGHTS < 200 * (width + 4) ** 2
    assert 200 * width * batch <= MAX_VALUES < 200 * width * 128
    assert message == (
        "200 layers of 1000 units with a batch of 1000 is more than this page computes at once (at most "
        "8,388,608 weights and 4,194,304 values in all); it uses a width of 204 and a batch of 64 instead."
    )


def test_only_the_batch_shrinks_when_the_weights_fit():
    width, batch, message = fitted_size(100, 200, 1000, **STEPS)
    assert width == 200 and 100 * 200 * batch <= MAX_VALUES and batch in BATCHES
    assert message.endswith("it uses a batch of 128 instead.")


def test_a_width_below_the_sliders_low_end_is_never_used():
    width, batch, _ = fitted_size(10**6, 1000, 16, width_low=4, width_step=4, batches=BATCHES)
    assert width == 4 and batch == 16  # the smallest batch when none fits


@pytest.mark.parametrize(
    ("init", "gain", "expected"), [("lecun_normal", 1.0, 1.0), ("he_normal", 2.0, 2 * math.sqrt(2))]
)
def test_sigma_w_is_the_root_of_width_times_the_weight_variance(init, gain, expected):
    assert sigma_w(init, 64, gain) == pytest.approx(expected)


def _runs(before: tuple[str, str, float], after: tuple[str, str, float]):
    """The networks before and after the fixes, 12 layers of 32 units, from (activation, init, gain)."""
    return tuple(network_run(act, 12, 32, init, gain, 32, 0) for act, init, gain in (before, after))


SWITCHES = {"relu": False, "init_fix": False, "batchnorm": False, "residual": False, "clip": None}


def test_relu_alone_names_the_swap_and_points_to_he_initialization():
    before, after = _runs(("tanh", "glorot_normal", 1.0), ("relu", "glorot_normal", 1.0))
    sentences = fixes_sentences(
        before,
        after,
        activation="tanh",
        init="glorot_normal",
        gain=1.0,
        width=32,
        **{**SWITCHES, "relu": True},
    )
    assert len(sentences) == 1 and sentences[0].startswith("With ReLU instead of tanh,")
    assert "ReLU keeps σ_w²/2 = 0.5 of a layer's variance at σ_w = 1; He initialization" in sentences[0]


def test_an_initialization_fix_says_how_sigma_w_moves_or_that_it_stays():
    before, after = _runs(("relu", "glorot_normal", 1.0), ("relu", "he_normal", 1.0))
    moved = fixes_sentences(
        before,
        after,
        activation="relu",
        init="glorot_normal",
        gain=1.0,
        width=32,
        **{**SWITCHES, "init_fix": True},
    )
    assert "He (Kaiming) normal weights at gain 1 (σ_w 1 → 1.41)" in moved[0]
    before, after = _runs(("sigmoid", "lecun_normal", 1.0), ("sigmoid", "lecun_normal", 1.0))
    stayed = fixes_sentences(
        before,
        after,
        activation="sigmoid",
        init="lecun_normal",
        gain=1.0,
        width=32,
        **{**SWITCHES, "init_fix": True},
    )
    assert "σ_w stays 1: the weights already had this scale" in stayed[0]


def test_clipping_adds_its_own_sentence_and_no_fix_says_both_lines_are_the_same_network():
    before = network_run("relu", 12, 32, "standard_normal", 1.0, 32, 0)
    after = network_run("relu", 12, 32, "standard_normal", 1.0, 32, 0, clip_norm=0.1)
    sentences = fixes_sentences(
        before,
        after,
        activation="relu",
        init="standard_normal",
        gain=1.0,
        width=32,
        **{**SWITCHES, "clip": 0.1},
    )
    assert sentences[0].startswith("Clipping scales the weight gradients only")
    assert "clipping to 0.1 multiplies every layer's gradient by" in sentences[1]
    plain = fixes_sentences(
        before, before, activation="relu", init="standard_normal", gain=1.0, width=32, **SWITCHES
    )
    assert plain == ("No fix is switched on: both lines are the network as set above.",)


def test_phase_marks_hold_this_network_and_the_critical_line_only_when_there_is_one():
    marks = phase_marks(1.0, 1.5, 12)
    assert marks.to_dict("records") == [
        {"kind": "here", "sigma_w": 1.5, "depth": 12},
        {"kind": "critical", "sigma_w": 1.0, "depth": 0},
    ]
    assert list(phase_marks(None, 1.5, 12)["kind"]) == ["here"]


def test_the_phase_layout_puts_each_grid_value_at_the_centre_of_its_cell():
    low, high = PHASE_LAYOUT["sigma_range"]
    assert low + PHASE_LAYOUT["sigma_step"] / 2 == pytest.approx(PHASE_SIGMAS[0])
    assert high - PHASE_LAYOUT["sigma_step"] / 2 == pytest.approx(PHASE_SIGMAS[-1])
    assert PHASE_LAYOUT["depth_range"] == (PHASE_DEPTHS[0] - 5, PHASE_DEPTHS[-1] + 5)
    steps = {round(b - a, 10) for a, b in itertools.pairwise(PHASE_SIGMAS)}
    assert steps == {PHASE_LAYOUT["sigma_step"]} and (PHASE_SIGMAS[0], PHASE_SIGMAS[-1]) == (0.3, 3.5)
