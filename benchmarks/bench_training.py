"""The training page's budgets (issue 6): a default training run, the page's cold render and its
cached rerun through AppTest, and, for the record, each section's computation on its own."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from explainer import training

from .common import Case

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/training.py"
GROUP = "training"


def default_run() -> training.TrainingRun:
    """The issue's default run: 3 hidden layers × 32, 500 steps, batch 32."""
    return training.train(
        "circles", "relu", (32, 32, 32), "he_normal", learning_rate=0.1, batch_size=32, steps=500
    )


def _cold() -> None:
    st.cache_data.clear()
    AppTest.from_file(APP, default_timeout=120).switch_page(PAGE).run()


def _rerun_case() -> Case:
    at = AppTest.from_file(APP, default_timeout=120).switch_page(PAGE).run()
    values = cycle((150, 100))
    # Visit both values once so the measured reruns hit a warm cache.
    for _ in range(2):
        at.slider(key="patience").set_value(next(values)).run()
    return Case(
        GROUP,
        "page rerun (cached, patience)",
        lambda: at.slider(key="patience").set_value(next(values)).run(),
        repeats=9,
        target=0.2,
    )


SECTIONS = {
    "1. minibatch error (100 draws)": lambda: training.minibatch_gradient_error(
        "circles", training.minibatch_state("circles"), trials=100
    ),
    "1. batch-size race (1,200 ex.)": lambda: training.batch_size_race("circles", examples=1_200),
    "2. gradient heatmaps": lambda: training.gradient_comparison("circles"),
    "3. dying ReLU": lambda: training.dying_relu("circles"),
    "4. batch norm": lambda: training.batchnorm_comparison("circles", hidden_layers=(32,) * 6),
    "5. clipping": lambda: training.clipping_comparison("circles"),
    "6. early stopping": lambda: training.early_stopping_run(),
}


def cases() -> list[Case]:
    _cold()  # imports and Altair's schema load once, outside the timings
    return [
        Case(GROUP, "train 3×32, 500 steps, batch 32", default_run, repeats=7, target=1.0),
        Case(GROUP, "page cold render", _cold, repeats=3, target=5.0),
        _rerun_case(),
        *(Case(GROUP, name, run, repeats=3) for name, run in SECTIONS.items()),
    ]
