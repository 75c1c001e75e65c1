"""Page timings through AppTest: a cold first run, and a rerun after a widget change (warm cache)."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from .bench_moves import open_section
from .common import Case

APP = str(Path(__file__).resolve().parents[1] / "app.py")

# Per page: the widget a change moves (its key), alternating between two values, and the rerun
# budget from its issue.
PAGE_CHANGES: dict[str, tuple[str, tuple, float]] = {
    "app_pages/home.py": ("chain", (10, 12), 0.25),
    "app_pages/activations.py": ("x", ((-6.0, 6.0), (-4.0, 4.0)), 0.15),
    "app_pages/training.py": ("patience", (100, 150), 0.2),
    # Issue 5: returning to a trained setting is a cached rerun, within 200 ms.
    "app_pages/mlp.py": ("noise", (0.1, 0.15), 0.2),
    # Issue 3: back to a depth seen before, the heatmaps (16 × 17 networks) are a cached rerun, ≤ 150 ms.
    "app_pages/initialization.py": ("depth", (20, 21), 0.15),
    # Issue 4: the depth slider moved back and forth, every section cached, ≤ 250 ms.
    "app_pages/depth.py": ("depth", (30, 31), 0.25),
}


def _cold(page: str) -> None:
    st.cache_data.clear()
    st.cache_resource.clear()  # some pages keep built charts there
    AppTest.from_file(APP, default_timeout=120).switch_page(page).run()


def _rerun_case(page: str, key: str, values: tuple, target: float) -> Case:
    at = AppTest.from_file(APP, default_timeout=120).switch_page(page).run()
    open_section(at, page, key)  # the widget's tab, as a person opens it first
    change = lambda at, value: at.get_by_key(key).set_value(value)
    next_value = cycle(values)
    # Visit both values once so the measured reruns hit a warm cache.
    for _ in values:
        change(at, next(next_value)).run()
    return Case(
        "page rerun (warm)", page, lambda: change(at, next(next_value)).run(), repeats=9, target=target
    )


def cases() -> list[Case]:
    result = []
    for page, (key, values, target) in PAGE_CHANGES.items():
        result.append(Case("page cold first run", page, lambda p=page: _cold(p), repeats=3))
        result.append(_rerun_case(page, key, values, target))
    return result
