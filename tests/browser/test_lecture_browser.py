"""Lecture mode on a 1920 × 1080 projector, read from the back row; the presenter's own tab."""

import re

import pytest

from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import shot, wait_idle

PAGES = registered_pages()
PROJECTOR = {"width": 1920, "height": 1080}

# Font sizes of the main area's prose and of every widget's label and shown value, and each
# paragraph's characters per line (its text over the lines it takes).
READING = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const LABELS = '[data-testid="stWidgetLabel"], [data-testid="stPageLink"], [role="tab"]';
  const VALUES = '[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"], [data-baseweb="select"] [value], '
    + '[data-testid="stBaseButton-pills"], [data-testid="stBaseButton-pillsActive"], [data-testid="stTextInputRootElement"] input';
  const visible = (el) => el.getClientRects().length > 0 && el.textContent.trim().length > 0;
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const paragraphs = Array.from(main.querySelectorAll('[data-testid="stMarkdownContainer"] :is(p, li)'))
    .filter((p) => visible(p) && !p.closest(`${LABELS}, ${VALUES}, button, summary, [data-testid="stCaptionContainer"], [data-testid="stTable"]`));
  const perLine = paragraphs.map((p) => {
    const lines = Math.max(1, Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)));
    return p.textContent.length / lines;
  });
  const labels = Array.from(main.querySelectorAll(`${LABELS}, summary`)).filter(visible);
  const values = Array.from(main.querySelectorAll(VALUES)).filter(visible);
  // A table's cells, like a widget's label: 0.875 rem, 21 px in lecture type.
  const cells = Array.from(main.querySelectorAll('[data-testid="stTable"] :is(th, td)')).filter(visible);
  const chart = main.querySelector('[data-testid="stVegaLiteChart"]');
  const cut = Array.from(document.querySelectorAll('[data-testid="stSidebarNavLink"] *'))
    .filter((el) => getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.textContent);
  return {
    cut,
    prose: paragraphs.map(size), small: paragraphs.filter((p) => size(p) < 24).map((p) => [size(p), p.textContent.slice(0, 50), p.parentElement.closest('[data-testid]').dataset.testid]), perLine, labels: labels.map(size), values: values.map(size), cells: cells.map(size),
    chartTop: chart ? chart.getBoundingClientRect().top : null,
    chartHeight: chart ? chart.getBoundingClientRect().height : null,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("page_file", PAGES)
def test_lecture_mode_reads_from_the_back_row_and_opens_on_its_main_chart(server, browser, page_file):
    path = page_url_paths()[page_file]
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/{path}?lecture=true")
        wait_idle(page)
        page.wait_for_function("window.__vpScreen === 'wide'", timeout=60_000)
        wait_idle(page)
        reading = page.evaluate(READING)
        page.screenshot(path=f"screenshots/lecture-first-screen-{path or 'home'}.png")
        assert reading["prose"] and min(reading["prose"]) >= 24, reading["small"]
        assert reading["labels"] and min(reading["labels"]) >= 20, reading["labels"]
        assert not reading["values"] or min(reading["values"]) >= 20, reading["values"]
        assert not reading["cells"] or min(reading["cells"]) >= 20, reading["cells"]
        assert not reading["cut"], f"page names cut short in the sidebar: {reading['cut']}"
        assert max(reading["perLine"]) <= 92, f"{max(reading['perLine']):.0f} characters a line"
        # The first screen shows the main chart: its upper half, or 360 px of a tall chart.
        assert reading["chartTop"] is not None
        shown = min(reading["chartHeight"] / 2, 360)
        assert reading["chartTop"] + shown <= PROJECTOR["height"], (
            f"the first chart starts {reading['chartTop']:.0f} px down a {PROJECTOR['height']} px screen"
        )
    finally:
        context.close()


@pytest.mark.browser
def test_the_presenter_tab_keeps_the_notes_and_sends_the_next_scene_to_the_projector(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        projected = context.new_page()
        projected.goto(f"{server.url}/depth?preset=cs231n_tanh&lecture=true")
        wait_idle(projected)
        sidebar = projected.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Presenter", exact=True).count() == 0, (
            "the projected page carries no notes"
        )

        presenter = context.new_page()
        presenter.goto(f"{server.url}/depth?preset=cs231n_tanh&presenter=true")
        wait_idle(presenter)
        notes = presenter.locator('[data-testid="stSidebar"]')
        assert notes.get_by_text("Presenter", exact=True).count() == 1
        points = notes.locator('[data-testid="stMarkdownContainer"] li')
        assert points.count() >= 2
        # Written from this scene's numbers.
        assert sum(bool(re.search(r"\d", text)) for text in points.all_inner_texts()) >= 2, (
            points.all_inner_texts()
        )
        next_button = presenter.get_by_role("button", name=re.compile("^Next scene: "))
        with context.expect_page() as opened:
            next_button.click()
        projector = opened.value
        projector.wait_for_load_state()
        wait_idle(projector)
        assert "lecture=true" in projector.url and "preset=" in projector.url
        scene = re.search(r"preset=([a-z0-9_]+)", projector.url).group(1)
        assert scene != "cs231n_tanh"
        presenter.wait_for_url(re.compile(rf"preset={scene}"), timeout=30_000)
        wait_idle(presenter)
        assert "presenter=true" in presenter.url
        shot(presenter, "presenter-view-depth")
        # A second click reuses the projector's window instead of opening another.
        pages_before = len(context.pages)
        presenter.get_by_role("button", name=re.compile("^Next scene: ")).click()
        presenter.wait_for_timeout(2000)
        assert len(context.pages) == pages_before
        assert scene not in projector.url
    finally:
        context.close()
