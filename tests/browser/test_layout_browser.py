"""Every page at a phone's, a tablet's, a laptop's and a projector's width: every chart's drawing
inside the window and inside its own frame, and the page never scrolls sideways.

A window reports its width class to the server (``explainer.ui.viewport``), which builds the
charts for it: stacked panels and legends below on a phone, wider panels on a projector in
lecture mode. Each visit waits until the page was drawn for its own window's class.
"""

import pytest

from explainer.ui.viewport import NARROW_BELOW_PX, WIDE_FROM_PX
from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import shot, wait_idle

PAGES = registered_pages()

# (window width, lecture mode): 360 and 390 are phones, 768 a tablet, 1280 a laptop, 1920 a projector.
WINDOWS = [(360, False), (390, False), (768, False), (1280, False), (1920, False), (1280, True), (1920, True)]

# For each chart: its drawing's left and right edge, the window's width, and its frame's right edge.
CHART_EDGES = """() => {
  const window_width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).map((frame) => {
    const drawing = frame.querySelector('canvas, svg.marks').getBoundingClientRect();
    return {left: drawing.left, right: drawing.right, width: drawing.width, window: window_width,
            frame_right: frame.getBoundingClientRect().right};
  });
}"""
SIDEWAYS_SCROLL = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Math.max(main.scrollWidth - main.clientWidth, document.documentElement.scrollWidth - document.documentElement.clientWidth);
}"""


def expected_screen(width: int) -> str:
    return "narrow" if width < NARROW_BELOW_PX else "wide" if width >= WIDE_FROM_PX else "regular"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("width", "lecture"), WINDOWS, ids=[f"{w}px{'-lecture' if lec else ''}" for w, lec in WINDOWS]
)
@pytest.mark.parametrize("page_file", PAGES)
def test_every_chart_fits_the_window_at_every_width(server, browser, page_file, width, lecture):
    path = page_url_paths()[page_file]
    context = browser.new_context(viewport={"width": width, "height": 1080 if width >= 1920 else 844})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/{path}{'?lecture=true' if lecture else ''}")
        wait_idle(page)
        screen = expected_screen(width)
        page.wait_for_function(f"window.__vpScreen === '{screen}'", timeout=60_000)
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        edges = page.evaluate(CHART_EDGES)
        assert edges, "the page draws charts"
        for i, edge in enumerate(edges):
            assert edge["width"] > 100, f"chart {i} is drawn {edge['width']:.0f} px wide"
            assert edge["left"] >= 0 and edge["right"] <= edge["window"] + 0.5, (
                f"chart {i} drawn from {edge['left']:.0f} to {edge['right']:.0f} px in a {edge['window']} px window"
            )
            assert edge["right"] <= edge["frame_right"] + 0.5, (
                f"chart {i}'s drawing runs {edge['right'] - edge['frame_right']:.0f} px past its frame"
            )
        assert page.evaluate(SIDEWAYS_SCROLL) <= 0, "the page scrolls sideways"
        if width in (390, 1920):
            shot(page, f"layout-{width}{'-lecture' if lecture else ''}-{path or 'home'}")
    finally:
        context.close()
