"""Every page at a phone's, a tablet's, a laptop's and a projector's width: every chart's drawing
inside the window and inside its own frame, every link to another page and every section's tab
shown whole, and the page never scrolls sideways.

A window reports its width class to the server (``explainer.ui.viewport``), which builds the
charts for it: stacked panels and legends below on a phone, wider panels on a projector in
lecture mode. Each visit waits until the page was drawn for its own window's class.
"""

import contextlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from benchmarks.live import SLIDERS
from explainer.ui.viewport import NARROW_BELOW_PX, REGULAR_ROOM_PX, WIDE_FROM_PX
from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import press, shot, wait_idle

PAGES = registered_pages()

# Window widths in the order a window is resized through them: 1920 a projector, 1280 a laptop,
# 1024 a projector's or a half screen's, 900 and 820 a tablet upright beside the open sidebar, 768
# a tablet (Streamlit closes the sidebar), 390 and 360 phones. Lecture mode is shown on the
# projectors, the laptop, a half screen beside the open sidebar (900: its 504-px column cut a
# select's "Glorot (Xavier) normal" two to a row, and a segmented control's "after 500 training
# steps"), the tablet and a phone (where the page is drawn as without it).
WIDTHS = {False: (1920, 1280, 1024, 900, 820, 768, 390, 360), True: (1920, 1280, 1024, 900, 768, 390)}

# Streamlit's page geometry: the sidebar (300 px) is open on windows wider than 768 px; the page's
# column has a margin of 1 rem each side (3 rem in lecture mode's wide layout) and, centred, is at
# most 704 px wide. A chart may use the column and its right-hand margin ("room").
SIDEBAR_OPEN_FROM_PX, SIDEBAR_PX = 769, 300
COLUMN_MARGIN_PX = {False: 16, True: 48}
CENTRED_COLUMN_PX = 704

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

# Links to other pages whose label does not show whole (Streamlit cut them at the edge on a phone,
# and the sidebar's "Depth: vanishing and explodin…" on a laptop).
CUT_LINKS = """() => Array.from(document.querySelectorAll('[data-testid="stPageLink"] *, [data-testid="stSidebarNavLink"] *'))
  .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.textContent)"""

# Widget labels that do not show whole: Streamlit ends a label that does not fit with "…".
CUT_LABELS = """() => Array.from(document.querySelectorAll('[data-testid="stWidgetLabel"] *'))
  .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.textContent)"""
# Anything else in the page that ends in "…" where it does not fit (a button's label, a choice) or
# a chosen value wider than its box ("Glorot (Xavi" in a select four to a row in lecture type).
CUT_TEXT = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
  .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1
                  && (getComputedStyle(el).textOverflow === 'ellipsis' || el.tagName === 'INPUT'))
  .map((el) => el.tagName === 'INPUT' ? el.value : el.textContent.slice(0, 80))"""

# Section tabs not shown whole in their row (Streamlit scrolled a tab row that did not fit, so
# the depth page's "7. Published results" was cut off on a laptop, and a phone showed three tabs).
HIDDEN_TABS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [role="tablist"]'))
  .flatMap((list) => {
    const row = list.getBoundingClientRect();
    return Array.from(list.querySelectorAll('[role="tab"]')).filter((tab) => {
      const box = tab.getBoundingClientRect();
      return box.left < row.left - 0.5 || box.right > row.right + 0.5;
    }).map((tab) => tab.textContent);
  })"""


def room(width: int, lecture: bool) -> int:
    """The column's width and its right-hand margin in a window ``width`` px wide."""
    margin = COLUMN_MARGIN_PX[lecture]
    column = width - (SIDEBAR_PX if width >= SIDEBAR_OPEN_FROM_PX else 0) - 2 * margin
    return (column if lecture else min(column, CENTRED_COLUMN_PX)) + margin


def expected_screen(width: int, lecture: bool = False) -> str:
    if width < NARROW_BELOW_PX:
        return "narrow"
    if width >= WIDE_FROM_PX:
        return "wide"
    return "compact" if room(width, lecture) < REGULAR_ROOM_PX[lecture] else "regular"


