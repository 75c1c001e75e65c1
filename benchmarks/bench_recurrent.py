"""The Through time page's budgets (issue 17): the gradient through time of the RNN, GRU and LSTM
(and the LSTM at the other forget bias) with every chart's rows at T = 500 and 64 units, well under
300 ms; the adding problem's race at T = 50 (the scene adding_problem_T50) and at T = 100 in at most
10 s cold each, and at T = 100 with the page's longest training (what it offers when a cell stalls)."""

from __future__ import annotations

from explainer.charts import recurrent as charts
from explainer.lessons import recurrent as lesson
from explainer.nn.recurrent import gradient_trace, train_recurrent
from explainer.ui.recurrent import PARAMS

from .common import Case

GROUP = "recurrent"
SECTION_BUDGET = 0.3
RACE_BUDGET = 10.0
LONGEST = max(PARAMS["iters"].options)  # the iterations the page offers a stalled run


def _section(steps: int, hidden: int, seed: int = 0):
    """What the page computes for the gradient section and the LSTM's, Streamlit aside."""
    cells = {key: gradient_trace(key, steps, hidden, seed=seed) for key in ("rnn", "gru", "lstm")}
    other = gradient_trace("lstm", steps, hidden, forget_bias=0.0, seed=seed)
    lstm = cells["lstm"]
    return (
        charts.through_time_rows({k: t.frame for k, t in cells.items()}, bound=cells["rnn"].frame),
        lesson.forget_gate_rows(lstm.forget_gates),
        lesson.product_rows(cells["rnn"].frame, lstm.frame, lstm.forget_gates),
        other,
    )


def _race(steps: int, iterations: int = 600):
    return [
        train_recurrent(key, "adding", steps, lesson.TRAIN_HIDDEN, learning_rate=lesson.TRAIN_LEARNING_RATE,
                        iterations=iterations)
        for key in ("rnn", "gru", "lstm")
    ]  # fmt: skip


def cases() -> list[Case]:
    return [
        Case(GROUP, "gradient section T=200, 32 units", lambda: _section(200, 32), target=SECTION_BUDGET),
        Case(GROUP, "gradient section T=500, 64 units", lambda: _section(500, 64), target=SECTION_BUDGET),
        Case(GROUP, "adding race T=10, 600 iterations", lambda: _race(10), repeats=1),
        Case(GROUP, "adding race T=50, 600 iterations", lambda: _race(50), repeats=1, target=RACE_BUDGET),
        Case(GROUP, "adding race T=100, 600 iterations", lambda: _race(100), repeats=1, target=RACE_BUDGET),
        Case(
            GROUP,
            f"adding race T=100, {LONGEST:,} iterations",
            lambda: _race(100, LONGEST),
            repeats=1,
            target=RACE_BUDGET,
        ),
    ]
