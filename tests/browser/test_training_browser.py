"""The Training dynamics page in real Chromium: each section's tab renders its charts without an
exception, offline, in normal and lecture mode; the address bar names the open tab; a control
redraws its section and keeps its value while another tab is open."""

import pytest

from .conftest import Server, Visit, shot, wait_idle

SECTION_CHARTS = {
    "1. Stochastic gradients": 2,
    "2. Gradients during training": 1,
    "3. Dying ReLU": 2,
    "4. Batch norm": 3,
    "5. Clipping": 2,
    "6. Early stopping": 1,
}
SECTION_IDS = ["minibatch", "gradients", "dying", "batchnorm", "clipping", "early_stopping"]
EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    page.wait_for_function(
        "label => [...document.querySelectorAll('h2')].some(h => h.textContent.startsWith(label))",
        arg=label,
    )
    wait_idle(page)


def visible_charts(page) -> int:
    return sum(1 for chart in page.locator(CHART).all() if chart.is_visible())


@pytest.mark.browser
def test_each_tab_renders_its_sections_charts_and_the_link_names_it(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/training")
    assert page.get_by_role("tab").count() == len(SECTION_CHARTS)
    assert page.locator(CHART).count() == SECTION_CHARTS["1. Stochastic gradients"]
    assert "section=" not in page.url  # the first tab is the page's default
    for (label, charts), section in zip(SECTION_CHARTS.items(), SECTION_IDS, strict=True):
        if section != "minibatch":
            open_tab(page, label)
            assert f"section={section}" in page.url
        assert page.locator(EXCEPTION).count() == 0
        assert visible_charts(page) == charts, label
        assert page.get_by_role("heading", name=label).count() == 1
    shot(page, "training")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_training_page_in_lecture_mode_with_the_presenter_view_shows_its_notes(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/training?lecture=1&presenter=1")
    assert page.locator(EXCEPTION).count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Presenter", exact=True).count() == 1
    shot(page, "training-lecture")


@pytest.mark.browser
def test_a_scene_link_opens_its_tab(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/training?preset=relu_massacre")
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_role("tab", name="3. Dying ReLU").get_attribute("aria-selected") == "true"
    assert page.get_by_text("ReLU, learning rate 5").count() >= 1
    assert visible_charts(page) == SECTION_CHARTS["3. Dying ReLU"]


@pytest.mark.browser
def test_patience_link_moves_the_stop_and_the_url_keeps_it_while_another_tab_is_open(
    server: Server, visit: Visit
):
    page = visit.open(f"{server.url}/training?patience=20")
    assert page.locator(EXCEPTION).count() == 0
    assert "patience=20" in page.url  # held while its tab is closed
    open_tab(page, "6. Early stopping")
    assert "patience=20" in page.url and "section=early_stopping" in page.url
    assert page.get_by_text("With a patience of 20 steps").count() == 1
    open_tab(page, "4. Batch norm")
    open_tab(page, "6. Early stopping")
    assert page.get_by_text("With a patience of 20 steps").count() == 1
    assert "patience=20" in page.url
