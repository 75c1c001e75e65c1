"""The Depth page in real Chromium: the depth slider redraws the charts, a click on the phase
diagram sets the network, lecture mode renders, each section's tab draws its charts and names
itself in the address bar; screenshots go to screenshots/."""

import re

import pytest

from explainer.ui import depth as depth_page
from explainer.ui.display import TABLE_PARTS_KEY

from .conftest import Visit, shot, wait_idle

CHART = '[data-testid="stVegaLiteChart"]'


def depth_slider(page):
    # Streamlit 1.67's slider is a react-aria input[type=range]; its value is in aria-valuetext.
    return (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Depth (layers)")
        .locator('input[type="range"]')
    )


@pytest.mark.browser
def test_depth_slider_moves_and_the_gradient_chart_changes(server, visit: Visit):
    page = visit.open(f"{server.url}/depth")
    assert page.locator('[data-testid="stException"]').count() == 0
    gradients = page.locator(CHART).nth(0)  # the first tab, the page's default
    before = gradients.screenshot()
    thumb = depth_slider(page)
    assert thumb.get_attribute("aria-valuetext") == "30"
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    wait_idle(page)
    page.wait_for_timeout(500)
    assert thumb.get_attribute("aria-valuetext") == "35"
    assert "depth=35" in page.url
    assert gradients.screenshot() != before
    assert "relative to layer 35" in page.locator('[data-testid="stMarkdown"]').all_inner_texts().__str__()
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "depth-after-slider")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_clicking_a_phase_cell_sets_the_network(server, visit: Visit):
    page = visit.open(f"{server.url}/depth?act=tanh&section=phase")
    phase = page.locator(CHART).nth(0)
    phase.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = phase.locator("canvas, svg").first.bounding_box()
    # Upper right of the plot: a large σ_w, a deep network (the legend takes the right fifth).
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.2)
    # The address bar follows the widgets by history.replaceState: poll it rather than wait for a load.
    page.wait_for_function(
        "() => /init=LeCun/.test(location.search) && /depth=/.test(location.search)", timeout=30_000
    )
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    depth = int(re.search(r"depth=(\d+)", page.url).group(1))
    gain = float(re.search(r"gain=([\d.]+)", page.url).group(1))
    assert depth >= 100 and gain > 1.0
    assert depth_slider(page).get_attribute("aria-valuetext") == str(depth)
    shot(page, "depth-after-phase-click")


@pytest.mark.browser
def test_lecture_mode_and_a_preset_link_render(server, visit: Visit):
    page = visit.open(f"{server.url}/depth?lecture=1&preset=relu_xavier_vs_he")
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Presenter", exact=True).count() == 0, "the projected page has no notes"
    # The published claims' table: in lecture type too wide for the page whole, so split by
    # column into tables that each begin with its row labels (a network has several quantities),
    # every other column in one of them.
    headers = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stTable"]'))
            .map(t => Array.from(t.querySelectorAll('th')).map(th => th.innerText.trim()))"""
    )
    assert len(headers) >= 2 and all(h[:2] == ["network", "quantity"] for h in headers), headers
    shown = [column for part in headers for column in part[2:]]
    assert {"published", "where printed", "agrees"} <= set(shown) and len(shown) == len(set(shown))
    assert page.locator(f'[class*="st-key-{TABLE_PARTS_KEY}"] [data-testid="stTable"]').count() == len(
        headers
    )
    shot(page, "depth-lecture-preset")


# Each tab's charts at the defaults (no scene: the published results' tab has its buttons only).
SECTION_CHARTS = {
    "gradients": 1,
    "path": 1,
    "activations": 2,
    "compare": 1,
    "fixes": 1,
    "phase": 1,
    "published": 0,
}


@pytest.mark.browser
def test_each_tab_draws_its_sections_charts_and_the_link_names_it(server, visit: Visit):
    page = visit.open(f"{server.url}/depth?depth=12&width=32&batch=32")
    assert page.get_by_role("tab").count() == len(depth_page.SECTIONS)
    assert "section=" not in page.url
    for section, charts in SECTION_CHARTS.items():
        if section != "gradients":
            page.get_by_role("tab", name=depth_page.SECTION_LABELS[section]).click()
            heading = f"{depth_page.SECTION_LABELS[section].split('.')[0]}. {depth_page.HEADINGS[section]}"
            page.wait_for_function(
                "text => [...document.querySelectorAll('h2')].some(h => h.textContent.startsWith(text))",
                arg=heading,
            )
            wait_idle(page)
            assert f"section={section}" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0
        assert sum(1 for chart in page.locator(CHART).all() if chart.is_visible()) == charts, section
    assert "depth=12" in page.url  # the network, above the tabs, stays in the link
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_a_link_from_another_page_opens_the_fixes_tab(server, visit: Visit):
    page = visit.open(f"{server.url}/")
    page.get_by_role("link", name="Depth: toggle each fix on the same charts").click()
    page.wait_for_function("() => /\\/depth/.test(location.pathname)", timeout=30_000)
    fixes = page.get_by_role("tab", name=depth_page.SECTION_LABELS["fixes"])
    fixes.wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert fixes.get_attribute("aria-selected") == "true"
    assert page.get_by_role("heading", name="5. Fixes").count() == 1
    assert "section=fixes" in page.url
    assert sum(1 for chart in page.locator(CHART).all() if chart.is_visible()) == SECTION_CHARTS["fixes"]
