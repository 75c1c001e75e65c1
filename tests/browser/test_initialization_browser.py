"""The Initialization page in real Chromium: it opens clean on the travel heatmaps, both draw, and
clicking a cell makes that initializer and activation the page's pair (selectboxes, curve and link
follow); each section's tab draws its own charts and names itself in the address bar, and the
N(0, 1) switch of the last tab marks the first tab's heatmaps."""

import pytest

from explainer import ACTIVATIONS, INITIALIZERS
from explainer.charts import travel_cell_centre
from explainer.ui import initialization as init_page

from .conftest import Visit, shot, wait_idle

# Small networks keep each click's recomputation short; the defaults are covered by the first test.
QUERY = "?width=64&depth=10"
EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'
# Each tab's charts at the defaults (the N(0, 1) tab has tables only).
SECTION_CHARTS = {
    "travel": 3,
    "variance": 0,
    "gains": 0,
    "distributions": 1,
    "biases": 1,
    "standard_normal": 0,
}


def heatmap(page, which: str):
    """The forward or backward heatmap: the first two charts of the first tab, the page's default."""
    return page.locator(CHART).nth({"forward": 0, "backward": 1}[which])


def hover_cell(page, which: str, initializer: str, activation: str) -> dict[str, float]:
    """Point at one heatmap cell, placed by the chart's fixed geometry, and return where; the
    tooltip Vega shows there must name that cell (the heatmaps are drawn on a canvas)."""
    row = [i.label for i in INITIALIZERS.values()].index(initializer)
    column = [a.label for a in ACTIVATIONS.values()].index(activation)
    canvas = heatmap(page, which).locator("canvas")
    canvas.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)  # away from the app's header bar
    page.wait_for_timeout(300)
    box = canvas.bounding_box()
    x, y = travel_cell_centre(row, column, columns=len(ACTIVATIONS), drawing_width=box["width"])
    point = {"x": box["x"] + x, "y": box["y"] + y}
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    lines = [line.strip() for line in tooltip.inner_text().splitlines() if line.strip()]
    assert lines[:4] == ["initializer", initializer, "activation", activation], lines
    return point


def click_cell(page, which: str, initializer: str, activation: str) -> None:
    """Click the centre of one heatmap cell (checked by its tooltip first)."""
    point = hover_cell(page, which, initializer, activation)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(300)
    wait_idle(page)


@pytest.mark.browser
def test_page_opens_without_exception_and_draws_both_heatmaps(server, visit: Visit):
    page = visit.open(f"{server.url}/initialization")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Forward: activation variance, layer 20 ÷ layer 1 (log10)").count() == 1
    for which in ("forward", "backward"):
        box = heatmap(page, which).locator("canvas").bounding_box()
        # 16 initializers × 17 activations, rows 21 pixels high, beside their names.
        assert box and box["height"] > 16 * 21 and box["width"] > 17 * 20
        # Cells are where the chart's geometry puts them: the first, the last row, a middle column.
        hover_cell(page, which, "N(0, 1)", "identity")
        hover_cell(page, which, list(INITIALIZERS.values())[-1].label, "identity")
        hover_cell(page, which, "He (Kaiming) normal", "GELU")
    shot(page, "initialization")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_clicking_a_heatmap_cell_makes_it_the_pair_drawn_layer_by_layer(server, visit: Visit):
    page = visit.open(f"{server.url}/initialization{QUERY}")
    assert page.get_by_role("heading", name="He (Kaiming) normal with ReLU, layer by layer").count() == 1
    click_cell(page, "forward", "LeCun normal", "tanh")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "init=LeCun+normal" in page.url and "act=tanh" in page.url
    assert page.get_by_role("heading", name="LeCun normal with tanh, layer by layer").count() == 1
    selects = page.locator('[data-testid="stSelectbox"] input')
    assert [selects.nth(i).input_value() for i in (1, 2)] == ["LeCun normal", "tanh"]
    shot(page, "initialization-after-click")
    # A second click, on the other heatmap, moves the pair again; and back to the first cell.
    click_cell(page, "backward", "N(0, 1)", "sigmoid")
    assert page.get_by_role("heading", name="N(0, 1) with sigmoid, layer by layer").count() == 1
    assert "act=sigmoid" in page.url
    click_cell(page, "forward", "LeCun normal", "tanh")
    assert page.get_by_role("heading", name="LeCun normal with tanh, layer by layer").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


def open_tab(page, section: str) -> None:
    """Click ``section``'s tab and wait for its heading."""
    page.get_by_role("tab", name=init_page.SECTION_LABELS[section]).click()
    heading = f"{list(init_page.SECTIONS).index(section) + 1}. {init_page.HEADINGS[section]}"
    page.wait_for_function(
        "text => [...document.querySelectorAll('h2')].some(h => h.textContent.startsWith(text))", arg=heading
    )
    wait_idle(page)


def visible_charts(page) -> int:
    return sum(1 for chart in page.locator(CHART).all() if chart.is_visible())


@pytest.mark.browser
def test_each_tab_draws_its_sections_charts_and_the_link_names_it(server, visit: Visit):
    page = visit.open(f"{server.url}/initialization{QUERY}")
    assert page.get_by_role("tab").count() == len(init_page.SECTIONS)
    assert "section=" not in page.url  # the first tab, the heatmaps, is the page's default
    for section, charts in SECTION_CHARTS.items():
        if section != "travel":
            open_tab(page, section)
            assert f"section={section}" in page.url
        assert page.locator(EXCEPTION).count() == 0
        assert visible_charts(page) == charts, section
    # The N(0, 1) switch, in the last tab, lists the row's numbers there and marks it on the heatmaps.
    page.get_by_text("Show what N(0, 1) weights do").click()
    page.wait_for_timeout(300)
    wait_idle(page)
    assert "n01=" in page.url and page.get_by_text("the activation variance grows by").count() >= 1
    open_tab(page, "travel")
    assert "n01=" in page.url and visible_charts(page) == SECTION_CHARTS["travel"]
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "initialization-tabs")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_a_scene_link_opens_its_tab(server, visit: Visit):
    page = visit.open(f"{server.url}/initialization{QUERY}&preset=standard_normal")
    assert page.locator(EXCEPTION).count() == 0
    label = init_page.SECTION_LABELS["standard_normal"]
    assert page.get_by_role("tab", name=label).get_attribute("aria-selected") == "true"
    assert page.get_by_text("saturate instead").count() >= 1
