"""The "Through time" page in real Chromium: it draws its charts without an exception, offline,
and a scene link (the adding problem, trained on the server) opens at its tab with its curves and
sentences."""

import pytest

from .conftest import Server, Visit, shot, wait_idle

EXCEPTION = '[data-testid="stException"]'
CHARTS = '[data-testid="stVegaLiteChart"]'


@pytest.mark.browser
def test_the_page_draws_its_three_charts_without_exception(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/recurrent")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHARTS).count() == 3
    assert page.get_by_text("fell below 1e-6 of its value at T").count() >= 1
    shot(page, "recurrent")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_the_adding_problem_scene_trains_and_draws_the_race(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/recurrent?preset=adding_problem_T50")
    wait_idle(page, timeout=120_000)
    assert page.locator(EXCEPTION).count() == 0
    # Its own tab, open: the losses and the gradient as training goes, not the first tab's charts.
    assert page.get_by_role("tab", name="2. The adding problem").get_attribute("aria-selected") == "true"
    assert page.locator(CHARTS).count() == 2
    assert page.get_by_text("of the 1/6 baseline").count() == 3
    assert "preset=adding_problem_T50" in page.url
    shot(page, "recurrent-adding-problem")
