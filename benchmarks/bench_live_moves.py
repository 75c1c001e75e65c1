"""The same moves as ``bench_moves``, seen by one visitor in Debian's Chromium against a real
``streamlit run app.py``: key press on a slider → the rerun finished and the charts repainted.
Every press moves the slider one step further, so every value is new to the server.

And each named scene opened on a freshly started server (one server per page, one browser
context per scene): the link typed → the page's last change (every chart drawn), and → its
title (the frontend loaded and the script's first output drawn), once in a new browser (nothing
cached), once in a returning one (Streamlit's frontend in its cache) and once in a new browser
through HAProxy as the hosted demo runs (deploy/haproxy.cfg: its cache answers Streamlit's
frontend files after a page's first visitor). Budget (issue 13): 2 s.
The server reads the store that ``python -m explainer.ui.precompute`` fills; the table says
whether it was filled.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from explainer.ui.precompute import SCENE_PAGES as PRECOMPUTED_PAGES
from tests.browser.conftest import wait_idle

from .bench_moves import PAGE_MOVES, percentile, section_of
from .common import Case, stored_entries
from .live import CHROMIUM, CHROMIUM_ARGS, RUN_WATCH, VISITOR_CONTEXT, WATCH_RERUN, Server

PRESSES = 8
SCENE_BUDGET = 2.0
# The sliders a visitor drags (select sliders included); the other widgets are not keyboard-moved.
SLIDER_KINDS = ("slider", "select_slider")
# Every page with named scenes (those the precompute stores), in the sidebar's order.
SCENE_PAGES = tuple(Path(path).stem for path, scenes in PRECOMPUTED_PAGES.items() if scenes)


def _sliders(page: str) -> list:
    """``bench_moves``' moves of ``page`` that are single-thumb sliders (moved by arrow keys)."""
    params = import_module(f"explainer.ui.{page}").PARAMS
    return [
        m
        for m in PAGE_MOVES[f"app_pages/{page}.py"]
        if params[m.key].widget in SLIDER_KINDS and not isinstance(params[m.key].default, tuple)
    ]


@cache
def _browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def slider_move_times(tab, url: str, key: str, presses: int = PRESSES) -> list[float]:
    """Open ``url`` in ``tab`` and press → on slider ``key`` (← if it starts at its right end) up
    to ``presses`` times (fewer at its other end): seconds from each key press to the rerun finished and the charts repainted."""
    tab.goto(url)
    wait_idle(tab, 300_000)
    thumb = tab.locator(f".st-key-{key} input[type='range']").first
    thumb.focus()
    # Onwards, to values never seen: leftwards from a slider's right end.
    at_end = thumb.evaluate("e => Number(e.value) >= Number(e.max)")
    arrow = "ArrowLeft" if at_end else "ArrowRight"
    times = []
    for _ in range(presses):
        before = thumb.evaluate("e => e.value")
        started = tab.evaluate(WATCH_RERUN)
        thumb.press(arrow)
        if thumb.evaluate("e => e.value") == before:
            break  # at the slider's other end
        tab.wait_for_function("window.__vpRerun.done > 0", timeout=300_000)
        times.append((tab.evaluate("window.__vpRerun.done") - started) / 1000.0)
    return times


@cache
def live_moves() -> dict[tuple[str, str], list[float]]:
    """Seconds per key press, per (page, slider), one visitor on one server."""
    server = Server()
    result = {}
    try:
        context = _browser().new_context(**VISITOR_CONTEXT)
        context.add_init_script(RUN_WATCH)
        tab = context.new_page()
        for path in PAGE_MOVES:
            page = path.removeprefix("app_pages/").removesuffix(".py")
            url = f"{server.url}/{'' if page == 'home' else page}"
            for move in _sliders(page):
                # A slider in a closed section's tab is not on screen: the link opens its tab.
                section = section_of(path, move.key)
                opened = f"{url}?section={section}" if section else url
                result[(page, move.key)] = slider_move_times(tab, opened, move.key)
        context.close()
    finally:
        server.stop()
    return result


