"""The "Through time" sentences say what the numbers say: the step where the gradient fell
below 1e-6, the bound and whether it held, the forget gates, the losses against 1/6, clipping."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from explainer.lessons import recurrent as lesson
from explainer.nn.recurrent import ADDING_BASELINE, CELL_LABELS, gradient_trace, train_recurrent


@pytest.mark.parametrize(
    ("log10", "text"),
    [
        (-8.52, "3e-9"),
        (0.0, "1"),
        (-0.6, "0.25"),
        (120.0, "1e120"),
        (-400.0, "exactly 0"),
        (-3.99999, "1e-4"),
    ],
)
def test_a_power_of_ten_reads_as_written(log10, text):
    assert lesson.power(log10) == text


def test_the_fade_step_is_the_last_step_below_a_millionth_of_the_value_at_t():
    frame = pd.DataFrame({"t": [1, 2, 3, 4, 5], "grad_log10": [-9.0, -7.0, -5.0, -6.5, 0.0]})
    assert lesson.fade_step(frame) == 4
    sentence = lesson.decay_sentence("RNN", frame)
    assert "step 4 of 5 (1 steps back)" in sentence and "1e-9 of" in sentence
    assert lesson.fade_step(frame.assign(grad_log10=[-1.0] * 5)) is None


@pytest.mark.parametrize(
    ("rho", "word"), [(0.9, "must vanish"), (1.0, "only forbids growth"), (1.5, "allows growth")]
)
def test_the_bound_sentence_follows_sigma_max_and_checks_the_measurement(rho, word):
    trace = gradient_trace("rnn", 80, 16, spectral_radius=rho, seed=0)
    sentence = lesson.bound_sentence(trace.frame, trace.sigma_max)
    assert word in sentence and "never exceeds it" in sentence
    assert lesson.power(79 * math.log10(rho)) in sentence


def test_a_measurement_above_the_bound_is_called_a_bug():
    trace = gradient_trace("rnn", 20, 8, spectral_radius=0.5, seed=0)
    broken = trace.frame.assign(grad_log10=trace.frame["grad_log10"] + np.linspace(3, 0, 20))
    assert "a bug" in lesson.bound_sentence(broken, trace.sigma_max)


def test_the_forget_gate_sentence_and_rows_come_from_the_gates():
    one = gradient_trace("lstm", 150, 40, forget_bias=1.0, seed=0)
    zero = gradient_trace("lstm", 150, 40, forget_bias=0.0, seed=0)
    sentence = lesson.forget_bias_sentence(one.frame, zero.frame, 1.0, 0.0)
    assert f"average {one.frame['forget_gate'].mean():.2f}" in sentence
    assert lesson.power(float(zero.frame["grad_log10"].iloc[0])) in sentence
    cells = lesson.forget_gate_rows(one.forget_gates)
    assert len(cells) == 100 * lesson.MAX_UNITS_SHOWN and cells["forget_gate"].between(0, 1).all()
    first_bin = one.forget_gates[:2, 0].mean()  # 150 steps in 100 bins: the first holds steps 1-2
    assert cells["forget_gate"].iloc[0] == pytest.approx(first_bin)


def test_the_products_start_at_one_and_bound_the_rnns_gradient():
    rnn = gradient_trace("rnn", 60, 8, spectral_radius=1.0, seed=3)
    lstm = gradient_trace("lstm", 60, 8, seed=3)
    rows = lesson.product_rows(rnn.frame, lstm.frame, lstm.forget_gates)
    assert (rows[rows["t"] == 60]["log10"] == 0).all()
    keeper = rows[rows["series"] == lesson.FORGET_KEEPER].set_index("t")["log10"]
    typical = rows[rows["series"] == lesson.FORGET_TYPICAL].set_index("t")["log10"]
    assert keeper[1] >= typical[1]
    assert keeper[1] == pytest.approx(np.log10(lstm.forget_gates[1:]).sum(axis=0).max())
    assert "below it, as it must" in lesson.product_sentence(rows, rnn.frame, lstm.frame)


def test_the_baseline_measured_on_a_sample_is_one_sixth_within_its_error():
    mean, error = lesson.baseline_check(samples=20_000)
    assert abs(mean - ADDING_BASELINE) < 4 * error


def test_a_share_of_the_baseline_keeps_two_figures_below_ten_percent():
    assert [lesson.of_baseline(ADDING_BASELINE * share) for share in (1.08, 0.5, 0.1, 0.0034, 0.0)] == [
        "108%",
        "50%",
        "10%",
        "0.34%",
        "0%",
    ]


def test_the_training_sentences_quote_the_final_loss_and_the_verdict():
    runs = {CELL_LABELS[k]: train_recurrent(k, "adding", 5, 4, iterations=40, seed=1) for k in ("rnn", "gru")}
    for sentence, run in zip(lesson.training_sentences(runs), runs.values(), strict=True):
        assert f"mean loss {run.final_loss:.3g}" in sentence and lesson.verdict(run) in sentence
        assert f"{lesson.of_baseline(run.final_loss)} of the 1/6" in sentence
    stalled = {"RNN": train_recurrent("rnn", "adding", 30, 4, iterations=20, seed=0)}
    assert lesson.verdict(stalled["RNN"]) == "stayed at the baseline"
    [offered] = lesson.training_sentences(stalled, longer=1000)
    assert offered.endswith("Train it for 1,000 iterations to see whether it stays there.")
    [shortest] = lesson.training_sentences(stalled, longer=20)
    assert "Train it" not in shortest and "Train it" not in lesson.training_sentences(stalled)[0]
    smoothed = lesson.smoothed_losses(runs)
    assert len(smoothed) == 80 and not smoothed.isna().any().any()


def test_the_clipping_sentences_say_what_each_run_did():
    common = dict(learning_rate=0.01, iterations=40, seed=0, spectral_radius=1.2, optimizer="sgd")
    plain = train_recurrent("rnn_relu", "adding", 50, 16, **common)
    clipped = train_recurrent("rnn_relu", "adding", 50, 16, clip=1.0, **common)
    first, second = lesson.clipping_sentences(plain, clipped)
    assert first.startswith("Without clipping: Diverged at iteration")
    share = re.search(r"(\d+)% of the 40 gradients were shortened", second)
    assert share and int(share.group(1)) == round(100 * clipped.history["clipped"].mean())