def check_charts_fit(page, width: int) -> None:
    """Every chart drawn inside the window and inside its frame; the page never scrolls sideways."""
    edges = page.evaluate(CHART_EDGES)
    assert edges, "the page draws charts"
    for i, edge in enumerate(edges):
        where = f"at {width} px, chart {i}"
        assert edge["width"] > 100, f"{where} is drawn {edge['width']:.0f} px wide"
        assert edge["left"] >= 0 and edge["right"] <= edge["window"] + 0.5, (
            f"{where} drawn from {edge['left']:.0f} to {edge['right']:.0f} px in a {edge['window']} px window"
        )
        assert edge["right"] <= edge["frame_right"] + 0.5, (
            f"{where}'s drawing runs {edge['right'] - edge['frame_right']:.0f} px past its frame"
        )
    assert page.evaluate(SIDEWAYS_SCROLL) <= 0, f"at {width} px the page scrolls sideways"


@pytest.mark.browser
@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
@pytest.mark.parametrize("page_file", PAGES)
def test_every_chart_fits_the_window_as_it_is_resized_through_every_width(
    server, browser, page_file, lecture
):
    """One visit per page and mode, the window resized from a projector's width down to a phone's
    (as a lecturer's laptop moves to the projector, or a student turns a tablet): each width class
    redraws the charts for itself, and each width is checked once the page is drawn for it."""
    path = page_url_paths()[page_file]
    widths = WIDTHS[lecture]
    context = browser.new_context(viewport={"width": widths[0], "height": 1080})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/{path}{'?lecture=true' if lecture else ''}")
        for width in widths:
            page.set_viewport_size({"width": width, "height": 1080 if width >= 1920 else 844})
            screen = expected_screen(width, lecture)
            page.wait_for_function(f"window.__vpScreen === '{screen}'", timeout=60_000)
            wait_idle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, f"at {width} px"
            if screen in ("compact", "regular"):  # the page's geometry the classes were chosen by
                assert page.evaluate("window.__vpRoom") == room(width, lecture), f"at {width} px"
            # A chart sized to its container follows the window on the next animation frame.
            page.wait_for_timeout(300)
            check_charts_fit(page, width)
            assert not page.evaluate(CUT_LINKS), f"at {width} px, links cut short: {page.evaluate(CUT_LINKS)}"
            assert not page.evaluate(CUT_LABELS), f"at {width} px, labels cut: {page.evaluate(CUT_LABELS)}"
            assert not page.evaluate(CUT_TEXT), f"at {width} px, text cut: {page.evaluate(CUT_TEXT)}"
            assert not page.evaluate(HIDDEN_TABS), f"at {width} px, tabs hidden: {page.evaluate(HIDDEN_TABS)}"
            if width in (390, 900, 1920):
                shot(page, f"layout-{width}{'-lecture' if lecture else ''}-{path or 'home'}")
    finally:
        context.close()


@pytest.mark.browser
def test_a_resize_reruns_the_page_only_when_the_width_class_changes(server, browser):
    """A lecturer drags a window about, a phone's address bar shows and hides, a student closes
    the sidebar: after a visit's slider moves, resizes within one width class run nothing, and
    each change of class runs the page once (every run used to leave a listener behind that asked
    for one more rerun per resize). Closing the sidebar widens the column without resizing the
    window: the class follows the column."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/depth")
        wait_idle(page)
        slider = page.locator(SLIDERS).first
        moves = sum(press(page, slider, "ArrowRight") for _ in range(4))
        assert moves == 4, "the depth slider moves four times, so the probe has run five times"
        wait_idle(page)
        runs_before = page.evaluate("window.__vpRuns.started")
        for width, height in ((1300, 900), (1250, 700), (1280, 1000), (1700, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(400)
        wait_idle(page)
        assert page.evaluate("window.__vpRuns.started") == runs_before, (
            "resizes within the laptop's width class ran the page"
        )

        def expect(screen: str) -> None:
            page.wait_for_function(f"window.__vpScreen === '{screen}'", timeout=60_000)
            page.wait_for_timeout(400)
            wait_idle(page)

        for width in (1000, 960):  # beside the open sidebar: too narrow for panels side by side
            page.set_viewport_size({"width": width, "height": 900})
            expect("compact")
        page.locator('[data-testid="stSidebar"]').hover()
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
        expect("regular")
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        expect("compact")
        for width, screen in ((1920, "wide"), (1900, "wide"), (390, "narrow"), (400, "narrow")):
            page.set_viewport_size({"width": width, "height": 900})
            expect(screen)
        assert page.evaluate("window.__vpRuns.started") == runs_before + 5, (
            "five changes of width class (compact, regular and compact again as the sidebar "
            "closes and opens, wide, narrow), five runs"
        )
    finally:
        context.close()


@contextlib.contextmanager
def opened(server, browser, path: str, width: int) -> Iterator[Page]:
    """``path`` opened in a new browser context ``width`` px wide, drawn for its width class."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/{path}")
        screen = expected_screen(width, "lecture=true" in path)
        page.wait_for_function(f"window.__vpScreen === '{screen}'", timeout=60_000)
        wait_idle(page)
        yield page
    finally:
        context.close()