# In a new tab, before the page's own scripts: the time (ms since the navigation began) of the
# last element added or text changed, and of the first title drawn (the frontend has loaded, met
# the server over its websocket, and drawn the script's first output).
WATCH_CHANGES = """
window.__vpChanges = {last: 0, title: 0};
new MutationObserver(() => {
  const now = performance.now();
  window.__vpChanges.last = now;
  if (!window.__vpChanges.title && document.querySelector('h1')) window.__vpChanges.title = now;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@dataclass(frozen=True)
class SceneOpened:
    """One scene's link opened in a browser tab (the server's part not cached): seconds from the
    navigation's start to the page's title, and to its last change (every chart drawn)."""

    title: float
    complete: float


@cache
def fresh_scenes(returning: bool = False, balanced: bool = False) -> dict[tuple[str, str], SceneOpened]:
    """Every named scene opened on a fresh server (one per page), each in its own browser context.

    A new browser (``returning`` False) has nothing cached: a student's first visit. A returning
    browser has opened the app's home page before, so Streamlit's frontend (hashed bundles the
    server marks cacheable) comes from its cache: the lecturer who opens the next lecture's link.
    ``balanced``: the server behind a fresh HAProxy with deploy/haproxy.cfg, as compose.yaml
    hosts the demo, its copy of Streamlit's frontend files filled once it is up, as compose.yaml's
    ``frontend-cache`` service does (``explainer.ui.balancer_cache``).
    The time is the page's last change, read once it has been idle for half a second
    (``wait_idle``), so the wait itself is not counted."""
    from .replicas import Replicas

    result = {}
    for page in SCENE_PAGES:
        server = Replicas(1, fill_frontend=True).__enter__() if balanced else Server()
        try:
            for scene in import_module(f"explainer.ui.{page}").SCENES:
                context = _browser().new_context(**VISITOR_CONTEXT)
                if returning:
                    before = context.new_page()
                    before.goto(server.url)
                    wait_idle(before, 300_000)
                    before.close()
                context.add_init_script(WATCH_CHANGES)
                tab = context.new_page()
                tab.goto(f"{server.url}/{page}?preset={scene}")
                wait_idle(tab, 300_000)
                changes = tab.evaluate("window.__vpChanges")
                result[(page, scene)] = SceneOpened(changes["title"] / 1000, changes["last"] / 1000)
                context.close()
        finally:
            server.stop()
    return result


# (returning, balanced, name) of each browser the fresh scenes are opened in.
BROWSERS = (
    (False, False, "new browser"),
    (True, False, "returning browser"),
    (False, True, "new browser, through HAProxy"),
)


def cases() -> list[Case]:
    result = []
    for path in PAGE_MOVES:
        page = path.removeprefix("app_pages/").removesuffix(".py")
        for move in _sliders(page):
            times = lambda p=page, k=move.key: live_moves()[(p, k)]
            median_target, p95_target = move.budget or (None, None)
            result += [
                Case("Chromium move: median", f"{page}: {move.key}", run=lambda: None, target=median_target,
                     value=lambda t=times: statistics.median(t())),
                Case("Chromium move: p95", f"{page}: {move.key}", run=lambda: None, target=p95_target,
                     value=lambda t=times: percentile(t(), 0.95)),
            ]  # fmt: skip
    entries = stored_entries()
    for page in SCENE_PAGES:
        for scene in import_module(f"explainer.ui.{page}").SCENES:
            for returning, balanced, browser in BROWSERS:
                opened = lambda k=(page, scene), r=returning, b=balanced: fresh_scenes(r, b)[k]
                result += [
                    Case(f"fresh server, store {entries}, {browser}", f"{page}?preset={scene}", run=lambda: None,
                         target=SCENE_BUDGET, value=lambda o=opened: o().complete),
                    Case(f"fresh server, store {entries}, {browser}: title drawn", f"{page}?preset={scene}",
                         run=lambda: None, target=None, value=lambda o=opened: o().title),
                ]  # fmt: skip
    return result
