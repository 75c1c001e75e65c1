"""Fill the store (``explainer.store``) so that a freshly started server answers at once:

    python -m explainer.ui.precompute

1. the initialization page's heatmaps at every depth and width its sliders offer (one forward
   pass per network serves all depths: ``variance_travel_depths``), first, so that the pages
   opened next find them stored instead of computing their own depths' grids again;
2. every page at its default settings and at each named scene (a page with sections: each
   section, and each scene with each section), opened as a visitor opens it (AppTest): every
   ``store.persisted`` computation on the way keeps its result, and what the initialization
   page's depth, activation and initializer moves compute besides the heatmaps
   (``initialization.precompute_moves``);
3. the depth, training and MLP pages once per value of each of their choices and short sliders
   (and the MLP page's noise and width), the rest at the defaults, with the setting's section
   open (``precompute_moves``): a lecturer's first move is then stored.

What is already stored for this version of the code is skipped, so a second run takes seconds;
stores of other versions are deleted. The README's run command and the Dockerfile call it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from importlib import import_module
from pathlib import Path

# Streamlit's notices that a page opened by AppTest runs without a server ("missing
# ScriptRunContext", "No runtime found"): one or two per page opened, hundreds of lines that buried
# the report. Dropped by a filter on the loggers themselves, which AppTest's own logging set-up
# (it resets their levels on every run) leaves in place.
BARE_MODE_NOTICES = ("missing ScriptRunContext", "No runtime found")
BARE_MODE_LOGGERS = (
    "streamlit.runtime.scriptrunner_utils.script_run_context",
    "streamlit.runtime.caching.cache_data_api",
)


def _not_bare_mode_notice(record: logging.LogRecord) -> bool:
    return not any(notice in record.getMessage() for notice in BARE_MODE_NOTICES)


def quiet_bare_mode_notices() -> None:
    """Keep Streamlit's bare-mode notices out of the precompute's report (once per process)."""
    for name in BARE_MODE_LOGGERS:
        logger = logging.getLogger(name)
        if _not_bare_mode_notice not in logger.filters:
            logger.addFilter(_not_bare_mode_notice)


quiet_bare_mode_notices()  # before the page modules' imports, which log one notice per cached function

from .. import store  # noqa: E402
from ..lessons.initialization.travel import variance_travel_depths  # noqa: E402
from . import depth, initialization, mlp, playground, recurrent, training  # noqa: E402
from .widgets import param_sections, section_labels_of  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app.py"
SCENE_PAGES = {
    "app_pages/home.py": {},
    "app_pages/activations.py": {},
    "app_pages/depth.py": depth.SCENES,
    "app_pages/initialization.py": initialization.SCENES,
    "app_pages/mlp.py": mlp.SCENES,
    "app_pages/training.py": training.SCENES,
    "app_pages/recurrent.py": recurrent.SCENES,
    "app_pages/playground.py": playground.SCENES,
}


def heatmap_depths() -> range:
    """Every depth the initialization page's depth slider offers."""
    param = initialization.PARAMS["depth"]
    return range(param.low, param.high + 1)


def missing_heatmaps(width: int) -> list[int]:
    """The depths whose heatmap grid at ``width`` is not stored yet."""
    return [d for d in heatmap_depths() if not store.stored(initialization.travel, d, width)]


def precompute_heatmaps(report=print) -> None:
    """Store ``initialization.travel(depth, width)`` for every depth and width of the sliders."""
    for width in initialization.PARAMS["width"].options:
        missing = missing_heatmaps(width)
        if not missing:
            continue
        start = time.perf_counter()
        grids = variance_travel_depths(missing, width, initialization.BATCH)
        for depth_value, grid in grids.groupby("depth", sort=True):
            store.put(initialization.travel, grid.drop(columns="depth").reset_index(drop=True), int(depth_value),
                      width)  # fmt: skip
        report(f"heatmaps, width {width}: {len(missing)} depths in {time.perf_counter() - start:.0f} s")


