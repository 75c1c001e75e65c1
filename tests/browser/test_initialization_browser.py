"""The Initialization page in real Chromium: it opens clean, both heatmaps draw, and clicking a cell
makes that initializer and activation the page's pair (selectboxes, curve and link follow)."""

import pytest

from .conftest import Visit, shot, wait_idle

# Small networks keep each click's recomputation short; the defaults are covered by the first test.
QUERY = "?width=64&depth=10"


def heatmap(page, which: str):
    """The forward or backward heatmap (after the weight histograms)."""
    return page.locator('[data-testid="stVegaLiteChart"]').nth({"forward": 1, "backward": 2}[which])


def click_cell(page, which: str, initializer: str, activation: str) -> None:
    """Click the centre of one heatmap cell, found by the accessible label Vega gives each mark."""
    rect = heatmap(page, which).locator(
        f'path[aria-roledescription="rect mark"][aria-label*="initializer: {initializer};"]'
        f'[aria-label^="activation_label: {activation};"]'
    )
    assert rect.count() == 1, (initializer, activation)
    rect.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)  # away from the app's header bar
    page.wait_for_timeout(300)
    box = rect.bounding_box()
    # The cell's label sits on top; Vega reads the clicked mark's data, which is the cell's.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    wait_idle(page)


@pytest.mark.browser
def test_page_opens_without_exception_and_draws_both_heatmaps(server, visit: Visit):
    page = visit.open(f"{server.url}/initialization")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Forward: activation variance, layer 20 ÷ layer 1 (log10)").count() == 1
    for which in ("forward", "backward"):
        chart = heatmap(page, which)
        cells = chart.locator('path[aria-roledescription="rect mark"][aria-label^="activation_label: "]')
        # 16 initializers × 17 activations, plus the outlines of healthy and chosen cells.
        cells.nth(16 * 17 - 1).wait_for(state="attached")
        box = chart.bounding_box()
        assert box and box["height"] > 16 * 20
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
