"""Every page in real Chromium: it renders without an exception, offline, and answers a slider."""

import time
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.pages.conftest import page_url_paths, registered_pages

from .conftest import Server, Visit, shot, wait_idle

PAGES = registered_pages()


def url_path(page_file: str) -> str:
    return page_url_paths()[page_file]


@pytest.mark.browser
@pytest.mark.parametrize("page_file", PAGES)
def test_page_renders_without_exception_and_without_leaving_the_machine(server, visit: Visit, page_file):
    page = visit.open(f"{server.url}/{url_path(page_file)}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Lecture mode").count() == 1
    shot(page, f"page-{url_path(page_file) or 'home'}")
    assert visit.foreign_requests() == []


@pytest.mark.browser
def test_activation_x_range_slider_redraws_the_chart(server, visit: Visit):
    page = visit.open(f"{server.url}/activations")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    before = chart.screenshot()
    thumb = page.locator('[data-testid="stSlider"]').first.get_by_role("slider").first
    thumb.focus()
    for _ in range(4):
        thumb.press("ArrowRight")
    wait_idle(page)
    page.wait_for_timeout(500)
    after = chart.screenshot()
    assert before != after
    assert "x=-4.0" in page.url or "x=-4" in page.url
    shot(page, "activations-after-slider")


@pytest.mark.browser
def test_hovering_one_panel_draws_the_rule_in_both(server, visit: Visit):
    page = visit.open(f"{server.url}/activations")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()  # as a visitor scrolls to it: the mouse reaches only what is on screen
    page.wait_for_timeout(300)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.wait_for_timeout(300)
    before = chart.screenshot()
    # Hover the left (f) panel a third of the way across.
    page.mouse.move(box["x"] + box["width"] * 0.22, box["y"] + box["height"] * 0.4)
    page.wait_for_timeout(600)
    after = chart.screenshot()
    assert before != after
    chart.screenshot(path="screenshots/activations-hover.png")


@pytest.mark.browser
def test_deep_link_on_a_fresh_server_runs_through_the_app_shell(browser):
    # With a folder named pages/, Streamlit's legacy multipage mode would run the page script
    # without app.py for the first session; app_pages/ avoids that.
    fresh = Server()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{fresh.url}/activations?act=relu&act=tanh&lecture=1")
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stSidebar"]').get_by_text("Lecture mode").count() == 1
        assert "act=ReLU&act=tanh" in page.url and "lecture=true" in page.url
        context.close()
    finally:
        fresh.stop()


@pytest.mark.browser
def test_a_headless_server_on_every_interface_asks_no_one_for_its_address():
    # Without browser.serverAddress, Streamlit's headless start asks checkip.amazonaws.com for the
    # machine's external IP (and, offline, logs that it could not).
    listening = Server(extra_args=("--server.address=0.0.0.0",))
    try:
        deadline = time.monotonic() + 15
        while "You can now view" not in listening.log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # the address lookup, when made, comes after the banner's first line
        log = listening.log_path.read_text()
    finally:
        listening.stop()
    assert "You can now view your Streamlit app" in log
    assert "external IP" not in log and "External URL" not in log, log


@pytest.mark.browser
def test_chart_toolbar_downloads_a_png_and_the_button_a_csv(server, visit: Visit):
    page = visit.open(f"{server.url}/activations")
    # Streamlit's toolbar makes no PNG, silently, while a chart's view is being built or rebuilt
    # (its exportToPng returns null then). So the click waits for a settled page, as a person's
    # does: the table's last timing in (the page reruns once more when it arrives) and idle.
    page.get_by_text("Timing f and f′ of", exact=False).first.wait_for(state="hidden", timeout=60_000)
    wait_idle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.hover()
    with page.expect_download() as png:
        page.get_by_role("button", name="Download as PNG").first.click()
    assert png.value.suggested_filename.endswith(".png")
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Away from the chart (its toolbar stays open while hovered) and with the app idle, as a
    # person would be: the CSV is written on the server when asked, through the websocket.
    page.mouse.move(0, 0)
    wait_idle(page)
    button = page.get_by_role("button", name="Download data (CSV)").first
    button.scroll_into_view_if_needed()
    # What the page did after the click, for the failure's message. No CSV came within 60 s four
    # times (twice in CI, twice beside the precompute) while the click also reran the page, whose
    # start could drop the file's answer queued for the browser; a click now reruns nothing.
    runs_before = page.evaluate("window.__vpRuns.started")
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text[:200]}"))
    page.on("response", lambda response: seen.append(f"{response.status} {response.url[-60:]}"))
    page.on("requestfailed", lambda request: seen.append(f"failed {request.url[-60:]}: {request.failure}"))
    try:
        with page.expect_download(timeout=60_000) as csv:
            button.click()
    except PlaywrightTimeout as timeout:
        state = page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
        raise AssertionError(f"no CSV within 60 s; script {state}; after the click: {seen}") from timeout
    header = Path(csv.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header == "key,label,x,panel,value,segment"  # segment: a piece of a curve between gaps
    assert page.evaluate("window.__vpRuns.started") == runs_before  # the download reran nothing


@pytest.mark.browser
def test_dark_theme_renders_the_charts(server, visit: Visit):
    page = visit.open(f"{server.url}/activations?embed=true&embed_options=dark_theme")
    background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1 : background.index(")")].split(",")[:3]]
    assert sum(channels) < 200, background
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "activations-dark")


# Records every caption text the page ever shows, from before the first byte arrives.
RECORD_CAPTIONS = """
window.captionTexts = [];
new MutationObserver(() => {
  for (const caption of document.querySelectorAll('[data-testid="stCaptionContainer"]')) {
    const text = caption.innerText.trim();
    if (text && !window.captionTexts.includes(text)) window.captionTexts.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.browser
def test_a_new_function_is_drawn_before_its_cost_is_timed_and_the_polling_stops_after(server, visit: Visit):
    """A function this server never timed: the page does not wait for its timing (a caption says
    it is being timed), the cost sentence arrives by itself, and then the page stops asking."""
    expression = f"x*tanh(x) + {time.time_ns() % 997 + 1}e-6*x"
    frames: list[float] = []
    visit.page.on("websocket", lambda ws: ws.on("framesent", lambda _: frames.append(time.monotonic())))
    visit.page.add_init_script(RECORD_CAPTIONS)
    page = visit.open(f"{server.url}/activations?expr={quote(expression)}")
    page.get_by_text("Measured on this machine").wait_for(timeout=30_000)
    assert page.get_by_text(f"typed: {expression}", exact=False).count() > 0
    assert any(text.startswith("Timing f and f′ of typed:") for text in page.evaluate("window.captionTexts"))
    assert page.get_by_text("Timing f and f′ of").count() == 0
    wait_idle(page)
    settled = len(frames)
    page.wait_for_timeout(2_500)  # five of the polling part's half-second periods
    assert len(frames) == settled, "the page kept rerunning after every timing was in"
    assert page.locator('[data-testid="stException"]').count() == 0
