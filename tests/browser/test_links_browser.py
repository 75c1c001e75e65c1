"""Shared links in real Chromium: bad links never break a page, and a link restores its scene."""

import io
import time
from urllib.parse import urlencode

import numpy as np
import pytest
from PIL import Image

from benchmarks.live import SLIDERS, run_in_thread
from benchmarks.protocol import Run, Visitor, _element
from explainer.ui import recurrent
from tests.pages.bad_links import bad_queries, bound_widgets, expected_named
from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import Visit, press, shot, wait_idle

PAGES = registered_pages()
# Chromium opens a sample of each page's bad links (AppTest opens all of them: tests/pages/test_bad_links.py):
# the first single bad value; every key at once at -1e308; and, in one link, a huge value, a
# 300-character unknown key, a mangled lecture switch and an emoji (the key given twice).


def browser_sample(queries: list[list[tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    """Three of ``bad_queries``' links: the first, every key at -1e308, and the huge value with
    the unknown key joined to the mangled lecture switch with the emoji."""
    huge_and_unknown, every_key_at_minus_1e308, _, lecture_and_emoji = queries[-4:]
    return [queries[0], every_key_at_minus_1e308, huge_and_unknown + lecture_and_emoji]


def url_path(page_file: str) -> str:
    return page_url_paths()[page_file]


@pytest.mark.browser
@pytest.mark.parametrize("page_file", PAGES)
def test_bad_links_render_in_chromium_with_a_warning_naming_each_bad_value(server, visit: Visit, page_file):
    bound = bound_widgets(page_file)
    queries = bad_queries(bound)
    for i, query in enumerate(browser_sample(queries)):
        page = visit.open(f"{server.url}/{url_path(page_file)}?{urlencode(query)}")
        assert page.locator('[data-testid="stException"]').count() == 0, query
        named = expected_named(bound, query)
        warning = page.locator('[data-testid="stAlert"]').filter(has_text="could not be used")
        if named:
            text = warning.first.inner_text()
            for key in named:
                assert key[:31] in text, (key, query, text)
        if i == 0:
            shot(page, f"bad-link-{url_path(page_file) or 'home'}")
    assert visit.foreign_requests() == []


def widget_state(page) -> dict[str, str]:
    """Every slider's value and every selection's text, as the browser shows them."""
    sliders = page.locator(SLIDERS)
    state = {f"slider{i}": sliders.nth(i).get_attribute("aria-valuetext") for i in range(sliders.count())}
    selects = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]')
    state |= {f"select{i}": selects.nth(i).inner_text() for i in range(selects.count())}
    # Pills and segmented controls: the options shown as chosen.
    groups = page.locator('[data-testid="stButtonGroup"]')
    for i in range(groups.count()):
        chosen = groups.nth(i).locator('button[data-selected="true"]')
        state[f"choice{i}"] = ",".join(chosen.nth(j).inner_text() for j in range(chosen.count()))
    return state


@pytest.mark.browser
@pytest.mark.parametrize("page_file", PAGES)
def test_link_opened_in_a_fresh_browser_restores_widgets_and_charts(server, browser, visit: Visit, page_file):
    page = visit.open(f"{server.url}/{url_path(page_file)}")
    sliders = page.locator(SLIDERS)
    assert sliders.count() > 0, "every page has at least one slider to move"
    charts_default = chart_shots(page)
    for i in range(min(sliders.count(), 2)):
        sliders.nth(i).focus()
        for _ in range(2):
            press(page, sliders.nth(i), "ArrowRight")
    link = page.url
    assert "?" in link
    before = widget_state(page)
    charts_before = chart_shots(page)
    # The comparison below can fail: moving the sliders changed some chart beyond its tolerance.
    assert not same_drawings(charts_default, charts_before)

    fresh_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    fresh = fresh_context.new_page()
    fresh.goto(link)
    wait_idle(fresh)
    try:
        # A fresh page may still be drawing its last elements: compare until they agree or 20 s pass.
        assert eventually(lambda: widget_state(fresh), before) == before
        assert fresh.locator('[data-testid="stException"]').count() == 0
        deadline = time.monotonic() + 20
        while not same_drawings(chart_shots(fresh), charts_before) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert same_drawings(chart_shots(fresh), charts_before), "the link draws the same charts"
        assert fresh.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count() == 0
        shot(fresh, f"round-trip-{url_path(page_file) or 'home'}")
    finally:
        fresh_context.close()


def chart_shots(page) -> list[bytes]:
    """A PNG of every chart on the page, in order."""
    return [chart.screenshot() for chart in page.locator('[data-testid="stVegaLiteChart"]').all()]


# A canvas updated in place repaints only the regions that changed, so its anti-aliased edges can
# differ by a few pixels from the same chart drawn afresh; different data moves far more of them.
REDRAW_TOLERANCE = 0.01


def same_drawings(first: list[bytes], second: list[bytes]) -> bool:
    """Whether two pages' charts agree: as many charts, each of the same size, and in each at most
    ``REDRAW_TOLERANCE`` of the pixels differing clearly (by more than 48 of 255 in a channel)."""
    if len(first) != len(second):
        return False
    for a, b in zip(first, second, strict=True):
        image_a, image_b = (Image.open(io.BytesIO(png)).convert("RGB") for png in (a, b))
        if image_a.size != image_b.size:
            return False
        difference = np.abs(np.asarray(image_a, dtype=np.int16) - np.asarray(image_b, dtype=np.int16))
        if (difference.max(axis=2) > 48).mean() > REDRAW_TOLERANCE:
            return False
    return True


def eventually(read, expected, timeout: float = 20.0):
    """``read()`` once it equals ``expected``, or its last value after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.5)
        value = read()
    return value


@pytest.mark.browser
def test_the_sidebar_link_opens_on_a_click_and_copies_the_scene_on_screen(server, visit: Visit):
    # Closed, the page has no code block (the highlighter's script is never loaded); one click
    # opens it, and it holds the address of the scene on screen, settings at their defaults left out.
    page = visit.open(f"{server.url}/activations?act=ReLU&act=tanh&x=-3&x=3")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert page.locator('[data-testid="stCode"]').count() == 0
    assert not [u for u in visit.requests if "SyntaxHighlighter" in u]
    sidebar.get_by_text("Link to this view").click()
    code = sidebar.locator('[data-testid="stCode"]')
    code.wait_for(timeout=30_000)
    link = code.inner_text().strip()
    assert link.startswith(f"{server.url}/activations?") and "x=-3" in link and "x=3" in link, link
    assert "act=ReLU" in link and "act=tanh" in link
    code.hover()  # the copy icon shows on hover
    code.locator('button[aria-label="Copy to clipboard"]').wait_for(timeout=10_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def scene_picker(run: Run):
    """The scene picker's select box as the run sent it."""
    for message in run.messages:
        kind, element = _element(message)
        if kind == "selectbox" and element.label == "Scene":
            return element
    raise AssertionError("the run drew no scene picker")


@pytest.mark.browser
def test_every_run_sends_the_scene_to_a_browser_that_has_not_drawn_the_picker_yet(server):
    """A rerun can carry the state of only the widgets the browser has drawn: on a fresh server
    the window reports its width class while the page is still arriving (lecture mode's wide
    layout takes effect after the first paint). Such a rerun left the browser without the scene
    picker's value: Streamlit sent the value only with the run that set it, so the picker showed
    "your own settings" while the server kept the scene, and the next rerun took ``?preset`` out
    of the link (in Chromium, the lecturer's first visit to a freshly started server lost the
    recurrent page's scene six times in six). Every run now sends it."""

    async def visit() -> tuple[Run, Run]:
        async with Visitor(server.url) as visitor:
            opened = await visitor.open("recurrent", "preset=exploding_rnn_clipped")
            # The next run, from a browser whose only drawn widget is the sidebar's lecture switch.
            return opened, await visitor.move("lecture", False)

    for run in run_in_thread(visit()):
        assert run.status == "finished", run.exceptions
        picker = scene_picker(run)
        shown = recurrent.SCENE_LABELS["exploding_rnn_clipped"]
        assert picker.set_value and picker.raw_value == shown, (picker.set_value, picker.raw_value)
