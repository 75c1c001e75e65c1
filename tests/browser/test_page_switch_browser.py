"""The most common flow in a class: move this page's sliders, then click another page in the sidebar.

Pages share URL names (``depth``, ``width``, ``act``, ...) with different ranges; a value left on
one page must neither crash another page nor change its settings. Every page, with every slider
pressed to its minimum (Home), is left for the next page in the sidebar, and with every slider at
its maximum (End) for the one after: each page is left at both ends and reached twice. AppTest runs
every ordered pair (tests/pages/test_page_switch.py); Chromium adds what only a browser does (the
address bar's query, the frontend's widget state), which a pair at a time does not change.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.live import SLIDERS
from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import shot, wait_idle

PAGES = registered_pages()
# The sidebar's link text for each page: app.py's titles.
TITLES = {
    "app_pages/home.py": "Why deep networks stop learning",
    "app_pages/activations.py": "Activation functions",
    "app_pages/depth.py": "Depth: vanishing and exploding gradients",
    "app_pages/initialization.py": "Initialization",
    "app_pages/mlp.py": "MLP comparison",
    "app_pages/training.py": "Training dynamics",
    "app_pages/recurrent.py": "Through time: RNN and LSTM",
    "app_pages/playground.py": "Playground",
}
# Every slider thumb on screen (not those in a closed tab): its value and its ends.
SLIDER_STATE = f"""() => Array.from(document.querySelectorAll('{SLIDERS}'))
  .filter((e) => e.getClientRects().length > 0)
  .map((e) => [Number(e.value), Number(e.min), Number(e.max)])"""
VISIBLE_SLIDERS = f"{SLIDERS} >> visible=true"


def sidebar_click(page: Page, page_file: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=TITLES[page_file]).click()
    # A sidebar click changes the address in place (history.pushState): no "load" event follows.
    page.wait_for_url(
        lambda url: urlparse(url).path.strip("/") == page_url_paths()[page_file], wait_until="commit"
    )
    # The page left behind may still be finishing a computation Streamlit cannot interrupt.
    wait_idle(page, timeout=180_000)


def press_every_slider(page: Page, end: str) -> None:
    """Press Home (or End) on every slider thumb until all sit at that end, as a visitor would,
    without waiting for the page to finish computing. For the maximum the thumbs are pressed last
    to first, so a range slider's upper thumb moves out of the way of the lower one."""
    key = "Home" if end == "min" else "End"
    thumbs = page.locator(VISIBLE_SLIDERS)
    for _ in range(6):  # a rerun can redraw a slider between two presses; press again what it reset
        states = page.evaluate(SLIDER_STATE)
        waiting = [
            i for i, (value, low, high) in enumerate(states) if value != (low if end == "min" else high)
        ]
        if not waiting:
            return
        for i in waiting if end == "min" else reversed(waiting):
            # A rerun started by an earlier press can remove a slider (one shown only for some
            # settings): the next round reads the page again instead of waiting for it.
            if i >= thumbs.count():
                break
            try:
                thumbs.nth(i).press(key, timeout=5_000)
            except PlaywrightTimeout:
                break
        page.wait_for_timeout(300)
    states = page.evaluate(SLIDER_STATE)
    assert all(v == (lo if end == "min" else hi) for v, lo, hi in states), states


def errors(page: Page) -> int:
    """Exception boxes, and Streamlit's whole-app error screen."""
    return (
        page.locator('[data-testid="stException"]').count()
        + page.get_by_text("This app has encountered an error").count()
    )


def slider_values(page: Page) -> list[float]:
    return [value for value, _, _ in page.evaluate(SLIDER_STATE)]


def destinations(origin: str) -> list[tuple[str, str]]:
    """Where a visitor goes from ``origin`` with its sliders at each end: the next page in the
    sidebar from the minimum, the one after from the maximum."""
    at = PAGES.index(origin)
    return [("min", PAGES[(at + 1) % len(PAGES)]), ("max", PAGES[(at + 2) % len(PAGES)])]


@pytest.fixture(scope="module")
def own_defaults(server, browser) -> dict[str, list[float]]:
    """Each page's slider values when opened from a plain link."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    values = {}
    for page_file in PAGES:
        page.goto(f"{server.url}/{page_url_paths()[page_file]}")
        wait_idle(page)
        values[page_file] = slider_values(page)
    context.close()
    return values


@pytest.mark.browser
@pytest.mark.parametrize("origin", PAGES)
def test_sidebar_click_after_sliders_at_their_ends_opens_the_other_page_clean(
    server, browser, origin, own_defaults
):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/{page_url_paths()[origin]}")
        wait_idle(page)
        assert page.locator(VISIBLE_SLIDERS).count() > 0, f"{origin} has sliders to move"
        for end, destination in destinations(origin):
            if urlparse(page.url).path.strip("/") != page_url_paths()[origin]:
                sidebar_click(page, origin)
            press_every_slider(page, end)
            # The moved sliders reach the server and the link at once; the click comes while
            # the page may still be computing, as a visitor's often does.
            page.wait_for_function("() => location.search.length > 1")
            sidebar_click(page, destination)
            where = f"{origin} at its {end} → {destination}"
            if errors(page):
                shot(page, f"switch-error-{page_url_paths()[origin] or 'home'}")
            assert errors(page) == 0, where
            assert urlparse(page.url).query == "", f"{where} carried {urlparse(page.url).query}"
            assert slider_values(page) == own_defaults[destination], where
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["", "?chain=5", "?chain=5&lecture=1"])
def test_the_home_page_opens_at_its_own_name_with_its_link(server, browser, query):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/home{query}")
        wait_idle(page)
        assert page.locator("h1").first.inner_text().startswith("Why deep networks stop learning")
        assert page.get_by_text("Page not found").count() == 0
        assert errors(page) == 0
        asked, arrived = parse_qs(query.lstrip("?")), parse_qs(urlparse(page.url).query)
        assert arrived.get("chain") == asked.get("chain")
        assert ("lecture" in arrived) == ("lecture" in asked)
        if "chain" in asked:  # the link's setting reached the slider, not only the address bar
            assert page.locator(SLIDERS).first.evaluate("e => e.value") == asked["chain"][0]
    finally:
        context.close()