def precompute_scenes(report=print) -> None:
    """Open every page at its defaults and at each of its scenes, keeping what it computes. A page
    with sections (tabs, of which only the open one computes) is opened at each section, and each
    scene at its own section and then at every other: a lecturer opens a scene's other tabs too."""
    for page, scenes in SCENE_PAGES.items():
        labels = section_labels_of(page)
        sections: list[str | None] = list(labels) or [None]
        openings = [{} if s is None else {"section": s} for s in sections]
        for scene, settings in scenes.items():
            openings.append({"preset": scene})
            own = settings.get("section", labels.get(sections[0]))  # a scene opens the first by default
            openings += [{"preset": scene, "section": s} for s in sections if s and labels[s] != own]
        for query in openings:
            start = time.perf_counter()
            _open(page, query)
            named = ", ".join(f"{k} {v}" for k, v in query.items()) or "(defaults)"
            report(f"{page} {named}: {time.perf_counter() - start:.1f} s")


# Pages whose every choice a lecturer may make first is visited from the defaults: each value of
# each choice widget, toggle and slider with at most MAX_VISITED_VALUES positions, and of the longer
# sliders LONG_SLIDERS names. The MLP page retrains four nets on every move (2–3 s here, more under
# a class's load: its moves were the slowest runs of the capacity benchmark), so its first moves
# are stored too.
VISITED_PAGES = ("app_pages/depth.py", "app_pages/training.py", "app_pages/mlp.py")
MAX_VISITED_VALUES = 20
LONG_SLIDERS = {"app_pages/mlp.py": ("noise", "width")}


def move_values(param, limit: int | None = MAX_VISITED_VALUES) -> list:
    """The values of ``param`` other than its default that a visit tries (none for typed
    numbers, text, several choices, or a slider with more than ``limit`` positions; no limit
    with None)."""
    if param.widget == "toggle":
        return [not param.default]
    if param.widget in ("select_slider", "selectbox", "segmented", "radio"):
        values = list(param.options)
    elif param.widget == "slider" and not isinstance(param.default, (tuple, list)):
        step = param.step or 1
        count = round((param.high - param.low) / step) + 1
        if limit is not None and count > limit:
            return []
        values = [param.low + i * step for i in range(count)]
        values = [round(v, 10) if isinstance(step, float) else v for v in values]
    else:
        return []
    return [v for v in values if v != param.default][:limit]  # [:None] keeps all


def _open(page: str, query: dict) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=900)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(f"{page} {query}: {at.exception[0].message}")


def precompute_moves(report=print) -> None:
    """Open each of VISITED_PAGES once per ``move_values`` of each of its widgets, the rest at
    their defaults: what the first move away from the default scene computes is then stored."""
    for page in VISITED_PAGES:
        params = import_module(f"explainer.ui.{Path(page).stem}").PARAMS
        sections = param_sections(page)
        start, visits = time.perf_counter(), 0
        for key, param in params.items():
            # A setting of one section is computed with its section open; the dataset and seed,
            # which every section reads, with the first section (the page as it opens).
            tab = {"section": sections[key]} if sections.get(key) else {}
            long = key in LONG_SLIDERS.get(page, ())
            for value in move_values(param, limit=None if long else MAX_VISITED_VALUES):
                _open(page, {key: str(value).lower() if isinstance(value, bool) else str(value), **tab})
                visits += 1
        report(f"{page}: {visits} moves from the defaults in {time.perf_counter() - start:.0f} s")


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ[store.WRITE_ENV] = "1"
    for old in store.remove_other_versions():
        print(f"removed the store of another code version: {old}")
    print(f"store: {store.version_dir()}")
    start = time.perf_counter()
    precompute_heatmaps()
    precompute_scenes()
    initialization.precompute_moves()
    precompute_moves()
    print(f"precomputed in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
