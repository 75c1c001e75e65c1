"""The Through time page's budgets (issue 17): the gradient through time of the RNN, GRU and LSTM
(and the LSTM at the other forget bias) with every chart's rows at T = 500 and 64 units, well under
300 ms; the adding problem's race at T = 50 (the scene adding_problem_T50) and at T = 100 in at most
10 s cold each, and at T = 100 with the page's longest training (what it offers when a cell stalls);
the T = 100 races also as the server computes them, on two worker processes side by side."""

from __future__ import annotations

import inspect
import os
import tempfile
import time
from contextlib import contextmanager

from explainer import store, workers
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


def _race_on_two_workers(steps: int, iterations: int) -> float:
    """Seconds of the page's race as the server computes it (seed 0, nothing stored): with two
    reporting workers, the RNN and GRU in one and the LSTM in the other, side by side."""
    from explainer.ui import recurrent as page

    race = inspect.unwrap(page.race, stop=lambda f: hasattr(f, "store_name"))
    with tempfile.TemporaryDirectory() as empty, _environment(store.STORE_ENV, empty):
        workers.enable(2)
        try:
            workers.call_side_by_side(workers.PROCESS_ID, [{}, {}])  # both workers up, as in the server
            started = time.perf_counter()
            race(steps, iterations, 0, _progress=lambda fraction: None)
            return time.perf_counter() - started
        finally:
            workers.disable()


@contextmanager
def _environment(name: str, value: str):
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


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
        # The same races as the server runs them (the time of the race alone, workers started).
        Case(GROUP, "race T=100, 600 it., two workers", lambda: None, target=RACE_BUDGET,
             value=lambda: _race_on_two_workers(100, 600)),
        Case(GROUP, f"race T=100, {LONGEST:,} it., two workers", lambda: None, target=RACE_BUDGET,
             value=lambda: _race_on_two_workers(100, LONGEST)),
    ]  # fmt: skip