# Formulas whose drawing is wider than their box: KaTeX's display box scrolls sideways and cuts
# the formula at its edge ("(numerical, h = 6×10⁻⁶ max(1, |x|); from the left a" on a laptop).
# (A display box is as wide as its formula up to its column's width; its gathered lines may
# stand out of it by a pixel or two, which cuts nothing.)
CUT_FORMULAS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .katex-display'))
  .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.parentElement.clientWidth + 2)
  .map((el) => el.querySelector('annotation') ? el.querySelector('annotation').textContent : el.textContent)"""


@pytest.mark.browser
@pytest.mark.parametrize(
    "lecture, widths", [(False, (360, 1280)), (True, (360, 1280, 1920))], ids=["normal", "lecture"]
)
def test_every_formula_shows_whole_on_a_phone_a_laptop_and_a_projector(server, browser, lecture, widths):
    """Every registry activation's f and f′ and a typed one's, in the activations page's
    Formulas: at 360 px (the narrowest phone here), 1280 px and, in lecture mode, 1920 px none runs
    past its box. SELU's, GELU's, Mish's and SiLU's ran one line past a phone's column, a typed
    function's numerical f′ past a laptop's, and a lecture link opened on a phone cut most of them."""
    from explainer import ACTIVATIONS

    query = "&".join(f"act={key}" for key in ACTIVATIONS) + "&expr=x*tanh(softplus(x))"
    query += "&lecture=true" if lecture else ""
    for width in widths:
        with opened(server, browser, f"activations?{query}", width) as page:
            # Lecture mode folds the formulas away (not on a phone): open them, as a lecturer would.
            summary = page.locator('[data-testid="stExpander"] summary').filter(has_text="Formulas")
            if summary.locator("xpath=..").get_attribute("open") is None:
                summary.click()
            # KaTeX's own fonts come after the page: measured in a fallback font, formulas run wider.
            page.evaluate("document.fonts.ready.then(() => true)")
            shown = page.locator('[data-testid="stMain"] .katex-display').filter(visible=True)
            shown.nth(2 * len(ACTIVATIONS) + 1).wait_for()
            assert shown.count() == 2 * (len(ACTIVATIONS) + 1)
            assert not page.evaluate(CUT_FORMULAS), (
                f"at {width} px, formulas cut: {page.evaluate(CUT_FORMULAS)}"
            )


# Button groups (pills, segmented controls) whose options run on one row past their box.
SCROLLING_CHOICES = """() => Array.from(document.querySelectorAll('[data-testid="stButtonGroup"] *'))
  .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1
                  && getComputedStyle(el).overflowX !== 'visible')
  .map((el) => el.textContent.slice(0, 80))"""


@pytest.mark.browser
def test_choices_in_a_column_wrap_instead_of_scrolling_sideways(server, browser):
    """The training page's activations (seventeen pills) sit in a third of the page: Streamlit
    1.67 kept them on one row that scrolled, three showing in a laptop's 224-px column."""
    for width in (1280, 360):
        with opened(server, browser, "training?section=gradients", width) as page:
            assert page.locator('[data-testid="stButtonGroup"]').count() >= 1
            assert not page.evaluate(SCROLLING_CHOICES), f"at {width} px: {page.evaluate(SCROLLING_CHOICES)}"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["depth?section=fixes&lecture=true", "recurrent?section=adding&lecture=true"])
def test_widget_labels_show_whole_in_lecture_type_on_a_laptop(server, browser, path):
    """In lecture type on a 1280-px laptop Streamlit cut the depth page's fixes ("He / LeCun
    initializ…") and the recurrent page's training toggles ("Train the three cells on the adding
    pro…"): a label now wraps onto a second line instead."""
    with opened(server, browser, path, 1280) as page:
        assert page.locator('[data-testid="stWidgetLabel"]').count() >= 2
        assert not page.evaluate(CUT_LABELS), f"labels cut: {page.evaluate(CUT_LABELS)}"
