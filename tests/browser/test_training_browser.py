"""The Training dynamics page in real Chromium: it renders every section without an exception,
offline, in normal and lecture mode, and a control redraws its section."""

import pytest

from .conftest import Server, Visit, shot, wait_idle

CHARTS = 11
EXCEPTION = '[data-testid="stException"]'


@pytest.mark.browser
def test_training_page_renders_every_chart_without_exception(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/training")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == CHARTS
    assert page.get_by_role("heading", name="6. Early stopping").count() == 1
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
def test_patience_link_moves_the_stop_and_the_url_keeps_it(server: Server, visit: Visit):
    page = visit.open(f"{server.url}/training?patience=20")
    assert page.locator(EXCEPTION).count() == 0
    assert "patience=20" in page.url
    assert page.get_by_text("With a patience of 20 steps").count() == 1
    wait_idle(page)
