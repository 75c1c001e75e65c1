"""Page timings through AppTest: a cold first run, and a rerun after a widget change (warm cache)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from .common import Case

APP = str(Path(__file__).resolve().parents[1] / "app.py")

# Per page: a widget change that makes the page recompute, alternating between two values, and
# the rerun budget from its issue.
PAGE_CHANGES: dict[str, tuple[Callable[[AppTest, object], object], tuple, float]] = {
    "app_pages/home.py": (lambda at, v: at.slider(key="chain").set_value(v), (10, 12), 0.25),
    "app_pages/activations.py": (
        lambda at, v: at.slider(key="x").set_value(v),
        ((-6.0, 6.0), (-4.0, 4.0)),
        0.15,
    ),
    "app_pages/training.py": (lambda at, v: at.slider(key="patience").set_value(v), (100, 150), 0.2),
    # Issue 5: returning to a trained setting is a cached rerun, within 200 ms.
    "app_pages/mlp.py": (lambda at, v: at.slider(key="noise").set_value(v), (0.1, 0.15), 0.2),
    # Issue 3: back to a depth seen before, the heatmaps (16 × 17 networks) are a cached rerun, ≤ 150 ms.
    "app_pages/initialization.py": (lambda at, v: at.slider(key="depth").set_value(v), (20, 21), 0.15),
    # Issue 4: the depth slider moved back and forth, every section cached, ≤ 250 ms.
    "app_pages/depth.py": (lambda at, v: at.slider(key="depth").set_value(v), (30, 31), 0.25),
}


def _cold(page: str) -> None:
    st.cache_data.clear()
    st.cache_resource.clear()  # some pages keep built charts there
    AppTest.from_file(APP, default_timeout=120).switch_page(page).run()


def _rerun_case(page: str, change, values, target: float) -> Case:
    at = AppTest.from_file(APP, default_timeout=120).switch_page(page).run()
    next_value = cycle(values)
    # Visit both values once so the measured reruns hit a warm cache.
    for _ in values:
        change(at, next(next_value)).run()
    return Case(
        "page rerun (warm)", page, lambda: change(at, next(next_value)).run(), repeats=9, target=target
    )


def cases() -> list[Case]:
    result = []
    for page, (change, values, target) in PAGE_CHANGES.items():
        result.append(Case("page cold first run", page, lambda p=page: _cold(p), repeats=3))
        result.append(_rerun_case(page, change, values, target))
    return result
